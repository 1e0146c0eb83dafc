import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

/**
 * Reading and writing tenant-edge's own work files (the synth cache, its key, the journal and the
 * lock beside the output). They are input like any other: anything may have been put in their
 * place (a link to /dev/zero, a FIFO, a folder, a file of gigabytes), so they are read only when
 * they are regular files of bounded size, and never written through a link.
 */

/** What a work file holds, and its status on the open descriptor; or why it was not read. */
export type WorkFile = { readonly bytes: Buffer; readonly stat: fs.Stats } | { readonly why: string; readonly code?: string };

/**
 * Reads `file` if it is a regular file of at most `limit` bytes. O_NOFOLLOW refuses a symbolic
 * link (ELOOP), O_NONBLOCK keeps a FIFO from blocking the open, and the status of the open
 * descriptor (not of the path, which may change in between) must say regular file and size.
 */
export function readWorkFile(file: string, limit: number): WorkFile {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { why: code === 'ELOOP' ? 'it is a symbolic link' : code === 'ENOENT' ? 'no such file' : (err as Error).message, code };
  }
  try {
    const stat = fs.fstatSync(fd);
    if (stat.isDirectory()) return { why: 'it is a folder', code: 'EISDIR' };
    if (!stat.isFile()) return { why: 'it is not a regular file' };
    if (stat.size > limit) return { why: `it has ${stat.size} bytes, over the ${limit} it may have` };
    // One byte more than the limit: a file that grows while it is read is refused too.
    const buffer = Buffer.allocUnsafe(Math.min(stat.size, limit) + 1);
    let length = 0;
    for (;;) {
      const n = fs.readSync(fd, buffer, length, buffer.length - length, length);
      if (n === 0) break;
      length += n;
      if (length === buffer.length) return { why: `it grew while it was read, or has more than the ${limit} bytes it may have` };
    }
    return { bytes: buffer.subarray(0, length), stat };
  } catch (err) {
    return { why: (err as Error).message, code: (err as NodeJS.ErrnoException).code };
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Creates a new file beside `file` under an unpredictable name, O_CREAT|O_EXCL|O_NOFOLLOW (so a
 * link or file planted under any name is never written through or truncated), writes `parts`
 * into it and renames it to `file` (which replaces a link or FIFO there, never its target).
 * Throws the operating system's error; the temporary file is removed on failure. `random` gives
 * the name's random part (16 hex digits; tests choose it).
 */
export function replaceFile(file: string, parts: readonly (string | Buffer)[], mode = 0o666, random = (): string => crypto.randomBytes(8).toString('hex')): void {
  const tmp = `${file}.${random()}.tmp`;
  const fd = fs.openSync(tmp, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW, mode);
  try {
    try {
      for (const part of parts) fs.writeSync(fd, typeof part === 'string' ? Buffer.from(part) : part);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

/** Whether a name in `dir` is a temporary file replaceFile() left for `file` (a run killed while writing). */
export function isLeftoverOf(file: string, name: string): boolean {
  const base = path.basename(file);
  return name.startsWith(`${base}.`) && /^\.[0-9a-f]{16}\.tmp$/.test(name.slice(base.length));
}

/**
 * Creates `file` holding `content` only if nothing is there, and atomically: the bytes go to a new
 * file under an unpredictable name (O_EXCL|O_NOFOLLOW), which is then linked to `file`. link()
 * fails when anything is at `file`, so of runs that try at once exactly one creates it, and
 * nobody ever sees it empty or half written. Returns false when something was there already;
 * throws the operating system's other errors. The temporary file is always removed. `sync`
 * flushes the bytes to disk before the file appears.
 */
export function createExclusive(file: string, content: string | Buffer, mode = 0o666, opts: { readonly sync?: boolean } = {}): boolean {
  const tmp = `${file}.${crypto.randomBytes(8).toString('hex')}.tmp`;
  const fd = fs.openSync(tmp, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW, mode);
  try {
    try {
      fs.writeSync(fd, typeof content === 'string' ? Buffer.from(content) : content);
      if (opts.sync) fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.linkSync(tmp, file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/**
 * Creates the folder `dir` and the folders above it that are missing, one at a time, instead of
 * `fs.mkdirSync(dir, { recursive: true })`: on Node 20 that call loops forever when mkdir fails
 * with ENOENT below a folder that exists (any path under /proc/self). Each mkdir here is tried
 * once, so a path that cannot be created throws the operating system's error (ENOENT, ENOTDIR,
 * EACCES, ...). A folder created by someone else meanwhile is fine; anything else there is not.
 */
export function makeFolderPath(dir: string, mode = 0o777): void {
  const missing: string[] = [];
  for (let at = path.resolve(dir); ; at = path.dirname(at)) {
    let stat: fs.Stats | undefined;
    try {
      stat = fs.statSync(at);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || path.dirname(at) === at) throw err;
    }
    if (stat) {
      if (!stat.isDirectory()) throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${at}'`), { code: 'ENOTDIR' });
      break;
    }
    missing.push(at);
  }
  for (const at of missing.reverse()) {
    try {
      fs.mkdirSync(at, { mode });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || !fs.statSync(at).isDirectory()) throw err;
    }
  }
}
