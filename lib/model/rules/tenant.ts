import { Loaded } from '../../input/load';
import { formatPath, PathSegment } from '../../input/problems';
import { Environment, Tenant } from '../../input/types';
import { PlatformContext, Report } from '../context';
import { canonicalAddress, inDomain } from '../domains';
import { isClusterNamespace, LIMITS } from '../names';
import { checkAddress } from './platform';
import { checkRoutes } from './routes';
import { checkTenantDns, parentZoneName } from './dns';
import { checkTcpProxy } from './tcp-proxy';
import { checkTenantDerivedNames } from './derived-names';

/** A name claimed in one environment, and where the tenant's file claims it. */
export interface DomainClaim {
  readonly domain: string;
  readonly path: PathSegment[];
  /** The tenant's default domain, <tenant>.<environment domain> (yields to explicit claims). */
  readonly isDefault: boolean;
}

/** What a tenant claims in one environment, for the rules across tenants. */
export interface EnvironmentClaims {
  readonly environment: string;
  /** The tenant's domain there: its default or its override. */
  readonly domain: string;
  /** The claims that passed the tenant's own rules: its domain, then its extra domains. */
  readonly domains: readonly DomainClaim[];
  /** The static address of its dedicated controller there. */
  readonly address?: { readonly ip: string; readonly written: string; readonly path: PathSegment[] };
  /** Whether it runs its own controller there (else it uses the shared one). */
  readonly dedicated: boolean;
}

/**
 * Everything of a tenant that another tenant can collide with: plain data, the same for the same
 * platform and tenant file (so it can be kept between runs).
 */
export interface TenantClaims {
  readonly name: string;
  /** The tenant's file as the user reads it, for messages on the other side of a collision. */
  readonly file: string;
  readonly namespace: string;
  /** Where the namespace comes from: spec.namespace, or the tenant's name. */
  readonly namespacePath: PathSegment[];
  /** The environments the tenant is rendered in, in the order its file lists them. */
  readonly environments: readonly EnvironmentClaims[];
  /** Warnings the tenant's settings deserve (not problems), printed by synth; absent when none. */
  readonly notices?: readonly string[];
  /**
   * Domains the tenant claims under an environment domain outside its own part: refused by the
   * rules across tenants, which know whose they are and name the owner, as a route's host is
   * named (rules/cross-tenant.ts). Absent when none.
   */
  readonly foreign?: readonly ForeignClaim[];
}

/** A claim under the domain of environment `environment` that is not the tenant's own part. */
export interface ForeignClaim {
  readonly domain: string;
  readonly path: PathSegment[];
  /** `domain` or `extra domain`, as the message names the field. */
  readonly what: string;
  readonly environment: string;
}

/**
 * The rules of one tenant's file against the platform (environments, names, namespace, addresses,
 * routes, claims the platform keeps for itself), reported through `report`. Returns what the tenant
 * claims, for the rules across tenants (rules/cross-tenant.ts).
 */
export function checkTenant(ctx: PlatformContext, loaded: Loaded<Tenant>, report: Report): TenantClaims {
  const spec = loaded.value.spec;
  const name = loaded.value.metadata.name;
  const environments = tenantEnvironments(ctx, loaded.value, report);
  const namespace = spec.namespace ?? `${ctx.spec.tenantNamespacePrefix}${name}`;
  const namespacePath: PathSegment[] = spec.namespace !== undefined ? ['spec', 'namespace'] : ['metadata', 'name'];
  tenantNameNotReserved(ctx, name, report);
  checkTenantDerivedNames(ctx, loaded.value, environments, report);
  namespaceAllowed(ctx, namespace, namespacePath, report);
  checkAddress(report, ['spec', 'ingress', 'loadBalancerIP'], spec.ingress.loadBalancerIP);
  for (const [env, ov] of Object.entries(spec.overrides)) {
    checkAddress(report, ['spec', 'overrides', env, 'ingress', 'loadBalancerIP'], ov.ingress?.loadBalancerIP);
  }
  checkRoutes(loaded, ctx.flavour, ctx.allowed, environments, report);
  if (spec.controlPlane && !ctx.spec.controlPlanes) {
    report(['spec', 'controlPlane'], `needs spec.controlPlanes in ${ctx.file}, which says how the platform reaches tenant control planes`, true);
  }
  const proxyNotices = checkTcpProxy(ctx, loaded.value, loaded.file, report);
  noDeadIngressSettings(ctx, loaded.value, environments, report);
  const foreign: ForeignClaim[] = [];
  const judge: ClaimJudge = (claim, at, what) => platformClaimProblem(ctx, name, claim, at, what, report, (environment) => {
    if (!foreign.some((f) => formatPath(f.path) === formatPath(at))) foreign.push({ domain: claim, path: at, what, environment });
  });
  // Whether a name belongs to the platform does not depend on the environment: judged once.
  const extras = spec.extraDomains
    .map((d, i) => (judge(d, ['spec', 'extraDomains', i], 'extra domain') === undefined ? i : -1))
    .filter((i) => i >= 0);
  const claims = environments.map((e) => environmentClaims(ctx, loaded.value, ctx.envByName.get(e)!, extras, judge, report));
  const notices = [...proxyNotices, ...checkTenantDns(ctx, loaded.value, claims, report)];
  return {
    name,
    file: loaded.file,
    namespace,
    namespacePath,
    environments: claims,
    ...(notices.length > 0 ? { notices } : {}),
    ...(foreign.length > 0 ? { foreign } : {}),
  };
}

/** The tenant's environments: the ones it lists, or all. Overrides must name one of them. */
function tenantEnvironments(ctx: PlatformContext, tenant: Tenant, report: Report): string[] {
  const spec = tenant.spec;
  const all = [...ctx.envByName.keys()];
  const environments: string[] = [];
  if (spec.environments) {
    spec.environments.forEach((e, i) => {
      if (ctx.envByName.has(e)) environments.push(e);
      else report(['spec', 'environments', i], `unknown environment "${e}"; platform environments: ${all.join(', ')}`);
    });
  } else {
    environments.push(...all);
  }
  for (const key of Object.keys(spec.overrides)) {
    if (!environments.includes(key)) report(['spec', 'overrides', key], `"${key}" is not one of the tenant's environments (${environments.join(', ')})`, true);
  }
  return environments;
}

function tenantNameNotReserved(ctx: PlatformContext, name: string, report: Report): void {
  if (ctx.reservedTenantNames.has(name)) {
    report(['metadata', 'name'], `tenant name "${name}" is reserved for the platform: the tenant's domain would be ${name}.<environment domain>; choose another name`);
  }
}

/**
 * The platform's prefix is the allow-list: a tenant namespace always starts with it, so no tenant
 * can adopt a namespace the platform or another team created. The reserved names stay as a second
 * line, and the only one without a prefix.
 */
function namespaceAllowed(ctx: PlatformContext, namespace: string, at: PathSegment[], report: Report): void {
  const prefix = ctx.spec.tenantNamespacePrefix;
  if (!namespace.startsWith(prefix)) {
    report(at, `namespace "${namespace}" does not start with "${prefix}", which the platform requires of tenant namespaces (spec.tenantNamespacePrefix in ${ctx.file})`);
  } else if (namespace.length > LIMITS.label) {
    report(at, `namespace "${namespace}" has ${namespace.length} characters, over the ${LIMITS.label} a namespace may have`);
  } else if (ctx.reserved.has(namespace) || isClusterNamespace(namespace)) {
    report(at, `namespace "${namespace}" is reserved for the platform; set spec.namespace to another name`);
  }
}

/** Ingress settings that apply in no environment are mistakes, not preferences. */
function noDeadIngressSettings(ctx: PlatformContext, tenant: Tenant, environments: string[], report: Report): void {
  const spec = tenant.spec;
  const dedicatedIn = environments.filter((e) => ctx.isDedicated(tenant, e));
  for (const key of ['loadBalancerIP', 'replicas'] as const) {
    if (spec.ingress[key] !== undefined && dedicatedIn.length === 0) {
      report(['spec', 'ingress', key], `applies only to a dedicated controller, and the tenant has none in ${environments.join(', ')}; set ingress.dedicated: true or remove it`);
    }
    for (const [env, ov] of Object.entries(spec.overrides)) {
      if (ov.ingress?.[key] !== undefined && environments.includes(env) && !dedicatedIn.includes(env)) {
        report(['spec', 'overrides', env, 'ingress', key], `applies only to a dedicated controller, and the tenant has none in ${env}`);
      }
    }
  }
  if (dedicatedIn.length > 0) {
    const name = tenant.metadata.name;
    const cls = ctx.flavour.dedicatedClassName(name);
    if (cls === ctx.spec.ingress.sharedClass) {
      report(['metadata', 'name'], `the dedicated IngressClass "${cls}" would collide with the shared class; rename the tenant or platform.spec.ingress.sharedClass`);
    }
  }
}

/** The tenant's domain in `env` and where it comes from. */
export function tenantDomain(tenant: Tenant, env: Environment): { domain: string; path: PathSegment[]; isDefault: boolean } {
  const override = tenant.spec.overrides[env.name]?.domain;
  if (override !== undefined) return { domain: override, path: ['spec', 'overrides', env.name, 'domain'], isDefault: false };
  return { domain: `${tenant.metadata.name}.${env.domain}`, path: ['metadata', 'name'], isDefault: true };
}

/**
 * What the tenant claims in `env`: its domain when the platform lets it have that name, its
 * extra domains that passed (`extras`, indexes), and its dedicated controller's static address.
 */
function environmentClaims(ctx: PlatformContext, tenant: Tenant, env: Environment, extras: readonly number[], judge: ClaimJudge, report: Report): EnvironmentClaims {
  const spec = tenant.spec;
  const own = tenantDomain(tenant, env);
  const domains: DomainClaim[] = [];
  const ok = own.isDefault
    ? defaultDomainProblem(ctx, own.domain, own.path, report) === undefined
    : judge(own.domain, own.path, 'domain') === undefined;
  if (ok) domains.push(own);
  for (const i of extras) domains.push({ domain: spec.extraDomains[i], path: ['spec', 'extraDomains', i], isDefault: false });

  let address: EnvironmentClaims['address'];
  const dedicated = ctx.isDedicated(tenant, env.name);
  if (dedicated) {
    const fromOverride = spec.overrides[env.name]?.ingress?.loadBalancerIP;
    const written = fromOverride ?? spec.ingress.loadBalancerIP;
    // Compared in canonical form: 2001:DB8::1 and 2001:db8:0::1 are one address.
    const ip = canonicalAddress(written);
    if (ip !== undefined && written !== undefined) {
      address = { ip, written, path: fromOverride ? ['spec', 'overrides', env.name, 'ingress', 'loadBalancerIP'] : ['spec', 'ingress', 'loadBalancerIP'] };
    }
  }
  return { environment: env.name, domain: own.domain, domains, ...(address ? { address } : {}), dedicated };
}

/** Judges a claim of the tenant's (see platformClaimProblem). */
type ClaimJudge = (claim: string, at: PathSegment[], what: string) => string | undefined;

/**
 * Names under an environment domain belong to the platform, except each tenant's own part,
 * <tenant>.<environment domain>: a tenant may not claim the apex, a sibling such as
 * www.<environment domain>, or a parent of an environment domain, in any environment.
 * Reports and returns the problem, or returns undefined when the claim is the tenant's to make.
 * A claim under an environment domain outside the tenant's part may be another tenant's, which
 * only the rules across tenants know: it is handed to `foreign` (and refused there) instead.
 */
function platformClaimProblem(ctx: PlatformContext, tenant: string, claim: string, at: PathSegment[], what: string, report: Report, foreign: (environment: string) => void): string | undefined {
  for (const env of ctx.envByName.values()) {
    const own = `${tenant}.${env.domain}`;
    const controlPlanes = controlPlaneBase(ctx, env, claim);
    let why: string | undefined;
    if (inDomain(env.domain, claim)) {
      why = `${what} "${claim}" contains the domain of environment "${env.name}" (${env.domain}); a tenant may claim only its own part, ${own}`;
    } else if (inDomain(claim, env.domain) && !inDomain(claim, own)) {
      foreign(env.name);
      return underEnvironmentDomain(what, claim, env, own);
    } else if (controlPlanes) {
      why = `${what} "${claim}" overlaps ${controlPlanes}, where the platform names tenant control planes (<tenant>.k8s. and <tenant>.konnectivity. in environment "${env.name}")`;
    } else if (what === 'extra domain' && inDomain(claim, own)) {
      why = `${what} "${claim}" lies inside the tenant's own domain in environment "${env.name}" (${own}), which it has already; remove it`;
    }
    if (why) {
      report(at, why);
      return why;
    }
  }
  for (const zone of platformZones(ctx)) {
    if (!inDomain(claim, zone.name)) continue;
    const parts = zone.environments.map((e) => `${tenant}.${e.domain}`);
    if (parts.some((p) => inDomain(claim, p))) continue;
    const env = zone.environments[0];
    const why = env
      ? `${what} "${claim}" lies in ${zone.what}, which holds the domain of environment "${env.name}" (${env.domain}): its names belong to the platform; a tenant may claim only its own part, ${parts.join(' or ')}`
      : `${what} "${claim}" lies in ${zone.what}, which holds no environment domain: its names belong to the platform; a tenant may claim none of them`;
    report(at, why);
    return why;
  }
  return undefined;
}

/**
 * Zones of the platform: every DNS-01 issuer's hosted zone, whichever environments the issuer is
 * rendered in and whether or not it holds an environment domain, and each environment's DNS
 * parent zone. Names in them outside the tenant's own part of an environment domain (www.matih.ai
 * beside apps.matih.ai, or any name of an issuer zone that holds no environment domain) are the
 * platform's, like names under an environment domain: a tenant that claimed one would get routes
 * and a certificate for it from the platform's issuer, which answers the challenge in the
 * platform's zone. Each with the environments whose domains it holds (possibly none).
 */
function platformZones(ctx: PlatformContext): { name: string; what: string; environments: Environment[] }[] {
  const zones: { name: string; what: string }[] = [];
  for (const issuer of ctx.issuerByName.values()) {
    const zone = issuer.acme.dns01?.azureDNS.hostedZoneName;
    if (zone !== undefined) zones.push({ name: zone, what: `the zone "${zone}" where issuer "${issuer.name}" answers DNS-01 challenges` });
  }
  for (const env of ctx.environments) {
    if (env.dns && ctx.spec.dns) zones.push({ name: parentZoneName(env), what: `the parent zone "${parentZoneName(env)}" of environment "${env.name}"` });
  }
  return zones.map((z) => ({ ...z, environments: ctx.environments.filter((e) => inDomain(e.domain, z.name)) }));
}

/**
 * Why a claim under the domain of `env` outside the tenant's part `own` is refused: it is another
 * tenant's (named with its file, as a route's host outside the tenant's domains is), or the platform's.
 */
export function underEnvironmentDomain(what: string, claim: string, env: Environment, own: string, owner?: { readonly name: string; readonly file: string }): string {
  const whose = owner ? ` and belongs to tenant "${owner.name}" (${owner.file})` : ', whose names belong to the platform';
  return `${what} "${claim}" lies under the domain of environment "${env.name}" (${env.domain})${whose}; a tenant may claim only its own part, ${own}`;
}

/** The control-plane domain (k8s.<base> or konnectivity.<base>) that `claim` is, lies in or contains in `env`, if any. */
function controlPlaneBase(ctx: PlatformContext, env: Environment, claim: string): string | undefined {
  const base = ctx.controlPlaneDomain(env);
  if (base === undefined) return undefined;
  return [`k8s.${base}`, `konnectivity.${base}`].find((d) => inDomain(claim, d) || inDomain(d, claim));
}

/** A tenant's default domain, <tenant>.<environment domain>, must not be or hold another environment's domain. */
function defaultDomainProblem(ctx: PlatformContext, domain: string, at: PathSegment[], report: Report): string | undefined {
  for (const env of ctx.envByName.values()) {
    if (inDomain(env.domain, domain)) {
      const why = `the tenant's domain "${domain}" is (or contains) the domain of environment "${env.name}" (${env.domain}); rename the tenant`;
      report(at, why);
      return why;
    }
    const cp = controlPlaneBase(ctx, env, domain);
    if (cp) {
      const why = `the tenant's domain "${domain}" overlaps ${cp}, where the platform names tenant control planes in environment "${env.name}"; rename the tenant`;
      report(at, why);
      return why;
    }
  }
  return undefined;
}
