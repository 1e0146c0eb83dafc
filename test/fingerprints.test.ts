/**
 * The check of the output's files against the cache's records (commands/fingerprints.ts), on its
 * own thread and on the calling one: the same answer, and no answer from the thread when it read
 * other bytes than the caller authenticated, or a cache file it may not read.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { execFileSync, spawnSync } from 'child_process';
import { CacheStore, cacheContext, cacheFile, FileRecord, fingerprint, folderRecords, FolderRecord, recordedFiles } from '../lib/commands/cache';
import { changedFolder, changedUnits, FingerprintCheck } from '../lib/commands/fingerprints';
import { tempDir } from './support/tree';

interface Setup {
  readonly out: string;
  readonly dir: string;
  readonly store: CacheStore;
  readonly units: Record<string, { entries: string[]; key: string; objects: number; files: FileRecord[] }>;
  readonly folders: FolderRecord[];
}

/** An output folder with four units of two files each, and a cache recording them as they are. */
function setup(): Setup {
  const root = tempDir('tenant-edge-fingerprints-');
  const out = path.join(root, 'dist');
  const units: Setup['units'] = {};
  for (const unit of ['same', 'edited', 'removed', 'folder']) {
    const files: FileRecord[] = [];
    for (const name of ['a.yaml', 'b.yaml']) {
      const rel = `prod/${unit}/${name}`;
      fs.mkdirSync(path.join(out, 'prod', unit), { recursive: true });
      fs.writeFileSync(path.join(out, rel), `${unit} ${name}\n`);
      files.push(fingerprint(out, rel)!);
    }
    units[`prod\0tenant/${unit}`] = { key: unit, entries: [], objects: 0, files };
  }
  const dir = path.join(root, '.dist.cache');
  fs.mkdirSync(dir);
  const store = new CacheStore(cacheContext({ platformFile: path.join(root, 'platform.yaml'), tenantsDir: path.join(root, 'tenants'), outDir: out }, dir, 'tool'), crypto.randomBytes(32));
  const folders = folderRecords(out, recordedFiles(units));
  expect(store.write({ tenants: {}, units, folders })).toBeUndefined();
  return { out, dir, store, units, folders };
}

/** Changes three units' files: one rewritten with other bytes, one removed, one replaced by a folder (the last two change their folders too). */
function change(s: Setup): void {
  fs.writeFileSync(path.join(s.out, 'prod/edited/b.yaml'), 'other bytes of another length\n');
  fs.rmSync(path.join(s.out, 'prod/removed/a.yaml'));
  fs.rmSync(path.join(s.out, 'prod/folder/b.yaml'));
  fs.mkdirSync(path.join(s.out, 'prod/folder/b.yaml'));
}

/** Rewrites the cache with the folders as they are now, so that only the files' changes show. */
function recordFolders(s: Setup): void {
  s.folders.splice(0, s.folders.length, ...folderRecords(s.out, recordedFiles(s.units)));
  expect(s.store.write({ tenants: {}, units: s.units, folders: s.folders })).toBeUndefined();
}

/** The MAC of the cache file as the caller reads and authenticates it. */
const version = (s: Setup): string => s.store.read()!.tag;

test('the thread and the calling thread find the same changed units', () => {
  const s = setup();
  change(s);
  recordFolders(s);
  const expected = ['prod\0tenant/edited', 'prod\0tenant/removed', 'prod\0tenant/folder'];
  expect(changedUnits(fs, path, s.out, s.units)).toEqual(expected);
  expect([...new FingerprintCheck(s.store, s.out).result(version(s))!.units]).toEqual(expected);
});

test('nothing changed, nothing found', () => {
  const s = setup();
  expect(changedUnits(fs, path, s.out, s.units)).toEqual([]);
  expect(changedFolder(fs, path, s.out, s.folders)).toBeUndefined();
  expect(new FingerprintCheck(s.store, s.out).result(version(s))).toEqual({ units: new Set() });
});

test.each([
  ['a file added by hand', (s: Setup) => fs.writeFileSync(path.join(s.out, 'prod/same/c.yaml'), 'kind: ConfigMap\n'), 'prod/same'],
  ['a folder added by hand', (s: Setup) => fs.mkdirSync(path.join(s.out, 'prod/extra')), 'prod'],
  ['a file removed', (s: Setup) => fs.rmSync(path.join(s.out, 'prod/removed/a.yaml')), 'prod/removed'],
  ['a file renamed', (s: Setup) => fs.renameSync(path.join(s.out, 'prod/same/a.yaml'), path.join(s.out, 'prod/same/z.yaml')), 'prod/same'],
  ['a file added and removed again', (s: Setup) => (fs.writeFileSync(path.join(s.out, 'prod/same/c.yaml'), ''), fs.rmSync(path.join(s.out, 'prod/same/c.yaml'))), 'prod/same'],
  ['the tree replaced by a copy', (s: Setup) => (fs.renameSync(s.out, `${s.out}.old`), fs.cpSync(`${s.out}.old`, s.out, { recursive: true, preserveTimestamps: true })), ''],
])('a folder whose entries changed is found, on both threads: %s', (_what, alter, folder) => {
  const s = setup();
  // Past the clock tick of the records: file times move in steps of a few milliseconds.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
  alter(s);
  expect(changedFolder(fs, path, s.out, s.folders)).toBe(folder);
  expect(new FingerprintCheck(s.store, s.out).result(version(s))).toEqual({ folder, units: new Set() });
});

test('a file rewritten with the same bytes counts as changed (its modification time moved)', () => {
  const s = setup();
  const file = path.join(s.out, 'prod/same/a.yaml');
  const before = fs.statSync(file);
  fs.writeFileSync(file, fs.readFileSync(file));
  fs.utimesSync(file, before.atime, new Date(before.mtimeMs + 5000));
  expect(changedUnits(fs, path, s.out, s.units)).toEqual(['prod\0tenant/same']);
});

test('the thread answers nothing when it read other bytes than the caller, or under another key', () => {
  const s = setup();
  const check = new FingerprintCheck(s.store, s.out);
  expect(check.result('0'.repeat(64))).toBeUndefined();
  const other = new FingerprintCheck({ file: s.store.file, prefix: s.store.prefix, key: crypto.randomBytes(32) }, s.out);
  expect(other.result(version(s))).toBeUndefined();
});

test.each([
  ['a FIFO', (file: string) => execFileSync('mkfifo', [file])],
  ['a link to /dev/zero', (file: string) => fs.symlinkSync('/dev/zero', file)],
  ['a folder', (file: string) => fs.mkdirSync(file)],
])('the thread neither hangs nor reads without bound on a cache file that is %s', (_what, plant) => {
  const s = setup();
  const tag = version(s);
  fs.rmSync(cacheFile(s.dir));
  plant(cacheFile(s.dir));
  expect(new FingerprintCheck(s.store, s.out).result(tag)).toBeUndefined();
});

test('a cache the thread cannot read or parse gives no answer, and no wait', () => {
  const s = setup();
  expect(new FingerprintCheck({ ...s.store, file: path.join(s.dir, 'missing.json') }, s.out).result(version(s))).toBeUndefined();
  const tag = version(s);
  fs.writeFileSync(cacheFile(s.dir), '{ not json');
  expect(new FingerprintCheck(s.store, s.out).result(tag)).toBeUndefined();
});

test('stop before the answer, and result after stop, are harmless', () => {
  const s = setup();
  const check = new FingerprintCheck(s.store, s.out);
  check.stop();
  expect(check.result(version(s))).toBeUndefined();
});

test('a planted cache file is not parsed: it costs what reading it costs, however long the caller takes to stop the thread', () => {
  // The built code, in a child process under GNU time (`npm run build` first).
  const built = path.join(__dirname, '..', 'build', 'lib', 'commands', 'fingerprints.js');
  if (!fs.existsSync(built)) throw new Error(`${built} is missing: run \`npm run build\` before this test`);
  if (!fs.existsSync('/usr/bin/time')) throw new Error('/usr/bin/time (GNU time) is missing: install it (Debian: apt-get install time)');
  const s = setup();
  // The right header, a MAC nobody computed, and 48 MiB of tiny arrays (about 12 million objects once parsed, over 1 GiB).
  const size = 48 * 1024 * 1024;
  const body = Buffer.alloc(size, '[0],');
  body.write('{"folders":[],"units":{"u":{"files":[   ');
  body.write('[0]]}}} ', size - 8);
  fs.writeFileSync(s.store.file, Buffer.concat([Buffer.from(`${s.store.prefix.split('\0')[0]}\n${'0'.repeat(64)}\n`), body]));
  // The caller stops the thread late, while it would be parsing (a loaded machine's main thread).
  const script = `
    const { FingerprintCheck } = require(${JSON.stringify(built)});
    const check = new FingerprintCheck({ file: ${JSON.stringify(s.store.file)}, prefix: ${JSON.stringify(s.store.prefix)}, key: Buffer.alloc(32) }, ${JSON.stringify(s.out)});
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1500);
    check.stop();
    process.on('exit', () => console.log('EXIT', Math.round(performance.now())));
  `;
  const r = spawnSync('/usr/bin/time', ['-f', 'PEAK-RSS %M', process.execPath, '-e', script], { encoding: 'utf8', timeout: 60_000 });
  expect(r.error).toBeUndefined();
  expect(r.status).toBe(0);
  const rssMiB = Number(/PEAK-RSS (\d+)/.exec(r.stderr)![1]) / 1024;
  const exitMs = Number(/EXIT (\d+)/.exec(r.stdout)![1]);
  // The file read once (48 MiB) and Node itself; a parse takes over a gigabyte and seconds.
  expect(rssMiB).toBeLessThan(300);
  expect(exitMs).toBeLessThan(5000);
});
