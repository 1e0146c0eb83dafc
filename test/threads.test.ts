/**
 * Rendering on two threads (commands/render-share.ts) runs compiled code only, so these tests
 * drive the compiled package in build/ (npm test builds it first). The split must change no byte.
 */
import * as fs from 'fs';
import * as path from 'path';
import { readTree, ROOT, tempDir } from './support/tree';

type SynthModule = typeof import('../lib/commands/synth');
type BenchModule = typeof import('../scripts/bench');

// eslint-disable-next-line @typescript-eslint/no-require-imports
const compiled = require(path.join(ROOT, 'build', 'lib', 'commands', 'synth.js')) as SynthModule;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const bench = require(path.join(ROOT, 'build', 'scripts', 'bench.js')) as BenchModule;

function inputOf(tenants: number): { platformFile: string; tenantsDir: string } {
  const dir = tempDir('tenant-edge-threads-');
  bench.generate(dir, tenants);
  return { platformFile: path.join(dir, 'platform.yaml'), tenantsDir: path.join(dir, 'tenants') };
}

function synth(input: { platformFile: string; tenantsDir: string }, threads: '1' | '2' | undefined): { tree: Record<string, string>; run: ReturnType<SynthModule['synthWithCache']> } {
  const out = path.join(tempDir('tenant-edge-threads-out-'), 'dist');
  const before = process.env.TENANT_EDGE_THREADS;
  if (threads) process.env.TENANT_EDGE_THREADS = threads;
  else delete process.env.TENANT_EDGE_THREADS;
  try {
    const run = compiled.synthWithCache({ ...input, outDir: out, cacheDir: false });
    return { tree: readTree(out), run };
  } finally {
    if (before === undefined) delete process.env.TENANT_EDGE_THREADS;
    else process.env.TENANT_EDGE_THREADS = before;
  }
}

test('two threads write the tree one thread writes, byte for byte', () => {
  const input = inputOf(120);
  const two = synth(input, '2');
  const one = synth(input, undefined);
  expect(two.run.threads).toBe(2);
  expect(one.run.threads).toBe(1);
  expect(Object.keys(two.tree).length).toBeGreaterThan(1000);
  expect(two.tree).toEqual(one.tree);
  expect(two.run.summary).toEqual(one.run.summary);
});

test('a small input is rendered on one thread (starting a second costs more than it saves)', () => {
  expect(synth(inputOf(10), '2').run.threads).toBe(1);
});

test('one thread unless TENANT_EDGE_THREADS=2 asks for two', () => {
  const input = inputOf(60);
  expect(synth(input, undefined).run.threads).toBe(1);
  expect(synth(input, '1').run.threads).toBe(1);
  expect(synth(input, '2').run.threads).toBe(2);
});

test('after a full synth on two threads, the cache records every file: the next run renders nothing again', () => {
  const input = inputOf(120);
  const out = path.join(tempDir('tenant-edge-threads-out-'), 'dist');
  process.env.TENANT_EDGE_THREADS = '2';
  let full: ReturnType<SynthModule['synthWithCache']>;
  try {
    full = compiled.synthWithCache({ ...input, outDir: out });
  } finally {
    delete process.env.TENANT_EDGE_THREADS;
  }
  expect([full.mode, full.threads]).toEqual(['full', 2]);
  const next = compiled.synthWithCache({ ...input, outDir: out });
  expect([next.mode, next.rendered]).toEqual(['incremental', 0]);
  expect(fs.existsSync(path.join(path.dirname(out), '.dist.cache'))).toBe(true);
});
