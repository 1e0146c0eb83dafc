/**
 * The tcp-proxy bundle of a tenant cluster (platform.spec.controlPlanes.tcpProxy, tenant
 * spec.controlPlane.tcpProxy): what runs in the tenant's cluster, the Flux Kustomization that
 * applies it there, the settings a tenant may choose, and the ones refused, with exact messages.
 *
 * Upstream facts pinned here (butlerdotdev/steward-tcp-proxy v0.2.0): cmd/tcp-proxy/main.go
 * (flags --upstream-addr, --listen-addr, --service-name, --service-port, --tls-cert-file,
 * --tls-key-file, --upstream-insecure); internal/proxy/server.go (the upstream tls.Config leaves
 * RootCAs nil, so Go's system roots apply, which SSL_CERT_FILE and SSL_CERT_DIR replace:
 * crypto/x509/root_unix.go); the proxy's calls: Services(ns).Get(service-name) and
 * EndpointSlices("default") Get/Update/Create of "kubernetes". fluxcd/kustomize-controller
 * v1.9.4: the kubeConfig Secret is read from the Kustomization's namespace only
 * (runtime/client/impersonator.go), and --no-cross-namespace-refs blocks a sourceRef in another
 * namespace but not dependsOn (internal/controller/kustomization_controller.go).
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import { PassthroughGateway } from '../lib/constructs/gateway/passthrough-gateway';
import { TlsRoute } from '../lib/constructs/gateway/tls-route';
import { TcpProxy } from '../lib/constructs/tcp-proxy/tcp-proxy';
import { synthWithCache } from '../lib/commands/synth';
import { plan } from '../lib/commands/plan';
import { validateManifest } from '../lib/output/manifest-schemas';
import { gatewayFixture } from './support/rendered';
import { problemsOf, renderFixture, SpecFixture } from './support/spec-fixtures';
import { runOk, toolPath } from './support/tools';
import { tempDir } from './support/tree';

type Doc = Record<string, any>;

const P = 'platform.yaml';
const A = 'tenants/alpha.yaml';
const IMAGE = 'ghcr.io/butlerdotdev/steward-tcp-proxy:0.2.0';

/** The valid fixture with nginx control planes and tcp-proxies (extra platform lines in `settings`); alpha gets `alpha` under spec. */
function fixture(settings = '', alpha = '  controlPlane: {}\n'): SpecFixture {
  const f = SpecFixture.create();
  f.replace(
    P,
    '  reservedNamespaces: [legacy]\n',
    `  reservedNamespaces: [legacy]\n  controlPlanes:\n    controller: nginx\n    namespace: steward-tenants\n    tcpProxy:\n      image: ${IMAGE}\n${settings}`,
  );
  f.write(A, `${f.read(A)}${alpha}`);
  return f;
}

const BUNDLE = (env: string, tenant = 'alpha'): string => `${env}/tenants/${tenant}/tenant-cluster/tcp-proxy.yaml`;
const of = (docs: Doc[], kind: string, namespace = 'kube-system'): Doc => docs.find((d) => d.kind === kind && d.metadata.namespace === namespace)!;
const container = (docs: Doc[]): Doc => of(docs, 'Deployment').spec.template.spec.containers[0];
const env = (c: Doc): Record<string, string> => Object.fromEntries(c.env.map((e: { name: string; value: string }) => [e.name, e.value]));

describe('the default bundle (platform image, tenant cluster CA, nginx carrying passthrough)', () => {
  const { tree, docs } = renderFixture(fixture());

  test('what runs in the tenant cluster: one file, its own folder, nothing else', () => {
    expect(Object.keys(tree).filter((f) => f.includes('/tenant-cluster/'))).toEqual([
      'dev/tenants/alpha/tenant-cluster/kustomization.yaml',
      'dev/tenants/alpha/tenant-cluster/tcp-proxy.yaml',
      'prod/tenants/alpha/tenant-cluster/kustomization.yaml',
      'prod/tenants/alpha/tenant-cluster/tcp-proxy.yaml',
    ]);
    expect(docs(BUNDLE('prod')).map((d) => `${d.kind} ${d.metadata.namespace}/${d.metadata.name}`)).toEqual([
      'Deployment kube-system/edge-tcp-proxy',
      'PodDisruptionBudget kube-system/edge-tcp-proxy',
      'Role default/edge-tcp-proxy',
      'Role kube-system/edge-tcp-proxy',
      'RoleBinding default/edge-tcp-proxy',
      'RoleBinding kube-system/edge-tcp-proxy',
      'Service kube-system/edge-tcp-proxy',
      'ServiceAccount kube-system/edge-tcp-proxy',
    ]);
    for (const e of ['dev', 'prod']) for (const d of docs(BUNDLE(e))) expect([d.kind, validateManifest(d)]).toEqual([d.kind, []]);
  });

  test('no key material anywhere: the TLS Secret is referenced by name, never rendered', () => {
    expect(Object.values(tree).some((text) => /^kind: Secret$/m.test(text))).toBe(false);
    expect(of(docs(BUNDLE('prod')), 'Deployment').spec.template.spec.volumes).toEqual([{ name: 'tls', secret: { secretName: 'steward-tcp-proxy-tls', defaultMode: 0o440 } }]);
  });

  test('the pod: two replicas on the host network, before the node is ready, restricted and probed on 6443', () => {
    const deployment = of(docs(BUNDLE('prod')), 'Deployment');
    expect(deployment.spec.replicas).toBe(2);
    expect(deployment.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } });
    const pod = deployment.spec.template.spec;
    // dnsPolicy Default (the node's resolvers), not ClusterFirstWithHostNet: the proxy needs only
    // its upstream's name, and cluster DNS may need the API server through this very proxy.
    expect([pod.hostNetwork, pod.dnsPolicy, pod.priorityClassName, pod.serviceAccountName, pod.automountServiceAccountToken]).toEqual([
      true,
      'Default',
      'system-cluster-critical',
      'edge-tcp-proxy',
      true,
    ]);
    expect(pod.tolerations).toEqual([
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
      { key: 'node.cilium.io/agent-not-ready', operator: 'Exists', effect: 'NoSchedule' },
    ]);
    expect(pod.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, fsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } });
    const c = pod.containers[0];
    expect(c.image).toBe(IMAGE);
    expect(c.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(c.ports).toEqual([{ name: 'proxy', containerPort: 6443, protocol: 'TCP' }]);
    expect(c.readinessProbe.tcpSocket).toEqual({ port: 'proxy' });
    expect(c.livenessProbe.tcpSocket).toEqual({ port: 'proxy' });
    expect(c.resources).toEqual({ requests: { cpu: '10m', memory: '32Mi' }, limits: { cpu: '100m', memory: '64Mi' } });
  });

  test('the proxy dials the API server hostname through the ingress, verifying it against the tenant cluster CA only', () => {
    const c = container(docs(BUNDLE('dev')));
    expect(c.args).toEqual([
      '--upstream-addr=alpha.k8s.dev.example.com:443',
      '--listen-addr=:6443',
      '--service-name=edge-tcp-proxy',
      '--service-port=6443',
      '--tls-cert-file=/etc/tcp-proxy/tls/tls.crt',
      '--tls-key-file=/etc/tcp-proxy/tls/tls.key',
    ]);
    expect(env(c)).toEqual({
      KUBERNETES_SERVICE_HOST: 'alpha.k8s.dev.example.com',
      KUBERNETES_SERVICE_PORT: '443',
      SSL_CERT_FILE: '/var/run/secrets/kubernetes.io/serviceaccount/ca.crt',
      SSL_CERT_DIR: '/var/run/secrets/kubernetes.io/serviceaccount',
    });
    expect(c.args.join(' ')).not.toMatch(/insecure/);
  });

  test('Go, run with the rendered SSL_CERT_FILE and SSL_CERT_DIR, trusts the tenant cluster CA and nothing else', () => {
    // tls-roots (tools/go/tls-roots) dials as the proxy does (tls.Config without RootCAs) and
    // reports whether the server's certificate verified.
    const vars = env(container(docs(BUNDLE('prod'))));
    const SA = '/var/run/secrets/kubernetes.io/serviceaccount';
    expect([vars.SSL_CERT_FILE, vars.SSL_CERT_DIR]).toEqual([`${SA}/ca.crt`, SA]);
    const host = 'alpha.k8s.prod.example.com';
    const certs = tempDir('tenant-edge-roots-');
    runOk(toolPath('tls-roots'), ['gen', certs, host]);
    // The service-account volume as the kubelet lays it out: files in a timestamped folder,
    // reached through ..data and one link per key.
    const volume = tempDir('tenant-edge-sa-');
    fs.mkdirSync(path.join(volume, '..2026_11_22_00_00_00.000000000'));
    fs.copyFileSync(path.join(certs, 'tenant.crt'), path.join(volume, '..2026_11_22_00_00_00.000000000', 'ca.crt'));
    fs.writeFileSync(path.join(volume, '..2026_11_22_00_00_00.000000000', 'token'), 'not-a-certificate');
    fs.symlinkSync('..2026_11_22_00_00_00.000000000', path.join(volume, '..data'));
    for (const key of ['ca.crt', 'token']) fs.symlinkSync(`..data/${key}`, path.join(volume, key));
    const dial = (ca: string, file: string, dir: string): string =>
      runOk(toolPath('tls-roots'), ['dial', certs, ca, host], { env: { ...process.env, SSL_CERT_FILE: file, SSL_CERT_DIR: dir } }).trim();
    const rendered = (v: string): string => v.replace(SA, volume);
    expect(dial('tenant', rendered(vars.SSL_CERT_FILE), rendered(vars.SSL_CERT_DIR))).toBe('verified');
    expect(dial('other', rendered(vars.SSL_CERT_FILE), rendered(vars.SSL_CERT_DIR))).toBe('tls: failed to verify certificate: x509: certificate signed by unknown authority');
    // Why SSL_CERT_DIR is set: Go adds every certificate of those folders (the image's
    // /etc/ssl/certs when unset), so a folder holding another CA would let its servers in.
    expect(dial('other', rendered(vars.SSL_CERT_FILE), certs)).toBe('verified');
  });

  test('the host alias of the API server hostname: the shared controller\'s static address where it carries passthrough', () => {
    // prod's shared controller has loadBalancerIP 10.0.0.1; dev's has none, so no alias there.
    expect(of(docs(BUNDLE('prod')), 'Deployment').spec.template.spec.hostAliases).toEqual([{ ip: '10.0.0.1', hostnames: ['alpha.k8s.prod.example.com'] }]);
    expect(of(docs(BUNDLE('dev')), 'Deployment').spec.template.spec.hostAliases).toBeUndefined();
  });

  test('least privilege: its own Service, and the kubernetes EndpointSlice', () => {
    const d = docs(BUNDLE('prod'));
    expect(of(d, 'Role').rules).toEqual([{ apiGroups: [''], resources: ['services'], resourceNames: ['edge-tcp-proxy'], verbs: ['get'] }]);
    expect(of(d, 'Role', 'default').rules).toEqual([
      { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], resourceNames: ['kubernetes'], verbs: ['get', 'update'] },
      { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['create'] },
    ]);
    for (const ns of ['kube-system', 'default']) {
      expect(of(d, 'RoleBinding', ns).subjects).toEqual([{ kind: 'ServiceAccount', name: 'edge-tcp-proxy', namespace: 'kube-system' }]);
      expect(of(d, 'RoleBinding', ns).roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'edge-tcp-proxy' });
    }
    expect(of(d, 'Service').spec).toEqual({ type: 'ClusterIP', selector: { 'app.kubernetes.io/name': 'edge-tcp-proxy' }, ports: [{ name: 'proxy', port: 6443, targetPort: 'proxy', protocol: 'TCP' }] });
    expect(of(d, 'PodDisruptionBudget').spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: { 'app.kubernetes.io/name': 'edge-tcp-proxy' } } });
  });

  test('the Kustomization: in the control planes\' namespace, with the operator\'s kubeconfig, after the tenant\'s routes', () => {
    const k = docs('prod/flux/tenant-alpha.yaml').find((d) => d.metadata.name === 'edge-tcp-proxy-alpha')!;
    expect(validateManifest(k)).toEqual([]);
    expect(k.metadata.namespace).toBe('steward-tenants');
    expect(k.spec).toMatchObject({
      path: './dist/prod/tenants/alpha/tenant-cluster',
      kubeConfig: { secretRef: { name: 'alpha-admin-kubeconfig', key: 'admin.svc' } },
      dependsOn: [{ name: 'edge-cluster-alpha', namespace: 'flux-system' }],
      // The platform's source, in the Flux namespace, unless the platform names one beside the control planes.
      sourceRef: { kind: 'GitRepository', name: 'flux-system', namespace: 'flux-system' },
      prune: true,
      wait: true,
    });
    expect(k.spec.serviceAccountName).toBeUndefined();
    expect(k.spec.targetNamespace).toBeUndefined();
  });

  test('Flux never prunes the proxy: once it owns the kubernetes EndpointSlice, deleting it cuts the cluster off its API', () => {
    for (const d of docs(BUNDLE('prod'))) expect([d.kind, d.metadata.annotations]).toEqual([d.kind, { 'kustomize.toolkit.fluxcd.io/prune': 'disabled' }]);
  });

  test('tenants without a control plane get no bundle', () => {
    expect(Object.keys(tree).filter((f) => f.includes('/tenant-cluster/') && !f.includes('/alpha/'))).toEqual([]);
  });
});

describe('settings', () => {
  test('a source beside the control planes, an impersonated account, another kubeconfig Secret', () => {
    const { docs } = renderFixture(fixture('      sourceRef: { name: tenant-edge }\n      serviceAccountName: edge-applier\n      kubeConfig: { suffix: -kubeconfig, key: value }\n'));
    const k = docs('dev/flux/tenant-alpha.yaml').find((d) => d.metadata.name === 'edge-tcp-proxy-alpha')!;
    expect(k.spec.sourceRef).toEqual({ kind: 'GitRepository', name: 'tenant-edge', namespace: 'steward-tenants' });
    expect(k.spec.serviceAccountName).toBe('edge-applier');
    expect(k.spec.kubeConfig).toEqual({ secretRef: { name: 'alpha-kubeconfig', key: 'value' } });
  });

  test('the kubeconfig is the control plane\'s, named after its Service: a tenant named like another\'s control plane gets its own', () => {
    // Service pattern {tenant}-cp: alpha's control plane is alpha-cp; tenant "alpha-cp" has alpha-cp-cp.
    const f = fixture('', '  controlPlane: {}\n');
    f.replace(P, '    namespace: steward-tenants\n', '    namespace: steward-tenants\n    service: { name: "{tenant}-cp" }\n');
    f.write('tenants/alpha-cp.yaml', 'apiVersion: tenant-edge.dev/v1alpha1\nkind: Tenant\nmetadata:\n  name: alpha-cp\nspec:\n  controlPlane: {}\n');
    const { docs } = renderFixture(f);
    const secret = (t: string): string => docs(`prod/flux/tenant-${t}.yaml`).find((d) => d.metadata.name === `edge-tcp-proxy-${t}`)!.spec.kubeConfig.secretRef.name;
    expect([secret('alpha'), secret('alpha-cp')]).toEqual(['alpha-cp-admin-kubeconfig', 'alpha-cp-cp-admin-kubeconfig']);
  });

  test('one host alias per address, as the API server requires, and per-environment endpoints', () => {
    const f = fixture(
      '',
      '  controlPlane:\n    tcpProxy:\n      hostAliases: [{ ip: 10.0.0.1, hostnames: [registry.alpha.prod.example.com] }, { ip: "2001:DB8::0:1", hostnames: [a.alpha.dev.example.com] }]\n',
    );
    f.replace(A, '  overrides:\n', '  overrides:\n    dev:\n      tcpProxy: { internalEndpoint: { address: 10.40.0.201, port: 31443 } }\n');
    const { docs } = renderFixture(f);
    // prod: the platform's alias for the API server joins the tenant's entry for the same address.
    expect(of(docs(BUNDLE('prod')), 'Deployment').spec.template.spec.hostAliases).toEqual([
      { ip: '10.0.0.1', hostnames: ['alpha.k8s.prod.example.com', 'registry.alpha.prod.example.com'] },
      { ip: '2001:db8::1', hostnames: ['a.alpha.dev.example.com'] },
    ]);
    const dev = of(docs(BUNDLE('dev')), 'Deployment').spec.template.spec;
    expect(dev.hostAliases[0]).toEqual({ ip: '10.40.0.201', hostnames: ['alpha.k8s.dev.example.com'] });
    expect(dev.containers[0].args[0]).toBe('--upstream-addr=alpha.k8s.dev.example.com:31443');
    expect(container(docs(BUNDLE('prod'))).args[0]).toBe('--upstream-addr=alpha.k8s.prod.example.com:443');
  });

  test('the gateway fixture: own image, host aliases, internal endpoint, a CA from a ConfigMap, and an unverified upstream', () => {
    const { docs } = renderFixture(gatewayFixture());
    const alpha = docs(BUNDLE('prod'));
    const pod = of(alpha, 'Deployment').spec.template.spec;
    const c = pod.containers[0];
    expect(c.image).toBe(`registry.example.com/platform/tcp-proxy@sha256:${'a'.repeat(64)}`);
    expect(of(alpha, 'Deployment').spec.replicas).toBe(3);
    expect(c.resources).toEqual({ requests: { cpu: '50m', memory: '48Mi' }, limits: { cpu: '1', memory: '128Mi' } });
    // The internal endpoint: its address for the API server hostname, its port in the dial; SNI and verification keep the name.
    expect(pod.hostAliases).toEqual([
      { ip: '10.40.0.201', hostnames: ['alpha.k8s.prod.example.com'] },
      { ip: '10.0.0.9', hostnames: ['registry.alpha.dev.example.com'] },
    ]);
    expect(c.args[0]).toBe('--upstream-addr=alpha.k8s.prod.example.com:31443');
    expect(env(c)).toEqual({
      KUBERNETES_SERVICE_HOST: 'alpha.k8s.prod.example.com',
      KUBERNETES_SERVICE_PORT: '31443',
      SSL_CERT_FILE: '/etc/tcp-proxy/upstream-ca/ca.crt',
      SSL_CERT_DIR: '/etc/tcp-proxy/upstream-ca',
    });
    expect(pod.volumes[1]).toEqual({ name: 'upstream-ca', configMap: { name: 'tenant-ca', items: [{ key: 'ca.crt', path: 'ca.crt' }] } });
    expect(c.volumeMounts[1]).toEqual({ name: 'upstream-ca', mountPath: '/etc/tcp-proxy/upstream-ca', readOnly: true });

    const bravo = container(docs(BUNDLE('prod', 'bravo')));
    expect(bravo.args).toContain('--upstream-insecure=true');
    expect(env(bravo)).toEqual({ KUBERNETES_SERVICE_HOST: 'bravo.k8s.prod.example.com', KUBERNETES_SERVICE_PORT: '443' });
  });

  test('two tenants\' proxies share names, each in its own cluster', () => {
    const { docs } = renderFixture(gatewayFixture());
    expect(of(docs(BUNDLE('prod', 'alpha')), 'Deployment').metadata.name).toBe(of(docs(BUNDLE('prod', 'bravo')), 'Deployment').metadata.name);
  });

  test('an unverified upstream is a warning, in a full synth and in one that reuses its cache', () => {
    const f = gatewayFixture();
    try {
      const warning = 'warning: tenants/bravo.yaml: the tcp-proxy of tenant "bravo" does not verify its API server (spec.controlPlane.tcpProxy.insecureSkipVerify); whoever can answer for its hostname on the way gets the requests and tokens of its in-cluster clients';
      expect(f.inDir(() => plan({ platformFile: P, tenantsDir: 'tenants' })).notices).toContain(warning);
      const out = `${tempDir()}/dist`;
      const opts = { platformFile: P, tenantsDir: 'tenants', outDir: out, cacheDir: `${tempDir()}/cache` };
      expect(f.inDir(() => synthWithCache(opts)).summary.notices).toContain(warning);
      const again = f.inDir(() => synthWithCache(opts));
      expect(again.mode).toBe('incremental');
      expect(again.summary.notices).toContain(warning);
    } finally {
      f.cleanup();
    }
  });

  test('off for one tenant, or without the platform section: no bundle', () => {
    expect(Object.keys(renderFixture(fixture('', '  controlPlane:\n    tcpProxy: { enabled: false }\n')).tree).filter((f) => f.includes('tenant-cluster'))).toEqual([]);
    const f = SpecFixture.create();
    f.replace(P, '  reservedNamespaces: [legacy]\n', '  reservedNamespaces: [legacy]\n  controlPlanes: { controller: nginx, namespace: steward-tenants }\n');
    f.write(A, `${f.read(A)}  controlPlane: {}\n`);
    expect(Object.keys(renderFixture(f).tree).filter((k) => k.includes('tenant-cluster'))).toEqual([]);
  });
});

test.each<[string, () => SpecFixture, string[]]>([
  [
    'a proxy the platform does not deploy',
    () => {
      const f = SpecFixture.create();
      f.replace(P, '  reservedNamespaces: [legacy]\n', '  reservedNamespaces: [legacy]\n  controlPlanes: { controller: nginx, namespace: steward-tenants }\n');
      f.write(A, `${f.read(A)}  controlPlane:\n    tcpProxy: { enabled: true }\n`);
      return f;
    },
    [`${A}:28:26: spec.controlPlane.tcpProxy.enabled: needs spec.controlPlanes.tcpProxy in platform.yaml, which says which image the proxies run and how they reach tenant clusters`],
  ],
  [
    'an image from a repository the platform does not allow',
    () => fixture('', '  controlPlane:\n    tcpProxy: { image: "docker.io/evil/proxy:1.0.0" }\n'),
    [`${A}:28:24: spec.controlPlane.tcpProxy.image: the repository "docker.io/evil/proxy" is not one the platform allows for the tcp-proxy; allowed: ghcr.io/butlerdotdev/steward-tcp-proxy (spec.controlPlanes.tcpProxy in platform.yaml)`],
  ],
  [
    'a moving tag',
    () => fixture('', '  controlPlane:\n    tcpProxy: { image: "ghcr.io/butlerdotdev/steward-tcp-proxy:latest" }\n'),
    [`${A}:28:24: spec.controlPlane.tcpProxy.image: the tag "latest" moves with every push; pin a version tag or a digest (@sha256:...)`],
  ],
  [
    'an image without tag or digest',
    () => fixture('', '  controlPlane:\n    tcpProxy: { image: "ghcr.io/butlerdotdev/steward-tcp-proxy" }\n'),
    [`${A}:28:24: spec.controlPlane.tcpProxy.image: "ghcr.io/butlerdotdev/steward-tcp-proxy" is not an image pinned by a tag or digest, such as ghcr.io/butlerdotdev/steward-tcp-proxy:0.2.0 or ghcr.io/org/proxy@sha256:<64 hex digits>; the registry host must be written out`],
  ],
  [
    'the platform\'s image on a moving tag',
    () => {
      const f = fixture();
      f.replace(P, `image: ${IMAGE}`, 'image: ghcr.io/butlerdotdev/steward-tcp-proxy:main');
      return f;
    },
    [`${P}:41:14: spec.controlPlanes.tcpProxy.image: the tag "main" moves with every push; pin a version tag or a digest (@sha256:...)`],
  ],
  [
    'a request over its limit',
    () => fixture('', '  controlPlane:\n    tcpProxy:\n      resources: { requests: { cpu: 200m, memory: 32Mi }, limits: { cpu: "0.1", memory: 64Mi } }\n'),
    [`${A}:29:37: spec.controlPlane.tcpProxy.resources.requests.cpu: the cpu request 200m is above its limit 0.1; the API server refuses such a pod`],
  ],
  [
    'a CPU quantity outside the accepted forms',
    () => fixture('', '  controlPlane:\n    tcpProxy:\n      resources: { limits: { cpu: 100 cores, memory: 64Mi } }\n'),
    [`${A}:29:35: spec.controlPlane.tcpProxy.resources.limits.cpu: "100 cores" is not CPU as millicores (1m to 99999m) or cores (above 0, up to 8), such as 100m or 0.5`],
  ],
  [
    'both a CA and no verification',
    () => fixture('', '  controlPlane:\n    tcpProxy:\n      upstreamCA: { configMap: { name: ca, key: ca.crt } }\n      insecureSkipVerify: true\n'),
    [`${A}:30:27: spec.controlPlane.tcpProxy.insecureSkipVerify: insecureSkipVerify turns off the verification that upstreamCA configures; keep one of them`],
  ],
  [
    'an unverified upstream the platform does not allow',
    () => fixture('', '  controlPlane:\n    tcpProxy: { insecureSkipVerify: true }\n'),
    [`${A}:28:37: spec.controlPlane.tcpProxy.insecureSkipVerify: the platform does not let tenants turn off the proxy's verification (spec.controlPlanes.tcpProxy.allowInsecureUpstream in platform.yaml); configure upstreamCA instead`],
  ],
  [
    'a two-part version tag, which every patch release moves',
    () => fixture('', '  controlPlane:\n    tcpProxy: { image: "ghcr.io/butlerdotdev/steward-tcp-proxy:0.2" }\n'),
    [`${A}:28:24: spec.controlPlane.tcpProxy.image: the tag "0.2" moves with every patch release; pin a full version (x.y.z) or a digest (@sha256:...)`],
  ],
  [
    'a ConfigMap key no ConfigMap can have',
    () => fixture('', '  controlPlane:\n    tcpProxy:\n      upstreamCA: { configMap: { name: ca, key: ..data } }\n'),
    [`${A}:29:49: spec.controlPlane.tcpProxy.upstreamCA.configMap.key: "..data" is not a ConfigMap key such as ca.crt (not . or .., not starting with ..)`],
  ],
  [
    'an IPv4-mapped host alias',
    () => fixture('', '  controlPlane:\n    tcpProxy:\n      hostAliases: [{ ip: "::ffff:a00:9", hostnames: [alpha.dev.example.com] }]\n'),
    [`${A}:29:27: spec.controlPlane.tcpProxy.hostAliases[0].ip: "::ffff:a00:9" is an IPv4-mapped IPv6 address; write the IPv4 address`],
  ],
  [
    'a per-environment override for a tenant without a proxy',
    () => {
      const f = fixture('', '  controlPlane:\n    tcpProxy: { enabled: false }\n');
      f.replace(A, '  overrides:\n', '  overrides:\n    dev:\n      tcpProxy: { internalEndpoint: { address: 10.40.0.201, port: 31443 } }\n');
      return f;
    },
    [`${A}:8:7: spec.overrides.dev.tcpProxy: the tenant gets no tcp-proxy, so this has no effect; remove it`],
  ],
  [
    'a Service name pattern that ends in a dash',
    () => {
      const f = fixture();
      f.replace(P, '    namespace: steward-tenants\n', '    namespace: steward-tenants\n    service: { name: "{tenant}-" }\n');
      return f;
    },
    [`${P}:40:22: spec.controlPlanes.service.name: "{tenant}-" is not a Service name pattern with {tenant} once, such as {tenant} or {tenant}-api; the rest lower-case letters, digits and '-', starting with a letter and ending with a letter or digit`],
  ],
  [
    'a host alias for another tenant\'s hostname',
    () => fixture('', '  controlPlane:\n    tcpProxy:\n      hostAliases: [{ ip: 10.0.0.9, hostnames: [bravo.k8s.prod.example.com] }]\n'),
    [
      `${A}:29:49: spec.controlPlane.tcpProxy.hostAliases[0].hostnames[0]: "bravo.k8s.prod.example.com" is not the tenant's own: a host alias names one of its control-plane hostnames or a name in its domains (alpha.k8s.dev.example.com, alpha.konnectivity.dev.example.com, alpha.dev.example.com, alpha.k8s.prod.example.com, alpha.konnectivity.prod.example.com, alpha.prod.example.com)`,
    ],
  ],
  [
    'a loopback host alias and an unspecified internal endpoint',
    () => fixture('', '  controlPlane:\n    tcpProxy:\n      hostAliases: [{ ip: 127.0.0.1, hostnames: [alpha.dev.example.com] }]\n      internalEndpoint: { address: "::", port: 443 }\n'),
    [
      `${A}:29:27: spec.controlPlane.tcpProxy.hostAliases[0].ip: "127.0.0.1" is a loopback address: the proxy runs on the node's network, where it is the node itself`,
      `${A}:30:36: spec.controlPlane.tcpProxy.internalEndpoint.address: "::" is the unspecified address, which names no host`,
    ],
  ],
  ...([
    ['169.254.169.254', 'a link-local address, which the node answers itself (the cloud\'s metadata service is one)'],
    ['fe80::1', 'a link-local address, which the node answers itself (the cloud\'s metadata service is one)'],
    ['224.0.0.1', 'a multicast address'],
    ['ff02::1', 'a multicast address'],
    ['255.255.255.255', 'the broadcast address'],
    ['240.0.0.1', 'a reserved address (240.0.0.0/4)'],
    ['0.1.2.3', 'a reserved address (0.0.0.0/8, "this network")'],
  ] as const).map(([ip, what]): [string, () => SpecFixture, string[]] => [
    `a host alias and an internal endpoint at ${ip}`,
    () => fixture('', `  controlPlane:\n    tcpProxy:\n      hostAliases: [{ ip: "${ip}", hostnames: [alpha.dev.example.com] }]\n      internalEndpoint: { address: "${ip}", port: 443 }\n`),
    [
      `${A}:29:27: spec.controlPlane.tcpProxy.hostAliases[0].ip: "${ip}" is ${what}; the proxy dials unicast addresses only`,
      `${A}:30:36: spec.controlPlane.tcpProxy.internalEndpoint.address: "${ip}" is ${what}; the proxy dials unicast addresses only`,
    ],
  ]),
  [
    'a link-local internal endpoint in a per-environment override',
    () => {
      const f = fixture();
      f.replace(A, '  overrides:\n', '  overrides:\n    dev:\n      tcpProxy: { internalEndpoint: { address: 169.254.169.254, port: 80 } }\n');
      return f;
    },
    [`${A}:8:48: spec.overrides.dev.tcpProxy.internalEndpoint.address: "169.254.169.254" is a link-local address, which the node answers itself (the cloud's metadata service is one); the proxy dials unicast addresses only`],
  ],
  [
    'an internal endpoint and a host alias for the same hostname',
    () => fixture('', '  controlPlane:\n    tcpProxy:\n      hostAliases: [{ ip: 10.0.0.9, hostnames: [alpha.k8s.dev.example.com] }]\n      internalEndpoint: { address: 10.40.0.201, port: 31443 }\n'),
    [`${A}:29:49: spec.controlPlane.tcpProxy.hostAliases[0].hostnames[0]: "alpha.k8s.dev.example.com" is where internalEndpoint already points the proxy; keep one of them`],
  ],
  [
    'more replicas than allowed',
    () => fixture('', '  controlPlane:\n    tcpProxy: { replicas: 9 }\n'),
    [`${A}:28:27: spec.controlPlane.tcpProxy.replicas: must be at most 5 (got 9)`],
  ],
])('refused: %s', (_name, make, expected) => {
  expect(problemsOf(make())).toEqual(expected);
});

describe('the constructs refuse what the API server or the proxy would not take', () => {
  const chart = (): Chart => new Chart(new App({ outdir: 'unused' }), 'c');
  const proxy = {
    name: 'p',
    image: IMAGE,
    replicas: 2,
    upstream: { host: 'a.k8s.example.com', port: 443 },
    tlsSecretName: 'tls',
    verification: { kind: 'cluster-ca' } as const,
    resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { cpu: '100m', memory: '64Mi' } },
  };
  test.each([
    ['an image with a space', { image: 'ghcr.io/x y:1' }, 'tcp-proxy p: image "ghcr.io/x y:1" is not an image reference'],
    ['no replicas', { replicas: 0 }, 'tcp-proxy p: replicas must be a whole number of at least 1, not 0'],
    ['an upstream that is no name', { upstream: { host: 'a b', port: 443 } }, 'tcp-proxy p: upstream host "a b" is not a DNS name'],
    ['a host alias that is no address', { hostAliases: [{ ip: '10.0.0', hostnames: ['a.example.com'] }] }, 'tcp-proxy p: host alias address "10.0.0" is not an IP address'],
    ['a quantity with a unit Kubernetes reads otherwise', { resources: { ...proxy.resources, limits: { cpu: '1', memory: '64MB' } } }, 'tcp-proxy p: limits.memory "64MB" is not a quantity'],
  ])('TcpProxy: %s', (_what, props, message) => {
    expect(() => new TcpProxy(chart(), 'P', { ...proxy, ...props })).toThrow(message);
  });

  test('TLSRoute: hostnames Gateway API accepts, 1 to 1024 of them', () => {
    const route = { name: 'r', namespace: 'cp', gateway: 'g', service: 's', port: 6443 };
    expect(() => new TlsRoute(chart(), 'R', { ...route, hostnames: [] })).toThrow('TLSRoute r: needs 1 to 1024 hostnames, not 0');
    expect(() => new TlsRoute(chart(), 'R', { ...route, hostnames: ['10.0.0.1:443'] })).toThrow('TLSRoute r: hostname "10.0.0.1:443" is not a DNS name Gateway API accepts');
    const ok = new TlsRoute(chart(), 'R', { ...route, hostnames: ['a.example.com'], sectionName: 'apiserver' });
    expect(validateManifest(ok.toJson())).toEqual([]);
  });

  test('Gateway: wildcard listener hostnames only', () => {
    const gw = { name: 'g', namespace: 'cp', gatewayClassName: 'c' };
    expect(() => new PassthroughGateway(chart(), 'G', { ...gw, listeners: { apiserver: 'k8s.example.com' } })).toThrow('Gateway g: listener hostname "k8s.example.com" is not a wildcard DNS name such as *.k8s.example.com');
    expect(() => new PassthroughGateway(chart(), 'G', { ...gw, listeners: {} })).toThrow('Gateway g: needs 1 to 64 listeners, not 0');
  });
});
