import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { RenderedObject } from '../../lib/output/render';
import { renderAll } from '../../lib/commands/plan';

export const ROOT = path.resolve(__dirname, '..', '..');

/** Every file under `dir` as { 'relative/path': content }, sorted by path. */
export function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else out[path.relative(dir, full).split(path.sep).join('/')] = fs.readFileSync(full, 'utf8');
    }
  };
  walk(dir);
  return out;
}

/** Renders specs in memory: the tree (without dist/README.md), every object, and synth's notices. */
export function renderTree(platformFile: string, tenantsDir: string): { tree: Record<string, string>; objects: RenderedObject[]; notices: readonly string[] } {
  const tree: Record<string, string> = {};
  const objects: RenderedObject[] = [];
  const { notices } = renderAll({ platformFile, tenantsDir }, (f) => (tree[f.path] = f.content), (o) => objects.push(o));
  const sorted: Record<string, string> = {};
  for (const k of Object.keys(tree).sort()) sorted[k] = tree[k];
  return { tree: sorted, objects, notices };
}

const created: string[] = [];

/** A fresh temporary folder, removed after the test file's last test. */
export function tempDir(prefix = 'tenant-edge-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  created.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of created.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** Copies the bundled example (platform.yaml + tenants/) into a fresh temp dir. */
export function copyExample(): string {
  const dir = tempDir();
  fs.copyFileSync(path.join(ROOT, 'platform.yaml'), path.join(dir, 'platform.yaml'));
  fs.cpSync(path.join(ROOT, 'tenants'), path.join(dir, 'tenants'), { recursive: true });
  return dir;
}
