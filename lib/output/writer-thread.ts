import { MessageChannel, receiveMessageOnPort, Worker } from 'worker_threads';

/**
 * Writes files on a second thread while the main thread goes on rendering: on a machine with two
 * cores, the system calls and the conversion to bytes no longer wait for the renderer, nor it for
 * them. The interface stays synchronous: `finish` blocks until every file is on disk and throws
 * the first error the thread met, as `fs.writeFileSync` would have.
 *
 * The thread's code is a string rather than a module so that it runs the same way from the
 * compiled package and from the TypeScript sources under test.
 */
const THREAD_CODE = `
const fs = require('fs');
const path = require('path');
const { workerData } = require('worker_threads');
const { port, done } = workerData;
const flag = new Int32Array(done);
const folders = new Set();
// [file, size, mtimeMs, ctimeMs, inode, ...] of every file written, taken right after the write.
const stats = [];
let failure;
port.on('message', (batch) => {
  if (batch === null) {
    port.postMessage({ failure: failure ?? null, stats });
    port.close();
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
    return;
  }
  if (failure) return;
  for (let i = 0; i < batch.length; i += 2) {
    const file = batch[i];
    try {
      const folder = path.dirname(file);
      if (!folders.has(folder)) {
        fs.mkdirSync(folder, { recursive: true });
        folders.add(folder);
      }
      fs.writeFileSync(file, batch[i + 1]);
      const s = fs.lstatSync(file);
      stats.push(file, s.size, s.mtimeMs, s.ctimeMs, s.ino);
    } catch (err) {
      failure = { file, code: err.code, message: err.message };
      return;
    }
  }
});
`;

/** Files handed over per message: fewer, larger messages cost less than one per file. */
const BATCH = 64;

/** The first write that failed on the writer thread. */
export class WriteFailure extends Error {
  constructor(
    readonly file: string,
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

export class FileWriterThread {
  private readonly worker: Worker;
  private readonly port: MessageChannel['port1'];
  private readonly done = new Int32Array(new SharedArrayBuffer(4));
  private batch: string[] = [];
  private finished = false;

  constructor() {
    const channel = new MessageChannel();
    this.port = channel.port1;
    this.worker = new Worker(THREAD_CODE, { eval: true, workerData: { port: channel.port2, done: this.done.buffer }, transferList: [channel.port2] });
    // The thread must never keep the process alive on its own (after an error, say).
    this.worker.unref();
  }

  /** Queues a file; its folder is created once. */
  write(file: string, content: string): void {
    this.batch.push(file, content);
    if (this.batch.length >= BATCH * 2) this.flush();
  }

  /**
   * Waits until every queued file is written; throws the first failure. Returns each file with
   * its size, modification and change times and inode, as lstat saw them right after the write
   * (a renamed folder leaves them as they are).
   */
  finish(): Map<string, readonly [number, number, number, number]> {
    const stats = new Map<string, readonly [number, number, number, number]>();
    if (this.finished) return stats;
    this.finished = true;
    this.flush();
    this.port.postMessage(null);
    Atomics.wait(this.done, 0, 0);
    const reply = receiveMessageOnPort(this.port)?.message as { failure: { file: string; code?: string; message: string } | null; stats: (string | number)[] } | undefined;
    this.port.close();
    void this.worker.terminate();
    if (reply?.failure) throw new WriteFailure(reply.failure.file, reply.failure.code, reply.failure.message);
    const flat = reply?.stats ?? [];
    for (let i = 0; i < flat.length; i += 5) stats.set(flat[i] as string, [flat[i + 1] as number, flat[i + 2] as number, flat[i + 3] as number, flat[i + 4] as number]);
    return stats;
  }

  /**
   * Waits for the thread and ignores what it reports: the staged tree is about to be removed, and
   * no write may land in it after that.
   */
  abandon(): void {
    try {
      this.finish();
    } catch {
      // The tree is discarded.
    }
  }

  private flush(): void {
    if (this.batch.length === 0) return;
    this.port.postMessage(this.batch);
    this.batch = [];
  }
}
