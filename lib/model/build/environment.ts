import { Environment } from '../../input/types';
import { PlatformContext } from '../context';
import { canonicalAddress } from '../domains';
import { names } from '../names';
import { ControllerModel, EnvironmentModel, FluxModel, MonitoringModel, TenantModel } from '../model';

/** The model of one environment: what platform.yaml says of it, and its tenants' models. */
export function buildEnvironment(ctx: PlatformContext, env: Environment, tenants: TenantModel[]): EnvironmentModel {
  const spec = ctx.spec;
  const flux: FluxModel = {
    namespace: spec.flux.namespace,
    sourceRef: {
      kind: spec.flux.sourceRef.kind,
      name: spec.flux.sourceRef.name,
      namespace: spec.flux.sourceRef.namespace ?? spec.flux.namespace,
    },
    kustomizeServiceAccount: spec.flux.serviceAccounts.kustomize,
    helmServiceAccount: spec.flux.serviceAccounts.helm,
    envPath: `${spec.flux.path.replace(/\/+$/, '')}/${env.name}`,
    interval: spec.flux.interval,
    timeout: spec.flux.timeout,
    retryInterval: spec.flux.retryInterval,
  };
  const monitoring: MonitoringModel = { ...spec.monitoring };
  const issuers = spec.issuers
    .filter((i) => ctx.issuerByName.get(i.name) === i && ctx.issuerEnvs.get(i.name)!.has(env.name))
    .map((i) => ctx.issuerModel(i, i.acme.http01?.ingressClassName ?? spec.ingress.sharedClass))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  const sharedController: ControllerModel | undefined = env.sharedIngress.enabled
    ? {
        ...ctx.controllerBase(),
        namespace: ctx.sharedNamespace,
        releaseName: ctx.flavour.sharedReleaseName,
        className: spec.ingress.sharedClass,
        controllerValue: ctx.flavour.sharedControllerValue,
        replicas: env.sharedIngress.replicas,
        namespaced: false,
        loadBalancerIP: canonicalAddress(env.sharedIngress.loadBalancerIP),
        // The controller that carries the control planes' passthrough routes.
        ...(spec.controlPlanes?.controller === 'nginx' && ctx.controlPlaneClass === spec.ingress.sharedClass ? { sslPassthrough: true } : {}),
      }
    : undefined;
  return {
    name: env.name,
    domain: env.domain,
    flavour: ctx.flavour,
    platformFile: ctx.name,
    flux,
    monitoring,
    issuers,
    repositories: [{ name: ctx.chart.name, url: ctx.chart.repository }],
    sharedController,
    ...(spec.controlPlanes
      ? {
          controlPlanes: {
            controller: spec.controlPlanes.controller,
            namespace: spec.controlPlanes.namespace,
            ...(ctx.controlPlaneClass !== undefined ? { className: ctx.controlPlaneClass } : {}),
            domain: ctx.controlPlaneDomain(env)!,
            ...(spec.controlPlanes.controller === 'gateway' ? { gateway: names.controlPlaneGateway } : {}),
          },
        }
      : {}),
    tenants,
  };
}
