import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { Problem } from './problems';
import { validateDocument } from './schema';
import { Platform, Tenant } from './types';
import { fastParse } from './fast-yaml';
import { LazySource, SourceLocator, YamlSource } from './yaml-source';

/** A validated document and the source it came from. */
export interface Loaded<T> {
  /** File name as the user should read it (relative to the working directory when possible). */
  readonly file: string;
  /**
   * Machine-independent name for generated-file headers: the path relative to the folder that
   * holds platform.yaml, with forward slashes (e.g. tenants/acme.yaml).
   */
  readonly name: string;
  /** Locates problems in the file (parsing it with positions only when one is reported). */
  readonly source: SourceLocator;
  readonly value: T;
  /** SHA-256 of the file's text, hex. */
  readonly digest: string;
}

/** A tenant file whose text an earlier run found valid (LoadOptions.known): read and hashed, not parsed. */
export interface KnownTenant {
  /** The path it was read from. */
  readonly path: string;
  readonly file: string;
  readonly name: string;
  /** The tenant's name (the file's name without .yaml). */
  readonly tenant: string;
  readonly digest: string;
}

export interface LoadResult {
  /** Undefined when platform.yaml is missing or invalid. */
  readonly platform?: Loaded<Platform>;
  /** Valid tenants, sorted by name. */
  readonly tenants: Loaded<Tenant>[];
  /** Tenants skipped because `known` said so, sorted by name. */
  readonly known: KnownTenant[];
  /** Number of tenant files read, valid or not. */
  readonly tenantFiles: number;
  readonly problems: Problem[];
}

export interface LoadOptions {
  readonly platformFile: string;
  readonly tenantsDir: string;
  /**
   * Says whether a tenant file, by its name and the SHA-256 of its text (and of platform.yaml's), is known to be valid
   * (an incremental synth keeps the results of files it checked before): a known file is read and
   * hashed but not parsed, and is listed in `known` instead of `tenants`.
   */
  readonly known?: (name: string, digest: string, platformDigest: string) => boolean;
}

/** Reads and validates platform.yaml and every tenants/*.yaml; never throws for bad input. */
export function loadInput(opts: LoadOptions): LoadResult {
  const problems: Problem[] = [];
  const base = path.dirname(path.resolve(opts.platformFile));
  const cwd = process.cwd();
  const platformFile = { file: opts.platformFile, shown: display(opts.platformFile, cwd), name: relativeName(base, opts.platformFile), regular: false };
  const read = readDocument(platformFile, 'platform', problems);
  const platformDoc = read && 'value' in read ? read : undefined;

  const tenants: Loaded<Tenant>[] = [];
  const known: KnownTenant[] = [];
  const files = listTenantFiles(opts.tenantsDir, problems, cwd);
  const names = new Names(opts.tenantsDir, base, cwd);
  const byName = new Map<string, string>();
  const isKnown = platformDoc && opts.known ? (name: string, digest: string) => opts.known!(name, digest, platformDoc.digest) : undefined;
  for (const entry of files) {
    const file = names.file(entry.name);
    const spec = { file, shown: names.shown(entry.name, file), name: names.relative(entry.name, file), regular: entry.regular };
    const stem = entry.name.replace(/\.ya?ml$/, '');
    const earlier = byName.get(stem);
    if (earlier !== undefined) {
      readDocument(spec, 'tenant', problems);
      problems.push({ file, line: 1, col: 1, path: '', message: `tenant file name "${stem}" is also used by ${earlier}; keep one file per tenant` });
      continue;
    }
    byName.set(stem, file);
    const loaded = readDocument(spec, 'tenant', problems, isKnown);
    if (!loaded) continue;
    if (!('value' in loaded)) {
      known.push({ ...loaded, path: file, tenant: stem });
      continue;
    }
    if (loaded.value.metadata.name !== stem) {
      problems.push(
        loaded.source.problem(['metadata', 'name'], `must equal the file name "${stem}" (got "${loaded.value.metadata.name}"); rename the file or the tenant`),
      );
      continue;
    }
    tenants.push(loaded);
  }
  tenants.sort((a, b) => (a.value.metadata.name < b.value.metadata.name ? -1 : 1));
  known.sort((a, b) => (a.tenant < b.tenant ? -1 : 1));
  return { platform: platformDoc, tenants, known, tenantFiles: files.length, problems };
}

/**
 * Reads and validates one tenant file that `loadInput` found valid before (an incremental synth
 * that needs its model after all); problems go to `problems`.
 */
export function loadTenant(file: string, platformFile: string, problems: Problem[]): Loaded<Tenant> | undefined {
  const base = path.dirname(path.resolve(platformFile));
  const read = readDocument({ file, shown: display(file, process.cwd()), name: relativeName(base, file), regular: false }, 'tenant', problems);
  return read && 'value' in read ? read : undefined;
}

function display(file: string, cwd: string): string {
  const rel = path.relative(cwd, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

/**
 * The three names of each file in the tenants folder (as joined, as shown, as named in headers),
 * built from the folder's, worked out once: path.resolve and path.relative per file cost more
 * than reading a small spec. Each method returns exactly what path.join, display() and
 * relativeName() would for a name that is one plain path segment (as listed names are).
 */
class Names {
  /** path.join(dir, name) is this plus the name. */
  private readonly joined: string;
  /** display(file) is this plus the name; undefined when the folder is outside cwd (then every file is shown as joined). */
  private readonly shownDir?: string;
  /** relativeName(base, file) is this plus the name; undefined when base lies inside the folder (then it is worked out in full). */
  private readonly baseDir?: string;

  constructor(
    dir: string,
    private readonly base: string,
    cwd: string,
  ) {
    this.joined = path.join(dir, 'x').slice(0, -1);
    const resolved = path.resolve(dir);
    // A file in a folder outside cwd is outside cwd too (or is cwd itself): display() keeps its path.
    const fromCwd = path.relative(cwd, resolved);
    if (!(fromCwd === '..' || fromCwd.startsWith(`..${path.sep}`) || path.isAbsolute(fromCwd))) this.shownDir = fromCwd && `${fromCwd}${path.sep}`;
    // Unless base lies inside the folder (a path of `..` only), the folder's path from base
    // continues into its files.
    const fromBase = path.relative(base, resolved);
    if (fromBase === '' || !fromBase.split(path.sep).every((s) => s === '..')) this.baseDir = fromBase && `${fromBase.split(path.sep).join('/')}/`;
  }

  file(name: string): string {
    return this.joined + name;
  }

  shown(name: string, file: string): string {
    if (this.shownDir === undefined) return file;
    const rel = this.shownDir + name;
    return !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
  }

  relative(name: string, file: string): string {
    return this.baseDir === undefined ? relativeName(this.base, file) : this.baseDir + name;
  }
}

function relativeName(base: string, file: string): string {
  return path.relative(base, path.resolve(file)).split(path.sep).join('/');
}

/** Largest spec file read, in bytes: far above any real spec, far below what could hurt a CI job. */
export const MAX_SPEC_BYTES = { platform: 1024 * 1024, tenant: 256 * 1024 } as const;

type SpecText = { text: string } | { why: string; line?: number; col?: number };

/**
 * Reads a spec file as text, or says why it cannot be used. Only regular files are opened: a
 * FIFO would block, a device could be endless. Tenant specs must be files in the folder itself
 * (no symbolic links), so a link can neither pull in a file from elsewhere nor echo it into a CI
 * log. The size is checked before reading, and bytes that are not UTF-8 are refused rather than
 * replaced.
 *
 * `listedAsFile` says the folder listing found a regular file under this name: then the file is
 * opened straight away and checked on the open descriptor (one path lookup instead of two). If
 * the open fails (the name is a link or is gone by now), the file is looked at again the slow
 * way, so the reason given is the one a check before opening gives.
 */
function readSpecText(file: string, kind: 'platform' | 'tenant', listedAsFile: boolean): SpecText {
  if (!listedAsFile) {
    let stat: fs.Stats;
    try {
      stat = kind === 'tenant' ? fs.lstatSync(file) : fs.statSync(file);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      return { why: code === 'ENOENT' ? 'no such file' : (err as Error).message };
    }
    if (stat.isSymbolicLink()) return { why: 'it is a symbolic link; tenant specs must be files in the tenants folder itself' };
    const refused = refusal(stat, kind);
    if (refused) return refused;
  }
  let bytes: Buffer;
  try {
    // O_NOFOLLOW: the file may not be swapped for a link between the listing (or check) and the
    // read. O_NONBLOCK: nor can a FIFO swapped in block the open; the descriptor's own status
    // below refuses it.
    const flags = fs.constants.O_RDONLY | fs.constants.O_NONBLOCK | (kind === 'tenant' ? fs.constants.O_NOFOLLOW : 0);
    let fd: number;
    try {
      fd = fs.openSync(file, flags);
    } catch (err) {
      if (listedAsFile) return readSpecText(file, kind, false);
      throw err;
    }
    try {
      const refused = refusal(fs.fstatSync(fd), kind);
      if (refused) return refused;
      const limit = MAX_SPEC_BYTES[kind];
      const buffer = readBuffer(limit + 1);
      const length = fs.readSync(fd, buffer, 0, limit + 1, 0);
      if (length > limit) return { why: `it has more than the ${limit} bytes a ${kind} spec may have` };
      bytes = buffer.subarray(0, length);
    } finally {
      fs.closeSync(fd);
    }
  } catch (err) {
    return { why: (err as Error).message };
  }
  try {
    let text = UTF8.decode(bytes);
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    return { text };
  } catch {
    const at = firstInvalidUtf8(bytes);
    const before = bytes.subarray(0, at).toString('utf8');
    const line = before.split('\n').length;
    const col = at - (before.lastIndexOf('\n') + 1) + 1;
    return { why: `byte 0x${bytes[at].toString(16).padStart(2, '0')} is not UTF-8; save the file as UTF-8`, line, col };
  }
}

/** Why a file of this type and size is not read (links are told apart before, by lstat or O_NOFOLLOW). */
function refusal(stat: fs.Stats, kind: 'platform' | 'tenant'): { why: string } | undefined {
  if (stat.isDirectory()) return { why: 'it is a directory' };
  if (!stat.isFile()) return { why: 'it is not a regular file' };
  const limit = MAX_SPEC_BYTES[kind];
  if (stat.size > limit) return { why: `it has ${stat.size} bytes, over the ${limit} a ${kind} spec may have` };
  return undefined;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** One buffer for every read (the largest spec plus one byte); only the bytes read are ever used. */
let scratch: Buffer | undefined;
function readBuffer(size: number): Buffer {
  if (!scratch || scratch.length < size) scratch = Buffer.allocUnsafe(size);
  return scratch;
}

/** Offset of the first byte that does not start or continue a valid UTF-8 sequence. */
function firstInvalidUtf8(bytes: Buffer): number {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let lo = 0;
  let hi = bytes.length;
  // The longest valid prefix, by bisection on whole-prefix validity (a cut sequence at the end is fine).
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    try {
      decoder.decode(bytes.subarray(0, mid), { stream: true });
      decoder.decode();
      lo = mid;
    } catch {
      hi = mid;
    }
  }
  return lo;
}

/** A spec file to read: its names (see {@link Loaded}) and whether the listing found a regular file. */
interface SpecFile {
  /** The path as given or joined. */
  readonly file: string;
  readonly shown: string;
  readonly name: string;
  readonly regular: boolean;
}

function readDocument<K extends 'platform' | 'tenant'>(
  spec: SpecFile,
  kind: K,
  problems: Problem[],
  known?: (name: string, digest: string) => boolean,
): Loaded<K extends 'platform' ? Platform : Tenant> | Omit<KnownTenant, 'tenant' | 'path'> | undefined {
  const { file, shown } = spec;
  const read = readSpecText(file, kind, spec.regular);
  if (!('text' in read)) {
    const what = kind === 'platform' ? 'the platform spec' : 'the tenant spec';
    // A refusal decided before parsing is placed at 1:1, as every other problem of a file has a
    // position: editors and CI annotations read `file:line:col:` only.
    problems.push({ file: shown, line: read.line ?? 1, col: read.col ?? 1, path: '', message: `cannot read ${what}: ${read.why}` });
    return undefined;
  }
  const text = read.text;
  const digest = crypto.createHash('sha256').update(text).digest('hex');
  const name = spec.name;
  if (known?.(name, digest)) return { file: shown, name, digest };
  let source: SourceLocator;
  let data: unknown;
  // The fast parser reads the common subset of YAML and declines anything else (anchors, block
  // scalars, duplicate keys, syntax errors, ...); the full parser takes those, with positions.
  const fast = fastParse(text);
  if (fast) {
    source = new LazySource(shown, text);
    data = fast.value;
  } else {
    const parsed = YamlSource.parse(shown, text);
    if (parsed.problems.length > 0) {
      problems.push(...parsed.problems);
      return undefined;
    }
    const expanded = parsed.source.expand(4 * MAX_SPEC_BYTES[kind]);
    if ('problem' in expanded) {
      problems.push(expanded.problem);
      return undefined;
    }
    source = parsed.source;
    data = expanded.data;
  }
  const { value, problems: invalid } = validateDocument(kind, source, data);
  if (!value) {
    problems.push(...invalid);
    return undefined;
  }
  return { file: shown, name, source, value, digest };
}

/** A file in the tenants folder: its name, and whether the listing says it is a regular file. */
interface TenantEntry {
  readonly name: string;
  readonly regular: boolean;
}

function listTenantFiles(dir: string, problems: Problem[], cwd: string): TenantEntry[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      problems.push({ file: display(dir, cwd), line: 0, col: 0, path: '', message: 'cannot read the tenants folder: no such directory' });
    } else {
      problems.push({ file: display(dir, cwd), line: 0, col: 0, path: '', message: `cannot read the tenants folder: ${(err as Error).message}` });
    }
    return [];
  }
  const visible = entries.filter((e) => !e.name.startsWith('.')).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  // A folder would otherwise be skipped without a word, and its tenants silently dropped (pruned).
  for (const e of visible.filter((e) => e.isDirectory())) {
    problems.push({ file: display(path.join(dir, e.name), cwd), line: 0, col: 0, path: '', message: 'tenant specs are read only from the tenants folder itself, not from folders inside it; move its files up or remove it' });
  }
  const files = visible.filter((e) => !e.isDirectory());
  // A spec saved as .YAML or .json would otherwise be skipped without a word.
  for (const e of files.filter((e) => !/\.ya?ml$/.test(e.name) && /\.(ya?ml|json)$/i.test(e.name))) {
    problems.push({ file: display(path.join(dir, e.name), cwd), line: 1, col: 1, path: '', message: 'tenant specs are read only from files ending in .yaml or .yml; rename this file' });
  }
  return files.filter((e) => /\.ya?ml$/.test(e.name)).map((e) => ({ name: e.name, regular: e.isFile() }));
}
