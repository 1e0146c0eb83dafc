import * as fs from 'fs';
import * as path from 'path';
import { MessageChannel, receiveMessageOnPort, Worker } from 'worker_threads';
import { Problem } from '../input/problems';
import { RenderedObjectCheck } from './manifest-schemas';
import { ObjectFile, objectFileText } from './serialize';

/**
 * Writing the files of a staged tree, on this thread or on a second one.
 *
 * A file comes either as text, or as a file of rendered objects that still has to be checked
 * against its schemas and serialized (serialize.ts). On a machine with two cores the second
 * thread does that, and the system calls, while the main thread renders the next units: checking,
 * serializing and writing cost about as much as rendering. The interface stays synchronous:
 * `finish` blocks until every file is on disk and returns what the checks found.
 */

/** size, mtimeMs, ctimeMs and inode of a written file, as stat saw them right after the write. */
export type FileStat = readonly [number, number, number, number];

/** What the writer found, besides the files it wrote. */
export interface WriterResult {
  /** Each written file by its path relative to the root, as it was queued. */
  readonly stats: Map<string, FileStat>;
  /** Schema problems of the objects, `<file>: <kind>/<name>: <path>: <message>`, in the order written. */
  readonly invalid: string[];
  /** Objects over the size limit, as input problems. */
  readonly oversized: Problem[];
}

/** The first write that failed. */
export class WriteFailure extends Error {
  constructor(
    readonly file: string,
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Writes files below a root folder. Paths are relative to the root, normalized, with forward
 * slashes (output paths, render.ts); failures name the full path.
 */
export interface FileWriter {
  /** True when a second thread does the work. */
  readonly threaded: boolean;
  /** Queues a file; its folder is created once. */
  write(file: string, content: string): void;
  /** Queues a file of objects (at `objects.path`), to be checked and serialized; it must not change afterwards. */
  writeObjects(objects: ObjectFile): void;
  /** Waits until every queued file is written; throws the first failure. */
  finish(): WriterResult;
  /** Waits, and ignores what happened: the staged tree is about to be removed, and no write may land in it after that. */
  abandon(): void;
}

/**
 * The work itself, the same on either thread: folders created once, each file written and then
 * stat'ed, objects checked and serialized.
 */
export class WriteWork {
  private readonly folders = new Set<string>();
  /** [relative file, size, mtimeMs, ctimeMs, inode, ...]: flat, to cross threads cheaply. */
  readonly stats: (string | number)[] = [];
  readonly check = new RenderedObjectCheck();
  readonly oversized: Problem[] = [];

  constructor(private readonly root: string) {}

  write(rel: string, content: string): void {
    // A concatenation is enough for a normalized relative path.
    const file = `${this.root}${path.sep}${path.sep === '/' ? rel : rel.split('/').join(path.sep)}`;
    try {
      const folder = path.dirname(file);
      if (!this.folders.has(folder)) {
        fs.mkdirSync(folder, { recursive: true });
        this.folders.add(folder);
      }
      // One open file for the write and the stat: no second walk of the path.
      const fd = fs.openSync(file, 'w');
      try {
        const bytes = Buffer.from(content);
        for (let at = 0; at < bytes.length; ) at += fs.writeSync(fd, bytes, at);
        const s = fs.fstatSync(fd);
        this.stats.push(rel, s.size, s.mtimeMs, s.ctimeMs, s.ino);
      } finally {
        fs.closeSync(fd);
      }
    } catch (err) {
      throw new WriteFailure(file, (err as NodeJS.ErrnoException).code, (err as Error).message);
    }
  }

  writeObjects(objects: ObjectFile): void {
    for (const object of objects.objects) this.check.add({ file: objects.path, object });
    const { content, oversized } = objectFileText(objects);
    this.oversized.push(...oversized);
    this.write(objects.path, content);
  }

  result(): WriterResult {
    return { stats: statsMap(this.stats), invalid: this.check.problems, oversized: this.oversized };
  }
}

function statsMap(flat: readonly (string | number)[]): Map<string, FileStat> {
  const stats = new Map<string, FileStat>();
  for (let i = 0; i < flat.length; i += 5) stats.set(flat[i] as string, [flat[i + 1] as number, flat[i + 2] as number, flat[i + 3] as number, flat[i + 4] as number]);
  return stats;
}

/** Does the work on the calling thread, at once. */
export class InlineWriter implements FileWriter {
  readonly threaded = false;
  private readonly work: WriteWork;
  private failure?: unknown;

  constructor(root: string) {
    this.work = new WriteWork(root);
  }

  write(file: string, content: string): void {
    this.run(() => this.work.write(file, content));
  }

  writeObjects(objects: ObjectFile): void {
    this.run(() => this.work.writeObjects(objects));
  }

  finish(): WriterResult {
    if (this.failure) throw this.failure;
    return this.work.result();
  }

  abandon(): void {
    this.failure = undefined;
  }

  /** As the thread does, stops at the first failure and reports it from finish(). */
  private run(step: () => void): void {
    if (this.failure) return;
    try {
      step();
    } catch (err) {
      this.failure = err;
    }
  }
}

/**
 * The thread's code, a string rather than a module of its own so that it can report a module that
 * fails to load (its work is WriteWork, from the compiled file-writer.js) instead of leaving the
 * main thread waiting. It also answers when it dies of an error no step caught.
 *
 * Messages are flat arrays: [0, path, text] for a text file; [1, path, env, header, blame, objects
 * as JSON] for a file of objects (JSON crosses threads faster than structured cloning).
 */
const THREAD_CODE = `
const { workerData } = require('worker_threads');
const { port, answered: flag, module, root } = workerData;
const answered = new Int32Array(flag);
let lib;
let work;
let failure;
try {
  lib = require(module);
  work = new lib.WriteWork(root);
} catch (err) {
  failure = { file: '', code: null, message: 'the writer thread could not start: ' + err.message, write: false };
}
let done = false;
function answer() {
  if (done) return;
  done = true;
  port.postMessage(failure ? { failure } : { failure: null, stats: work.stats, invalid: work.check.problems, oversized: work.oversized });
  port.close();
  Atomics.store(answered, 0, 1);
  Atomics.notify(answered, 0);
}
process.on('uncaughtException', (err) => {
  failure ??= { file: '', code: null, message: 'the writer thread failed: ' + (err && err.message), write: false };
  answer();
});
port.on('message', (batch) => {
  if (batch === null) return answer();
  let i = 0;
  try {
    while (!failure && i < batch.length) {
      if (batch[i] === 0) {
        work.write(batch[i + 1], batch[i + 2]);
        i += 3;
      } else {
        work.writeObjects({ path: batch[i + 1], env: batch[i + 2], header: batch[i + 3], blame: batch[i + 4], objects: JSON.parse(batch[i + 5]) });
        i += 6;
      }
    }
  } catch (err) {
    const write = err instanceof lib.WriteFailure;
    failure = { file: write ? err.file : batch[i + 1], code: write ? err.code ?? null : null, message: err.message, write };
  }
});
`;

/** Files handed over per message: fewer, larger messages cost less than one per file. */
const BATCH = 64;

/** Does the work on a second thread. */
export class ThreadWriter implements FileWriter {
  readonly threaded = true;
  private readonly worker: Worker;
  private readonly port: MessageChannel['port1'];
  /** 1 once the thread has answered. */
  private readonly answered = new Int32Array(new SharedArrayBuffer(4));
  private batch: (string | number)[] = [];
  private queued = 0;
  private outcome?: { result?: WriterResult; failure?: unknown };

  /** The compiled module the thread loads; undefined under a TypeScript loader (tests), where only InlineWriter runs. */
  static module(): string | undefined {
    const compiled = path.join(__dirname, 'file-writer.js');
    return __filename.endsWith('.js') && fs.existsSync(compiled) ? compiled : undefined;
  }

  /** Writes below `root`, with the WriteWork of the compiled `module` (ThreadWriter.module()). */
  constructor(module: string, root: string) {
    const channel = new MessageChannel();
    this.port = channel.port1;
    this.worker = new Worker(THREAD_CODE, { eval: true, workerData: { port: channel.port2, answered: this.answered.buffer, module, root }, transferList: [channel.port2] });
    // The thread must never keep the process alive on its own (after an error, say).
    this.worker.unref();
  }

  write(file: string, content: string): void {
    this.batch.push(0, file, content);
    if (++this.queued >= BATCH) this.flush();
  }

  writeObjects(objects: ObjectFile): void {
    this.batch.push(1, objects.path, objects.env, objects.header, objects.blame, JSON.stringify(objects.objects));
    if (++this.queued >= BATCH) this.flush();
  }

  finish(): WriterResult {
    if (!this.outcome) {
      this.flush();
      this.port.postMessage(null);
      Atomics.wait(this.answered, 0, 0);
      const reply = receiveMessageOnPort(this.port)?.message as
        | { failure: { file: string; code: string | null; message: string; write: boolean } | null; stats: (string | number)[]; invalid: string[]; oversized: Problem[] }
        | undefined;
      this.port.close();
      void this.worker.terminate();
      if (!reply) this.outcome = { failure: new Error('the writer thread stopped without an answer') };
      else if (reply.failure) this.outcome = { failure: reply.failure.write ? new WriteFailure(reply.failure.file, reply.failure.code ?? undefined, reply.failure.message) : new Error(reply.failure.message) };
      else this.outcome = { result: { stats: statsMap(reply.stats), invalid: reply.invalid, oversized: reply.oversized } };
    }
    if (this.outcome.failure) throw this.outcome.failure;
    return this.outcome.result!;
  }

  abandon(): void {
    try {
      this.finish();
    } catch {
      // The tree is discarded.
    }
  }

  private flush(): void {
    if (this.queued === 0) return;
    this.port.postMessage(this.batch);
    this.batch = [];
    this.queued = 0;
  }
}

/** A writer below `root`: on a second thread when asked and the compiled module is there, else inline. */
export function startWriter(thread: boolean, root: string): FileWriter {
  const module = thread ? ThreadWriter.module() : undefined;
  return module ? new ThreadWriter(module, root) : new InlineWriter(root);
}
