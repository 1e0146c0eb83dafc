import * as crypto from 'crypto';
import * as os from 'os';
import * as path from 'path';
import { createExclusive, makeFolderPath, readWorkFile } from '../output/work-files';

/**
 * The key that authenticates synth caches (cache.ts): 32 random bytes in a file of this user's,
 * outside any cache and any repository, so that a cache restored by CI or planted beside the
 * output, which was not written with the key, is not used. Whoever can write the key file can
 * forge caches; it is created readable and writable by its owner only, and a key file others may
 * read or write is refused.
 *
 * Where: `$TENANT_EDGE_CACHE_KEY` when set (a file path), else
 * `$XDG_STATE_HOME/tenant-edge/cache.key`, with `~/.local/state` when XDG_STATE_HOME is unset or
 * not absolute (XDG Base Directory Specification 0.8).
 */
export const CACHE_KEY_BYTES = 32;

export function cacheKeyFile(env: NodeJS.ProcessEnv = process.env): string {
  if (env.TENANT_EDGE_CACHE_KEY) return path.resolve(env.TENANT_EDGE_CACHE_KEY);
  const state = env.XDG_STATE_HOME && path.isAbsolute(env.XDG_STATE_HOME) ? env.XDG_STATE_HOME : path.join(os.homedir(), '.local', 'state');
  return path.join(state, 'tenant-edge', 'cache.key');
}

/**
 * The key in `file`, created on first use; or why there is none (then synth keeps no cache).
 * Creation is exclusive and atomic: the bytes go to a new file under an unpredictable name
 * (O_EXCL|O_NOFOLLOW, mode 0600), which is then linked to the key's name; link() fails when a
 * key (or anything else) is there already, so concurrent first runs agree on one key and a
 * reader never sees a key half written.
 */
export function cacheKey(file: string): { readonly key: Buffer } | { readonly why: string } {
  let read = readWorkFile(file, CACHE_KEY_BYTES);
  if (!('bytes' in read) && read.code === 'ENOENT') {
    try {
      create(file);
    } catch (err) {
      return { why: `cannot create the cache key ${file}: ${(err as Error).message}` };
    }
    read = readWorkFile(file, CACHE_KEY_BYTES);
  }
  if (!('bytes' in read)) return { why: `cannot read the cache key ${file}: ${read.why}` };
  const { bytes, stat } = read;
  if (bytes.length !== CACHE_KEY_BYTES) return { why: `the cache key ${file} has ${bytes.length} bytes, not ${CACHE_KEY_BYTES}; remove it, and a new one is made` };
  if (typeof process.getuid === 'function' && stat.uid !== process.getuid()) return { why: `the cache key ${file} belongs to another user` };
  if ((stat.mode & 0o077) !== 0) return { why: `other users may read or write the cache key ${file} (mode ${(stat.mode & 0o777).toString(8)}); chmod 600 it` };
  return { key: Buffer.from(bytes) };
}

/** A new key of random bytes in `file`, mode 0600, unless one is there already (another run made it). */
function create(file: string): void {
  makeFolderPath(path.dirname(file), 0o700);
  createExclusive(file, crypto.randomBytes(CACHE_KEY_BYTES), 0o600, { sync: true });
}
