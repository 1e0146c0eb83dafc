/**
 * The upstream tools the suite runs: helm, kubeconform, etcd, kube-apiserver and promtool, built
 * from their pinned Go modules, and our two probes, tls-roots and flux-health, all built by
 * scripts/install-tools.sh into .tools/bin; and kubectl from the machine. A missing tool fails the test that needs it; nothing is skipped.
 */
import { spawnSync, SpawnSyncOptions } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ROOT } from './tree';

export type PinnedTool = 'helm' | 'kubeconform' | 'etcd' | 'kube-apiserver' | 'promtool' | 'tls-roots' | 'flux-health';

/** Path of a pinned tool; throws with the install command when it is not built. */
export function toolPath(tool: PinnedTool): string {
  const file = path.join(ROOT, '.tools', 'bin', tool);
  if (!fs.existsSync(file)) {
    throw new Error(`${tool} is not installed at ${file}: run \`bash scripts/install-tools.sh\` (npm test does this first)`);
  }
  return file;
}

/** kubectl from PATH (it ships kustomize); throws when there is none. */
export function kubectlPath(): string {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const file = path.join(dir, 'kubectl');
    if (dir && fs.existsSync(file)) return file;
  }
  throw new Error('kubectl is not on PATH; the suite needs it for `kubectl kustomize` and the API-server checks');
}

export interface RunResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a program to completion (bounded by `timeout`, default 120 s) and returns its output. */
export function runTool(file: string, args: readonly string[], options: SpawnSyncOptions & { input?: string } = {}): RunResult {
  const r = spawnSync(file, args, { encoding: 'utf8', timeout: 120_000, maxBuffer: 256 * 1024 * 1024, ...options });
  if (r.error) throw new Error(`${path.basename(file)} ${args.join(' ')}: ${r.error.message}`);
  return { status: r.status ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/** Like runTool, but throws with stderr when the exit code is not 0. */
export function runOk(file: string, args: readonly string[], options: SpawnSyncOptions & { input?: string } = {}): string {
  const r = runTool(file, args, options);
  if (r.status !== 0) throw new Error(`${path.basename(file)} ${args.join(' ')} exited ${r.status}:\n${r.stderr}${r.stdout}`);
  return r.stdout;
}
