import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { generateReference, README, updatedReadme } from '../scripts/gen-reference';
import { generateValidators, INPUT_DIR, OUTPUT_DIR } from '../scripts/gen-validators';
import { ROOT } from './support/tree';

/**
 * json-schema-to-typescript loads prettier with a dynamic import, which jest's module system
 * cannot run, so the compiled generator (npm test builds it first) runs in a child process.
 */
function generatedTypes(): string {
  const script = path.join(ROOT, 'build', 'scripts', 'gen-types.js');
  if (!fs.existsSync(script)) throw new Error(`${script} is missing: run \`npm run build\` first`);
  return execFileSync(process.execPath, ['-e', `require(${JSON.stringify(script)}).generateTypes().then((t) => process.stdout.write(t))`], { encoding: 'utf8' });
}

describe('files generated from the input schema', () => {
  test('lib/input/types.ts is current (run `npm run gen:types` when this fails)', () => {
    expect(fs.readFileSync(path.join(ROOT, 'lib', 'input', 'types.ts'), 'utf8')).toBe(generatedTypes());
  });

  test('the README input reference is current (run `npm run gen:docs` when this fails)', () => {
    const readme = fs.readFileSync(README, 'utf8');
    expect(readme).toBe(updatedReadme(readme));
  });

  test('enum alternatives are escaped once, so a table cell shows a bare |', () => {
    const reference = generateReference();
    expect(reference).toContain('`Prefix` \\| `Exact` \\| `ImplementationSpecific`');
    expect(reference).not.toContain('\\\\|');
  });

  test('the reference documents every key of both documents', () => {
    const reference = generateReference();
    for (const key of ['environments', 'issuers', 'sharedIngress', 'dedicatedIngress', 'routes', 'overrides', 'extraDomains', 'rewriteTarget', 'websocket', 'allowOrigins', 'cookieName', 'managedIdentityClientID']) {
      expect(reference).toContain(`| \`${key}\` |`);
    }
  });
});

describe('precompiled validators', () => {
  test('lib/input/generated/ and lib/output/generated/ are current (run `npm run gen:validators` when this fails)', () => {
    const expected = generateValidators();
    const present = [INPUT_DIR, OUTPUT_DIR].flatMap((dir) => fs.readdirSync(dir).map((name) => path.join(dir, name)));
    expect(present.sort()).toEqual([...expected.keys()].sort());
    for (const [file, content] of expected) expect({ file, same: fs.readFileSync(file, 'utf8') === content }).toEqual({ file, same: true });
  });

  test('the compiled build carries the same validators (npm run build copies them)', () => {
    for (const dir of [INPUT_DIR, OUTPUT_DIR]) {
      const built = path.join(ROOT, 'build', path.relative(ROOT, dir));
      expect(fs.readdirSync(built).sort()).toEqual(fs.readdirSync(dir).sort());
    }
  });
});
