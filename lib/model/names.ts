/**
 * Every object name tenant-edge derives, in one place. Names are part of the output contract:
 * Flux prunes what disappears, so renaming one deletes and recreates the object in the cluster.
 */
export const names = {
  /** Flux Kustomization that applies an environment's platform part. */
  platformKustomization: 'edge-platform',
  /** Flux Kustomization that applies one tenant's folder. */
  tenantKustomization: (tenant: string) => `edge-tenant-${tenant}`,
  /** Ingress of a route (in the tenant namespace). */
  ingress: (route: string) => route,
  /** Certificate of a route with tls: certManager. */
  certificate: (route: string) => `${route}-tls`,
  /** Secret the route's Certificate writes and its Ingress reads. */
  tlsSecret: (route: string) => `${route}-tls`,
  /** Secret holding an ACME account key. */
  acmeAccountKey: (issuer: string) => `${issuer}-account-key`,
  /** PrometheusRule with a tenant's certificate alerts. */
  certificateAlerts: 'edge-certificates',
} as const;

/** Kubernetes name limits that matter for derived names. */
export const LIMITS = {
  /** DNS labels and label values (namespaces, and names copied into labels by controllers). */
  label: 63,
  /** Helm release names. */
  helmRelease: 53,
} as const;

/** Labels carried by every rendered object. */
export const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'tenant-edge' } as const;

/** The Flux multi-tenancy label. */
export const TENANT_LABEL = 'toolkit.fluxcd.io/tenant';

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
] as const;
