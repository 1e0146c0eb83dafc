// Keeps every snapshot in the top-level __snapshots__/ folder, named after its test file.
const path = require('path');

const root = path.resolve(__dirname, '..', '..');
const snapDir = path.join(root, '__snapshots__');
const testDir = path.join(root, 'test');

module.exports = {
  resolveSnapshotPath: (testPath, ext) => path.join(snapDir, path.relative(testDir, testPath) + ext),
  resolveTestPath: (snapPath, ext) => path.join(testDir, path.relative(snapDir, snapPath).slice(0, -ext.length)),
  testPathForConsistencyCheck: path.join(testDir, 'example.test.ts'),
};
