import * as fs from 'fs';
import * as path from 'path';
import Module from 'module';
import * as ts from 'typescript';
import { ROOT } from './support/tree';

/**
 * Runs the README's library example as written, against the compiled package (npm test builds
 * it first), so the documented API cannot drift from the real one.
 */
test('the README library example runs and renders valid objects', () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const block = /```ts\n([\s\S]*?)```/.exec(readme);
  expect(block).not.toBeNull();
  const entry = path.join(ROOT, 'build', 'lib', 'index.js');
  if (!fs.existsSync(entry)) throw new Error(`${entry} is missing: run \`npm run build\` first`);
  const source = block![1].replace("from 'tenant-edge'", `from ${JSON.stringify(entry)}`).replace('app.synth();', 'module.exports = app;');
  expect(source).toContain('module.exports = app;');
  const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } }).outputText;

  const filename = path.join(ROOT, 'build', 'readme-example.js');
  const mod = new Module(filename);
  mod.filename = filename;
  mod.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(ROOT);
  (mod as unknown as { _compile(code: string, file: string): void })._compile(js, filename);
  const app = mod.exports as { charts: { toJson(): Record<string, unknown>[] }[] };

  const objects = app.charts.flatMap((c) => c.toJson());
  expect(objects.map((o) => `${o.kind}/${(o.metadata as { name: string }).name}`).sort()).toEqual(['Certificate/shop-tls', 'Ingress/shop']);
  const { validateManifest } = require(path.join(ROOT, 'build', 'lib', 'output', 'manifest-schemas.js')) as typeof import('../lib/output/manifest-schemas');
  expect(objects.flatMap((o) => validateManifest(o))).toEqual([]);
});

test('the README library example type-checks against the package types', () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const block = /```ts\n([\s\S]*?)```/.exec(readme)![1];
  const dir = fs.mkdtempSync(path.join(ROOT, 'build', 'readme-check-'));
  try {
    const file = path.join(dir, 'example.ts');
    fs.writeFileSync(file, block.replace("from 'tenant-edge'", `from ${JSON.stringify(path.join(ROOT, 'lib', 'index'))}`));
    const program = ts.createProgram([file], { strict: true, noEmit: true, esModuleInterop: true, resolveJsonModule: true, skipLibCheck: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, types: ['node'], typeRoots: [path.join(ROOT, 'node_modules', '@types')] });
    const problems = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(problems).toEqual([]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);
