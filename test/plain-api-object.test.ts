import * as path from 'path';
import { ApiObject, ApiObjectMetadataDefinition, App, Chart, ChartProps, JsonPatch, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { environmentUnits } from '../lib/charts/units';
import { ingressController } from '../lib/charts/controller';
import { plan } from '../lib/commands/plan';
import { PlainApiObject } from '../lib/constructs/api-object';
import { AcmeIssuer } from '../lib/constructs/cert-manager/acme-issuer';
import { Certificate } from '../lib/constructs/cert-manager/certificate';
import { Namespace, TenantNamespace } from '../lib/constructs/core/namespace';
import { FluxHelmRelease } from '../lib/constructs/flux/helm-release';
import { ChartRepository } from '../lib/constructs/flux/helm-repository';
import { FluxKustomization } from '../lib/constructs/flux/kustomization';
import { CertificateAlerts } from '../lib/constructs/monitoring/certificate-alerts';
import { Ingress } from '../lib/constructs/networking/ingress';
import { ClusterRole, ClusterRoleGrant } from '../lib/constructs/rbac/cluster-role';
import { NamespaceAccess } from '../lib/constructs/rbac/namespace-access';
import { nginxFlavour } from '../lib/flavours/registry';
import { emitYaml } from '../lib/output/yaml-emit';
import { projectRoot } from '../lib/project-root';
import { DEDICATED_ACME, FLUX_PROD, Manifest } from './support/construct-helpers';
import { sortedDeep } from './support/json';

/**
 * PlainApiObject.toJson() returns the body it was built with instead of going through cdk8s's
 * resolve and sanitize (ApiObject.prototype.toJson). These tests hold the two paths to the same
 * object for every construct, and check that what cdk8s still owns (JSON patches, metadata added
 * after construction, a chart's labels) shows in it.
 */

const MANAGED = 'app.kubernetes.io/managed-by';
const TENANT = 'toolkit.fluxcd.io/tenant';


/** The object as cdk8s's own ApiObject.toJson renders it: resolved, sanitized, patched. */
function cdk8sJson(o: ApiObject): Manifest {
  return ApiObject.prototype.toJson.call(o) as Manifest;
}

/** Asserts that the plain path and cdk8s's give the same object, and the same YAML. */
function expectSameAsCdk8s(o: ApiObject): void {
  const plain = o.toJson() as Manifest;
  const viaCdk8s = cdk8sJson(o);
  expect(sortedDeep(plain)).toStrictEqual(sortedDeep(viaCdk8s));
  expect(emitYaml(plain)).toBe(emitYaml(viaCdk8s));
}

type ChartKind = 'no labels' | 'labels' | 'labels and a namespace';
const CHARTS: Record<ChartKind, ChartProps> = {
  'no labels': {},
  labels: { labels: { [MANAGED]: 'tenant-edge', [TENANT]: 'acme' } },
  // A chart's namespace goes to objects that set none (cdk8s's rule, on both paths).
  'labels and a namespace': { labels: { [MANAGED]: 'tenant-edge' }, namespace: 'chart-ns' },
};
const chartOf = (kind: ChartKind): Chart => new Chart(new App(), 'c', CHARTS[kind]);

/** Realistic props for every construct, several with optional fields given as undefined. */
const CASES: [string, (scope: Construct) => ApiObject[]][] = [
  [
    'AcmeIssuer: ClusterIssuer, http01, optional fields undefined',
    (s) => [
      new AcmeIssuer(s, 'Issuer', {
        name: 'le-http',
        namespace: undefined,
        server: 'https://acme-v02.api.letsencrypt.org/directory',
        email: 'ops@example.com',
        solver: { http01: { ingressClassName: 'edge' } },
        accountKeySecret: undefined,
        labels: undefined,
      }),
    ],
  ],
  [
    'AcmeIssuer: Issuer, dns01, everything set',
    (s) => [
      new AcmeIssuer(s, 'Issuer', {
        name: 'le-dns',
        namespace: 'acme',
        server: 'https://acme-staging-v02.api.letsencrypt.org/directory',
        email: 'ops@example.com',
        solver: {
          dns01: {
            azureDNS: {
              subscriptionID: '00000000-0000-0000-0000-000000000001',
              resourceGroupName: 'dns-rg',
              hostedZoneName: 'example.com',
              managedIdentityClientID: '00000000-0000-0000-0000-000000000002',
              environment: 'AzurePublicCloud',
            },
          },
        },
        accountKeySecret: 'le-dns-account-key',
        labels: { team: 'a' },
      }),
    ],
  ],
  [
    'Certificate: labels undefined',
    (s) => [
      new Certificate(s, 'Cert', {
        name: 'edge-certificate',
        namespace: 'acme',
        secretName: 'edge-certificate',
        dnsNames: ['*.acme.prod.example.com', 'acme.prod.example.com'],
        issuer: { kind: 'ClusterIssuer', name: 'le-dns' },
        labels: undefined,
      }),
    ],
  ],
  [
    'Certificate: Issuer and labels',
    (s) => [
      new Certificate(s, 'Cert', {
        name: 'shop-tls',
        namespace: 'charlie-web',
        secretName: 'shop-tls',
        dnsNames: ['shop.charlie.prod.example.com'],
        issuer: { kind: 'Issuer', name: 'le-http' },
        labels: { team: 'a' },
      }),
    ],
  ],
  ['Namespace: defaults', (s) => [new Namespace(s, 'Ns', { name: 'ingress-nginx', podSecurity: undefined, keepOnPrune: undefined, labels: undefined })]],
  ['Namespace: restricted, kept, labelled', (s) => [new Namespace(s, 'Ns', { name: 'ingress-nginx', podSecurity: 'restricted', keepOnPrune: true, labels: { team: 'a' } })]],
  ['TenantNamespace: defaults', (s) => [new TenantNamespace(s, 'Ns', { name: 'acme', tenant: 'acme', keepOnPrune: undefined, podSecurity: undefined, labels: undefined })]],
  ['TenantNamespace: not kept, labelled', (s) => [new TenantNamespace(s, 'Ns', { name: 'acme', tenant: 'acme', keepOnPrune: false, labels: { team: 'a' } })]],
  ['ChartRepository: https (no type), interval undefined', (s) => [new ChartRepository(s, 'Repo', { name: 'ingress-nginx', namespace: 'flux-system', url: 'https://kubernetes.github.io/ingress-nginx', interval: undefined })]],
  ['ChartRepository: oci', (s) => [new ChartRepository(s, 'Repo', { name: 'mirror', namespace: 'flux-system', url: 'oci://ghcr.io/example/charts', interval: '30m' })]],
  [
    'FluxHelmRelease: dedicated nginx values, optional fields undefined',
    (s) => [
      new FluxHelmRelease(s, 'Release', {
        name: undefined,
        namespace: 'flux-system',
        releaseName: 'ingress-nginx-acme',
        targetNamespace: 'acme',
        chart: { chart: 'ingress-nginx', version: '4.15.1', repository: { name: 'ingress-nginx', namespace: 'flux-system' } },
        values: nginxFlavour.emit.values(DEDICATED_ACME),
        serviceAccountName: undefined,
        interval: undefined,
        retryInterval: undefined,
        labels: undefined,
      }),
    ],
  ],
  [
    'FluxHelmRelease: shared azure values with undefined entries, everything set',
    (s) => [
      new FluxHelmRelease(s, 'Release', {
        name: 'edge',
        namespace: 'flux-system',
        releaseName: 'ingress-nginx',
        targetNamespace: 'flux-system',
        chart: { chart: 'ingress-nginx', version: '4.15.1', repository: { name: 'ingress-nginx', namespace: 'flux-system' } },
        values: {
          ...nginxFlavour.emit.values({
            ...DEDICATED_ACME,
            namespace: 'ingress-nginx',
            releaseName: 'ingress-nginx',
            className: 'edge',
            namespaced: false,
            cloud: 'azure',
            loadBalancerIP: '20.0.0.4',
            resourceGroup: 'net-rg',
            serviceMonitorLabels: { release: 'prom' },
          }),
          extra: { unset: undefined, cleared: null, list: [{ a: 1, b: undefined }, 'x', 2, true], empty: {}, none: [] },
        },
        serviceAccountName: 'helm-controller',
        interval: '5m',
        retryInterval: '1m',
        labels: { team: 'a' },
      }),
    ],
  ],
  [
    'FluxKustomization: defaults, dependsOn empty, optional fields undefined',
    (s) => [
      new FluxKustomization(s, 'Sync', {
        name: 'edge-platform',
        namespace: 'flux-system',
        path: './dist/prod/platform',
        sourceRef: { kind: 'GitRepository', name: 'flux-system', namespace: undefined },
        dependsOn: [],
        interval: undefined,
        retryInterval: undefined,
        timeout: undefined,
        prune: undefined,
        wait: undefined,
        serviceAccountName: undefined,
        targetNamespace: undefined,
        labels: undefined,
      }),
    ],
  ],
  [
    'FluxKustomization: everything set, false booleans',
    (s) => [
      new FluxKustomization(s, 'Sync', {
        name: 'edge-namespace-acme',
        namespace: 'flux-system',
        path: './dist/prod/tenants/acme/namespace',
        sourceRef: { kind: 'GitRepository', name: 'flux-system', namespace: 'flux-system' },
        dependsOn: ['edge-cluster-acme'],
        interval: '10m',
        retryInterval: '2m',
        timeout: '5m',
        prune: false,
        wait: false,
        serviceAccountName: 'edge-tenant-acme',
        targetNamespace: 'acme',
        labels: { team: 'a' },
      }),
    ],
  ],
  ['CertificateAlerts: defaults', (s) => [new CertificateAlerts(s, 'Alerts', { namespace: 'acme', tenant: 'acme', renewalGraceHours: undefined, labels: undefined, name: undefined, certManagerNamespace: undefined })]],
  ['CertificateAlerts: everything set', (s) => [new CertificateAlerts(s, 'Alerts', { namespace: 'acme', tenant: 'acme', renewalGraceHours: 12, labels: { release: 'prom' }, name: 'alerts', certManagerNamespace: 'certs' })]],
  [
    'Ingress: plain HTTP, empty annotations, optional fields undefined',
    (s) => [
      new Ingress(s, 'Ingress', {
        name: 'open',
        namespace: 'acme',
        className: 'edge',
        hosts: ['acme.prod.example.com'],
        paths: [{ path: '/', pathType: 'Prefix', service: 'web', port: 80 }],
        tlsSecretName: undefined,
        annotations: {},
        labels: undefined,
      }),
    ],
  ],
  [
    'Ingress: TLS, annotations, named and numbered ports',
    (s) => [
      new Ingress(s, 'Ingress', {
        name: 'web',
        namespace: 'acme',
        className: 'nginx-acme',
        hosts: ['acme.prod.example.com', 'www.acme.prod.example.com'],
        paths: [
          { path: '/', pathType: 'Prefix', service: 'web', port: 8080 },
          { path: '/api', pathType: 'Exact', service: 'api', port: 'http' },
          { path: '/v[0-9]+/', pathType: 'ImplementationSpecific', service: 'api', port: 'http' },
        ],
        tlsSecretName: 'edge-certificate',
        annotations: { 'nginx.ingress.kubernetes.io/ssl-redirect': 'true' },
        labels: { team: 'a' },
      }),
    ],
  ],
  ['ClusterRole', (s) => [new ClusterRole(s, 'Role', { name: 'tenant-edge-namespace-applier', rules: [{ apiGroups: ['networking.k8s.io'], resources: ['ingresses'], verbs: ['get', 'list'] }], labels: undefined })]],
  ['ClusterRole: no rules', (s) => [new ClusterRole(s, 'Role', { name: 'nothing', rules: [] })]],
  [
    'ClusterRoleGrant: role and binding',
    (s) => {
      const grant = new ClusterRoleGrant(s, 'Grant', {
        name: 'ingress-nginx-acme-cluster-reads',
        rules: nginxFlavour.emit.scopedClusterRules,
        serviceAccount: { name: 'ingress-nginx-acme', namespace: 'acme' },
        labels: { team: 'a' },
      });
      return [grant.role, grant.binding];
    },
  ],
  [
    'NamespaceAccess: kept, default binding name',
    (s) => {
      const a = new NamespaceAccess(s, 'Access', { serviceAccount: { name: 'edge-tenant-acme', namespace: 'flux-system' }, namespace: 'acme', clusterRole: 'r', bindingName: undefined, keepOnPrune: undefined, labels: undefined });
      return [a.serviceAccount, a.roleBinding];
    },
  ],
  [
    'NamespaceAccess: not kept, named binding, labelled',
    (s) => {
      const a = new NamespaceAccess(s, 'Access', { serviceAccount: { name: 'edge-tenant-acme', namespace: 'flux-system' }, namespace: 'acme', clusterRole: 'r', bindingName: 'edge-tenant-applier', keepOnPrune: false, labels: { team: 'a' } });
      return [a.serviceAccount, a.roleBinding];
    },
  ],
  [
    'ingressController: HelmRelease, ClusterRole and binding of a dedicated controller',
    (s) => {
      ingressController(s, { ...DEDICATED_ACME, chart: nginxFlavour.policy.defaultChart, repositoryName: 'ingress-nginx' }, nginxFlavour, FLUX_PROD);
      return apiObjectsUnder(s);
    },
  ],
  [
    'nginx httpRoute: the Ingress of a route with options',
    (s) => {
      nginxFlavour.emit.httpRoute(
        s,
        {
          kind: 'http',
          name: 'web',
          hosts: ['acme.prod.example.com'],
          tls: { mode: 'certManager', secretName: 'edge-certificate' },
          paths: [{ path: '/', pathType: 'Prefix', service: 'web', port: 8080 }],
          options: { sslRedirect: true, bodySize: '8m', timeouts: { read: 120 } },
          annotations: {},
        },
        { name: 'web', namespace: 'acme', className: 'nginx-acme' },
      );
      return apiObjectsUnder(s);
    },
  ],
];

function apiObjectsUnder(scope: Construct): ApiObject[] {
  return scope.node.findAll().filter((c): c is ApiObject => ApiObject.isApiObject(c));
}

/** Every (case, chart) pair: each construct in a chart without labels, with labels, and with labels and a namespace. */
const MATRIX = CASES.flatMap(([name, build]) => (Object.keys(CHARTS) as ChartKind[]).map((chart) => [name, chart, build] as const));

/** Builds a case in a fresh chart and returns its objects, failing when it builds none. */
function buildCase(build: (scope: Construct) => ApiObject[], chart: ChartKind = 'labels'): ApiObject[] {
  const objects = build(chartOf(chart));
  expect(objects.length).toBeGreaterThan(0);
  return objects;
}

describe('PlainApiObject.toJson gives what cdk8s\'s own toJson gives', () => {
  test.each(MATRIX)('%s, in a chart with %s', (_name, chart, build) => {
    for (const o of buildCase(build, chart)) expectSameAsCdk8s(o);
  });

  test.each(CASES)('%s: every object is a PlainApiObject, and unpatched it does not go through cdk8s\'s toJson', (_name, build) => {
    const objects = buildCase(build);
    const spy = jest.spyOn(ApiObject.prototype, 'toJson');
    try {
      for (const o of objects) {
        expect(o).toBeInstanceOf(PlainApiObject);
        o.toJson();
      }
      // Without this, the equality above could hold only because both sides ran the same code.
      expect(spy).not.toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
  });

  test('every object the example specs render takes the plain path and matches cdk8s\'s', () => {
    const root = projectRoot();
    const { environments } = plan({ platformFile: path.join(root, 'platform.yaml'), tenantsDir: path.join(root, 'tenants') });
    let count = 0;
    const kinds = new Set<string>();
    for (const env of environments) {
      for (const unit of environmentUnits(env)) {
        const app = new App({ outdir: 'unused' });
        unit.build(app);
        for (const o of apiObjectsUnder(app)) {
          expect(o).toBeInstanceOf(PlainApiObject);
          expectSameAsCdk8s(o);
          kinds.add(o.kind);
          count++;
        }
      }
    }
    expect(count).toBeGreaterThan(20);
    expect([...kinds].sort()).toEqual(expect.arrayContaining(['ClusterIssuer', 'HelmRelease', 'HelmRepository', 'Ingress', 'Kustomization', 'Namespace', 'ServiceAccount', 'RoleBinding']));
  });
});

describe('the comparison is able to fail', () => {
  const cert = (dnsNames: string[]): Certificate =>
    new Certificate(chartOf('labels'), 'Cert', { name: 'web', namespace: 'acme', secretName: 'web', dnsNames, issuer: { kind: 'ClusterIssuer', name: 'le' } });

  test('a deliberately different object fails it', () => {
    const a = cert(['a.example.com']);
    const b = cert(['b.example.com']);
    expect(() => expect(sortedDeep(a.toJson())).toStrictEqual(sortedDeep(cdk8sJson(b)))).toThrow();
    expect(emitYaml(a.toJson())).not.toBe(emitYaml(cdk8sJson(b)));
  });

  test('the same content with keys in another order passes it', () => {
    const json = cdk8sJson(cert(['a.example.com']));
    const reversed = JSON.parse(JSON.stringify(json), (_k, v) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).reverse()) : v));
    expect(Object.keys(reversed)).not.toEqual(Object.keys(json));
    expect(sortedDeep(reversed)).toStrictEqual(sortedDeep(json));
  });

  /** Each variant changes a copy of the same cdk8s output; `before` first adjusts the original where the variant needs it. */
  const variants: [string, (o: Manifest) => void, ((o: Manifest) => void) | undefined][] = [
    ['a changed leaf', (o) => (o.spec.secretName = 'other'), undefined],
    ['an added key whose value is undefined', (o) => (o.spec.extra = undefined), undefined],
    ['an added empty map', (o) => (o.spec.extra = {}), undefined],
    ['a removed key', (o) => delete o.spec.privateKey, undefined],
    ['array items in another order', (o) => o.spec.dnsNames.reverse(), undefined],
    ['undefined instead of null in an array', (o) => (o.spec.dnsNames = [undefined, 'x']), (o) => (o.spec.dnsNames = [null, 'x'])],
    ['a number instead of a string', (o) => (o.spec.secretName = 1), undefined],
    ['a changed label', (o) => (o.metadata.labels[MANAGED] = 'helm'), undefined],
  ];
  test.each(variants)('a body with %s fails it', (_name, change, before) => {
    const original = cdk8sJson(cert(['a.example.com', 'b.example.com']));
    before?.(original);
    const changed = JSON.parse(JSON.stringify(original)) as Manifest;
    expect(sortedDeep(changed)).toStrictEqual(sortedDeep(original));
    change(changed);
    expect(sortedDeep(changed)).not.toStrictEqual(sortedDeep(original));
  });
});

describe('what cdk8s still owns shows in PlainApiObject.toJson', () => {
  test.each(CASES)('%s: a JSON patch added with addJsonPatch', (_name, build) => {
    for (const o of buildCase(build)) {
      expect((o.toJson() as Manifest).metadata.annotations?.['example.com/patched']).toBeUndefined();
      o.addJsonPatch(JsonPatch.add('/metadata/annotations', { 'example.com/patched': 'yes' }));
      expect((o.toJson() as Manifest).metadata.annotations).toEqual({ 'example.com/patched': 'yes' });
      expectSameAsCdk8s(o);
    }
  });

  test('a patched object goes through cdk8s\'s toJson, an unpatched one does not', () => {
    const scope = chartOf('labels');
    const patched = new ClusterRole(scope, 'A', { name: 'a', rules: [] });
    const plain = new ClusterRole(scope, 'B', { name: 'b', rules: [] });
    patched.addJsonPatch(JsonPatch.add('/metadata/annotations', { a: 'b' }));
    const spy = jest.spyOn(ApiObject.prototype, 'toJson');
    try {
      plain.toJson();
      expect(spy).not.toHaveBeenCalled();
      patched.toJson();
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
  });

  test('a patch of the body: replace, add and remove', () => {
    const sync = new FluxKustomization(chartOf('labels'), 'Sync', { name: 'k', namespace: 'f', path: './p', sourceRef: { kind: 'GitRepository', name: 'g' } });
    expect((sync.toJson() as Manifest).spec.interval).toBe('10m');
    sync.addJsonPatch(
      JsonPatch.replace('/spec/interval', '1m'),
      JsonPatch.add('/spec/suspend', true),
      JsonPatch.remove('/spec/wait'),
    );
    const spec = (sync.toJson() as Manifest).spec;
    expect(spec.interval).toBe('1m');
    expect(spec.suspend).toBe(true);
    expect(spec).not.toHaveProperty('wait');
    expectSameAsCdk8s(sync);
  });

  test('patches added one call at a time all apply, in order', () => {
    const ns = new Namespace(chartOf('no labels'), 'Ns', { name: 'n' });
    ns.addJsonPatch(JsonPatch.add('/metadata/annotations', { a: '1' }));
    ns.addJsonPatch(JsonPatch.add('/metadata/annotations/b', '2'));
    ns.addJsonPatch(JsonPatch.replace('/metadata/annotations/a', '3'));
    expect((ns.toJson() as Manifest).metadata.annotations).toEqual({ a: '3', b: '2' });
    expectSameAsCdk8s(ns);
  });

  test.each(CASES)('%s: labels and annotations added through metadata after construction', (_name, build) => {
    for (const o of buildCase(build)) {
      const before = o.toJson() as Manifest;
      expect(before.metadata.labels).not.toHaveProperty('late');
      o.metadata.addLabel('late', 'yes');
      o.metadata.addAnnotation('example.com/late', 'yes');
      const after = o.toJson() as Manifest;
      expect(after.metadata.labels).toEqual({ ...before.metadata.labels, late: 'yes' });
      expect(after.metadata.annotations).toEqual({ ...before.metadata.annotations, 'example.com/late': 'yes' });
      expectSameAsCdk8s(o);
    }
  });

  test('a label added after a patch shows too, with the patch', () => {
    const ns = new Namespace(chartOf('labels'), 'Ns', { name: 'n' });
    ns.addJsonPatch(JsonPatch.add('/metadata/annotations', { a: '1' }));
    ns.metadata.addLabel('late', 'yes');
    const o = ns.toJson() as Manifest;
    expect(o.metadata.labels.late).toBe('yes');
    expect(o.metadata.annotations).toEqual({ a: '1' });
    expectSameAsCdk8s(ns);
  });

  test.each(CASES)('%s: the chart\'s labels, and none in a chart without them', (_name, build) => {
    for (const o of buildCase(build, 'labels')) {
      expect((o.toJson() as Manifest).metadata.labels).toMatchObject({ [MANAGED]: 'tenant-edge' });
    }
    for (const o of buildCase(build, 'no labels')) {
      expect((o.toJson() as Manifest).metadata.labels ?? {}).not.toHaveProperty([MANAGED]);
    }
  });

  test('the body is copied at construction: changing the props afterwards changes nothing, on either path', () => {
    const values: Record<string, any> = { controller: { replicaCount: 2 } };
    const hosts = ['a.example.com'];
    const scope = chartOf('labels');
    const release = new FluxHelmRelease(scope, 'R', { namespace: 'f', releaseName: 'r', chart: { chart: 'c', version: '1', repository: { name: 'r', namespace: 'f' } }, values });
    const ingress = new Ingress(scope, 'I', { name: 'i', namespace: 'n', className: 'c', hosts, paths: [{ path: '/', pathType: 'Prefix', service: 's', port: 80 }], tlsSecretName: 't' });
    values.controller.replicaCount = 5;
    values.added = true;
    hosts.push('b.example.com');
    expect((release.toJson() as Manifest).spec.values).toEqual({ controller: { replicaCount: 2 } });
    expect((ingress.toJson() as Manifest).spec.rules.map((r: Manifest) => r.host)).toEqual(['a.example.com']);
    expect((ingress.toJson() as Manifest).spec.tls[0].hosts).toEqual(['a.example.com']);
    expectSameAsCdk8s(release);
    expectSameAsCdk8s(ingress);
  });
});

describe('metadata is written as cdk8s\'s metadata.toJson() writes it, without its resolve when nothing needs it', () => {
  /** Same keys in the same order, the same values: JSON text and a strict comparison. */
  function expectMetadataAsCdk8s(o: ApiObject): void {
    const expected = o.metadata.toJson() as Manifest;
    for (const got of [(o.toJson() as Manifest).metadata, (o as PlainApiObject).manifest().metadata]) {
      expect(got).toStrictEqual(expected);
      expect(JSON.stringify(got)).toBe(JSON.stringify(expected));
    }
  }

  test.each(MATRIX)('%s, in a chart with %s', (_name, chart, build) => {
    const objects = buildCase(build, chart);
    const spy = jest.spyOn(ApiObjectMetadataDefinition.prototype, 'toJson');
    try {
      for (const o of objects) {
        o.toJson();
        (o as PlainApiObject).manifest();
      }
      // Plain metadata does not go through cdk8s: the comparison below is of two different paths.
      expect(spy).not.toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
    for (const o of objects) expectMetadataAsCdk8s(o);
  });

  /** Metadata cdk8s's sanitize changes (sorts, drops empty and null values) or that its resolve must see. */
  const extras: [string, (m: ApiObjectMetadataDefinition) => void, 'plain' | 'cdk8s'][] = [
    ['unsorted labels and annotations', (m) => { m.addLabel('z', '1'); m.addLabel('a', '2'); m.addAnnotation('y/b', 'x'); m.addAnnotation('10', 'n'); m.addAnnotation('9', 'n'); }, 'plain'],
    ['finalizers and owner references', (m) => { m.addFinalizers('b', 'a'); m.addOwnerReference({ apiVersion: 'v1', kind: 'ConfigMap', name: 'o', uid: 'u', controller: true }); }, 'plain'],
    ['empty, null and nested additional fields', (m) => {
      m.add('emptyMap', {});
      m.add('emptyList', []);
      m.add('nothing', null);
      m.add('unset', undefined);
      m.add('nested', { z: { empty: {} }, a: [null, 1, [], {}, { b: undefined, a: 'x' }], n: 0, f: false, s: '' });
      m.add('onlyEmpty', { a: {}, b: [], c: null });
    }, 'plain'],
    ['a Lazy', (m) => m.add('lazy', Lazy.any({ produce: () => ({ b: 'lazy', a: [] }) })), 'cdk8s'],
    ['a token in a label', (m) => m.addLabel('token', { resolve: () => 'resolved' } as unknown as string), 'cdk8s'],
    ['a number-or-string union', (m) => m.add('union', new (class Union { value = 80; })()), 'cdk8s'],
    ['an instance of a class', (m) => m.add('instance', new (class Thing { a = 1; })()), 'cdk8s'],
    ['a list with a value, which cdk8s takes for a union', (m) => m.add('list', Object.assign(['a'], { value: 'x' })), 'cdk8s'],
    ['a list with a resolve function, which cdk8s takes for a token', (m) => m.add('list', Object.assign(['a'], { resolve: () => 'token' })), 'cdk8s'],
    ['a key cdk8s\'s copies trip over', (m) => m.add('map', { constructor: 'x' }), 'cdk8s'],
  ];
  test.each(extras)('%s', (_name, change, path) => {
    for (const o of [new Namespace(chartOf('labels and a namespace'), 'Ns', { name: 'n' }), new Certificate(chartOf('no labels'), 'Cert', { name: 'c', namespace: 'n', secretName: 's', dnsNames: ['a.example.com'], issuer: { kind: 'ClusterIssuer', name: 'i' } })]) {
      change(o.metadata);
      let expected: unknown;
      try {
        expected = o.metadata.toJson();
      } catch (e) {
        // What cdk8s refuses, the plain path refuses too, with cdk8s's error.
        expect(() => o.toJson()).toThrow((e as Error).message);
        expect(() => o.manifest()).toThrow((e as Error).message);
        continue;
      }
      const spy = jest.spyOn(ApiObjectMetadataDefinition.prototype, 'toJson');
      try {
        const got = [(o.toJson() as Manifest).metadata, o.manifest().metadata];
        expect(spy).toHaveBeenCalledTimes(path === 'cdk8s' ? 2 : 0);
        for (const g of got) {
          expect(g).toStrictEqual(expected);
          expect(JSON.stringify(g)).toBe(JSON.stringify(expected));
        }
      } finally {
        spy.mockRestore();
      }
    }
  });
  // Nothing in tenant-edge does this; the plain path must still notice, as cdk8s's resolvers would.
  test.each([
    ['a resolve on the prototype of strings makes each string a token', String.prototype, 'resolve', function (this: string) { return this.length; }],
    ['a value on the prototype of numbers makes each number a union', Number.prototype, 'value', 'union'],
  ] as const)('%s', (_name, proto, field, value) => {
    const o = new Namespace(chartOf('labels'), 'Ns', { name: 'n' });
    o.metadata.add('number', 1);
    const before = o.metadata.toJson();
    Object.defineProperty(proto, field, { value, configurable: true, writable: true });
    try {
      const expected = o.metadata.toJson();
      expect(expected).not.toStrictEqual(before);
      expect(o.manifest().metadata).toStrictEqual(expected);
    } finally {
      delete (proto as unknown as Record<string, unknown>)[field];
    }
  });
});

describe('where cdk8s still has work to do, its own path is taken', () => {
  const certificate = (scope: Construct): Certificate =>
    new Certificate(scope, 'cert', { name: 'c', namespace: 'n', secretName: 'c-tls', dnsNames: ['REPLACE.example.com'], issuer: { kind: 'ClusterIssuer', name: 'i' } });

  test('an App with resolvers of its own sees every value', () => {
    const resolver = { resolve: (ctx: { value: unknown; replaceValue(v: unknown): void }) => {
      if (ctx.value === 'REPLACE.example.com') ctx.replaceValue('replaced.example.com');
    } };
    const app = new App({ resolvers: [resolver] });
    const json = certificate(new Chart(app, 'c')).toJson() as Manifest;
    expect(json.spec.dnsNames).toEqual(['replaced.example.com']);
  });

  test('patches pushed onto the public patches array apply, like those added with addJsonPatch', () => {
    const cert = certificate(new Chart(new App(), 'c'));
    (cert as unknown as { patches: unknown[] }).patches.push(JsonPatch.add('/spec/duration', '48h'));
    expect((cert.toJson() as Manifest).spec.duration).toBe('48h');
  });

  test('toJson returns a fresh object each time: changing one changes nothing else', () => {
    const cert = certificate(new Chart(new App(), 'c'));
    (cert.toJson() as Manifest).spec.dnsNames.push('other.example.com');
    expect((cert.toJson() as Manifest).spec.dnsNames).toEqual(['REPLACE.example.com']);
  });

  test.each([
    ['NamespaceAccess', (scope: Construct) => new NamespaceAccess(scope, 'Access', { serviceAccount: { name: 'Bad_Name', namespace: 'flux-system' }, namespace: 'n', clusterRole: 'r' })],
    ['ClusterRoleGrant', (scope: Construct) => new ClusterRoleGrant(scope, 'Grant', { name: 'Bad_Name', rules: [], serviceAccount: { name: 'sa', namespace: 'n' } })],
  ])('%s refuses bad props before it joins the tree, so the id stays free', (_name, build) => {
    const chart = new Chart(new App(), 'c');
    expect(() => build(chart)).toThrow('is not a valid object name');
    expect(chart.node.children).toHaveLength(0);
  });
});

test('an ApiObject that is not plain is not taken for one (ApiObject\'s own instanceof answers true for any)', () => {
  const chart = new Chart(new App(), 'c');
  const other = new ApiObject(chart, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } });
  expect(other instanceof PlainApiObject).toBe(false);
  expect(PlainApiObject.isPlain(other)).toBe(false);
  const plain = new Namespace(chart, 'ns', { name: 'ns' });
  expect(plain instanceof PlainApiObject).toBe(true);
  expect(plain instanceof ApiObject).toBe(true);
});
