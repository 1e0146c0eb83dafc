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
