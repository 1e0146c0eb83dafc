import * as fs from 'fs';
import * as path from 'path';

let cached: string | undefined;

/**
 * The folder holding tenant-edge's package.json, found by walking up from this module. Works
 * from the sources (ts-jest, lib/) and from the compiled tree (build/lib/) alike.
 */
export function projectRoot(): string {
  if (cached) return cached;
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest) && (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string }).name === 'tenant-edge') {
      cached = dir;
      return dir;
    }
    if (path.dirname(dir) === dir) throw new Error(`tenant-edge: no tenant-edge package.json above ${__dirname}`);
  }
}
