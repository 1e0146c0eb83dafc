import * as fs from 'fs';
import * as path from 'path';
import { MessageChannel, MessagePort, receiveMessageOnPort, Worker } from 'worker_threads';
import { environmentUnits, RenderUnit } from '../charts/units';
import { Problem } from '../input/problems';
import { EnvironmentModel } from '../model/model';
import { RenderedObjectCheck } from '../output/manifest-schemas';
import { EnvironmentRender, RenderSink, UnitResult } from '../output/render';

/**
 * Rendering on both cores: a second thread (render-worker.ts) plans the same input on its own and
 * renders every other unit of each environment into the same staging folder, while the main
 * thread renders the rest. Units are independent, so the split changes no byte; what spans units
 * (object identities, oversized objects, the environment's entry point, schema problems) is
 * merged on the main thread.
 */

/** What rendering one share of the units produced. */
export interface ShareResult {
  readonly units: { readonly env: string; readonly unit: string; readonly sources: readonly string[]; readonly result: UnitResult }[];
  /** Per environment, the identity and file of every object rendered. */
  readonly identities: Record<string, [string, string][]>;
  readonly oversized: Problem[];
  readonly invalid: string[];
  /** [output-relative path, size, mtimeMs, ctimeMs, inode] of each file the share wrote itself (the worker). */
  readonly stats: (string | number)[];
}

/** The units of `share` (0: even positions, 1: odd) of every environment, rendered into `sink`. */
export function renderShare(environments: readonly EnvironmentModel[], share: 0 | 1, sink: (f: { path: string; content: string }) => void): ShareResult {
  const check = new RenderedObjectCheck();
  const units: ShareResult['units'][number][] = [];
  const identities: Record<string, [string, string][]> = {};
  const oversized: Problem[] = [];
  for (const env of environments) {
    const render = new EnvironmentRender(env.name);
    const all: RenderUnit[] = environmentUnits(env);
    for (let i = share; i < all.length; i += 2) {
      const unit = all[i];
      const renderSink: RenderSink = { file: sink, object: check.add };
      units.push({ env: env.name, unit: unit.id, sources: unit.sources, result: render.unit(unit, renderSink) });
    }
    identities[env.name] = render.claimed();
    oversized.push(...render.oversized);
  }
  return { units, identities, oversized, invalid: check.problems, stats: [] };
}

/** Threads are used from this many tenant files on; below, starting one costs more than it saves. */
export const THREADS_FROM_TENANTS = 50;

/**
 * The second thread, started before the input is read so that its start-up and planning overlap
 * the main thread's. Opt-in for now (TENANT_EDGE_THREADS=2): on a two-core machine it competes
 * with the writer thread, plans the input a second time and holds a second model, and it has not
 * yet been shown faster on a quiet machine (`npm run bench` decides). Undefined too when it cannot
 * run or help: sources under a TypeScript loader (the worker runs compiled code), or a small input.
 */
export class RenderHelper {
  private readonly port: MessagePort;
  private readonly done = new Int32Array(new SharedArrayBuffer(4));
  private readonly worker: Worker;
  private posted = false;

  static start(opts: { platformFile: string; tenantsDir: string; env?: string }): RenderHelper | undefined {
    const script = path.join(__dirname, 'render-worker.js');
    if (!__filename.endsWith('.js') || !fs.existsSync(script) || process.env.TENANT_EDGE_THREADS !== '2') return undefined;
    let files = 0;
    try {
      files = fs.readdirSync(opts.tenantsDir).length;
    } catch {
      return undefined;
    }
    return files >= THREADS_FROM_TENANTS ? new RenderHelper(script, opts) : undefined;
  }

  private constructor(script: string, opts: { platformFile: string; tenantsDir: string; env?: string }) {
    const channel = new MessageChannel();
    this.port = channel.port1;
    this.worker = new Worker(script, { workerData: { opts, port: channel.port2, done: this.done.buffer }, transferList: [channel.port2] });
    this.worker.unref();
  }

  /** Starts the worker's share, written into `staging`; `digests` must match what it read. */
  render(staging: string, digests: ReadonlyMap<string, string>): void {
    this.posted = true;
    this.port.postMessage({ staging, digests: [...digests] });
  }

  /** Waits for the worker's share. */
  result(): ShareResult {
    Atomics.wait(this.done, 0, 0);
    const reply = receiveMessageOnPort(this.port)?.message as { result?: ShareResult; failure?: string } | undefined;
    this.stop();
    if (!reply?.result) throw new Error(`the render thread failed: ${reply?.failure ?? 'no reply'}`);
    return reply.result;
  }

  /** Stops the worker (after its result, or instead of it). */
  stop(): void {
    if (!this.posted) this.port.postMessage(null);
    this.posted = true;
    this.port.close();
    void this.worker.terminate();
  }
}
