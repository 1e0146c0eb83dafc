import { isIP } from 'net';
import { PathSegment } from '../../input/problems';
import { DnsRecord, Environment, Tenant } from '../../input/types';
import { PlatformContext, Report } from '../context';
import { addressClass, canonicalAddress, controlPlaneWildcards, forEachDuplicate, inDomain, relativeTo } from '../domains';
import { RecordData } from '../model';
import { isClusterNamespace, names } from '../names';
import type { EnvironmentClaims } from './tenant';

/**
 * DNS rules: the platform's DNS settings per environment, a tenant's DNS settings, and the
 * parsing of a tenant's own records (values as a zone file writes them) into record data.
 */

/** The parent zone of `env`: parentZone.name, else the zone its armId names, else the environment's domain. */
export function parentZoneName(env: Environment): string {
  const parent = env.dns?.parentZone;
  return parent?.name ?? (parent?.armId !== undefined ? armZoneName(parent.armId) : env.domain);
}

/** The zone an Azure DNS zone ARM ID names (lower-case: zone names are case-insensitive). */
export function armZoneName(armId: string): string {
  return armId.slice(armId.lastIndexOf('/') + 1).toLowerCase();
}

/** True when the tenant gets a zone in environment `env`: the environment has DNS, and the tenant's dns.zone (or the environment's default) says so. */
export function hasZone(ctx: PlatformContext, tenant: Tenant, env: Environment): boolean {
  if (!env.dns || !ctx.spec.dns) return false;
  return tenant.spec.dns?.zone ?? env.dns.tenantZones;
}

/** The rules of platform.spec.dns and environments[].dns. */
export function checkPlatformDns(ctx: PlatformContext, report: Report): void {
  if (ctx.spec.dns) {
    dnsNamespaceProblem(ctx, report);
    const withDns = ctx.spec.environments.map((env, i) => ({ env, i })).filter((e) => e.env.dns);
    // Two environments managing one zone would reconcile one Azure zone.
    const managing = withDns.filter((e) => e.env.dns!.parentZone.armId === undefined);
    forEachDuplicate(managing.map((e) => parentZoneName(e.env)), (k, first) =>
      report(['spec', 'environments', managing[k].i, 'dns', 'parentZone'], `zone "${parentZoneName(managing[k].env)}" is already managed by environment "${managing[first].env.name}": two environments would reconcile one Azure zone; reference it here by armId`),
    );
    // Tenant zones are named after the domain, in one resource group: two environments would
    // render the same Azure zones with different records.
    forEachDuplicate(withDns.map((e) => e.env.domain), (k, first) =>
      report(['spec', 'environments', withDns[k].i, 'domain'], `environment "${withDns[first].env.name}" has the same domain and DNS: both would reconcile the tenant zones <tenant>.${withDns[k].env.domain} in resource group ${ctx.spec.dns!.azure.resourceGroup}, with different records; give each environment its own domain`),
    );
  }
  ctx.spec.environments.forEach((env, i) => {
    if (!env.dns) return;
    const at: PathSegment[] = ['spec', 'environments', i, 'dns'];
    if (!ctx.spec.dns) {
      report(at, `needs spec.dns in ${ctx.file}, which says where the zones go (provider, subscription and resource group)`, true);
      return;
    }
    const parent = env.dns.parentZone;
    const name = parentZoneName(env);
    if (parent.armId !== undefined && parent.name !== undefined && armZoneName(parent.armId) !== parent.name) {
      report([...at, 'parentZone', 'armId'], `names zone "${armZoneName(parent.armId)}", but parentZone.name is "${parent.name}"; they must be the same zone`);
    }
    if (!inDomain(env.domain, name)) {
      const where: PathSegment[] = parent.name !== undefined ? [...at, 'parentZone', 'name'] : [...at, 'parentZone', 'armId'];
      report(where, `the parent zone "${name}" does not contain the environment's domain "${env.domain}": tenant zones are <tenant>.${env.domain}, delegated from the parent zone by NS records in it`);
    }
    // Addresses published in the zones: the shared controller's (tenants on it), the control planes'.
    if (env.sharedIngress.enabled) publishedAddress(report, ['spec', 'environments', i, 'sharedIngress', 'loadBalancerIP'], env.sharedIngress.loadBalancerIP, 'the A records of tenants on the shared controller');
    const base = ctx.controlPlaneDomain(env);
    if (base !== undefined) publishedAddress(report, ['spec', 'environments', i, 'controlPlaneAddress'], env.controlPlaneAddress, 'the control planes\' wildcard records');
    if (base !== undefined && inDomain(base, name)) {
      const longest = controlPlaneWildcards(base).map((w) => names.dnsObject(relativeTo(w, name), name)).reduce((a, b) => (b.length > a.length ? b : a));
      if (longest.length > 253) {
        report(['spec', 'environments', i, env.controlPlaneDomain !== undefined ? 'controlPlaneDomain' : 'domain'], `too long for the control planes' wildcard records: the object "${longest.slice(0, 40)}…" would have ${longest.length} characters, over the 253 an object name may have`);
      }
    }
    if (env.dns.tenantZones && env.sharedIngress.enabled && env.sharedIngress.loadBalancerIP === undefined) {
      report([...at, 'tenantZones'], `the zones of tenants on the shared controller get A records for its address, and it has none in environment "${env.name}"; set sharedIngress.loadBalancerIP (a static address)`);
    }
  });
}

/**
 * An address tenant-edge publishes in a zone must be one clients may be sent to. One that is no
 * address at all is reported by the platform's rules (checkAddress).
 */
function publishedAddress(report: Report, at: PathSegment[], ip: string | undefined, what: string): void {
  if (ip === undefined || canonicalAddress(ip) === undefined) return;
  const why = recordAddressProblem(ip, isIP(ip) === 6 ? 6 : 4);
  if (why) report(at, `${why}; it is published as ${what}`);
}

/**
 * The DNS namespace is tenant-edge's own: it is created with restricted Pod Security and kept when
 * it leaves dist/, so it may not be another part of the platform, nor a namespace of the cluster
 * or of an add-on.
 */
function dnsNamespaceProblem(ctx: PlatformContext, report: Report): void {
  const ns = ctx.spec.dns!.namespace;
  const others: [string, string][] = [
    ...ctx.platformNamespaces(),
    [ctx.spec.flux.sourceRef.namespace ?? ctx.spec.flux.namespace, 'the Flux source'],
    ...(ctx.spec.controlPlanes ? [[ctx.spec.controlPlanes.namespace, 'the control planes'] as [string, string]] : []),
  ];
  const taken = others.find(([other]) => other === ns);
  if (taken) {
    report(['spec', 'dns', 'namespace'], `"${ns}" is the namespace of ${taken[1]}; the DNS objects need a namespace of their own (the default is edge-dns)`);
  } else if (isClusterNamespace(ns)) {
    report(['spec', 'dns', 'namespace'], `"${ns}" belongs to the cluster or to an add-on; the DNS objects need a namespace of their own (the default is edge-dns)`);
  }
}

/**
 * One-line notices about DNS in each environment: control-plane wildcards that cannot be rendered.
 * A record is never left out silently.
 */
export function platformDnsNotices(ctx: PlatformContext): string[] {
  const out: string[] = [];
  if (!ctx.spec.dns) return out;
  for (const env of ctx.environments) {
    const base = ctx.controlPlaneDomain(env);
    if (!env.dns || base === undefined) continue;
    const parent = parentZoneName(env);
    const wildcards = `*.k8s.${base} and *.konnectivity.${base}`;
    if (!inDomain(base, parent)) {
      out.push(`notice: environment "${env.name}": no records for ${wildcards}, which lie outside the parent zone ${parent}; create them where ${base} is served`);
    } else if (ctx.controlPlaneAddress(env) === undefined) {
      out.push(`notice: environment "${env.name}": no records for ${wildcards}: the address of the controller carrying the control planes is not known; set environments[].controlPlaneAddress in ${ctx.file}`);
    }
  }
  return out;
}

/**
 * The rules of a tenant's spec.dns that hold in every environment. Returns the notices its DNS
 * deserves: records handed to external-dns where its controller has no static address.
 */
export function checkTenantDns(ctx: PlatformContext, tenant: Tenant, claims: readonly EnvironmentClaims[], report: Report): string[] {
  const dns = tenant.spec.dns;
  const environments = claims.map((c) => c.environment);
  const zoneEnvs = environments.map((e) => ctx.envByName.get(e)!).filter((env) => hasZone(ctx, tenant, env));
  for (const env of zoneEnvs) {
    const address = claims.find((c) => c.environment === env.name)?.address;
    if (address) publishedAddress(report, address.path, address.ip, `the A records of the tenant's routes in its zone in environment "${env.name}"`);
  }
  if (dns === undefined) return externalDnsNotices(ctx, tenant, zoneEnvs, claims);
  if (!ctx.spec.dns) {
    report(['spec', 'dns'], `needs spec.dns in ${ctx.file}, which says where the platform keeps DNS zones`, true);
    return [];
  }
  const withDns = environments.filter((e) => ctx.envByName.get(e)!.dns !== undefined);
  if (dns.zone === true && withDns.length === 0) {
    report(['spec', 'dns', 'zone'], `none of the tenant's environments (${environments.join(', ')}) has DNS (environments[].dns in ${ctx.file}), so it gets no zone`);
  }
  if (zoneEnvs.length === 0 && dns.zone !== true) {
    if (dns.records.length > 0) report(['spec', 'dns', 'records'], `the records go into the tenant's zone, and it has none in ${environments.join(', ')}; set dns.zone: true or remove them`);
    if (dns.ttl !== undefined) report(['spec', 'dns', 'ttl'], `applies to the tenant's zone, and it has none in ${environments.join(', ')}`);
  }
  dns.records.forEach((r, i) => parseRecord(r, ['spec', 'dns', 'records', i], report));
  tenantRecordNames(dns.records, report);
  if (dns.zone === true) {
    for (const env of zoneEnvs) {
      if (!ctx.isDedicated(tenant, env.name) && env.sharedIngress.loadBalancerIP === undefined && !env.dns!.tenantZones) {
        report(['spec', 'dns', 'zone'], `the zone's A records would point at the shared controller, which has no static address in environment "${env.name}" (sharedIngress.loadBalancerIP in ${ctx.file}); give the tenant a dedicated controller there, or ask for the address`);
      }
    }
  }
  return externalDnsNotices(ctx, tenant, zoneEnvs, claims);
}

/**
 * Where a tenant's zone has no address for its routes' A records, external-dns writes them: said
 * once per environment. The address is the one the tenant claims there (its dedicated
 * controller's static one); an address that is no address is reported on its own.
 */
function externalDnsNotices(ctx: PlatformContext, tenant: Tenant, zoneEnvs: readonly Environment[], claims: readonly EnvironmentClaims[]): string[] {
  const out: string[] = [];
  for (const env of zoneEnvs) {
    if (!ctx.isDedicated(tenant, env.name)) continue;
    if (claims.find((c) => c.environment === env.name)?.address) continue;
    out.push(`notice: tenant "${tenant.metadata.name}" has no static address in environment "${env.name}": external-dns writes the A records of the routes' hosts, from the external-dns.kubernetes.io/hostname annotation on the controller's Service (run external-dns with --source=service and --label-filter=tenant-edge.dev/external-dns=true for the tenant zones' resource group)`);
  }
  return out;
}

/**
 * Names a tenant's records may not take, whatever the environment: a CNAME shares its name with
 * nothing, the apex has no CNAME, a name and type appear once, and _acme-challenge belongs to
 * cert-manager (the operator replaces a whole record set, and would delete its challenge records).
 */
function tenantRecordNames(records: readonly DnsRecord[], report: Report): void {
  forEachDuplicate(records.map((r) => `${r.name} ${r.type}`), (i, seen) =>
    report(['spec', 'dns', 'records', i, 'name'], `a ${records[i].type} record set named "${records[i].name}" is already at spec.dns.records[${seen}]; put every value in one entry`),
  );
  records.forEach((r, i) => {
    const at: PathSegment[] = ['spec', 'dns', 'records', i];
    if (r.type === 'CNAME' && r.name === '@') report([...at, 'type'], 'a CNAME cannot be at the zone apex (@), which has the zone\'s SOA and NS records; use A or AAAA records');
    if (r.type === 'CNAME') {
      const other = records.findIndex((o, j) => j !== i && o.name === r.name);
      if (other >= 0) report([...at, 'name'], `a CNAME must be the only record set of its name, and spec.dns.records[${other}] is a ${records[other].type} record set named "${r.name}"`);
    }
    if (r.name.split('.').includes('_acme-challenge')) {
      report([...at, 'name'], `"${r.name}" is where cert-manager writes DNS-01 challenges; the operator would replace its records with these`);
    }
  });
}

const PRINTABLE = /^[\x20-\x7e]*$/;
const HOST = /^([a-z0-9_]([-a-z0-9_]{0,61}[a-z0-9])?\.)+[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.?$/;
const CAA_TAGS = ['issue', 'issuewild', 'iodef'];

/**
 * A tenant record's values as record data, or undefined after reporting each value that is not
 * one (with what is allowed).
 */
export function parseRecord(record: DnsRecord, at: PathSegment[], report: Report): RecordData | undefined {
  let ok = true;
  const badValues = new Set<number>();
  const bad = (j: number, message: string): void => {
    ok = false;
    badValues.add(j);
    report([...at, 'values', j], message);
  };
  const values = record.values;
  // Azure refuses a record set with two equal records: compared as written to Azure, so that
  // "10 mail.example.com" and "010 mail.example.com." are one record.
  const once = <T>(entries: T[]): T[] => {
    // A value already reported is compared with nothing (its key is its own).
    const keys = entries.map((e, j) => (badValues.has(j) ? `\u0000${j}` : JSON.stringify(e)));
    forEachDuplicate(keys, (j) => bad(j, `"${values[j]}" is the same record as an earlier value`));
    return entries;
  };
  switch (record.type) {
    case 'A':
    case 'AAAA': {
      const family = record.type === 'A' ? 4 : 6;
      const addresses = once(values.map((v, j) => {
        const why = recordAddressProblem(v, family);
        if (why) bad(j, why);
        return canonicalAddress(v) ?? v;
      }));
      return ok ? { type: record.type, addresses } : undefined;
    }
    case 'CNAME': {
      if (values.length !== 1) {
        report([...at, 'values'], `a CNAME record set holds exactly one host name (got ${values.length})`);
        return undefined;
      }
      const target = hostValue(values[0]);
      if (target === undefined) bad(0, `"${values[0]}" is not a host name: lower-case labels of letters, digits and '-', separated by dots, such as app.example.net`);
      return ok ? { type: 'CNAME', target: target! } : undefined;
    }
    case 'TXT': {
      const texts = once(values.map((v, j) => {
        if (!PRINTABLE.test(v)) bad(j, 'TXT values may hold printable ASCII characters only (space to ~)');
        const chunks: string[] = [];
        for (let k = 0; k < v.length; k += 255) chunks.push(v.slice(k, k + 255));
        return chunks;
      }));
      return ok ? { type: 'TXT', texts } : undefined;
    }
    case 'CAA': {
      const entries = once(values.map((v, j) => {
        const m = /^(0|128) ([a-z]+) "([\x20\x21\x23-\x7e]*)"$/.exec(v);
        if (!m) {
          bad(j, `"${v}" is not a CAA record: flags (0 or 128), a tag (${CAA_TAGS.join(', ')}) and a quoted value, such as 0 issue "letsencrypt.org"`);
          return { flags: 0, tag: '', value: '' };
        }
        if (!CAA_TAGS.includes(m[2])) bad(j, `CAA tag "${m[2]}" is not one of ${CAA_TAGS.join(', ')}`);
        if (m[3].length > 255) bad(j, `the CAA value has ${m[3].length} characters, over 255`);
        return { flags: Number(m[1]), tag: m[2], value: m[3] };
      }));
      return ok ? { type: 'CAA', entries } : undefined;
    }
    case 'MX': {
      const entries = once(values.map((v, j) => {
        const m = /^([0-9]{1,5}) (\S+)$/.exec(v);
        const exchange = m ? hostValue(m[2]) : undefined;
        if (!m || Number(m[1]) > 65535 || exchange === undefined) {
          bad(j, `"${v}" is not an MX record: a preference from 0 to 65535 and a mail host name, such as 10 mail.example.com`);
          return { preference: 0, exchange: '' };
        }
        return { preference: Number(m[1]), exchange };
      }));
      return ok ? { type: 'MX', entries } : undefined;
    }
    default: {
      const unknown: never = record.type;
      throw new Error(`no parsing for records of type ${String(unknown)}`);
    }
  }
}

/** A host name as a record value, without a trailing dot, or undefined when it is none. */
function hostValue(v: string): string | undefined {
  if (v.length > 254 || !HOST.test(v)) return undefined;
  return v.endsWith('.') ? v.slice(0, -1) : v;
}

/**
 * Why `ip` cannot be the value of an A (family 4) or AAAA (family 6) record in a public zone:
 * not an address of the family, or one that no client should be sent to (unspecified, loopback,
 * link-local, multicast, broadcast, IPv4-mapped).
 */
export function recordAddressProblem(ip: string, family: 4 | 6): string | undefined {
  const kind = family === 4 ? 'an IPv4 address such as 20.10.0.5' : 'an IPv6 address such as 2001:db8::5';
  if (isIP(ip) !== family || canonicalAddress(ip) === undefined) return `"${ip}" is not ${kind}`;
  if (addressClass(ip) === 'unicast') return undefined;
  if (family === 4) return `"${ip}" is an unspecified, loopback, link-local, multicast or reserved address; a record must point at a unicast address clients can reach`;
  return `"${ip}" is an unspecified, loopback, IPv4-mapped, link-local or multicast address; a record must point at a unicast address clients can reach`;
  return undefined;
}
