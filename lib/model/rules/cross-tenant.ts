import { PathSegment } from '../../input/problems';
import { Environment } from '../../input/types';
import { PlatformContext } from '../context';
import { canonicalAddress, ownerOf, parentDomain } from '../domains';
import { DomainClaim, EnvironmentClaims, TenantClaims, underEnvironmentDomain } from './tenant';

/** Reports a problem in the file of tenant `tenant`. */
export type TenantReport = (tenant: string, path: PathSegment[], message: string, atKey?: boolean) => void;

/** A tenant that owns a domain, as messages name it. */
export interface DomainOwner {
  readonly name: string;
  readonly file: string;
}

/**
 * The rules that span tenants, on their claims alone: namespaces, domains and static addresses
 * are each one tenant's. Returns, per environment, the owner of every claimed domain (the
 * builders name it when a tenant routes a host it does not own).
 */
export function checkAcrossTenants(ctx: PlatformContext, claims: readonly TenantClaims[], report: TenantReport): Map<string, Map<string, DomainOwner>> {
  namespacesUnique(claims, report);
  const owners = new Map<string, Map<string, DomainOwner>>();
  for (const env of ctx.environments) {
    const present: [TenantClaims, EnvironmentClaims][] = [];
    for (const c of claims) {
      const inEnv = c.environments.find((e) => e.environment === env.name);
      if (inEnv) present.push([c, inEnv]);
    }
    owners.set(env.name, domainsDisjoint(env, present, report));
    staticAddressesUnique(env, present, report);
  }
  foreignClaimsRefused(ctx, claims, owners, report);
  return owners;
}

/**
 * A claim under an environment domain outside the tenant's own part (rules/tenant.ts) is refused,
 * naming the tenant whose part it lies in when there is one in that environment.
 */
function foreignClaimsRefused(ctx: PlatformContext, claims: readonly TenantClaims[], owners: ReadonlyMap<string, ReadonlyMap<string, DomainOwner>>, report: TenantReport): void {
  for (const c of claims) {
    for (const f of c.foreign ?? []) {
      const env = ctx.envByName.get(f.environment)!;
      const owner = ownerOf(f.domain, owners.get(env.name)!);
      report(c.name, f.path, underEnvironmentDomain(f.what, f.domain, env, `${c.name}.${env.domain}`, owner && owner.name !== c.name ? owner : undefined));
    }
  }
}

/** No two tenants share a namespace: the first (by name) keeps it. */
function namespacesUnique(claims: readonly TenantClaims[], report: TenantReport): void {
  const owner = new Map<string, TenantClaims>();
  for (const c of claims) {
    const other = owner.get(c.namespace);
    if (other) report(c.name, c.namespacePath, `namespace "${c.namespace}" is already used by tenant "${other.name}" (${other.file})`);
    else owner.set(c.namespace, c);
  }
}

/**
 * Domains claimed in one environment must not be equal or nested. Default domains are claimed
 * first, so a conflict lands on the tenant that wrote the explicit claim. Returns the owners.
 */
function domainsDisjoint(env: Environment, present: readonly [TenantClaims, EnvironmentClaims][], report: TenantReport): Map<string, DomainOwner> {
  interface Claim { readonly tenant: TenantClaims; readonly claim: DomainClaim }
  const defaults: Claim[] = [];
  const explicit: Claim[] = [];
  for (const [tenant, inEnv] of present) {
    for (const claim of inEnv.domains) (claim.isDefault ? defaults : explicit).push({ tenant, claim });
  }
  const claims = [...defaults, ...explicit];
  const owner = new Map<string, Claim>();
  for (const c of claims) {
    const other = owner.get(c.claim.domain);
    if (other && other.tenant !== c.tenant) {
      report(c.tenant.name, c.claim.path, `domain "${c.claim.domain}" is already claimed by tenant "${other.tenant.name}" in environment "${env.name}" (${other.tenant.file})`);
    } else if (!other) {
      owner.set(c.claim.domain, c);
    }
  }
  // A nested claim is reported on both sides: either tenant's file may hold the mistake.
  for (const c of claims) {
    for (let parent = parentDomain(c.claim.domain); parent; parent = parentDomain(parent)) {
      const other = owner.get(parent);
      if (other && other.tenant !== c.tenant) {
        report(c.tenant.name, c.claim.path, `domain "${c.claim.domain}" lies inside "${parent}", claimed by tenant "${other.tenant.name}" in environment "${env.name}" (${other.tenant.file})`);
        report(other.tenant.name, other.claim.path, `domain "${parent}" contains "${c.claim.domain}", claimed by tenant "${c.tenant.name}" in environment "${env.name}" (${c.tenant.file})`);
        break;
      }
    }
  }
  return new Map([...owner].map(([d, c]) => [d, { name: c.tenant.name, file: c.tenant.file }]));
}

/** A static address belongs to one controller of an environment (compared in canonical form). */
function staticAddressesUnique(env: Environment, present: readonly [TenantClaims, EnvironmentClaims][], report: TenantReport): void {
  const owner = new Map<string, string>();
  const shared = env.sharedIngress.enabled ? canonicalAddress(env.sharedIngress.loadBalancerIP) : undefined;
  if (shared) owner.set(shared, 'the shared controller');
  for (const [tenant, inEnv] of present) {
    const a = inEnv.address;
    if (!a) continue;
    const other = owner.get(a.ip);
    if (other) report(tenant.name, a.path, `address ${a.written} is already used by ${other} in environment "${env.name}"${a.written === a.ip ? '' : ` (both are ${a.ip})`}`);
    else owner.set(a.ip, `tenant "${tenant.name}"`);
  }
}
