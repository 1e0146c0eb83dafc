import * as fs from 'fs';
import * as path from 'path';
import { builtinModules } from 'module';

/**
 * The layers of lib/ and which may import which. Dependencies point one way:
 * commands -> output -> constructs, commands -> charts -> constructs, charts -> model ->
 * flavours' policy -> input. Inside the model, resolve.ts runs the builders (model/build/), which
 * use the rules' results (model/rules/), which read the model's base (model.ts, names.ts,
 * context.ts, ...). Constructs import nothing of tenant-edge (only cdk8s), so other cdk8s
 * apps can use them; the output layer never names a chart, so a new render unit or flavour never
 * touches it.
 */
const LIB = path.join(__dirname, '..', 'lib');

type Layer = 'input' | 'model' | 'rules' | 'builders' | 'resolve' | 'policy' | 'emit' | 'constructs' | 'charts' | 'output' | 'commands' | 'entry' | 'util';

/** The layer of a file under lib/ (path relative to lib/, forward slashes). */
function layerOf(file: string): Layer {
  const [top, ...rest] = file.split('/');
  if (top === 'input') return 'input';
  if (top === 'model') {
    if (rest[0] === 'rules') return 'rules';
    if (rest[0] === 'build') return 'builders';
    return rest[0] === 'resolve.ts' ? 'resolve' : 'model';
  }
  if (top === 'flavours') {
    const name = rest[rest.length - 1];
    return name === 'policy.ts' || name === 'annotation-policy.ts' ? 'policy' : 'emit';
  }
  if (top === 'constructs') return 'constructs';
  if (top === 'charts') return 'charts';
  if (top === 'output') return 'output';
  if (top === 'commands') return 'commands';
  if (top === 'project-root.ts') return 'util';
  return 'entry'; // cli.ts, index.ts
}

/** Layers each layer may import (besides itself). */
const ALLOWED: Record<Layer, readonly Layer[]> = {
  util: [],
  input: ['util'],
  policy: ['input'],
  model: ['input', 'policy'],
  rules: ['model', 'input', 'policy'],
  builders: ['rules', 'model', 'input', 'policy'],
  resolve: ['builders', 'rules', 'model', 'input', 'policy'],
  constructs: [],
  emit: ['policy', 'constructs', 'model', 'input'],
  charts: ['constructs', 'model', 'policy', 'emit', 'input'],
  output: ['constructs', 'input', 'util'],
  commands: ['input', 'model', 'rules', 'builders', 'resolve', 'policy', 'emit', 'charts', 'output', 'util'],
  entry: ['input', 'model', 'rules', 'builders', 'resolve', 'policy', 'emit', 'constructs', 'charts', 'output', 'commands', 'util'],
};

/** Packages a construct may import: cdk8s and the constructs base library. */
const CONSTRUCT_PACKAGES = new Set(['cdk8s', 'constructs']);

interface Edge {
  readonly from: string;
  readonly to: string;
}

/** Every import and require of every .ts file under `root`, resolved to lib-relative paths or package names. */
function importGraph(root: string): Edge[] {
  const edges: Edge[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts')) {
        const from = path.relative(root, full).split(path.sep).join('/');
        const text = fs.readFileSync(full, 'utf8');
        for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+'([^']+)'|require\('([^']+)'\)/g)) {
          const spec = m[1] ?? m[2];
          edges.push({ from, to: spec.startsWith('.') ? resolveSpec(root, full, spec) : spec });
        }
      }
    }
  };
  walk(root);
  return edges;
}

function resolveSpec(root: string, file: string, spec: string): string {
  const target = path.resolve(path.dirname(file), spec);
  const rel = path.relative(root, target).split(path.sep).join('/');
  if (rel.startsWith('..')) return `../${rel}`; // outside lib/: imports/, package.json
  for (const candidate of [`${rel}.ts`, `${rel}/index.ts`, rel]) {
    if (fs.existsSync(path.join(root, candidate))) return candidate;
  }
  return rel;
}

/** The imports that break the layering, as readable lines. */
export function violations(edges: readonly Edge[]): string[] {
  const out: string[] = [];
  for (const { from, to } of edges) {
    const layer = layerOf(from);
    const isLib = !to.startsWith('../') && /\.(ts|js|json)$/.test(to);
    if (!isLib) {
      if (layer === 'constructs' && !CONSTRUCT_PACKAGES.has(to)) out.push(`${from} imports ${to}: constructs depend on cdk8s and constructs only`);
      continue;
    }
    const target = layerOf(to);
    if (target !== layer && !ALLOWED[layer].includes(target)) out.push(`${from} (${layer}) imports ${to} (${target})`);
  }
  return out.sort();
}

describe('dependency direction', () => {
  const edges = importGraph(LIB);

  test('the import graph is read (a check over nothing would pass)', () => {
    expect(edges.length).toBeGreaterThan(100);
    expect(edges).toContainEqual({ from: 'charts/tenant.ts', to: 'constructs/cert-manager/certificate.ts' });
    expect(edges).toContainEqual({ from: 'flavours/nginx/emit.ts', to: 'constructs/networking/ingress.ts' });
    expect(edges.some((e) => e.from.startsWith('constructs/') && e.to === 'cdk8s')).toBe(true);
  });

  test('every import in lib/ points down the layers', () => {
    expect(violations(edges)).toEqual([]);
  });

  test.each([
    ['output naming a chart', { from: 'output/render.ts', to: 'charts/units.ts' }, 'output/render.ts (output) imports charts/units.ts (charts)'],
    ['a construct importing the model', { from: 'constructs/networking/ingress.ts', to: 'model/names.ts' }, 'constructs/networking/ingress.ts (constructs) imports model/names.ts (model)'],
    ['a construct importing a package besides cdk8s', { from: 'constructs/networking/ingress.ts', to: 'yaml' }, 'constructs/networking/ingress.ts imports yaml: constructs depend on cdk8s and constructs only'],
    ['the model importing a flavour\'s emit half', { from: 'model/context.ts', to: 'flavours/nginx/emit.ts' }, 'model/context.ts (model) imports flavours/nginx/emit.ts (emit)'],
    ['a rule importing a builder', { from: 'model/rules/tenant.ts', to: 'model/build/tenant.ts' }, 'model/rules/tenant.ts (rules) imports model/build/tenant.ts (builders)'],
    ['the model\'s base importing a rule', { from: 'model/context.ts', to: 'model/rules/routes.ts' }, 'model/context.ts (model) imports model/rules/routes.ts (rules)'],
    ['a builder importing the pipeline', { from: 'model/build/tenant.ts', to: 'model/resolve.ts' }, 'model/build/tenant.ts (builders) imports model/resolve.ts (resolve)'],
    ['a flavour\'s policy importing constructs', { from: 'flavours/nginx/policy.ts', to: 'constructs/networking/ingress.ts' }, 'flavours/nginx/policy.ts (policy) imports constructs/networking/ingress.ts (constructs)'],
    ['input importing the model', { from: 'input/load.ts', to: 'model/model.ts' }, 'input/load.ts (input) imports model/model.ts (model)'],
    ['charts importing a command', { from: 'charts/tenant.ts', to: 'commands/plan.ts' }, 'charts/tenant.ts (charts) imports commands/plan.ts (commands)'],
  ])('an upward import is reported: %s', (_what, edge, message) => {
    expect(violations([edge])).toEqual([message]);
  });
});

test('the constants the constructs keep for themselves equal the model\'s (the constructs may not import it)', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const constructs = require('../lib/constructs/flux/annotations') as typeof import('../lib/constructs/flux/annotations');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const model = require('../lib/model/names') as typeof import('../lib/model/names');
  expect(constructs.TENANT_LABEL).toBe(model.TENANT_LABEL);
  expect(constructs.TENANT_LABEL).toBe('toolkit.fluxcd.io/tenant');
});

/** The npm package a bare import specifier names (`ajv/dist/runtime/equal` -> `ajv`), or undefined for Node's own modules. */
function packageOf(spec: string): string | undefined {
  if (spec.startsWith('.') || spec.startsWith('node:') || builtinModules.includes(spec.split('/')[0])) return undefined;
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

test('the runtime dependencies are exactly the packages the shipped code loads', () => {
  // What `npm ci --omit=dev` installs must run synth, validate and check: lib/ (its TypeScript and
  // the precompiled validators), main.ts and bin/. Anything else (cdk8s-plus-28, the benchmark's
  // naive baseline) is a dev dependency.
  const ROOT = path.join(LIB, '..');
  const specs = new Set<string>();
  const read = (file: string): void => {
    for (const m of fs.readFileSync(file, 'utf8').matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+'([^']+)'|require\(['"]([^'"]+)['"]\)/g)) specs.add(m[1] ?? m[2]);
  };
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.(ts|js)$/.test(entry.name)) read(full);
    }
  };
  walk(LIB);
  read(path.join(ROOT, 'main.ts'));
  read(path.join(ROOT, 'bin', 'tenant-edge.js'));
  const used = [...new Set([...specs].map(packageOf).filter((p): p is string => p !== undefined))].sort();
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
  expect(used).toEqual(['ajv', 'cdk8s', 'constructs', 'yaml']);
  expect(Object.keys(pkg.dependencies).sort()).toEqual(used);
  expect(pkg.devDependencies).toHaveProperty('cdk8s-plus-28');
});
