import * as fs from 'fs';
import * as path from 'path';
import { deriveSchemas, listSchemaFiles, REGENERATE_COMMAND, strictify } from '../scripts/derive-schemas';
import { goRegExp, knownKinds, validateManifest } from '../lib/output/manifest-schemas';

const ROOT = path.resolve(__dirname, '..');

type Manifest = Record<string, any>;

/** A deep copy of `base` changed by `edit`, so every case starts from a known-valid object. */
function variant(base: Manifest, edit: (m: Manifest) => void): Manifest {
  const copy = structuredClone(base);
  edit(copy);
  return copy;
}

const ingress: Manifest = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: {
    name: 'web',
    namespace: 'team-a',
    labels: { 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/managed-by': 'tenant-edge' },
    annotations: { 'cert-manager.io/cluster-issuer': 'letsencrypt' },
  },
  spec: {
    ingressClassName: 'traefik',
    tls: [{ hosts: ['web.team-a.example.com'], secretName: 'web-tls' }],
    rules: [{
      host: 'web.team-a.example.com',
      http: {
        paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }],
      },
    }],
  },
};

const namespace: Manifest = {
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name: 'team-a', labels: { 'kubernetes.io/metadata.name': 'team-a', tenant: 'team-a' } },
};

const deployment: Manifest = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'team-a' },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'web' } },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        containers: [{
          name: 'web',
          image: 'nginx:1.27',
          imagePullPolicy: 'IfNotPresent',
          ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
          readinessProbe: { httpGet: { path: '/healthz', port: 'http' } },
          resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: 1, memory: '256Mi' } },
        }],
      },
    },
  },
};

const service: Manifest = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace: 'team-a' },
  spec: { type: 'ClusterIP', selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
};

const secret: Manifest = {
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 'creds', namespace: 'team-a' },
  type: 'Opaque',
  data: { password: 'aHVudGVyMg==' },
};

const certificate: Manifest = {
  apiVersion: 'cert-manager.io/v1',
  kind: 'Certificate',
  metadata: { name: 'web', namespace: 'team-a', labels: { tenant: 'team-a' } },
  spec: {
    secretName: 'web-tls',
    dnsNames: ['web.team-a.example.com'],
    duration: '2160h',
    privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
    issuerRef: { group: 'cert-manager.io', kind: 'ClusterIssuer', name: 'letsencrypt' },
  },
};

const clusterIssuer: Manifest = {
  apiVersion: 'cert-manager.io/v1',
  kind: 'ClusterIssuer',
  metadata: { name: 'letsencrypt' },
  spec: {
    acme: {
      server: 'https://acme-v02.api.letsencrypt.org/directory',
      email: 'platform@example.com',
      privateKeySecretRef: { name: 'letsencrypt-account-key' },
      solvers: [{
        selector: { dnsZones: ['team-a.example.com'] },
        dns01: {
          azureDNS: {
            subscriptionID: '00000000-0000-0000-0000-000000000000',
            resourceGroupName: 'dns',
            hostedZoneName: 'team-a.example.com',
            environment: 'AzurePublicCloud',
            managedIdentity: { clientID: '11111111-1111-1111-1111-111111111111' },
          },
        },
      }],
    },
  },
};

const helmRepository: Manifest = {
  apiVersion: 'source.toolkit.fluxcd.io/v1',
  kind: 'HelmRepository',
  metadata: { name: 'traefik', namespace: 'flux-system' },
  spec: { interval: '1h', url: 'https://traefik.github.io/charts' },
};

const helmRelease: Manifest = {
  apiVersion: 'helm.toolkit.fluxcd.io/v2',
  kind: 'HelmRelease',
  metadata: { name: 'traefik', namespace: 'team-a', annotations: { 'tenant-edge/owner': 'team-a' } },
  spec: {
    interval: '10m',
    releaseName: 'traefik',
    chart: {
      spec: {
        chart: 'traefik',
        version: '37.x',
        sourceRef: { kind: 'HelmRepository', name: 'traefik', namespace: 'flux-system' },
      },
    },
    install: { crds: 'Skip', strategy: { name: 'RetryOnFailure', retryInterval: '5m' } },
    upgrade: { crds: 'Skip' },
    values: { deployment: { replicas: 2 }, anything: ['goes', { here: true }] },
  },
};

const kustomization: Manifest = {
  apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
  kind: 'Kustomization',
  metadata: { name: 'tenant-edge', namespace: 'flux-system' },
  spec: {
    interval: '10m',
    path: './dist/team-a',
    prune: true,
    wait: true,
    sourceRef: { kind: 'GitRepository', name: 'tenant-edge' },
  },
};

const prometheusRule: Manifest = {
  apiVersion: 'monitoring.coreos.com/v1',
  kind: 'PrometheusRule',
  metadata: { name: 'edge', namespace: 'team-a', labels: { release: 'kube-prometheus-stack' } },
  spec: {
    groups: [{
      name: 'edge.rules',
      partial_response_strategy: 'ABORT', // Go pattern ^(?i)(abort|warn)?$: case-insensitive
      rules: [{
        alert: 'CertificateExpiringSoon',
        expr: 'certmanager_certificate_expiration_timestamp_seconds - time() < 7 * 86400',
        for: '1h',
        labels: { severity: 'warning' },
        annotations: { summary: 'Certificate {{ $labels.name }} expires within 7 days' },
      }],
    }],
  },
};

describe('validateManifest: valid objects', () => {
  test.each<[string, Manifest]>([
    ['Ingress', ingress],
    ['Namespace', namespace],
    ['Deployment (Quantity as number and string, IntOrString)', deployment],
    ['Service', service],
    ['Secret (base64 data)', secret],
    ['cert-manager Certificate', certificate],
    ['cert-manager ClusterIssuer (ACME dns01 azureDNS managedIdentity)', clusterIssuer],
    ['Flux HelmRepository', helmRepository],
    ['Flux HelmRelease (chart.spec.sourceRef, install.strategy, free-form values)', helmRelease],
    ['Flux Kustomization', kustomization],
    ['PrometheusRule', prometheusRule],
  ])('%s passes', (_name, manifest) => {
    expect(validateManifest(manifest)).toEqual([]);
  });
});

describe('validateManifest: invalid objects', () => {
  test.each<[string, unknown, string[]]>([
    [
      'unknown top-level spec field',
      variant(ingress, (m) => { m.spec.backendd = {}; }),
      ['Ingress/web: spec.backendd: unknown field'],
    ],
    [
      'unknown top-level field',
      variant(namespace, (m) => { m.spec = { finalizers: ['kubernetes'] }; m.specs = {}; }),
      ['Namespace/team-a: specs: unknown field'],
    ],
    [
      'unknown nested field',
      variant(ingress, (m) => {
        const service = m.spec.rules[0].http.paths[0].backend.service;
        service.portt = service.port;
        delete service.port;
      }),
      ['Ingress/web: spec.rules[0].http.paths[0].backend.service.portt: unknown field'],
    ],
    [
      'unknown nested field in a CRD',
      variant(clusterIssuer, (m) => { m.spec.acme.solvers[0].dns01.azureDNS.managedIdentity.clientId = 'x'; }),
      ['ClusterIssuer/letsencrypt: spec.acme.solvers[0].dns01.azureDNS.managedIdentity.clientId: unknown field'],
    ],
    [
      'wrong type',
      variant(deployment, (m) => { m.spec.replicas = '2'; }),
      ['Deployment/web: spec.replicas: must be integer'],
    ],
    [
      'wrong type in a CRD',
      variant(certificate, (m) => { m.spec.dnsNames = 'web.team-a.example.com'; }),
      ['Certificate/web: spec.dnsNames: must be array'],
    ],
    [
      'int-or-string given a boolean',
      variant(service, (m) => { m.spec.ports[0].targetPort = true; }),
      ['Service/web: spec.ports[0].targetPort: must be integer or string'],
    ],
    [
      'bad enum (Ingress pathType)',
      variant(ingress, (m) => { m.spec.rules[0].http.paths[0].pathType = 'prefix'; }),
      ['Ingress/web: spec.rules[0].http.paths[0].pathType: must be one of "Exact", "ImplementationSpecific", "Prefix"'],
    ],
    [
      'bad enum in a CRD (HelmRelease install.strategy.name)',
      variant(helmRelease, (m) => { m.spec.install.strategy.name = 'Retry'; }),
      ['HelmRelease/traefik: spec.install.strategy.name: must be one of "RemediateOnFailure", "RetryOnFailure"'],
    ],
    [
      'missing required field',
      variant(certificate, (m) => { delete m.spec.secretName; }),
      ['Certificate/web: spec.secretName: required field is missing'],
    ],
    [
      'unknown metadata field',
      variant(namespace, (m) => { m.metadata.label = { tenant: 'team-a' }; }),
      ['Namespace/team-a: metadata.label: unknown field'],
    ],
    [
      'unknown metadata field in a CRD (metadata is a strict ObjectMeta)',
      variant(kustomization, (m) => { m.metadata.namespaces = 'flux-system'; }),
      ['Kustomization/tenant-edge: metadata.namespaces: unknown field'],
    ],
    [
      'non-string label value',
      variant(ingress, (m) => { m.metadata.labels['app.kubernetes.io/version'] = 2; }),
      ['Ingress/web: metadata.labels["app.kubernetes.io/version"]: must be string'],
    ],
    [
      'non-string annotation value in a CRD',
      variant(helmRelease, (m) => { m.metadata.annotations['tenant-edge/owner'] = true; }),
      ['HelmRelease/traefik: metadata.annotations["tenant-edge/owner"]: must be string'],
    ],
    [
      'format byte',
      variant(secret, (m) => { m.data.password = 'hunter2'; }),
      ['Secret/creds: data.password: must match format "byte"'],
    ],
    [
      'Go (?i) pattern still rejects other values',
      variant(prometheusRule, (m) => { m.spec.groups[0].partial_response_strategy = 'ignore'; }),
      ['PrometheusRule/edge: spec.groups[0].partial_response_strategy: must match pattern "^(?i)(abort|warn)?$"'],
    ],
    [
      'several problems are all reported',
      variant(kustomization, (m) => { delete m.spec.prune; m.spec.sourceRef.kind = 'HelmRepository'; }),
      [
        'Kustomization/tenant-edge: spec.prune: required field is missing',
        'Kustomization/tenant-edge: spec.sourceRef.kind: must be one of "OCIRepository", "GitRepository", "Bucket", "ExternalArtifact"',
      ],
    ],
    [
      'unknown kind',
      { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } },
      ['Widget/w: no schema for apiVersion example.com/v1 kind Widget'],
    ],
    [
      'known kind at an unknown apiVersion',
      variant(ingress, (m) => { m.apiVersion = 'extensions/v1beta1'; }),
      ['Ingress/web: no schema for apiVersion extensions/v1beta1 kind Ingress'],
    ],
    [
      'no apiVersion or kind',
      { metadata: { name: 'x' } },
      ['<no kind>/x: no schema for apiVersion undefined kind undefined'],
    ],
    ['not an object', ['a'], ['<invalid>: (root): manifest must be an object, got array']],
  ])('%s', (_name, manifest, expected) => {
    expect(validateManifest(manifest)).toEqual(expected);
  });
});

describe('schema coverage', () => {
  test('knownKinds lists the core kinds and every served CRD version', () => {
    const kinds = knownKinds();
    expect(kinds).toEqual([...kinds].sort());
    expect(kinds).toEqual(expect.arrayContaining([
      'v1/Namespace', 'v1/Service', 'v1/ConfigMap', 'v1/Secret', 'v1/ServiceAccount', 'apps/v1/Deployment',
      'networking.k8s.io/v1/Ingress', 'networking.k8s.io/v1/IngressClass',
      'rbac.authorization.k8s.io/v1/Role', 'rbac.authorization.k8s.io/v1/RoleBinding',
      'rbac.authorization.k8s.io/v1/ClusterRole', 'rbac.authorization.k8s.io/v1/ClusterRoleBinding',
      'policy/v1/PodDisruptionBudget',
      'cert-manager.io/v1/Certificate', 'cert-manager.io/v1/ClusterIssuer',
      'helm.toolkit.fluxcd.io/v2/HelmRelease', 'source.toolkit.fluxcd.io/v1/HelmRepository',
      'kustomize.toolkit.fluxcd.io/v1/Kustomization', 'monitoring.coreos.com/v1/PrometheusRule',
      'gateway.networking.k8s.io/v1/HTTPRoute', 'gateway.networking.k8s.io/v1beta1/HTTPRoute',
      'traefik.io/v1alpha1/IngressRouteTCP', 'externaldns.k8s.io/v1alpha1/DNSEndpoint',
      'network.azure.com/v1api20180501/DnsZone',
    ]));
    // Not served upstream, so not accepted.
    expect(kinds).not.toContain('gateway.networking.k8s.io/v1alpha2/TLSRoute');
  });

  test('every known kind compiles and is strict at the top level and in metadata', () => {
    for (const apiVersionKind of knownKinds()) {
      const slash = apiVersionKind.lastIndexOf('/');
      const apiVersion = apiVersionKind.slice(0, slash);
      const kind = apiVersionKind.slice(slash + 1);
      const problems = validateManifest({ apiVersion, kind, metadata: { name: 'x', labelz: {} }, extra: 1 });
      expect(problems).toEqual(expect.arrayContaining([`${kind}/x: extra: unknown field`, `${kind}/x: metadata.labelz: unknown field`]));
    }
  });
});

describe('derived schema data', () => {
  test('schemas/ is up to date with crds/ and scripts/derive-schemas.ts', () => {
    const expected = deriveSchemas(ROOT);
    const onDisk = listSchemaFiles(ROOT);
    const hint = `schemas/ is stale: run \`${REGENERATE_COMMAND}\` and commit the result`;
    const missing = [...expected.keys()].filter((f) => !onDisk.includes(f));
    const extra = onDisk.filter((f) => !expected.has(f));
    const changed = [...expected].filter(([f, content]) => onDisk.includes(f)
      && fs.readFileSync(path.join(ROOT, f), 'utf8') !== content).map(([f]) => f);
    expect({ hint, missing, extra, changed }).toEqual({ hint, missing: [], extra: [], changed: [] });
  });

  test('every generated file says it is generated and how to regenerate it', () => {
    for (const [file, content] of deriveSchemas(ROOT)) {
      expect({ file, comment: JSON.parse(content).$comment }).toEqual({
        file,
        comment: expect.stringContaining(`regenerate with \`${REGENERATE_COMMAND}\``),
      });
      expect(content.endsWith('}\n')).toBe(true);
    }
  });
});

describe('strictify', () => {
  test('closes objects with properties, except under preserve-unknown-fields and inside junctor branches', () => {
    expect(strictify({
      type: 'object',
      properties: {
        open: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { a: { type: 'string' } } },
        address: {
          type: 'object',
          properties: { type: { type: 'string' }, value: { type: 'string' } },
          oneOf: [{ properties: { type: { enum: ['IPAddress'] } } }, { properties: { type: { not: { enum: ['IPAddress'] } } } }],
        },
      },
    }, { crd: true })).toEqual({
      type: 'object',
      additionalProperties: false,
      properties: {
        open: { type: 'object', properties: { a: { type: 'string' } } },
        address: {
          type: 'object',
          additionalProperties: false,
          properties: { type: { type: 'string' }, value: { type: 'string' } },
          oneOf: [{ properties: { type: { enum: ['IPAddress'] } } }, { properties: { type: { not: { enum: ['IPAddress'] } } } }],
        },
      },
    });
  });

  test('int-or-string, nullable, vendor keys and descriptions', () => {
    expect(strictify({
      type: 'object',
      description: 'dropped',
      'x-kubernetes-validations': [{ rule: 'self.a != 0' }],
      properties: {
        port: { anyOf: [{ type: 'integer' }, { type: 'string' }], 'x-kubernetes-int-or-string': true, pattern: '^[0-9]+%?$' },
        legacy: { type: 'string', format: 'int-or-string' },
        maybe: { type: 'string', enum: ['a', 'b'], nullable: true },
        maybeRef: { $ref: '#/definitions/X', nullable: true },
        tags: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' },
      },
    }, { crd: true })).toEqual({
      type: 'object',
      additionalProperties: false,
      properties: {
        port: { type: ['integer', 'string'], pattern: '^[0-9]+%?$' },
        legacy: { type: ['integer', 'string'] },
        maybe: { type: ['string', 'null'], enum: ['a', 'b', null] },
        maybeRef: { anyOf: [{ type: 'null' }, { $ref: '#/definitions/X' }] },
        tags: { type: 'array', items: { type: 'string' }, uniqueItems: true },
      },
    });
  });

  test('an unknown keyword is an error rather than silently dropped', () => {
    expect(() => strictify({ type: 'string', contentEncoding: 'base64' }, { crd: true }))
      .toThrow('#/contentEncoding: unsupported schema keyword "contentEncoding"');
  });
});

describe('goRegExp', () => {
  test.each<[string, string, boolean]>([
    ['(?i)^/subscriptions/[^/]+$', '/SUBSCRIPTIONS/abc', true],
    ['^(?i)(abort|warn)?$', 'Warn', true],
    ['^(?i)(abort|warn)?$', 'never', false],
    ['^[a-z]+$', 'ABC', false],
  ])('%s on %s', (pattern, input, matches) => {
    expect(goRegExp(pattern, 'u').test(input)).toBe(matches);
  });
});
