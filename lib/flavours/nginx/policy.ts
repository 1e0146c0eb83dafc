import { isIP } from 'net';
import { RouteOptions } from '../../input/types';
import { AnnotationRule, oneOf } from '../annotation-policy';
import { FlavourPolicy } from '../policy';

/** Prefix of ingress-nginx's annotations. */
export const P = 'nginx.ingress.kubernetes.io/';

/** Annotation suffixes that inject raw NGINX configuration; any Ingress author could read every Secret. */
const SNIPPET = /snippet/i;

/**
 * What ingress-nginx accepts in Prefix and Exact paths with strict-validate-path-type:
 * validPathType `(?i)^/[[:alnum:]._\-/]*$` (internal/ingress/inspector/rules.go,
 * controller-v1.15.1); anything else needs pathType ImplementationSpecific.
 */
const PLAIN_PATH = /^\/[A-Za-z0-9._\-/]*$/;

/**
 * Characters a regular-expression (ImplementationSpecific) path may use. ingress-nginx writes the
 * path into a quoted `location ~* "^..."` and a `rewrite "(?i)..."` directive, escaping only \\ and
 * " (sanitizeQuotedRegex, controller-v1.15.1), so quotes, backslashes, braces, semicolons, spaces
 * and control characters are kept out. A quantifier such as {2} is written out instead.
 */
const REGEX_PATH = /^\/[A-Za-z0-9/_.~%^$[\]()*+?|&=:,@!-]*$/;

/** Paths internal/ingress/inspector/rules.go (controller-v1.15.1) refuses; the Ingress is dropped. */
const INSPECTOR_DENIED = [/\/etc\/(passwd|shadow|group|nginx|ingress-controller)/, /\/var\/run\/secrets/, /_by_lua/];

/**
 * ingress-nginx annotation suffixes no tenant may set, with the reason: each names another
 * namespace, host, Secret or service, sends traffic elsewhere, or carries configuration the
 * controller writes unchecked. Their risk is High or Critical in controller-v1.15.1 (parser.AnnotationRisk),
 * or they name objects by namespace/name.
 */
const REACHING_ANNOTATIONS: readonly (readonly [RegExp, string])[] = [
  [/^server-alias$/, 'server-alias would let the route answer for other hosts, including other tenants\''],
  [/^auth-/, 'authentication annotations name Secrets and services (possibly in other namespaces) and external URLs the controller calls'],
  [/^proxy-ssl-/, 'proxy-ssl annotations name Secrets, possibly in other namespaces'],
  [/^(mirror-|modsecurity-)/, 'mirror and modsecurity annotations send traffic elsewhere or carry raw configuration'],
  [/^(default-backend|upstream-vhost|custom-headers|global-auth-)/, 'this annotation names another service, host or ConfigMap'],
  [/^(permanent-redirect|temporal-redirect)/, 'redirect targets are written unquoted into the configuration'],
  [/^(canary|canary-)/, 'canary annotations take traffic of other Ingresses of the same host'],
  [/^(stream-snippet|configuration-snippet|server-snippet)$/, 'snippets inject raw NGINX configuration'],
];

/** Annotation domains that belong to other controllers or to Flux. */
const FOREIGN_PREFIXES = [
  'kustomize.toolkit.fluxcd.io/',
  'fluxcd.io/',
  'toolkit.fluxcd.io/',
  'external-dns.alpha.kubernetes.io/',
  'meta.helm.sh/',
  'kubectl.kubernetes.io/',
  'kubernetes.io/',
  'k8s.io/',
  'service.beta.kubernetes.io/',
  'traefik.ingress.kubernetes.io/',
  'haproxy.org/',
];

/**
 * The controller's annotation-value-word-blocklist, pinned in its values: the ones upstream's
 * ConfigMap documentation recommends (docs/user-guide/nginx-configuration/configmap.md), minus
 * the characters, which every value is checked for anyway.
 */
export const VALUE_BLOCKLIST = ['load_module', 'lua_package', '_by_lua', 'location', 'root', 'proxy_pass', 'serviceaccount'];

const SIZE = { pattern: /^[0-9]{1,6}[kKmM]?$/, expected: 'a size such as 8k or 1m' };
const PATH_VALUE = { pattern: /^\/[A-Za-z0-9/_.~-]*$/, expected: 'a plain path such as /app' };
const BOOL = (key: string): AnnotationRule => oneOf(`${P}${key}`, ['true', 'false']);
const CIDRS = {
  pattern: /^[0-9a-fA-F.:/]+(, ?[0-9a-fA-F.:/]+)*$/,
  expected: 'comma-separated addresses or CIDR ranges such as 10.0.0.0/8, 192.168.1.7',
  // ingress-nginx parses every entry (net.ParseCIDRs) and answers 503 on every path when one fails.
  check: (value: string): string | undefined => {
    for (const entry of value.split(',').map((e) => e.trim())) {
      const [address, bits, extra] = entry.split('/');
      const family = isIP(address);
      const max = family === 4 ? 32 : 128;
      if (family === 0 || extra !== undefined || (bits !== undefined && !(/^[0-9]{1,3}$/.test(bits) && Number(bits) <= max))) {
        return `"${entry}" is not an address or CIDR range`;
      }
    }
    return undefined;
  },
};

/**
 * What tenants may set by default: low- and medium-risk settings of their own routes that the
 * typed options do not cover, each with a value pattern no stricter than ingress-nginx's own
 * validator (controller-v1.15.1) and never looser than safeValueProblem.
 */
const DEFAULT_TENANT_ANNOTATIONS: readonly AnnotationRule[] = [
  oneOf(`${P}proxy-buffering`, ['on', 'off']),
  oneOf(`${P}proxy-request-buffering`, ['on', 'off']),
  { key: `${P}proxy-buffer-size`, ...SIZE },
  { key: `${P}proxy-buffers-number`, pattern: /^[1-9][0-9]?$/, expected: 'a number from 1 to 99' },
  { key: `${P}client-body-buffer-size`, ...SIZE },
  { key: `${P}proxy-next-upstream`, pattern: /^(error|timeout|invalid_header|http_50[0234]|http_40[34]|http_429|non_idempotent|off)( (error|timeout|invalid_header|http_50[0234]|http_40[34]|http_429|non_idempotent))*$/, expected: 'space-separated conditions such as "error timeout http_502"' },
  { key: `${P}proxy-next-upstream-tries`, pattern: /^[0-9]{1,2}$/, expected: 'a number from 0 to 99' },
  { key: `${P}proxy-next-upstream-timeout`, pattern: /^[0-9]{1,4}$/, expected: 'seconds, 0 to 9999' },
  oneOf(`${P}load-balance`, ['round_robin', 'ewma']),
  BOOL('enable-access-log'),
  BOOL('force-ssl-redirect'),
  BOOL('service-upstream'),
  { key: `${P}custom-http-errors`, pattern: /^[45][0-9]{2}(,[45][0-9]{2})*$/, expected: 'status codes such as 404,503' },
  { key: `${P}x-forwarded-prefix`, ...PATH_VALUE },
  { key: `${P}app-root`, ...PATH_VALUE },
  { key: `${P}allowlist-source-range`, ...CIDRS },
  { key: `${P}denylist-source-range`, ...CIDRS },
];

/** What tenant-edge's model needs to know about ingress-nginx: names, limits and refusals. */
export const nginxPolicy: FlavourPolicy = {
  id: 'nginx',
  notice:
    'notice: ingress-nginx is retired upstream (no fixes since March 2026); plan a move to another controller flavour',
  defaultChart: { repository: 'https://kubernetes.github.io/ingress-nginx', name: 'ingress-nginx', version: '4.15.1' },
  defaultSharedNamespace: 'ingress-nginx',
  sharedReleaseName: 'ingress-nginx',
  sharedControllerValue: 'k8s.io/ingress-nginx',
  // The chart names its admission Jobs <release>-admission-create (17 more characters) and Job
  // names end up in 63-character pod labels, so longer release names get cut silently.
  maxReleaseNameLength: 46,

  dedicatedReleaseName: (tenant) => `ingress-nginx-${tenant}`,
  // The chart names the service account after the release (ingress-nginx.serviceAccountName in
  // charts/ingress-nginx/templates/_helpers.tpl, chart 4.15.1) unless serviceAccount.name is set.
  serviceAccountName: (release) => release,
  dedicatedClassName: (tenant) => `nginx-${tenant}`,
  dedicatedControllerValue: (tenant) => `k8s.io/ingress-nginx-${tenant}`,

  routeAnnotations(o: RouteOptions): Record<string, string> {
    const a: Record<string, string> = {};
    if (o.sslRedirect !== undefined) a[`${P}ssl-redirect`] = String(o.sslRedirect);
    if (o.bodySize !== undefined) a[`${P}proxy-body-size`] = o.bodySize;
    const t = o.timeouts ?? {};
    if (t.connect !== undefined) a[`${P}proxy-connect-timeout`] = String(t.connect);
    if (t.read !== undefined) a[`${P}proxy-read-timeout`] = String(t.read);
    if (t.send !== undefined) a[`${P}proxy-send-timeout`] = String(t.send);
    if (o.websocket) {
      // ingress-nginx forwards Upgrade headers by itself; what breaks sockets is the 60s idle timeout.
      a[`${P}proxy-http-version`] = '1.1';
      a[`${P}proxy-read-timeout`] ??= '3600';
      a[`${P}proxy-send-timeout`] ??= '3600';
    }
    const r = o.rateLimit ?? {};
    if (r.rps !== undefined) a[`${P}limit-rps`] = String(r.rps);
    if (r.rpm !== undefined) a[`${P}limit-rpm`] = String(r.rpm);
    if (r.connections !== undefined) a[`${P}limit-connections`] = String(r.connections);
    if (r.burstMultiplier !== undefined) a[`${P}limit-burst-multiplier`] = String(r.burstMultiplier);
    if (o.cors) {
      a[`${P}enable-cors`] = 'true';
      a[`${P}cors-allow-origin`] = o.cors.allowOrigins.join(', ');
      if (o.cors.allowMethods) a[`${P}cors-allow-methods`] = o.cors.allowMethods.join(', ');
      if (o.cors.allowHeaders) a[`${P}cors-allow-headers`] = o.cors.allowHeaders.join(', ');
      if (o.cors.allowCredentials !== undefined) a[`${P}cors-allow-credentials`] = String(o.cors.allowCredentials);
      if (o.cors.maxAge !== undefined) a[`${P}cors-max-age`] = String(o.cors.maxAge);
    }
    if (o.affinity) {
      a[`${P}affinity`] = 'cookie';
      a[`${P}session-cookie-name`] = o.affinity.cookieName;
      if (o.affinity.expires !== undefined) {
        a[`${P}session-cookie-expires`] = String(o.affinity.expires);
        a[`${P}session-cookie-max-age`] = String(o.affinity.expires);
      }
    }
    if (o.rewriteTarget !== undefined) {
      a[`${P}rewrite-target`] = o.rewriteTarget;
      a[`${P}use-regex`] = 'true';
    }
    if (o.backendProtocol !== undefined) a[`${P}backend-protocol`] = o.backendProtocol;
    return a;
  },

  defaultTenantAnnotations: DEFAULT_TENANT_ANNOTATIONS,
  valueBlocklist: VALUE_BLOCKLIST,

  refuseAnnotation(key: string): string | undefined {
    if (SNIPPET.test(key)) {
      return 'snippet annotations inject raw NGINX configuration and let the route read every Secret the controller can (CVE-2021-25742)';
    }
    if (key === `${P}ssl-passthrough`) return 'TLS passthrough is not a route option; it bypasses every other setting of the route';
    if (key.startsWith(P)) {
      const reach = REACHING_ANNOTATIONS.find(([pattern]) => pattern.test(key.slice(P.length)));
      if (reach) return reach[1];
      return undefined;
    }
    if (key === 'kubernetes.io/ingress.class') return 'the ingress class is chosen by tenant-edge (dedicated or shared controller)';
    if (key.startsWith('cert-manager.io/') || key.startsWith('acme.cert-manager.io/')) {
      return 'certificates are rendered as Certificate objects; use the route\'s tls setting';
    }
    const owner = FOREIGN_PREFIXES.find((prefix) => key.startsWith(prefix) || key.split('/')[0].endsWith(`.${prefix.replace(/\/$/, '')}`));
    if (owner) return `annotations under ${owner} steer ${owner.startsWith('kustomize') || owner.startsWith('fluxcd') ? 'Flux' : 'another controller'}, not the route`;
    return undefined;
  },

  refusePath(path: string, pathType: string, options: RouteOptions): string | undefined {
    // ingress-nginx's deep inspection (internal/ingress/inspector, on by default) drops the whole
    // Ingress when a path matches one of these.
    const denied = INSPECTOR_DENIED.find((re) => re.test(path));
    if (denied) return `${JSON.stringify(path)} matches ${denied.source}, which ingress-nginx's inspector refuses in any path`;
    if (pathType === 'ImplementationSpecific') {
      if (!REGEX_PATH.test(path)) {
        return `${JSON.stringify(path)} may hold only letters, digits and / _ . ~ % - ^ $ [ ] ( ) * + ? | & = : , @ ! (no quotes, braces, semicolons, backslashes, spaces or control characters: the path is written into NGINX's configuration)`;
      }
      return undefined;
    }
    if (options.rewriteTarget !== undefined) {
      return `rewriteTarget turns paths into regular expressions; set pathType: ImplementationSpecific (got ${pathType})`;
    }
    if (!PLAIN_PATH.test(path)) {
      return `${JSON.stringify(path)} is not a plain path; ingress-nginx refuses regular expressions in ${pathType} paths (use pathType: ImplementationSpecific)`;
    }
    return undefined;
  },
};
