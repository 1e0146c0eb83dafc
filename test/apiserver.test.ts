/**
 * The rendered output against a real kube-apiserver (with etcd, both built from their pinned Go
 * modules) with the vendored CRDs installed: Go-level validation, CRD structural and CEL rules,
 * and RBAC, all judged by the server itself.
 *
 * Each environment is applied the way Flux applies it: the platform folder and each tenant's
 * cluster folder as kustomize-controller's own service account (Flux binds it to cluster-admin,
 * flux2 v2.9.4 manifests/rbac/reconciler.yaml), each tenant's namespace folder as the tenant's
 * service account (kustomize-controller impersonates spec.serviceAccountName in the
 * Kustomization's namespace: pkg/runtime/client/impersonator.go, fluxcd/pkg runtime v0.110.1).
 * That is what both the default install and the multi-tenancy lockdown
 * (--default-service-account, --no-cross-namespace-refs) do with the rendered Kustomizations.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { ApiServer, OUTBOUND_KINDS, startApiServer } from './support/apiserver';
import { helmTemplate, HelmReleaseObject, K8sObject, objectsUnder, parseObjects, releaseNamespace } from './support/helm';
import { CONTROL_PLANES_NAMESPACE, GATEWAY_REMOTE_ACCOUNT, renderedTrees } from './support/rendered';
import { kubectlPath, runOk } from './support/tools';
import { ROOT } from './support/tree';

// Real processes on a 2-core machine: generous per-test limits (each process is bounded on its own too).
jest.setTimeout(120_000);


const FLUX_NAMESPACE = 'flux-system';
// The example and the fixtures put their control planes in CONTROL_PLANES_NAMESPACE.
test('the bundled example\'s control planes live where the rendered trees\' do', () => {
  expect((parse(fs.readFileSync(path.join(ROOT, 'platform.yaml'), 'utf8')) as { spec: { controlPlanes: { namespace: string } } }).spec.controlPlanes.namespace).toBe(CONTROL_PLANES_NAMESPACE);
});
const KUSTOMIZE_CONTROLLER = `system:serviceaccount:${FLUX_NAMESPACE}:kustomize-controller`;
/** Stands for the admin user of a tenant cluster's kubeconfig (Steward's admin.svc): an account bound to cluster-admin. */
const TENANT_CLUSTER_ADMIN = 'system:serviceaccount:kube-system:tenant-cluster-admin';

let server: ApiServer;

beforeAll(async () => {
  server = await startApiServer();
  server.installCrds();
  // What a Flux install provides: its namespace and the controllers' accounts bound to cluster-admin.
  server.kubectlOk(['create', 'namespace', FLUX_NAMESPACE]);
  for (const sa of ['kustomize-controller', 'helm-controller']) {
    server.kubectlOk(['-n', FLUX_NAMESPACE, 'create', 'serviceaccount', sa]);
  }
  // What the control-plane operator (Steward) provides: the namespace its control planes' Services live in.
  server.kubectlOk(['create', 'namespace', CONTROL_PLANES_NAMESPACE]);
  // What a tenant cluster provides: its admin, and (gateway fixture) the account the platform has
  // bound there for the tcp-proxy Kustomizations to impersonate.
  server.kubectlOk(['-n', 'kube-system', 'create', 'serviceaccount', 'tenant-cluster-admin']);
  server.kubectlOk(['create', 'clusterrolebinding', 'tenant-cluster-admin', '--clusterrole=cluster-admin', '--serviceaccount=kube-system:tenant-cluster-admin', `--serviceaccount=${CONTROL_PLANES_NAMESPACE}:${GATEWAY_REMOTE_ACCOUNT}`]);
  server.kubectlOk(['create', 'clusterrolebinding', 'cluster-reconciler-flux-system', '--clusterrole=cluster-admin', `--serviceaccount=${FLUX_NAMESPACE}:kustomize-controller`, `--serviceaccount=${FLUX_NAMESPACE}:helm-controller`]);
}, 180_000);

afterAll(async () => {
  await server?.stop();
});

function build(folder: string): string {
  return runOk(kubectlPath(), ['kustomize', folder]);
}

/** Server-side apply of a kustomize build, as `as` (a user name), for real or as a dry run. */
function apply(yaml: string, as: string | undefined, dryRun: boolean): { status: number; output: string } {
  if (!dryRun && parseObjects(yaml).some((o) => OUTBOUND_KINDS.has(o.kind))) {
    throw new Error(`refusing to store a webhook or APIService on the test server (${[...OUTBOUND_KINDS].join(', ')}): dry-run it`);
  }
  const args = ['apply', '--server-side', '--field-manager=kustomize-controller', '-f', '-'];
  if (dryRun) args.push('--dry-run=server');
  if (as) args.push(`--as=${as}`);
  const r = server.kubectl(args, yaml);
  return { status: r.status, output: `${r.stderr}${r.stdout}` };
}

const FIRST_STAGE = new Set(['Namespace', 'ClusterRole', 'CustomResourceDefinition']);

/** A folder's objects as the stages Flux applies them in (an empty stage is left out). */
function stages(yaml: string): string[] {
  const objects = parseObjects(yaml);
  return [objects.filter((o) => FIRST_STAGE.has(o.kind)), objects.filter((o) => !FIRST_STAGE.has(o.kind))]
    .filter((stage) => stage.length > 0)
    .map((stage) => stage.map((o) => JSON.stringify(o)).join('\n---\n'));
}

/** '' for a successful apply, otherwise its exit code and output (so a failing test shows why). */
function failure(r: { status: number; output: string }): string {
  return r.status === 0 ? '' : `exit ${r.status}: ${r.output}`;
}

interface FluxKustomization extends K8sObject {
  spec: {
    path: string;
    postBuild?: { substituteFrom?: { kind: string; name: string }[] };
    serviceAccountName?: string;
    targetNamespace?: string;
    dependsOn?: { name: string }[];
    sourceRef: { namespace?: string };
    kubeConfig?: { secretRef: { name: string; key: string } };
  };
}

/** The environment's Flux Kustomizations in dependency order (platform, then each tenant's cluster and namespace parts). */
function kustomizations(envDir: string): FluxKustomization[] {
  const all = objectsUnder(path.join(envDir, 'flux')).map((o) => o.object).filter((o): o is FluxKustomization => o.kind === 'Kustomization');
  const done = new Set<string>();
  const ordered: FluxKustomization[] = [];
  while (ordered.length < all.length) {
    const next = all.find((k) => !done.has(k.metadata.name) && (k.spec.dependsOn ?? []).every((d) => done.has(d.name)));
    if (!next) throw new Error(`dependency cycle among ${all.map((k) => k.metadata.name).join(', ')}`);
    done.add(next.metadata.name);
    ordered.push(next);
  }
  return ordered;
}

/**
 * Name servers as Azure assigns them (four, one per top-level domain), standing in for the
 * ConfigMap the operator writes from a zone's status.nameServers.
 */
const NAME_SERVERS: Record<string, string> = {
  nameServer1: 'ns1-07.azure-dns.com.',
  nameServer2: 'ns2-07.azure-dns.net.',
  nameServer3: 'ns3-07.azure-dns.org.',
  nameServer4: 'ns4-07.azure-dns.info.',
};

/**
 * What kustomize-controller's postBuild does with a Kustomization that substitutes from the
 * operator's ConfigMap: every ${var} replaced, and (strict substitution, the v1.9 default) a
 * variable without a value fails the build.
 */
function substitute(yaml: string, k: FluxKustomization): string {
  if (!k.spec.postBuild?.substituteFrom) {
    expect([k.metadata.name, yaml.includes('${')]).toEqual([k.metadata.name, false]);
    return yaml;
  }
  return yaml.replace(/\$\{([_a-zA-Z][_a-zA-Z0-9]*)\}/g, (_m, v: string) => {
    if (!(v in NAME_SERVERS)) throw new Error(`${k.metadata.name}: variable ${v} has no value`);
    return NAME_SERVERS[v];
  });
}

function folderOf(envDir: string, k: FluxKustomization): string {
  // spec.path is ./dist/<env>/<folder> relative to the repository root.
  const rel = k.spec.path.split('/').slice(3).join('/');
  return path.join(envDir, rel);
}

const trees = renderedTrees();
const cases = trees.flatMap((t) =>
  fs
    .readdirSync(t.dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => [`${t.name}, environment ${e.name}`, path.join(t.dir, e.name)] as const),
);

describe.each(cases)('%s', (_name, envDir) => {
  test('the environment entry point (the Flux Kustomizations) passes a server-side dry run', () => {
    // Staged as Flux applies it: the namespaces it creates (the DNS namespace, where the DNS
    // Kustomizations live) for real first, then a dry run of the rest.
    const [first, ...rest] = stages(build(envDir));
    for (const stage of rest.length > 0 ? [first] : []) {
      expect(failure(apply(stage, KUSTOMIZE_CONTROLLER, true))).toBe('');
      expect(failure(apply(stage, KUSTOMIZE_CONTROLLER, false))).toBe('');
    }
    for (const stage of rest.length > 0 ? rest : [first]) expect(failure(apply(stage, KUSTOMIZE_CONTROLLER, true))).toBe('');
  });

  test('every Kustomization applies its folder with the identity it names, and the server accepts every object', () => {
    const ks = kustomizations(envDir);
    expect(ks.length).toBeGreaterThan(2);
    for (const k of ks) {
      expect([k.metadata.name, k.spec.sourceRef.namespace ?? k.metadata.namespace]).toEqual([k.metadata.name, k.metadata.namespace]);
      let as: string;
      if (k.spec.kubeConfig) {
        // A tenant cluster's folder, applied there with the operator's admin kubeconfig, or as the
        // account the platform names (impersonated there): this server stands in for that cluster.
        as = k.spec.serviceAccountName ? `system:serviceaccount:${k.metadata.namespace}:${k.spec.serviceAccountName}` : TENANT_CLUSTER_ADMIN;
      } else {
        expect([k.metadata.name, k.spec.serviceAccountName]).toEqual([k.metadata.name, expect.any(String)]);
        as = `system:serviceaccount:${k.metadata.namespace}:${k.spec.serviceAccountName}`;
      }
      const yaml = substitute(build(folderOf(envDir, k)), k);
      // In stages, as Flux's server-side apply does (fluxcd/pkg ssa ApplyAllStaged applies
      // Namespaces, ClusterRoles and CRDs before the rest). Each stage is a dry run first, then
      // for real, so that later folders find namespaces, accounts and bindings. Nothing runs on
      // this server, so nothing reconciles.
      for (const stage of stages(yaml)) {
        expect([k.metadata.name, failure(apply(stage, as, true))]).toEqual([k.metadata.name, '']);
        expect([k.metadata.name, failure(apply(stage, as, false))]).toEqual([k.metadata.name, '']);
      }
      if (k.spec.targetNamespace) {
        for (const o of parseObjects(yaml)) expect([k.metadata.name, o.metadata.namespace]).toEqual([k.metadata.name, k.spec.targetNamespace]);
      }
    }
  });

  test('a tenant\'s service account may write only its own namespace, and nothing cluster-wide', () => {
    const ks = kustomizations(envDir).filter((k) => k.spec.targetNamespace);
    expect(ks.length).toBeGreaterThan(0);
    const namespaces = ks.map((k) => k.spec.targetNamespace!);
    for (const k of ks) {
      const as = `system:serviceaccount:${k.metadata.namespace}:${k.spec.serviceAccountName}`;
      const can = (args: string[]): string => server.kubectl(['auth', 'can-i', ...args, `--as=${as}`]).stdout.trim();
      expect([k.metadata.name, can(['create', 'ingresses.networking.k8s.io', '-n', k.spec.targetNamespace!])]).toEqual([k.metadata.name, 'yes']);
      for (const other of namespaces.filter((n) => n !== k.spec.targetNamespace)) {
        expect([k.metadata.name, other, can(['create', 'ingresses.networking.k8s.io', '-n', other])]).toEqual([k.metadata.name, other, 'no']);
      }
      for (const verbResource of [['get', 'secrets'], ['create', 'services'], ['create', 'rolebindings.rbac.authorization.k8s.io'], ['create', 'helmreleases.helm.toolkit.fluxcd.io']]) {
        expect([k.metadata.name, ...verbResource, can([...verbResource, '-n', k.spec.targetNamespace!])]).toEqual([k.metadata.name, ...verbResource, 'no']);
      }
      expect([k.metadata.name, can(['create', 'clusterrolebindings.rbac.authorization.k8s.io'])]).toEqual([k.metadata.name, 'no']);
      expect([k.metadata.name, can(['create', 'namespaces'])]).toEqual([k.metadata.name, 'no']);
    }
  });

  test('every HelmRelease uses a chart source in its own namespace and runs as a named service account', () => {
    // helm-controller v1.6.3 refuses a cross-namespace sourceRef under --no-cross-namespace-refs
    // (internal/acl/acl.go) and impersonates spec.serviceAccountName, or the
    // --default-service-account, in the HelmRelease's namespace (internal/kube/impersonate.go).
    const releases = objectsUnder(envDir).map((o) => o.object).filter((o): o is HelmReleaseObject => o.kind === 'HelmRelease');
    expect(releases.length).toBeGreaterThan(0);
    for (const hr of releases) {
      const source = hr.spec.chart.spec.sourceRef;
      expect([hr.metadata.name, source.namespace ?? hr.metadata.namespace]).toEqual([hr.metadata.name, hr.metadata.namespace]);
      expect([hr.metadata.name, hr.spec.serviceAccountName]).toEqual([hr.metadata.name, 'helm-controller']);
      expect([hr.metadata.name, hr.spec.storageNamespace]).toEqual([hr.metadata.name, FLUX_NAMESPACE]);
      const can = server.kubectl(['auth', 'can-i', 'create', 'clusterroles', `--as=system:serviceaccount:${hr.metadata.namespace}:${hr.spec.serviceAccountName}`]);
      expect([hr.metadata.name, can.stdout.trim()]).toEqual([hr.metadata.name, 'yes']);
    }
  });

  test('each controller chart, rendered by helm with the HelmRelease values, is accepted by the server and can read what it needs', () => {
    const releases = objectsUnder(envDir).map((o) => o.object).filter((o): o is HelmReleaseObject => o.kind === 'HelmRelease');
    for (const hr of releases) {
      const ns = releaseNamespace(hr);
      const chart = helmTemplate(hr);
      const toYaml = (objects: K8sObject[]): string => objects.map((o) => JSON.stringify(o)).join('\n---\n');
      const outbound = chart.filter((o) => OUTBOUND_KINDS.has(o.kind));
      // As helm-controller installs it: impersonating the account the HelmRelease names.
      const installer = `system:serviceaccount:${hr.metadata.namespace}:${hr.spec.serviceAccountName}`;
      expect([hr.metadata.name, failure(apply(toYaml(outbound), installer, true))]).toEqual([hr.metadata.name, '']);
      expect([hr.metadata.name, failure(apply(toYaml(chart.filter((o) => !OUTBOUND_KINDS.has(o.kind))), installer, false))]).toEqual([hr.metadata.name, '']);
      const sa = `system:serviceaccount:${ns}:${hr.spec.releaseName}`;
      const can = (args: string[]): string => server.kubectl(['auth', 'can-i', ...args, `--as=${sa}`]).stdout.trim();
      // The controller lists and watches IngressClasses at start-up (cmd/nginx/main.go) and in its
      // informer (store.go); without it, it ignores spec.ingressClassName.
      for (const verb of ['list', 'watch']) {
        expect([hr.metadata.name, verb, can([verb, 'ingressclasses.networking.k8s.io'])]).toEqual([hr.metadata.name, verb, 'yes']);
      }
      expect([hr.metadata.name, can(['list', 'ingresses.networking.k8s.io', '-n', ns])]).toEqual([hr.metadata.name, 'yes']);
      if (hr.spec.values.rbac !== undefined) {
        // A dedicated controller reads Secrets in its own namespace only.
        expect([hr.metadata.name, can(['list', 'secrets', '-n', ns])]).toEqual([hr.metadata.name, 'yes']);
        expect([hr.metadata.name, can(['list', 'secrets', '--all-namespaces'])]).toEqual([hr.metadata.name, 'no']);
        expect([hr.metadata.name, can(['list', 'nodes'])]).toEqual([hr.metadata.name, 'no']);
      }
    }
  });
});

test('every pod the controller charts create satisfies the restricted Pod Security Standard', () => {
  // Pod Security admission is built into kube-apiserver: it judges Pods, not their templates, so
  // each template becomes a Pod, dry-run in a namespace that enforces restricted.
  server.kubectlOk(['create', 'namespace', 'psa-restricted']);
  server.kubectlOk(['label', 'namespace', 'psa-restricted', 'pod-security.kubernetes.io/enforce=restricted', 'pod-security.kubernetes.io/enforce-version=v1.33']);
  // No controller manager runs here to create the namespace's default account.
  server.kubectlOk(['-n', 'psa-restricted', 'create', 'serviceaccount', 'default']);
  const releases = ['dev', 'prod'].flatMap((env) => objectsUnder(path.join(ROOT, 'dist', env)).map((o) => o.object).filter((o): o is HelmReleaseObject => o.kind === 'HelmRelease'));
  let pods = 0;
  for (const hr of releases) {
    for (const o of helmTemplate(hr)) {
      const spec = o.spec as { template?: { metadata?: Record<string, unknown>; spec: Record<string, unknown> }; jobTemplate?: unknown } | undefined;
      const template = spec?.template;
      if (!template) continue;
      pods++;
      // The service account lives in the release namespace; Pod Security does not look at it.
      const { serviceAccountName: _sa, ...podSpec } = template.spec;
      const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: `${o.metadata.name}-probe`.slice(0, 63), namespace: 'psa-restricted' }, spec: podSpec };
      const r = server.kubectl(['apply', '--server-side', '--dry-run=server', '-f', '-'], JSON.stringify(pod));
      expect([`${hr.metadata.name} ${o.kind}/${o.metadata.name}`, r.status, r.stderr]).toEqual([`${hr.metadata.name} ${o.kind}/${o.metadata.name}`, 0, '']);
    }
  }
  expect(pods).toBeGreaterThanOrEqual(releases.length * 3);
  const rootPod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'root', namespace: 'psa-restricted' }, spec: { containers: [{ name: 'c', image: 'x' }] } };
  const refused = server.kubectl(['apply', '--server-side', '--dry-run=server', '-f', '-'], JSON.stringify(rootPod));
  expect(refused.status).not.toBe(0);
  expect(refused.stderr).toMatch(/violates PodSecurity "restricted/);
});

test('when a tenant leaves, its namespace Kustomization can still remove its objects after the cluster part is pruned', () => {
  // The root Kustomization deletes edge-cluster-<t> and edge-namespace-<t> together. The cluster
  // one's garbage collection skips objects marked kustomize.toolkit.fluxcd.io/prune: disabled; the
  // namespace one then cleans up impersonating the tenant's account (kustomize-controller v1.9.4
  // finalize), which must still exist and still hold its rights.
  const envDir = path.join(ROOT, 'dist', 'prod');
  const as = '--as=system:serviceaccount:flux-system:edge-tenant-beta';
  // Self-contained: apply what the tenant depends on, then the tenant, as Flux would.
  for (const [folder, identity] of [['platform', KUSTOMIZE_CONTROLLER], ['tenants/beta/cluster', KUSTOMIZE_CONTROLLER], ['tenants/beta/namespace', as.slice(5)]]) {
    for (const stage of stages(build(path.join(envDir, folder)))) expect([folder, failure(apply(stage, identity, false))]).toEqual([folder, '']);
  }
  const cluster = parseObjects(build(path.join(envDir, 'tenants', 'beta', 'cluster')));
  const pruned = cluster.filter((o) => o.metadata.annotations?.['kustomize.toolkit.fluxcd.io/prune'] !== 'disabled');
  for (const o of pruned) {
    const ns = o.metadata.namespace ? ['-n', o.metadata.namespace] : [];
    server.kubectlOk(['delete', `${o.kind}.${o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : ''}`.replace(/\.$/, ''), o.metadata.name, ...ns, '--ignore-not-found']);
  }
  expect(server.kubectlOk(['-n', 'tenant-beta', 'get', 'ingresses.networking.k8s.io', '-o', 'name'])).toMatch(/^ingress\.networking\.k8s\.io\//);
  for (const resource of ['ingresses.networking.k8s.io', 'certificates.cert-manager.io', 'prometheusrules.monitoring.coreos.com']) {
    expect([resource, server.kubectl(['auth', 'can-i', 'delete', resource, '-n', 'tenant-beta', as]).stdout.trim()]).toEqual([resource, 'yes']);
  }
  expect(server.kubectl(['-n', 'tenant-beta', 'delete', 'ingresses.networking.k8s.io', '--all', as]).status).toBe(0);
  expect(server.kubectlOk(['-n', 'tenant-beta', 'get', 'ingresses.networking.k8s.io', '-o', 'name'])).toBe('');
});

test('in tenant namespaces, only helm-controller may give a Service external-dns\'s annotations or label, or change the spec of one that has them', async () => {
  // The guard comes with the platform folder of an environment with DNS (dist/prod), after the
  // namespaces the entry point creates.
  const [namespaces] = stages(build(path.join(ROOT, 'dist', 'prod')));
  expect(failure(apply(namespaces, KUSTOMIZE_CONTROLLER, false))).toBe('');
  for (const stage of stages(build(path.join(ROOT, 'dist', 'prod', 'platform')))) expect(failure(apply(stage, KUSTOMIZE_CONTROLLER, false))).toBe('');
  server.kubectlOk(['create', 'namespace', 'guarded']);
  server.kubectlOk(['label', 'namespace', 'guarded', 'toolkit.fluxcd.io/tenant=guarded', 'app.kubernetes.io/managed-by=tenant-edge']);
  server.kubectlOk(['create', 'namespace', 'unguarded']);
  // Another team's Flux tenancy uses the same label key; its namespaces are not tenant-edge's.
  server.kubectlOk(['create', 'namespace', 'other-tenancy']);
  server.kubectlOk(['label', 'namespace', 'other-tenancy', 'toolkit.fluxcd.io/tenant=other']);
  const helm = `system:serviceaccount:${FLUX_NAMESPACE}:helm-controller`;
  const service = (ns: string, name: string, annotations: Record<string, string>, labels: Record<string, string> = {}, spec: Record<string, unknown> = {}): string =>
    JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ns, annotations, labels }, spec: { type: 'ClusterIP', ports: [{ port: 80 }], ...spec } });
  const hostname = { 'external-dns.kubernetes.io/hostname': 'login.beta.matih.ai' };
  const target = { 'external-dns.kubernetes.io/target': '203.0.113.9' };
  const denied = /ValidatingAdmissionPolicy 'tenant-edge-external-dns' with binding 'tenant-edge-external-dns' denied request/;
  // The policy takes effect once the server has loaded it (about a second).
  const deadline = Date.now() + 30_000;
  let first = apply(service('guarded', 'probe', hostname), undefined, true);
  while (first.status === 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    first = apply(service('guarded', 'probe', hostname), undefined, true);
  }
  expect(first.output).toMatch(denied);
  const lb = { type: 'LoadBalancer' };
  const marks = { 'tenant-edge.dev/external-dns': 'true' };
  // [who, the Service, allowed]
  const check = (cases: [string, string | undefined, string, boolean][]): void => {
    for (const [what, as, yaml, allowed] of cases) {
      const r = apply(yaml, as, false);
      expect([what, r.status === 0 ? 'allowed' : r.output.match(denied) ? 'denied' : r.output]).toEqual([what, allowed ? 'allowed' : 'denied']);
    }
  };
  check([
    ['a tenant team (here the admin) adds a hostname', undefined, service('guarded', 'x', hostname), false],
    ['... or a target', undefined, service('guarded', 'x', target), false],
    ['... or the label that external-dns filters on', undefined, service('guarded', 'x', {}, marks), false],
    ['... a Service without them', undefined, service('guarded', 'x', { 'example.com/owner': 'team' }), true],
    ['... and may change its spec', undefined, service('guarded', 'x', { 'example.com/owner': 'team' }, {}, { externalIPs: ['192.0.2.1'] }), true],
    ['helm-controller installs a controller with them', helm, service('guarded', 'controller', hostname, marks, lb), true],
    ['someone else then adds an unrelated annotation, keeping them', undefined, service('guarded', 'controller', { ...hostname, 'example.com/owner': 'team' }, marks, lb), true],
    ['... or changes the hostname', undefined, service('guarded', 'controller', { 'external-dns.kubernetes.io/hostname': 'sso.matih.ai' }, marks, lb), false],
    ['... or the spec, whose external IPs external-dns would publish', undefined, service('guarded', 'controller', hostname, marks, { ...lb, externalIPs: ['240.0.0.1'] }), false],
    ['... or makes it an ExternalName (a CNAME to external-dns)', undefined, service('guarded', 'controller', hostname, marks, { type: 'ExternalName', externalName: 'evil.example.net' }), false],
  ]);
  // Through the status subresource: the cloud controller writing the address passes; metadata
  // written through it is judged like any other write.
  const statusOnly = server.kubectl(['-n', 'guarded', 'patch', 'service', 'controller', '--subresource=status', '--type=merge', '-p', JSON.stringify({ status: { loadBalancer: { ingress: [{ ip: '20.10.0.9' }] } } })]);
  expect(`${statusOnly.status} ${statusOnly.stderr}`).toBe('0 ');
  const viaStatus = server.kubectl(['-n', 'guarded', 'patch', 'service', 'x', '--subresource=status', '--type=merge', '-p', JSON.stringify({ metadata: { labels: marks, annotations: hostname } })]);
  expect(`${viaStatus.stderr}${viaStatus.stdout}`).toMatch(denied);
  check([
    ['removing them passes, whoever does it', undefined, service('guarded', 'controller', {}, {}, lb), true],
    ['outside tenant namespaces, anyone', undefined, service('unguarded', 'x', hostname, marks), true],
    ['... and in namespaces of another Flux tenancy', undefined, service('other-tenancy', 'x', hostname, marks), true],
  ]);
});

test('in the control planes\' namespace, only tenant-edge\'s routes may name the control planes\' hostnames; the operator\'s own Ingress goes to the unrouted class', async () => {
  // Steward renders its own route for a TenantControlPlane with spec.controlPlane.ingress
  // (internal/resources/k8s_ingress_resource.go and traefik_ingressroutetcp_resource.go in
  // butlerdotdev/steward): an Ingress named after the control plane, of ingressClassName, with the
  // controller type's passthrough annotations and a tls block for the host; or, for controllerType
  // traefik, an IngressRouteTCP that also matches the generic kubernetes* names. With class nginx the
  // controller's webhook then refuses edge-apiserver-<t> as an overlap.
  const [namespaces] = stages(build(path.join(ROOT, 'dist', 'prod')));
  expect(failure(apply(namespaces, KUSTOMIZE_CONTROLLER, false))).toBe('');
  for (const stage of stages(build(path.join(ROOT, 'dist', 'prod', 'platform')))) expect(failure(apply(stage, KUSTOMIZE_CONTROLLER, false))).toBe('');
  server.kubectlOk(['create', 'namespace', 'elsewhere']);
  const ns = CONTROL_PLANES_NAMESPACE;
  const host = 'nova.k8s.matih.ai';
  const ingress = (namespace: string, name: string, spec: Record<string, unknown>, labels: Record<string, string> = {}): string =>
    JSON.stringify({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name, namespace, labels }, spec });
  const rule = (h: string): Record<string, unknown> => ({ host: h, http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'nova', port: { number: 6443 } } } }] } });
  const steward = (extra: Record<string, unknown>, labels: Record<string, string> = {}): string => ingress(ns, 'nova', { rules: [rule(host)], tls: [{ hosts: [host] }], ...extra }, labels);
  const routeTcp = (match: string, labels: Record<string, string> = {}, extra: Record<string, unknown> = {}): string => JSON.stringify({
    apiVersion: 'traefik.io/v1alpha1', kind: 'IngressRouteTCP', metadata: { name: 'nova', namespace: ns, labels },
    spec: { entryPoints: ['websecure'], routes: [{ match, services: [{ name: 'nova', port: 6443 }], ...extra }], tls: { passthrough: true } },
  });
  const tlsRoute = (hostnames: string[]): string => JSON.stringify({
    apiVersion: 'gateway.networking.k8s.io/v1', kind: 'TLSRoute', metadata: { name: 'nova', namespace: ns },
    spec: { parentRefs: [{ name: 'steward' }], hostnames, rules: [{ backendRefs: [{ name: 'nova', port: 6443 }] }] },
  });
  const denied = /ValidatingAdmissionPolicy 'tenant-edge-control-plane-hosts' with binding 'tenant-edge-control-plane-hosts' denied request: tenant-edge routes the control planes' hostnames \(\*\.k8s\.matih\.ai, \*\.konnectivity\.matih\.ai\) in steward-tenants: give the operator's own Ingress ingressClassName edge-unrouted/;
  // The policy takes effect once the server has loaded it (about a second).
  const deadline = Date.now() + 30_000;
  let first = apply(steward({ ingressClassName: 'nginx' }), undefined, true);
  while (first.status === 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    first = apply(steward({ ingressClassName: 'nginx' }), undefined, true);
  }
  expect(first.output).toMatch(denied);
  const ours = fs.readFileSync(path.join(ROOT, 'dist', 'prod', 'tenants', 'nova', 'cluster', 'control-plane.yaml'), 'utf8');
  // Steward copies spec.controlPlane.ingress.additionalMetadata.labels of a TenantControlPlane onto
  // its own Ingress and IngressRouteTCP (steward v0.4.0, k8s_ingress_resource.go and
  // traefik_ingressroutetcp_resource.go): a label proves nothing about who wrote the route.
  const ourLabel = { 'app.kubernetes.io/managed-by': 'tenant-edge' };
  // Anyone but tenant-edge's account: the test's admin, who may write anything the policy lets pass.
  const other = undefined;
  // [what, the object, applied as, allowed]
  const cases: [string, string, string | undefined, boolean][] = [
    ['Steward\'s Ingress for controllerType nginx (class nginx)', steward({ ingressClassName: 'nginx' }), other, false],
    ['... carrying tenant-edge\'s managed-by label', steward({ ingressClassName: 'nginx' }, ourLabel), other, false],
    ['... without a class (a default IngressClass would take it)', steward({}), other, false],
    ['... for controllerType generic with class edge-unrouted (the settings tenant-edge sans prints): no controller reads it', steward({ ingressClassName: 'edge-unrouted' }), other, true],
    ['an Ingress naming the host in its tls block only', ingress(ns, 'other', { ingressClassName: 'nginx', rules: [rule('other.matih.ai')], tls: [{ hosts: ['nova.konnectivity.matih.ai'] }] }), other, false],
    ['an Ingress for a wildcard over the hosts', ingress(ns, 'docs', { ingressClassName: 'nginx', rules: [rule('*.k8s.matih.ai')] }), other, false],
    ['... over their parent domain (nginx wildcards match any depth)', ingress(ns, 'docs', { ingressClassName: 'nginx', rules: [rule('*.matih.ai')] }), other, false],
    ['an Ingress with a rule without a host (every host)', ingress(ns, 'docs', { ingressClassName: 'nginx', rules: [{ http: rule('x.example.net').http }] }), other, false],
    ['an Ingress with a default backend (every host)', ingress(ns, 'docs', { ingressClassName: 'nginx', defaultBackend: { service: { name: 'nova', port: { number: 6443 } } } }), other, false],
    ['Steward\'s IngressRouteTCP for controllerType traefik', routeTcp(`HostSNI(\`${host}\`) || HostSNI(\`kubernetes\`) || HostSNI(\`kubernetes.default.svc\`)`), other, false],
    ['... carrying tenant-edge\'s managed-by label', routeTcp(`HostSNI(\`${host}\`) || HostSNI(\`kubernetes\`)`, ourLabel), other, false],
    ['an IngressRouteTCP for the host in upper case', routeTcp('HostSNI(`NOVA.K8S.matih.ai`)'), other, false],
    ['... with a trailing dot', routeTcp('HostSNI(`nova.k8s.matih.ai.`)'), other, false],
    ['... double-quoted', routeTcp('HostSNI("nova.k8s.matih.ai")'), other, false],
    ['... by HostSNIRegexp', routeTcp('HostSNIRegexp(`^nova\\.k8s\\.matih\\.ai$`)'), other, false],
    ['... by a wildcard', routeTcp('HostSNI(`*.K8S.matih.ai`)'), other, false],
    ['... by the catch-all with a high priority', routeTcp('HostSNI(`*`)', {}, { priority: 100000 }), other, false],
    ['... by ClientIP alone (every name)', routeTcp('ClientIP(`0.0.0.0/0`)'), other, false],
    ['... a HostSNI beside another', routeTcp('HostSNI(`docs.matih.ai`) || HostSNI(`nova.konnectivity.matih.ai`)'), other, false],
    ['an IngressRouteTCP claiming only the generic kubernetes names', routeTcp('HostSNI(`kubernetes.default`)'), other, false],
    ['... in lower case', routeTcp('hostsni(`kubernetes`)'), other, false],
    ['... capitalised', routeTcp('HostSNI(`Kubernetes.default.svc`)'), other, false],
    ['... double-quoted', routeTcp('HostSNI("kubernetes")'), other, false],
    ['an IngressRouteTCP for names outside them', routeTcp('HostSNI(`docs.matih.ai`) || HostSNI(`kubernetes-dashboard.example.net`)'), other, true],
    ['a TLSRoute for the konnectivity host', tlsRoute(['nova.konnectivity.matih.ai']), other, false],
    ['a TLSRoute for a wildcard over the hosts', tlsRoute(['*.k8s.matih.ai']), other, false],
    ['... over their parent domain (a suffix match)', tlsRoute(['*.matih.ai']), other, false],
    ['a TLSRoute for a name outside them', tlsRoute(['docs.matih.ai']), other, true],
    ['an Ingress for a name outside the control-plane domains', ingress(ns, 'docs', { ingressClassName: 'nginx', rules: [rule('docs.matih.ai')] }), other, true],
    ['... a look-alike that is not under them', ingress(ns, 'docs', { ingressClassName: 'nginx', rules: [rule('nova.k8s.matih.ai.example.net')] }), other, true],
    ['the same Ingress as Steward\'s in another namespace (tenants cannot claim the host anyway)', ingress('elsewhere', 'nova', { ingressClassName: 'nginx', rules: [rule(host)] }), other, true],
    ['tenant-edge\'s own routes for nova, applied as edge-cluster-nova applies them', ours, KUSTOMIZE_CONTROLLER, true],
    ['... applied by anyone else', ours, other, false],
  ];
  const outcomes = cases.map(([what, yaml, as]) => {
    const r = apply(yaml, as, true);
    return [what, r.status === 0 ? 'allowed' : r.output.match(denied) ? 'denied' : r.output];
  });
  expect(outcomes).toEqual(cases.map(([what, , , allowed]) => [what, allowed ? 'allowed' : 'denied']));
});

test('the tcp-proxy may make the calls it makes, and no others', () => {
  // The calls of steward-tcp-proxy v0.2.0 (internal/proxy/server.go): get its own Service
  // in kube-system; get, then update or create, the default/kubernetes EndpointSlice.
  const folder = path.join(ROOT, 'dist', 'prod', 'tenants', 'nova', 'tenant-cluster');
  for (const stage of stages(build(folder))) expect(failure(apply(stage, TENANT_CLUSTER_ADMIN, false))).toBe('');
  const as = '--as=system:serviceaccount:kube-system:edge-tcp-proxy';
  const can = (...args: string[]): string => server.kubectl(['auth', 'can-i', ...args, as]).stdout.trim();
  const allowed: string[][] = [
    ['get', 'services/edge-tcp-proxy', '-n', 'kube-system'],
    ['get', 'endpointslices.discovery.k8s.io/kubernetes', '-n', 'default'],
    ['update', 'endpointslices.discovery.k8s.io/kubernetes', '-n', 'default'],
    ['create', 'endpointslices.discovery.k8s.io', '-n', 'default'],
  ];
  const refused: string[][] = [
    ['get', 'services/kubernetes', '-n', 'default'],
    ['get', 'services/other', '-n', 'kube-system'],
    ['list', 'services', '-n', 'kube-system'],
    ['update', 'endpointslices.discovery.k8s.io/other', '-n', 'default'],
    ['delete', 'endpointslices.discovery.k8s.io/kubernetes', '-n', 'default'],
    ['create', 'endpointslices.discovery.k8s.io', '-n', 'kube-system'],
    ['get', 'secrets/steward-tcp-proxy-tls', '-n', 'kube-system'],
    ['list', 'endpointslices.discovery.k8s.io', '--all-namespaces'],
  ];
  for (const a of allowed) expect([a.join(' '), can(...a)]).toEqual([a.join(' '), 'yes']);
  for (const a of refused) expect([a.join(' '), can(...a)]).toEqual([a.join(' '), 'no']);
});

test('without the binding tenant-edge renders, the chart alone leaves a dedicated controller unable to list IngressClasses', () => {
  const releases = objectsUnder(path.join(ROOT, 'dist', 'prod')).map((o) => o.object).filter((o): o is HelmReleaseObject => o.kind === 'HelmRelease');
  const hr = releases.find((o) => o.spec.releaseName === 'ingress-nginx-acme')!;
  const chart = helmTemplate({ ...hr, spec: { ...hr.spec, releaseName: 'ingress-nginx-lonely' } });
  server.kubectlOk(['create', 'namespace', 'lonely']);
  const relocated = chart
    .filter((o) => !OUTBOUND_KINDS.has(o.kind))
    .map((o) => (o.metadata.namespace ? { ...o, metadata: { ...o.metadata, namespace: 'lonely' } } : o));
  expect(failure(apply(relocated.map((o) => JSON.stringify(o)).join('\n---\n'), undefined, false))).toBe('');
  const can = server.kubectl(['auth', 'can-i', 'list', 'ingressclasses.networking.k8s.io', '--as=system:serviceaccount:lonely:ingress-nginx-lonely']);
  expect(can.stdout.trim()).toBe('no');
});

test('the server refuses what the schemas would let through, so these checks can fail', () => {
  const bad = [
    'apiVersion: networking.k8s.io/v1',
    'kind: Ingress',
    'metadata: { name: bad, namespace: flux-system }',
    'spec:',
    '  rules:',
    '    - host: "-bad-.example.com"',
    '      http: { paths: [{ path: /, pathType: Prefix, backend: { service: { name: 1web, port: { number: 80 } } } }] }',
  ].join('\n');
  const r = apply(bad, undefined, true);
  expect(r.status).not.toBe(0);
  expect(r.output).toMatch(/spec\.rules\[0\]\.host: Invalid value/);
  expect(r.output).toMatch(/spec\.rules\[0\]\.http\.paths\[0\]\.backend\.service\.name: Invalid value/);
});
