import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { TenantClaims } from '../model/rules/tenant';
import { UnitResult } from '../output/render';
import { projectRoot } from '../project-root';
import { OutputDirError } from '../output/write';
import { isLeftoverOf, makeFolderPath, readWorkFile, replaceFile } from '../output/work-files';

/**
 * The synth cache: what an incremental synth needs to know about the previous run, kept in one
 * file outside the output folder (by default `.dist.cache/` beside `dist/`). Everything in it is
 * keyed by content (SHA-256 of spec texts, with the files' names) and bound to the run that wrote
 * it (CacheContext), so it is never wrong for other input, only unused; deleting it costs one
 * full synth.
 *
 * The cache is input too: CI systems restore it between runs, and anyone who can write beside the
 * output can plant one. So the file is authenticated with HMAC-SHA256 under a key kept outside
 * the cache and the repository (cache-key.ts); a file that fails the check, or was written for
 * another context, is not used. Everything the cache's use depends on is under the MAC: the
 * context (tool build, output, platform file, tenants folder, working folder, the cache file's
 * own path) and the whole body (claims, unit keys, entry files, object counts, fingerprints).
 */
export interface SynthCache {
  /** The claims of tenants whose files passed every rule that reads one tenant, by tenantKey(). */
  readonly tenants: Record<string, TenantClaims>;
  /** What each rendered unit wrote, by unitRef(environment, unit id). */
  readonly units: Record<string, UnitRecord>;
  /**
   * Every folder of the output that holds a recorded file (and the output folder, as ''), as it
   * was once the run was done: a file added, removed or renamed in a folder since changes its
   * modification and change time, and another run's new tree has new inodes. That is how a run
   * notices output its cache does not describe (an older cache put back, a run with another
   * --cache, files added by hand).
   */
  readonly folders: readonly FolderRecord[];
}

/** A unit's inputs (unitKey()) and the files it wrote, with what they looked like on disk afterwards. */
export interface UnitRecord {
  readonly key: string;
  /** Entry files (relative to the environment), for the environment's kustomization.yaml. */
  readonly entries: readonly string[];
  readonly objects: number;
  readonly files: readonly FileRecord[];
}

/** A written file: its path (relative to the output root) and [size, mtimeMs, ctimeMs, inode]. */
export type FileRecord = readonly [string, number, number, number, number];

/** A folder: its path (relative to the output root, '' for the root) and [mtimeMs, ctimeMs, inode]. */
export type FolderRecord = readonly [string, number, number, number];

export const CACHE_FORMAT = 5;
const CACHE_FILE = 'synth-cache.json';
/** The first line of a cache file; the second is the MAC (hex), the rest the body (JSON). */
const HEADER = `tenant-edge synth cache ${CACHE_FORMAT}`;
/** Largest cache file read or written: about seven times the cache of 10,000 tenants (34 MB). */
export const MAX_CACHE_BYTES = 256 * 1024 * 1024;

/**
 * What a cache is bound to: a cache is used only by a run with the same context. Paths are
 * absolute. The working folder is in it because cached claims carry file names as the user reads
 * them (relative to it), which notices repeat.
 */
export interface CacheContext {
  readonly tool: string;
  readonly out: string;
  readonly platform: string;
  readonly tenants: string;
  readonly cwd: string;
  readonly file: string;
}

/** The cache file in the cache folder `dir`. */
export function cacheFile(dir: string): string {
  return path.join(dir, CACHE_FILE);
}

/** The cache folder for an output folder: `.dist.cache` beside `dist`. */
export function defaultCacheDir(outDir: string): string {
  const out = path.resolve(outDir);
  return path.join(path.dirname(out), `.${path.basename(out)}.cache`);
}

/** The context of a run with these options and cache folder. */
export function cacheContext(opts: { readonly platformFile: string; readonly tenantsDir: string; readonly outDir: string }, cacheDir: string, tool: string): CacheContext {
  return {
    tool,
    out: path.resolve(opts.outDir),
    platform: path.resolve(opts.platformFile),
    tenants: path.resolve(opts.tenantsDir),
    cwd: process.cwd(),
    file: cacheFile(path.resolve(cacheDir)),
  };
}

/** What the MAC covers before the body: the format and the context. */
export function macPrefix(context: CacheContext): string {
  return `${HEADER}\0${JSON.stringify([context.tool, context.out, context.platform, context.tenants, context.cwd, context.file])}\0`;
}

export function tenantKey(platformDigest: string, name: string, digest: string): string {
  return sha256(`tenant\0${platformDigest}\0${name}\0${digest}`);
}

/**
 * A unit's key: the names and digests of its source files. Names count: generated-file headers
 * name the files a unit comes from, so a tenant file renamed from .yaml to .yml with the same
 * text renders other bytes. The environment and unit are in the record's ref.
 */
export function unitKey(sources: readonly { readonly name: string; readonly digest: string }[]): string {
  return sources.map((s) => `${s.name}\0${s.digest}`).join('\0');
}

/** A render unit's key: its source files by name and digest, and the facts of other units it depends on. */
export function renderUnitKey(unit: { readonly sources: readonly string[]; readonly facts?: readonly string[] }, digests: ReadonlyMap<string, string>): string {
  const facts = (unit.facts ?? []).map((f) => ({ name: '', digest: f }));
  return unitKey([...unit.sources.map((s) => ({ name: s, digest: digests.get(s) ?? '' })), ...facts]);
}

export function unitRef(env: string, unit: string): string {
  return `${env}\0${unit}`;
}

/** The cache's tenant entries: each tenant's claims under the key of its file's name and text and platform.yaml's. */
export function tenantRecords(
  platformDigest: string,
  tenants: readonly { readonly name: string; readonly digest: string; readonly claims: TenantClaims }[],
): Record<string, TenantClaims> {
  const records: Record<string, TenantClaims> = {};
  for (const t of tenants) records[tenantKey(platformDigest, t.name, t.digest)] = t.claims;
  return records;
}

/**
 * A rendered unit's record: its key and files with their fingerprints, as the writer saw each file
 * right after writing it (`written`), or as lstat sees it now for a file it did not report.
 */
export function unitRecord(root: string, key: string, result: UnitResult, written?: ReadonlyMap<string, readonly [number, number, number, number]>): UnitRecord {
  const files = result.files
    .map((f): FileRecord | undefined => {
      const s = written?.get(f);
      return s ? [f, s[0], s[1], s[2], s[3]] : fingerprint(root, f);
    })
    .filter((f): f is FileRecord => f !== undefined);
  return { key, entries: result.entries, objects: result.objects, files };
}

/** The fingerprint of a file as it is now, or undefined when it is no regular file. */
export function fingerprint(root: string, rel: string): FileRecord | undefined {
  try {
    const s = fs.lstatSync(path.join(root, rel));
    return s.isFile() ? [rel, s.size, s.mtimeMs, s.ctimeMs, s.ino] : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The records of the output folder and of every folder above the files `files` (relative to the
 * root), as lstat sees them now; a folder that is missing or no folder is left out.
 */
export function folderRecords(root: string, files: Iterable<string>): FolderRecord[] {
  const folders = foldersAbove(files);
  const records: FolderRecord[] = [];
  for (const rel of [...folders].sort()) {
    const s = fs.lstatSync(rel === '' ? root : path.join(root, rel), { throwIfNoEntry: false });
    if (s?.isDirectory()) records.push([rel, s.mtimeMs, s.ctimeMs, s.ino]);
  }
  return records;
}

/**
 * The records `recorded` (checked against the output by this run) after an update that wrote or
 * removed the files `changed`: only the folders above those can have changed, so only they and
 * the output folder are looked at again (a folder gone, or no folder, is dropped). Looking at
 * all 56,000 folders of 10,000 tenants again took 0.4 s.
 */
export function updatedFolderRecords(root: string, recorded: readonly FolderRecord[], changed: Iterable<string>): FolderRecord[] {
  const records = new Map(recorded.map((r) => [r[0], r]));
  for (const rel of foldersAbove(changed)) {
    const s = fs.lstatSync(rel === '' ? root : path.join(root, rel), { throwIfNoEntry: false });
    if (s?.isDirectory()) records.set(rel, [rel, s.mtimeMs, s.ctimeMs, s.ino]);
    else records.delete(rel);
  }
  return [...records.values()];
}

/** The output folder ('') and every folder above the files `files` (relative paths). */
function foldersAbove(files: Iterable<string>): Set<string> {
  const folders = new Set<string>(['']);
  for (const f of files) {
    for (let at = f.lastIndexOf('/'); at > 0 && !folders.has(f.slice(0, at)); at = f.lastIndexOf('/', at - 1)) folders.add(f.slice(0, at));
  }
  return folders;
}

/** Every file recorded for the units `units`. */
export function recordedFiles(units: Readonly<Record<string, UnitRecord>>): string[] {
  const files: string[] = [];
  for (const u of Object.values(units)) for (const f of u.files) files.push(f[0]);
  return files;
}

/**
 * The cache of one context under one key: read, written and removed only through this. `tag` of
 * a read cache is its MAC, which the fingerprint thread (fingerprints.ts) compares with the MAC of
 * what it read itself.
 */
export class CacheStore {
  readonly file: string;
  readonly prefix: string;

  constructor(
    readonly context: CacheContext,
    readonly key: Buffer,
  ) {
    this.file = context.file;
    this.prefix = macPrefix(context);
  }

  /** The cache, or undefined when there is none, or it is no regular file, too large, damaged, forged or of another context. */
  read(): { readonly cache: SynthCache; readonly tag: string } | undefined {
    const read = readWorkFile(this.file, MAX_CACHE_BYTES);
    if (!('bytes' in read)) return undefined;
    const parsed = splitCacheFile(read.bytes);
    if (!parsed) return undefined;
    const tag = mac(this.key, this.prefix, parsed.body);
    if (!crypto.timingSafeEqual(Buffer.from(tag, 'hex'), Buffer.from(parsed.tag, 'hex'))) return undefined;
    let data: unknown;
    try {
      data = JSON.parse(parsed.body.toString('utf8'));
    } catch {
      return undefined;
    }
    const c = data as Partial<SynthCache> | null;
    if (!isRecord(c) || !isRecord(c.tenants) || !isRecord(c.units) || !Array.isArray(c.folders)) return undefined;
    for (const u of Object.values(c.units)) if (!isUnitRecord(u)) return undefined;
    for (const f of c.folders as unknown[]) if (!isFolderRecord(f)) return undefined;
    return { cache: c as SynthCache, tag };
  }

  /**
   * Writes the cache atomically: a new file under an unpredictable name, created exclusively and
   * without following links, renamed over the old one. Returns why it could not, or undefined.
   */
  write(cache: SynthCache): string | undefined {
    const dir = path.dirname(this.file);
    try {
      makeFolderPath(dir);
      // Temporary files of runs killed while writing.
      for (const name of fs.readdirSync(dir)) if (isLeftoverOf(this.file, name)) fs.rmSync(path.join(dir, name), { force: true });
      const body = Buffer.from(JSON.stringify(cache));
      if (body.length > MAX_CACHE_BYTES) return `it would have ${body.length} bytes, over the ${MAX_CACHE_BYTES} a cache may have`;
      replaceFile(this.file, [`${HEADER}\n${mac(this.key, this.prefix, body)}\n`, body]);
      return undefined;
    } catch (err) {
      return (err as Error).message;
    }
  }
}

/** The header, MAC and body of a cache file's bytes, or undefined when they are not in that shape. */
export function splitCacheFile(bytes: Buffer): { readonly tag: string; readonly body: Buffer } | undefined {
  const first = bytes.indexOf(0x0a);
  if (first < 0 || bytes.subarray(0, first).toString('latin1') !== HEADER) return undefined;
  const tag = bytes.subarray(first + 1, first + 65).toString('latin1');
  if (!/^[0-9a-f]{64}$/.test(tag) || bytes[first + 65] !== 0x0a) return undefined;
  return { tag, body: bytes.subarray(first + 66) };
}

function mac(key: Buffer, prefix: string, body: Buffer): string {
  return crypto.createHmac('sha256', key).update(prefix).update(body).digest('hex');
}

/**
 * Removes the cache file of the cache folder `dir` (before a run changes the output, so that a
 * run killed afterwards leaves no cache that describes the tree before it). Nothing to remove is
 * fine, and so is a folder where the file should be (it is no cache). Throws other failures: a
 * cache that cannot be removed could outlive the tree it describes.
 */
export function dropCache(dir: string): void {
  try {
    fs.unlinkSync(cacheFile(dir));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return;
    throw new OutputDirError(`cannot remove the synth cache ${cacheFile(dir)}, which would no longer describe the output: ${(err as Error).message}`);
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A well-formed unit record, with safe paths (plain loops: a cache holds a record per output file). */
function isUnitRecord(v: unknown): v is UnitRecord {
  if (!isRecord(v) || typeof v.key !== 'string' || typeof v.objects !== 'number' || !Array.isArray(v.entries) || !Array.isArray(v.files)) return false;
  for (const e of v.entries as unknown[]) if (typeof e !== 'string' || !safeRelative(e)) return false;
  for (const f of v.files as unknown[]) {
    if (!Array.isArray(f) || f.length !== 5 || typeof f[0] !== 'string' || typeof f[1] !== 'number' || typeof f[2] !== 'number' || typeof f[3] !== 'number' || typeof f[4] !== 'number') return false;
    if (!safeRelative(f[0])) return false;
  }
  return true;
}

function isFolderRecord(f: unknown): f is FolderRecord {
  return Array.isArray(f) && f.length === 4 && typeof f[0] === 'string' && (f[0] === '' || safeRelative(f[0])) && typeof f[1] === 'number' && typeof f[2] === 'number' && typeof f[3] === 'number';
}

/** A cached path is used to remove and rewrite files and to list entry files: it must stay inside the output folder (no empty, `.` or `..` segment, no absolute path, no backslash). */
const UNSAFE_PATH = /^$|^\/|\\|(^|\/)\.{0,2}(\/|$)/;
function safeRelative(p: string): boolean {
  return !UNSAFE_PATH.test(p);
}

let tool: string | undefined;

/**
 * Identifies this tenant-edge: its version, the code and data it runs (every file of lib/, or of
 * build/lib/ when compiled, by path, size and modification time) and the versions of the packages
 * that shape its output. A cache from any other build is not used. Files are identified by their
 * metadata, not their bytes (hashing 7 MB of code and schemas took a tenth of an incremental
 * synth): a rebuild, a checkout or an install changes modification times, so at worst a cache of
 * identical code is not used.
 */
export function toolFingerprint(): string {
  if (tool) return tool;
  const hash = crypto.createHash('sha256');
  const root = projectRoot();
  const version = (file: string): string => {
    try {
      return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version?: string }).version ?? '';
    } catch {
      return '';
    }
  };
  hash.update(`tenant-edge ${version(path.join(root, 'package.json'))}\0`);
  for (const pkg of ['cdk8s', 'constructs', 'yaml', 'ajv']) hash.update(`${pkg} ${version(path.join(root, 'node_modules', pkg, 'package.json'))}\0`);
  hash.update(codeFingerprint(path.resolve(__dirname, '..')));
  tool = hash.digest('hex');
  return tool;
}

/** A hash of the .js, .ts and .json files under `dir`: their paths, sizes and modification times. */
export function codeFingerprint(dir: string): string {
  const hash = crypto.createHash('sha256');
  const walk = (folder: string): void => {
    for (const entry of fs.readdirSync(folder, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.(js|ts|json)$/.test(entry.name)) {
        const s = fs.statSync(full);
        hash.update(`${path.relative(dir, full)}\0${s.size}\0${s.mtimeMs}\0`);
      }
    }
  };
  walk(dir);
  return hash.digest('hex');
}

function sha256(text: string): string {
  return crypto.hash('sha256', text, 'hex');
}
