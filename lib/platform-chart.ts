import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { KubeNamespace } from 'cdk8s-plus-28/lib/imports/k8s';
import { AcmeIssuer } from './acme-issuer';
import { ChartRepository } from './chart-repository';
import { FluxKustomization } from './flux-kustomization';
import { IngressController } from './ingress-controller';
import { EnvironmentModel } from './model/model';
import { MANAGED_BY, names } from './model/names';
import { placeIn } from './output/placement';

export interface PlatformChartProps {
  readonly environment: EnvironmentModel;
}

/**
 * The part of an environment every tenant depends on: ClusterIssuers, chart repositories and the
 * shared ingress controller, plus the Flux Kustomization that applies them.
 */
export class PlatformChart extends Chart {
  constructor(scope: Construct, id: string, props: PlatformChartProps) {
    super(scope, id, { disableResourceNameHashes: true });
    const env = props.environment;

    const issuers = new Construct(this, 'ClusterIssuers');
    placeIn(issuers, 'platform/cluster-issuers.yaml');
    for (const issuer of env.issuers) new AcmeIssuer(issuers, issuer.name, issuer);

    const repos = new Construct(this, 'Repositories');
    placeIn(repos, 'platform/helm-repositories.yaml');
    for (const repo of env.repositories) {
      new ChartRepository(repos, repo.name, { name: repo.name, namespace: env.flux.namespace, url: repo.url });
    }

    const shared = env.sharedController;
    if (shared) {
      const scope = new Construct(this, 'SharedIngress');
      placeIn(scope, 'platform/shared-ingress.yaml');
      new KubeNamespace(scope, 'Namespace', { metadata: { name: shared.namespace, labels: { ...MANAGED_BY } } });
      new IngressController(scope, 'Controller', {
        ...shared,
        repository: { name: shared.repositoryName, namespace: env.flux.namespace },
        interval: env.flux.interval,
        retryInterval: env.flux.retryInterval,
      });
    }

    const sync = new FluxKustomization(this, 'Sync', {
      name: names.platformKustomization,
      namespace: env.flux.namespace,
      path: `${env.flux.envPath}/platform`,
      sourceRef: env.flux.sourceRef,
      interval: env.flux.interval,
      retryInterval: env.flux.retryInterval,
      timeout: env.flux.timeout,
    });
    placeIn(sync, 'flux/platform.yaml');
  }
}
