/**
 * Rendered trees the real-tool checks run over: the committed dist/ (what Flux applies) and a
 * fresh synth of the spec fixture, which covers shapes the bundled example does not.
 */
import * as fs from 'fs';
import * as path from 'path';
import { synthToDir } from '../../lib/commands/synth';
import { SpecFixture } from './spec-fixtures';
import { ROOT, tempDir } from './tree';

export interface RenderedTree {
  readonly name: string;
  readonly dir: string;
}

/** The committed dist/ and a fresh render of the spec fixture, each as a folder on disk. */
export function renderedTrees(): RenderedTree[] {
  const fixture = SpecFixture.create();
  const out = path.join(tempDir('tenant-edge-fixture-'), 'dist');
  synthToDir({ platformFile: fixture.path('platform.yaml'), tenantsDir: fixture.path('tenants'), outDir: out });
  fixture.cleanup();
  return [
    { name: 'dist/ (the bundled example)', dir: path.join(ROOT, 'dist') },
    { name: 'the spec fixture', dir: out },
  ];
}

/** Every file below `dir`, absolute, sorted. */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else out.push(full);
    }
  };
  walk(dir);
  return out.sort();
}

/** Folders below `dir` (itself included) that hold a kustomization.yaml, sorted. */
export function kustomizeRoots(dir: string): string[] {
  return filesUnder(dir)
    .filter((f) => path.basename(f) === 'kustomization.yaml')
    .map((f) => path.dirname(f))
    .sort();
}
