import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { TenantClaims } from '../model/rules/tenant';
import { UnitResult } from '../output/render';
import { projectRoot } from '../project-root';
import { versionOf } from './fingerprints';

/**
 * The synth cache: what an incremental synth needs to know about the previous run, kept in one
 * file outside the output folder (by default `.dist.cache/` beside `dist/`). Everything in it is
 * keyed by content (SHA-256 of spec texts) and by the tenant-edge that wrote it, so it is never
 * wrong for other input, only unused; deleting it costs one full synth.
 */
export interface SynthCache {
  readonly format: typeof CACHE_FORMAT;
  /** toolFingerprint() of the run that wrote it. */
  readonly tool: string;
  /** The absolute output folder it describes. */
  readonly out: string;
  /** The claims of tenants whose files passed every rule that reads one tenant, by tenantKey(). */
  readonly tenants: Record<string, TenantClaims>;
  /** What each rendered unit wrote, by unitRef(environment, unit id). */
  readonly units: Record<string, UnitRecord>;
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

export const CACHE_FORMAT = 3;
const CACHE_FILE = 'synth-cache.json';

/** The cache file in the cache folder `dir`. */
export function cacheFile(dir: string): string {
  return path.join(dir, CACHE_FILE);
}

/** The cache folder for an output folder: `.dist.cache` beside `dist`. */
export function defaultCacheDir(outDir: string): string {
  const out = path.resolve(outDir);
  return path.join(path.dirname(out), `.${path.basename(out)}.cache`);
}

export function tenantKey(tool: string, platformDigest: string, name: string, digest: string): string {
  return sha256(`tenant\0${tool}\0${platformDigest}\0${name}\0${digest}`);
}

/**
 * A unit's key: the digests of its source files. The tool is the cache's (a cache from another is
 * not read), and the environment and unit are in the record's ref.
 */
export function unitKey(sourceDigests: readonly string[]): string {
  return sourceDigests.join(':');
}

export function unitRef(env: string, unit: string): string {
  return `${env}\0${unit}`;
}

/** The cache's tenant entries: each tenant's claims under the key of its file's text and platform.yaml's. */
export function tenantRecords(
  tool: string,
  platformDigest: string,
  tenants: readonly { readonly name: string; readonly digest: string; readonly claims: TenantClaims }[],
): Record<string, TenantClaims> {
  const records: Record<string, TenantClaims> = {};
  for (const t of tenants) records[tenantKey(tool, platformDigest, t.name, t.digest)] = t.claims;
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
 * Reads the cache for `out`, or undefined when there is none or it was written by another
 * tenant-edge, for another folder, or is damaged. `version` tells which version of the file was
 * read (versionOf).
 */
export function readCache(dir: string, out: string, tool: string): { readonly cache: SynthCache; readonly version: string } | undefined {
  let data: unknown;
  let version: string;
  try {
    const fd = fs.openSync(cacheFile(dir), 'r');
    try {
      version = versionOf(fs.fstatSync(fd));
      data = JSON.parse(fs.readFileSync(fd, 'utf8'));
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return undefined;
  }
  const c = data as Partial<SynthCache> | null;
  if (!c || typeof c !== 'object' || c.format !== CACHE_FORMAT || c.tool !== tool || c.out !== out) return undefined;
  if (!isRecord(c.tenants) || !isRecord(c.units)) return undefined;
  for (const u of Object.values(c.units)) if (!isUnitRecord(u)) return undefined;
  return { cache: c as SynthCache, version };
}

/** Writes the cache atomically (a temporary file renamed over the old one). */
export function writeCache(dir: string, cache: SynthCache): void {
  fs.mkdirSync(dir, { recursive: true });
  const file = cacheFile(dir);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(cache));
  fs.renameSync(tmp, file);
}

/** Removes the cache (after a run that changed the output without recording it). */
export function dropCache(dir: string): void {
  fs.rmSync(cacheFile(dir), { force: true });
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
