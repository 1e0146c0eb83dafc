import * as fs from 'fs';
import * as path from 'path';
import { MessagePort, workerData } from 'worker_threads';
import { plan, Plan } from './plan';
import { renderShare, ShareResult } from './render-share';

/**
 * The render thread (render-share.ts): plans the input as the main thread does, then renders the
 * odd units of every environment into the staging folder it is sent, and reports what it did.
 */
const { opts, port, done } = workerData as { opts: { platformFile: string; tenantsDir: string; env?: string }; port: MessagePort; done: SharedArrayBuffer };
const flag = new Int32Array(done);

function reply(message: { result?: ShareResult; failure?: string }): void {
  port.postMessage(message);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
}

let planned: Plan | undefined;
let failure: string | undefined;
try {
  planned = plan(opts);
} catch (err) {
  // The main thread reports the input's problems; this thread only stops.
  failure = (err as Error).message;
}

port.once('message', (message: { staging: string; digests: [string, string][] } | null) => {
  if (message === null) return port.close();
  try {
    if (!planned) throw new Error(failure ?? 'no plan');
    // Both threads must render the same input: a file changed between their reads is refused.
    const mine = [...planned.inputs.digests];
    if (JSON.stringify(mine) !== JSON.stringify(message.digests)) throw new Error('the input changed while it was read; run synth again');
    const folders = new Set<string>();
    const stats: (string | number)[] = [];
    const result = renderShare(planned.environments, 1, (f) => {
      const file = path.join(message.staging, ...f.path.split('/'));
      const folder = path.dirname(file);
      if (!folders.has(folder)) {
        fs.mkdirSync(folder, { recursive: true });
        folders.add(folder);
      }
      fs.writeFileSync(file, f.content);
      const s = fs.lstatSync(file);
      stats.push(f.path, s.size, s.mtimeMs, s.ctimeMs, s.ino);
    });
    reply({ result: { ...result, stats } });
  } catch (err) {
    reply({ failure: (err as Error).message });
  }
  port.close();
});
