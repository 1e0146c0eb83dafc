import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { RouteHostGuard } from '../constructs/admission/route-host-guard';
import { PlainApiObject } from '../constructs/api-object';
import { AcmeIssuer } from '../constructs/cert-manager/acme-issuer';
import { CLUSTER_ISSUER_HEALTH_CHECK } from '../constructs/cert-manager/health-checks';
import { Namespace } from '../constructs/core/namespace';
import { FluxKustomization } from '../constructs/flux/kustomization';
import { ChartRepository } from '../constructs/flux/helm-repository';
import { placeIn } from '../constructs/placement';
import { ClusterRole, RoleRule } from '../constructs/rbac/cluster-role';
import { flavourFor, passthroughFor } from '../flavours/registry';
import { ControlPlanesModel, EnvironmentModel, FluxModel } from '../model/model';
import { MANAGED_BY, names } from '../model/names';
import { ingressController } from './controller';
import { platformDns } from './dns';

/**
 * An operator that renders its own route for a control plane (Steward does, for a
 * TenantControlPlane with spec.controlPlane.ingress) collides with tenant-edge's: with class nginx
 * the admission webhook refuses edge-apiserver-<t> as an overlap; on a shared Traefik its
 * IngressRouteTCP also claims the generic kubernetes* names for one tenant. The operator's Ingress
 * belongs in the IngressClass no controller serves, which tenant-edge renders; in the control
 * planes' namespace, any other route naming these hosts is refused with the settings to use.
 */
function controlPlaneHostGuard(scope: Construct, cp: ControlPlanesModel, flux: FluxModel): void {
  new PlainApiObject(scope, 'UnroutedClass', {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'IngressClass',
    metadata: { name: names.unroutedIngressClass },
    body: { spec: { controller: 'tenant-edge.dev/unrouted' } },
  });
  new RouteHostGuard(scope, 'HostGuard', {
    name: names.controlPlaneHostGuard,
    namespace: cp.namespace,
    domains: [`k8s.${cp.domain}`, `konnectivity.${cp.domain}`],
    // edge-platform and each edge-cluster-<t> apply as this account, with or without the lockdown.
    ownerUsers: [`system:serviceaccount:${flux.namespace}:${flux.kustomizeServiceAccount}`],
    unroutedIngressClass: names.unroutedIngressClass,
    message: `tenant-edge routes the control planes' hostnames (*.k8s.${cp.domain}, *.konnectivity.${cp.domain}) in ${cp.namespace}: give the operator's own Ingress ingressClassName ${names.unroutedIngressClass} (Steward: spec.controlPlane.ingress.controllerType generic and ingressClassName ${names.unroutedIngressClass}), and no other route these names`,
  });
}

export interface PlatformChartProps {
  readonly environment: EnvironmentModel;
}

/**
 * What a tenant's namespace Kustomization may apply, in its own namespace only (bound there by a
 * RoleBinding): exactly the kinds tenants/<t>/namespace/ holds. Server-side apply needs get,
 * create and patch; prune needs delete; health checks need get, list and watch.
 */
export const TENANT_APPLIER_RULES: readonly RoleRule[] = [
  { apiGroups: ['networking.k8s.io'], resources: ['ingresses'], verbs: ['get', 'list', 'watch', 'create', 'patch', 'delete'] },
  { apiGroups: ['cert-manager.io'], resources: ['certificates', 'issuers'], verbs: ['get', 'list', 'watch', 'create', 'patch', 'delete'] },
  { apiGroups: ['monitoring.coreos.com'], resources: ['prometheusrules'], verbs: ['get', 'list', 'watch', 'create', 'patch', 'delete'] },
];

/**
 * The part of an environment every tenant depends on: ClusterIssuers, chart repositories, the
 * shared ingress controller and the role tenants' objects are applied with, plus the Flux
 * Kustomization that applies them.
 */
export class PlatformChart extends Chart {
  constructor(scope: Construct, id: string, props: PlatformChartProps) {
    super(scope, id, { disableResourceNameHashes: true, labels: { ...MANAGED_BY } });
    const env = props.environment;
    const flux = env.flux;

    const issuers = new Construct(this, 'ClusterIssuers');
    placeIn(issuers, 'platform/cluster-issuers.yaml');
    for (const issuer of env.issuers) new AcmeIssuer(issuers, issuer.name, { ...issuer, accountKeySecret: names.acmeAccountKey(issuer.name) });

    const repos = new Construct(this, 'Repositories');
    placeIn(repos, 'platform/helm-repositories.yaml');
    for (const repo of env.repositories) {
      new ChartRepository(repos, repo.name, { name: repo.name, namespace: flux.namespace, url: repo.url });
    }

    const applier = new ClusterRole(this, 'TenantApplier', { name: names.tenantApplierRole, rules: TENANT_APPLIER_RULES });
    placeIn(applier, 'platform/tenant-access.yaml');

    const shared = env.sharedController;
    if (shared) {
      const scope = new Construct(this, 'SharedIngress');
      placeIn(scope, 'platform/shared-ingress.yaml');
      // Nothing but the controller runs there, and its pods satisfy the restricted standard.
      new Namespace(scope, 'Namespace', { name: shared.namespace, podSecurity: 'restricted' });
      ingressController(scope, shared, flavourFor(env.flavour.id), flux);
    }

    if (env.controlPlanes) {
      // What the control planes' routes share (the gateway type's Gateway); most types have nothing.
      const scope = new Construct(this, 'ControlPlanes');
      placeIn(scope, 'platform/control-planes.yaml');
      passthroughFor(env.controlPlanes.controller).shared?.(scope, env.controlPlanes);
      controlPlaneHostGuard(scope, env.controlPlanes, flux);
    }

    if (env.dns) platformDns(this, env.dns, flux);

    const sync = new FluxKustomization(this, 'Sync', {
      name: names.platformKustomization,
      namespace: flux.namespace,
      path: `${flux.envPath}/platform`,
      sourceRef: flux.sourceRef,
      interval: flux.interval,
      retryInterval: flux.retryInterval,
      timeout: flux.timeout,
      serviceAccountName: flux.kustomizeServiceAccount,
      // Ready only once each ClusterIssuer has registered its ACME account.
      healthCheckExprs: env.issuers.length > 0 ? [CLUSTER_ISSUER_HEALTH_CHECK] : undefined,
    });
    placeIn(sync, 'flux/platform.yaml');
  }
}
