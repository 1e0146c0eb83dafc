/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Type-checking happens once in `npm test` (tsc --noEmit); jest only transpiles.
  transform: { '^.+\\.ts$': ['ts-jest', { isolatedModules: true, diagnostics: false }] },
  // A synth cache key of each suite's own, never the one in the home folder.
  setupFilesAfterEnv: ['<rootDir>/test/support/cache-key.ts'],
  snapshotResolver: '<rootDir>/test/support/snapshot-resolver.js',
};
