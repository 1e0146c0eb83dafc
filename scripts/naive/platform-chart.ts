// Benchmark baseline (scripts/naive-cdk8s.ts): tenant-edge's construct as it was before the plain-data
// constructs, built on cdk8s's generated classes. Not part of the product; kept for the comparison and
// for test/naive-equivalence.test.ts.
import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { KubeNamespace } from 'cdk8s-plus-28/lib/imports/k8s';
import { AcmeIssuer } from './acme-issuer';
import { ChartRepository } from './chart-repository';
import { ClusterRole, RoleRule } from './cluster-role';
import { FluxKustomization } from './flux-kustomization';
import { CLUSTER_ISSUER_HEALTH_CHECK } from '../../lib/constructs/cert-manager/health-checks';
import { IngressController } from './ingress-controller';
import { EnvironmentModel } from '../../lib/model/model';
import { MANAGED_BY, names } from '../../lib/model/names';
import { placeIn } from '../../lib/constructs/placement';
import { flavourFor } from '../../lib/flavours/registry';
import { podSecurityLabels } from './tenant-namespace';

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
    super(scope, id, { disableResourceNameHashes: true });
    const env = props.environment;
    const flux = env.flux;

    const issuers = new Construct(this, 'ClusterIssuers');
    placeIn(issuers, 'platform/cluster-issuers.yaml');
    for (const issuer of env.issuers) new AcmeIssuer(issuers, issuer.name, issuer);

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
      new KubeNamespace(scope, 'Namespace', { metadata: { name: shared.namespace, labels: { ...podSecurityLabels('restricted'), ...MANAGED_BY } } });
      new IngressController(scope, 'Controller', {
        ...shared,
        flavour: flavourFor(env.flavour.id),
        repository: { name: shared.repositoryName, namespace: flux.namespace },
        helmReleaseNamespace: flux.namespace,
        serviceAccountName: flux.helmServiceAccount,
        interval: flux.interval,
        retryInterval: flux.retryInterval,
      });
    }

    const sync = new FluxKustomization(this, 'Sync', {
      name: names.platformKustomization,
      namespace: flux.namespace,
      path: `${flux.envPath}/platform`,
      sourceRef: flux.sourceRef,
      interval: flux.interval,
      retryInterval: flux.retryInterval,
      timeout: flux.timeout,
      serviceAccountName: flux.kustomizeServiceAccount,
      healthCheckExprs: env.issuers.length > 0 ? [CLUSTER_ISSUER_HEALTH_CHECK] : undefined,
    });
    placeIn(sync, 'flux/platform.yaml');
  }
}
