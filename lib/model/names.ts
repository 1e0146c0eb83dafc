import { createHash } from 'crypto';

/**
 * Every object name tenant-edge derives, in one place. Names are part of the output contract:
 * Flux prunes what disappears, so renaming one deletes and recreates the object in the cluster.
 */
export const names = {
  /** Flux Kustomization that applies an environment's platform part. */
  platformKustomization: 'edge-platform',
  /**
   * Flux Kustomization that applies the objects inside a tenant's namespace
   * (tenants/<t>/namespace/), impersonating the tenant's service account.
   */
  tenantKustomization: (tenant: string) => `edge-namespace-${tenant}`,
  /**
   * Flux Kustomization that applies a tenant's cluster-level objects (tenants/<t>/cluster/): its
   * namespace, access and ingress controller, with the platform's rights.
   *
   * Each kind of Kustomization has a prefix of its own, so no tenant name can produce another
   * tenant's Kustomization (with edge-tenant-<t> and edge-tenant-<t>-cluster, tenant "a"'s cluster
   * Kustomization would be tenant "a-cluster"'s namespace one). Neither reuses tenant-edge 0.1's
   * edge-tenant-<t>, whose inventory holds objects the tenant's account may not touch.
   */
  tenantClusterKustomization: (tenant: string) => `edge-cluster-${tenant}`,
  /** Service account (in the Flux namespace) the tenant's namespace Kustomization impersonates. */
  tenantServiceAccount: (tenant: string) => `edge-tenant-${tenant}`,
  /** RoleBinding, in the tenant namespace, that gives the tenant's service account its rights. */
  tenantApplierBinding: 'edge-tenant-applier',
  /** ClusterRole with what a tenant's namespace Kustomization may apply (bound per namespace). */
  tenantApplierRole: 'tenant-edge-namespace-applier',
  /** Ingress of a route (in the tenant namespace). */
  ingress: (route: string) => route,
  /**
   * The tenant's shared Certificate, and the Secret it writes. It cannot clash with a route's own
   * certificate: those end in -tls.
   */
  tenantCertificate: 'edge-certificate',
  /** Certificate of a route that asks for its own (tls: {ownCertificate: true}). */
  certificate: (route: string) => `${route}-tls`,
  /** Secret a route's own Certificate writes and its Ingress reads. */
  tlsSecret: (route: string) => `${route}-tls`,
  /** Secret holding an ACME account key. */
  acmeAccountKey: (issuer: string) => `${issuer}-account-key`,
  /** PrometheusRule with a tenant's certificate alerts. */
  certificateAlerts: 'edge-certificates',
  /**
   * Passthrough routes of a tenant's control plane, in the control planes' namespace, which all
   * tenants share with the operator's own objects: the edge- prefix keeps clear of those, and a
   * prefix per kind keeps one tenant's name from producing another's route.
   */
  apiServerRoute: (tenant: string) => `edge-apiserver-${tenant}`,
  konnectivityRoute: (tenant: string) => `edge-konnectivity-${tenant}`,
  /** ConfigMap (control planes' namespace) with the names a tenant's API server certificate needs. */
  controlPlaneSans: (tenant: string) => `edge-cert-sans-${tenant}`,
  /** Gateway (control planes' namespace) whose TLS Passthrough listeners carry the control planes (gateway type). */
  controlPlaneGateway: 'edge-control-planes',
  /**
   * IngressClass no controller serves (controller tenant-edge.dev/unrouted): the class of the
   * operator's own Ingress for a control plane (Steward's spec.controlPlane.ingress), which only
   * supplies the hostname the operator writes into kubeconfigs; tenant-edge's routes carry the traffic.
   */
  unroutedIngressClass: 'edge-unrouted',
  /** ValidatingAdmissionPolicy (and binding) that keeps the control planes' hostnames to tenant-edge's routes. */
  controlPlaneHostGuard: 'tenant-edge-control-plane-hosts',
  /**
   * Flux Kustomization (control planes' namespace, where the operator writes the kubeconfig it
   * uses) that applies a tenant's tcp-proxy into the tenant's own cluster.
   */
  tcpProxyKustomization: (tenant: string) => `edge-tcp-proxy-${tenant}`,
  /** Deployment, Service, ServiceAccount, Roles and PodDisruptionBudget of the tcp-proxy, inside the tenant's cluster. */
  tcpProxy: 'edge-tcp-proxy',
  /**
   * Flux Kustomization (DNS namespace) that applies a tenant's zone and record sets
   * (tenants/<t>/dns/) and waits until Azure has them.
   */
  zoneKustomization: (tenant: string) => `edge-zone-${tenant}`,
  /**
   * Flux Kustomization (DNS namespace) that applies a tenant's delegation (tenants/<t>/delegation/),
   * substituting the zone's name servers from the ConfigMap the operator writes.
   */
  delegationKustomization: (tenant: string) => `edge-delegation-${tenant}`,
  /** Flux Kustomization (DNS namespace) that applies an environment's parent zone and its records (dns/). */
  parentZoneKustomization: 'edge-parent-zone',
  /** ConfigMap (DNS namespace) the operator writes a tenant zone's name servers into. */
  nameServersConfigMap: (tenant: string) => `edge-name-servers-${tenant}`,
  /** Keys of that ConfigMap, which are also the delegation's substitution variables. */
  nameServerKeys: ['nameServer1', 'nameServer2', 'nameServer3', 'nameServer4'],
  /** Service account (DNS namespace) the DNS Kustomizations impersonate, and its Role and RoleBinding. */
  dnsApplier: 'edge-dns-applier',
  /** ClusterRole with what the DNS Kustomizations may apply (bound in the DNS namespace only). */
  dnsApplierRole: 'tenant-edge-dns-applier',
  /**
   * Label on a Certificate whose names lie in the tenant's own zone; the DNS-01 issuers' second
   * solver selects it and finds the zone by SOA lookup.
   */
  tenantZoneSolverLabel: 'tenant-edge.dev/dns01-zone',
  /**
   * Label (value "true") on a dedicated controller's Service whose hosts external-dns writes, for
   * external-dns's --label-filter.
   */
  externalDnsLabel: 'tenant-edge.dev/external-dns',
  /** ValidatingAdmissionPolicy (and binding) that keeps external-dns's Service metadata in tenant namespaces to helm-controller. */
  externalDnsGuard: 'tenant-edge-external-dns',
  /**
   * Object name of a zone (its own name) or of a record set (its full name, `@` spelt out):
   * `acme.matih.ai`, `ws.acme.matih.ai`. Object names cannot hold `*` or `_`; a record set name
   * that has them is spelt with `wildcard` and `-` (with an `x` where a label would start or end
   * with `-`), and its first label gets a short digest of the name as written:
   * `wildcard-bcadf3.k8s.matih.ai` for `*.k8s`, `x-dmarc-76bd5f.acme.matih.ai` for `_dmarc`. So a spelling never stands for
   * two names over time: the operator cannot change a record set's azureName, and `_dmarc` and
   * `x-dmarc` are different objects. Two that still come out equal are refused (build/dns.ts).
   */
  dnsObject: (relativeName: string, zone: string) => {
    if (relativeName === '@') return zone;
    const labels = relativeName.split('.').map((l) => {
      if (l === '*') return 'wildcard';
      let out = l.replace(/_/g, '-');
      if (out.startsWith('-')) out = `x${out}`;
      if (out.endsWith('-')) out = `${out}x`;
      return out;
    });
    if (labels.join('.') !== relativeName) labels[0] = `${labels[0]}-${createHash('sha256').update(relativeName).digest('hex').slice(0, 6)}`;
    return `${labels.join('.')}.${zone}`;
  },
} as const;

/**
 * Kubernetes name limits. Names derived from a tenant's name are held to the limits of everything
 * that reads them in rules/derived-names.ts.
 */
export const LIMITS = {
  /** DNS labels and label values (namespaces, and names copied into labels by controllers). */
  label: 63,
  /** Helm release names. */
  helmRelease: 53,
} as const;

/** Value of names.tenantZoneSolverLabel on a tenant zone's Certificates. */
export const TENANT_ZONE_LABEL_VALUE = 'tenant';

/** Labels carried by every rendered object. */
export const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'tenant-edge' } as const;

/**
 * The Flux multi-tenancy label. constructs/flux/annotations.ts defines it too, because the
 * constructs import nothing of tenant-edge; a test keeps the two equal.
 */
export const TENANT_LABEL = 'toolkit.fluxcd.io/tenant';

/**
 * Tenant names no tenant may take, whatever the platform says: a tenant's domain is
 * <name>.<environment domain>, and these are names a platform keeps for itself there (web and
 * mail hosts, name servers, and the control-plane names of passthrough routing).
 */
export const BUILTIN_RESERVED_TENANT_NAMES = [
  'www', 'api', 'app', 'apps', 'mail', 'smtp', 'imap', 'pop', 'mx', 'ns', 'ns1', 'ns2', 'dns', 'ftp', 'vpn',
  'autodiscover', 'autoconfig', 'admin', 'status', 'static', 'cdn', 'auth', 'login', 'sso', 'k8s', 'konnectivity',
  'platform', 'ingress', 'edge', 'acme-challenge',
] as const;

/** Namespaces no tenant may take, whatever the platform says. */
export const BUILTIN_RESERVED_NAMESPACES = [
  'default',
  'kube-system',
  'kube-public',
  'kube-node-lease',
  'flux-system',
  'cert-manager',
  'monitoring',
  'gatekeeper-system',
  'tigera-operator',
  'calico-system',
  // Namespaces of common cluster add-ons, on AKS and elsewhere. A platform sets
  // tenantNamespacePrefix so that this list is not the only guard.
  'calico-apiserver',
  'istio-system',
  'aks-istio-system',
  'aks-istio-ingress',
  'app-routing-system',
  'azure-arc',
  'kyverno',
  'velero',
  'external-dns',
  'external-secrets',
  'argocd',
  'linkerd',
  'cattle-system',
  'ingress-nginx',
  'traefik',
  'haproxy-controller',
  'kubernetes-dashboard',
  'prometheus',
  'grafana',
  'logging',
  'vault',
] as const;

/**
 * True for a namespace of the cluster or of a common add-on: the built-in list, and every
 * `kube-` name (Kubernetes keeps the prefix for itself). No tenant, and no part of tenant-edge
 * (the control planes', the DNS objects'), may use one.
 */
export function isClusterNamespace(namespace: string): boolean {
  return (BUILTIN_RESERVED_NAMESPACES as readonly string[]).includes(namespace) || namespace.startsWith('kube-');
}
