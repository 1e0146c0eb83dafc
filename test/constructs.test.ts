import { ApiObject, Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { ingressController } from '../lib/charts/controller';
import { AcmeIssuer, AcmeIssuerProps, AcmeSolver } from '../lib/constructs/cert-manager/acme-issuer';
import { ServiceMetadataGuard } from '../lib/constructs/admission/service-metadata-guard';
import { Certificate, CertificateProps } from '../lib/constructs/cert-manager/certificate';
import { Namespace, TenantNamespace } from '../lib/constructs/core/namespace';
import { FluxHelmRelease, FluxHelmReleaseProps } from '../lib/constructs/flux/helm-release';
import { ChartRepository } from '../lib/constructs/flux/helm-repository';
import { FluxKustomization, FluxKustomizationProps } from '../lib/constructs/flux/kustomization';
import { CertificateAlerts, CertificateAlertsProps } from '../lib/constructs/monitoring/certificate-alerts';
import { Ingress, IngressProps } from '../lib/constructs/networking/ingress';
import { placeIn, placeInCluster } from '../lib/constructs/placement';
import { ClusterRole, ClusterRoleGrant, ClusterRoleGrantProps } from '../lib/constructs/rbac/cluster-role';
import { NamespaceAccess, NamespaceAccessProps } from '../lib/constructs/rbac/namespace-access';
import { ControllerFlavour, nginxFlavour } from '../lib/flavours/registry';
import { ControllerModel, FluxModel, HttpRouteModel } from '../lib/model/model';
import { synthObjects } from '../lib/output/render';
import {
  environmentsFor,
  fileObjects,
  freshChart,
  Manifest,
  objectsUnder,
  ofKind,
  renderPlatform,
  renderTenant,
  rendered,
  schemaProblems,
  DEDICATED_ACME,
  FLUX_PROD,
} from './support/construct-helpers';

const MANAGED = 'app.kubernetes.io/managed-by';
const TENANT = 'toolkit.fluxcd.io/tenant';
const PRUNE = 'kustomize.toolkit.fluxcd.io/prune';
const PSA_BASELINE = {
  'pod-security.kubernetes.io/enforce': 'baseline',
  'pod-security.kubernetes.io/warn': 'restricted',
  'pod-security.kubernetes.io/audit': 'restricted',
};
/** What TenantChart gives every object of tenant acme; constructs built in a chart with these get them too. */
const CHART_LABELS = { [MANAGED]: 'tenant-edge', [TENANT]: 'acme' };

const HTTP01: AcmeSolver = { http01: { ingressClassName: 'nginx-acme' } };
const DNS01: AcmeSolver = {
  dns01: {
    azureDNS: {
      subscriptionID: 'sub-0001',
      resourceGroupName: 'dns-rg',
      hostedZoneName: 'example.com',
      managedIdentityClientID: 'client-0002',
      environment: 'AzureChinaCloud',
    },
  },
};

/** The API objects of a chart's tree, as cdk8s finds them. */
function apiObjectsIn(chart: Chart): ApiObject[] {
  return chart.node.findAll().filter((c): c is ApiObject => ApiObject.isApiObject(c));
}

// ------------------------------------------------------------------------------------ AcmeIssuer

describe('AcmeIssuer', () => {
  const base: AcmeIssuerProps = {
    name: 'letsencrypt',
    server: 'https://acme.example.org/directory',
    email: 'ops@example.com',
    solver: HTTP01,
  };
  const buildIn = (chart: Chart, overrides: Partial<AcmeIssuerProps> = {}): Manifest => rendered(new AcmeIssuer(chart, 'Issuer', { ...base, ...overrides }));
  const build = (overrides: Partial<AcmeIssuerProps> = {}): Manifest => buildIn(freshChart(), overrides);

  test('renders a cluster-scoped ClusterIssuer without a namespace by default', () => {
    const o = build();
    expect(o.apiVersion).toBe('cert-manager.io/v1');
    expect(o.kind).toBe('ClusterIssuer');
    expect(o.metadata.name).toBe('letsencrypt');
    expect(o.metadata).not.toHaveProperty('namespace');
  });

  test('renders a namespaced Issuer when given a namespace', () => {
    const o = build({ namespace: 'team-a' });
    expect(o.kind).toBe('Issuer');
    expect(o.metadata.name).toBe('letsencrypt');
    expect(o.metadata.namespace).toBe('team-a');
  });

  test('is itself the API object, with the kind and apiVersion it renders', () => {
    const issuer = new AcmeIssuer(freshChart(), 'Issuer', { ...base, namespace: 'team-a' });
    expect(ApiObject.isApiObject(issuer)).toBe(true);
    expect(issuer.kind).toBe('Issuer');
    expect(issuer.apiVersion).toBe('cert-manager.io/v1');
    expect(issuer.name).toBe('letsencrypt');
  });

  test('passes the ACME server and contact address through', () => {
    const acme = build().spec.acme;
    expect(acme.server).toBe('https://acme.example.org/directory');
    expect(acme.email).toBe('ops@example.com');
  });

  test('stores the account key in <name>-account-key by default', () => {
    expect(build().spec.acme.privateKeySecretRef).toEqual({ name: 'letsencrypt-account-key' });
    expect(build({ name: 'other' }).spec.acme.privateKeySecretRef).toEqual({ name: 'other-account-key' });
  });

  test('uses the given account key Secret instead of the default', () => {
    expect(build({ accountKeySecret: 'acme-key' }).spec.acme.privateKeySecretRef).toEqual({ name: 'acme-key' });
  });

  test('the spec holds exactly the ACME block', () => {
    expect(Object.keys(build().spec)).toEqual(['acme']);
    expect(Object.keys(build().spec.acme).sort()).toEqual(['email', 'privateKeySecretRef', 'server', 'solvers']);
  });

  test.each([
    ['ClusterIssuer', undefined],
    ['Issuer', 'team-a'],
  ])('an http01 solver renders http01.ingress.ingressClassName (%s)', (_kind, namespace) => {
    expect(build({ namespace }).spec.acme.solvers).toEqual([{ http01: { ingress: { ingressClassName: 'nginx-acme' } } }]);
  });

  test.each([
    ['ClusterIssuer', undefined],
    ['Issuer', 'team-a'],
  ])('a dns01 solver renders azureDNS with cert-manager\'s exact key spelling (%s)', (_kind, namespace) => {
    expect(build({ namespace, solver: DNS01 }).spec.acme.solvers).toEqual([
      {
        dns01: {
          azureDNS: {
            subscriptionID: 'sub-0001',
            resourceGroupName: 'dns-rg',
            hostedZoneName: 'example.com',
            environment: 'AzureChinaCloud',
            managedIdentity: { clientID: 'client-0002' },
          },
        },
      },
    ]);
  });

  test('labels: only its own in a chart without labels, the chart\'s merged with its own otherwise, no tenant label of its own', () => {
    expect(build().metadata).not.toHaveProperty('labels');
    expect(build({ labels: { team: 'a' } }).metadata.labels).toEqual({ team: 'a' });
    expect(buildIn(freshChart({ [MANAGED]: 'tenant-edge' })).metadata.labels).toEqual({ [MANAGED]: 'tenant-edge' });
    const labels = buildIn(freshChart({ [MANAGED]: 'tenant-edge' }), { labels: { team: 'a' } }).metadata.labels;
    expect(labels).toEqual({ team: 'a', [MANAGED]: 'tenant-edge' });
    expect(labels).not.toHaveProperty([TENANT]);
  });

  test.each([
    ['ClusterIssuer http01', {}],
    ['ClusterIssuer dns01', { solver: DNS01 }],
    ['Issuer http01', { namespace: 'team-a' }],
    ['Issuer dns01', { namespace: 'team-a', solver: DNS01, accountKeySecret: 'k', labels: { team: 'a' } }],
  ] as [string, Partial<AcmeIssuerProps>][])('passes schema validation: %s', (_name, overrides) => {
    expect(schemaProblems([build(overrides), buildIn(freshChart(CHART_LABELS), overrides)])).toEqual([]);
  });

  test('fails schema validation if the dns01 keys were spelled the way the generated types spell them', () => {
    // Guards the assertion above: the validator does notice camel-cased azureDns keys.
    const o = build({ solver: DNS01 });
    const az = o.spec.acme.solvers[0].dns01.azureDNS;
    o.spec.acme.solvers[0].dns01 = { azureDns: { ...az, subscriptionId: az.subscriptionID } };
    expect(schemaProblems([o])).not.toEqual([]);
  });
});

// ------------------------------------------------------------------------------------- Namespace

describe('Namespace', () => {
  test('renders a v1 Namespace with exactly the given name, not kept on prune, with no tenant label', () => {
    const o = rendered(new Namespace(freshChart(), 'Ns', { name: 'ingress-nginx' }));
    expect(o.apiVersion).toBe('v1');
    expect(o.kind).toBe('Namespace');
    expect(o.metadata).toEqual({ name: 'ingress-nginx', labels: PSA_BASELINE });
  });

  test('enforces baseline by default, warns and audits restricted, and enforces the given level', () => {
    for (const level of ['privileged', 'baseline', 'restricted'] as const) {
      expect(rendered(new Namespace(freshChart(), 'Ns', { name: 'n', podSecurity: level })).metadata.labels).toEqual({
        ...PSA_BASELINE,
        'pod-security.kubernetes.io/enforce': level,
      });
    }
  });

  test('keepOnPrune: true renders the prune annotation', () => {
    expect(rendered(new Namespace(freshChart(), 'Ns', { name: 'n', keepOnPrune: true })).metadata.annotations).toEqual({ [PRUNE]: 'disabled' });
    expect(rendered(new Namespace(freshChart(), 'Ns', { name: 'n', keepOnPrune: false })).metadata).not.toHaveProperty('annotations');
  });

  test('labels: its own merged over the Pod Security ones, the chart\'s under both', () => {
    const o = rendered(new Namespace(freshChart({ [MANAGED]: 'tenant-edge' }), 'Ns', { name: 'n', labels: { team: 'a', 'pod-security.kubernetes.io/warn': 'baseline' } }));
    expect(o.metadata.labels).toEqual({ ...PSA_BASELINE, 'pod-security.kubernetes.io/warn': 'baseline', team: 'a', [MANAGED]: 'tenant-edge' });
  });

  test.each([
    ['defaults', {}],
    ['restricted, kept, labelled', { podSecurity: 'restricted', keepOnPrune: true, labels: { a: 'b' } }],
  ] as [string, object][])('passes schema validation: %s', (_name, overrides) => {
    expect(schemaProblems([rendered(new Namespace(freshChart(CHART_LABELS), 'Ns', { name: 'n', ...overrides }))])).toEqual([]);
  });
});

// ------------------------------------------------------------------------------- TenantNamespace

describe('TenantNamespace', () => {
  test('renders a v1 Namespace with exactly the given name', () => {
    const o = rendered(new TenantNamespace(freshChart(), 'Ns', { name: 'team-a', tenant: 'acme' }));
    expect(o.apiVersion).toBe('v1');
    expect(o.kind).toBe('Namespace');
    expect(o.metadata.name).toBe('team-a');
    expect(o.metadata).not.toHaveProperty('namespace');
  });

  test('is a Namespace (and so checks its name the same way)', () => {
    expect(new TenantNamespace(freshChart(), 'Ns', { name: 'team-a', tenant: 'acme' })).toBeInstanceOf(Namespace);
  });

  test('keeps the namespace on prune by default', () => {
    const o = rendered(new TenantNamespace(freshChart(), 'Ns', { name: 'team-a', tenant: 'acme' }));
    expect(o.metadata.annotations).toEqual({ [PRUNE]: 'disabled' });
  });

  test('keepOnPrune: true renders the annotation, keepOnPrune: false leaves it out', () => {
    const kept = rendered(new TenantNamespace(freshChart(), 'Ns', { name: 'team-a', tenant: 'acme', keepOnPrune: true }));
    expect(kept.metadata.annotations).toEqual({ [PRUNE]: 'disabled' });
    const pruned = rendered(new TenantNamespace(freshChart(), 'Ns', { name: 'team-a', tenant: 'acme', keepOnPrune: false }));
    expect(pruned.metadata).not.toHaveProperty('annotations');
  });

  test('enforces the baseline Pod Security Standard by default, warns and audits restricted, and takes another level', () => {
    expect(rendered(new TenantNamespace(freshChart(), 'Ns', { name: 'team-a', tenant: 'acme' })).metadata.labels).toMatchObject(PSA_BASELINE);
    expect(rendered(new TenantNamespace(freshChart(), 'Ns', { name: 'team-a', tenant: 'acme', podSecurity: 'restricted' })).metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'restricted',
    });
  });

  test('labels: the tenant label always wins over extra labels, which are merged; nothing else of its own', () => {
    const plain = rendered(new TenantNamespace(freshChart(), 'Ns', { name: 'team-a', tenant: 'acme' }));
    expect(plain.metadata.labels).toEqual({ ...PSA_BASELINE, [TENANT]: 'acme' });
    const o = rendered(
      new TenantNamespace(freshChart(), 'Ns', {
        name: 'team-a',
        tenant: 'acme',
        labels: { 'pod-security.kubernetes.io/enforce': 'restricted', [TENANT]: 'intruder', team: 'a' },
      }),
    );
    expect(o.metadata.labels).toEqual({
      ...PSA_BASELINE,
      'pod-security.kubernetes.io/enforce': 'restricted',
      team: 'a',
      [TENANT]: 'acme',
    });
  });

  test('labels: the chart\'s are merged under its own, and its tenant wins over a chart\'s tenant label', () => {
    const o = rendered(new TenantNamespace(freshChart({ [MANAGED]: 'tenant-edge', [TENANT]: 'other' }), 'Ns', { name: 'team-a', tenant: 'acme', labels: { team: 'a' } }));
    expect(o.metadata.labels).toEqual({ ...PSA_BASELINE, team: 'a', [MANAGED]: 'tenant-edge', [TENANT]: 'acme' });
  });

  test.each([true, false])('passes schema validation (keepOnPrune: %s)', (keepOnPrune) => {
    const o = rendered(new TenantNamespace(freshChart(CHART_LABELS), 'Ns', { name: 'team-a', tenant: 'acme', keepOnPrune, labels: { a: 'b' } }));
    expect(schemaProblems([o])).toEqual([]);
  });
});

// ------------------------------------------------------------------------------- ChartRepository

describe('ChartRepository', () => {
  test('renders a Flux HelmRepository with exactly the given name and namespace', () => {
    const o = rendered(new ChartRepository(freshChart(), 'Repo', { name: 'ingress-nginx', namespace: 'flux-system', url: 'https://charts.example.com' }));
    expect(o.apiVersion).toBe('source.toolkit.fluxcd.io/v1');
    expect(o.kind).toBe('HelmRepository');
    expect(o.metadata).toEqual({ name: 'ingress-nginx', namespace: 'flux-system' });
    expect(o.spec.url).toBe('https://charts.example.com');
  });

  test('labels: none of its own; the chart\'s when the chart has some', () => {
    const o = rendered(new ChartRepository(freshChart({ [MANAGED]: 'tenant-edge' }), 'Repo', { name: 'r', namespace: 'flux-system', url: 'https://charts.example.com' }));
    expect(o.metadata.labels).toEqual({ [MANAGED]: 'tenant-edge' });
  });

  test('refreshes every hour by default and at the given interval otherwise', () => {
    const def = rendered(new ChartRepository(freshChart(), 'Repo', { name: 'r', namespace: 'flux-system', url: 'https://charts.example.com' }));
    expect(def.spec.interval).toBe('1h');
    const custom = rendered(
      new ChartRepository(freshChart(), 'Repo', { name: 'r', namespace: 'flux-system', url: 'https://charts.example.com', interval: '15m' }),
    );
    expect(custom.spec.interval).toBe('15m');
  });

  test.each([
    ['oci://ghcr.io/example/charts', 'oci'],
    ['https://charts.example.com', undefined],
    ['http://charts.example.com', undefined],
    ['https://charts.example.com/oci://not-a-prefix', undefined],
  ])('url %s renders type %s', (url, type) => {
    const o = rendered(new ChartRepository(freshChart(), 'Repo', { name: 'r', namespace: 'flux-system', url }));
    if (type === undefined) expect(o.spec).not.toHaveProperty('type');
    else expect(o.spec.type).toBe(type);
  });

  test.each(['oci://ghcr.io/example/charts', 'https://charts.example.com'])('passes schema validation (%s)', (url) => {
    const o = rendered(new ChartRepository(freshChart(CHART_LABELS), 'Repo', { name: 'r', namespace: 'flux-system', url, interval: '30m' }));
    expect(schemaProblems([o])).toEqual([]);
  });
});

// ------------------------------------------------------------------------------- FluxHelmRelease

describe('FluxHelmRelease', () => {
  const values = nginxFlavour.emit.values(DEDICATED_ACME);
  const base: FluxHelmReleaseProps = {
    namespace: 'flux-system',
    releaseName: 'ingress-nginx-acme',
    targetNamespace: 'acme',
    chart: { chart: 'ingress-nginx', version: '4.15.1', repository: { name: 'ingress-nginx', namespace: 'flux-system' } },
    values,
  };
  const buildIn = (chart: Chart, overrides: Partial<FluxHelmReleaseProps> = {}): Manifest => rendered(new FluxHelmRelease(chart, 'Release', { ...base, ...overrides }));
  const build = (overrides: Partial<FluxHelmReleaseProps> = {}): Manifest => buildIn(freshChart(), overrides);

  test('renders a Flux HelmRelease named after the Helm release, in the given namespace, targeting another one', () => {
    const o = build();
    expect(o.apiVersion).toBe('helm.toolkit.fluxcd.io/v2');
    expect(o.kind).toBe('HelmRelease');
    expect(o.metadata.name).toBe('ingress-nginx-acme');
    expect(o.metadata.namespace).toBe('flux-system');
    expect(o.spec.targetNamespace).toBe('acme');
    // Release records stay out of the target namespace: Helm trusts them on upgrade.
    expect(o.spec.storageNamespace).toBe('flux-system');
    expect(o.spec).not.toHaveProperty('serviceAccountName');
  });

  test.each([
    ['the HelmRelease\'s own namespace', 'flux-system'],
    ['not given', undefined],
  ])('has no targetNamespace when the target is %s', (_name, targetNamespace) => {
    const o = build({ targetNamespace });
    expect(o.metadata.namespace).toBe('flux-system');
    expect(o.spec).not.toHaveProperty('targetNamespace');
    expect(o.spec.storageNamespace).toBe('flux-system');
  });

  test('runs as the given service account (helm-controller\'s lockdown needs one)', () => {
    expect(build({ serviceAccountName: 'helm-controller' }).spec.serviceAccountName).toBe('helm-controller');
  });

  test('uses the given HelmRelease object name', () => {
    const o = build({ name: 'edge-controller' });
    expect(o.metadata.name).toBe('edge-controller');
    expect(o.spec.releaseName).toBe('ingress-nginx-acme');
  });

  test('sets the Helm release name', () => {
    expect(build().spec.releaseName).toBe('ingress-nginx-acme');
  });

  test('installs the given chart version from the given HelmRepository', () => {
    expect(build().spec.chart).toEqual({
      spec: {
        chart: 'ingress-nginx',
        version: '4.15.1',
        sourceRef: { kind: 'HelmRepository', name: 'ingress-nginx', namespace: 'flux-system' },
      },
    });
    const o = build({ chart: { chart: 'my-nginx', version: '9.8.7', repository: { name: 'mirror', namespace: 'sources' } } });
    expect(o.spec.chart.spec).toEqual({
      chart: 'my-nginx',
      version: '9.8.7',
      sourceRef: { kind: 'HelmRepository', name: 'mirror', namespace: 'sources' },
    });
  });

  test('reconciles every 10m by default and at the given interval otherwise', () => {
    expect(build().spec.interval).toBe('10m');
    expect(build({ interval: '1h' }).spec.interval).toBe('1h');
  });

  test('install and upgrade retry on failure every 2m by default, and upgrades clean up on failure', () => {
    const spec = build().spec;
    expect(spec.install).toEqual({ strategy: { name: 'RetryOnFailure', retryInterval: '2m' } });
    expect(spec.upgrade).toEqual({ strategy: { name: 'RetryOnFailure', retryInterval: '2m' }, cleanupOnFail: true });
  });

  test('the given retryInterval applies to install and upgrade', () => {
    const spec = build({ retryInterval: '30s' }).spec;
    expect(spec.install.strategy.retryInterval).toBe('30s');
    expect(spec.upgrade.strategy.retryInterval).toBe('30s');
  });

  test('the spec holds exactly these fields', () => {
    expect(Object.keys(build({ serviceAccountName: 'h' }).spec).sort()).toEqual([
      'chart',
      'install',
      'interval',
      'releaseName',
      'serviceAccountName',
      'storageNamespace',
      'targetNamespace',
      'upgrade',
      'values',
    ]);
  });

  test('renders the values as given, leaving out undefined entries', () => {
    const o = build();
    expect(o.spec.values).toEqual(values);
    expect(o.spec.values.controller.ingressClassResource.name).toBe('nginx-acme');
    expect(o.spec.values.controller.scope).toEqual({ enabled: true, namespace: 'acme' });
    const sparse = build({ values: { a: { b: undefined, c: 1 }, list: [{ d: undefined, e: 'x' }] } }).spec.values;
    expect(sparse).toStrictEqual({ a: { c: 1 }, list: [{ e: 'x' }] });
  });

  test('labels: only its own in a chart without labels, the chart\'s merged with its own otherwise', () => {
    expect(build().metadata).not.toHaveProperty('labels');
    expect(build({ labels: { team: 'a' } }).metadata.labels).toEqual({ team: 'a' });
    expect(buildIn(freshChart(CHART_LABELS), { labels: { team: 'a' } }).metadata.labels).toEqual({ team: 'a', ...CHART_LABELS });
  });

  test.each([
    ['dedicated, generic', {}],
    ['shared, azure with a static address and metrics', {
      name: 'edge',
      namespace: 'flux-system',
      releaseName: 'ingress-nginx',
      targetNamespace: 'ingress-nginx',
      values: nginxFlavour.emit.values({
        ...DEDICATED_ACME,
        namespace: 'ingress-nginx',
        releaseName: 'ingress-nginx',
        className: 'nginx',
        namespaced: false,
        cloud: 'azure',
        loadBalancerIP: '20.0.0.1',
        resourceGroup: 'net-rg',
        serviceMonitorLabels: { release: 'prom' },
      }),
      serviceAccountName: 'helm-controller',
      interval: '5m',
      retryInterval: '1m',
      labels: { a: 'b' },
    }],
  ] as [string, Partial<FluxHelmReleaseProps>][])('passes schema validation: %s', (_name, overrides) => {
    expect(schemaProblems([build(overrides), buildIn(freshChart(CHART_LABELS), overrides)])).toEqual([]);
  });
});

// ---------------------------------------------------------------- ingressController (charts/controller.ts)

describe('ingressController', () => {
  const dedicated: ControllerModel = { ...DEDICATED_ACME, chart: nginxFlavour.policy.defaultChart, repositoryName: 'ingress-nginx' };
  const objects = (
    controller: Partial<ControllerModel> = {},
    flavour: ControllerFlavour = nginxFlavour,
    flux: Partial<FluxModel> = {},
    chart: Chart = freshChart(),
  ): Manifest[] => {
    ingressController(chart, { ...dedicated, ...controller }, flavour, { ...FLUX_PROD, ...flux });
    return objectsUnder(chart);
  };
  const release = (...args: Parameters<typeof objects>): Manifest => {
    const [found, ...more] = objects(...args).filter((o) => o.kind === 'HelmRelease');
    expect(more).toEqual([]);
    return found;
  };

  test('renders a Flux HelmRelease named after the Helm release, beside its HelmRepository in the Flux namespace, targeting the controller namespace', () => {
    const o = release();
    expect(o.apiVersion).toBe('helm.toolkit.fluxcd.io/v2');
    expect(o.metadata.name).toBe('ingress-nginx-acme');
    expect(o.metadata.namespace).toBe('flux-system');
    expect(o.spec.targetNamespace).toBe('acme');
    // Release records stay out of the tenant namespace: Helm trusts them on upgrade.
    expect(o.spec.storageNamespace).toBe('flux-system');
    expect(o.spec.releaseName).toBe('ingress-nginx-acme');
  });

  test('runs as the Flux model\'s helm service account (helm-controller\'s lockdown needs one)', () => {
    expect(release().spec.serviceAccountName).toBe('helm-controller');
    expect(release({}, nginxFlavour, { helmServiceAccount: 'platform-helm' }).spec.serviceAccountName).toBe('platform-helm');
  });

  test('the HelmRelease lives in whatever the Flux namespace is', () => {
    const o = release({}, nginxFlavour, { namespace: 'flux' });
    expect(o.metadata.namespace).toBe('flux');
    expect(o.spec.storageNamespace).toBe('flux');
    expect(o.spec.chart.spec.sourceRef).toEqual({ kind: 'HelmRepository', name: 'ingress-nginx', namespace: 'flux' });
  });

  test('installs the flavour\'s pinned chart from the controller\'s HelmRepository by default', () => {
    expect(release().spec.chart).toEqual({
      spec: {
        chart: nginxFlavour.policy.defaultChart.name,
        version: nginxFlavour.policy.defaultChart.version,
        sourceRef: { kind: 'HelmRepository', name: 'ingress-nginx', namespace: 'flux-system' },
      },
    });
    expect(release().spec.chart.spec.chart).toBe('ingress-nginx');
  });

  test('installs the controller\'s chart instead of the flavour\'s', () => {
    const o = release({ chart: { repository: 'oci://ghcr.io/example', name: 'my-nginx', version: '9.8.7' }, repositoryName: 'mirror' });
    expect(o.spec.chart.spec).toEqual({
      chart: 'my-nginx',
      version: '9.8.7',
      sourceRef: { kind: 'HelmRepository', name: 'mirror', namespace: 'flux-system' },
    });
  });

  test('reconciles and retries at the Flux model\'s intervals', () => {
    expect(release().spec.interval).toBe('10m');
    const spec = release({}, nginxFlavour, { interval: '1h', retryInterval: '30s' }).spec;
    expect(spec.interval).toBe('1h');
    expect(spec.install).toEqual({ strategy: { name: 'RetryOnFailure', retryInterval: '30s' } });
    expect(spec.upgrade).toEqual({ strategy: { name: 'RetryOnFailure', retryInterval: '30s' }, cleanupOnFail: true });
  });

  test('values come from the flavour for these settings', () => {
    const o = release();
    expect(o.spec.values).toEqual(nginxFlavour.emit.values(DEDICATED_ACME));
    expect(o.spec.values.controller.ingressClassResource.name).toBe('nginx-acme');
    expect(o.spec.values.controller.scope).toEqual({ enabled: true, namespace: 'acme' });
  });

  test('values come from whichever flavour is given', () => {
    const marker: ControllerFlavour = { ...nginxFlavour, emit: { ...nginxFlavour.emit, values: (s) => ({ marker: { release: s.releaseName, ns: s.namespace } }) } };
    expect(release({}, marker).spec.values).toEqual({ marker: { release: 'ingress-nginx-acme', ns: 'acme' } });
  });

  test('the IngressClass routes use is the one the controller creates', () => {
    expect(release({ className: 'edge-a' }).spec.values.controller.ingressClassResource.name).toBe('edge-a');
  });

  test('a namespace-scoped controller gets exactly the flavour\'s cluster-scoped reads, bound to the chart\'s service account', () => {
    const all = objects();
    expect(all.map((o) => o.kind).sort()).toEqual(['ClusterRole', 'ClusterRoleBinding', 'HelmRelease']);
    const role = all.find((o) => o.kind === 'ClusterRole')!;
    const binding = all.find((o) => o.kind === 'ClusterRoleBinding')!;
    expect(role.metadata.name).toBe('ingress-nginx-acme-cluster-reads');
    expect(role.rules).toEqual([{ apiGroups: ['networking.k8s.io'], resources: ['ingressclasses'], verbs: ['get', 'list', 'watch'] }]);
    expect(role.rules).toEqual(nginxFlavour.emit.scopedClusterRules);
    expect(binding.metadata.name).toBe('ingress-nginx-acme-cluster-reads');
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'ingress-nginx-acme-cluster-reads' });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: nginxFlavour.policy.serviceAccountName('ingress-nginx-acme'), namespace: 'acme' }]);
    expect(binding.subjects[0].name).toBe('ingress-nginx-acme');
    expect(schemaProblems(all)).toEqual([]);
  });

  test('the binding names the service account the flavour\'s policy says the chart creates', () => {
    const renamed: ControllerFlavour = { ...nginxFlavour, policy: { ...nginxFlavour.policy, serviceAccountName: (r) => `${r}-sa` } };
    const binding = objects({}, renamed).find((o) => o.kind === 'ClusterRoleBinding')!;
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'ingress-nginx-acme-sa', namespace: 'acme' }]);
  });

  test('a cluster-wide controller, or a flavour that needs no extra reads, gets no cluster access', () => {
    expect(objects({ namespaced: false }).map((o) => o.kind)).toEqual(['HelmRelease']);
    const flavour: ControllerFlavour = { ...nginxFlavour, emit: { ...nginxFlavour.emit, scopedClusterRules: [] } };
    expect(objects({}, flavour).map((o) => o.kind)).toEqual(['HelmRelease']);
  });

  test('labels: the objects carry the chart\'s labels and none of their own', () => {
    for (const o of objects()) expect(o.metadata).not.toHaveProperty('labels');
    for (const o of objects({}, nginxFlavour, {}, freshChart(CHART_LABELS))) expect(o.metadata.labels).toEqual(CHART_LABELS);
  });

  test.each([
    ['dedicated, generic', {}],
    ['shared, azure with a static address and metrics', {
      namespace: 'ingress-nginx',
      releaseName: 'ingress-nginx',
      className: 'nginx',
      namespaced: false,
      cloud: 'azure',
      loadBalancerIP: '20.0.0.1',
      resourceGroup: 'net-rg',
      serviceMonitorLabels: { release: 'prom' },
    }],
  ] as [string, Partial<ControllerModel>][])('passes schema validation: %s', (_name, overrides) => {
    expect(schemaProblems(objects(overrides, nginxFlavour, {}, freshChart(CHART_LABELS)))).toEqual([]);
  });
});

// ------------------------------------------------------------------------- RBAC constructs

describe('ClusterRole', () => {
  test('renders the rules as given', () => {
    const role = new ClusterRole(freshChart(), 'Role', { name: 'reader', rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }], labels: { a: 'b' } });
    const o = rendered(role);
    expect(o.apiVersion).toBe('rbac.authorization.k8s.io/v1');
    expect(o.kind).toBe('ClusterRole');
    expect(o.metadata).toEqual({ name: 'reader', labels: { a: 'b' } });
    expect(o.rules).toEqual([{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }]);
    expect(schemaProblems([o])).toEqual([]);
  });

  test('labels: the chart\'s merged with its own; none without either', () => {
    const rules = [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }];
    expect(rendered(new ClusterRole(freshChart(), 'Role', { name: 'r', rules })).metadata).toEqual({ name: 'r' });
    expect(rendered(new ClusterRole(freshChart({ [MANAGED]: 'tenant-edge' }), 'Role', { name: 'r', rules, labels: { a: 'b' } })).metadata.labels).toEqual({ a: 'b', [MANAGED]: 'tenant-edge' });
  });

  test.each([
    ['a wildcard group', { apiGroups: ['*'], resources: ['pods'], verbs: ['get'] }],
    ['a wildcard resource', { apiGroups: [''], resources: ['*'], verbs: ['get'] }],
    ['a wildcard verb', { apiGroups: [''], resources: ['pods'], verbs: ['*'] }],
  ])('refuses %s', (_what, rule) => {
    expect(() => new ClusterRole(freshChart(), 'Role', { name: 'wide', rules: [rule] })).toThrow(
      new Error('ClusterRole wide: rules must name their groups, resources and verbs; "*" is not allowed'),
    );
  });

  test('refuses a wildcard in any rule, not only the first', () => {
    const rules = [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }, { apiGroups: [''], resources: ['secrets'], verbs: ['*'] }];
    expect(() => new ClusterRole(freshChart(), 'Role', { name: 'wide', rules })).toThrow('"*" is not allowed');
  });

  test('keepOnPrune: Flux leaves it in place when it leaves the folder', () => {
    const rules = [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }];
    expect(rendered(new ClusterRole(freshChart(), 'Role', { name: 'r', rules, keepOnPrune: true })).metadata).toEqual({ name: 'r', annotations: { [PRUNE]: 'disabled' } });
  });
});

describe('ServiceMetadataGuard', () => {
  const props = {
    name: 'guard',
    annotationPrefix: 'example.com/',
    label: "it's/label",
    allowedUsers: ['system:serviceaccount:flux-system:helm-controller', "o'brien"],
    namespaceSelector: { matchLabels: { owner: 'us' }, hasLabel: 'tenant' },
    message: 'no',
  };

  test('a policy on Services and a Deny binding for namespaces with the label; strings quoted as CEL literals', () => {
    const chart = freshChart();
    new ServiceMetadataGuard(chart, 'Guard', props);
    const [policy, binding] = Testing.synth(chart);
    expect([policy.kind, binding.kind]).toEqual(['ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding']);
    // The status subresource too: an update through it can change the metadata.
    expect(policy.spec.matchConstraints.resourceRules).toEqual([{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['services', 'services/status'] }]);
    const variables = Object.fromEntries(policy.spec.variables.map((v: { name: string; expression: string }) => [v.name, v.expression]));
    expect(variables.allowed).toBe("request.userInfo.username in ['system:serviceaccount:flux-system:helm-controller', 'o\\'brien']");
    expect(variables.label).toBe("object.metadata.?labels.orValue({})[?'it\\'s/label']");
    expect(policy.spec.validations[0].expression).toContain("!k.startsWith('example.com/')");
    expect(policy.spec.validations[2].expression).toBe('variables.allowed || !variables.wasGuarded || object.spec == oldObject.spec');
    expect(binding.spec).toEqual({ policyName: 'guard', validationActions: ['Deny'], matchResources: { namespaceSelector: { matchLabels: { owner: 'us' }, matchExpressions: [{ key: 'tenant', operator: 'Exists' }] } } });
    expect(schemaProblems([policy, binding])).toEqual([]);
  });

  test('refuses an empty list of allowed users', () => {
    expect(() => new ServiceMetadataGuard(freshChart(), 'Guard', { ...props, allowedUsers: [] })).toThrow('ServiceMetadataGuard guard: allowedUsers must not be empty');
  });
});

describe('ClusterRoleGrant', () => {
  const base: ClusterRoleGrantProps = {
    name: 'edge-reads',
    rules: [{ apiGroups: ['networking.k8s.io'], resources: ['ingressclasses'], verbs: ['get', 'list', 'watch'] }],
    serviceAccount: { name: 'controller', namespace: 'acme' },
  };

  test('a ClusterRole with the rules and a ClusterRoleBinding of the same name that gives it to the service account', () => {
    const grant = new ClusterRoleGrant(freshChart(), 'Grant', base);
    const role = rendered(grant.role);
    const binding = rendered(grant.binding);
    expect(grant.role).toBeInstanceOf(ClusterRole);
    expect(role.kind).toBe('ClusterRole');
    expect(role.metadata).toEqual({ name: 'edge-reads' });
    expect(role.rules).toEqual(base.rules);
    expect(binding.apiVersion).toBe('rbac.authorization.k8s.io/v1');
    expect(binding.kind).toBe('ClusterRoleBinding');
    expect(binding.metadata).toEqual({ name: 'edge-reads' });
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edge-reads' });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'controller', namespace: 'acme' }]);
    expect(schemaProblems([role, binding])).toEqual([]);
  });

  test('labels go on both objects, the chart\'s under its own', () => {
    const grant = new ClusterRoleGrant(freshChart({ [MANAGED]: 'tenant-edge' }), 'Grant', { ...base, labels: { a: 'b' } });
    expect(rendered(grant.role).metadata.labels).toEqual({ a: 'b', [MANAGED]: 'tenant-edge' });
    expect(rendered(grant.binding).metadata.labels).toEqual({ a: 'b', [MANAGED]: 'tenant-edge' });
  });

  test('refuses wildcards, naming the ClusterRole, and builds neither object', () => {
    const chart = freshChart();
    expect(() => new ClusterRoleGrant(chart, 'Grant', { ...base, rules: [{ apiGroups: [''], resources: ['*'], verbs: ['get'] }] })).toThrow(
      new Error('ClusterRole edge-reads: rules must name their groups, resources and verbs; "*" is not allowed'),
    );
    expect(apiObjectsIn(chart)).toEqual([]);
  });
});

describe('NamespaceAccess', () => {
  const props: NamespaceAccessProps = {
    serviceAccount: { name: 'applier', namespace: 'flux-system' },
    namespace: 'team-a',
    clusterRole: 'edit-some',
  };
  const access = new NamespaceAccess(freshChart(), 'Access', props);

  test('a service account without a token, elsewhere than the namespace it gets rights in', () => {
    const sa = rendered(access.serviceAccount);
    expect(sa.apiVersion).toBe('v1');
    expect(sa.kind).toBe('ServiceAccount');
    expect(sa.metadata).toEqual({ name: 'applier', namespace: 'flux-system', annotations: { [PRUNE]: 'disabled' } });
    expect(sa.automountServiceAccountToken).toBe(false);
  });

  test('a RoleBinding, so the ClusterRole\'s rules hold in that one namespace', () => {
    const rb = rendered(access.roleBinding);
    expect(rb.apiVersion).toBe('rbac.authorization.k8s.io/v1');
    expect(rb.kind).toBe('RoleBinding');
    expect(rb.metadata).toEqual({ name: 'applier', namespace: 'team-a', annotations: { [PRUNE]: 'disabled' } });
    expect(rb.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit-some' });
    expect(rb.subjects).toEqual([{ kind: 'ServiceAccount', name: 'applier', namespace: 'flux-system' }]);
    expect(schemaProblems([rb, rendered(access.serviceAccount)])).toEqual([]);
  });

  test('the RoleBinding takes the given name instead of the service account\'s', () => {
    const named = new NamespaceAccess(freshChart(), 'Access', { ...props, bindingName: 'edge-tenant-applier' });
    expect(rendered(named.roleBinding).metadata.name).toBe('edge-tenant-applier');
    expect(rendered(named.serviceAccount).metadata.name).toBe('applier');
  });

  test('both outlive a prune by default, so a Kustomization impersonating the account can still clean up; keepOnPrune: false lets them go', () => {
    const loose = new NamespaceAccess(freshChart(), 'Access', { serviceAccount: { name: 'a', namespace: 'f' }, namespace: 'n', clusterRole: 'r', keepOnPrune: false });
    expect(rendered(loose.serviceAccount).metadata).not.toHaveProperty('annotations');
    expect(rendered(loose.roleBinding).metadata).not.toHaveProperty('annotations');
  });

  test('labels go on both objects, the chart\'s under its own', () => {
    const labelled = new NamespaceAccess(freshChart(CHART_LABELS), 'Access', { ...props, labels: { a: 'b' } });
    expect(rendered(labelled.serviceAccount).metadata.labels).toEqual({ a: 'b', ...CHART_LABELS });
    expect(rendered(labelled.roleBinding).metadata.labels).toEqual({ a: 'b', ...CHART_LABELS });
    expect(schemaProblems([rendered(labelled.serviceAccount), rendered(labelled.roleBinding)])).toEqual([]);
  });
});

// ----------------------------------------------------------------------------------- Certificate

describe('Certificate', () => {
  const base: CertificateProps = {
    name: 'web-tls',
    namespace: 'acme',
    secretName: 'web-secret',
    dnsNames: ['acme.example.com', 'www.acme.example.com'],
    issuer: { kind: 'ClusterIssuer', name: 'letsencrypt' },
  };
  const buildIn = (chart: Chart, overrides: Partial<CertificateProps> = {}): Manifest => rendered(new Certificate(chart, 'Cert', { ...base, ...overrides }));
  const build = (overrides: Partial<CertificateProps> = {}): Manifest => buildIn(freshChart(), overrides);

  test('renders a cert-manager Certificate with exactly the given name, namespace and Secret', () => {
    const o = build();
    expect(o.apiVersion).toBe('cert-manager.io/v1');
    expect(o.kind).toBe('Certificate');
    expect(o.metadata.name).toBe('web-tls');
    expect(o.metadata.namespace).toBe('acme');
    expect(o.spec.secretName).toBe('web-secret');
  });

  test('lists the DNS names in the given order', () => {
    expect(build().spec.dnsNames).toEqual(['acme.example.com', 'www.acme.example.com']);
    expect(build({ dnsNames: ['www.acme.example.com', 'acme.example.com'] }).spec.dnsNames).toEqual(['www.acme.example.com', 'acme.example.com']);
    expect(build({ dnsNames: ['*.acme.example.com'] }).spec.dnsNames).toEqual(['*.acme.example.com']);
  });

  test.each([
    ['ClusterIssuer', 'letsencrypt'],
    ['Issuer', 'local-http01'],
  ] as const)('references a %s with group, kind and name', (kind, name) => {
    expect(build({ issuer: { kind, name } }).spec.issuerRef).toEqual({ group: 'cert-manager.io', kind, name });
  });

  test('rotates the private key on every renewal', () => {
    expect(build().spec.privateKey).toEqual({ rotationPolicy: 'Always' });
  });

  test('the spec holds exactly these fields', () => {
    expect(Object.keys(build().spec).sort()).toEqual(['dnsNames', 'issuerRef', 'privateKey', 'secretName']);
  });

  test('labels: only its own in a chart without labels, the chart\'s merged with its own otherwise', () => {
    expect(build().metadata).not.toHaveProperty('labels');
    expect(build({ labels: { team: 'a' } }).metadata.labels).toEqual({ team: 'a' });
    expect(buildIn(freshChart(CHART_LABELS), { labels: { team: 'a' } }).metadata.labels).toEqual({ team: 'a', ...CHART_LABELS });
  });

  test.each(['ClusterIssuer', 'Issuer'] as const)('passes schema validation (%s)', (kind) => {
    expect(schemaProblems([build({ issuer: { kind, name: 'x' }, labels: { a: 'b' } }), buildIn(freshChart(CHART_LABELS), { issuer: { kind, name: 'x' } })])).toEqual([]);
  });
});

// --------------------------------------------------------------------------------------- Ingress

describe('Ingress', () => {
  const base: IngressProps = {
    name: 'web',
    namespace: 'acme',
    className: 'nginx-acme',
    hosts: ['acme.example.com', 'www.acme.example.com'],
    paths: [
      { path: '/', pathType: 'Prefix', service: 'web', port: 8080 },
      { path: '/api', pathType: 'Exact', service: 'api', port: 'http' },
    ],
  };
  const buildIn = (chart: Chart, overrides: Partial<IngressProps> = {}): Manifest => rendered(new Ingress(chart, 'Ingress', { ...base, ...overrides }));
  const build = (overrides: Partial<IngressProps> = {}): Manifest => buildIn(freshChart(), overrides);

  const expectedPaths = [
    { path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 8080 } } } },
    { path: '/api', pathType: 'Exact', backend: { service: { name: 'api', port: { name: 'http' } } } },
  ];

  test('renders a networking.k8s.io/v1 Ingress with exactly the given name and namespace', () => {
    const o = build();
    expect(o.apiVersion).toBe('networking.k8s.io/v1');
    expect(o.kind).toBe('Ingress');
    expect(o.metadata.name).toBe('web');
    expect(o.metadata.namespace).toBe('acme');
  });

  test('sets the controller\'s IngressClass', () => {
    expect(build().spec.ingressClassName).toBe('nginx-acme');
    expect(build({ className: 'nginx' }).spec.ingressClassName).toBe('nginx');
  });

  test('renders one rule per host, each with every path', () => {
    expect(build().spec.rules).toEqual([
      { host: 'acme.example.com', http: { paths: expectedPaths } },
      { host: 'www.acme.example.com', http: { paths: expectedPaths } },
    ]);
  });

  test.each([
    [443, { number: 443 }],
    ['https', { name: 'https' }],
    ['8080', { name: '8080' }],
  ] as [number | string, object][])('port %p renders as %p', (port, expected) => {
    const o = build({ hosts: ['a.example.com'], paths: [{ path: '/', pathType: 'ImplementationSpecific', service: 's', port }] });
    expect(o.spec.rules[0].http.paths[0].backend.service.port).toEqual(expected);
    expect(o.spec.rules[0].http.paths[0].pathType).toBe('ImplementationSpecific');
  });

  test('renders no tls block without a TLS Secret', () => {
    expect(build().spec).not.toHaveProperty('tls');
    expect(Object.keys(build().spec).sort()).toEqual(['ingressClassName', 'rules']);
  });

  test('a TLS Secret renders one tls entry listing every host', () => {
    expect(build({ tlsSecretName: 'web-tls' }).spec.tls).toEqual([
      { hosts: ['acme.example.com', 'www.acme.example.com'], secretName: 'web-tls' },
    ]);
  });

  test.each([
    ['not given', undefined],
    ['empty', {}],
  ])('renders no annotations key when annotations are %s', (_name, annotations) => {
    expect(build({ annotations }).metadata).not.toHaveProperty('annotations');
  });

  test('renders the given annotations as they are', () => {
    const annotations = { 'nginx.ingress.kubernetes.io/ssl-redirect': 'true', 'nginx.ingress.kubernetes.io/proxy-body-size': '10m' };
    expect(build({ annotations }).metadata.annotations).toEqual({
      'nginx.ingress.kubernetes.io/ssl-redirect': 'true',
      'nginx.ingress.kubernetes.io/proxy-body-size': '10m',
    });
  });

  test('labels: only its own in a chart without labels, the chart\'s merged with its own otherwise', () => {
    expect(build().metadata).not.toHaveProperty('labels');
    expect(build({ labels: { team: 'a' } }).metadata.labels).toEqual({ team: 'a' });
    expect(buildIn(freshChart(CHART_LABELS), { labels: { team: 'a' } }).metadata.labels).toEqual({ team: 'a', ...CHART_LABELS });
  });

  test.each([
    ['plain HTTP without annotations', {}],
    ['TLS, annotations and labels', { tlsSecretName: 'web-tls', annotations: { a: 'b' }, labels: { c: 'd' } }],
  ] as [string, Partial<IngressProps>][])('passes schema validation: %s', (_name, overrides) => {
    expect(schemaProblems([build(overrides), buildIn(freshChart(CHART_LABELS), overrides)])).toEqual([]);
  });

  test('synthesizes through the chart with the same content and no name hashes', () => {
    const chart = freshChart();
    const ingress = new Ingress(chart, 'Ingress', { ...base, tlsSecretName: 'web-tls' });
    const objects = Testing.synth(chart) as Manifest[];
    expect(objects).toHaveLength(1);
    expect(objects[0].metadata.name).toBe('web');
    expect(objects[0].spec.rules).toHaveLength(2);
    expect(objects[0]).toEqual(rendered(ingress));
  });
});

describe('nginx flavour: httpRoute builds the route\'s Ingress', () => {
  const route: HttpRouteModel = {
    kind: 'http',
    name: 'web',
    hosts: ['acme.example.com', 'www.acme.example.com'],
    tls: { mode: 'certManager', secretName: 'edge-certificate' },
    paths: [{ path: '/', pathType: 'Prefix', service: 'web', port: 8080 }],
    options: { sslRedirect: true },
    annotations: { 'nginx.ingress.kubernetes.io/proxy-body-size': '8m' },
  };
  const ctx = { name: 'web-ingress', namespace: 'acme', className: 'nginx-acme' };
  const build = (overrides: Partial<HttpRouteModel> = {}, chart: Chart = freshChart()): Manifest[] => {
    nginxFlavour.emit.httpRoute(chart, { ...route, ...overrides }, ctx);
    return objectsUnder(chart);
  };

  test('one Ingress with the context\'s name, namespace and class, and the route\'s hosts and paths', () => {
    const [ing, ...more] = build();
    expect(more).toEqual([]);
    expect(ing.kind).toBe('Ingress');
    expect(ing.metadata.name).toBe('web-ingress');
    expect(ing.metadata.namespace).toBe('acme');
    expect(ing.spec.ingressClassName).toBe('nginx-acme');
    const paths = [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 8080 } } } }];
    expect(ing.spec.rules).toEqual([
      { host: 'acme.example.com', http: { paths } },
      { host: 'www.acme.example.com', http: { paths } },
    ]);
  });

  test.each([
    ['certManager', { mode: 'certManager', secretName: 'edge-certificate' }, [{ hosts: ['acme.example.com', 'www.acme.example.com'], secretName: 'edge-certificate' }]],
    ['an existing Secret', { mode: 'secret', secretName: 'own-cert' }, [{ hosts: ['acme.example.com', 'www.acme.example.com'], secretName: 'own-cert' }]],
    ['none', { mode: 'none' }, undefined],
  ] as [string, HttpRouteModel['tls'], unknown][])('tls %s', (_name, tls, expected) => {
    const [ing] = build({ tls });
    if (expected === undefined) expect(ing.spec).not.toHaveProperty('tls');
    else expect(ing.spec.tls).toEqual(expected);
  });

  test('annotations: the route\'s own plus the flavour\'s for its options', () => {
    const [ing] = build();
    expect(ing.metadata.annotations).toEqual({
      'nginx.ingress.kubernetes.io/proxy-body-size': '8m',
      'nginx.ingress.kubernetes.io/ssl-redirect': 'true',
    });
    expect(ing.metadata.annotations).toEqual({ ...route.annotations, ...nginxFlavour.policy.routeAnnotations(route.options) });
  });

  test('a typed option wins over a raw annotation of the same key', () => {
    const [ing] = build({ annotations: { 'nginx.ingress.kubernetes.io/ssl-redirect': 'false' } });
    expect(ing.metadata.annotations).toEqual({ 'nginx.ingress.kubernetes.io/ssl-redirect': 'true' });
  });

  test('no options and no annotations render no annotations key', () => {
    const [ing] = build({ options: {}, annotations: {} });
    expect(ing.metadata).not.toHaveProperty('annotations');
  });

  test('labels: the chart\'s only', () => {
    expect(build()[0].metadata).not.toHaveProperty('labels');
    expect(build({}, freshChart(CHART_LABELS))[0].metadata.labels).toEqual(CHART_LABELS);
  });

  test('passes schema validation', () => {
    expect(schemaProblems(build({}, freshChart(CHART_LABELS)))).toEqual([]);
  });
});

// ----------------------------------------------------------------------------- CertificateAlerts

describe('CertificateAlerts', () => {
  const buildIn = (chart: Chart, overrides: Partial<CertificateAlertsProps> = {}): Manifest =>
    rendered(new CertificateAlerts(chart, 'Alerts', { namespace: 'team-a', tenant: 'acme', ...overrides }));
  const build = (overrides: Partial<CertificateAlertsProps> = {}): Manifest => buildIn(freshChart(), overrides);
  const rules = (o: Manifest): Manifest[] => o.spec.groups.flatMap((g: Manifest) => g.rules);
  const rule = (o: Manifest, alert: string): Manifest => {
    const found = rules(o).find((r) => r.alert === alert);
    if (!found) throw new Error(`no alert ${alert}`);
    return found;
  };

  test('renders a PrometheusRule named edge-certificates in the watched namespace by default', () => {
    const o = build();
    expect(o.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(o.kind).toBe('PrometheusRule');
    expect(o.metadata.name).toBe('edge-certificates');
    expect(o.metadata.namespace).toBe('team-a');
  });

  test('uses the given rule name', () => {
    expect(build({ name: 'cert-alerts' }).metadata.name).toBe('cert-alerts');
  });

  test('has one group named after the namespace with exactly the two alerts, renewal overdue and not ready', () => {
    const o = build();
    expect(o.spec.groups.map((g: Manifest) => g.name)).toEqual(['tenant-edge.certificates.team-a']);
    expect(rules(o).map((r) => r.alert)).toEqual(['TenantCertificateRenewalOverdue', 'TenantCertificateNotReady']);
  });

  test('every expression filters on the namespace', () => {
    for (const r of rules(build())) {
      expect(typeof r.expr).toBe('string');
      expect(r.expr).toContain('namespace="team-a"');
    }
    for (const r of rules(build({ namespace: 'other' }))) expect(r.expr).toContain('namespace="other"');
  });

  test('warns when the renewal is overdue by more than 24 hours by default', () => {
    const r = rule(build(), 'TenantCertificateRenewalOverdue');
    expect(r.expr).toBe(
      'time() - ((label_replace(certmanager_certificate_renewal_timestamp_seconds{namespace="cert-manager", exported_namespace="team-a"}, "namespace", "$1", "exported_namespace", "(.+)")' +
        ' or certmanager_certificate_renewal_timestamp_seconds{namespace="team-a", exported_namespace=""}) > 0) > 24 * 3600',
    );
    expect(r.for).toBe('15m');
    expect(rules(build()).map((x) => x.alert)).toEqual(['TenantCertificateRenewalOverdue', 'TenantCertificateNotReady']);
  });

  test('the grace follows renewalGraceHours', () => {
    const r = rule(build({ renewalGraceHours: 6 }), 'TenantCertificateRenewalOverdue');
    expect(r.expr).toContain('> 6 * 3600');
    expect(r.expr).not.toContain('24');
    expect(r.annotations.summary).toBe('A certificate of tenant acme is overdue for renewal by more than 6 hours');
  });

  test.each([0, 1.5, -1])('refuses a grace of %p hours', (hours) => {
    expect(() => build({ renewalGraceHours: hours })).toThrow(`CertificateAlerts edge-certificates: renewalGraceHours must be a whole number of hours, at least 1 (got ${hours})`);
  });

  test('not-ready alert looks at certificates whose Ready condition is not True', () => {
    const r = rule(build(), 'TenantCertificateNotReady');
    expect(r.expr).toBe(
      'max by (namespace, name) ((label_replace(certmanager_certificate_ready_status{namespace="cert-manager", exported_namespace="team-a", condition!="True"}, "namespace", "$1", "exported_namespace", "(.+)")' +
        ' or certmanager_certificate_ready_status{namespace="team-a", exported_namespace="", condition!="True"})) == 1',
    );
    expect(r.for).toBe('15m');
  });

  test('trusts renamed series only from the given cert-manager namespace', () => {
    for (const r of rules(build({ certManagerNamespace: 'certs' }))) {
      expect(r.expr).toContain('{namespace="certs", exported_namespace="team-a"');
      expect(r.expr).not.toContain('cert-manager"');
    }
  });

  test('alert labels carry the tenant and a severity', () => {
    const o = build();
    expect(rule(o, 'TenantCertificateRenewalOverdue').labels).toEqual({ tenant: 'acme', severity: 'warning' });
    expect(rule(o, 'TenantCertificateNotReady').labels).toEqual({ tenant: 'acme', severity: 'critical' });
  });

  test('rule labels: only its own (no tenant label of its own) in a chart without labels, the chart\'s merged with its own otherwise', () => {
    expect(build().metadata).not.toHaveProperty('labels');
    expect(build({ labels: { release: 'kube-prometheus-stack' } }).metadata.labels).toEqual({ release: 'kube-prometheus-stack' });
    expect(buildIn(freshChart(CHART_LABELS), { labels: { release: 'kube-prometheus-stack' } }).metadata.labels).toEqual({
      release: 'kube-prometheus-stack',
      [MANAGED]: 'tenant-edge',
      [TENANT]: 'acme',
    });
  });

  test.each([
    ['defaults', {}],
    ['everything set', { renewalGraceHours: 3, labels: { release: 'prom' }, name: 'x', certManagerNamespace: 'certs' }],
  ] as [string, Partial<CertificateAlertsProps>][])('passes schema validation: %s', (_name, overrides) => {
    expect(schemaProblems([build(overrides), buildIn(freshChart(CHART_LABELS), overrides)])).toEqual([]);
  });
});

// ----------------------------------------------------------------------------- FluxKustomization

describe('FluxKustomization', () => {
  const base: FluxKustomizationProps = {
    name: 'edge-tenant-acme',
    namespace: 'flux-system',
    path: './dist/prod/tenants/acme',
    sourceRef: { kind: 'GitRepository', name: 'flux-system', namespace: 'flux-system' },
  };
  const buildIn = (chart: Chart, overrides: Partial<FluxKustomizationProps> = {}): Manifest => rendered(new FluxKustomization(chart, 'Sync', { ...base, ...overrides }));
  const build = (overrides: Partial<FluxKustomizationProps> = {}): Manifest => buildIn(freshChart(), overrides);

  test('renders a Flux Kustomization with exactly the given name and namespace', () => {
    const o = build();
    expect(o.apiVersion).toBe('kustomize.toolkit.fluxcd.io/v1');
    expect(o.kind).toBe('Kustomization');
    expect(o.metadata.name).toBe('edge-tenant-acme');
    expect(o.metadata.namespace).toBe('flux-system');
  });

  test('passes path and sourceRef through', () => {
    const o = build();
    expect(o.spec.path).toBe('./dist/prod/tenants/acme');
    expect(o.spec.sourceRef).toEqual({ kind: 'GitRepository', name: 'flux-system', namespace: 'flux-system' });
    const bucket = build({ sourceRef: { kind: 'Bucket', name: 'manifests' } });
    expect(bucket.spec.sourceRef).toEqual({ kind: 'Bucket', name: 'manifests' });
    expect(bucket.spec.sourceRef).not.toHaveProperty('namespace');
  });

  test('applies with kustomize-controller\'s identity and the paths as written unless told otherwise', () => {
    expect(build().spec).not.toHaveProperty('serviceAccountName');
    expect(build().spec).not.toHaveProperty('targetNamespace');
    const scoped = build({ serviceAccountName: 'edge-tenant-acme', targetNamespace: 'acme' }).spec;
    expect(scoped.serviceAccountName).toBe('edge-tenant-acme');
    expect(scoped.targetNamespace).toBe('acme');
  });

  test('prunes and waits by default', () => {
    const spec = build().spec;
    expect(spec.prune).toBe(true);
    expect(spec.wait).toBe(true);
  });

  test('prune: false and wait: false are rendered as false', () => {
    const spec = build({ prune: false, wait: false }).spec;
    expect(spec.prune).toBe(false);
    expect(spec.wait).toBe(false);
  });

  test('interval 10m, retryInterval 2m and timeout 5m by default; each can be overridden', () => {
    const def = build().spec;
    expect([def.interval, def.retryInterval, def.timeout]).toEqual(['10m', '2m', '5m']);
    const custom = build({ interval: '1h', retryInterval: '30s', timeout: '15m' }).spec;
    expect([custom.interval, custom.retryInterval, custom.timeout]).toEqual(['1h', '30s', '15m']);
  });

  test('the spec holds exactly these fields by default', () => {
    expect(Object.keys(build().spec).sort()).toEqual(['interval', 'path', 'prune', 'retryInterval', 'sourceRef', 'timeout', 'wait']);
  });

  test('dependsOn renders one {name} per dependency', () => {
    expect(build({ dependsOn: ['edge-platform', 'infra'] }).spec.dependsOn).toEqual([{ name: 'edge-platform' }, { name: 'infra' }]);
  });

  test.each([
    ['not given', undefined],
    ['empty', []],
  ])('dependsOn is absent when %s', (_name, dependsOn) => {
    expect(build({ dependsOn }).spec).not.toHaveProperty('dependsOn');
  });

  test('labels: only its own in a chart without labels, the chart\'s merged with its own otherwise', () => {
    expect(build().metadata).not.toHaveProperty('labels');
    expect(build({ labels: { team: 'a' } }).metadata.labels).toEqual({ team: 'a' });
    expect(buildIn(freshChart(CHART_LABELS), { labels: { team: 'a' } }).metadata.labels).toEqual({ team: 'a', ...CHART_LABELS });
  });

  test.each([
    ['defaults', {}],
    ['everything set', { dependsOn: ['edge-platform'], prune: false, wait: false, interval: '1h', retryInterval: '1m', timeout: '3m', labels: { a: 'b' } }],
  ] as [string, Partial<FluxKustomizationProps>][])('passes schema validation: %s', (_name, overrides) => {
    expect(schemaProblems([build(overrides), buildIn(freshChart(CHART_LABELS), overrides)])).toEqual([]);
  });
});

// ---------------------------------------------------------------------- what every construct shares

/** One of each construct, with `labels` passed where it takes them. */
interface ConstructCase {
  readonly name: string;
  /** Builds it in `scope` and returns its API objects. */
  build(scope: Construct, labels?: Record<string, string>): ApiObject[];
  /** Labels it sets itself, besides `labels`. */
  readonly implied: Record<string, string>;
  /** Whether it takes a `labels` prop. */
  readonly takesLabels: boolean;
}

const EVERY_CONSTRUCT: readonly ConstructCase[] = [
  { name: 'AcmeIssuer', implied: {}, takesLabels: true, build: (s, labels) => [new AcmeIssuer(s, 'X', { name: 'le', server: 'https://acme.example.org/directory', email: 'ops@example.com', solver: DNS01, labels })] },
  { name: 'Certificate', implied: {}, takesLabels: true, build: (s, labels) => [new Certificate(s, 'X', { name: 'c', namespace: 'n', secretName: 's', dnsNames: ['a.example.com'], issuer: { kind: 'Issuer', name: 'i' }, labels })] },
  { name: 'Namespace', implied: PSA_BASELINE, takesLabels: true, build: (s, labels) => [new Namespace(s, 'X', { name: 'n', labels })] },
  { name: 'TenantNamespace', implied: { ...PSA_BASELINE, [TENANT]: 'acme' }, takesLabels: true, build: (s, labels) => [new TenantNamespace(s, 'X', { name: 'n', tenant: 'acme', labels })] },
  { name: 'ChartRepository', implied: {}, takesLabels: false, build: (s) => [new ChartRepository(s, 'X', { name: 'r', namespace: 'f', url: 'https://charts.example.com' })] },
  {
    name: 'FluxHelmRelease',
    implied: {},
    takesLabels: true,
    build: (s, labels) => [new FluxHelmRelease(s, 'X', { namespace: 'f', releaseName: 'r', chart: { chart: 'c', version: '1.0.0', repository: { name: 'r', namespace: 'f' } }, values: {}, labels })],
  },
  { name: 'FluxKustomization', implied: {}, takesLabels: true, build: (s, labels) => [new FluxKustomization(s, 'X', { name: 'k', namespace: 'f', path: './p', sourceRef: { kind: 'GitRepository', name: 'g' }, labels })] },
  { name: 'CertificateAlerts', implied: {}, takesLabels: true, build: (s, labels) => [new CertificateAlerts(s, 'X', { namespace: 'n', tenant: 'acme', labels })] },
  {
    name: 'Ingress',
    implied: {},
    takesLabels: true,
    build: (s, labels) => [new Ingress(s, 'X', { name: 'i', namespace: 'n', className: 'c', hosts: ['a.example.com'], paths: [{ path: '/', pathType: 'Prefix', service: 's', port: 80 }], labels })],
  },
  { name: 'ClusterRole', implied: {}, takesLabels: true, build: (s, labels) => [new ClusterRole(s, 'X', { name: 'r', rules: [], labels })] },
  {
    name: 'ClusterRoleGrant',
    implied: {},
    takesLabels: true,
    build: (s, labels) => {
      const g = new ClusterRoleGrant(s, 'X', { name: 'r', rules: [], serviceAccount: { name: 'sa', namespace: 'n' }, labels });
      return [g.role, g.binding];
    },
  },
  {
    name: 'NamespaceAccess',
    implied: {},
    takesLabels: true,
    build: (s, labels) => {
      const a = new NamespaceAccess(s, 'X', { serviceAccount: { name: 'sa', namespace: 'f' }, namespace: 'n', clusterRole: 'r', labels });
      return [a.serviceAccount, a.roleBinding];
    },
  },
];

describe('labels, for every construct', () => {
  const labelsOf = (objects: ApiObject[]): (Record<string, string> | undefined)[] => objects.map((o) => rendered(o).metadata.labels);
  const orUndefined = (labels: Record<string, string>): Record<string, string> | undefined => (Object.keys(labels).length > 0 ? labels : undefined);

  test.each(EVERY_CONSTRUCT.map((c) => [c.name, c] as const))('%s: in a chart without labels, only what it sets itself', (_name, c) => {
    for (const labels of labelsOf(c.build(freshChart()))) expect(labels).toEqual(orUndefined(c.implied));
    if (!c.takesLabels) return;
    for (const labels of labelsOf(c.build(freshChart(), { team: 'a' }))) expect(labels).toEqual({ ...c.implied, team: 'a' });
  });

  test.each(EVERY_CONSTRUCT.map((c) => [c.name, c] as const))('%s: in a chart with labels, the chart\'s and its own', (_name, c) => {
    for (const labels of labelsOf(c.build(freshChart({ [MANAGED]: 'tenant-edge' })))) expect(labels).toEqual({ [MANAGED]: 'tenant-edge', ...c.implied });
    if (!c.takesLabels) return;
    for (const labels of labelsOf(c.build(freshChart({ [MANAGED]: 'tenant-edge' }), { team: 'a' }))) {
      expect(labels).toEqual({ [MANAGED]: 'tenant-edge', ...c.implied, team: 'a' });
    }
  });

  test.each(EVERY_CONSTRUCT.filter((c) => c.takesLabels).map((c) => [c.name, c] as const))(
    '%s: its own label wins over the chart\'s on the same key (cdk8s merges the chart\'s under the object\'s)',
    (_name, c) => {
      for (const labels of labelsOf(c.build(freshChart({ [MANAGED]: 'tenant-edge', team: 'chart' }), { team: 'own' }))) {
        expect(labels).toEqual({ [MANAGED]: 'tenant-edge', ...c.implied, team: 'own' });
      }
    },
  );

  test.each(EVERY_CONSTRUCT.map((c) => [c.name, c] as const))('%s: labels added after construction are rendered', (_name, c) => {
    for (const o of c.build(freshChart({ [MANAGED]: 'tenant-edge' }))) {
      o.metadata.addLabel('late', 'yes');
      expect(rendered(o).metadata.labels).toEqual({ [MANAGED]: 'tenant-edge', ...c.implied, late: 'yes' });
    }
  });
});

// ----------------------------------------------------------------------------------- prop checks

describe('prop checks', () => {
  const long = (n: number): string => 'a'.repeat(n);
  /** A valid object name of 63-character labels joined by dots, the last one `last` characters long. */
  const subdomain = (labels: number, last: number): string => [...Array.from({ length: labels - 1 }, () => long(63)), long(last)].join('.');
  const NAME_253 = subdomain(4, 61);
  const NAME_254 = subdomain(4, 62);
  const invalidName = (kind: string, name: string): string =>
    `${kind} name ${JSON.stringify(name)} is not a valid object name (lower-case letters, digits, '-' and '.', at most 253 characters)`;
  const rules = [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }];
  const release = (p: Partial<FluxHelmReleaseProps>) => (s: Chart) =>
    new FluxHelmRelease(s, 'X', { namespace: 'f', releaseName: 'r', chart: { chart: 'c', version: '1', repository: { name: 'r', namespace: 'f' } }, values: {}, ...p });
  const issuer = (p: Partial<AcmeIssuerProps>) => (s: Chart) => new AcmeIssuer(s, 'X', { name: 'le', server: 'https://a.example.com', email: 'a@example.com', solver: HTTP01, ...p });
  const certificate = (p: Partial<CertificateProps>) => (s: Chart) =>
    new Certificate(s, 'X', { name: 'c', namespace: 'n', secretName: 's', dnsNames: ['a.example.com'], issuer: { kind: 'Issuer', name: 'i' }, ...p });
  const ingress = (p: Partial<IngressProps>) => (s: Chart) =>
    new Ingress(s, 'X', { name: 'web', namespace: 'n', className: 'c', hosts: ['a.example.com'], paths: [{ path: '/', pathType: 'Prefix', service: 's', port: 80 }], ...p });
  const access = (p: Partial<NamespaceAccessProps>) => (s: Chart) => new NamespaceAccess(s, 'X', { serviceAccount: { name: 'sa', namespace: 'f' }, namespace: 'n', clusterRole: 'r', ...p });

  const REFUSED: [string, (scope: Chart) => unknown, string][] = [
    ['ClusterIssuer with an upper-case name', issuer({ name: 'LetsEncrypt' }), invalidName('ClusterIssuer', 'LetsEncrypt')],
    ['Issuer with an empty name', issuer({ name: '', namespace: 'team-a' }), invalidName('Issuer', '')],
    ['ClusterIssuer with a name over 253 characters', issuer({ name: NAME_254 }), invalidName('ClusterIssuer', NAME_254)],
    ['Certificate with an underscore', certificate({ name: 'web_tls' }), invalidName('Certificate', 'web_tls')],
    ['Certificate with an invalid Secret name', certificate({ secretName: 'Web-Secret' }), invalidName('Secret', 'Web-Secret')],
    ['Certificate without DNS names', certificate({ dnsNames: [] }), 'Certificate c: dnsNames must not be empty'],
    ['Namespace with a dot', (s) => new Namespace(s, 'X', { name: 'team.a' }), 'Namespace name "team.a" is not a DNS label (lower-case letters, digits and \'-\', at most 63 characters)'],
    ['Namespace over 63 characters', (s) => new Namespace(s, 'X', { name: long(64) }), `Namespace name "${long(64)}" is not a DNS label (lower-case letters, digits and '-', at most 63 characters)`],
    ['Namespace ending in a dash', (s) => new Namespace(s, 'X', { name: 'team-' }), 'Namespace name "team-" is not a DNS label (lower-case letters, digits and \'-\', at most 63 characters)'],
    ['Namespace with an empty name', (s) => new Namespace(s, 'X', { name: '' }), 'Namespace name "" is not a DNS label (lower-case letters, digits and \'-\', at most 63 characters)'],
    ['TenantNamespace with an upper-case name', (s) => new TenantNamespace(s, 'X', { name: 'Team', tenant: 'acme' }), 'Namespace name "Team" is not a DNS label (lower-case letters, digits and \'-\', at most 63 characters)'],
    ['HelmRepository with an invalid name', (s) => new ChartRepository(s, 'X', { name: 'Repo', namespace: 'f', url: 'https://x.example.com' }), invalidName('HelmRepository', 'Repo')],
    ['HelmRepository with an ftp URL', (s) => new ChartRepository(s, 'X', { name: 'r', namespace: 'f', url: 'ftp://charts.example.com' }), 'HelmRepository r: url must start with https://, http:// or oci:// (got "ftp://charts.example.com")'],
    ['HelmRepository with a URL without a scheme', (s) => new ChartRepository(s, 'X', { name: 'r', namespace: 'f', url: 'charts.example.com' }), 'HelmRepository r: url must start with https://, http:// or oci:// (got "charts.example.com")'],
    ['HelmRepository with an upper-case scheme', (s) => new ChartRepository(s, 'X', { name: 'r', namespace: 'f', url: 'HTTPS://charts.example.com' }), 'HelmRepository r: url must start with https://, http:// or oci:// (got "HTTPS://charts.example.com")'],
    ['HelmRepository with an empty URL', (s) => new ChartRepository(s, 'X', { name: 'r', namespace: 'f', url: '' }), 'HelmRepository r: url must start with https://, http:// or oci:// (got "")'],
    ['HelmRelease with an invalid object name', release({ name: 'Edge' }), invalidName('HelmRelease', 'Edge')],
    ['HelmRelease whose default name is the invalid release name', release({ releaseName: 'Ingress' }), invalidName('HelmRelease', 'Ingress')],
    ['HelmRelease with a release name over 53 characters', release({ name: 'edge', releaseName: long(54) }), `HelmRelease edge: release name "${long(54)}" must be a DNS label of at most 53 characters`],
    ['HelmRelease with a dotted release name', release({ releaseName: 'ingress.nginx' }), 'HelmRelease ingress.nginx: release name "ingress.nginx" must be a DNS label of at most 53 characters'],
    ['HelmRelease with an upper-case release name', release({ name: 'edge', releaseName: 'Ingress' }), 'HelmRelease edge: release name "Ingress" must be a DNS label of at most 53 characters'],
    ['Kustomization with an invalid name', (s) => new FluxKustomization(s, 'X', { name: 'edge platform', namespace: 'f', path: './p', sourceRef: { kind: 'GitRepository', name: 'g' } }), invalidName('Kustomization', 'edge platform')],
    ['PrometheusRule with an invalid name', (s) => new CertificateAlerts(s, 'X', { namespace: 'n', tenant: 't', name: 'Alerts' }), invalidName('PrometheusRule', 'Alerts')],
    ['Ingress with an invalid name', ingress({ name: '-web' }), invalidName('Ingress', '-web')],
    ['Ingress without hosts', ingress({ hosts: [] }), 'Ingress web: hosts must not be empty'],
    ['Ingress without paths', ingress({ paths: [] }), 'Ingress web: paths must not be empty'],
    ['ClusterRole with an invalid name', (s) => new ClusterRole(s, 'X', { name: 'Reader', rules }), invalidName('ClusterRole', 'Reader')],
    ['ClusterRole with a wildcard', (s) => new ClusterRole(s, 'X', { name: 'reader', rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['*'] }] }), 'ClusterRole reader: rules must name their groups, resources and verbs; "*" is not allowed'],
    ['ClusterRoleGrant with an invalid name', (s) => new ClusterRoleGrant(s, 'X', { name: 'Reads', rules, serviceAccount: { name: 'sa', namespace: 'n' } }), invalidName('ClusterRole', 'Reads')],
    ['NamespaceAccess with an invalid service account name', access({ serviceAccount: { name: 'Applier', namespace: 'f' } }), invalidName('ServiceAccount', 'Applier')],
    ['NamespaceAccess with an invalid binding name', access({ bindingName: 'edge_applier' }), invalidName('RoleBinding', 'edge_applier')],
  ];

  test.each(REFUSED)('refuses %s, naming the object', (_name, build, message) => {
    expect(() => build(freshChart())).toThrow(new Error(message));
  });

  test.each(REFUSED)('a refused construct adds no API object to the chart: %s', (_name, build) => {
    const chart = freshChart();
    expect(() => build(chart)).toThrow();
    expect(apiObjectsIn(chart)).toEqual([]);
  });

  const ACCEPTED: [string, (scope: Chart) => unknown][] = [
    ['a ClusterIssuer name of 253 characters', issuer({ name: NAME_253 })],
    ['a dotted Certificate name', certificate({ name: 'www.example.com' })],
    ['a Namespace name of 63 characters', (s) => new Namespace(s, 'X', { name: long(63) })],
    ['a one-character Namespace name', (s) => new Namespace(s, 'X', { name: 'a' })],
    ['a Namespace name starting with a digit', (s) => new Namespace(s, 'X', { name: '1team' })],
    ['an http:// HelmRepository', (s) => new ChartRepository(s, 'X', { name: 'r', namespace: 'f', url: 'http://charts.example.com' })],
    ['an oci:// HelmRepository', (s) => new ChartRepository(s, 'X', { name: 'r', namespace: 'f', url: 'oci://ghcr.io/x' })],
    ['a release name of 53 characters', release({ releaseName: long(53) })],
    ['a dotted HelmRelease object name with a plain release name', release({ name: 'edge.controller', releaseName: 'edge' })],
    ['a PrometheusRule with the default name', (s) => new CertificateAlerts(s, 'X', { namespace: 'n', tenant: 't' })],
    ['a ClusterRole without rules', (s) => new ClusterRole(s, 'X', { name: 'empty', rules: [] })],
  ];

  test.each(ACCEPTED)('accepts %s', (_name, build) => {
    const chart = freshChart();
    expect(() => build(chart)).not.toThrow();
    expect(apiObjectsIn(chart).length).toBeGreaterThan(0);
  });
});

// ------------------------------------------------------------------ PlatformChart and TenantChart

const SUBSCRIPTION = '00000000-0000-0000-0000-000000000001';
const CLIENT = '00000000-0000-0000-0000-000000000002';

function platformYaml(opts: { monitoring?: boolean; sharedInProd?: boolean } = {}): string {
  return `apiVersion: tenant-edge.dev/v1alpha1
kind: Platform
metadata:
  name: test
spec:
  environments:
    - name: prod
      domain: prod.example.com
      issuer: le-dns
      dedicatedIngress: true
      sharedIngress:
        enabled: ${opts.sharedInProd ?? true}
        replicas: 3
${opts.sharedInProd === false ? '' : '        loadBalancerIP: 20.0.0.4\n'}    - name: dev
      domain: dev.example.com
      issuer: le-dns
  issuers:
    - name: le-dns
      acme:
        server: staging
        email: ops@example.com
        dns01:
          azureDNS:
            subscriptionID: ${SUBSCRIPTION}
            resourceGroupName: dns-rg
            hostedZoneName: example.com
            managedIdentityClientID: ${CLIENT}
    - name: le-http
      acme:
        server: production
        email: ops@example.com
        http01: {}
    - name: le-special
      environments: [prod]
      acme:
        server: https://acme.example.org/directory
        email: ops@example.com
        http01:
          ingressClassName: special
  ingress:
    sharedClass: edge
    loadBalancer:
      cloud: azure
      resourceGroup: net-rg
  flux:
    path: ./deploy/
  monitoring:
    enabled: ${opts.monitoring ?? true}
    ruleLabels:
      release: prom
    renewalGraceHours: 14
`;
}

function tenant(name: string, spec: string): string {
  return `apiVersion: tenant-edge.dev/v1alpha1
kind: Tenant
metadata:
  name: ${name}
spec:
${spec}`;
}

/** Dedicated in prod (the environment default), shared in dev; DNS-01 certificates. */
const ALPHA = tenant('alpha', `  routes:
    - name: web
      hosts: ["@", www]
      paths:
        - { path: /, service: web, port: 8080 }
        - { path: /api, service: api, port: http }
      options:
        sslRedirect: true
    - name: plain
      hosts: [plain]
      tls: none
      paths:
        - { path: /, service: web, port: 80 }
`);

/** Always on the shared controller; HTTP-01 certificates through the shared class. */
const BRAVO = tenant('bravo', `  ingress:
    dedicated: false
  tls:
    issuer: le-http
  routes:
    - name: app
      hosts: [app]
      paths:
        - { path: /, service: app, port: http }
`);

/** Prod only, own namespace name, dedicated controller with HTTP-01: needs a namespaced Issuer. */
const CHARLIE = tenant('charlie', `  environments: [prod]
  namespace: charlie-web
  tls:
    issuer: le-http
  routes:
    - name: shop
      hosts: [shop]
      paths:
        - { path: /, service: shop, port: 8080 }
`);

/** No certManager routes: plain HTTP and an existing Secret only. */
const DELTA = tenant('delta', `  ingress:
    dedicated: false
  routes:
    - name: open
      hosts: ["@"]
      tls: none
      paths:
        - { path: /, service: web, port: 80 }
    - name: own
      hosts: [own]
      tls: { secretName: delta-cert }
      paths:
        - { path: /, service: web, port: 80 }
`);

const TENANTS = { alpha: ALPHA, bravo: BRAVO, charlie: CHARLIE, delta: DELTA };

describe('PlatformChart', () => {
  const envs = environmentsFor(platformYaml(), TENANTS);
  const prod = renderPlatform(envs.get('prod')!);
  const dev = renderPlatform(envs.get('dev')!);

  test('places objects in the platform files and the Flux entry point', () => {
    expect([...prod.keys()]).toEqual([
      'flux/platform.yaml',
      'platform/cluster-issuers.yaml',
      'platform/helm-repositories.yaml',
      'platform/shared-ingress.yaml',
      'platform/tenant-access.yaml',
    ]);
    expect(fileObjects(prod, 'platform/tenant-access.yaml').map((o) => o.kind)).toEqual(['ClusterRole']);
    expect(fileObjects(prod, 'platform/cluster-issuers.yaml').every((o) => o.kind === 'ClusterIssuer')).toBe(true);
    expect(fileObjects(prod, 'platform/helm-repositories.yaml').map((o) => o.kind)).toEqual(['HelmRepository']);
    expect(fileObjects(prod, 'platform/shared-ingress.yaml').map((o) => o.kind)).toEqual(['Namespace', 'HelmRelease']);
    expect(fileObjects(prod, 'flux/platform.yaml').map((o) => o.kind)).toEqual(['Kustomization']);
  });

  test('every rendered object passes schema validation', () => {
    expect(schemaProblems([...prod.values(), ...dev.values()].flat())).toEqual([]);
  });

  test('every rendered object carries the chart\'s managed-by label and no tenant label', () => {
    const objects = [...prod.values(), ...dev.values()].flat();
    expect(objects.length).toBeGreaterThan(0);
    for (const o of objects) {
      expect(o.metadata.labels).toMatchObject({ [MANAGED]: 'tenant-edge' });
      expect(o.metadata.labels).not.toHaveProperty([TENANT]);
    }
  });

  test('renders the issuers of the environment as ClusterIssuers without namespace', () => {
    const prodIssuers = fileObjects(prod, 'platform/cluster-issuers.yaml');
    expect(prodIssuers.map((o) => o.metadata.name)).toEqual(['le-dns', 'le-http', 'le-special']);
    for (const o of prodIssuers) expect(o.metadata).not.toHaveProperty('namespace');
    expect(fileObjects(dev, 'platform/cluster-issuers.yaml').map((o) => o.metadata.name)).toEqual(['le-dns', 'le-http']);
  });

  test('issuers get the ACME directory, the solver class and the Azure DNS settings', () => {
    const byName = new Map(fileObjects(prod, 'platform/cluster-issuers.yaml').map((o) => [o.metadata.name, o]));
    expect(byName.get('le-http')!.spec.acme.server).toBe('https://acme-v02.api.letsencrypt.org/directory');
    expect(byName.get('le-http')!.spec.acme.solvers).toEqual([{ http01: { ingress: { ingressClassName: 'edge' } } }]);
    expect(byName.get('le-special')!.spec.acme.server).toBe('https://acme.example.org/directory');
    expect(byName.get('le-special')!.spec.acme.solvers).toEqual([{ http01: { ingress: { ingressClassName: 'special' } } }]);
    const dns = byName.get('le-dns')!;
    expect(dns.spec.acme.server).toBe('https://acme-staging-v02.api.letsencrypt.org/directory');
    expect(dns.spec.acme.privateKeySecretRef).toEqual({ name: 'le-dns-account-key' });
    expect(dns.spec.acme.solvers).toEqual([
      {
        dns01: {
          azureDNS: {
            subscriptionID: SUBSCRIPTION,
            resourceGroupName: 'dns-rg',
            hostedZoneName: 'example.com',
            environment: 'AzurePublicCloud',
            managedIdentity: { clientID: CLIENT },
          },
        },
      },
    ]);
  });

  test('renders the chart repository in the Flux namespace', () => {
    const [repo] = fileObjects(prod, 'platform/helm-repositories.yaml');
    expect(repo.metadata).toEqual({ name: 'ingress-nginx', namespace: 'flux-system', labels: { [MANAGED]: 'tenant-edge' } });
    expect(repo.spec).toEqual({ url: 'https://kubernetes.github.io/ingress-nginx', interval: '1h' });
  });

  test('renders the shared controller cluster-wide in its own namespace', () => {
    const [ns, release] = fileObjects(prod, 'platform/shared-ingress.yaml');
    expect(ns.metadata.name).toBe('ingress-nginx');
    expect(ns.metadata.labels).toEqual({
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/warn': 'restricted',
      'pod-security.kubernetes.io/audit': 'restricted',
      [MANAGED]: 'tenant-edge',
    });
    expect(release.metadata.name).toBe('ingress-nginx');
    // Beside the HelmRepository, so that Flux's --no-cross-namespace-refs allows the reference.
    expect(release.metadata.namespace).toBe('flux-system');
    expect(release.spec.targetNamespace).toBe('ingress-nginx');
    expect(release.spec.storageNamespace).toBe('flux-system');
    expect(release.spec.serviceAccountName).toBe('helm-controller');
    expect(release.spec.releaseName).toBe('ingress-nginx');
    expect(release.spec.chart.spec.sourceRef).toEqual({ kind: 'HelmRepository', name: 'ingress-nginx', namespace: 'flux-system' });
    const controller = release.spec.values.controller;
    expect(controller.replicaCount).toBe(3);
    expect(controller.ingressClassResource).toEqual({ name: 'edge', enabled: true, default: false, controllerValue: 'k8s.io/ingress-nginx' });
    expect(controller).not.toHaveProperty('scope');
    expect(release.spec.values).not.toHaveProperty('rbac');
    expect(controller.service.annotations).toEqual({
      'service.beta.kubernetes.io/azure-load-balancer-health-probe-request-path': '/healthz',
      'service.beta.kubernetes.io/azure-load-balancer-ipv4': '20.0.0.4',
      'service.beta.kubernetes.io/azure-load-balancer-resource-group': 'net-rg',
    });
    expect(controller.metrics.serviceMonitor).toEqual({ enabled: true, additionalLabels: { release: 'prom' } });
  });

  test('the shared controller gets no static address where the environment sets none', () => {
    const [, release] = fileObjects(dev, 'platform/shared-ingress.yaml');
    expect(release.spec.values.controller.replicaCount).toBe(2);
    expect(release.spec.values.controller.service.annotations).toEqual({
      'service.beta.kubernetes.io/azure-load-balancer-health-probe-request-path': '/healthz',
    });
  });

  test('the platform Kustomization applies <flux path>/<env>/platform and depends on nothing', () => {
    const [sync] = fileObjects(prod, 'flux/platform.yaml');
    expect(sync.metadata.name).toBe('edge-platform');
    expect(sync.metadata.namespace).toBe('flux-system');
    expect(sync.spec.path).toBe('./deploy/prod/platform');
    expect(sync.spec.sourceRef).toEqual({ kind: 'GitRepository', name: 'flux-system', namespace: 'flux-system' });
    expect(sync.spec).not.toHaveProperty('dependsOn');
    // Under --default-service-account, a Kustomization without one runs with no rights.
    expect(sync.spec.serviceAccountName).toBe('kustomize-controller');
    expect(fileObjects(dev, 'flux/platform.yaml')[0].spec.path).toBe('./deploy/dev/platform');
  });

  test('the tenant applier role names exactly the kinds of a tenant\'s namespace folder, without wildcards', () => {
    const [role] = fileObjects(prod, 'platform/tenant-access.yaml');
    expect(role.metadata.name).toBe('tenant-edge-namespace-applier');
    const verbs = ['get', 'list', 'watch', 'create', 'patch', 'delete'];
    expect(role.rules).toEqual([
      { apiGroups: ['networking.k8s.io'], resources: ['ingresses'], verbs },
      { apiGroups: ['cert-manager.io'], resources: ['certificates', 'issuers'], verbs },
      { apiGroups: ['monitoring.coreos.com'], resources: ['prometheusrules'], verbs },
    ]);
  });

  test('a tenant namespace prefix names every tenant namespace', () => {
    const prefixed = environmentsFor(platformYaml().replace('  flux:\n', '  tenantNamespacePrefix: team-\n  flux:\n'), { alpha: ALPHA, bravo: BRAVO, delta: DELTA }).get('prod')!;
    expect(prefixed.tenants.map((t) => [t.name, t.namespace])).toEqual([['alpha', 'team-alpha'], ['bravo', 'team-bravo'], ['delta', 'team-delta']]);
    const ns = ofKind(renderTenant(prefixed, 'alpha'), 'Namespace');
    expect(ns.map((n) => n.metadata.name)).toEqual(['team-alpha']);
  });

  test('the platform\'s service accounts can be renamed', () => {
    const named = environmentsFor(platformYaml().replace('  flux:\n', '  flux:\n    serviceAccounts: { kustomize: platform-applier, helm: platform-helm }\n'), TENANTS);
    const files = renderPlatform(named.get('prod')!);
    expect(fileObjects(files, 'flux/platform.yaml')[0].spec.serviceAccountName).toBe('platform-applier');
    expect(ofKind(files, 'HelmRelease')[0].spec.serviceAccountName).toBe('platform-helm');
  });

  test('renders no shared controller when the environment disables it', () => {
    const noShared = environmentsFor(platformYaml({ sharedInProd: false }), {});
    const files = renderPlatform(noShared.get('prod')!);
    expect([...files.keys()]).not.toContain('platform/shared-ingress.yaml');
    expect(ofKind(files, 'HelmRelease')).toEqual([]);
    expect([...files.keys()]).toContain('platform/cluster-issuers.yaml');
  });

  // [environment, tenants, control planes, shared controller rendered in prod]. In prod tenants are
  // dedicated by default (alpha, charlie); bravo and delta ask for the shared controller.
  test.each([
    ['a tenant on the shared controller', { alpha: ALPHA, bravo: BRAVO }, '', true],
    ['every tenant dedicated', { alpha: ALPHA, charlie: CHARLIE }, '', false],
    ['no tenant at all', {}, '', false],
    ['every tenant dedicated, control planes on the shared class', { alpha: ALPHA, charlie: CHARLIE }, '  controlPlanes:\n    controller: nginx\n    namespace: steward-tenants\n', true],
    ['every tenant dedicated, control planes on a class of their own', { alpha: ALPHA, charlie: CHARLIE }, '  controlPlanes:\n    controller: nginx\n    namespace: steward-tenants\n    className: passthrough\n', false],
  ] as const)('the shared controller is rendered only where something uses it: %s', (_what, tenants, controlPlanes, rendered) => {
    const envs = environmentsFor(platformYaml().replace('  flux:\n', `${controlPlanes}  flux:\n`), tenants);
    const files = renderPlatform(envs.get('prod')!);
    expect([...files.keys()].includes('platform/shared-ingress.yaml')).toBe(rendered);
    expect(ofKind(files, 'HelmRelease').map((r) => r.metadata.name)).toEqual(rendered ? ['ingress-nginx'] : []);
    expect(ofKind(files, 'Namespace').map((n) => n.metadata.name)).toEqual(rendered ? ['ingress-nginx'] : []);
    // The chart repository stays: dedicated controllers install from it.
    expect([...files.keys()]).toContain('platform/helm-repositories.yaml');
  });

  test('where the shared controller is used, its output does not depend on how many tenants use it', () => {
    const one = renderPlatform(environmentsFor(platformYaml(), { alpha: ALPHA, bravo: BRAVO }).get('prod')!);
    const all = renderPlatform(environmentsFor(platformYaml(), TENANTS).get('prod')!);
    expect(one.get('platform/shared-ingress.yaml')).toEqual(all.get('platform/shared-ingress.yaml'));
  });

  test('monitoring.enabled: false removes the shared controller\'s ServiceMonitor values', () => {
    const quiet = environmentsFor(platformYaml({ monitoring: false }), TENANTS);
    const [release] = ofKind(renderPlatform(quiet.get('prod')!), 'HelmRelease');
    expect(release.spec.values.controller).not.toHaveProperty('metrics');
  });
});

describe('file placement (synthObjects)', () => {
  test('groups constructs by the nearest placeIn up the tree', () => {
    const chart = freshChart();
    placeIn(chart, 'default.yaml');
    new TenantNamespace(chart, 'Ns', { name: 'team-a', tenant: 'acme' });
    placeIn(new ChartRepository(chart, 'Repo', { name: 'r', namespace: 'flux-system', url: 'https://x.example.com' }), 'repos.yaml');
    const files = synthObjects(chart);
    expect([...files.keys()]).toEqual(['default.yaml', 'repos.yaml']);
    expect(files.get('default.yaml')!.map((o) => o.kind)).toEqual(['Namespace']);
    expect(files.get('repos.yaml')!.map((o) => o.kind)).toEqual(['HelmRepository']);
  });

  test('fails if an API object was not placed in a file', () => {
    const chart = freshChart();
    new TenantNamespace(chart, 'Ns', { name: 'team-a', tenant: 'acme' });
    expect(() => synthObjects(chart)).toThrow(/no output file was assigned/);
  });

  test('reports the files applied to another cluster, and refuses a file that mixes two', () => {
    const chart = freshChart();
    placeIn(chart, 'here.yaml');
    new TenantNamespace(chart, 'Ns', { name: 'team-a', tenant: 'acme' });
    const remote = new Construct(chart, 'Remote');
    placeIn(remote, 'there.yaml');
    placeInCluster(remote, 'tenant/acme');
    new TenantNamespace(remote, 'Ns', { name: 'team-a', tenant: 'acme' });
    const clusters = new Map<string, string>();
    expect([...synthObjects(chart, clusters).keys()]).toEqual(['here.yaml', 'there.yaml']);
    expect([...clusters]).toEqual([['there.yaml', 'tenant/acme']]);
    placeIn(remote, 'here.yaml');
    expect(() => synthObjects(chart, new Map())).toThrow('c/Remote/Ns: here.yaml mixes objects for two clusters');
  });
});

describe('TenantChart', () => {
  const envs = environmentsFor(platformYaml(), TENANTS);
  const prod = envs.get('prod')!;
  const dev = envs.get('dev')!;

  test.each([
    ['prod', 'alpha'],
    ['prod', 'bravo'],
    ['prod', 'charlie'],
    ['prod', 'delta'],
    ['dev', 'alpha'],
    ['dev', 'bravo'],
    ['dev', 'delta'],
  ])('every object of %s/%s carries the chart\'s managed-by label and exactly its tenant\'s label', (env, name) => {
    const objects = [...renderTenant(envs.get(env)!, name).values()].flat();
    expect(objects.length).toBeGreaterThan(0);
    for (const o of objects) expect(o.metadata.labels).toMatchObject({ [MANAGED]: 'tenant-edge', [TENANT]: name });
  });

  test('the tenants of the fixture are exactly those the table above covers', () => {
    expect(prod.tenants.map((t) => t.name)).toEqual(['alpha', 'bravo', 'charlie', 'delta']);
    expect(dev.tenants.map((t) => t.name)).toEqual(['alpha', 'bravo', 'delta']);
  });

  describe('dedicated tenant with DNS-01 certificates (alpha in prod)', () => {
    const files = renderTenant(prod, 'alpha');

    test('places objects in the tenant folder and its Flux entry point', () => {
      expect([...files.keys()]).toEqual([
        'flux/tenant-alpha.yaml',
        'tenants/alpha/cluster/access.yaml',
        'tenants/alpha/cluster/ingress-controller.yaml',
        'tenants/alpha/cluster/namespace.yaml',
        'tenants/alpha/namespace/alerts.yaml',
        'tenants/alpha/namespace/certificates.yaml',
        'tenants/alpha/namespace/ingresses.yaml',
      ]);
      expect(fileObjects(files, 'tenants/alpha/cluster/namespace.yaml').map((o) => o.kind)).toEqual(['Namespace']);
      expect(fileObjects(files, 'tenants/alpha/cluster/access.yaml').map((o) => o.kind)).toEqual(['RoleBinding', 'ServiceAccount']);
      expect(fileObjects(files, 'tenants/alpha/cluster/ingress-controller.yaml').map((o) => o.kind)).toEqual(['ClusterRole', 'ClusterRoleBinding', 'HelmRelease']);
      expect(fileObjects(files, 'tenants/alpha/namespace/ingresses.yaml').map((o) => o.kind)).toEqual(['Ingress', 'Ingress']);
      expect(fileObjects(files, 'tenants/alpha/namespace/certificates.yaml').map((o) => o.kind)).toEqual(['Certificate']);
      expect(fileObjects(files, 'tenants/alpha/namespace/alerts.yaml').map((o) => o.kind)).toEqual(['PrometheusRule']);
      expect(fileObjects(files, 'flux/tenant-alpha.yaml').map((o) => o.kind)).toEqual(['Kustomization', 'Kustomization']);
    });

    test('every rendered object passes schema validation', () => {
      expect(schemaProblems([...files.values()].flat())).toEqual([]);
    });

    test('every object carries managed-by and the tenant label', () => {
      for (const o of [...files.values()].flat()) {
        expect(o.metadata.labels).toMatchObject({ [MANAGED]: 'tenant-edge', [TENANT]: 'alpha' });
      }
    });

    test('the namespace is kept on prune', () => {
      const [ns] = fileObjects(files, 'tenants/alpha/cluster/namespace.yaml');
      expect(ns.metadata.name).toBe('alpha');
      expect(ns.metadata.annotations).toEqual({ [PRUNE]: 'disabled' });
    });

    test('gets a HelmRelease for its own namespace with class nginx-<tenant>, watching only that namespace', () => {
      const [release] = ofKind(files, 'HelmRelease');
      expect(release.metadata.namespace).toBe('flux-system');
      expect(release.metadata.name).toBe('ingress-nginx-alpha');
      expect(release.spec.targetNamespace).toBe('alpha');
      expect(release.spec.serviceAccountName).toBe('helm-controller');
      expect(release.spec.releaseName).toBe('ingress-nginx-alpha');
      expect(release.spec.chart.spec.sourceRef).toEqual({ kind: 'HelmRepository', name: 'ingress-nginx', namespace: 'flux-system' });
      const values = release.spec.values;
      expect(values.controller.ingressClassResource).toEqual({
        name: 'nginx-alpha',
        enabled: true,
        default: false,
        controllerValue: 'k8s.io/ingress-nginx-alpha',
      });
      expect(values.controller.scope).toEqual({ enabled: true, namespace: 'alpha' });
      expect(values.rbac).toEqual({ scope: true });
      expect(values.controller.replicaCount).toBe(2);
      expect(values.controller.metrics.serviceMonitor.additionalLabels).toEqual({ release: 'prom' });
    });

    test('Ingresses use the dedicated class, the route hosts and the certificate Secret', () => {
      const byName = new Map(fileObjects(files, 'tenants/alpha/namespace/ingresses.yaml').map((o) => [o.metadata.name, o]));
      const web = byName.get('web')!;
      expect(web.metadata.namespace).toBe('alpha');
      expect(web.spec.ingressClassName).toBe('nginx-alpha');
      expect(web.spec.rules.map((r: Manifest) => r.host)).toEqual(['alpha.prod.example.com', 'www.alpha.prod.example.com']);
      expect(web.spec.tls).toEqual([{ hosts: ['alpha.prod.example.com', 'www.alpha.prod.example.com'], secretName: 'edge-certificate' }]);
      expect(web.metadata.annotations).toEqual({ 'nginx.ingress.kubernetes.io/ssl-redirect': 'true' });
      const plain = byName.get('plain')!;
      expect(plain.spec.ingressClassName).toBe('nginx-alpha');
      expect(plain.spec).not.toHaveProperty('tls');
      expect(plain.metadata).not.toHaveProperty('annotations');
    });

    test('DNS-01 certificates point at the ClusterIssuer and no namespaced Issuer is rendered', () => {
      const [cert] = fileObjects(files, 'tenants/alpha/namespace/certificates.yaml');
      expect(cert.metadata).toMatchObject({ name: 'edge-certificate', namespace: 'alpha' });
      expect(cert.spec.secretName).toBe('edge-certificate');
      expect(cert.spec.dnsNames).toEqual(['alpha.prod.example.com', 'www.alpha.prod.example.com']);
      expect(cert.spec.issuerRef).toEqual({ group: 'cert-manager.io', kind: 'ClusterIssuer', name: 'le-dns' });
      expect(ofKind(files, 'Issuer')).toEqual([]);
    });

    test('certificate alerts use the environment\'s rule labels and renewal grace', () => {
      const [rule] = fileObjects(files, 'tenants/alpha/namespace/alerts.yaml');
      expect(rule.metadata.namespace).toBe('alpha');
      expect(rule.metadata.labels).toEqual({ release: 'prom', [MANAGED]: 'tenant-edge', [TENANT]: 'alpha' });
      expect(rule.spec.groups[0].rules[0].expr).toContain('> 14 * 3600');
    });

    test('the cluster Kustomization applies the cluster folder after the platform, with the platform\'s rights', () => {
      const [cluster] = fileObjects(files, 'flux/tenant-alpha.yaml').filter((k) => k.metadata.name === 'edge-cluster-alpha');
      expect(cluster.metadata).toMatchObject({ name: 'edge-cluster-alpha', namespace: 'flux-system' });
      expect(cluster.spec.path).toBe('./deploy/prod/tenants/alpha/cluster');
      expect(cluster.spec.dependsOn).toEqual([{ name: 'edge-platform' }]);
      expect(cluster.spec.sourceRef).toEqual({ kind: 'GitRepository', name: 'flux-system', namespace: 'flux-system' });
      expect(cluster.spec.serviceAccountName).toBe('kustomize-controller');
      expect(cluster.spec).not.toHaveProperty('targetNamespace');
      expect(cluster.spec.prune).toBe(true);
    });

    test('the namespace Kustomization applies the namespace folder after the cluster part, as the tenant, into its namespace', () => {
      const [sync] = fileObjects(files, 'flux/tenant-alpha.yaml').filter((k) => k.metadata.name === 'edge-namespace-alpha');
      expect(sync.metadata).toMatchObject({ name: 'edge-namespace-alpha', namespace: 'flux-system' });
      expect(sync.spec.path).toBe('./deploy/prod/tenants/alpha/namespace');
      expect(sync.spec.dependsOn).toEqual([{ name: 'edge-cluster-alpha' }]);
      expect(sync.spec.serviceAccountName).toBe('edge-tenant-alpha');
      expect(sync.spec.targetNamespace).toBe('alpha');
      expect(sync.spec.prune).toBe(true);
      // Ready only once its certificates are issued (alpha has no Issuer of its own): judged by kustomize-controller's evaluator in health-checks.test.ts.
      expect(sync.spec.wait).toBe(true);
      expect(sync.spec.healthCheckExprs.map((h: Manifest) => [h.apiVersion, h.kind])).toEqual([['cert-manager.io/v1', 'Certificate']]);
    });

    test('the tenant\'s service account lives beside its Kustomization and gets the applier role in the tenant namespace only', () => {
      const [binding, sa] = fileObjects(files, 'tenants/alpha/cluster/access.yaml');
      expect(sa.metadata).toMatchObject({ name: 'edge-tenant-alpha', namespace: 'flux-system', annotations: { [PRUNE]: 'disabled' } });
      expect(sa.automountServiceAccountToken).toBe(false);
      expect(binding.kind).toBe('RoleBinding');
      expect(binding.metadata).toMatchObject({ name: 'edge-tenant-applier', namespace: 'alpha' });
      expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'tenant-edge-namespace-applier' });
      expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'edge-tenant-alpha', namespace: 'flux-system' }]);
    });
  });

  describe('the same tenant on the shared controller (alpha in dev)', () => {
    const files = renderTenant(dev, 'alpha');

    test('gets no IngressController HelmRelease', () => {
      expect([...files.keys()]).not.toContain('tenants/alpha/cluster/ingress-controller.yaml');
      expect(ofKind(files, 'HelmRelease')).toEqual([]);
    });

    test('its Ingresses use the shared class', () => {
      for (const ing of fileObjects(files, 'tenants/alpha/namespace/ingresses.yaml')) expect(ing.spec.ingressClassName).toBe('edge');
    });

    test('applies the dev folder', () => {
      expect(fileObjects(files, 'flux/tenant-alpha.yaml').map((k) => k.spec.path).sort()).toEqual(['./deploy/dev/tenants/alpha/cluster', './deploy/dev/tenants/alpha/namespace']);
    });

    test('every rendered object passes schema validation', () => {
      expect(schemaProblems([...files.values()].flat())).toEqual([]);
    });
  });

  describe('shared tenant with an HTTP-01 issuer (bravo in prod)', () => {
    const files = renderTenant(prod, 'bravo');

    test('gets no controller and no namespaced Issuer', () => {
      expect([...files.keys()]).toEqual([
        'flux/tenant-bravo.yaml',
        'tenants/bravo/cluster/access.yaml',
        'tenants/bravo/cluster/namespace.yaml',
        'tenants/bravo/namespace/alerts.yaml',
        'tenants/bravo/namespace/certificates.yaml',
        'tenants/bravo/namespace/ingresses.yaml',
      ]);
    });

    test('its Ingresses use the shared class and its Certificates the HTTP-01 ClusterIssuer', () => {
      const [ing] = fileObjects(files, 'tenants/bravo/namespace/ingresses.yaml');
      expect(ing.spec.ingressClassName).toBe('edge');
      expect(ing.spec.rules[0].http.paths[0].backend.service.port).toEqual({ name: 'http' });
      const [cert] = fileObjects(files, 'tenants/bravo/namespace/certificates.yaml');
      expect(cert.spec.issuerRef).toEqual({ group: 'cert-manager.io', kind: 'ClusterIssuer', name: 'le-http' });
    });

    test('every rendered object passes schema validation', () => {
      expect(schemaProblems([...files.values()].flat())).toEqual([]);
    });
  });

  describe('dedicated tenant with an HTTP-01 issuer and its own namespace name (charlie in prod)', () => {
    const files = renderTenant(prod, 'charlie');

    test('files are named after the tenant, objects live in its namespace', () => {
      expect([...files.keys()]).toEqual([
        'flux/tenant-charlie.yaml',
        'tenants/charlie/cluster/access.yaml',
        'tenants/charlie/cluster/ingress-controller.yaml',
        'tenants/charlie/cluster/namespace.yaml',
        'tenants/charlie/namespace/alerts.yaml',
        'tenants/charlie/namespace/certificates.yaml',
        'tenants/charlie/namespace/ingresses.yaml',
        'tenants/charlie/namespace/issuers.yaml',
      ]);
      const [ns] = fileObjects(files, 'tenants/charlie/cluster/namespace.yaml');
      expect(ns.metadata.name).toBe('charlie-web');
      expect(ns.metadata.labels[TENANT]).toBe('charlie');
      for (const [file, objects] of files) {
        if (!file.startsWith('tenants/charlie/namespace/')) continue;
        for (const o of objects) expect(o.metadata.namespace).toBe('charlie-web');
      }
      expect(fileObjects(files, 'flux/tenant-charlie.yaml').map((k) => k.spec.targetNamespace)).toEqual([undefined, 'charlie-web']);
    });

    test('renders a namespaced Issuer whose solver uses the tenant\'s class', () => {
      const [issuer] = fileObjects(files, 'tenants/charlie/namespace/issuers.yaml');
      expect(issuer.kind).toBe('Issuer');
      expect(issuer.metadata).toEqual({
        name: 'le-http',
        namespace: 'charlie-web',
        labels: { [TENANT]: 'charlie', [MANAGED]: 'tenant-edge' },
      });
      expect(issuer.spec.acme.server).toBe('https://acme-v02.api.letsencrypt.org/directory');
      expect(issuer.spec.acme.solvers).toEqual([{ http01: { ingress: { ingressClassName: 'nginx-charlie' } } }]);
    });

    test('its Certificates point at the namespaced Issuer', () => {
      const [cert] = fileObjects(files, 'tenants/charlie/namespace/certificates.yaml');
      expect(cert.spec.issuerRef).toEqual({ group: 'cert-manager.io', kind: 'Issuer', name: 'le-http' });
      expect(cert.spec.dnsNames).toEqual(['shop.charlie.prod.example.com']);
    });

    test('its controller and Ingresses use class nginx-charlie', () => {
      const [release] = ofKind(files, 'HelmRelease');
      expect(release.spec.targetNamespace).toBe('charlie-web');
      expect(release.spec.values.controller.ingressClassResource.name).toBe('nginx-charlie');
      expect(release.spec.values.controller.scope).toEqual({ enabled: true, namespace: 'charlie-web' });
      const [ing] = fileObjects(files, 'tenants/charlie/namespace/ingresses.yaml');
      expect(ing.spec.ingressClassName).toBe('nginx-charlie');
    });

    test('every rendered object passes schema validation', () => {
      expect(schemaProblems([...files.values()].flat())).toEqual([]);
    });

    test('is not rendered in environments it does not list', () => {
      expect(dev.tenants.map((t) => t.name)).not.toContain('charlie');
    });
  });

  describe('tenant without certManager routes (delta in prod)', () => {
    const files = renderTenant(prod, 'delta');

    test('gets no Certificate and no PrometheusRule', () => {
      expect([...files.keys()]).toEqual(['flux/tenant-delta.yaml', 'tenants/delta/cluster/access.yaml', 'tenants/delta/cluster/namespace.yaml', 'tenants/delta/namespace/ingresses.yaml']);
      expect(ofKind(files, 'Certificate')).toEqual([]);
      expect(ofKind(files, 'PrometheusRule')).toEqual([]);
    });

    test('an existing Secret is used for TLS, tls: none renders no tls block', () => {
      const byName = new Map(fileObjects(files, 'tenants/delta/namespace/ingresses.yaml').map((o) => [o.metadata.name, o]));
      expect(byName.get('own')!.spec.tls).toEqual([{ hosts: ['own.delta.prod.example.com'], secretName: 'delta-cert' }]);
      expect(byName.get('open')!.spec).not.toHaveProperty('tls');
    });

    test('every rendered object passes schema validation', () => {
      expect(schemaProblems([...files.values()].flat())).toEqual([]);
    });
  });

  describe('monitoring.enabled: false', () => {
    const quiet = environmentsFor(platformYaml({ monitoring: false }), TENANTS).get('prod')!;

    test.each(['alpha', 'bravo', 'charlie'])('removes the alerts of %s but keeps its certificates', (name) => {
      const files = renderTenant(quiet, name);
      expect([...files.keys()]).not.toContain(`tenants/${name}/namespace/alerts.yaml`);
      expect(ofKind(files, 'PrometheusRule')).toEqual([]);
      expect(ofKind(files, 'Certificate')).toHaveLength(1);
      expect(schemaProblems([...files.values()].flat())).toEqual([]);
    });

    test('removes the ServiceMonitor values of a dedicated controller', () => {
      const [release] = ofKind(renderTenant(quiet, 'alpha'), 'HelmRelease');
      expect(release.spec.values.controller).not.toHaveProperty('metrics');
      expect(release.spec.values.controller.scope).toEqual({ enabled: true, namespace: 'alpha' });
    });
  });

  describe('certificates: one per tenant unless a tenant or a route asks otherwise', () => {
    const routes = (tls: (name: string) => string): string => `  ingress:
    dedicated: false
  routes:
${['a', 'b', 'c'].map((r) => `    - name: ${r}
      hosts: [${r}, "@"]
      tls: ${tls(r)}
      paths:
        - { path: /${r}, service: ${r}, port: 80 }
`).join('')}`;
    const echo = tenant('echo', routes(() => 'certManager'));
    const foxtrot = tenant('foxtrot', `  tls:
    certificates: perRoute
${routes(() => 'certManager')}`);
    const golf = tenant('golf', routes((r) => (r === 'b' ? '{ ownCertificate: true }' : 'certManager')));
    const envs = environmentsFor(platformYaml(), { echo, foxtrot, golf }).get('prod')!;
    const certs = (name: string): Manifest[] => ofKind(renderTenant(envs, name), 'Certificate');
    const secrets = (name: string): Record<string, string> =>
      Object.fromEntries(ofKind(renderTenant(envs, name), 'Ingress').map((i) => [i.metadata.name, i.spec.tls[0].secretName]));

    test('by default the tenant has one Certificate with the hosts of all its routes, sorted and without duplicates', () => {
      expect(certs('echo').map((c) => [c.metadata.name, c.spec.secretName, c.spec.dnsNames])).toEqual([
        ['edge-certificate', 'edge-certificate', ['a.echo.prod.example.com', 'b.echo.prod.example.com', 'c.echo.prod.example.com', 'echo.prod.example.com']],
      ]);
      expect(secrets('echo')).toEqual({ a: 'edge-certificate', b: 'edge-certificate', c: 'edge-certificate' });
    });

    test('certificates: perRoute gives each route its own', () => {
      expect(certs('foxtrot').map((c) => [c.metadata.name, c.spec.dnsNames])).toEqual([
        ['a-tls', ['a.foxtrot.prod.example.com', 'foxtrot.prod.example.com']],
        ['b-tls', ['b.foxtrot.prod.example.com', 'foxtrot.prod.example.com']],
        ['c-tls', ['c.foxtrot.prod.example.com', 'foxtrot.prod.example.com']],
      ]);
      expect(secrets('foxtrot')).toEqual({ a: 'a-tls', b: 'b-tls', c: 'c-tls' });
    });

    test('the platform\'s tenantCertificates is the default of tenants that do not choose: perRoute keeps 0.1\'s <route>-tls (upgrade)', () => {
      const perTenant = tenant('india', `  tls:
    certificates: perTenant
${routes(() => 'certManager')}`);
      const upgrading = environmentsFor(platformYaml().replace('  flux:\n', '  tenantCertificates: perRoute\n  flux:\n'), { echo, india: perTenant }).get('prod')!;
      const layout = (name: string): [string[], Record<string, string>] => {
        const files = renderTenant(upgrading, name);
        return [ofKind(files, 'Certificate').map((c) => c.metadata.name), Object.fromEntries(ofKind(files, 'Ingress').map((i) => [i.metadata.name, i.spec.tls[0].secretName]))];
      };
      // echo says nothing: 0.1's names, so each Ingress keeps the Secret it already serves.
      expect(layout('echo')).toEqual([['a-tls', 'b-tls', 'c-tls'], { a: 'a-tls', b: 'b-tls', c: 'c-tls' }]);
      // A tenant's own choice wins.
      expect(layout('india')).toEqual([['edge-certificate'], { a: 'edge-certificate', b: 'edge-certificate', c: 'edge-certificate' }]);
    });

    test('a route with ownCertificate gets its own; the others share the tenant\'s', () => {
      expect(certs('golf').map((c) => [c.metadata.name, c.spec.dnsNames])).toEqual([
        ['b-tls', ['b.golf.prod.example.com', 'golf.prod.example.com']],
        ['edge-certificate', ['a.golf.prod.example.com', 'c.golf.prod.example.com', 'golf.prod.example.com']],
      ]);
      expect(secrets('golf')).toEqual({ a: 'edge-certificate', b: 'b-tls', c: 'edge-certificate' });
    });

    test('a name a wildcard of the same certificate covers is left out: Let\'s Encrypt refuses orders with both', () => {
      const wild = tenant('juliet', `  environments: [prod]
  ingress:
    dedicated: false
  routes:
    - name: web
      hosts: ["@", "*"]
      paths: [{ path: /, service: web, port: 80 }]
    - name: api
      hosts: [api, v2.api.juliet.prod.example.com]
      paths: [{ path: /, service: api, port: 80 }]
`);
      const files = renderTenant(environmentsFor(platformYaml(), { juliet: wild }).get('prod')!, 'juliet');
      expect(ofKind(files, 'Certificate')[0].spec.dnsNames).toEqual(['*.juliet.prod.example.com', 'juliet.prod.example.com', 'v2.api.juliet.prod.example.com']);
      const api = ofKind(files, 'Ingress').find((i) => i.metadata.name === 'api')!;
      expect(api.spec.tls).toEqual([{ hosts: ['api.juliet.prod.example.com', 'v2.api.juliet.prod.example.com'], secretName: 'edge-certificate' }]);
    });

    test('the certificate count does not grow with the routes', () => {
      const many = tenant('hotel', `  ingress:
    dedicated: false
  routes:
${Array.from({ length: 40 }, (_, i) => `    - name: r${i}
      hosts: [r${i}]
      paths:
        - { path: /, service: s, port: 80 }
`).join('')}`);
      const files = renderTenant(environmentsFor(platformYaml(), { hotel: many }).get('prod')!, 'hotel');
      expect(ofKind(files, 'Ingress')).toHaveLength(40);
      expect(ofKind(files, 'Certificate')).toHaveLength(1);
      expect(ofKind(files, 'Certificate')[0].spec.dnsNames).toHaveLength(40);
    });

    test('a tenant without routes gets only its cluster part', () => {
      const files = renderTenant(environmentsFor(platformYaml(), { india: tenant('india', '  ingress:\n    dedicated: false\n') }).get('prod')!, 'india');
      expect([...files.keys()]).toEqual(['flux/tenant-india.yaml', 'tenants/india/cluster/access.yaml', 'tenants/india/cluster/namespace.yaml']);
      expect(fileObjects(files, 'flux/tenant-india.yaml').map((k) => k.metadata.name)).toEqual(['edge-cluster-india']);
    });
  });
});
