import { Construct } from 'constructs';
import { Ingress } from '../../constructs/networking/ingress';
import { ControllerSettings } from '../policy';
import { FlavourEmit, HttpRouteContext } from '../emit';
import { HttpRouteModel } from '../../model/model';
import { nginxPolicy, VALUE_BLOCKLIST } from './policy';
import { MANAGED_BY, names } from '../../model/names';

/**
 * Controller settings tenant-edge pins rather than leaving to the chart's and controller's
 * defaults, which a new release could change (controller ConfigMap keys, read by
 * internal/ingress/controller/config/config.go at controller-v1.15.1):
 *  - allow-cross-namespace-resources "false": annotations may not name Secrets or services of
 *    other namespaces (read in store.go and the auth, authtls, proxyssl and fastcgi parsers);
 *  - annotations-risk-level "Medium": an Ingress with a High or Critical annotation (server-alias,
 *    auth-url, mirror-target, snippets, ...) is refused by the webhook and skipped at sync
 *    (parser.CheckAnnotationRisk); every typed option and default tenant annotation is Low or
 *    Medium. The default is "High", which lets High-risk annotations through;
 *  - strict-validate-path-type "true": Exact and Prefix paths must be plain paths (default true);
 *  - annotation-value-word-blocklist: annotation values containing these words are refused
 *    (default empty; controller.go and store.go);
 *  - use-forwarded-headers "false": the scheme force-ssl-redirect judges is the connection's own.
 *    With it on, lua_ingress.lua (rootfs/etc/nginx/lua) takes the scheme from the client's
 *    X-Forwarded-Proto, and a plain-HTTP request claiming https would be proxied to a control
 *    plane's API server (nginx/passthrough.ts). Default false; pinned.
 */
const PINNED_CONFIG = {
  'allow-cross-namespace-resources': 'false',
  'annotations-risk-level': 'Medium',
  'strict-validate-path-type': 'true',
  'annotation-value-word-blocklist': VALUE_BLOCKLIST.join(','),
  'use-forwarded-headers': 'false',
};

/**
 * Controller flags: --disable-svc-external-name (pkg/flags/flags.go, controller-v1.15.1) stops an
 * Ingress backend from being an ExternalName Service, which could point at any Service in the
 * cluster or any host outside it.
 */
const PINNED_ARGS = { 'disable-svc-external-name': 'true' };

/**
 * The container securityContext of the controller, pinned rather than left to the chart: what the
 * restricted Pod Security Standard asks (non-root, no privilege escalation, every capability
 * dropped but NET_BIND_SERVICE, RuntimeDefault seccomp), which the shared controller's namespace
 * enforces. Chart 4.15.1 renders controller.containerSecurityContext verbatim when it is set, and
 * otherwise builds the same from controller.image.* (templates/_helpers.tpl,
 * ingress-nginx.controller.containerSecurityContext), where chroot: true would add SYS_CHROOT and
 * SYS_ADMIN and allow escalation. User 101 and group 82 are the official image's www-data, which
 * values.yaml says must not change; its root filesystem stays writable, because NGINX writes its
 * configuration at run time.
 */
const CONTROLLER_SECURITY_CONTEXT = {
  runAsNonRoot: true,
  runAsUser: 101,
  runAsGroup: 82,
  allowPrivilegeEscalation: false,
  seccompProfile: { type: 'RuntimeDefault' },
  capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] },
  readOnlyRootFilesystem: false,
};

/**
 * The admission webhook's certificate jobs (createSecretJob, patchWebhookJob), pinned the same way:
 * chart 4.15.1's defaults, the restricted standard with nothing added (values.yaml; rendered
 * verbatim by templates/admission-webhooks/job-patch/job-*.yaml). 65532 is the kube-webhook-certgen
 * image's nonroot user.
 */
const JOB_SECURITY_CONTEXT = {
  runAsNonRoot: true,
  runAsUser: 65532,
  runAsGroup: 65532,
  allowPrivilegeEscalation: false,
  seccompProfile: { type: 'RuntimeDefault' },
  capabilities: { drop: ['ALL'] },
  readOnlyRootFilesystem: true,
};

/** Requests so the scheduler reserves room, and a memory limit; no CPU limit, which would throttle bursts. */
const RESOURCES = { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '512Mi' } };

/** How ingress-nginx is installed and how routes reach it: Helm values, annotations and Ingresses. */
export const nginxEmit: FlavourEmit = {
  // With rbac.scope: true the chart renders no ClusterRole (templates/clusterrole.yaml renders only
  // `if not .Values.rbac.scope`). The controller then cannot list IngressClasses, and
  // cmd/nginx/main.go (controller-v1.15.1) sets IgnoreIngressClass = true on Forbidden, after which
  // GetIngressClass in internal/ingress/controller/store/store.go ignores spec.ingressClassName and
  // every Ingress of the tenant is dropped. Listing and watching IngressClasses is the only
  // cluster-scoped access a --watch-namespace controller needs (the namespace get is in the chart's
  // Role; the node get at start-up only logs a warning when refused).
  scopedClusterRules: [{ apiGroups: ['networking.k8s.io'], resources: ['ingressclasses'], verbs: ['get', 'list', 'watch'] }],

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
    if (s.externalDnsHosts && s.externalDnsHosts.length > 0) {
      // external-dns v0.22.0 reads this prefix by default (source/annotations/annotations.go);
      // the older external-dns.alpha.kubernetes.io/ one only with --annotation-prefix.
      serviceAnnotations['external-dns.kubernetes.io/hostname'] = s.externalDnsHosts.join(',');
      // For external-dns's --label-filter: the Services it should read (the chart copies
      // controller.service.labels onto the Service, templates/controller-service.yaml).
      service.labels = { [names.externalDnsLabel]: 'true' };
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
      config: PINNED_CONFIG,
      // --enable-ssl-passthrough (pkg/flags/flags.go): without it ssl-passthrough does nothing. With
      // it, a TCP proxy in the controller reads the SNI of every connection on 443 and hands
      // the others to NGINX on 442 (nginx.go, template.go).
      extraArgs: s.sslPassthrough ? { ...PINNED_ARGS, 'enable-ssl-passthrough': 'true' } : PINNED_ARGS,
      resources: RESOURCES,
      containerSecurityContext: CONTROLLER_SECURITY_CONTEXT,
      service,
    };
    // The chart's admission webhook otherwise sees every Ingress in the cluster with
    // failurePolicy Fail: a controller being down would block everyone's changes. A dedicated
    // controller's sees its namespace; the shared one's, the Ingresses tenant-edge renders.
    controller.admissionWebhooks = {
      ...(s.namespaced ? { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': s.namespace } } } : { objectSelector: { matchLabels: { ...MANAGED_BY } } }),
      createSecretJob: { securityContext: JOB_SECURITY_CONTEXT },
      patchWebhookJob: { securityContext: JOB_SECURITY_CONTEXT },
    };
    if (s.namespaced) {
      controller.scope = { enabled: true, namespace: s.namespace };
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

  httpRoute(scope: Construct, route: HttpRouteModel, ctx: HttpRouteContext): void {
    new Ingress(scope, route.name, {
      name: ctx.name,
      namespace: ctx.namespace,
      className: ctx.className,
      hosts: route.hosts,
      paths: route.paths,
      tlsSecretName: route.tls.mode === 'none' ? undefined : route.tls.secretName,
      annotations: { ...route.annotations, ...nginxPolicy.routeAnnotations(route.options) },
    });
  },
};
