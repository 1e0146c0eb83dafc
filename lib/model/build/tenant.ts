import { isIP } from 'net';
import { Loaded } from '../../input/load';
import { PathSegment } from '../../input/problems';
import { Environment, Issuer, Route, Tenant } from '../../input/types';
import { PlatformContext, Report } from '../context';
import { canonicalAddress, inDomain, ownerOf, parentDomain, qualify } from '../domains';
import { AcmeIssuerModel, CertificateModel, ControllerModel, HttpRouteModel, IssuerRef, RouteTls, TenantModel } from '../model';
import { names } from '../names';
import { DomainOwner } from '../rules/cross-tenant';
import { hasZone } from '../rules/dns';
import { TenantClaims, tenantDomain } from '../rules/tenant';
import { buildControlPlane } from './control-plane';
import { buildTenantZone } from './dns';

const DEFAULT_DEDICATED_REPLICAS = 2;

/** A Certificate may hold at most this many names: Let's Encrypt refuses orders with more. */
export const MAX_CERTIFICATE_NAMES = 100;

/**
 * The issuer of a tenant's certificates in one environment: none named anywhere, named but
 * unusable (already reported where the name is written), or usable.
 */
type IssuerChoice =
  | { readonly status: 'unnamed' }
  | { readonly status: 'invalid' }
  | { readonly status: 'ok'; readonly ref: IssuerRef; readonly issuer: Issuer; readonly local?: AcmeIssuerModel };

/**
 * Builds a tenant's model for one environment, reporting what only the building finds (hosts
 * outside the tenant's domains, paths routed twice, issuers that cannot solve a host, oversized
 * certificates). Returns undefined when it reported anything. It reads the platform and this
 * tenant's file only; `owners` (from the rules across tenants) only names the owner of a host in
 * a message.
 */
export function buildTenant(
  ctx: PlatformContext,
  loaded: Loaded<Tenant>,
  claims: TenantClaims,
  env: Environment,
  owners: ReadonlyMap<string, DomainOwner>,
  report: Report,
): TenantModel | undefined {
  const spec = loaded.value.spec;
  const name = claims.name;
  const override = spec.overrides[env.name] ?? {};
  let reported = false;
  const note: Report = (path, message, atKey) => {
    reported = true;
    report(path, message, atKey);
  };
  const domain = claims.environments.find((e) => e.environment === env.name)!.domain;
  const domains = [domain, ...spec.extraDomains];

  const dedicated = ctx.isDedicated(loaded.value, env.name);
  if (!dedicated && !env.sharedIngress.enabled) {
    const at: PathSegment[] = override.ingress?.dedicated !== undefined ? ['spec', 'overrides', env.name, 'ingress', 'dedicated'] : ['spec', 'ingress', 'dedicated'];
    note(at, `environment "${env.name}" has no shared controller (sharedIngress.enabled: false); the tenant needs ingress.dedicated: true there`);
  }
  const controller = dedicated ? dedicatedController(ctx, loaded.value, claims.namespace, env) : undefined;
  const className = controller ? controller.className : ctx.spec.ingress.sharedClass;

  const issuer = tenantIssuer(ctx, loaded.value, claims.namespace, env, controller, note);
  // A tenant zone answers DNS-01 for its hosts: the issuers' second solver finds it by SOA lookup.
  const zoneOn = hasZone(ctx, loaded.value, env);
  const tenantZone = zoneOn && issuer?.status === 'ok' && issuer.ref.kind === 'ClusterIssuer' && issuer.issuer.acme.dns01 ? domain : undefined;
  const derivedSecrets = derivedSecretNames(ctx, loaded.value, ctx.spec.issuers.map((i) => i.name));
  const routes: HttpRouteModel[] = [];
  const certificates = new CertificateCollector(note);
  const claimed = new Map<string, string>();
  spec.routes.forEach((route, i) => {
    if (route.environments && !route.environments.includes(env.name)) return;
    const at: PathSegment[] = ['spec', 'routes', i];
    const hosts = route.hosts.map((ref, j) => {
      const host = qualify(ref, domain);
      const bare = host.startsWith('*.') ? host.slice(2) : host;
      if (isIP(bare) !== 0) {
        note([...at, 'hosts', j], `"${host}" is an IP address; an Ingress host must be a DNS name`);
        return host;
      }
      if (host.length > 253) {
        note([...at, 'hosts', j], `"${host}" has ${host.length} characters, over the 253 a host name may have`);
        return host;
      }
      if (!domains.some((d) => inDomain(host, d))) {
        const owner = ownerOf(host, owners);
        const why = owner && owner.name !== name ? `it belongs to tenant "${owner.name}" (${owner.file})` : 'add its domain to spec.extraDomains if the tenant owns it';
        note([...at, 'hosts', j], `"${host}" is outside the tenant's domains in environment "${env.name}" (${domains.join(', ')}); ${why}`);
      }
      return host;
    });
    for (const host of hosts) {
      route.paths.forEach((p, j) => {
        const key = `${host}${p.path}`;
        const first = claimed.get(key);
        if (first && first !== route.name) note([...at, 'paths', j, 'path'], `"${p.path}" on host "${host}" is already routed by route "${first}"`);
        claimed.set(key, route.name);
      });
    }
    const tls = routeTls(ctx, loaded.value, derivedSecrets, env, route, at, hosts, issuer, tenantZone, certificates, note);
    routes.push({
      kind: 'http',
      name: route.name,
      hosts,
      tls,
      paths: route.paths.map((p) => ({ path: p.path, pathType: p.pathType, service: p.service, port: p.port })),
      options: route.options,
      annotations: route.annotations,
    });
  });
  plainHttpOnTlsHosts(env, spec.routes, routes, note);
  const controlPlane = buildControlPlane(ctx, loaded.value, env, domains, note, claims.environments);
  const zone = zoneOn
    ? buildTenantZone(ctx, loaded.value, {
        env,
        domain,
        domainPath: tenantDomain(loaded.value, env).path,
        routes,
        address: controller ? controller.loadBalancerIP : canonicalAddress(env.sharedIngress.loadBalancerIP),
      }, note)
    : undefined;
  if (reported) return undefined;

  return {
    name,
    file: loaded.name,
    namespace: claims.namespace,
    domain,
    className,
    controller: controller && zone && zone.externalDnsHosts.length > 0 ? { ...controller, externalDnsHosts: zone.externalDnsHosts } : controller,
    issuers: issuer?.status === 'ok' && issuer.local ? [issuer.local] : [],
    routes,
    ...(controlPlane ? { controlPlane } : {}),
    certificates: certificates.models().map((c) => (tenantZone ? { ...c, inTenantZone: true } : c)),
    ...(zone ? { zone } : {}),
  };
}

/**
 * ingress-nginx serves every Ingress of a host from one server block, and once any of them gives
 * the host TLS, plain-HTTP requests for every path of that host are redirected to HTTPS unless
 * the path's own Ingress says ssl-redirect: "false". A tls: none route on such a host would
 * never be served over HTTP, so it must say so with options.sslRedirect: false.
 */
function plainHttpOnTlsHosts(env: Environment, specs: readonly Route[], routes: readonly HttpRouteModel[], report: Report): void {
  const tlsHosts = new Set(routes.filter((r) => r.tls.mode !== 'none').flatMap((r) => r.hosts));
  for (const r of routes) {
    if (r.tls.mode !== 'none' || r.options.sslRedirect === false) continue;
    const shared = r.hosts.filter((h) => tlsHosts.has(h));
    if (shared.length === 0) continue;
    const i = specs.findIndex((spec) => spec.name === r.name);
    report(
      ['spec', 'routes', i, 'tls'],
      `tls: none on ${shared.map((h) => `"${h}"`).join(', ')}, which another route serves with TLS in environment "${env.name}": ingress-nginx redirects every plain-HTTP request for a TLS host to HTTPS, so this route would only be reached over HTTPS; set options.sslRedirect: false to serve it over plain HTTP, or give it TLS`,
    );
  }
}

function dedicatedController(ctx: PlatformContext, tenant: Tenant, namespace: string, env: Environment): ControllerModel {
  const spec = tenant.spec;
  const name = tenant.metadata.name;
  const ov = spec.overrides[env.name]?.ingress ?? {};
  return {
    ...ctx.controllerBase(),
    namespace,
    releaseName: ctx.flavour.dedicatedReleaseName(name),
    className: ctx.flavour.dedicatedClassName(name),
    controllerValue: ctx.flavour.dedicatedControllerValue(name),
    replicas: ov.replicas ?? spec.ingress.replicas ?? DEFAULT_DEDICATED_REPLICAS,
    namespaced: true,
    loadBalancerIP: canonicalAddress(ov.loadBalancerIP ?? spec.ingress.loadBalancerIP),
  };
}

/**
 * The issuer a tenant's certificates use in one environment. HTTP-01 through a dedicated
 * controller needs a namespaced Issuer whose solver uses the tenant's own class: the shared
 * controller does not receive traffic for the tenant's hosts.
 */
function tenantIssuer(
  ctx: PlatformContext,
  tenant: Tenant,
  namespace: string,
  env: Environment,
  controller: ControllerModel | undefined,
  report: Report,
): IssuerChoice | undefined {
  const needs = tenant.spec.routes.some((r) => r.tls === 'certManager' && (!r.environments || r.environments.includes(env.name)));
  if (!needs) return undefined;
  const fromOverride = tenant.spec.overrides[env.name]?.tls?.issuer;
  const own = tenant.spec.tls.issuer;
  const name = fromOverride ?? own ?? env.issuer;
  if (name === undefined) return { status: 'unnamed' };
  const why = ctx.issuerProblem(name, env.name);
  if (why) {
    // A bad environment issuer was reported in the platform file already.
    if (fromOverride !== undefined) report(['spec', 'overrides', env.name, 'tls', 'issuer'], why);
    else if (own !== undefined) report(['spec', 'tls', 'issuer'], why);
    return { status: 'invalid' };
  }
  const issuer = ctx.issuerByName.get(name)!;
  if (issuer.acme.http01 && controller) {
    const local = ctx.issuerModel(issuer, controller.className, namespace);
    return { status: 'ok', ref: { kind: 'Issuer', name }, issuer, local };
  }
  return { status: 'ok', ref: { kind: 'ClusterIssuer', name }, issuer };
}

function routeTls(
  ctx: PlatformContext,
  tenant: Tenant,
  derivedSecrets: ReadonlyMap<string, string>,
  env: Environment,
  route: Route,
  at: PathSegment[],
  hosts: string[],
  choice: IssuerChoice | undefined,
  tenantZone: string | undefined,
  certificates: CertificateCollector,
  report: Report,
): RouteTls {
  if (route.tls === 'none') return { mode: 'none' };
  if (typeof route.tls === 'object' && 'secretName' in route.tls) {
    const owner = derivedSecrets.get(route.tls.secretName);
    if (owner !== undefined) report([...at, 'tls', 'secretName'], `"${route.tls.secretName}" is the Secret that ${owner} writes; name another Secret`);
    return { mode: 'secret', secretName: route.tls.secretName };
  }
  const name = ownsCertificate(ctx, tenant, route) ? names.certificate(route.name) : names.tenantCertificate;
  if (choice?.status !== 'ok') {
    if (choice?.status === 'unnamed') {
      report([...at, 'tls'], `needs an issuer in environment "${env.name}": set spec.tls.issuer (or spec.overrides.${env.name}.tls.issuer), or give the environment an issuer in ${ctx.file}`);
    }
    // The model is discarded: the tenant has a problem on record.
    return { mode: 'certManager', secretName: name };
  }
  const acme = choice.issuer.acme;
  // An issuer with both solvers or none is reported on the issuer; its hosts are not judged.
  const solvable = !acme.http01 !== !acme.dns01;
  hosts.forEach((h, j) => {
    if (!solvable) return;
    if (acme.http01 && h.startsWith('*.')) report([...at, 'hosts', j], `wildcard "${h}" needs a DNS-01 issuer; "${choice.ref.name}" solves HTTP-01`);
    if (acme.dns01) {
      const why = challengeNameProblem(h);
      if (why) report([...at, 'hosts', j], why);
    }
    if (tenantZone !== undefined) {
      if (!inDomain(h, tenantZone)) {
        report(
          [...at, 'hosts', j],
          `"${h}" is outside the tenant's zone "${tenantZone}", where its DNS-01 challenges are answered in environment "${env.name}": cert-manager finds the zone by SOA lookup among the platform's tenant zones, and the host's zone is not one of them; use an HTTP-01 issuer (spec.tls.issuer) or tls: {secretName: <existing secret>}`,
        );
      }
      return;
    }
    const zone = acme.dns01?.azureDNS.hostedZoneName;
    if (zone !== undefined && !inDomain(h, zone)) {
      report(
        [...at, 'hosts', j],
        `"${h}" is outside the DNS zone "${zone}" where issuer "${choice.ref.name}" answers DNS-01 challenges: cert-manager would write the challenge record into that zone under a name no resolver asks for, and the certificate would never be issued; use an issuer for the host's zone (spec.tls.issuer) or tls: {secretName: <existing secret>}`,
      );
    }
  });
  certificates.add(name, hosts, choice.ref, [...at, 'hosts']);
  return { mode: 'certManager', secretName: name };
}

/**
 * Why cert-manager could never write the DNS-01 challenge record of `host`, or undefined. The
 * record is _acme-challenge.<name>, where <name> is the ACME authorization's identifier: the host,
 * or for a wildcard *.x the name x (cert-manager v1.21.1, pkg/issuer/acme/dns/util/dns.go,
 * DNS01LookupFQDN; the challenge's DNSName is authz.Identifier, pkg/controller/acmeorders/util.go).
 * The prefix adds a label of 15 characters, so only the name's length can break a limit.
 */
function challengeNameProblem(host: string): string | undefined {
  const wildcard = host.startsWith('*.');
  const challenge = `_acme-challenge.${wildcard ? host.slice(2) : host}`;
  if (challenge.length <= 253) return undefined;
  return `"${host}" is too long for a DNS-01 challenge: cert-manager writes its record at ${wildcard ? '_acme-challenge.<host without *.>' : '_acme-challenge.<host>'}, which would have ${challenge.length} characters, over the 253 a DNS name may have, and the certificate would never be issued; use a host of at most ${wildcard ? 239 : 237} characters, an HTTP-01 issuer (spec.tls.issuer) or tls: {secretName: <existing secret>}`;
}

/** Gathers the hosts of a tenant's certManager routes into its Certificates, in one environment. */
class CertificateCollector {
  private readonly byName = new Map<string, { hosts: Set<string>; issuer: IssuerRef; reported: boolean }>();

  constructor(private readonly report: Report) {}

  add(name: string, hosts: readonly string[], issuer: IssuerRef, at: PathSegment[]): void {
    let cert = this.byName.get(name);
    if (!cert) {
      cert = { hosts: new Set(), issuer, reported: false };
      this.byName.set(name, cert);
    }
    for (const h of hosts) cert.hosts.add(h);
    if (cert.reported) return;
    const count = withoutCovered(cert.hosts).length;
    if (count > MAX_CERTIFICATE_NAMES) {
      cert.reported = true;
      const remedy = name === names.tenantCertificate
        ? 'give some routes a certificate of their own (tls: {ownCertificate: true}) or cover subdomains with the wildcard host "*"'
        : 'split the route, or cover subdomains with the wildcard host "*"';
      this.report(at, `certificate "${name}" would hold ${count} names, over the ${MAX_CERTIFICATE_NAMES} a certificate may have; ${remedy}`);
    }
  }

  models(): CertificateModel[] {
    return [...this.byName.entries()]
      .map(([name, c]) => ({ name, secretName: name, dnsNames: withoutCovered(c.hosts), issuer: c.issuer }))
      .sort((a, b) => (a.name < b.name ? -1 : 1));
  }
}

/**
 * The names a certificate must list, sorted: a name that a wildcard of the same certificate covers
 * is left out, because Let's Encrypt refuses an order that lists both ("Domain name ... is
 * redundant with a wildcard domain in the same request", boulder's ra.go). The Ingress still lists
 * the host, and the certificate still covers it.
 */
function withoutCovered(hosts: ReadonlySet<string>): string[] {
  return [...hosts]
    .filter((h) => {
      const parent = parentDomain(h);
      return h.startsWith('*.') || parent === undefined || !hosts.has(`*.${parent}`);
    })
    .sort();
}

/**
 * Secrets tenant-edge derives in a tenant's namespace, each with what writes it. A route that
 * names one of them as its existing Secret would be overwritten, or serve a certificate that does
 * not cover its hosts.
 */
function derivedSecretNames(ctx: PlatformContext, tenant: Tenant, issuers: readonly string[]): Map<string, string> {
  const derived = new Map<string, string>([[names.tenantCertificate, 'the tenant\'s shared Certificate']]);
  // A namespaced Issuer keeps its ACME account key in the tenant's namespace.
  for (const issuer of issuers) derived.set(names.acmeAccountKey(issuer), `issuer "${issuer}" (its ACME account key)`);
  for (const r of tenant.spec.routes) {
    if (ownsCertificate(ctx, tenant, r)) derived.set(names.tlsSecret(r.name), `the Certificate of route "${r.name}"`);
  }
  return derived;
}

/** True when a route's TLS comes from a Certificate of its own rather than the tenant's shared one. */
function ownsCertificate(ctx: PlatformContext, tenant: Tenant, route: Route): boolean {
  if (route.tls === 'certManager') return (tenant.spec.tls.certificates ?? ctx.spec.tenantCertificates) === 'perRoute';
  return typeof route.tls === 'object' && 'ownCertificate' in route.tls;
}
