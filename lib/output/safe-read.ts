import * as fs from 'fs';
import * as path from 'path';
import { readWorkFile } from './work-files';

/**
 * Reads files of an output folder, which anyone may have changed since synth wrote it, through
 * the same bounded reader as the work files (readWorkFile): only regular files of at most a given
 * number of bytes, a symbolic link never followed, a FIFO never waited on. check, synth's marker
 * and the removal guard read dist/ through this.
 */

/** What reading gave: the bytes, or why there are none. */
export type SafeRead = { readonly bytes: Buffer } | { readonly missing: true } | { readonly refused: string };

/** The bytes of `file` when it is a regular file of at most `maxBytes` bytes. */
export function readRegularFile(file: string, maxBytes: number): SafeRead {
  const read = readWorkFile(file, maxBytes);
  if ('bytes' in read) return { bytes: read.bytes };
  if (read.code === 'ENOENT' || read.code === 'ENOTDIR') return { missing: true };
  return { refused: read.why };
}

/** Files below `dir`, relative, with forward slashes, without following links; none when it does not exist. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, prefix: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.isDirectory()) walk(path.join(d, e.name), `${prefix}${e.name}/`);
      else out.push(`${prefix}${e.name}`);
    }
  };
  walk(dir, '');
  return out;
}
