import { Construct } from 'constructs';
import { FluxHelmRelease } from '../constructs/flux/helm-release';
import { ClusterRoleGrant } from '../constructs/rbac/cluster-role';
import { FlavourEmit } from '../flavours/emit';
import { FlavourPolicy } from '../flavours/policy';
import { ControllerModel, FluxModel } from '../model/model';

/**
 * One ingress controller as Flux installs it: the HelmRelease with the flavour's values, kept in
 * the Flux namespace and targeting the controller's namespace. A namespace-scoped (dedicated)
 * controller also gets the cluster-scoped reads its chart leaves out in that mode.
 */
export function ingressController(scope: Construct, controller: ControllerModel, flavour: { policy: FlavourPolicy; emit: FlavourEmit }, flux: FluxModel): void {
  new FluxHelmRelease(scope, 'HelmRelease', {
    namespace: flux.namespace,
    releaseName: controller.releaseName,
    targetNamespace: controller.namespace,
    chart: { chart: controller.chart.name, version: controller.chart.version, repository: { name: controller.repositoryName, namespace: flux.namespace } },
    values: flavour.emit.values(controller),
    serviceAccountName: flux.helmServiceAccount,
    interval: flux.interval,
    retryInterval: flux.retryInterval,
  });
  if (controller.namespaced && flavour.emit.scopedClusterRules.length > 0) {
    new ClusterRoleGrant(scope, 'ClusterReads', {
      name: `${controller.releaseName}-cluster-reads`,
      rules: flavour.emit.scopedClusterRules,
      serviceAccount: { name: flavour.policy.serviceAccountName(controller.releaseName), namespace: controller.namespace },
    });
  }
}
