/**
 * dist/ is read only through lib/output/safe-read.ts: regular files, a bounded number of bytes. A
 * FIFO nobody writes to must not hang `check` or `synth`, and a link to /dev/zero must not make
 * them read without end. Each case runs the built CLI in a child process, with a timeout that
 * proves no hang and GNU time's peak RSS that proves bounded memory (`npm run build` first).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { readRegularFile } from '../lib/output/safe-read';
import { SpecFixture } from './support/spec-fixtures';
import { ROOT, tempDir } from './support/tree';

const BIN = path.join(ROOT, 'bin', 'tenant-edge.js');
/** Far above what any of these runs needs (about 150 MiB), far below what reading /dev/zero takes. */
const MAX_RSS_MIB = 600;
const TIMEOUT_MS = 60_000;

let fixture: SpecFixture;

beforeAll(() => {
  if (!fs.existsSync(path.join(ROOT, 'build', 'lib', 'cli.js'))) throw new Error('build/lib/cli.js is missing: run `npm run build` before this test');
  if (!fs.existsSync('/usr/bin/time')) throw new Error('/usr/bin/time (GNU time) is missing: install it (Debian: apt-get install time)');
});

beforeEach(() => {
  fixture = SpecFixture.create();
});

afterEach(() => {
  fixture.cleanup();
});

/** Runs the built CLI in the fixture folder under GNU time: exit code, stderr lines without notices, peak RSS in MiB. */
function cli(...argv: string[]): { code: number | null; err: string[]; rssMiB: number } {
  const r = spawnSync('/usr/bin/time', ['-f', 'PEAK-RSS %M', process.execPath, BIN, ...argv], { cwd: fixture.dir, encoding: 'utf8', timeout: TIMEOUT_MS });
  expect(r.error).toBeUndefined();
  const lines = r.stderr.trimEnd().split('\n');
  const rss = /^PEAK-RSS (\d+)$/.exec(lines.pop() ?? '');
  if (!rss) throw new Error(`no peak RSS from GNU time in: ${r.stderr}`);
  const err = lines.filter((l) => !l.startsWith('notice: ') && !l.startsWith('Command exited with non-zero status'));
  return { code: r.status, err, rssMiB: Number(rss[1]) / 1024 };
}

function mkfifo(file: string): void {
  fs.rmSync(file, { force: true });
  const r = spawnSync('mkfifo', [file]);
  expect([r.error, r.status]).toEqual([undefined, 0]);
}

/** Ways to replace a file in dist/ with something that is not a regular file synth could have written. */
const REPLACEMENTS: [string, (file: string) => void][] = [
  ['a FIFO nobody writes to', mkfifo],
  ['a link to /dev/zero', (file) => {
    fs.rmSync(file, { force: true });
    fs.symlinkSync('/dev/zero', file);
  }],
  ['a sparse file of 4 GiB', (file) => {
    fs.rmSync(file, { force: true });
    fs.closeSync(fs.openSync(file, 'w'));
    fs.truncateSync(file, 4 * 1024 ** 3);
  }],
];

describe('check', () => {
  test.each(REPLACEMENTS)('reports %s in dist/ as differing, at once and in bounded memory', (_what, replace) => {
    expect(cli('synth').code).toBe(0);
    replace(fixture.path('dist/prod/flux/tenant-alpha.yaml'));
    replace(fixture.path('dist/README.md'));
    const r = cli('check');
    expect(r.err).toEqual(['dist/README.md: differs', 'dist/prod/flux/tenant-alpha.yaml: differs', 'dist is out of date (2 files); run `npx tenant-edge synth` and commit the result']);
    expect(r.code).toBe(4);
    expect(r.rssMiB).toBeLessThan(MAX_RSS_MIB);
  });
});

describe('synth', () => {
  const FOREIGN = 'tenant-edge: refusing to replace dist: it is not empty and has no tenant-edge README.md; remove it or choose another --out';
  test.each(REPLACEMENTS.flatMap(([what, replace]) => [[`${what}, with the cache`, replace, []], [`${what}, without the cache`, replace, ['--no-cache']]] as const))(
    'README.md replaced by %s: dist/ is a foreign folder (exit 2), at once and in bounded memory',
    (_what, replace, flags) => {
      expect(cli('synth').code).toBe(0);
      replace(fixture.path('dist/README.md'));
      const r = cli('synth', ...flags);
      expect(r.err).toEqual([FOREIGN]);
      expect(r.code).toBe(2);
      expect(r.rssMiB).toBeLessThan(MAX_RSS_MIB);
    },
  );

  test.each(REPLACEMENTS)('replaces %s among its files, with or without the cache, at once and in bounded memory', (_what, replace) => {
    expect(cli('synth').code).toBe(0);
    for (const flags of [[], ['--no-cache']]) {
      replace(fixture.path('dist/prod/tenants/alpha/namespace/ingresses.yaml'));
      const r = cli('synth', ...flags);
      expect(r.err).toEqual([]);
      expect(r.code).toBe(0);
      expect(r.rssMiB).toBeLessThan(MAX_RSS_MIB);
      expect(cli('check').code).toBe(0);
    }
  });
});

describe('readRegularFile', () => {
  test.each([
    ['a regular file within the bound', (f: string) => fs.writeFileSync(f, 'abc'), 3, { bytes: Buffer.from('abc') }],
    ['a file over the bound', (f: string) => fs.writeFileSync(f, 'abcd'), 3, { refused: 'it has 4 bytes, over the 3 it may have' }],
    ['a missing file', () => undefined, 3, { missing: true }],
    ['a folder', (f: string) => fs.mkdirSync(f), 3, { refused: 'it is a folder' }],
    ['a link to a regular file', (f: string) => {
      fs.writeFileSync(`${f}.target`, 'abc');
      fs.symlinkSync(`${f}.target`, f);
    }, 3, { refused: 'it is a symbolic link' }],
    ['a FIFO', mkfifo, 3, { refused: 'it is not a regular file' }],
  ])('%s', (_what, make, max, expected) => {
    const file = path.join(tempDir('tenant-edge-read-'), 'f');
    make(file);
    expect(readRegularFile(file, max)).toEqual(expected);
  });
});
