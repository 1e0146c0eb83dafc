/**
 * The upstream tools' verdict on the rendered output: kubeconform -strict on every manifest and
 * `kubectl kustomize` on every folder Flux builds. The API-server checks live in apiserver.test.ts.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { kubeconform } from './support/kubeconform';
import { filesUnder, kustomizeRoots, renderedTrees } from './support/rendered';
import { kubectlPath, runTool } from './support/tools';
import { tempDir } from './support/tree';

// Real processes on a 2-core machine: generous per-test limits (each process is bounded on its own too).
jest.setTimeout(120_000);

const trees = renderedTrees();

describe.each(trees.map((t) => [t.name, t.dir] as const))('%s', (_name, dir) => {
  test('every manifest passes kubeconform -strict against the vendored schemas', () => {
    const files = filesUnder(dir).filter((f) => f.endsWith('.yaml'));
    const r = kubeconform(files);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/Summary: \d+ resources? found in \d+ files? - Valid: \d+, Invalid: 0, Errors: 0, Skipped: 0/);
    expect(r.status).toBe(0);
  });

  test('kubectl kustomize builds every folder with a kustomization.yaml, with every object its folder lists', () => {
    const roots = kustomizeRoots(dir);
    expect(roots.length).toBeGreaterThan(4);
    for (const root of roots) {
      const r = runTool(kubectlPath(), ['kustomize', root]);
      expect([path.relative(dir, root), r.stderr, r.status]).toEqual([path.relative(dir, root), '', 0]);
      const built = parseAllDocuments(r.stdout).map((d) => d.toJS() as { kind: string });
      const resources = (parseAllDocuments(fs.readFileSync(path.join(root, 'kustomization.yaml'), 'utf8'))[0].toJS() as { resources: string[] }).resources;
      const listed = resources.flatMap((f) => parseAllDocuments(fs.readFileSync(path.join(root, f), 'utf8')).map((d) => d.toJS() as { kind: string }));
      expect([path.relative(dir, root), built.length]).toEqual([path.relative(dir, root), listed.length]);
    }
  });
});

describe('kubeconform judges, it does not wave through', () => {
  test.each([
    ['an unknown field', 'metadata:\n  name: x\n  namespace: y\nspec:\n  ingressClassName: nginx\n  tsl: []\n'],
    ['a misspelt enum', 'metadata:\n  name: x\n  namespace: y\nspec:\n  rules:\n    - host: a.example.com\n      http:\n        paths:\n          - path: /\n            pathType: prefix\n            backend: { service: { name: s, port: { number: 80 } } }\n'],
    ['a duplicated key', 'metadata:\n  name: x\n  name: x\n  namespace: y\nspec: {}\n'],
  ])('an Ingress with %s is invalid', (_what, body) => {
    const dir = tempDir();
    const file = path.join(dir, 'bad.yaml');
    fs.writeFileSync(file, `apiVersion: networking.k8s.io/v1\nkind: Ingress\n${body}`);
    const r = kubeconform([file]);
    expect(r.status).not.toBe(0);
    expect(r.stdout).toMatch(/Invalid: 1|Errors: 1/);
  });
});
