import { RouteOptions } from '../spec/types';
import { ControllerFlavour, ControllerSettings } from './flavour';

const P = 'nginx.ingress.kubernetes.io/';

/** Annotation suffixes that inject raw NGINX configuration; any Ingress author could read every Secret. */
const SNIPPET = /snippet/i;

/**
 * Characters ingress-nginx (v1.12+, strict-validate-path-type) accepts in Prefix and Exact paths;
 * anything else needs pathType ImplementationSpecific.
 */
const PLAIN_PATH = /^\/[A-Za-z0-9/_.~%-]*$/;

/** ingress-nginx, the controller the seeds use. Retired upstream: fixes ended in March 2026. */
export const nginxFlavour: ControllerFlavour = {
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
  // With rbac.scope: true the chart renders no ClusterRole (templates/clusterrole.yaml renders only
  // `if not .Values.rbac.scope`). The controller then cannot list IngressClasses, and
  // cmd/nginx/main.go (controller-v1.15.1) sets IgnoreIngressClass = true on Forbidden, after which
  // GetIngressClass in internal/ingress/controller/store/store.go ignores spec.ingressClassName and
  // every Ingress of the tenant is dropped. Listing and watching IngressClasses is the only
  // cluster-scoped access a --watch-namespace controller needs (the namespace get is in the chart's
  // Role; the node get at start-up only logs a warning when refused).
  scopedClusterRules: [{ apiGroups: ['networking.k8s.io'], resources: ['ingressclasses'], verbs: ['get', 'list', 'watch'] }],
  dedicatedClassName: (tenant) => `nginx-${tenant}`,
  dedicatedControllerValue: (tenant) => `k8s.io/ingress-nginx-${tenant}`,

  values(s: ControllerSettings): Record<string, unknown> {
    const serviceAnnotations: Record<string, string> = {};
    const service: Record<string, unknown> = { type: 'LoadBalancer' };
    if (s.cloud === 'azure') {
      // AKS probes "/" unless told otherwise, and the controller answers 404 there.
      serviceAnnotations['service.beta.kubernetes.io/azure-load-balancer-health-probe-request-path'] = '/healthz';
      if (s.loadBalancerIP) {
        const family = s.loadBalancerIP.includes(':') ? 'ipv6' : 'ipv4';
        serviceAnnotations[`service.beta.kubernetes.io/azure-load-balancer-${family}`] = s.loadBalancerIP;
        if (s.resourceGroup) {
          serviceAnnotations['service.beta.kubernetes.io/azure-load-balancer-resource-group'] = s.resourceGroup;
        }
      }
    } else if (s.loadBalancerIP) {
      service.loadBalancerIP = s.loadBalancerIP;
    }
    if (Object.keys(serviceAnnotations).length > 0) service.annotations = serviceAnnotations;

    const controller: Record<string, unknown> = {
      replicaCount: s.replicas,
      ingressClass: s.className,
      ingressClassByName: true,
      ingressClassResource: {
        name: s.className,
        enabled: true,
        default: false,
        controllerValue: s.controllerValue,
      },
      electionID: `${s.releaseName}-leader`,
      allowSnippetAnnotations: false,
      service,
    };
    if (s.namespaced) {
      controller.scope = { enabled: true, namespace: s.namespace };
      // The chart's admission webhook otherwise sees every Ingress in the cluster with
      // failurePolicy Fail: one tenant's controller being down would block everyone's changes.
      controller.admissionWebhooks = {
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': s.namespace } },
      };
    }
    if (s.serviceMonitorLabels) {
      controller.metrics = {
        enabled: true,
        serviceMonitor: { enabled: true, additionalLabels: s.serviceMonitorLabels },
      };
    }
    const values: Record<string, unknown> = { controller };
    if (s.namespaced) values.rbac = { scope: true };
    return values;
  },

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

  refuseAnnotation(key: string): string | undefined {
    if (SNIPPET.test(key)) {
      return 'snippet annotations are refused: they inject raw NGINX configuration and let the route read every Secret the controller can (CVE-2021-25742)';
    }
    if (key === `${P}ssl-passthrough`) return 'TLS passthrough is not a route option; it bypasses every other setting of the route';
    if (key === 'kubernetes.io/ingress.class') return 'the ingress class is chosen by tenant-edge (dedicated or shared controller)';
    if (key.startsWith('cert-manager.io/') || key.startsWith('acme.cert-manager.io/')) {
      return 'certificates are rendered as Certificate objects; use the route\'s tls setting';
    }
    return undefined;
  },

  refusePath(path: string, pathType: string, options: RouteOptions): string | undefined {
    if (pathType === 'ImplementationSpecific') return undefined;
    if (options.rewriteTarget !== undefined) {
      return `rewriteTarget turns paths into regular expressions; set pathType: ImplementationSpecific (got ${pathType})`;
    }
    if (!PLAIN_PATH.test(path)) {
      return `${JSON.stringify(path)} is not a plain path; ingress-nginx refuses regular expressions in ${pathType} paths (use pathType: ImplementationSpecific)`;
    }
    return undefined;
  },
};
