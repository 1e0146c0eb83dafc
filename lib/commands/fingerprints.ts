import * as fs from 'fs';
import * as path from 'path';
import { MessageChannel, receiveMessageOnPort, Worker } from 'worker_threads';
import { CacheStore, FileRecord, FolderRecord, MAX_CACHE_BYTES } from './cache';

/**
 * Which units' files are no longer as the last run left them (an edit by hand in place): an
 * incremental synth renders those again. A folder whose entries changed (a file added, removed or
 * renamed, a `git checkout` of dist/, another run's tree) sends the run down the full path. Checking means one lstat per output file,
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

/**
 * The first recorded folder of the output that is missing, no folder, or differs from its record
 * in modification or change time, or inode: an entry was added, removed or renamed in it since
 * the cache was written, or the tree was replaced. Self-contained, like changedUnits.
 */
export function changedFolder(fsm: typeof fs, pathm: typeof path, root: string, folders: readonly FolderRecord[]): string | undefined {
  for (const [rel, mtimeMs, ctimeMs, ino] of folders) {
    const s = fsm.lstatSync(rel === '' ? root : root + pathm.sep + rel, { throwIfNoEntry: false });
    if (!s || !s.isDirectory() || s.mtimeMs !== mtimeMs || s.ctimeMs !== ctimeMs || s.ino !== ino) return rel;
  }
  return undefined;
}

/** What is no longer as the cache records it: a folder (then nothing else is looked at), or the units with changed files. */
export interface OutputChanges {
  readonly folder?: string;
  readonly units: ReadonlySet<string>;
}

/** changedFolder, then changedUnits, on this thread. */
export function outputChanges(root: string, cache: { readonly units: Parameters<typeof changedUnits>[3]; readonly folders: readonly FolderRecord[] }): OutputChanges {
  const folder = changedFolder(fs, path, root, cache.folders);
  return folder !== undefined ? { folder, units: new Set() } : { units: new Set(changedUnits(fs, path, root, cache.units)) };
}

const THREAD_CODE = `
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { workerData } = require('worker_threads');
const { port, answered, file, root, source, folderSource, key, prefix, limit } = workerData;
let reply;
try {
  // Compiled here, so that a function that cannot run on its own (instrumented by a coverage tool, say) fails into the reply.
  const changedUnits = (0, eval)('(' + source + ')');
  const changedFolder = (0, eval)('(' + folderSource + ')');
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
  // The header line, the MAC line, then the body (cache.ts, splitCacheFile). Nothing is parsed
  // before it is authenticated: a planted file of 256 MiB could parse into gigabytes, and
  // terminate() does not stop a running JSON.parse.
  const first = bytes.indexOf(10);
  const header = prefix.slice(0, prefix.indexOf('\0'));
  if (first < 0 || bytes.subarray(0, first).toString('latin1') !== header || bytes[first + 65] !== 10) throw new Error('not a cache file');
  const body = bytes.subarray(first + 66);
  const tag = crypto.createHmac('sha256', Buffer.from(key)).update(prefix).update(body).digest('hex');
  const claimed = bytes.subarray(first + 1, first + 65);
  if (!crypto.timingSafeEqual(Buffer.from(tag, 'latin1'), claimed)) throw new Error('not authenticated');
  const cache = JSON.parse(body.toString('utf8'));
  const folder = changedFolder(fs, path, root, cache.folders);
  reply = folder !== undefined ? { tag, folder, changed: [] } : { tag, changed: changedUnits(fs, path, root, cache.units) };
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
    this.worker = new Worker(THREAD_CODE, { eval: true, workerData: { port: channel.port2, answered: this.answered.buffer, file: store.file, root, source: changedUnits.toString(), folderSource: changedFolder.toString(), key: new Uint8Array(store.key), prefix: store.prefix, limit: MAX_CACHE_BYTES }, transferList: [channel.port2] });
    this.worker.unref();
  }

  /**
   * The changed folder or units, when the thread read the bytes the caller read and
   * authenticated: `tag` is their MAC, and the thread computed the MAC of what it read (so a file
   * changed between the two reads gives another); undefined when it read other bytes, or failed.
   */
  result(tag: string): OutputChanges | undefined {
    if (this.done) return undefined;
    Atomics.wait(this.answered, 0, 0);
    const reply = receiveMessageOnPort(this.port)?.message as { tag?: string; folder?: string; changed?: string[]; failure?: string } | undefined;
    this.stop();
    if (reply?.tag !== tag || !reply.changed) return undefined;
    return reply.folder !== undefined ? { folder: reply.folder, units: new Set() } : { units: new Set(reply.changed) };
  }

  /** Stops the thread (its answer is not needed). */
  stop(): void {
    if (this.done) return;
    this.done = true;
    this.port.close();
    void this.worker.terminate();
  }
}
