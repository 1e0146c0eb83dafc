import { FlavourPolicy } from '../../flavours/policy';
import { PathSegment } from '../../input/problems';
import { Environment, Tenant } from '../../input/types';
import { PlatformContext, Report } from '../context';
import { controlPlaneHosts } from '../domains';
import { names } from '../names';
import { hasZone } from './dns';

/**
 * Every name tenant-edge derives from a tenant's name, with the limits of everything that reads
 * it, in one table; and the rule that holds a tenant name to the tightest of them, for the
 * features the tenant has in any of its environments (however each is switched on).
 */

/** A limit that something reading a derived name puts on it. */
export interface NameLimit {
  readonly max: number;
  /** Completes "over the <max> ...". */
  readonly what: string;
}

/**
 * The limits. Flux writes the name of the Kustomization or HelmRelease that applies an object
 * into a label of that object, and a label value has at most 63 characters: kustomize-controller
 * v1.9.4 `resourceManager.SetOwnerLabels(objects, obj.GetName(), ...)`
 * (internal/controller/kustomization_controller.go, labels kustomize.toolkit.fluxcd.io/name);
 * helm-controller v1.6.3 `NewOriginLabels(..., rel.Name)` (internal/postrender/build.go, labels
 * helm.toolkit.fluxcd.io/name). An object that does not fit is refused by the API server, so the
 * Kustomization or release never applies anything.
 */
export const NAME_LIMITS = {
  objectName: { max: 253, what: 'an object name may have' },
  dnsName: { max: 253, what: 'a DNS name may have' },
  serviceName: { max: 63, what: 'a Service name may have' },
  kustomizationLabel: {
    max: 63,
    what: 'a label value may have, and kustomize-controller labels every object it applies with the Kustomization\'s name (kustomize.toolkit.fluxcd.io/name)',
  },
  helmReleaseLabel: {
    max: 63,
    what: 'a label value may have, and helm-controller labels every object it installs with the HelmRelease\'s name (helm.toolkit.fluxcd.io/name)',
  },
  helmReleaseName: { max: 53, what: 'Helm allows in a release name' },
} as const satisfies Record<string, NameLimit>;

/** What renders a derived name: every tenant, or a feature the tenant has in some environment. */
export type Feature = 'tenant' | 'dedicated' | 'zone' | 'controlPlane' | 'tcpProxy';

const TOO_LONG: Record<Feature, string> = {
  tenant: 'too long',
  dedicated: 'too long for a dedicated controller',
  zone: 'too long for a zone',
  controlPlane: 'too long for a control plane',
  tcpProxy: 'too long for a tcp-proxy',
};

/** One derived name: the feature that renders it, what it names, and every limit on it. */
export interface DerivedName {
  readonly feature: Feature;
  /** What it names, as messages say it: "Flux Kustomization", "Helm release". */
  readonly kind: string;
  readonly name: string;
  readonly limits: readonly NameLimit[];
  /** Set for a name that also depends on an environment. */
  readonly environment?: string;
}

/** What the names derived from a tenant's name depend on in the platform. */
export interface NamePlatform {
  readonly flavour: FlavourPolicy;
  readonly chartName: string;
  /** spec.controlPlanes.service.name, when the platform has control planes. */
  readonly servicePattern?: string;
}

/**
 * Every name derived from tenant `t` whatever the environment. Without `platform` (platform.yaml
 * could not be read), the names that depend on it are left out.
 */
export function tenantDerivedNames(t: string, platform?: NamePlatform): DerivedName[] {
  const { objectName, serviceName, kustomizationLabel, helmReleaseLabel, helmReleaseName } = NAME_LIMITS;
  const kustomization = (feature: Feature, name: string): DerivedName => ({ feature, kind: 'Flux Kustomization', name, limits: [objectName, kustomizationLabel] });
  const object = (feature: Feature, kind: string, name: string): DerivedName => ({ feature, kind, name, limits: [objectName] });
  const out: DerivedName[] = [
    kustomization('tenant', names.tenantKustomization(t)),
    kustomization('tenant', names.tenantClusterKustomization(t)),
    object('tenant', 'ServiceAccount', names.tenantServiceAccount(t)),
    kustomization('zone', names.zoneKustomization(t)),
    kustomization('zone', names.delegationKustomization(t)),
    object('zone', 'ConfigMap', names.nameServersConfigMap(t)),
    object('controlPlane', 'route', names.apiServerRoute(t)),
    object('controlPlane', 'route', names.konnectivityRoute(t)),
    object('controlPlane', 'ConfigMap', names.controlPlaneSans(t)),
    kustomization('tcpProxy', names.tcpProxyKustomization(t)),
  ];
  if (platform) {
    const chart: NameLimit = { max: platform.flavour.maxReleaseNameLength, what: `the ${platform.chartName} chart copes with (it adds its own suffixes to the release name)` };
    // The HelmRelease object is named after the release (charts/controller.ts).
    out.push({ feature: 'dedicated', kind: 'Helm release', name: platform.flavour.dedicatedReleaseName(t), limits: [helmReleaseName, helmReleaseLabel, objectName, chart] });
    out.push(object('dedicated', 'IngressClass', platform.flavour.dedicatedClassName(t)));
    if (platform.servicePattern !== undefined) {
      out.push({ feature: 'controlPlane', kind: 'Service', name: platform.servicePattern.replace('{tenant}', t), limits: [serviceName] });
    }
  }
  return out;
}

/** The names derived from tenant `t` and environment `env`: its domain there and its control-plane hostnames. */
export function environmentDerivedNames(ctx: PlatformContext, tenant: Tenant, env: Environment): DerivedName[] {
  const t = tenant.metadata.name;
  const out: DerivedName[] = [];
  // A domain override is written out, and the schema holds it to 253 characters.
  if (tenant.spec.overrides[env.name]?.domain === undefined) {
    out.push({ feature: 'tenant', kind: 'domain', name: `${t}.${env.domain}`, limits: [NAME_LIMITS.dnsName], environment: env.name });
  }
  const base = ctx.controlPlaneDomain(env);
  if (base !== undefined) {
    const hosts = controlPlaneHosts(t, base);
    for (const host of [hosts.apiServer, ...(tenant.spec.controlPlane?.konnectivity === false ? [] : [hosts.konnectivity])]) {
      out.push({ feature: 'controlPlane', kind: 'hostname', name: host, limits: [NAME_LIMITS.dnsName], environment: env.name });
    }
  }
  return out;
}

/** True when the tenant has a control plane the platform routes (platform.spec.controlPlanes). */
export function hasControlPlane(ctx: PlatformContext, tenant: Tenant): boolean {
  return tenant.spec.controlPlane !== undefined && ctx.spec.controlPlanes !== undefined;
}

/** True when the tenant's cluster gets a tcp-proxy: the platform deploys them, and the tenant did not turn its own off. */
export function hasTcpProxy(ctx: PlatformContext, tenant: Tenant): boolean {
  return hasControlPlane(ctx, tenant) && ctx.spec.controlPlanes!.tcpProxy !== undefined && tenant.spec.controlPlane!.tcpProxy.enabled !== false;
}

/**
 * The features tenant `tenant` has in any of `environments`, decided by the predicates the
 * builders use, so every way of switching one on counts: the platform's or the environment's
 * default, the tenant's setting, a per-environment override.
 */
export function tenantFeatures(ctx: PlatformContext, tenant: Tenant, environments: readonly string[]): Set<Feature> {
  const envs = environments.map((e) => ctx.envByName.get(e)!);
  const on = new Set<Feature>(['tenant']);
  if (envs.some((e) => ctx.isDedicated(tenant, e.name))) on.add('dedicated');
  if (envs.some((e) => hasZone(ctx, tenant, e))) on.add('zone');
  if (hasControlPlane(ctx, tenant)) on.add('controlPlane');
  if (hasTcpProxy(ctx, tenant)) on.add('tcpProxy');
  return on;
}

/**
 * Holds a name to every limit of every name derived from it: reports, once, the name that leaves
 * the least room, with the longest name that would fit. `derived` must all contain `source` once.
 */
export function derivedNamesFit(source: string, at: PathSegment[], derived: readonly DerivedName[], report: Report): void {
  let worst: { d: DerivedName; limit: NameLimit; room: number } | undefined;
  for (const d of derived) {
    for (const limit of d.limits) {
      if (d.name.length <= limit.max) continue;
      const room = limit.max - (d.name.length - source.length);
      if (!worst || room < worst.room) worst = { d, limit, room };
    }
  }
  if (!worst) return;
  const { d, limit, room } = worst;
  const where = d.environment !== undefined ? ` in environment "${d.environment}"` : '';
  const remedy = room > 0 ? `use at most ${room} characters` : 'no name fits; shorten the environment\'s domain in the platform spec';
  report(at, `${TOO_LONG[d.feature]}: its ${d.kind} "${d.name}"${where} would have ${d.name.length} characters, over the ${limit.max} ${limit.what}; ${remedy}`);
}

/** The rule of a tenant's name against every name derived from it, for the features it has. */
export function checkTenantDerivedNames(ctx: PlatformContext, tenant: Tenant, environments: readonly string[], report: Report): void {
  const t = tenant.metadata.name;
  const on = tenantFeatures(ctx, tenant, environments);
  const platform: NamePlatform = { flavour: ctx.flavour, chartName: ctx.chart.name, servicePattern: ctx.spec.controlPlanes?.service.name };
  const derived = [
    ...tenantDerivedNames(t, platform),
    ...environments.flatMap((e) => environmentDerivedNames(ctx, tenant, ctx.envByName.get(e)!)),
  ].filter((d) => on.has(d.feature));
  derivedNamesFit(t, ['metadata', 'name'], derived, report);
}
