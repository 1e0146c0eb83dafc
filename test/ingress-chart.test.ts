/**
 * The vendored ingress-nginx chart (helm-chart-4.15.1), rendered by helm with exactly the values of
 * every HelmRelease in dist/, and what the controller does with the result. The controller
 * behaviour cited here was read in kubernetes/ingress-nginx at controller-v1.15.1 (the chart's
 * appVersion, same commit as helm-chart-4.15.1).
 */
import * as path from 'path';
import { helmTemplate, HelmReleaseObject, K8sObject, objectsUnder, releaseNamespace, vendoredChartVersion } from './support/helm';
import { ROOT } from './support/tree';

// Real processes on a 2-core machine: generous per-test limits (each process is bounded on its own too).
jest.setTimeout(120_000);

const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'IngressClass', 'ValidatingWebhookConfiguration']);

interface Controller {
  readonly env: string;
  readonly hr: HelmReleaseObject;
  /** What helm renders for it. */
  readonly chart: K8sObject[];
  /** What tenant-edge renders next to it (same file). */
  readonly siblings: K8sObject[];
}

const controllers: Controller[] = [];
for (const env of ['dev', 'prod']) {
  const objects = objectsUnder(path.join(ROOT, 'dist', env));
  for (const { file, object } of objects) {
    if (object.kind !== 'HelmRelease') continue;
    const hr = object as HelmReleaseObject;
    controllers.push({ env, hr, chart: helmTemplate(hr), siblings: objects.filter((o) => o.file === file && o.object !== object).map((o) => o.object) });
  }
}
const dedicated = controllers.filter((c) => c.hr.spec.values.rbac !== undefined);
const id = (c: Controller): string => `${c.env}/${c.hr.metadata.name}`;

function args(chart: K8sObject[]): string[] {
  const deployment = chart.find((o) => o.kind === 'Deployment')!;
  const containers = (deployment.spec as { template: { spec: { containers: { name: string; args: string[] }[] } } }).template.spec.containers;
  return containers.find((c) => c.name === 'controller')!.args;
}

test('the example has a shared controller per environment and two dedicated ones in prod', () => {
  expect(controllers.map(id).sort()).toEqual(['dev/ingress-nginx', 'prod/ingress-nginx', 'prod/ingress-nginx-acme', 'prod/ingress-nginx-orbit']);
  expect(dedicated.map(id).sort()).toEqual(['prod/ingress-nginx-acme', 'prod/ingress-nginx-orbit']);
});

test.each(controllers.map((c) => [id(c), c] as const))('%s runs with --enable-ssl-passthrough exactly when it carries the control planes\' routes (the shared one)', (_id, c) => {
  // The controller starts its SNI proxy only with this flag (pkg/flags/flags.go, nginx.go at
  // controller-v1.15.1); the chart renders extraArgs as --key=value (templates/_params.tpl).
  const passthrough = args(c.chart).filter((a) => a.startsWith('--enable-ssl-passthrough'));
  expect(passthrough).toEqual(dedicated.includes(c) ? [] : ['--enable-ssl-passthrough=true']);
});

test.each(controllers.map((c) => [id(c), c] as const))('%s pins the vendored chart version', (_id, c) => {
  expect(c.hr.spec.chart.spec.chart).toBe('ingress-nginx');
  expect(c.hr.spec.chart.spec.version).toBe(vendoredChartVersion());
});

describe.each(dedicated.map((c) => [id(c), c] as const))('dedicated controller %s', (_id, c) => {
  const ns = releaseNamespace(c.hr);
  const release = c.hr.spec.releaseName;

  test('watches only its namespace, under its own class, controller value and election id', () => {
    const a = args(c.chart);
    const v = c.hr.spec.values.controller as { ingressClassResource: { name: string; controllerValue: string } };
    expect(a).toEqual(expect.arrayContaining([
      `--watch-namespace=${ns}`,
      `--ingress-class=${v.ingressClassResource.name}`,
      `--controller-class=${v.ingressClassResource.controllerValue}`,
      '--ingress-class-by-name=true',
      `--election-id=${release}-leader`,
    ]));
    const cls = c.chart.filter((o) => o.kind === 'IngressClass');
    expect(cls.map((o) => [o.metadata.name, (o.spec as { controller: string }).controller])).toEqual([[v.ingressClassResource.name, v.ingressClassResource.controllerValue]]);
  });

  test('the chart grants no cluster-wide read of its own (rbac.scope), so tenant-edge binds exactly the IngressClass read', () => {
    // charts/ingress-nginx/templates/clusterrole.yaml renders only `if not .Values.rbac.scope`: the
    // only ClusterRole left is the admission hook's. Without list/watch on IngressClasses,
    // cmd/nginx/main.go sets IgnoreIngressClass (on Forbidden), and GetIngressClass in
    // internal/ingress/controller/store/store.go then ignores spec.ingressClassName: every Ingress
    // of the tenant would be dropped.
    const chartRoles = c.chart.filter((o) => o.kind === 'ClusterRole').map((o) => o.metadata.name);
    expect(chartRoles).toEqual([`${release}-admission`]);

    const sa = c.chart.find((o) => o.kind === 'ServiceAccount' && o.metadata.name === release);
    expect(sa).toBeDefined();
    const bindings = c.siblings.filter((o) => o.kind === 'ClusterRoleBinding');
    expect(bindings).toHaveLength(1);
    const binding = bindings[0] as K8sObject & { subjects: { kind: string; name: string; namespace: string }[]; roleRef: { kind: string; name: string } };
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: sa!.metadata.name, namespace: ns }]);
    const role = c.siblings.find((o) => o.kind === 'ClusterRole' && o.metadata.name === binding.roleRef.name) as K8sObject & { rules: unknown[] };
    expect(role.rules).toEqual([{ apiGroups: ['networking.k8s.io'], resources: ['ingressclasses'], verbs: ['get', 'list', 'watch'] }]);
  });

  test('its Service carries the external-dns hostname annotation and label exactly when it has no static address (orbit)', () => {
    // The LoadBalancer Service (the chart also renders -admission and -metrics ones).
    const service = c.chart.find((o) => o.kind === 'Service' && o.metadata.name === `${release}-controller`)!;
    const annotations = (service.metadata as { annotations?: Record<string, string> }).annotations ?? {};
    const labels = (service.metadata as { labels?: Record<string, string> }).labels ?? {};
    if (c.hr.metadata.name === 'ingress-nginx-orbit') {
      expect(annotations['external-dns.kubernetes.io/hostname']).toBe('docs.orbit.matih.ai,legacy.orbit.matih.ai');
      expect(labels['tenant-edge.dev/external-dns']).toBe('true');
    } else {
      expect(Object.keys(annotations).filter((k) => k.startsWith('external-dns.'))).toEqual([]);
      expect(labels['tenant-edge.dev/external-dns']).toBeUndefined();
    }
  });

  test('the admission webhook only sees Ingresses of its own namespace', () => {
    const hooks = c.chart.filter((o) => o.kind === 'ValidatingWebhookConfiguration');
    expect(hooks).toHaveLength(1);
    const webhooks = (hooks[0] as K8sObject & { webhooks: { namespaceSelector?: unknown; failurePolicy: string }[] }).webhooks;
    for (const w of webhooks) {
      expect(w.namespaceSelector).toEqual({ matchLabels: { 'kubernetes.io/metadata.name': ns } });
    }
  });

  test('the Ingresses of its tenant name the class this controller serves', () => {
    const v = c.hr.spec.values.controller as { ingressClassResource: { name: string } };
    const ingresses = objectsUnder(path.join(ROOT, 'dist', c.env, 'tenants'))
      .map((o) => o.object)
      .filter((o) => o.kind === 'Ingress' && o.metadata.namespace === ns);
    expect(ingresses.length).toBeGreaterThan(0);
    for (const ing of ingresses) expect((ing.spec as { ingressClassName: string }).ingressClassName).toBe(v.ingressClassResource.name);
  });
});

describe.each(controllers.map((c) => [id(c), c] as const))('%s, as the chart renders it', (_id, c) => {
  test('the controller ConfigMap carries the pinned settings, and ExternalName backends are off', () => {
    const cm = c.chart.find((o) => o.kind === 'ConfigMap' && o.metadata.name === `${c.hr.spec.releaseName}-controller`) as K8sObject & { data: Record<string, string> };
    expect(cm.data).toMatchObject({
      'allow-cross-namespace-resources': 'false',
      'annotations-risk-level': 'Medium',
      'strict-validate-path-type': 'true',
      'annotation-value-word-blocklist': 'load_module,lua_package,_by_lua,location,root,proxy_pass,serviceaccount',
      'use-forwarded-headers': 'false',
    });
    expect(cm.data).not.toHaveProperty('allow-snippet-annotations');
    // The controller reads these flags: pkg/flags/flags.go at controller-v1.15.1.
    expect(args(c.chart)).toEqual(expect.arrayContaining(['--disable-svc-external-name=true', `--configmap=$(POD_NAMESPACE)/${c.hr.spec.releaseName}-controller`]));
  });

  test('every container the chart creates carries the securityContext the values pin', () => {
    // Chart 4.15.1 renders controller.containerSecurityContext verbatim (templates/_helpers.tpl,
    // ingress-nginx.controller.containerSecurityContext) and the jobs' securityContext likewise
    // (templates/admission-webhooks/job-patch/job-createSecret.yaml, job-patchWebhook.yaml).
    const restricted = { runAsNonRoot: true, allowPrivilegeEscalation: false, seccompProfile: { type: 'RuntimeDefault' } };
    const controller = { ...restricted, runAsUser: 101, runAsGroup: 82, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] }, readOnlyRootFilesystem: false };
    const job = { ...restricted, runAsUser: 65532, runAsGroup: 65532, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true };
    const v = c.hr.spec.values.controller as { containerSecurityContext: unknown; admissionWebhooks: { createSecretJob: { securityContext: unknown }; patchWebhookJob: { securityContext: unknown } } };
    expect(v.containerSecurityContext).toEqual(controller);
    expect(v.admissionWebhooks.createSecretJob.securityContext).toEqual(job);
    expect(v.admissionWebhooks.patchWebhookJob.securityContext).toEqual(job);
    type Pod = { spec: { template: { spec: { containers: { name: string; securityContext?: unknown }[]; initContainers?: unknown[] } } } };
    const pods = c.chart.filter((o) => o.kind === 'Deployment' || o.kind === 'Job' || o.kind === 'DaemonSet') as (K8sObject & Pod)[];
    expect(pods.map((p) => `${p.kind}/${p.metadata.name}`).sort()).toEqual([
      `Deployment/${c.hr.spec.releaseName}-controller`,
      `Job/${c.hr.spec.releaseName}-admission-create`,
      `Job/${c.hr.spec.releaseName}-admission-patch`,
    ]);
    for (const p of pods) {
      expect(p.spec.template.spec.initContainers).toBeUndefined();
      for (const container of p.spec.template.spec.containers) {
        expect([p.kind, container.name, container.securityContext]).toEqual([p.kind, container.name, p.kind === 'Deployment' ? controller : job]);
      }
    }
  });

  test('the admission webhook is scoped', () => {
    const [hook] = c.chart.filter((o) => o.kind === 'ValidatingWebhookConfiguration') as (K8sObject & { webhooks: Record<string, unknown>[] })[];
    const selectors = hook.webhooks.map((w) => [w.namespaceSelector, w.objectSelector]);
    const ns = releaseNamespace(c.hr);
    expect(selectors).toEqual(
      c.hr.spec.values.rbac !== undefined
        ? [[{ matchLabels: { 'kubernetes.io/metadata.name': ns } }, undefined]]
        : [[undefined, { matchLabels: { 'app.kubernetes.io/managed-by': 'tenant-edge' } }]],
    );
  });
});

test('no two controllers of an environment share a cluster-scoped object, a class, a controller value or an election id', () => {
  for (const env of ['dev', 'prod']) {
    const inEnv = controllers.filter((c) => c.env === env);
    const owner = new Map<string, string>();
    for (const c of inEnv) {
      const keys = [
        ...[...c.chart, ...c.siblings].filter((o) => CLUSTER_SCOPED.has(o.kind)).map((o) => `${o.kind}/${o.metadata.name}`),
        ...args(c.chart).filter((a) => /^--(ingress-class|controller-class|election-id)=/.test(a)),
      ];
      for (const key of keys) {
        expect([key, owner.get(key)]).toEqual([key, undefined]);
        owner.set(key, id(c));
      }
    }
    expect(owner.size).toBeGreaterThan(inEnv.length * 4);
  }
});
