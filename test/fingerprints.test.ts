/**
 * The check of the output's files against the cache's records (commands/fingerprints.ts), on its
 * own thread and on the calling one: the same answer, and no answer from the thread when it read
 * other bytes than the caller authenticated, or a cache file it may not read.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { execFileSync } from 'child_process';
import { CacheStore, cacheContext, cacheFile, FileRecord, fingerprint } from '../lib/commands/cache';
import { changedUnits, FingerprintCheck } from '../lib/commands/fingerprints';
import { tempDir } from './support/tree';

interface Setup {
  readonly out: string;
  readonly dir: string;
  readonly store: CacheStore;
  readonly units: Record<string, { entries: string[]; key: string; objects: number; files: FileRecord[] }>;
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
  expect(store.write({ tenants: {}, units })).toBeUndefined();
  return { out, dir, store, units };
}

/** Changes three units' files: one rewritten with other bytes, one removed, one replaced by a folder. */
function change(s: Setup): void {
  fs.writeFileSync(path.join(s.out, 'prod/edited/b.yaml'), 'other bytes of another length\n');
  fs.rmSync(path.join(s.out, 'prod/removed/a.yaml'));
  fs.rmSync(path.join(s.out, 'prod/folder/b.yaml'));
  fs.mkdirSync(path.join(s.out, 'prod/folder/b.yaml'));
}

/** The MAC of the cache file as the caller reads and authenticates it. */
const version = (s: Setup): string => s.store.read()!.tag;

test('the thread and the calling thread find the same changed units', () => {
  const s = setup();
  change(s);
  const expected = ['prod\0tenant/edited', 'prod\0tenant/removed', 'prod\0tenant/folder'];
  expect(changedUnits(fs, path, s.out, s.units)).toEqual(expected);
  expect([...new FingerprintCheck(s.store, s.out).result(version(s))!]).toEqual(expected);
});

test('nothing changed, nothing found', () => {
  const s = setup();
  expect(changedUnits(fs, path, s.out, s.units)).toEqual([]);
  expect(new FingerprintCheck(s.store, s.out).result(version(s))).toEqual(new Set());
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
