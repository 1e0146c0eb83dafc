import * as fs from 'fs';

/**
 * Reads files of an output folder, which anyone may have changed since synth wrote it: only
 * regular files, and at most a given number of bytes. A symbolic link (to /dev/zero, say) is
 * not followed (O_NOFOLLOW), and a FIFO that nobody writes to does not block the open
 * (O_NONBLOCK); the type is then checked on the open file (fstat), so that nothing can swap
 * the file between the check and the read. check, synth's marker and the removal guard read
 * dist/ through this.
 */

/** What reading gave: the bytes, or why there are none. */
export type SafeRead = { readonly bytes: Buffer } | { readonly missing: true } | { readonly refused: string };

/** O_NOFOLLOW and O_NONBLOCK where the platform has them (not on Windows). */
const FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0) | (fs.constants.O_NONBLOCK ?? 0);

/**
 * The bytes of `file` when it is a regular file of at most `maxBytes` bytes: at most the size
 * fstat gives, so never more than `maxBytes`.
 */
export function readRegularFile(file: string, maxBytes: number): SafeRead {
  let fd: number;
  try {
    fd = fs.openSync(file, FLAGS);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { missing: true };
    if (code === 'ELOOP') return { refused: 'is a symbolic link' };
    return { refused: `cannot be read (${code ?? (err as Error).message})` };
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) return { refused: stat.isDirectory() ? 'is a folder' : 'is not a regular file' };
    if (stat.size > maxBytes) return { refused: `is larger than ${maxBytes} bytes` };
    // What fstat said, and no more: a file that grows meanwhile is read as it was.
    const buffer = Buffer.allocUnsafe(stat.size);
    let length = 0;
    while (length < buffer.length) {
      const n = fs.readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
    }
    return { bytes: buffer.subarray(0, length) };
  } catch (err) {
    return { refused: `cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})` };
  } finally {
    fs.closeSync(fd);
  }
}
