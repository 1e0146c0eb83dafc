/**
 * The writer thread (output/file-writer.ts) checks, serializes and writes files while the main
 * thread renders. It loads compiled code only, so these tests drive the compiled package in
 * build/ (npm test builds it first) and compare it with the sources jest runs, which write on the
 * main thread: the thread must change no byte and lose no problem.
 */
import * as fs from 'fs';
import * as path from 'path';
import { synthWithCache } from '../lib/commands/synth';
import { InputError } from '../lib/input/problems';
import { readTree, ROOT, tempDir } from './support/tree';

type SynthModule = typeof import('../lib/commands/synth');
type BenchModule = typeof import('../scripts/bench');
type WriterModule = typeof import('../lib/output/file-writer');

// eslint-disable-next-line @typescript-eslint/no-require-imports
const compiled = require(path.join(ROOT, 'build', 'lib', 'commands', 'synth.js')) as SynthModule;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const writer = require(path.join(ROOT, 'build', 'lib', 'output', 'file-writer.js')) as WriterModule;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const bench = require(path.join(ROOT, 'build', 'scripts', 'bench.js')) as BenchModule;

function inputOf(tenants: number): { platformFile: string; tenantsDir: string } {
  const dir = tempDir('tenant-edge-threads-');
  bench.generate(dir, tenants);
  return { platformFile: path.join(dir, 'platform.yaml'), tenantsDir: path.join(dir, 'tenants') };
}

const outDir = (): string => path.join(tempDir('tenant-edge-threads-out-'), 'dist');

/** A tenant whose one Ingress is over the size limit (100 hosts by 100 paths). */
function addHugeTenant(tenantsDir: string): void {
  const hosts = Array.from({ length: 100 }, (_, i) => `h${i}`).join(', ');
  const paths = Array.from({ length: 100 }, (_, i) => `        - { path: /p${i}, service: s, port: 80 }`).join('\n');
  fs.writeFileSync(
    path.join(tenantsDir, 'zz-huge.yaml'),
    `apiVersion: tenant-edge.dev/v1alpha1\nkind: Tenant\nmetadata:\n  name: zz-huge\nspec:\n  environments: [prod]\n  ingress: { dedicated: false }\n  routes:\n    - name: huge\n      hosts: [${hosts}]\n      tls: none\n      paths:\n${paths}\n`,
  );
}

test('the compiled synth writes on a second thread the tree the main thread writes, byte for byte', () => {
  const input = inputOf(120);
  const threaded = outDir();
  const inline = outDir();
  const two = compiled.synthWithCache({ ...input, outDir: threaded, cacheDir: false });
  const one = synthWithCache({ ...input, outDir: inline, cacheDir: false });
  expect(two.threads).toBe(2);
  expect(one.threads).toBe(1);
  const tree = readTree(threaded);
  expect(Object.keys(tree).length).toBeGreaterThan(1500);
  expect(tree).toEqual(readTree(inline));
  expect(two.summary).toEqual(one.summary);
});

test(`a small input is written on the main thread (starting a thread costs more than it saves)`, () => {
  expect(compiled.THREAD_FROM_TENANTS).toBe(50);
  expect(compiled.synthWithCache({ ...inputOf(compiled.THREAD_FROM_TENANTS - 1), outDir: outDir(), cacheDir: false }).threads).toBe(1);
  expect(compiled.synthWithCache({ ...inputOf(compiled.THREAD_FROM_TENANTS), outDir: outDir(), cacheDir: false }).threads).toBe(2);
});

test('after a threaded full synth, the cache records every file: the next run renders nothing again', () => {
  const input = inputOf(120);
  const out = outDir();
  const full = compiled.synthWithCache({ ...input, outDir: out });
  expect([full.mode, full.threads]).toEqual(['full', 2]);
  const next = compiled.synthWithCache({ ...input, outDir: out });
  expect([next.mode, next.rendered]).toEqual(['incremental', 0]);
});

test('an oversized object found on the thread is reported as on the main thread, and the previous output stays', () => {
  const input = inputOf(60);
  const out = outDir();
  compiled.synthWithCache({ ...input, outDir: out, cacheDir: false });
  const before = readTree(out);
  addHugeTenant(input.tenantsDir);
  const problemsOf = (synth: () => unknown): string[] => {
    try {
      synth();
    } catch (err) {
      expect(err).toBeInstanceOf(Error);
      expect((err as Error).constructor.name).toBe(InputError.name);
      return (err as InputError).problems.map((p) => `${p.file}: ${p.message}`);
    }
    throw new Error('synth passed');
  };
  const threaded = problemsOf(() => compiled.synthWithCache({ ...input, outDir: out, cacheDir: false }));
  expect(threaded).toEqual([expect.stringMatching(/zz-huge\.yaml: renders Ingress zz-huge\/huge in environment "prod" with \d{7} bytes, over the 1048576 an object may have/)]);
  expect(problemsOf(() => synthWithCache({ ...input, outDir: outDir(), cacheDir: false }))).toEqual(threaded);
  expect(readTree(out)).toEqual(before);
  expect(fs.readdirSync(path.dirname(out))).toEqual(['dist']);
});

describe('the thread itself', () => {
  const module = path.join(ROOT, 'build', 'lib', 'output', 'file-writer.js');
  const namespace = (name: string): Record<string, unknown> => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });

  test('reports schema problems with their file, in the order written', () => {
    const dir = tempDir();
    const w = new writer.ThreadWriter(module, dir);
    w.writeObjects({ path: 'e/a.yaml', env: 'e', header: '# a\n', blame: 'a.yaml', objects: [namespace('a'), { ...namespace('b'), spec: { colour: 'red' } }] });
    w.write('e/k.yaml', 'text\n');
    w.writeObjects({ path: 'e/sub/c.yaml', env: 'e', header: '', blame: 'c.yaml', objects: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'c', labelz: {} } }] });
    const result = w.finish();
    expect(result.invalid).toEqual(['e/a.yaml: Namespace/b: spec.colour: unknown field', 'e/sub/c.yaml: Namespace/c: metadata.labelz: unknown field']);
    expect(result.oversized).toEqual([]);
    expect(fs.readFileSync(path.join(dir, 'e', 'a.yaml'), 'utf8')).toBe('# a\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: b\nspec:\n  colour: red\n');
    expect([...result.stats.keys()].sort()).toEqual(['e/a.yaml', 'e/k.yaml', 'e/sub/c.yaml']);
    const s = fs.lstatSync(path.join(dir, 'e', 'k.yaml'));
    expect(result.stats.get('e/k.yaml')).toEqual([s.size, s.mtimeMs, s.ctimeMs, s.ino]);
  });

  test('reports the first failed write with its system error, and writes nothing after it', () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, 'folder'));
    const w = new writer.ThreadWriter(module, dir);
    w.write('folder', 'x\n');
    w.write('later.yaml', 'x\n');
    let failure: unknown;
    try {
      w.finish();
    } catch (err) {
      failure = err;
    }
    expect(failure).toBeInstanceOf(writer.WriteFailure);
    expect((failure as InstanceType<WriterModule['WriteFailure']>).code).toBe('EISDIR');
    expect((failure as InstanceType<WriterModule['WriteFailure']>).file).toBe(path.join(dir, 'folder'));
    expect(fs.existsSync(path.join(dir, 'later.yaml'))).toBe(false);
  });

  test('an error while serializing stops the thread with that error', () => {
    const dir = tempDir();
    const w = new writer.ThreadWriter(module, dir);
    w.writeObjects({ path: 'e/a.yaml', env: 'e', header: '', blame: 'a.yaml', objects: [{ ...namespace('a'), data: { x: 'bad \u0085 character' } }] });
    expect(() => w.finish()).toThrow('cannot write U+0085 to YAML that kustomize and Flux read');
  });

  test('a module that does not load is reported, not waited for', () => {
    const w = new writer.ThreadWriter(path.join(tempDir(), 'missing.js'), tempDir());
    w.write('a.yaml', 'x\n');
    expect(() => w.finish()).toThrow(/^the writer thread could not start: Cannot find module/);
  });

  test('finish answers the same twice, and abandon after it is harmless', () => {
    const w = new writer.ThreadWriter(module, tempDir());
    w.write('a.yaml', 'x\n');
    const first = w.finish();
    expect(w.finish()).toBe(first);
    expect(() => w.abandon()).not.toThrow();
  });

  test('under the TypeScript sources (no compiled module beside them) the work stays on the main thread', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const sources = require('../lib/output/file-writer') as WriterModule;
    expect(sources.ThreadWriter.module()).toBeUndefined();
    expect(sources.startWriter(true, tempDir()).threaded).toBe(false);
    expect(writer.ThreadWriter.module()).toBe(module);
  });
});
