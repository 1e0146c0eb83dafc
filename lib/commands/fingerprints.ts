import * as fs from 'fs';
import * as path from 'path';
import { MessageChannel, receiveMessageOnPort, Worker } from 'worker_threads';
import type { FileRecord } from './cache';

/**
 * Which units' files are no longer as the last run left them (an edit by hand, a `git checkout` of
 * dist/): an incremental synth renders those again. Checking means one lstat per output file,
 * about half a second at 10,000 tenants, so a second thread does it while the main thread reads
 * and checks the input. The thread reads the cache file itself (parsing it is as costly as
 * handing its records over) and says which version of it it read; when that is not the version
 * the main thread read, or the thread fails, the main thread checks on its own.
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

/** Which version of a file was read: its inode, size and modification time (the cache is replaced by a rename, so each version has its own inode). */
export function versionOf(s: fs.Stats): string {
  return `${s.ino}:${s.size}:${s.mtimeMs}`;
}

const THREAD_CODE = `
const fs = require('fs');
const path = require('path');
const { workerData } = require('worker_threads');
const { port, answered, file, root, source } = workerData;
let reply;
try {
  // Compiled here, so that a function that cannot run on its own (instrumented by a coverage tool, say) fails into the reply.
  const changedUnits = (0, eval)('(' + source + ')');
  const fd = fs.openSync(file, 'r');
  let version;
  let text;
  try {
    const s = fs.fstatSync(fd);
    version = s.ino + ':' + s.size + ':' + s.mtimeMs;
    text = fs.readFileSync(fd, 'utf8');
  } finally {
    fs.closeSync(fd);
  }
  const units = JSON.parse(text).units;
  reply = { version, changed: changedUnits(fs, path, root, units) };
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

  /** Starts checking the units recorded in the cache file `file` against the output folder `root`. */
  constructor(file: string, root: string) {
    const channel = new MessageChannel();
    this.port = channel.port1;
    this.worker = new Worker(THREAD_CODE, { eval: true, workerData: { port: channel.port2, answered: this.answered.buffer, file, root, source: changedUnits.toString() }, transferList: [channel.port2] });
    this.worker.unref();
  }

  /**
   * The refs of changed units, when the thread checked the cache version `version` (versionOf
   * the file the caller read); undefined when it read another, or failed.
   */
  result(version: string): Set<string> | undefined {
    if (this.done) return undefined;
    Atomics.wait(this.answered, 0, 0);
    const reply = receiveMessageOnPort(this.port)?.message as { version?: string; changed?: string[]; failure?: string } | undefined;
    this.stop();
    return reply?.version === version && reply.changed ? new Set(reply.changed) : undefined;
  }

  /** Stops the thread (its answer is not needed). */
  stop(): void {
    if (this.done) return;
    this.done = true;
    this.port.close();
    void this.worker.terminate();
  }
}
