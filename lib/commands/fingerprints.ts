import * as fs from 'fs';
import * as path from 'path';
import { MessageChannel, receiveMessageOnPort, Worker } from 'worker_threads';
import { CacheStore, FileRecord, MAX_CACHE_BYTES } from './cache';

/**
 * Which units' files are no longer as the last run left them (an edit by hand, a `git checkout` of
 * dist/): an incremental synth renders those again. Checking means one lstat per output file,
 * about half a second at 10,000 tenants, so a second thread does it while the main thread reads
 * and checks the input. The thread reads the cache file itself (parsing it is as costly as
 * handing its records over) and computes the MAC of what it read; when that is not the MAC of
 * what the main thread read and authenticated, or the thread fails, the main thread checks on its
 * own.
 */

/**
 * Refs of the units with a file that is missing, no regular file, or differs from its record in
 * size, modification or change time, or inode. Self-contained (it uses only its arguments): it is
 * also the body of the thread.
 */
export function changedUnits(fsm: typeof fs, pathm: typeof path, root: string, units: Readonly<Record<string, { readonly files: readonly FileRecord[] }>>): string[] {
  const changed: string[] = [];
  for (const ref of Object.keys(units)) {
    for (const [rel, size, mtimeMs, ctimeMs, ino] of units[ref].files) {
      // Recorded paths are relative and normalized (readCache checks them): a concatenation is enough.
      const s = fsm.lstatSync(root + pathm.sep + rel, { throwIfNoEntry: false });
      if (!s || !s.isFile() || s.size !== size || s.mtimeMs !== mtimeMs || s.ctimeMs !== ctimeMs || s.ino !== ino) {
        changed.push(ref);
        break;
      }
    }
  }
  return changed;
}

const THREAD_CODE = `
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { workerData } = require('worker_threads');
const { port, answered, file, root, source, key, prefix, limit } = workerData;
let reply;
try {
  // Compiled here, so that a function that cannot run on its own (instrumented by a coverage tool, say) fails into the reply.
  const changedUnits = (0, eval)('(' + source + ')');
  // As readWorkFile (output/work-files.ts): no link, no blocking on a FIFO, a regular file of bounded size.
  const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
  let bytes;
  try {
    const s = fs.fstatSync(fd);
    if (!s.isFile() || s.size > limit) throw new Error('not a regular file of at most ' + limit + ' bytes');
    const buffer = Buffer.allocUnsafe(s.size + 1);
    let length = 0;
    for (let n; (n = fs.readSync(fd, buffer, length, buffer.length - length, length)) > 0; ) {
      length += n;
      if (length === buffer.length) throw new Error('it grew while it was read');
    }
    bytes = buffer.subarray(0, length);
  } finally {
    fs.closeSync(fd);
  }
  // The body starts after the header line and the MAC line (cache.ts, splitCacheFile).
  const first = bytes.indexOf(10);
  const body = bytes.subarray(first + 66);
  const tag = crypto.createHmac('sha256', Buffer.from(key)).update(prefix).update(body).digest('hex');
  const units = JSON.parse(body.toString('utf8')).units;
  reply = { tag, changed: changedUnits(fs, path, root, units) };
} catch (err) {
  reply = { failure: String(err && err.message) };
}
port.postMessage(reply);
port.close();
const flag = new Int32Array(answered);
Atomics.store(flag, 0, 1);
Atomics.notify(flag, 0);
`;

export class FingerprintCheck {
  private readonly worker: Worker;
  private readonly port: MessageChannel['port1'];
  private readonly answered = new Int32Array(new SharedArrayBuffer(4));
  private done = false;

  /**
   * Starts checking the units recorded in the cache of `store` against the output folder `root`.
   * The thread reads the cache file itself and computes its MAC as CacheStore.read() does.
   */
  constructor(store: Pick<CacheStore, 'file' | 'key' | 'prefix'>, root: string) {
    const channel = new MessageChannel();
    this.port = channel.port1;
    this.worker = new Worker(THREAD_CODE, { eval: true, workerData: { port: channel.port2, answered: this.answered.buffer, file: store.file, root, source: changedUnits.toString(), key: new Uint8Array(store.key), prefix: store.prefix, limit: MAX_CACHE_BYTES }, transferList: [channel.port2] });
    this.worker.unref();
  }

  /**
   * The refs of changed units, when the thread read the bytes the caller read and authenticated:
   * `tag` is their MAC, and the thread computed the MAC of what it read (so a file changed
   * between the two reads gives another); undefined when it read other bytes, or failed.
   */
  result(tag: string): Set<string> | undefined {
    if (this.done) return undefined;
    Atomics.wait(this.answered, 0, 0);
    const reply = receiveMessageOnPort(this.port)?.message as { tag?: string; changed?: string[]; failure?: string } | undefined;
    this.stop();
    return reply?.tag === tag && reply.changed ? new Set(reply.changed) : undefined;
  }

  /** Stops the thread (its answer is not needed). */
  stop(): void {
    if (this.done) return;
    this.done = true;
    this.port.close();
    void this.worker.terminate();
  }
}
