import { PathSegment } from '../../input/problems';
import { Environment, Tenant } from '../../input/types';
import { PlatformContext, Report } from '../context';
import { canonicalAddress, controlPlaneWildcards, inDomain, relativeTo } from '../domains';
import { EnvironmentDnsModel, HttpRouteModel, RecordData, RecordSetModel, TenantZoneModel } from '../model';
import { names } from '../names';
import { parentZoneName, parseRecord } from '../rules/dns';

/** An environment's DNS model, when it has DNS (environments[].dns with platform.spec.dns). */
export function buildEnvironmentDns(ctx: PlatformContext, env: Environment): EnvironmentDnsModel | undefined {
  const dns = ctx.spec.dns;
  if (!dns || !env.dns) return undefined;
  const parent = parentZoneName(env);
  const armId = env.dns.parentZone.armId;
  const parentRecords: RecordSetModel[] = [];
  const base = ctx.controlPlaneDomain(env);
  const address = ctx.controlPlaneAddress(env);
  // Without an address or outside the parent zone, platformDnsNotices says why they are missing.
  if (base !== undefined && address !== undefined && inDomain(base, parent)) {
    for (const relativeName of controlPlaneWildcards(base).map((w) => relativeTo(w, parent))) {
      parentRecords.push({ objectName: names.dnsObject(relativeName, parent), relativeName, ttl: dns.ttl, data: addressRecord(address) });
    }
  }
  return {
    namespace: dns.namespace,
    subscriptionID: dns.azure.subscriptionID,
    resourceGroup: dns.azure.resourceGroup,
    ...(dns.azure.credentialFrom !== undefined ? { credentialFrom: dns.azure.credentialFrom } : {}),
    parentZone: {
      name: parent,
      owner: armId !== undefined ? { armId } : { name: names.dnsObject('@', parent) },
      ...(armId === undefined ? { managedObjectName: names.dnsObject('@', parent) } : {}),
    },
    parentRecords,
    zoneDeletion: dns.zoneDeletion,
    ttl: dns.ttl,
    sourceRef: dns.sourceRef
      ? { kind: dns.sourceRef.kind, name: dns.sourceRef.name, namespace: dns.namespace }
      : { kind: ctx.spec.flux.sourceRef.kind, name: ctx.spec.flux.sourceRef.name, namespace: ctx.spec.flux.sourceRef.namespace ?? ctx.spec.flux.namespace },
    applierServiceAccount: names.dnsApplier,
  };
}

/** An A or AAAA record set of one address, written canonically (2001:DB8::5 as 2001:db8::5). */
function addressRecord(ip: string): RecordData {
  const address = canonicalAddress(ip) ?? ip;
  return address.includes(':') ? { type: 'AAAA', addresses: [address] } : { type: 'A', addresses: [address] };
}

/** Where a tenant's zone gets its facts in one environment. */
export interface ZoneInputs {
  readonly env: Environment;
  /** The tenant's domain there, and where it is written. */
  readonly domain: string;
  readonly domainPath: PathSegment[];
  readonly routes: readonly HttpRouteModel[];
  /** The address its hosts resolve to: its dedicated controller's, or the shared one's; undefined when not known up front. */
  readonly address?: string;
}

/**
 * A tenant's zone in one environment: A (or AAAA) record sets for its routes' hosts in the zone,
 * its own records, and the delegation. Reports what only this environment reveals: a zone outside
 * the parent zone, records that clash with the routes' or with each other's object names.
 */
export function buildTenantZone(ctx: PlatformContext, tenant: Tenant, z: ZoneInputs, report: Report): TenantZoneModel | undefined {
  const { env, domain } = z;
  const dns = ctx.spec.dns!;
  const parent = parentZoneName(env);
  const spec = tenant.spec.dns;
  const name = tenant.metadata.name;
  // A parent zone that does not hold the environment's domain is reported on the platform.
  if (!inDomain(env.domain, parent)) return undefined;
  if (!inDomain(domain, parent) || domain === parent) {
    report(z.domainPath, `the tenant's zone "${domain}" is not under the parent zone "${parent}" of environment "${env.name}", which would delegate to it; a tenant with a zone keeps its domain under ${env.domain}`);
    return undefined;
  }
  if (!inDomain(domain, env.domain)) {
    report(z.domainPath, `the tenant's zone "${domain}" lies outside the environment's domain "${env.domain}"; names in the parent zone "${parent}" outside it belong to the platform`);
    return undefined;
  }
  let ok = true;
  const fail: Report = (path, message, atKey) => {
    ok = false;
    report(path, message, atKey);
  };
  const ttl = spec?.ttl ?? dns.ttl;
  const records: RecordSetModel[] = [];
  // Where each record set was asked for: a tenant record's entry, or (undefined) the routes.
  const from = new Map<RecordSetModel, PathSegment[]>();
  const hosts = [...new Set(z.routes.flatMap((r) => r.hosts).filter((h) => inDomain(h, domain)))].sort();
  const routeNames = new Set(hosts.map((h) => relativeTo(h, domain)));
  if (z.address !== undefined) {
    const data = addressRecord(z.address);
    for (const rel of routeNames) records.push({ objectName: names.dnsObject(rel, domain), relativeName: rel, ttl, data });
  }
  const routeType = z.address?.includes(':') ? 'AAAA' : 'A';
  (spec?.records ?? []).forEach((r, i) => {
    const at: PathSegment[] = ['spec', 'dns', 'records', i];
    if (inDomain(r.name, domain)) {
      fail([...at, 'name'], `"${r.name}" is a full name; record names are relative to the zone ${domain}: write "${relativeTo(r.name, domain)}"`);
      return;
    }
    if (inDomain(r.name, parent) || inDomain(r.name, env.domain)) {
      fail([...at, 'name'], `"${r.name}" is outside the zone ${domain}: a tenant's records are names in its own zone, written relative to it (@, www, _dmarc)`);
      return;
    }
    const apexCname = r.type === 'CNAME' && r.name === '@'; // refused by the tenant's rules
    if (!apexCname && routeNames.has(r.name)) {
      const host = `"${r.name}" ("${r.name === '@' ? domain : `${r.name}.${domain}`}") is a host of the tenant's routes in environment "${env.name}"`;
      if (r.type === 'CNAME') {
        fail([...at, 'name'], `a CNAME must be the only record set of its name, and ${host}`);
        return;
      }
      if (z.address !== undefined && r.type === routeType) {
        fail([...at, 'name'], `tenant-edge renders the ${routeType} record set of ${host}`);
        return;
      }
      // Two writers of one record set would overwrite each other's records.
      if (z.address === undefined && (r.type === 'A' || r.type === 'AAAA')) {
        fail([...at, 'name'], `external-dns writes the address records of ${host}, from its controller's Service (the controller has no static address there)`);
        return;
      }
    }
    // Its values were judged (and reported) once by the tenant's rules (rules/dns.ts).
    const data = parseRecord(r, at, () => undefined);
    if (data) {
      const rec: RecordSetModel = { objectName: names.dnsObject(r.name, domain), relativeName: r.name, ttl: r.ttl ?? ttl, data };
      records.push(rec);
      from.set(rec, [...at, 'name']);
    }
  });
  // One object per kind and name: two record set names spelt alike would collide.
  const byKindName = new Map<string, string>();
  for (const rec of records) {
    const key = `${rec.data.type} ${rec.objectName}`;
    const first = byKindName.get(key);
    const at = from.get(rec) ?? ['spec', 'routes'];
    if (first !== undefined && first !== rec.relativeName) {
      fail(at, `${rec.data.type} record sets "${first}" and "${rec.relativeName}" would both be the object "${rec.objectName}" (object names spell * as wildcard and _ as -, with a digest); rename one`);
    }
    byKindName.set(key, rec.relativeName);
    if (rec.objectName.length > 253) fail(at, `record set "${rec.relativeName}" would be the object "${rec.objectName.slice(0, 40)}…" of ${rec.objectName.length} characters, over the 253 an object name may have`);
  }
  if (!ok) return undefined;
  records.sort((a, b) => (a.objectName < b.objectName ? -1 : a.objectName > b.objectName ? 1 : a.data.type < b.data.type ? -1 : 1));
  const delegationName = relativeTo(domain, parent);
  return {
    name: domain,
    objectName: names.dnsObject('@', domain),
    records,
    nameServers: { configMapName: names.nameServersConfigMap(name), keys: names.nameServerKeys },
    delegation: {
      objectName: names.dnsObject(delegationName, parent),
      relativeName: delegationName,
      ttl: dns.ttl,
      data: { type: 'NS', nameServers: names.nameServerKeys.map((k) => `\${${k}}`) },
    },
    externalDnsHosts: z.address === undefined ? hosts : [],
  };
}
