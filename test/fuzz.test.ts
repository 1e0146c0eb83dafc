/**
 * 10,000 hostile or careless tenant specs, made by mutating real ones (deterministically, from a
 * fixed seed): structural edits, Unicode and control characters, YAML tags, anchors and aliases,
 * values that carry proxy syntax. Every run must end in one of two ways:
 *  - refused, with every problem located as file:line:col (never a crash, never a hang);
 *  - accepted, and then what it renders passes kubeconform -strict, kubectl kustomize and a
 *    server-side dry run against the real API server.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { renderAll } from '../lib/commands/plan';
import { InputError } from '../lib/input/problems';
import { ApiServer, OUTBOUND_KINDS, startApiServer } from './support/apiserver';
import { kubeconform } from './support/kubeconform';
import { filesUnder } from './support/rendered';
import { ALPHA_YAML, BRAVO_YAML, CHARLIE_YAML, PLATFORM_YAML } from './support/spec-fixtures';
import { kubectlPath, runTool } from './support/tools';
import { ROOT, tempDir } from './support/tree';
import { random } from './support/random';

jest.setTimeout(900_000);

const CASES = 10_000;


const BASES: Record<string, string> = {
  alpha: ALPHA_YAML,
  bravo: BRAVO_YAML,
  charlie: CHARLIE_YAML,
  ...Object.fromEntries(['acme', 'beta', 'orbit'].map((t) => [`ex-${t}`, fs.readFileSync(path.join(ROOT, 'tenants', `${t}.yaml`), 'utf8').replace(`name: ${t}`, `name: ex-${t}`)])),
};

/** Values a careless or hostile author might write anywhere. */
const VALUES = [
  '""', '" "', 'null', '~', 'true', 'yes', 'on', '0', '-1', '65536', '1e9', '0x1f', '.inf', '2026-11-22',
  '[]', '{}', '[a, b]', '{a: 1}', '"a;b"', '"}"', '"{"', '"\\n}\\nlocation / {"', '"\\u007f"', '"\\u0085"', '"\\u2028"',
  '"\\ufeff"', '"\\u202e"', '"\\u200b"', '"😀"', '"\\ud800"', '"\\t"', '"\\x00"', "'single''quote'", '"back\\\\slash"',
  '!!binary aGVsbG8=', '!!str 42', '!!int "7"', '!!timestamp 2001-12-14', '!custom x', '!!python/object:os.system x', '!!set {a}',
  '&anchor x', '*anchor', '"x".repeat', `"${'a'.repeat(300)}"`, '"kube-system"', '"../../etc/passwd"', '"/etc/passwd"',
  '"beta.matih.ai"', '"matih.ai"', '"*.matih.ai"', '"1.2.3.4"', '"::"', '"2001:DB8::1"', '"ns/secret"', '"$(cmd)"', '"${VAR}"',
  '"http://evil.example.com/;"', '"_by_lua"', '"/$1;"', '"root"', '"Ingress"', '"edge-certificate"',
];

/** Lines a careless or hostile author might add inside a mapping. */
const LINES = [
  'annotations: { "nginx.ingress.kubernetes.io/server-snippet": "x" }',
  'annotations: { "kustomize.toolkit.fluxcd.io/prune": disabled }',
  'annotations: { "nginx.ingress.kubernetes.io/proxy-buffering": "on;" }',
  'namespace: kube-system',
  'extraDomains: [matih.ai]',
  '<<: *anchor',
  'anchored: &anchor { a: 1 }',
  'tls: { secretName: edge-certificate }',
  'tls: { ownCertificate: true }',
  'environments: [prod, prod]',
  '"\\u0000": x',
  'key with spaces: 1',
  '? complex\n  : key',
  '- orphan item',
  '--- ',
  '%YAML 1.1',
];

function mutate(text: string, rnd: () => number): string {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)];
  let lines = text.split('\n');
  const steps = 1 + Math.floor(rnd() * 3);
  for (let s = 0; s < steps; s++) {
    const i = Math.floor(rnd() * lines.length);
    const line = lines[i];
    const indent = /^ */.exec(line)![0];
    switch (Math.floor(rnd() * 8)) {
      case 0: // replace a value
        lines[i] = line.includes(': ') ? `${line.slice(0, line.indexOf(': ') + 2)}${pick(VALUES)}` : `${indent}- ${pick(VALUES)}`;
        break;
      case 1: // delete a line
        lines.splice(i, 1);
        break;
      case 2: // duplicate a line
        lines.splice(i, 0, line);
        break;
      case 3: // add a line
        lines.splice(i, 0, `${indent}${pick(LINES)}`);
        break;
      case 4: // re-indent
        lines[i] = rnd() < 0.5 ? `  ${line}` : line.replace(/^ {1,2}/, '');
        break;
      case 5: { // insert a character somewhere in the line
        const chars = ['\u0000', '\u0007', '\t', '\u007f', '\u0085', '\u00a0', '\u2028', '\ufeff', '\u202e', '\u200b', '😀', 'é', ';', '{', '}', '"', "'", '\\', '#', '&', '*', '!', '%', '@', '`', '|', '>'];
        const at = Math.floor(rnd() * (line.length + 1));
        lines[i] = `${line.slice(0, at)}${pick(chars)}${line.slice(at)}`;
        break;
      }
      case 6: // swap two lines
        [lines[i], lines[(i + 1) % lines.length]] = [lines[(i + 1) % lines.length], lines[i]];
        break;
      default: // a tag or an anchor on a value
        lines[i] = line.includes(': ') ? line.replace(': ', `: ${pick(['!!str ', '!!binary ', '!foo ', '&anchor ', '!!map ', '!!seq '])}`) : line;
    }
  }
  lines = lines.slice(0, 400);
  return lines.join('\n');
}

interface Accepted {
  readonly tree: Record<string, string>;
}

let server: ApiServer | undefined;

afterAll(async () => {
  await server?.stop();
});

test(`${CASES} mutated tenant specs are refused with located problems or rendered into output the real tools accept`, async () => {
  const rnd = random(20261122);
  const dir = tempDir('tenant-edge-fuzz-');
  fs.writeFileSync(path.join(dir, 'platform.yaml'), PLATFORM_YAML);
  const tenants = path.join(dir, 'tenants');
  fs.mkdirSync(tenants);
  const names = Object.keys(BASES);
  const accepted = new Map<string, Accepted>();
  let refused = 0;
  let slowest = 0;
  const misplaced: string[] = [];
  for (let n = 0; n < CASES; n++) {
    const base = names[n % names.length];
    const text = mutate(BASES[base], rnd);
    for (const f of fs.readdirSync(tenants)) fs.rmSync(path.join(tenants, f));
    fs.writeFileSync(path.join(tenants, `${base}.yaml`), text);
    const started = process.hrtime.bigint();
    try {
      const tree: Record<string, string> = {};
      renderAll({ platformFile: path.join(dir, 'platform.yaml'), tenantsDir: tenants }, (f) => (tree[f.path] = f.content));
      const key = crypto.createHash('sha256').update(JSON.stringify(tree)).digest('hex');
      if (!accepted.has(key)) accepted.set(key, { tree });
    } catch (err) {
      if (!(err instanceof InputError)) throw new Error(`case ${n} crashed: ${(err as Error).stack}\n--- input\n${text}`);
      refused++;
      for (const p of err.problems) {
        if (!(p.line >= 1 && p.col >= 1)) misplaced.push(`case ${n}: ${p.file}:${p.line}:${p.col}: ${p.path}: ${p.message}`);
      }
    }
    slowest = Math.max(slowest, Number(process.hrtime.bigint() - started) / 1e6);
  }
  if (process.env.FUZZ_STATS) console.log(`refused ${refused}, accepted ${CASES - refused} (${accepted.size} distinct outputs), slowest ${slowest.toFixed(0)} ms`);
  expect(misplaced.slice(0, 5)).toEqual([]);
  // Bounded: no case may take more than a second (a hang would trip jest's own limit first).
  expect(slowest).toBeLessThan(1000);
  expect(refused).toBeGreaterThan(CASES / 4);
  expect(accepted.size).toBeGreaterThan(20);

  // Every distinct accepted output, through the real tools.
  const out = tempDir('tenant-edge-fuzz-out-');
  let i = 0;
  for (const { tree } of accepted.values()) {
    for (const [file, content] of Object.entries(tree)) {
      const target = path.join(out, `case-${i}`, file);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, content);
    }
    i++;
  }
  const manifests = filesUnder(out).filter((f) => f.endsWith('.yaml') && path.basename(f) !== 'kustomization.yaml');
  const conform = kubeconform(manifests);
  expect([conform.status, conform.stdout.split('\n').filter((l) => !/ is valid$|^Summary/.test(l) && l.trim() !== '').slice(0, 5)]).toEqual([0, []]);

  const kustomizeFailures: string[] = [];
  const tenantFolders = filesUnder(out)
    .filter((f) => path.basename(f) === 'kustomization.yaml' && /\/tenants\/[^/]+\/(cluster|namespace)\/kustomization\.yaml$/.test(f))
    .map((f) => path.dirname(f));
  for (const folder of tenantFolders) {
    const r = runTool(kubectlPath(), ['kustomize', folder]);
    if (r.status !== 0) kustomizeFailures.push(`${path.relative(out, folder)}: ${r.stderr.trim()}`);
  }
  expect(kustomizeFailures.slice(0, 5)).toEqual([]);

  server = await startApiServer();
  server.installCrds(['cert-manager', 'flux', 'prometheus-operator']);
  const objects = manifests.flatMap((f) => parseAllDocuments(fs.readFileSync(f, 'utf8')).map((d) => d.toJS() as { kind: string; metadata: { name: string; namespace?: string } }));
  const namespaces = new Set<string>(['flux-system', ...objects.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name)]);
  for (const o of objects) if (o.metadata.namespace) namespaces.add(o.metadata.namespace);
  server.kubectlOk(['apply', '--server-side', '-f', '-'], [...namespaces].map((ns) => JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } })).join('\n---\n'));
  const rest = objects.filter((o) => o.kind !== 'Namespace' && !OUTBOUND_KINDS.has(o.kind));
  // In slices, so one kubectl call stays a reasonable size; a dry run stores nothing, so the same
  // object from two cases is simply judged twice.
  const failures: string[] = [];
  for (let start = 0; start < rest.length; start += 400) {
    const slice = rest.slice(start, start + 400).map((o) => JSON.stringify(o)).join('\n---\n');
    const r = server.kubectl(['apply', '--server-side', '--dry-run=server', '--force-conflicts', '-f', '-'], slice);
    if (r.status !== 0) failures.push(r.stderr.trim());
  }
  expect(failures.slice(0, 3)).toEqual([]);
});
