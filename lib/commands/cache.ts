import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { TenantClaims } from '../model/rules/tenant';
import { UnitResult } from '../output/render';
import { projectRoot } from '../project-root';

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

export const CACHE_FORMAT = 1;
const CACHE_FILE = 'synth-cache.json';

/** The cache folder for an output folder: `.dist.cache` beside `dist`. */
export function defaultCacheDir(outDir: string): string {
  const out = path.resolve(outDir);
  return path.join(path.dirname(out), `.${path.basename(out)}.cache`);
}

export function tenantKey(tool: string, platformDigest: string, name: string, digest: string): string {
  return sha256(`tenant\0${tool}\0${platformDigest}\0${name}\0${digest}`);
}

/** A unit's key: the tool, the environment, the unit and the digests of its source files. */
export function unitKey(tool: string, env: string, unit: string, sourceDigests: readonly string[]): string {
  return sha256(`unit\0${tool}\0${env}\0${unit}\0${sourceDigests.join('\0')}`);
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

/** True when the file is still what the record says: same inode, size, modification and change times. */
export function unchanged(root: string, record: FileRecord): boolean {
  const now = fingerprint(root, record[0]);
  return now !== undefined && now[1] === record[1] && now[2] === record[2] && now[3] === record[3] && now[4] === record[4];
}

/** Reads the cache for `out`, or undefined when there is none or it was written by another tenant-edge, for another folder, or is damaged. */
export function readCache(dir: string, out: string, tool: string): SynthCache | undefined {
  let data: unknown;
  try {
    data = JSON.parse(fs.readFileSync(path.join(dir, CACHE_FILE), 'utf8'));
  } catch {
    return undefined;
  }
  const c = data as Partial<SynthCache> | null;
  if (!c || typeof c !== 'object' || c.format !== CACHE_FORMAT || c.tool !== tool || c.out !== out) return undefined;
  if (!isRecord(c.tenants) || !isRecord(c.units)) return undefined;
  for (const u of Object.values(c.units)) if (!isUnitRecord(u)) return undefined;
  return c as SynthCache;
}

/** Writes the cache atomically (a temporary file renamed over the old one). */
export function writeCache(dir: string, cache: SynthCache): void {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, CACHE_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(cache));
  fs.renameSync(tmp, file);
}

/** Removes the cache (after a run that changed the output without recording it). */
export function dropCache(dir: string): void {
  fs.rmSync(path.join(dir, CACHE_FILE), { force: true });
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isUnitRecord(v: unknown): v is UnitRecord {
  if (!isRecord(v) || typeof v.key !== 'string' || typeof v.objects !== 'number' || !Array.isArray(v.entries) || !Array.isArray(v.files)) return false;
  return v.files.every((f) => Array.isArray(f) && f.length === 5 && typeof f[0] === 'string' && safeRelative(f[0]) && f.slice(1).every((n: unknown) => typeof n === 'number'))
    && v.entries.every((e) => typeof e === 'string');
}

/** A cached path is used to remove and rewrite files: it must stay inside the output folder (no empty, `.` or `..` segment, no absolute path, no backslash). */
const UNSAFE_PATH = /^$|^\/|\\|(^|\/)\.{0,2}(\/|$)/;
function safeRelative(p: string): boolean {
  return !UNSAFE_PATH.test(p);
}

let tool: string | undefined;

/**
 * Identifies this tenant-edge: its version, the code and data it runs (every file of lib/, or of
 * build/lib/ when compiled) and the versions of the packages that shape its output. A cache from
 * any other build is not used.
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
  const lib = path.resolve(__dirname, '..');
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.(js|ts|json)$/.test(entry.name)) hash.update(`${path.relative(lib, full)}\0`).update(fs.readFileSync(full)).update('\0');
    }
  };
  walk(lib);
  tool = hash.digest('hex');
  return tool;
}

function sha256(text: string): string {
  return crypto.hash('sha256', text, 'hex');
}
