import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { FluxKustomization } from '../constructs/flux/kustomization';
import { placeIn, placeInCluster } from '../constructs/placement';
import { TcpProxy } from '../constructs/tcp-proxy/tcp-proxy';
import { EnvironmentModel, TcpProxyModel, TenantModel } from '../model/model';
import { MANAGED_BY, names, TENANT_LABEL } from '../model/names';

export interface TenantClusterChartProps {
  readonly environment: EnvironmentModel;
  readonly tenant: TenantModel;
  /** The tenant's control-plane namespace and its proxy (the tenant's controlPlane.tcpProxy). */
  readonly namespace: string;
  readonly tcpProxy: TcpProxyModel;
}

/**
 * What runs inside a tenant's own cluster, in tenants/<t>/tenant-cluster/: the tcp-proxy that
 * lets its in-cluster clients reach their API server through the passthrough route. A Flux
 * Kustomization in the control planes' namespace applies the folder there, with the kubeconfig
 * the operator writes beside the control plane, once the tenant's routes are applied here
 * (its cluster Kustomization, which renders them).
 */
export class TenantClusterChart extends Chart {
  constructor(scope: Construct, id: string, props: TenantClusterChartProps) {
    super(scope, id, { disableResourceNameHashes: true, labels: { ...MANAGED_BY, [TENANT_LABEL]: props.tenant.name } });
    const { environment: env, tenant: t, tcpProxy: proxy } = props;
    const dir = `tenants/${t.name}/tenant-cluster`;
    const flux = env.flux;

    const bundle = new TcpProxy(this, 'TcpProxy', {
      name: names.tcpProxy,
      image: proxy.image,
      replicas: proxy.replicas,
      upstream: proxy.upstream,
      tlsSecretName: proxy.tlsSecretName,
      verification: proxy.verification,
      hostAliases: proxy.hostAliases,
      resources: proxy.resources,
    });
    placeIn(bundle, `${dir}/tcp-proxy.yaml`);
    // The cluster is the one its kubeconfig reaches: two proxies for one kubeconfig would collide.
    placeInCluster(bundle, `${props.namespace}/${proxy.kubeConfig.secretName}`);

    const sync = new FluxKustomization(this, 'Sync', {
      name: names.tcpProxyKustomization(t.name),
      // The kubeconfig Secret must be in the Kustomization's own namespace.
      namespace: props.namespace,
      path: `${flux.envPath}/${dir}`,
      sourceRef: proxy.sourceRef,
      interval: flux.interval,
      retryInterval: flux.retryInterval,
      timeout: flux.timeout,
      kubeConfig: proxy.kubeConfig,
      serviceAccountName: proxy.serviceAccountName,
      // Dependencies may be in another namespace, even with --no-cross-namespace-refs.
      dependsOn: [{ name: names.tenantClusterKustomization(t.name), namespace: flux.namespace }],
    });
    placeIn(sync, `flux/tenant-${t.name}.yaml`);
  }
}
