/**
 * The removal guard (lib/commands/removals.ts): a synth that would make Flux delete objects of
 * tenants it does not remove, or of the platform part, needs --allow-removal, whatever causes the
 * deletion; a tenant's own edit may delete that tenant's objects when the run knows of the edit
 * (through the synth cache); prune-disabled objects are not counted.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { deletedObjects, objectFiles, RenderedIdentities, scanObjects } from '../lib/commands/removals';
import { parseAllDocuments } from 'yaml';
import { SpecFixture, snapshotTree } from './support/spec-fixtures';
import { ROOT, tempDir } from './support/tree';

const P = 'platform.yaml';
const A = 'tenants/alpha.yaml';
const SUB = '00000000-0000-0000-0000-000000000000';
const ALLOW_REMOVAL =
  "Without --allow-removal, a run deletes a tenant's objects only when it removes the tenant (one, or a tenth of an environment's tenants) or when that tenant's own spec changed (known only through the synth cache), and no object of the platform part; pass --allow-removal if that is what you want";

let fixture: SpecFixture;

beforeEach(() => {
  fixture = SpecFixture.create();
});

afterEach(() => {
  fixture.cleanup();
});

/** The CLI in the fixture folder, without its notices. */
function cli(...argv: string[]): ReturnType<SpecFixture['cli']> {
  const r = fixture.cli(...argv);
  return { ...r, err: r.err.filter((l) => !l.startsWith('notice: ')) };
}

/** Turns on tenant zones in prod: every tenant gets a zone from the environment's default. */
function withDns(): void {
  fixture.replace(P, '  reservedNamespaces: [legacy]\n', `  reservedNamespaces: [legacy]\n  dns:\n    provider: azure\n    azure:\n      subscriptionID: ${SUB}\n      resourceGroup: tenant-zones\n`);
  fixture.replace(P, '        loadBalancerIP: 10.0.0.1\n', '        loadBalancerIP: 10.0.0.1\n      dns:\n        tenantZones: true\n');
}

const DNS_REMOVED =
  'this run would make Flux delete 22 objects: in environment "prod", 6 DnsZonesARecord, 6 Kustomization, 3 DnsZone and 3 DnsZonesNSRecord of 3 tenants alpha, bravo, charlie, which stay; 1 DnsZone, 1 Kustomization, 1 ValidatingAdmissionPolicy and 1 ValidatingAdmissionPolicyBinding of the platform part. ' +
  ALLOW_REMOVAL;
const PREFIX_SET =
  'this run would make Flux delete 11 objects: in environment "dev", 2 Ingress, 1 Certificate and 1 PrometheusRule of tenant alpha, which stays; in environment "prod", 3 Ingress, 2 Certificate and 2 PrometheusRule of 2 tenants alpha, bravo, which stay. ' +
  ALLOW_REMOVAL;

describe('deletions that no tenant asked for need --allow-removal, with or without the cache', () => {
  // [case, input before, change, the refusal]
  const cases: [string, () => void, () => void, string][] = [
    ['spec.dns removed from an environment (every tenant zone\'s records and delegation)', withDns, () => fixture.replace(P, '      dns:\n        tenantZones: true\n', ''), DNS_REMOVED],
    ['a tenantNamespacePrefix set (every tenant\'s Ingresses and Certificates move to new namespaces)', () => undefined, () => fixture.replace(P, '  reservedNamespaces: [legacy]\n', '  reservedNamespaces: [legacy]\n  tenantNamespacePrefix: team-\n'), PREFIX_SET],
  ];
  const modes: [string, string[]][] = [
    ['with the cache', []],
    ['without the cache', ['--no-cache']],
  ];
  test.each(cases.flatMap(([what, before, change, message]) => modes.map(([mode, flags]) => [`${what}, ${mode}`, before, change, message, flags] as const)))(
    '%s',
    (_what, before, change, message, flags) => {
      before();
      expect(cli('synth').code).toBe(0);
      change();
      const dist = snapshotTree(fixture.path('dist'));
      const r = cli('synth', ...flags);
      expect(r.err).toEqual([`tenant-edge: ${message}`]);
      expect(r.code).toBe(2);
      expect(snapshotTree(fixture.path('dist'))).toEqual(dist);
      const allowed = cli('synth', '--allow-removal', ...flags);
      expect(allowed.err).toEqual([]);
      expect(allowed.code).toBe(0);
      expect(cli('check').code).toBe(0);
    },
  );
});

describe("a tenant's own edit", () => {
  const removeRoute = (): void => {
    fixture.replace(A, '    - name: status\n      hosts: [status]\n      tls: none\n      paths:\n        - path: /\n          pathType: Exact\n          service: status\n          port: 80\n', '');
  };

  test('may delete its own objects (a route removed) when the cache shows the edit', () => {
    expect(cli('synth').code).toBe(0);
    removeRoute();
    const r = cli('synth');
    expect(r.err).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.out[0]).toMatch(/ \(2 of \d+ units rendered again\)$/);
    expect(fs.readFileSync(fixture.path('dist/prod/tenants/alpha/namespace/ingresses.yaml'), 'utf8')).not.toContain('name: status');
  });

  test('needs --allow-removal on the full path, which cannot tell it from a platform change', () => {
    expect(cli('synth').code).toBe(0);
    removeRoute();
    const r = cli('synth', '--no-cache');
    expect(r.err).toEqual([
      'tenant-edge: this run would make Flux delete 2 objects: in environment "dev", 1 Ingress of tenant alpha, which stays; in environment "prod", 1 Ingress of tenant alpha, which stays. ' + ALLOW_REMOVAL,
    ]);
    expect(r.code).toBe(2);
    expect(cli('synth', '--no-cache', '--allow-removal').code).toBe(0);
  });

  test("does not let another tenant's objects go: a hand-added object of an unchanged tenant needs the flag to be removed", () => {
    expect(cli('synth').code).toBe(0);
    const file = fixture.path('dist/prod/tenants/bravo/namespace/ingresses.yaml');
    fs.appendFileSync(file, '---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: added-by-hand\n  namespace: bravo\n');
    removeRoute();
    const r = cli('synth');
    expect(r.err).toEqual(['tenant-edge: this run would make Flux delete 1 object: in environment "prod", 1 ConfigMap of tenant bravo, which stays. ' + ALLOW_REMOVAL]);
    expect(r.code).toBe(2);
  });
});

describe('what counts as deleted', () => {
  /** A previous output with one file, and the identities of a new render. */
  function previous(files: Record<string, string>): string {
    const out = path.join(tempDir('tenant-edge-guard-'), 'dist');
    for (const [rel, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(out, rel)), { recursive: true });
      fs.writeFileSync(path.join(out, rel), text);
    }
    return out;
  }
  const cm = (name: string, meta = ''): string => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n${meta}  name: ${name}\n  namespace: tenant-a\ndata:\n  key: value\n`;

  test('objects marked kustomize.toolkit.fluxcd.io/prune: disabled, reconcile: disabled or ssa: ignore (annotation or label, any case, quoted) are not counted', () => {
    const text = [
      cm('gone'),
      cm('kept-by-annotation', '  annotations:\n    kustomize.toolkit.fluxcd.io/prune: disabled\n'),
      cm('kept-by-label', '  labels:\n    kustomize.toolkit.fluxcd.io/prune: "Disabled"\n'),
      cm('not-kept', '  annotations:\n    kustomize.toolkit.fluxcd.io/prune: enabled\n'),
      cm('kept-unreconciled', '  annotations:\n    kustomize.toolkit.fluxcd.io/reconcile: disabled\n'),
      cm('kept-ssa-ignored', '  labels:\n    kustomize.toolkit.fluxcd.io/ssa: IGNORE\n'),
    ].join('---\n');
    const out = previous({ 'prod/tenants/a/namespace/x.yaml': `# header\n${text}` });
    expect(deletedObjects(out, ['prod/tenants/a/namespace/x.yaml'], new RenderedIdentities())).toEqual([
      { env: 'prod', kind: 'ConfigMap', tenant: 'a' },
      { env: 'prod', kind: 'ConfigMap', tenant: 'a' },
    ]);
  });

  test('an object that moves to another file of its environment is not deleted; one in another environment or cluster is', () => {
    const out = previous({ 'prod/platform/x.yaml': cm('moved'), 'prod/tenants/a/tenant-cluster/x.yaml': cm('other-cluster'), 'dev/platform/x.yaml': cm('other-env') });
    const rendered = new RenderedIdentities();
    const add = (file: string, name: string): void => rendered.add({ file, object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'tenant-a' } } });
    add('prod/tenants/a/namespace/y.yaml', 'moved');
    add('prod/tenants/a/namespace/y.yaml', 'other-cluster');
    add('prod/platform/x.yaml', 'other-env');
    expect(deletedObjects(out, ['prod/platform/x.yaml', 'prod/tenants/a/tenant-cluster/x.yaml', 'dev/platform/x.yaml'], rendered)).toEqual([
      { env: 'prod', kind: 'ConfigMap', tenant: 'a' },
      { env: 'dev', kind: 'ConfigMap', tenant: undefined },
    ]);
  });

  test('a damaged previous file (no YAML, no objects, a folder, a link, a FIFO) holds nothing and does not stop the guard', () => {
    const out = previous({ 'prod/tenants/a/bad.yaml': 'kind: [unclosed\n', 'prod/tenants/a/list.yaml': '- 1\n- 2\n', 'prod/tenants/a/ok.yaml': cm('ok') });
    fs.mkdirSync(path.join(out, 'prod/tenants/a/dir.yaml'));
    fs.symlinkSync('/dev/zero', path.join(out, 'prod/tenants/a/zero.yaml'));
    const mkfifo = spawnSync('mkfifo', [path.join(out, 'prod/tenants/a/fifo.yaml')]);
    expect([mkfifo.error, mkfifo.status]).toEqual([undefined, 0]);
    expect(objectFiles(path.join(out, 'prod')).sort()).toEqual(['tenants/a/bad.yaml', 'tenants/a/fifo.yaml', 'tenants/a/list.yaml', 'tenants/a/ok.yaml', 'tenants/a/zero.yaml']);
    const files = ['bad', 'list', 'ok', 'dir', 'zero', 'fifo'].map((f) => `prod/tenants/a/${f}.yaml`);
    expect(deletedObjects(out, files, new RenderedIdentities())).toEqual([{ env: 'prod', kind: 'ConfigMap', tenant: 'a' }]);
  });
});

describe('the line scanner', () => {
  /** Identities as the YAML parser reads them. */
  const parsed = (text: string): unknown[] =>
    parseAllDocuments(text)
      .map((d) => d.toJS() as { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; annotations?: Record<string, string>; labels?: Record<string, string> } } | null)
      .filter((o) => o !== null)
      .map((o) => ({
        apiVersion: o!.apiVersion,
        kind: o!.kind,
        namespace: o!.metadata.namespace ?? '',
        name: o!.metadata.name,
        kept: o!.metadata.annotations?.['kustomize.toolkit.fluxcd.io/prune'] === 'disabled' || o!.metadata.labels?.['kustomize.toolkit.fluxcd.io/prune'] === 'disabled',
      }));

  test('reads every object file of the committed example as the YAML parser does', () => {
    const dist = path.join(ROOT, 'dist');
    let files = 0;
    for (const env of ['dev', 'prod']) {
      for (const rel of objectFiles(path.join(dist, env))) {
        const text = fs.readFileSync(path.join(dist, env, rel), 'utf8');
        expect([rel, scanObjects(text)]).toEqual([rel, parsed(text)]);
        files++;
      }
    }
    expect(files).toBeGreaterThan(50);
  });

  test.each([
    ['a quoted name', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: "x"\n'],
    ['a name YAML reads as a number', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: 123\n'],
    ['flow style metadata', 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: x }\n'],
    ['Windows line ends', 'apiVersion: v1\r\nkind: ConfigMap\r\nmetadata:\r\n  name: x\r\n---\r\napiVersion: v1\r\nkind: ConfigMap\r\nmetadata:\r\n  name: y\r\n'],
    ['a prune annotation continued on the next line', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  annotations:\n    kustomize.toolkit.fluxcd.io/prune: disabled\n      not really\n  name: x\n'],
    ['a name continued on the next line', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n    y\n'],
    ['four-space indents', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n    name: x\n'],
    ['a document without a name', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  generateName: x-\n'],
    ['a prune annotation as a block scalar', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  annotations:\n    kustomize.toolkit.fluxcd.io/prune: |\n      disabled\n  name: x\n'],
    // The rest of a document is skipped up to the next marker: one that is not exactly `---` must
    // not hide the documents after it (kustomize reads them all).
    ['a separator with a comment after the skipped part', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: b\n--- # more\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: y\n'],
    ['a separator with a trailing space', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: b\n--- \napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: y\n'],
    ['a document end marker', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: b\n...\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: y\n'],
    ['a directive', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: b\n%YAML 1.2\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: y\n'],
    ['a prune annotation with a comment', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  annotations:\n    kustomize.toolkit.fluxcd.io/prune: disabled # kept\n  name: x\n'],
  ])('leaves %s to the YAML parser', (_what, text) => {
    expect(scanObjects(text)).toBeUndefined();
  });
});
