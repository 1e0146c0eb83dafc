/**
 * Tenant control planes behind one ingress (platform.spec.controlPlanes, tenant spec.controlPlane):
 * the passthrough routes each controller type gets, the certificate names, the shared controller
 * that carries passthrough, and the input mistakes refused, each with its exact message.
 */
import { ApiObject, App, Chart } from 'cdk8s';
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { ConfigMap } from '../lib/constructs/core/config-map';
import { IngressRouteTcp } from '../lib/constructs/traefik/ingress-route-tcp';
import { validateManifest } from '../lib/output/manifest-schemas';
import { problemsOf, renderFixture, SpecFixture } from './support/spec-fixtures';

type Doc = Record<string, any>;

/** The valid fixture with control planes of `controller` (extra platform lines in `settings`) and alpha given a control plane. */
function fixture(controller: string, settings = '', alpha = '  controlPlane:\n    extraSANs: [api.alpha.example.net, 10.40.0.201]\n'): SpecFixture {
  const f = SpecFixture.create();
  f.replace('platform.yaml', '  reservedNamespaces: [legacy]\n', `  reservedNamespaces: [legacy]\n  controlPlanes:\n    controller: ${controller}\n    namespace: steward-tenants\n${settings}`);
  f.write('tenants/alpha.yaml', `${f.read('tenants/alpha.yaml')}  extraDomains: [alpha.example.net]\n${alpha}`);
  return f;
}

const CP = (env: string): string => `${env}/tenants/alpha/cluster/control-plane.yaml`;

describe.each([
  ['nginx', '', { kind: 'Ingress', className: 'nginx', annotations: { 'nginx.ingress.kubernetes.io/backend-protocol': 'HTTPS', 'nginx.ingress.kubernetes.io/force-ssl-redirect': 'true', 'nginx.ingress.kubernetes.io/ssl-passthrough': 'true' } }],
  ['haproxy', '', { kind: 'Ingress', className: 'haproxy', annotations: { 'haproxy.org/ssl-passthrough': 'true', 'haproxy.org/ssl-redirect': 'true', 'haproxy.org/ssl-redirect-port': '443' } }],
  ['generic', '    className: passthrough\n', { kind: 'Ingress', className: 'passthrough', annotations: undefined }],
  ['traefik', '', { kind: 'IngressRouteTCP', className: undefined, annotations: undefined }],
  ['gateway', '    className: control-planes\n', { kind: 'TLSRoute', className: undefined, annotations: undefined }],
] as const)('controller type %s', (controller, settings, expected) => {
  const rendered = (): ReturnType<typeof renderFixture> => renderFixture(fixture(controller, settings));

  test('one route per hostname, to the platform-named Service on the API server and konnectivity ports', () => {
    const docs = rendered().docs(CP('prod'));
    const routes = docs.filter((d) => d.kind === expected.kind);
    expect(routes.map((r) => [r.metadata.name, r.metadata.namespace])).toEqual([
      ['edge-apiserver-alpha', 'steward-tenants'],
      ['edge-konnectivity-alpha', 'steward-tenants'],
    ]);
    for (const [route, host, port] of [[routes[0], 'alpha.k8s.prod.example.com', 6443], [routes[1], 'alpha.konnectivity.prod.example.com', 8132]] as const) {
      expect(route.metadata.annotations).toEqual(expected.annotations);
      if (expected.kind === 'Ingress') {
        expect(route.spec).toEqual({
          ingressClassName: expected.className,
          rules: [{ host, http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'alpha', port: { number: port } } } }] } }],
        });
      } else if (expected.kind === 'TLSRoute') {
        // No sectionName: the Gateway's listener whose wildcard covers the host takes the route.
        expect(route.apiVersion).toBe('gateway.networking.k8s.io/v1');
        expect(route.spec).toEqual({
          parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'edge-control-planes' }],
          hostnames: [host],
          rules: [{ backendRefs: [{ group: '', kind: 'Service', name: 'alpha', port }] }],
        });
      } else {
        expect(route.spec).toEqual({
          entryPoints: ['websecure'],
          routes: [{ match: `HostSNI(\`${host}\`)`, services: [{ name: 'alpha', port }] }],
          tls: { passthrough: true },
        });
      }
    }
  });

  test('the certificate names: both hostnames, the four kubernetes* names, then the extras', () => {
    const sans = rendered().docs(CP('dev')).find((d) => d.kind === 'ConfigMap')!;
    expect(sans.metadata.name).toBe('edge-cert-sans-alpha');
    expect(sans.data).toEqual({
      apiServerHost: 'alpha.k8s.dev.example.com',
      konnectivityHost: 'alpha.konnectivity.dev.example.com',
      certSANs: 'alpha.k8s.dev.example.com\nalpha.konnectivity.dev.example.com\nkubernetes\nkubernetes.default\nkubernetes.default.svc\nkubernetes.default.svc.cluster.local\napi.alpha.example.net\n10.40.0.201\n',
    });
  });

  test('every object validates strictly, and the cluster folder lists the control-plane file', () => {
    const { tree, docs } = rendered();
    for (const env of ['dev', 'prod']) {
      for (const d of docs(CP(env))) expect(validateManifest(d)).toEqual([]);
      expect(parse(tree[`${env}/tenants/alpha/cluster/kustomization.yaml`]).resources).toContain('control-plane.yaml');
    }
    // Tenants without a control plane get none.
    expect(Object.keys(tree).filter((k) => k.endsWith('control-plane.yaml')).sort()).toEqual([CP('dev'), CP('prod')]);
  });

  test(`${controller === 'gateway' ? 'one Gateway per environment, with a Passthrough listener per hostname family' : 'no Gateway'}, and the guard of the hostnames`, () => {
    const { tree, docs } = rendered();
    for (const env of ['dev', 'prod']) {
      const file = `${env}/platform/control-planes.yaml`;
      const objects = docs(file);
      // Every type: the class for the operator's own Ingress and the policy that keeps the
      // hostnames to tenant-edge's routes (finding 7d; exercised on the API server in apiserver.test.ts).
      expect(objects.slice(-3).map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
        'IngressClass/edge-unrouted',
        'ValidatingAdmissionPolicy/tenant-edge-control-plane-hosts',
        'ValidatingAdmissionPolicyBinding/tenant-edge-control-plane-hosts',
      ]);
      for (const o of objects) expect(validateManifest(o)).toEqual([]);
      expect(objects[objects.length - 1].spec.matchResources).toEqual({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'steward-tenants' } } });
      expect(objects[objects.length - 2].spec.variables.find((v: Doc) => v.name === 'claims').expression).toContain(`h.endsWith('.k8s.${env}.example.com')`);
      expect(parse(tree[`${env}/platform/kustomization.yaml`]).resources).toContain('control-planes.yaml');
      if (controller !== 'gateway') {
        expect(objects).toHaveLength(3);
        continue;
      }
      const [gateway, ...rest] = objects;
      expect(rest).toHaveLength(3);
      expect(validateManifest(gateway)).toEqual([]);
      expect([gateway.apiVersion, gateway.kind, gateway.metadata.name, gateway.metadata.namespace]).toEqual(['gateway.networking.k8s.io/v1', 'Gateway', 'edge-control-planes', 'steward-tenants']);
      const listener = (name: string, hostname: string): Doc => ({
        name,
        hostname,
        port: 443,
        protocol: 'TLS',
        tls: { mode: 'Passthrough' },
        allowedRoutes: { namespaces: { from: 'Same' }, kinds: [{ group: 'gateway.networking.k8s.io', kind: 'TLSRoute' }] },
      });
      expect(gateway.spec).toEqual({
        gatewayClassName: 'control-planes',
        listeners: [listener('apiserver', `*.k8s.${env}.example.com`), listener('konnectivity', `*.konnectivity.${env}.example.com`)],
      });
      expect(parse(tree[`${env}/platform/kustomization.yaml`]).resources).toContain('control-planes.yaml');
    }
  });

  test(`the shared controller ${controller === 'nginx' ? 'carries' : 'does not carry'} passthrough`, () => {
    const { docs } = rendered();
    for (const env of ['dev', 'prod']) {
      const release = docs(`${env}/platform/shared-ingress.yaml`).find((d) => d.kind === 'HelmRelease')!;
      expect(release.spec.values.controller.extraArgs['enable-ssl-passthrough']).toBe(controller === 'nginx' ? 'true' : undefined);
    }
  });
});

/**
 * Plain HTTP to a control plane's hostname must never reach its API server: a client that follows
 * http://<t>.k8s.<domain>/ would send its bearer token in clear text. What decides it is the
 * controller's code, read at the pinned versions; each case pins what tenant-edge renders for it.
 */
describe('plain HTTP to a control plane\'s hostname is answered, never proxied', () => {
  const routesOf = (controller: string, settings = ''): Doc[] => renderFixture(fixture(controller, settings)).docs(CP('prod')).filter((d) => d.kind !== 'ConfigMap');

  test('nginx: force-ssl-redirect on both routes, and the scheme it judges is the connection\'s own', () => {
    // controller-v1.15.1: the passthrough host is also an NGINX server on port 80 whose location "/"
    // proxies to the Service (createServers/getBackendServers, internal/ingress/controller/controller.go).
    // redirect_to_https (rootfs/etc/nginx/lua/lua_ingress.lua) redirects on ssl-redirect only when the
    // host has a certificate, which a passthrough host lacks; force-ssl-redirect redirects any request
    // whose scheme is http, before the proxy phase (rewrite_by_lua_file ngx_rewrite.lua in every
    // location, nginx.tmpl; $force_ssl_redirect from locationConfigForLua, template.go). Its risk is
    // Medium (internal/ingress/annotations/rewrite/main.go), which annotations-risk-level Medium admits.
    const routes = routesOf('nginx');
    expect(routes.map((r) => [r.metadata.name, r.metadata.annotations['nginx.ingress.kubernetes.io/force-ssl-redirect']])).toEqual([
      ['edge-apiserver-alpha', 'true'],
      ['edge-konnectivity-alpha', 'true'],
    ]);
    // Nothing turns it off: no ssl-redirect "false" needed, no force-no-ssl-redirect path (the default
    // no-tls-redirect-locations, /.well-known/acme-challenge, is not a prefix of "/").
    for (const r of routes) expect(r.spec.rules[0].http.paths.map((p: Doc) => p.path)).toEqual(['/']);
    // With use-forwarded-headers on, lua_ingress.lua takes the scheme from X-Forwarded-Proto, which the
    // client writes: pinned off in every controller tenant-edge renders.
    const { docs } = renderFixture(fixture('nginx'));
    for (const env of ['dev', 'prod']) {
      const release = docs(`${env}/platform/shared-ingress.yaml`).find((d) => d.kind === 'HelmRelease')!;
      expect(release.spec.values.controller.config['use-forwarded-headers']).toBe('false');
      expect(release.spec.values.controller.config['annotations-risk-level']).toBe('Medium');
    }
  });

  test('haproxy: ssl-redirect to port 443 on both routes', () => {
    // haproxytech/kubernetes-ingress v3.2.11: AddHostPathRoute (pkg/route/route.go) maps the host on
    // the HTTP frontend too; without a tls block no redirect is automatic (httpsRedirect.go), and
    // ssl-redirect "true" adds an http-request redirect on the HTTP frontend for this Ingress's rule
    // id (pkg/ingress/ingress.go addRules), evaluated before use_backend. The port would default to
    // the controller's own 8443 (pkg/annotations/common/main.go).
    expect(routesOf('haproxy').map((r) => r.metadata.annotations)).toEqual([0, 1].map(() => ({
      'haproxy.org/ssl-passthrough': 'true',
      'haproxy.org/ssl-redirect': 'true',
      'haproxy.org/ssl-redirect-port': '443',
    })));
  });

  test('traefik: TLS routers only, and no HTTP router for the hosts', () => {
    // traefik v3.7.9: a router with tls.passthrough joins the TLS muxer only
    // (pkg/server/router/tcp/manager.go), and a connection without a ClientHello goes to the non-TLS
    // TCP routers or the HTTP routers (router.go ServeTCP), never to it.
    const { tree } = renderFixture(fixture('traefik'));
    const routes = routesOf('traefik');
    expect(routes.map((r) => [r.kind, r.spec.tls])).toEqual([['IngressRouteTCP', { passthrough: true }], ['IngressRouteTCP', { passthrough: true }]]);
    const everything = Object.values(tree).join('\n');
    expect(everything).not.toMatch(/^kind: IngressRoute$/m);
  });

  test('gateway: only TLS Passthrough listeners on 443, no HTTP or HTTPS listener', () => {
    const { docs } = renderFixture(fixture('gateway', '    className: control-planes\n'));
    const [gateway] = docs('prod/platform/control-planes.yaml');
    expect(gateway.spec.listeners.map((l: Doc) => [l.protocol, l.port, l.tls.mode])).toEqual([['TLS', 443, 'Passthrough'], ['TLS', 443, 'Passthrough']]);
  });

  test('generic: tenant-edge cannot decide it; the README says what the controller must do', () => {
    expect(routesOf('generic', '    className: passthrough\n').map((r) => r.metadata.annotations)).toEqual([undefined, undefined]);
    const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
    const row = readme.split('\n').find((l) => l.startsWith('| `generic` |'))!;
    expect(row).toContain('answer plain HTTP for these hosts with a redirect or a refusal, never by proxying it to the Service');
  });
});

test('traefik: the entry points and an ingressClassName from the platform', () => {
  const { docs } = renderFixture(fixture('traefik', '    className: edge-traefik\n    entryPoints: [tls, websecure]\n'));
  const route = docs(CP('prod')).find((d) => d.kind === 'IngressRouteTCP')!;
  expect(route.spec.entryPoints).toEqual(['tls', 'websecure']);
  expect(route.spec.ingressClassName).toBe('edge-traefik');
});

test('konnectivity off: the API server route alone, and no konnectivity name in the certificate', () => {
  const { docs } = renderFixture(fixture('nginx', '', '  controlPlane:\n    konnectivity: false\n'));
  const objects = docs(CP('prod'));
  expect(objects.map((d) => `${d.kind}/${d.metadata.name}`)).toEqual(['ConfigMap/edge-cert-sans-alpha', 'Ingress/edge-apiserver-alpha']);
  expect(objects[0].data.certSANs).not.toContain('konnectivity');
});

test('a control-plane domain of its own per environment', () => {
  const f = fixture('traefik');
  f.replace('platform.yaml', '      domain: prod.example.com\n', '      domain: prod.example.com\n      controlPlaneDomain: cp.example.net\n');
  const { docs } = renderFixture(f);
  expect(docs(CP('prod')).find((d) => d.kind === 'ConfigMap')!.data.apiServerHost).toBe('alpha.k8s.cp.example.net');
  expect(docs(CP('dev')).find((d) => d.kind === 'ConfigMap')!.data.apiServerHost).toBe('alpha.k8s.dev.example.com');
});

test('the Service name comes from the platform pattern', () => {
  const { docs } = renderFixture(fixture('haproxy', '    service: { name: "tcp-{tenant}-api", port: 443 }\n'));
  const route = docs(CP('prod')).find((d) => d.metadata.name === 'edge-apiserver-alpha')!;
  expect(route.spec.rules[0].http.paths[0].backend.service).toEqual({ name: 'tcp-alpha-api', port: { number: 443 } });
});

// ------------------------------------------------------------------------------ refusals

const P = 'platform.yaml';
const A = 'tenants/alpha.yaml';
/** 243 characters: <t>.k8s.<it> fits 253 for a short tenant name, *.konnectivity.<it> does not. */
const LONG_CP_DOMAIN = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(39)}.example.com`;

test.each<[string, () => SpecFixture, string[]]>([
  [
    'a tenant control plane without the platform section',
    () => {
      const f = SpecFixture.create();
      f.write(A, `${f.read(A)}  controlPlane: {}\n`);
      return f;
    },
    [`${A}:27:3: spec.controlPlane: needs spec.controlPlanes in platform.yaml, which says how the platform reaches tenant control planes`],
  ],
  [
    'an extra name outside the tenant\'s domains',
    () => fixture('nginx', '', '  controlPlane:\n    extraSANs: [bravo.example.org]\n'),
    [
      `${A}:29:17: spec.controlPlane.extraSANs[0]: "bravo.example.org" lies in none of the tenant's domains in environment "dev" (alpha.dev.example.com, alpha.example.net); an extra name must be the tenant's own`,
      `${A}:29:17: spec.controlPlane.extraSANs[0]: "bravo.example.org" lies in none of the tenant's domains in environment "prod" (alpha.prod.example.com, alpha.example.net); an extra name must be the tenant's own`,
    ],
  ],
  [
    'another tenant\'s control-plane hostname as an extra name',
    () => fixture('nginx', '', '  controlPlane:\n    extraSANs: [bravo.k8s.prod.example.com]\n'),
    [
      `${A}:29:17: spec.controlPlane.extraSANs[0]: "bravo.k8s.prod.example.com" lies in none of the tenant's domains in environment "dev" (alpha.dev.example.com, alpha.example.net); an extra name must be the tenant's own`,
      `${A}:29:17: spec.controlPlane.extraSANs[0]: "bravo.k8s.prod.example.com" lies in none of the tenant's domains in environment "prod" (alpha.prod.example.com, alpha.example.net); an extra name must be the tenant's own`,
    ],
  ],
  [
    'an extra name that is neither a name nor an address',
    () => fixture('traefik', '', '  controlPlane:\n    extraSANs: ["not a name"]\n'),
    [`${A}:29:17: spec.controlPlane.extraSANs[0]: "not a name" is not a lower-case domain name such as api.example.com, or an IPv4 or IPv6 address`],
  ],
  [
    'an HTTP route on another tenant\'s control-plane hostname',
    () => {
      const f = fixture('traefik');
      f.replace('tenants/bravo.yaml', 'hosts: [shop.bravo.example.org, "@"]', 'hosts: [shop.bravo.example.org, "@", alpha.k8s.prod.example.com]');
      return f;
    },
    ['tenants/bravo.yaml:14:44: spec.routes[0].hosts[2]: "alpha.k8s.prod.example.com" is outside the tenant\'s domains in environment "prod" (bravo.prod.example.com, bravo.example.org); add its domain to spec.extraDomains if the tenant owns it'],
  ],
  [
    'generic without a class',
    () => fixture('generic'),
    [`${P}:38:17: spec.controlPlanes.controller: generic needs spec.controlPlanes.className: the IngressClass of the controller that does TLS passthrough`],
  ],
  [
    'gateway without a GatewayClass',
    () => fixture('gateway'),
    [`${P}:38:17: spec.controlPlanes.controller: gateway needs spec.controlPlanes.className: the GatewayClass of the Gateway that carries the control planes`],
  ],
  [
    // The Gateway has a *.konnectivity.<domain> listener whatever the tenants set; before, a tenant
    // without konnectivity (its own host fits) let synth reach the Gateway and exit 3.
    'gateway with a control-plane domain too long for the Gateway\'s listener hostnames',
    () => {
      const f = fixture('gateway', '    className: control-planes\n', '  controlPlane:\n    konnectivity: false\n');
      f.replace(P, '      domain: dev.example.com\n', `      domain: dev.example.com\n      controlPlaneDomain: ${LONG_CP_DOMAIN}\n`);
      return f;
    },
    [`${P}:9:27: spec.environments[0].controlPlaneDomain: too long for the control planes' Gateway: its listener hostname "*.konnectivity.${'a'.repeat(25)}…" would have 258 characters, over the 253 a DNS name may have`],
  ],
  [
    'nginx through a shared controller an environment does not run',
    () => {
      const f = fixture('nginx');
      f.replace(P, '      sharedIngress:\n        loadBalancerIP: 10.0.0.1\n', '      sharedIngress:\n        enabled: false\n');
      return f;
    },
    [`${P}:15:18: spec.environments[1].sharedIngress.enabled: controlPlanes.controller nginx routes control planes through the shared controller (class "nginx"), which environment "prod" does not run; enable it, or set controlPlanes.className to a controller you run yourself`,
      // The tenants on the shared controller say so too.
      'tenants/bravo.yaml:9:16: spec.ingress.dedicated: environment "prod" has no shared controller (sharedIngress.enabled: false); the tenant needs ingress.dedicated: true there',
      'tenants/charlie.yaml:8:16: spec.ingress.dedicated: environment "prod" has no shared controller (sharedIngress.enabled: false); the tenant needs ingress.dedicated: true there',
    ],
  ],
  [
    'the control planes in Flux\'s namespace',
    () => {
      const f = fixture('traefik');
      f.replace(P, 'namespace: steward-tenants', 'namespace: flux-system');
      return f;
    },
    [`${P}:39:16: spec.controlPlanes.namespace: "flux-system" is the namespace of Flux; the control planes need their own`],
  ],
  ...['kube-system', 'default', 'kube-public', 'kube-node-lease', 'kube-anything', 'velero', 'istio-system'].map((ns): [string, () => SpecFixture, string[]] => [
    `the control planes in the cluster's namespace ${ns}`,
    () => {
      const f = fixture('traefik');
      f.replace(P, 'namespace: steward-tenants', `namespace: ${ns}`);
      return f;
    },
    [`${P}:39:16: spec.controlPlanes.namespace: "${ns}" belongs to the cluster or to an add-on; the control planes need a namespace of their own`],
  ]),
  [
    'a tenant in the control planes\' namespace',
    () => {
      const f = fixture('traefik');
      f.replace('tenants/charlie.yaml', 'namespace: team-charlie', 'namespace: steward-tenants');
      return f;
    },
    ['tenants/charlie.yaml:6:14: spec.namespace: namespace "steward-tenants" is reserved for the platform; set spec.namespace to another name'],
  ],
  [
    'a tenant domain over the control-plane names of another domain',
    () => {
      const f = fixture('traefik');
      f.replace(P, '      domain: prod.example.com\n', '      domain: prod.example.com\n      controlPlaneDomain: bravo.example.org\n');
      return f;
    },
    [`tenants/bravo.yaml:7:18: spec.extraDomains[0]: extra domain "bravo.example.org" overlaps k8s.bravo.example.org, where the platform names tenant control planes (<tenant>.k8s. and <tenant>.konnectivity. in environment "prod")`],
  ],
  [
    'a Service name pattern without {tenant}',
    () => fixture('traefik', '    service: { name: api-server }\n'),
    [`${P}:40:22: spec.controlPlanes.service.name: "api-server" is not a Service name pattern with {tenant} once, such as {tenant} or {tenant}-api; the rest lower-case letters, digits and '-', starting with a letter and ending with a letter or digit`],
  ],
])('refused: %s', (_name, make, expected) => {
  expect(problemsOf(make())).toEqual(expected);
});

// ------------------------------------------------------------------------------ constructs

describe('the constructs refuse what would route something else', () => {
  const chart = (): Chart => new Chart(new App({ outdir: 'unused' }), 'c');
  const route = { name: 'r', namespace: 'cp', entryPoints: ['websecure'], service: 's', port: 6443 };

  test.each([
    ['a catch-all', '*', 'IngressRouteTCP r: host "*" is not a host name HostSNI accepts (one host, no backquotes or spaces)'],
    ['a second matcher smuggled in', 'a.example.com`) || HostSNI(`b.example.com', 'IngressRouteTCP r: host "a.example.com`) || HostSNI(`b.example.com" is not a host name HostSNI accepts (one host, no backquotes or spaces)'],
  ])('IngressRouteTCP: %s', (_what, host, message) => {
    expect(() => new IngressRouteTcp(chart(), 'R', { ...route, host })).toThrow(message);
  });

  test('IngressRouteTCP: entry points must not be empty (Traefik would attach to all)', () => {
    expect(() => new IngressRouteTcp(chart(), 'R', { ...route, host: 'a.example.com', entryPoints: [] })).toThrow('IngressRouteTCP r: entryPoints must not be empty');
  });

  test('ConfigMap: keys the API server accepts only', () => {
    expect(() => new ConfigMap(chart(), 'C', { name: 'c', namespace: 'n', data: { 'a/b': 'x' } })).toThrow('ConfigMap c: key "a/b" is not a valid data key');
  });

  test('IngressRouteTCP: what cdk8s itself would render', () => {
    const c = chart();
    const r = new IngressRouteTcp(c, 'R', { ...route, host: 'a.example.com', className: 'edge' });
    expect(r.toJson()).toEqual(ApiObject.prototype.toJson.call(r));
    expect(validateManifest(r.toJson())).toEqual([]);
  });
});
