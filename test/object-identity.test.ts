import * as fs from 'fs';
import * as path from 'path';
import { environmentUnits } from '../lib/charts/units';
import { renderEnvironment } from '../lib/output/render';
import { plan } from '../lib/commands/plan';
import { renderTree, tempDir } from './support/tree';

/**
 * Every object tenant-edge renders has a name derived from a tenant name. Tenant names are chosen
 * by other teams, so no choice of names may make two tenants render the same object: Flux would
 * let the later one overwrite the earlier, or fight over it.
 */
const PLATFORM = `apiVersion: tenant-edge.dev/v1alpha1
kind: Platform
metadata:
  name: t
spec:
  environments:
    - name: prod
      domain: example.com
      issuer: le
      dedicatedIngress: true
  issuers:
    - name: le
      acme:
        server: staging
        email: ops@example.com
        http01: {}
`;

/** Names chosen to collide with another tenant's derived names under plausible naming schemes. */
const TENANTS = ['a', 'a-cluster', 'cluster-a', 'a-tenant', 'tenant-a', 'a-platform', 'a-cluster-reads', 'a-admission', 'nginx', 'setup-a', 'ingress-nginx-a'];

test('no two tenants, nor a tenant and the platform, render an object with the same kind, namespace and name', () => {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'platform.yaml'), PLATFORM);
  fs.mkdirSync(path.join(dir, 'tenants'));
  for (const t of TENANTS) {
    fs.writeFileSync(
      path.join(dir, 'tenants', `${t}.yaml`),
      `apiVersion: tenant-edge.dev/v1alpha1\nkind: Tenant\nmetadata:\n  name: ${t}\nspec:\n  namespace: ns-${t}\n  routes:\n    - name: web\n      hosts: ["@"]\n      tls: { ownCertificate: true }\n      paths: [{ service: web, port: 80 }]\n`,
    );
  }
  const { objects } = renderTree(path.join(dir, 'platform.yaml'), path.join(dir, 'tenants'));
  const seen = new Map<string, string>();
  for (const { file, object } of objects) {
    const meta = object.metadata as { name: string; namespace?: string };
    const key = `${object.apiVersion}/${object.kind} ${meta.namespace ?? '(cluster)'}/${meta.name}`;
    expect([key, seen.get(key)]).toEqual([key, undefined]);
    seen.set(key, file);
  }
  expect(seen.size).toBeGreaterThan(TENANTS.length * 9);
});

test('rendering refuses two objects with the same identity in one environment', () => {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'platform.yaml'), PLATFORM);
  fs.mkdirSync(path.join(dir, 'tenants'));
  fs.writeFileSync(path.join(dir, 'tenants', 'a.yaml'), 'apiVersion: tenant-edge.dev/v1alpha1\nkind: Tenant\nmetadata:\n  name: a\nspec: {}\n');
  const [env] = plan({ platformFile: path.join(dir, 'platform.yaml'), tenantsDir: path.join(dir, 'tenants') }).environments;
  // A second tenant model under another name but the same namespace, as a naming bug would make.
  const twin = { ...env, tenants: [...env.tenants, { ...env.tenants[0], name: 'b' }] };
  expect(() => renderEnvironment({ name: twin.name, platformFile: twin.platformFile, units: environmentUnits(twin) }, { file: () => undefined })).toThrow('rbac.authorization.k8s.io/RoleBinding a/edge-tenant-applier is rendered twice in environment "prod": in prod/tenants/a/cluster/access.yaml and prod/tenants/b/cluster/access.yaml');
});
