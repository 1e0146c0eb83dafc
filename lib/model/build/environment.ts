import { Environment } from '../../input/types';
import { PlatformContext } from '../context';
import { canonicalAddress } from '../domains';
import { names, TENANT_ZONE_LABEL_VALUE } from '../names';
import { buildEnvironmentDns } from './dns';
import { AcmeIssuerModel, ControllerModel, EnvironmentDnsModel, EnvironmentModel, FluxModel, MonitoringModel, TenantModel } from '../model';
import type { TenantClaims } from '../rules/tenant';

/**
 * A DNS-01 issuer in an environment with DNS gets a second solver for the Certificates of tenants
 * with zones (labelled names.tenantZoneSolverLabel): the same identity, the tenant zones' resource
 * group, and no hostedZoneName, so cert-manager finds each name's zone by SOA lookup and writes
 * the challenge where the delegated zone serves it. One solver for every tenant: the issuer does
 * not grow with the number of zones.
 */
function withTenantZoneSolver(issuer: AcmeIssuerModel, dns: EnvironmentDnsModel | undefined): AcmeIssuerModel {
  if (!dns || !('dns01' in issuer.solver)) return issuer;
  const az = issuer.solver.dns01.azureDNS;
  return {
    ...issuer,
    selectedSolvers: [
      {
        matchLabels: { [names.tenantZoneSolverLabel]: TENANT_ZONE_LABEL_VALUE },
        solver: { dns01: { azureDNS: { subscriptionID: dns.subscriptionID, resourceGroupName: dns.resourceGroup, managedIdentityClientID: az.managedIdentityClientID, environment: az.environment } } },
      },
    ],
  };
}

/**
 * The model of one environment: what platform.yaml says of it, and its tenants' models. `claims`
 * are every tenant's (those of other environments are skipped): the shared controller is rendered
 * only where something uses it.
 */
export function buildEnvironment(ctx: PlatformContext, env: Environment, tenants: TenantModel[], claims: readonly TenantClaims[]): EnvironmentModel {
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
  const { enabled, ruleLabels, renewalGraceHours, certManagerNamespace } = spec.monitoring;
  const monitoring: MonitoringModel = { enabled, ruleLabels, renewalGraceHours, certManagerNamespace };
  const dns = buildEnvironmentDns(ctx, env);
  const issuers = spec.issuers
    .filter((i) => ctx.issuerByName.get(i.name) === i && ctx.issuerEnvs.get(i.name)!.has(env.name))
    .map((i) => withTenantZoneSolver(ctx.issuerModel(i, i.acme.http01?.ingressClassName ?? spec.ingress.sharedClass), dns))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  // The controller that carries the control planes' passthrough routes.
  const passthrough = spec.controlPlanes?.controller === 'nginx' && ctx.controlPlaneClass === spec.ingress.sharedClass;
  // A shared controller nothing routes through (every tenant dedicated, no passthrough) would be a
  // LoadBalancer and a cluster-wide watch for nothing: rendered only when a tenant of the
  // environment uses it or it carries passthrough. The output of an environment that uses it
  // does not change.
  const used = passthrough || claims.some((c) => c.environments.some((e) => e.environment === env.name && !e.dedicated));
  const sharedController: ControllerModel | undefined = env.sharedIngress.enabled && used
    ? {
        ...ctx.controllerBase(),
        namespace: ctx.sharedNamespace,
        releaseName: ctx.flavour.sharedReleaseName,
        className: spec.ingress.sharedClass,
        controllerValue: ctx.flavour.sharedControllerValue,
        replicas: env.sharedIngress.replicas,
        namespaced: false,
        loadBalancerIP: canonicalAddress(env.sharedIngress.loadBalancerIP),
        ...(passthrough ? { sslPassthrough: true } : {}),
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
    ...(dns ? { dns } : {}),
    tenants,
  };
}
