import { ChildProcess, execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import { loadInput } from '../lib/input/load';
import { formatProblem } from '../lib/input/problems';
import { SpecFixture } from './support/spec-fixtures';

// A tenant file the folder listing calls a regular file is opened without being looked at first
// (see readSpecText). These cases make the listing call other things regular files, as if the
// file had been swapped between the listing and the read, and check that the refusals stay those
// of a check before opening.
let asRegularFiles: ReadonlySet<string> = new Set();
jest.mock('fs', () => {
  const actual = jest.requireActual('fs');
  return {
    ...actual,
    readdirSync: (...args: unknown[]) => {
      const entries = actual.readdirSync(...args) as fs.Dirent[];
      const listed = asRegularFiles.size > 0 ? entries.filter((e) => !asRegularFiles.has(e.name)) : entries;
      const regular = [...asRegularFiles].map((name) => ({ name, isFile: () => true, isDirectory: () => false, isSymbolicLink: () => false }));
      return [...listed, ...regular];
    },
  };
});

function withFixture<T>(fn: (f: SpecFixture) => T): T {
  const f = SpecFixture.create();
  try {
    return fn(f);
  } finally {
    asRegularFiles = new Set();
    f.cleanup();
  }
}

/** The problems loading the fixture reports, formatted, with the fixture as working directory. */
function problemsOf(f: SpecFixture): string[] {
  return f.inDir(() => loadInput({ platformFile: 'platform.yaml', tenantsDir: 'tenants' }).problems.map(formatProblem));
}

describe('a tenant file swapped after the listing', () => {
  test('for a symbolic link is refused as a link, without reading what it points to', () =>
    withFixture((f) => {
      f.write('secret.txt', 'TOKEN=hunter2\n');
      fs.symlinkSync(f.path('secret.txt'), f.path('tenants/delta.yaml'));
      asRegularFiles = new Set(['delta.yaml']);
      expect(problemsOf(f)).toEqual(['tenants/delta.yaml:1:1: cannot read the tenant spec: it is a symbolic link; tenant specs must be files in the tenants folder itself']);
    }));

  test('for a FIFO is refused without blocking', () =>
    withFixture((f) => {
      execFileSync('mkfifo', [f.path('tenants/delta.yaml')]);
      asRegularFiles = new Set(['delta.yaml']);
      // Should the open block (a FIFO opened for reading waits for a writer), this writer ends the
      // wait after a few seconds, so the test fails on the time taken instead of hanging.
      const writer: ChildProcess = spawn(process.execPath, ['-e', 'setTimeout(() => require("fs").openSync(process.argv[1], "w"), 5000)', f.path('tenants/delta.yaml')], { stdio: 'ignore' });
      try {
        const started = Date.now();
        expect(problemsOf(f)).toEqual(['tenants/delta.yaml:1:1: cannot read the tenant spec: it is not a regular file']);
        expect(Date.now() - started).toBeLessThan(4000);
      } finally {
        writer.kill();
      }
    }), 20_000);

  test('for a folder is refused as a folder', () =>
    withFixture((f) => {
      fs.mkdirSync(f.path('tenants/delta.yaml'));
      asRegularFiles = new Set(['delta.yaml']);
      expect(problemsOf(f)).toEqual(['tenants/delta.yaml:1:1: cannot read the tenant spec: it is a directory']);
    }));

  test('for nothing (the file is gone) is refused as missing', () =>
    withFixture((f) => {
      asRegularFiles = new Set(['delta.yaml']);
      expect(problemsOf(f)).toEqual(['tenants/delta.yaml:1:1: cannot read the tenant spec: no such file']);
    }));
});

// Tenant files are named from the folder's names, worked out once (see Names in load.ts); these
// pin the names for folders inside, equal to and outside the working directory and the platform
// spec's folder.
describe('tenant file names', () => {
  // `tenants` and `file` may name the fixture folder as <dir>.
  const layouts: { name: string; cwd: string; platform: string; tenants: string; file: string; header: string }[] = [
    { name: 'from the folder holding both', cwd: '', platform: 'platform.yaml', tenants: 'tenants', file: 'tenants/alpha.yaml', header: 'tenants/alpha.yaml' },
    { name: 'with a trailing slash', cwd: '', platform: 'platform.yaml', tenants: 'tenants/', file: 'tenants/alpha.yaml', header: 'tenants/alpha.yaml' },
    { name: 'from inside the tenants folder', cwd: 'tenants', platform: '../platform.yaml', tenants: '.', file: 'alpha.yaml', header: 'tenants/alpha.yaml' },
    { name: 'from a sibling folder', cwd: 'other', platform: '../platform.yaml', tenants: '../tenants', file: '../tenants/alpha.yaml', header: 'tenants/alpha.yaml' },
    { name: 'from a sibling folder, by absolute path', cwd: 'other', platform: '../platform.yaml', tenants: '<dir>/tenants', file: '<dir>/tenants/alpha.yaml', header: 'tenants/alpha.yaml' },
    { name: 'by absolute path', cwd: '', platform: '<dir>/platform.yaml', tenants: '<dir>/tenants', file: 'tenants/alpha.yaml', header: 'tenants/alpha.yaml' },
    { name: 'by a path through a sibling folder', cwd: '', platform: 'platform.yaml', tenants: 'other/../tenants', file: 'tenants/alpha.yaml', header: 'tenants/alpha.yaml' },
    { name: 'with the platform spec inside the tenants folder', cwd: '', platform: 'tenants/inner/platform.yaml', tenants: 'tenants', file: 'tenants/alpha.yaml', header: '../alpha.yaml' },
    { name: 'with the platform spec in a sibling folder', cwd: '', platform: 'other/platform.yaml', tenants: 'tenants', file: 'tenants/alpha.yaml', header: '../tenants/alpha.yaml' },
  ];
  test.each(layouts)('$name', (layout) =>
    withFixture((f) => {
      fs.mkdirSync(f.path('other'));
      f.write('tenants/inner/platform.yaml', f.read('platform.yaml'));
      f.write('other/platform.yaml', f.read('platform.yaml'));
      // tenants/inner is reported as a folder inside the tenants folder; alpha loads regardless.
      const before = process.cwd();
      process.chdir(f.path(layout.cwd || '.'));
      try {
        const dir = (p: string): string => p.replace('<dir>', f.dir);
        const loaded = loadInput({ platformFile: dir(layout.platform), tenantsDir: dir(layout.tenants) });
        const alpha = loaded.tenants.find((t) => t.value.metadata.name === 'alpha');
        expect({ file: alpha?.file, name: alpha?.name }).toEqual({ file: dir(layout.file), name: layout.header });
      } finally {
        process.chdir(before);
      }
    }),
  );
});
