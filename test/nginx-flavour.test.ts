import { ControllerSettings, nginxFlavour } from '../lib/flavours/registry';
import { RouteOptions } from '../lib/input/types';
import { DEDICATED_ACME } from './support/construct-helpers';

const P = 'nginx.ingress.kubernetes.io/';

type Values = Record<string, any>;

describe('nginx flavour: names', () => {
  test('dedicated names are derived from the tenant', () => {
    expect(nginxFlavour.policy.dedicatedReleaseName('acme')).toBe('ingress-nginx-acme');
    expect(nginxFlavour.policy.dedicatedClassName('acme')).toBe('nginx-acme');
    expect(nginxFlavour.policy.dedicatedControllerValue('acme')).toBe('k8s.io/ingress-nginx-acme');
  });

  test('the shared controller uses the upstream defaults', () => {
    expect(nginxFlavour.policy.sharedReleaseName).toBe('ingress-nginx');
    expect(nginxFlavour.policy.sharedControllerValue).toBe('k8s.io/ingress-nginx');
    expect(nginxFlavour.policy.defaultSharedNamespace).toBe('ingress-nginx');
  });
});

describe('nginx flavour: routeAnnotations', () => {
  test('no options render no annotations', () => {
    expect(nginxFlavour.policy.routeAnnotations({})).toEqual({});
  });

  test.each<[string, RouteOptions, Record<string, string>]>([
    ['sslRedirect true', { sslRedirect: true }, { [`${P}ssl-redirect`]: 'true' }],
    ['sslRedirect false', { sslRedirect: false }, { [`${P}ssl-redirect`]: 'false' }],
    ['bodySize', { bodySize: '10m' }, { [`${P}proxy-body-size`]: '10m' }],
    ['timeouts.connect', { timeouts: { connect: 5 } }, { [`${P}proxy-connect-timeout`]: '5' }],
    ['timeouts.read', { timeouts: { read: 300 } }, { [`${P}proxy-read-timeout`]: '300' }],
    ['timeouts.send', { timeouts: { send: 60 } }, { [`${P}proxy-send-timeout`]: '60' }],
    [
      'all timeouts',
      { timeouts: { connect: 1, read: 2, send: 3 } },
      { [`${P}proxy-connect-timeout`]: '1', [`${P}proxy-read-timeout`]: '2', [`${P}proxy-send-timeout`]: '3' },
    ],
    [
      'websocket: HTTP/1.1 upstream and one-hour read/send timeouts',
      { websocket: true },
      { [`${P}proxy-http-version`]: '1.1', [`${P}proxy-read-timeout`]: '3600', [`${P}proxy-send-timeout`]: '3600' },
    ],
    ['websocket: false renders nothing', { websocket: false }, {}],
    [
      'websocket: explicit timeouts win',
      { websocket: true, timeouts: { read: 120, send: 90 } },
      { [`${P}proxy-http-version`]: '1.1', [`${P}proxy-read-timeout`]: '120', [`${P}proxy-send-timeout`]: '90' },
    ],
    [
      'websocket: an explicit read timeout wins, send keeps the websocket default',
      { websocket: true, timeouts: { read: 120 } },
      { [`${P}proxy-http-version`]: '1.1', [`${P}proxy-read-timeout`]: '120', [`${P}proxy-send-timeout`]: '3600' },
    ],
    ['rateLimit.rps', { rateLimit: { rps: 100 } }, { [`${P}limit-rps`]: '100' }],
    ['rateLimit.rpm', { rateLimit: { rpm: 600 } }, { [`${P}limit-rpm`]: '600' }],
    ['rateLimit.connections', { rateLimit: { connections: 10 } }, { [`${P}limit-connections`]: '10' }],
    ['rateLimit.burstMultiplier', { rateLimit: { burstMultiplier: 3 } }, { [`${P}limit-burst-multiplier`]: '3' }],
    [
      'rateLimit, every field',
      { rateLimit: { rps: 1, rpm: 2, connections: 3, burstMultiplier: 4 } },
      { [`${P}limit-rps`]: '1', [`${P}limit-rpm`]: '2', [`${P}limit-connections`]: '3', [`${P}limit-burst-multiplier`]: '4' },
    ],
    [
      'cors with origins only',
      { cors: { allowOrigins: ['https://a.example.com'] } },
      { [`${P}enable-cors`]: 'true', [`${P}cors-allow-origin`]: 'https://a.example.com' },
    ],
    [
      'cors, every field, lists joined with ", "',
      {
        cors: {
          allowOrigins: ['https://a.example.com', 'https://b.example.com'],
          allowMethods: ['GET', 'POST'],
          allowHeaders: ['Authorization', 'X-Request-Id'],
          allowCredentials: true,
          maxAge: 600,
        },
      },
      {
        [`${P}enable-cors`]: 'true',
        [`${P}cors-allow-origin`]: 'https://a.example.com, https://b.example.com',
        [`${P}cors-allow-methods`]: 'GET, POST',
        [`${P}cors-allow-headers`]: 'Authorization, X-Request-Id',
        [`${P}cors-allow-credentials`]: 'true',
        [`${P}cors-max-age`]: '600',
      },
    ],
    [
      'cors allowCredentials false',
      { cors: { allowOrigins: ['*'], allowCredentials: false } },
      { [`${P}enable-cors`]: 'true', [`${P}cors-allow-origin`]: '*', [`${P}cors-allow-credentials`]: 'false' },
    ],
    [
      'affinity with a session cookie',
      { affinity: { cookieName: 'route' } },
      { [`${P}affinity`]: 'cookie', [`${P}session-cookie-name`]: 'route' },
    ],
    [
      'affinity with an expiry',
      { affinity: { cookieName: 'route', expires: 172800 } },
      {
        [`${P}affinity`]: 'cookie',
        [`${P}session-cookie-name`]: 'route',
        [`${P}session-cookie-expires`]: '172800',
        [`${P}session-cookie-max-age`]: '172800',
      },
    ],
    ['rewriteTarget also sets use-regex', { rewriteTarget: '/$2' }, { [`${P}rewrite-target`]: '/$2', [`${P}use-regex`]: 'true' }],
    ['backendProtocol HTTPS', { backendProtocol: 'HTTPS' }, { [`${P}backend-protocol`]: 'HTTPS' }],
    ['backendProtocol GRPC', { backendProtocol: 'GRPC' }, { [`${P}backend-protocol`]: 'GRPC' }],
  ])('%s', (_name, options, expected) => {
    expect(nginxFlavour.policy.routeAnnotations(options)).toEqual(expected);
  });

  test('options combine without interfering', () => {
    const a = nginxFlavour.policy.routeAnnotations({
      sslRedirect: true,
      bodySize: '1g',
      websocket: true,
      rateLimit: { rps: 5 },
      backendProtocol: 'GRPCS',
    });
    expect(a).toEqual({
      [`${P}ssl-redirect`]: 'true',
      [`${P}proxy-body-size`]: '1g',
      [`${P}proxy-http-version`]: '1.1',
      [`${P}proxy-read-timeout`]: '3600',
      [`${P}proxy-send-timeout`]: '3600',
      [`${P}limit-rps`]: '5',
      [`${P}backend-protocol`]: 'GRPCS',
    });
  });

  test('every annotation value is a string', () => {
    const a = nginxFlavour.policy.routeAnnotations({
      sslRedirect: false,
      timeouts: { connect: 1, read: 2, send: 3 },
      rateLimit: { rps: 1, rpm: 2, connections: 3, burstMultiplier: 4 },
      cors: { allowOrigins: ['*'], allowCredentials: false, maxAge: 0 },
      affinity: { cookieName: 'c', expires: 0 },
    });
    for (const value of Object.values(a)) expect(typeof value).toBe('string');
    expect(a[`${P}cors-max-age`]).toBe('0');
    expect(a[`${P}session-cookie-expires`]).toBe('0');
  });
});

describe('nginx flavour: refuseAnnotation (keys no platform may give tenants)', () => {
  test.each([
    [`${P}server-alias`, /other hosts/],
    [`${P}auth-url`, /Secrets and services/],
    [`${P}auth-tls-secret`, /Secrets and services/],
    [`${P}auth-secret`, /Secrets and services/],
    [`${P}proxy-ssl-secret`, /Secrets/],
    [`${P}mirror-target`, /traffic elsewhere/],
    [`${P}modsecurity-transaction-id`, /raw configuration/],
    [`${P}permanent-redirect`, /unquoted/],
    [`${P}default-backend`, /another service/],
    [`${P}upstream-vhost`, /another service/],
    [`${P}canary-by-header`, /canary/],
    ['kustomize.toolkit.fluxcd.io/prune', /Flux/],
    ['kustomize.toolkit.fluxcd.io/reconcile', /Flux/],
    ['external-dns.alpha.kubernetes.io/hostname', /another controller/],
    ['meta.helm.sh/release-name', /another controller/],
    ['service.beta.kubernetes.io/azure-load-balancer-ipv4', /another controller/],
    [`${P}configuration-snippet`, /snippet/],
    [`${P}server-snippet`, /snippet/],
    [`${P}auth-snippet`, /snippet/],
    [`${P}stream-snippet`, /snippet/],
    [`${P}modsecurity-snippet`, /snippet/],
    [`${P}Server-Snippet`, /snippet/],
    ['example.com/my-snippet-thing', /snippet/],
    [`${P}ssl-passthrough`, /passthrough/i],
    ['kubernetes.io/ingress.class', /ingress class/],
    ['cert-manager.io/cluster-issuer', /Certificate objects/],
    ['cert-manager.io/issuer', /Certificate objects/],
    ['acme.cert-manager.io/http01-edit-in-place', /Certificate objects/],
  ])('fails if the annotation is %s', (key, reason) => {
    const why = nginxFlavour.policy.refuseAnnotation(key);
    expect(why).toEqual(expect.any(String));
    expect(why).toMatch(reason);
  });

  test.each([
    `${P}proxy-buffering`,
    `${P}whitelist-source-range`,
    `${P}use-regex`,
    'prometheus.io/scrape',
    'my-cert-manager.io/thing',
  ])('leaves %s to the platform\'s allow-list', (key) => {
    expect(nginxFlavour.policy.refuseAnnotation(key)).toBeUndefined();
  });
});

describe('nginx flavour: refusePath', () => {
  test.each<[string, string, string, RouteOptions]>([
    ['a plain Prefix path', '/api/v1', 'Prefix', {}],
    ['the root Prefix path', '/', 'Prefix', {}],
    ['a plain Exact path with dots, dashes and underscores', '/static/app-1_2.x.js', 'Exact', {}],
    ['a regular expression with ImplementationSpecific', '/v1(/|$)(.*)', 'ImplementationSpecific', {}],
    ['rewriteTarget with ImplementationSpecific', '/v1(/|$)(.*)', 'ImplementationSpecific', { rewriteTarget: '/$2' }],
    ['a plain path with other options', '/api', 'Prefix', { sslRedirect: true, websocket: true }],
  ])('accepts %s', (_name, path, pathType, options) => {
    expect(nginxFlavour.policy.refusePath(path, pathType, options)).toBeUndefined();
  });

  test.each<[string, string, string, RouteOptions, RegExp]>([
    ['a regular expression in a Prefix path', '/v1(/|$)(.*)', 'Prefix', {}, /ImplementationSpecific/],
    ['a regular expression in an Exact path', '/users/[0-9]+', 'Exact', {}, /not a plain path/],
    ['a wildcard in a Prefix path', '/api/*', 'Prefix', {}, /not a plain path/],
    ['a tilde in a Prefix path (ingress-nginx\'s validPathType has none)', '/~user', 'Prefix', {}, /not a plain path/],
    ['a percent escape in an Exact path', '/a%20b', 'Exact', {}, /not a plain path/],
    ['rewriteTarget with a plain Prefix path', '/api', 'Prefix', { rewriteTarget: '/' }, /rewriteTarget/],
    ['rewriteTarget with an Exact path', '/api', 'Exact', { rewriteTarget: '/' }, /pathType: ImplementationSpecific \(got Exact\)/],
    ['a regex path closes the location block', '/x;\n}\nlocation /y {', 'ImplementationSpecific', {}, /no quotes, braces, semicolons/],
    ['a regex path carries a quote', '/a"b', 'ImplementationSpecific', {}, /no quotes/],
    ['a regex path carries a backslash', '/a\\d', 'ImplementationSpecific', {}, /backslashes/],
    ['a regex path uses a brace quantifier', '/v[0-9]{2}', 'ImplementationSpecific', {}, /braces/],
    ['a regex path carries a space', '/a b', 'ImplementationSpecific', {}, /spaces/],
    ['a regex path carries a control character', '/a\u007f', 'ImplementationSpecific', {}, /control characters/],
    ['a path names a secret file', '/etc/passwd', 'Prefix', {}, /inspector/],
    ['a regex path names the service account token', '/var/run/secrets(.*)', 'ImplementationSpecific', {}, /inspector/],
    ['a path mentions lua', '/x_by_lua', 'Prefix', {}, /inspector/],
  ])('fails if %s', (_name, path, pathType, options, reason) => {
    const why = nginxFlavour.policy.refusePath(path, pathType, options);
    expect(why).toEqual(expect.any(String));
    expect(why).toMatch(reason);
  });
});

describe('nginx flavour: values', () => {
  const dedicated = DEDICATED_ACME;
  const shared: ControllerSettings = {
    namespace: 'ingress-nginx',
    releaseName: 'ingress-nginx',
    className: 'nginx',
    controllerValue: 'k8s.io/ingress-nginx',
    replicas: 3,
    namespaced: false,
    cloud: 'generic',
  };
  const values = (s: ControllerSettings): Values => nginxFlavour.emit.values(s) as Values;

  test('a dedicated controller watches only its namespace with namespaced RBAC', () => {
    const v = values(dedicated);
    expect(v.controller.scope).toEqual({ enabled: true, namespace: 'acme' });
    expect(v.rbac).toEqual({ scope: true });
  });

  test('a dedicated controller creates its own IngressClass and leader-election lock', () => {
    const c = values(dedicated).controller;
    expect(c.replicaCount).toBe(2);
    expect(c.ingressClass).toBe('nginx-acme');
    expect(c.ingressClassByName).toBe(true);
    expect(c.ingressClassResource).toEqual({
      name: 'nginx-acme',
      enabled: true,
      default: false,
      controllerValue: 'k8s.io/ingress-nginx-acme',
    });
    expect(c.electionID).toBe('ingress-nginx-acme-leader');
    expect(c.allowSnippetAnnotations).toBe(false);
  });

  test('both pin the settings that keep annotations in their namespace and risk level, and refuse ExternalName backends', () => {
    for (const c of [values(dedicated).controller, values(shared).controller]) {
      expect(c.config).toEqual({
        'allow-cross-namespace-resources': 'false',
        'annotations-risk-level': 'Medium',
        'strict-validate-path-type': 'true',
        'annotation-value-word-blocklist': 'load_module,lua_package,_by_lua,location,root,proxy_pass,serviceaccount',
        'use-forwarded-headers': 'false',
      });
      expect(c.extraArgs).toEqual({ 'disable-svc-external-name': 'true' });
      expect(c.resources).toEqual({ requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '512Mi' } });
    }
  });

  test('each admission webhook sees only its own Ingresses: a dedicated one its namespace, the shared one tenant-edge\'s', () => {
    expect(values(dedicated).controller.admissionWebhooks).toMatchObject({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'acme' } } });
    expect(values(dedicated).controller.admissionWebhooks).not.toHaveProperty('objectSelector');
    expect(values(shared).controller.admissionWebhooks).toMatchObject({ objectSelector: { matchLabels: { 'app.kubernetes.io/managed-by': 'tenant-edge' } } });
    expect(values(shared).controller.admissionWebhooks).not.toHaveProperty('namespaceSelector');
  });

  test('both pin the containers\' securityContext instead of leaving it to the chart (restricted Pod Security)', () => {
    const restricted = { runAsNonRoot: true, allowPrivilegeEscalation: false, seccompProfile: { type: 'RuntimeDefault' } };
    const job = { ...restricted, runAsUser: 65532, runAsGroup: 65532, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true };
    for (const c of [values(dedicated).controller, values(shared).controller]) {
      expect(c.containerSecurityContext).toEqual({ ...restricted, runAsUser: 101, runAsGroup: 82, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] }, readOnlyRootFilesystem: false });
      expect(c.admissionWebhooks.createSecretJob).toEqual({ securityContext: job });
      expect(c.admissionWebhooks.patchWebhookJob).toEqual({ securityContext: job });
    }
  });

  test('a shared controller watches the whole cluster: no scope and no rbac key', () => {
    const v = values(shared);
    expect(v.controller).not.toHaveProperty('scope');
    expect(v).not.toHaveProperty('rbac');
    expect(v.controller.ingressClassResource).toEqual({ name: 'nginx', enabled: true, default: false, controllerValue: 'k8s.io/ingress-nginx' });
    expect(v.controller.electionID).toBe('ingress-nginx-leader');
    expect(v.controller.replicaCount).toBe(3);
    expect(v.controller.allowSnippetAnnotations).toBe(false);
  });

  test('generic cloud: a LoadBalancer Service without annotations', () => {
    expect(values(shared).controller.service).toEqual({ type: 'LoadBalancer' });
  });

  test('generic cloud: a static address becomes service.loadBalancerIP, without annotations', () => {
    const service = values({ ...shared, loadBalancerIP: '10.0.0.10', resourceGroup: 'ignored-rg' }).controller.service;
    expect(service).toEqual({ type: 'LoadBalancer', loadBalancerIP: '10.0.0.10' });
  });

  test('azure: the health probe path is set even without a static address', () => {
    const service = values({ ...shared, cloud: 'azure', resourceGroup: 'net-rg' }).controller.service;
    expect(service).toEqual({
      type: 'LoadBalancer',
      annotations: { 'service.beta.kubernetes.io/azure-load-balancer-health-probe-request-path': '/healthz' },
    });
  });

  test('azure: an IPv4 address goes into azure-load-balancer-ipv4 with the resource group, not loadBalancerIP', () => {
    const service = values({ ...dedicated, cloud: 'azure', loadBalancerIP: '20.10.0.5', resourceGroup: 'net-rg' }).controller.service;
    expect(service).toEqual({
      type: 'LoadBalancer',
      annotations: {
        'service.beta.kubernetes.io/azure-load-balancer-health-probe-request-path': '/healthz',
        'service.beta.kubernetes.io/azure-load-balancer-ipv4': '20.10.0.5',
        'service.beta.kubernetes.io/azure-load-balancer-resource-group': 'net-rg',
      },
    });
  });

  test('azure: an IPv6 address goes into azure-load-balancer-ipv6', () => {
    const annotations = values({ ...dedicated, cloud: 'azure', loadBalancerIP: '2001:db8::5' }).controller.service.annotations;
    expect(annotations).toEqual({
      'service.beta.kubernetes.io/azure-load-balancer-health-probe-request-path': '/healthz',
      'service.beta.kubernetes.io/azure-load-balancer-ipv6': '2001:db8::5',
    });
  });

  test('azure: an address without a resource group renders no resource-group annotation', () => {
    const annotations = values({ ...dedicated, cloud: 'azure', loadBalancerIP: '20.10.0.5' }).controller.service.annotations;
    expect(annotations).not.toHaveProperty(['service.beta.kubernetes.io/azure-load-balancer-resource-group']);
    expect(annotations['service.beta.kubernetes.io/azure-load-balancer-ipv4']).toBe('20.10.0.5');
  });

  test('serviceMonitorLabels enable metrics and a ServiceMonitor with those labels', () => {
    const c = values({ ...dedicated, serviceMonitorLabels: { release: 'kube-prometheus-stack' } }).controller;
    expect(c.metrics).toEqual({
      enabled: true,
      serviceMonitor: { enabled: true, additionalLabels: { release: 'kube-prometheus-stack' } },
    });
  });

  test('empty serviceMonitorLabels still enable the ServiceMonitor', () => {
    expect(values({ ...shared, serviceMonitorLabels: {} }).controller.metrics).toEqual({
      enabled: true,
      serviceMonitor: { enabled: true, additionalLabels: {} },
    });
  });

  test('without serviceMonitorLabels there are no metrics values', () => {
    expect(values(dedicated).controller).not.toHaveProperty('metrics');
    expect(values(shared).controller).not.toHaveProperty('metrics');
  });

  test('values are exactly controller (+ rbac when namespaced)', () => {
    expect(Object.keys(values(shared))).toEqual(['controller']);
    expect(Object.keys(values(dedicated)).sort()).toEqual(['controller', 'rbac']);
  });
});
