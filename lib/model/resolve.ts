import { Loaded } from '../input/load';
import { Problem, uniqueProblems } from '../input/problems';
import { Platform, Tenant } from '../input/types';
import { buildEnvironment } from './build/environment';
import { buildTenant } from './build/tenant';
import { PlatformContext, PolicyLookup, Report } from './context';
import { EnvironmentModel, TenantModel } from './model';
import { checkAcrossTenants, TenantReport } from './rules/cross-tenant';
import { platformDnsNotices } from './rules/dns';
import { lockdownNotices } from './rules/lockdown';
import { checkPlatform } from './rules/platform';
import { checkTenant, TenantClaims } from './rules/tenant';

export { ACME_SERVERS, PlatformContext } from './context';
export type { PolicyLookup, Report } from './context';
export { canonicalAddress, inDomain, qualify } from './domains';
export { MAX_CERTIFICATE_NAMES } from './build/tenant';
export { checkTenantsAlone } from './rules/routes';

export interface Resolution {
  readonly environments: EnvironmentModel[];
  readonly problems: Problem[];
  /** One-line notices for the user (not problems), e.g. a retired controller. */
  readonly notices: string[];
  /** What each tenant claims (rules/tenant.ts), in the order of `tenants`. */
  readonly claims: TenantClaims[];
}

/**
 * Checks every rule and builds one model per environment, in four steps:
 *  1. the platform's own rules (rules/platform.ts);
 *  2. each tenant's rules against the platform, which also give what the tenant claims (rules/tenant.ts);
 *  3. the rules across tenants, on those claims alone (rules/cross-tenant.ts);
 *  4. each tenant's model per environment, then each environment's (build/).
 * Steps 2 and 4 read the platform and one tenant's file, nothing else: their result for a tenant
 * changes only when one of those two files does. Problems are collected, never thrown: the caller
 * reports them all at once.
 */
export function resolve(platform: Loaded<Platform>, tenants: readonly Loaded<Tenant>[], policies: PolicyLookup): Resolution {
  const problems: Problem[] = [];
  const reportIn = (t: { source: Loaded<unknown>['source'] }): Report => (path, message, atKey = false) => problems.push(t.source.problem(path, message, atKey));
  const ctx = new PlatformContext(platform, policies, reportIn(platform));
  checkPlatform(ctx, reportIn(platform));

  const claims = tenants.map((t) => checkTenant(ctx, t, reportIn(t)));
  const byName = new Map(tenants.map((t) => [t.value.metadata.name, t]));
  const reportTenant: TenantReport = (tenant, path, message, atKey = false) => problems.push(byName.get(tenant)!.source.problem(path, message, atKey));
  const owners = checkAcrossTenants(ctx, claims, reportTenant);

  const environments = ctx.environments.map((env) => {
    const models: TenantModel[] = [];
    tenants.forEach((t, i) => {
      if (!claims[i].environments.some((e) => e.environment === env.name)) return;
      const model = buildTenant(ctx, t, claims[i], env, owners.get(env.name)!, reportIn(t));
      if (model) models.push(model);
    });
    return buildEnvironment(ctx, env, models, claims);
  });
  return { environments, problems: uniqueProblems(problems), notices: [...platformNotices(ctx), ...tenantNotices(claims)], claims };
}

/** The tenants' own notices, by tenant name (whatever order the claims come in). */
export function tenantNotices(claims: readonly TenantClaims[]): string[] {
  const notices = claims
    .filter((c) => c.notices !== undefined)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((c) => c.notices!);
  return collapseRepeats(notices);
}

/** The same notice about more tenants than this is said once, with a count. */
const NOTICE_REPEATS = 3;

/**
 * Notices that differ only in the tenant's name (`notice: tenant "<name>" ...`) are said once
 * when more than NOTICE_REPEATS tenants share them, naming the first few: a thousand tenants
 * without a static address make one line, not a thousand.
 */
function collapseRepeats(notices: readonly string[]): string[] {
  const groups = new Map<string, string[]>();
  for (const n of notices) {
    const m = /^notice: tenant "([^"]+)" (.*)$/.exec(n);
    const key = m ? m[2] : `\0${n}`;
    groups.set(key, [...(groups.get(key) ?? []), m ? m[1] : n]);
  }
  const out: string[] = [];
  for (const [key, members] of groups) {
    if (key.startsWith('\0')) out.push(key.slice(1));
    else if (members.length <= NOTICE_REPEATS) out.push(...members.map((t) => `notice: tenant "${t}" ${key}`));
    else out.push(`notice: ${members.length} tenants (${members.slice(0, NOTICE_REPEATS).map((t) => `"${t}"`).join(', ')} and ${members.length - NOTICE_REPEATS} more) ${key.replace(/^has /, 'have ')}`);
  }
  return out;
}

/** One-line notices about the platform (not problems): a retired controller, a missing namespace prefix. */
export function platformNotices(ctx: PlatformContext): string[] {
  return [
    ...(ctx.flavour.notice ? [ctx.flavour.notice] : []),
    ...(ctx.spec.tenantNamespacePrefix === ''
      ? [`notice: ${ctx.file} sets no spec.tenantNamespacePrefix, so only the reserved names keep tenants out of other teams' namespaces; set one (a namespace rename for existing tenants)`]
      : []),
    ...platformDnsNotices(ctx),
    ...lockdownNotices(ctx),
    ...(ctx.spec.monitoring.expiryWarningDays !== undefined
      ? [`notice: ${ctx.file}: spec.monitoring.expiryWarningDays is no longer used: the certificate alerts fire when cert-manager's renewal is overdue by more than spec.monitoring.renewalGraceHours (${ctx.spec.monitoring.renewalGraceHours}); remove it`]
      : []),
  ];
}
