/** A copy of the bundled example to synth in, with helpers to change it and compare with a full synth. */
import * as fs from 'fs';
import * as path from 'path';
import { defaultCacheDir } from '../../lib/commands/cache';
import { synthWithCache } from '../../lib/commands/synth';
import { readTree, ROOT, tempDir } from './tree';

export interface Workspace {
  readonly dir: string;
  readonly out: string;
  readonly platformFile: string;
  readonly tenantsDir: string;
}

/** A copy of the bundled example (platform.yaml and tenants/) in a fresh folder. */
export function workspace(): Workspace {
  const dir = tempDir('tenant-edge-incremental-');
  fs.copyFileSync(path.join(ROOT, 'platform.yaml'), path.join(dir, 'platform.yaml'));
  fs.cpSync(path.join(ROOT, 'tenants'), path.join(dir, 'tenants'), { recursive: true });
  return { dir, out: path.join(dir, 'dist'), platformFile: path.join(dir, 'platform.yaml'), tenantsDir: path.join(dir, 'tenants') };
}

export function synth(ws: Workspace, extra: { cacheDir?: string | false; allowRemoval?: boolean; env?: string; platformFile?: string } = {}) {
  return synthWithCache({ platformFile: ws.platformFile, tenantsDir: ws.tenantsDir, outDir: ws.out, ...extra });
}

/** What a full synth without a cache writes from the workspace's input now. */
export function fullTree(ws: Workspace, env?: string): Record<string, string> {
  const out = path.join(tempDir('tenant-edge-full-'), 'dist');
  if (env !== undefined) fs.cpSync(ws.out, out, { recursive: true });
  synthWithCache({ platformFile: ws.platformFile, tenantsDir: ws.tenantsDir, outDir: out, cacheDir: false, env });
  return readTree(out);
}

/** The cache file of the workspace's default cache folder. */
export function cacheOf(ws: Workspace): string {
  return path.join(defaultCacheDir(ws.out), 'synth-cache.json');
}

/**
 * Edits the JSON body of the workspace's cache as someone without the key would: the header and
 * MAC lines (when there are any) stay as they are.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function forgeCache(ws: Workspace, change: (data: any) => void): void {
  const text = fs.readFileSync(cacheOf(ws), 'utf8');
  const at = text.startsWith('{') ? 0 : text.indexOf('\n', text.indexOf('\n') + 1) + 1;
  const data = JSON.parse(text.slice(at));
  change(data);
  fs.writeFileSync(cacheOf(ws), text.slice(0, at) + JSON.stringify(data));
}

export function edit(file: string, from: string | RegExp, to: string): void {
  const text = fs.readFileSync(file, 'utf8');
  const next = text.replace(from, to);
  if (next === text) throw new Error(`edit of ${file} changed nothing`);
  fs.writeFileSync(file, next);
}

