/**
 * Per-tenant DNS (platform.spec.dns, environments[].dns, tenant spec.dns): Azure Service Operator
 * zones and record sets, the declarative delegation, the DNS-01 solver for tenant zones, the
 * control planes' wildcards, and the refusals, each with its exact message.
 *
 * Upstream facts pinned here:
 *  - Azure Service Operator v2 (Azure/azure-service-operator, v2.21): network.azure.com/v1api20180501
 *    is the only version of the DNS kinds; azureName is the record set's name relative to its zone
 *    and owner.name the DnsZone object (owner.armId an existing Azure resource); deleting an object
 *    deletes the Azure resource unless serviceoperator.azure.com/reconcile-policy is
 *    detach-on-delete or skip, and nothing skips the DELETE of a child whose owner is deleted;
 *    operatorSpec.configMapExpressions writes a string CEL result under `key` of a ConfigMap the
 *    object owns, after the zone's PUT and GET (status.nameServers is then set).
 *  - kustomize-controller v1.9.4 with fluxcd/pkg runtime v0.110.1: postBuild.substituteFrom reads
 *    ConfigMaps of the Kustomization's namespace, fails the build while one is missing (retried),
 *    and with strict substitution fails on a variable without a value; healthCheckExprs evaluate
 *    CEL over the object's top-level fields, InProgress, then Failed, then Current
 *    (runtime/cel/status_evaluator.go), for an apiVersion without kind for the whole group.
 *  - cert-manager v1.21.1: azureDNS without hostedZoneName finds the zone by SOA lookup
 *    (pkg/issuer/acme/dns/azuredns/azuredns.go, util.FindZoneByFqdn); selector.matchLabels is
 *    matched against the Order's labels, copied from the Certificate through its
 *    CertificateRequest; a solver with matching labels outranks one with no selector.
 *  - external-dns v0.22.0 reads external-dns.kubernetes.io/hostname by default
 *    (source/annotations/annotations.go); the alpha prefix only with --annotation-prefix.
 */
import { parse } from 'yaml';
import { tenantNotices } from '../lib/model/resolve';
import { problemsOf, renderFixture, SpecFixture } from './support/spec-fixtures';

type Doc = Record<string, any>;

const P = 'platform.yaml';
const A = 'tenants/alpha.yaml';
const B = 'tenants/bravo.yaml';
const SUB = '00000000-0000-0000-0000-000000000000';

const PLATFORM_DNS = `  dns:\n    provider: azure\n    azure:\n      subscriptionID: ${SUB}\n      resourceGroup: tenant-zones\n`;

/**
 * The valid fixture with DNS in prod (tenant zones on, parent zone prod.example.com managed by
 * tenant-edge); `env` replaces prod's dns block, `platform` adds lines under spec.dns.
 */
function fixture(opts: { env?: string; platform?: string; alpha?: string; bravo?: string; tweak?: (f: SpecFixture) => void } = {}): SpecFixture {
  const f = SpecFixture.create();
  f.replace(P, '  reservedNamespaces: [legacy]\n', `  reservedNamespaces: [legacy]\n${PLATFORM_DNS}${opts.platform ?? ''}`);
  f.replace(P, '        loadBalancerIP: 10.0.0.1\n', `        loadBalancerIP: 10.0.0.1\n${opts.env ?? '      dns:\n        tenantZones: true\n'}`);
  if (opts.alpha !== undefined) f.write(A, `${f.read(A)}${opts.alpha}`);
  if (opts.bravo !== undefined) f.write(B, `${f.read(B)}${opts.bravo}`);
  opts.tweak?.(f);
  return f;
}

const find = (docs: Doc[], kind: string, name: string): Doc => {
  const d = docs.find((o) => o.kind === kind && o.metadata.name === name);
  if (!d) throw new Error(`no ${kind}/${name} among ${docs.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  return d;
};
const POLICY = 'serviceoperator.azure.com/reconcile-policy';

describe('tenant zones in prod (the fixture: alpha dedicated at 10.0.0.2, bravo and charlie on the shared controller at 10.0.0.1)', () => {
  const { tree, docs, notices } = renderFixture(fixture());

  test('dev has no DNS: no DNS objects, no DNS files, no solver for tenant zones', () => {
    const dev = Object.keys(tree).filter((f) => f.startsWith('dev/'));
    expect(dev.filter((f) => /\/(dns|delegation)\//.test(f) || f.startsWith('dev/dns/') || f.endsWith('/dns.yaml'))).toEqual([]);
    for (const f of dev) expect([f, tree[f].includes('network.azure.com')]).toEqual([f, false]);
    expect(tree['dev/platform/cluster-issuers.yaml']).not.toContain('selector');
  });

  test('each tenant gets a zone named after its domain, in the DNS namespace, owned by the zones\' resource group, exporting its four name servers', () => {
    const zone = find(docs('prod/tenants/alpha/dns/zone.yaml'), 'DnsZone', 'alpha.prod.example.com');
    expect(zone).toEqual({
      apiVersion: 'network.azure.com/v1api20180501',
      kind: 'DnsZone',
      metadata: {
        name: 'alpha.prod.example.com',
        namespace: 'edge-dns',
        annotations: { [POLICY]: 'detach-on-delete' },
        labels: { 'app.kubernetes.io/managed-by': 'tenant-edge', 'toolkit.fluxcd.io/tenant': 'alpha' },
      },
      spec: {
        azureName: 'alpha.prod.example.com',
        location: 'global',
        zoneType: 'Public',
        owner: { armId: `/subscriptions/${SUB}/resourceGroups/tenant-zones` },
        operatorSpec: {
          configMapExpressions: [0, 1, 2, 3].map((i) => ({ name: 'edge-name-servers-alpha', key: `nameServer${i + 1}`, value: `self.status.nameServers[${i}]` })),
        },
      },
    });
  });

  test('A records for the routes\' hosts in the zone, at the tenant\'s address: its own controller\'s, or the shared one\'s', () => {
    const alpha = docs('prod/tenants/alpha/dns/records.yaml');
    expect(alpha.map((d) => [d.kind, d.metadata.name, d.spec.azureName, d.spec.owner, d.spec.ARecords, d.spec.TTL])).toEqual([
      ['DnsZonesARecord', 'alpha.prod.example.com', '@', { name: 'alpha.prod.example.com' }, [{ ipv4Address: '10.0.0.2' }], 3600],
      ['DnsZonesARecord', 'status.alpha.prod.example.com', 'status', { name: 'alpha.prod.example.com' }, [{ ipv4Address: '10.0.0.2' }], 3600],
      ['DnsZonesARecord', 'www.alpha.prod.example.com', 'www', { name: 'alpha.prod.example.com' }, [{ ipv4Address: '10.0.0.2' }], 3600],
    ]);
    // Records are deleted with their objects: nothing keeps pointing at an address given up.
    for (const d of alpha) expect(d.metadata.annotations?.[POLICY]).toBeUndefined();
    const bravo = docs('prod/tenants/bravo/dns/records.yaml');
    // shop.bravo.example.org is in an extra domain, not in the zone.
    expect(bravo.map((d) => [d.metadata.name, d.spec.azureName, d.spec.ARecords])).toEqual([['bravo.prod.example.com', '@', [{ ipv4Address: '10.0.0.1' }]]]);
    const charlie = docs('prod/tenants/charlie/dns/records.yaml');
    expect(charlie.map((d) => [d.metadata.name, d.spec.azureName])).toEqual([
      ['legacy.charlie.prod.example.com', 'legacy'],
      ['wildcard-684888.charlie.prod.example.com', '*'],
    ]);
  });

  test('the delegation is an NS record set in the parent zone, named for the tenant, whose name servers Flux substitutes from the operator\'s ConfigMap', () => {
    const [ns] = docs('prod/tenants/alpha/delegation/delegation.yaml');
    expect(ns).toMatchObject({
      kind: 'DnsZonesNSRecord',
      metadata: { name: 'alpha.prod.example.com', namespace: 'edge-dns' },
      spec: {
        azureName: 'alpha',
        owner: { name: 'prod.example.com' },
        NSRecords: [{ nsdname: '${nameServer1}' }, { nsdname: '${nameServer2}' }, { nsdname: '${nameServer3}' }, { nsdname: '${nameServer4}' }],
      },
    });
    expect(ns.metadata.annotations).toBeUndefined();
    const zone = find(docs('prod/tenants/alpha/dns/zone.yaml'), 'DnsZone', 'alpha.prod.example.com');
    const exported = zone.spec.operatorSpec.configMapExpressions as { name: string; key: string }[];
    const variables = ns.spec.NSRecords.map((r: { nsdname: string }) => /^\$\{(\w+)\}$/.exec(r.nsdname)![1]);
    expect(variables).toEqual(exported.map((e) => e.key));
    const ks = docs('prod/flux/tenant-alpha.yaml');
    const delegation = find(ks, 'Kustomization', 'edge-delegation-alpha');
    expect(delegation.spec.postBuild).toEqual({ substituteFrom: [{ kind: 'ConfigMap', name: exported[0].name }] });
    expect(new Set(exported.map((e) => e.name)).size).toBe(1);
    // Substitution reads the Kustomization's own namespace: the zone's.
    expect(delegation.metadata.namespace).toBe(zone.metadata.namespace);
    // Only the delegation folder is substituted.
    for (const k of ks.filter((d) => d.metadata.name !== 'edge-delegation-alpha')) expect(k.spec.postBuild).toBeUndefined();
    for (const [file, text] of Object.entries(tree)) {
      if (!file.endsWith('/delegation/delegation.yaml')) expect([file, text.includes('${')]).toEqual([file, false]);
    }
  });

  test('the Kustomizations order zone, delegation and certificates, each waiting for the operator\'s Ready condition', () => {
    const ks = docs('prod/flux/tenant-alpha.yaml');
    const zone = find(ks, 'Kustomization', 'edge-zone-alpha');
    const delegation = find(ks, 'Kustomization', 'edge-delegation-alpha');
    const namespaced = find(ks, 'Kustomization', 'edge-namespace-alpha');
    expect(zone.spec).toMatchObject({ path: './dist/prod/tenants/alpha/dns', wait: true, prune: true, serviceAccountName: 'edge-dns-applier', dependsOn: [{ name: 'edge-platform', namespace: 'flux-system' }] });
    expect(delegation.spec).toMatchObject({ path: './dist/prod/tenants/alpha/delegation', wait: true, prune: true, serviceAccountName: 'edge-dns-applier' });
    // The NS record set's owner, the parent zone tenant-edge manages here, is applied first; and
    // the certificates wait for the delegation. Both only the first time: a dependency that has
    // applied once no longer holds its dependents back (test/health-checks.test.ts).
    expect(delegation.spec.dependsOn).toEqual([{ name: 'edge-zone-alpha' }, { name: 'edge-parent-zone', readyExpr: 'has(dep.status.lastAppliedRevision)' }]);
    expect(namespaced.spec.dependsOn).toEqual([{ name: 'edge-cluster-alpha' }, { name: 'edge-delegation-alpha', namespace: 'edge-dns', readyExpr: 'has(dep.status.lastAppliedRevision)' }]);
    for (const k of [zone, delegation]) {
      expect(k.spec.healthCheckExprs).toEqual([{
        apiVersion: 'network.azure.com/v1api20180501',
        current: "status.conditions.exists(c, c.type == 'Ready' && c.status == 'True' && c.observedGeneration == metadata.generation)",
        failed: "status.conditions.exists(c, c.type == 'Ready' && c.status == 'False' && c.severity == 'Error' && c.observedGeneration == metadata.generation)",
      }]);
    }
  });

  test('the DNS namespace is created by the entry point and kept; the applier may write only the DNS kinds there', () => {
    const flux = docs('prod/flux/platform.yaml');
    const ns = find(flux, 'Namespace', 'edge-dns');
    expect(ns.metadata.annotations).toEqual({ 'kustomize.toolkit.fluxcd.io/prune': 'disabled' });
    const role = find(docs('prod/platform/dns.yaml'), 'ClusterRole', 'tenant-edge-dns-applier');
    // Kept, with the account and its binding: the DNS Kustomizations delete as the applier when DNS is turned off.
    expect(role.metadata.annotations).toEqual({ 'kustomize.toolkit.fluxcd.io/prune': 'disabled' });
    for (const kind of ['ServiceAccount', 'RoleBinding']) expect(find(docs('prod/platform/dns.yaml'), kind, 'edge-dns-applier').metadata.annotations).toEqual({ 'kustomize.toolkit.fluxcd.io/prune': 'disabled' });
    expect(role.rules).toEqual([{
      apiGroups: ['network.azure.com'],
      resources: ['dnszones', 'dnszonesarecords', 'dnszonesaaaarecords', 'dnszonescnamerecords', 'dnszonestxtrecords', 'dnszonescaarecords', 'dnszonesmxrecords', 'dnszonesnsrecords'],
      verbs: ['get', 'list', 'watch', 'create', 'patch', 'delete'],
    }]);
    expect(find(docs('prod/platform/dns.yaml'), 'RoleBinding', 'edge-dns-applier').metadata.namespace).toBe('edge-dns');
  });

  test('a parent zone tenant-edge manages is detached, never deleted, and applied on its own', () => {
    const parent = find(docs('prod/dns/parent-zone.yaml'), 'DnsZone', 'prod.example.com');
    expect(parent.metadata.annotations).toEqual({ [POLICY]: 'detach-on-delete' });
    expect(parent.spec.azureName).toBe('prod.example.com');
    const sync = find(docs('prod/flux/platform.yaml'), 'Kustomization', 'edge-parent-zone');
    expect(sync.spec).toMatchObject({ path: './dist/prod/dns', serviceAccountName: 'edge-dns-applier' });
    expect(sync.metadata.namespace).toBe('edge-dns');
    // The platform folder itself holds no Azure object, so an Azure outage never holds up the platform.
    expect(tree['prod/platform/dns.yaml']).not.toContain('network.azure.com/');
  });

  test('DNS-01 issuers get one more solver, for Certificates labelled as in a tenant zone, with no hostedZoneName', () => {
    const issuer = find(docs('prod/platform/cluster-issuers.yaml'), 'ClusterIssuer', 'le-dns');
    expect(issuer.spec.acme.solvers).toEqual([
      { dns01: { azureDNS: { subscriptionID: SUB, resourceGroupName: 'dns', hostedZoneName: 'example.com', environment: 'AzurePublicCloud', managedIdentity: { clientID: '11111111-1111-1111-1111-111111111111' } } } },
      {
        selector: { matchLabels: { 'tenant-edge.dev/dns01-zone': 'tenant' } },
        dns01: { azureDNS: { subscriptionID: SUB, resourceGroupName: 'tenant-zones', environment: 'AzurePublicCloud', managedIdentity: { clientID: '11111111-1111-1111-1111-111111111111' } } },
      },
    ]);
    expect(find(docs('prod/platform/cluster-issuers.yaml'), 'ClusterIssuer', 'le-http').spec.acme.solvers).toHaveLength(1);
    const cert = find(docs('prod/tenants/alpha/namespace/certificates.yaml'), 'Certificate', 'edge-certificate');
    expect(cert.metadata.labels['tenant-edge.dev/dns01-zone']).toBe('tenant');
    // bravo's certificates are HTTP-01: no label.
    for (const c of docs('prod/tenants/bravo/namespace/certificates.yaml')) expect(c.metadata.labels['tenant-edge.dev/dns01-zone']).toBeUndefined();
    // dev has no zones: the same tenant's certificate there is not labelled.
    expect(find(docs('dev/tenants/alpha/namespace/certificates.yaml'), 'Certificate', 'edge-certificate').metadata.labels['tenant-edge.dev/dns01-zone']).toBeUndefined();
  });

  test('no notices: every record has an address', () => {
    expect(notices.filter((n) => n.includes('external-dns') || n.includes('no records'))).toEqual([]);
  });
});

describe('the issuer does not grow with the tenants', () => {
  test('the same ClusterIssuers for one tenant zone or three', () => {
    const one = renderFixture(fixture({ env: '      dns:\n        tenantZones: false\n', alpha: '  dns:\n    zone: true\n' }));
    const three = renderFixture(fixture());
    expect(Object.keys(one.tree).filter((f) => f.endsWith('/delegation.yaml'))).toEqual(['prod/tenants/alpha/delegation/delegation.yaml']);
    expect(one.tree['prod/platform/cluster-issuers.yaml']).toBe(three.tree['prod/platform/cluster-issuers.yaml']);
  });
});

describe('settings', () => {
  test('zoneDeletion: delete lets a zone go with its object; tenant records, TTLs and a credential Secret', () => {
    const { docs } = renderFixture(fixture({
      platform: '    zoneDeletion: delete\n    ttl: 600\n',
      alpha: [
        '  dns:',
        '    ttl: 300',
        '    records:',
        '      - { name: "@", type: MX, values: ["10 mail.example.net.", "20 backup.example.net"] }',
        '      - { name: "@", type: CAA, values: [\'0 issue "letsencrypt.org"\', \'128 iodef "mailto:sec@example.net"\'] }',
        '      - { name: _dmarc, type: TXT, ttl: 60, values: ["v=DMARC1; p=reject"] }',
        `      - { name: dkim._domainkey, type: TXT, values: ["${'k'.repeat(300)}"] }`,
        '      - { name: v6, type: AAAA, values: ["2001:DB8:0::5"] }',
        '      - { name: blog, type: CNAME, values: [alpha.github.io] }',
        '',
      ].join('\n'),
    }));
    const zone = find(docs('prod/tenants/alpha/dns/zone.yaml'), 'DnsZone', 'alpha.prod.example.com');
    expect(zone.metadata.annotations).toBeUndefined();
    const records = docs('prod/tenants/alpha/dns/records.yaml');
    const spec = (kind: string, name: string): Doc => find(records, kind, name).spec;
    expect(spec('DnsZonesMXRecord', 'alpha.prod.example.com')).toMatchObject({ azureName: '@', TTL: 300, MXRecords: [{ preference: 10, exchange: 'mail.example.net' }, { preference: 20, exchange: 'backup.example.net' }] });
    expect(spec('DnsZonesCAARecord', 'alpha.prod.example.com').caaRecords).toEqual([{ flags: 0, tag: 'issue', value: 'letsencrypt.org' }, { flags: 128, tag: 'iodef', value: 'mailto:sec@example.net' }]);
    // A name the object name cannot spell carries a digest of it: x-dmarc is another record set.
    expect(spec('DnsZonesTXTRecord', 'x-dmarc-76bd5f.alpha.prod.example.com')).toMatchObject({ azureName: '_dmarc', TTL: 60, TXTRecords: [{ value: ['v=DMARC1; p=reject'] }] });
    // A long TXT value is split into character strings of at most 255.
    expect(spec('DnsZonesTXTRecord', 'dkim-51f561.x-domainkey.alpha.prod.example.com').TXTRecords).toEqual([{ value: ['k'.repeat(255), 'k'.repeat(45)] }]);
    expect(spec('DnsZonesAAAARecord', 'v6.alpha.prod.example.com').AAAARecords).toEqual([{ ipv6Address: '2001:db8::5' }]);
    expect(spec('DnsZonesCNAMERecord', 'blog.alpha.prod.example.com').CNAMERecord).toEqual({ cname: 'alpha.github.io' });
    // The routes' records take the tenant's TTL; the delegation takes the platform's.
    expect(spec('DnsZonesARecord', 'www.alpha.prod.example.com').TTL).toBe(300);
    expect(docs('prod/tenants/alpha/delegation/delegation.yaml')[0].spec.TTL).toBe(600);
  });

  test('an existing parent zone by ARM ID: no parent zone object, the delegation owned by the ARM ID', () => {
    const armId = `/subscriptions/${SUB}/resourceGroups/corp-dns/providers/Microsoft.Network/dnszones/example.com`;
    const { tree, docs } = renderFixture(fixture({
      env: `      dns:\n        tenantZones: true\n        parentZone:\n          armId: ${armId}\n`,
    }));
    expect(tree['prod/dns/parent-zone.yaml']).toBeUndefined();
    expect(Object.keys(tree).filter((f) => f.startsWith('prod/dns/'))).toEqual([]);
    const [ns] = docs('prod/tenants/alpha/delegation/delegation.yaml');
    expect(ns.spec).toMatchObject({ azureName: 'alpha.prod', owner: { armId } });
    expect(ns.metadata.name).toBe('alpha.prod.example.com');
  });

  test('credentialFrom is set on every DNS object', () => {
    const f = SpecFixture.create();
    f.replace(P, '  reservedNamespaces: [legacy]\n', `  reservedNamespaces: [legacy]\n${PLATFORM_DNS}      credentialFrom: aso-dns\n`);
    f.replace(P, '        loadBalancerIP: 10.0.0.1\n', '        loadBalancerIP: 10.0.0.1\n      dns:\n        tenantZones: true\n');
    const { tree } = renderFixture(f);
    const azure = Object.values(tree).flatMap((t) => t.split(/^---$/m).map((d) => parse(d) as Doc)).filter((d) => d?.apiVersion?.startsWith('network.azure.com/'));
    expect(azure.length).toBeGreaterThan(5);
    for (const d of azure) expect([d.kind, d.metadata.name, d.metadata.annotations?.['serviceoperator.azure.com/credential-from']]).toEqual([d.kind, d.metadata.name, 'aso-dns']);
  });

  test('control planes: wildcard records in the parent zone at the address of the controller carrying passthrough', () => {
    const f = fixture();
    f.replace(P, '  reservedNamespaces: [legacy]\n', '  reservedNamespaces: [legacy]\n  controlPlanes:\n    controller: nginx\n    namespace: steward-tenants\n');
    const { docs, notices } = renderFixture(f);
    const records = docs('prod/dns/parent-zone.yaml').filter((d) => d.kind === 'DnsZonesARecord');
    expect(records.map((d) => [d.metadata.name, d.spec.azureName, d.spec.owner, d.spec.ARecords])).toEqual([
      ['wildcard-93d66f.konnectivity.prod.example.com', '*.konnectivity', { name: 'prod.example.com' }, [{ ipv4Address: '10.0.0.1' }]],
      ['wildcard-bcadf3.k8s.prod.example.com', '*.k8s', { name: 'prod.example.com' }, [{ ipv4Address: '10.0.0.1' }]],
    ]);
    expect(notices.filter((n) => n.includes('no records'))).toEqual([]);
  });

  test('control planes without a known address: no wildcard records, and synth says so', () => {
    const f = fixture();
    f.replace(P, '  reservedNamespaces: [legacy]\n', '  reservedNamespaces: [legacy]\n  controlPlanes:\n    controller: traefik\n    namespace: steward-tenants\n');
    const { tree, notices } = renderFixture(f);
    expect(tree['prod/dns/parent-zone.yaml']).not.toContain('DnsZonesARecord');
    expect(notices.filter((n) => n.includes('no records'))).toEqual([expect.stringMatching(/^notice: environment "prod": no records for \*\.k8s\.prod\.example\.com and \*\.konnectivity\.prod\.example\.com: the address of the controller carrying the control planes is not known; set environments\[\]\.controlPlaneAddress in \S*platform\.yaml$/)]);
  });

  test('a dedicated controller without a static address: its hosts go to external-dns through its Service, and synth says so', () => {
    const f = fixture();
    f.replace(A, '    prod:\n      ingress:\n        loadBalancerIP: 10.0.0.2\n', '    prod:\n      ingress:\n        replicas: 2\n');
    const { tree, docs, notices } = renderFixture(f);
    expect(tree['prod/tenants/alpha/dns/records.yaml']).toBeUndefined();
    expect(docs('prod/tenants/alpha/dns/zone.yaml')).toHaveLength(1);
    const hr = find(docs('prod/tenants/alpha/cluster/ingress-controller.yaml'), 'HelmRelease', 'ingress-nginx-alpha');
    expect(hr.spec.values.controller.service.annotations['external-dns.kubernetes.io/hostname']).toBe('alpha.prod.example.com,status.alpha.prod.example.com,www.alpha.prod.example.com');
    expect(notices).toContain('notice: tenant "alpha" has no static address in environment "prod": external-dns writes the A records of the routes\' hosts, from the external-dns.kubernetes.io/hostname annotation on the controller\'s Service (run external-dns with --source=service and --label-filter=tenant-edge.dev/external-dns=true for the tenant zones\' resource group)');
    // Elsewhere, no annotation.
    expect(tree['dev/tenants/alpha/cluster/ingress-controller.yaml'] ?? '').not.toContain('external-dns');
  });

  test('a tenant turns its zone off where the environment gives zones', () => {
    const { tree } = renderFixture(fixture({ alpha: '  dns:\n    zone: false\n' }));
    expect(Object.keys(tree).filter((f) => f.startsWith('prod/tenants/alpha/') && /\/(dns|delegation)\//.test(f))).toEqual([]);
    expect(tree['prod/flux/tenant-alpha.yaml']).not.toContain('edge-delegation-alpha');
    expect(Object.keys(tree).filter((f) => f.startsWith('prod/tenants/bravo/dns/'))).not.toEqual([]);
  });
});

/** Exactly one problem: in `file`, at `path`, saying `message`. */
function expectOneProblem(problems: string[], file: string, path: string, message: string): void {
  expect(problems).toHaveLength(1);
  const m = /^([^:]+):(\d+):(\d+): ([^:]+): (.*)$/s.exec(problems[0]);
  expect(m && [m[1], m[4], m[5]]).toEqual([file, path, message]);
}

const record = (r: string): { alpha: string } => ({ alpha: `  dns:\n    records:\n      - ${r}\n` });

describe.each<[string, Parameters<typeof fixture>[0], string, string, string]>([
  ['a zone not under its parent zone', { env: '      dns:\n        tenantZones: true\n        parentZone:\n          name: other.example.net\n' }, P, 'spec.environments[1].dns.parentZone.name', 'the parent zone "other.example.net" does not contain the environment\'s domain "prod.example.com": tenant zones are <tenant>.prod.example.com, delegated from the parent zone by NS records in it'],
  ['an armId that names another zone than parentZone.name', { env: `      dns:\n        parentZone:\n          name: example.com\n          armId: /subscriptions/${SUB}/resourceGroups/g/providers/Microsoft.Network/dnszones/example.org\n` }, P, 'spec.environments[1].dns.parentZone.armId', 'names zone "example.org", but parentZone.name is "example.com"; they must be the same zone'],
  ['tenant zones on a shared controller without an address', { env: '      dns:\n        tenantZones: true\n' }, '', '', ''],
  ['an A record at a loopback address', record('{ name: mail, type: A, values: ["127.0.0.1"] }'), A, 'spec.dns.records[0].values[0]', '"127.0.0.1" is an unspecified, loopback, link-local, multicast or reserved address; a record must point at a unicast address clients can reach'],
  ['an A record that is no address', record('{ name: mail, type: A, values: ["300.1.1.1"] }'), A, 'spec.dns.records[0].values[0]', '"300.1.1.1" is not an IPv4 address such as 20.10.0.5'],
  ['an AAAA record with an IPv4 address', record('{ name: v6, type: AAAA, values: ["10.0.0.9"] }'), A, 'spec.dns.records[0].values[0]', '"10.0.0.9" is not an IPv6 address such as 2001:db8::5'],
  ['an AAAA record at an IPv4-mapped address', record('{ name: v6, type: AAAA, values: ["::ffff:10.0.0.9"] }'), A, 'spec.dns.records[0].values[0]', '"::ffff:10.0.0.9" is an unspecified, loopback, IPv4-mapped, link-local or multicast address; a record must point at a unicast address clients can reach'],
  ['a record written as a full name, outside the zone', record('{ name: www.bravo.prod.example.com, type: TXT, values: [x] }'), A, 'spec.dns.records[0].name', '"www.bravo.prod.example.com" is outside the zone alpha.prod.example.com: a tenant\'s records are names in its own zone, written relative to it (@, www, _dmarc)'],
  ['a record written as a full name inside the zone', record('{ name: mail.alpha.prod.example.com, type: A, values: ["10.0.0.9"] }'), A, 'spec.dns.records[0].name', '"mail.alpha.prod.example.com" is a full name; record names are relative to the zone alpha.prod.example.com: write "mail"'],
  ['a CNAME at the apex', record('{ name: "@", type: CNAME, values: [x.example.net] }'), A, 'spec.dns.records[0].type', 'a CNAME cannot be at the zone apex (@), which has the zone\'s SOA and NS records; use A or AAAA records'],
  ['a CNAME on a route\'s host', record('{ name: www, type: CNAME, values: [x.example.net] }'), A, 'spec.dns.records[0].name', 'a CNAME must be the only record set of its name, and "www" ("www.alpha.prod.example.com") is a host of the tenant\'s routes in environment "prod"'],
  ['an A record on a route\'s host', record('{ name: www, type: A, values: ["10.0.0.9"] }'), A, 'spec.dns.records[0].name', 'tenant-edge renders the A record set of "www" ("www.alpha.prod.example.com") is a host of the tenant\'s routes in environment "prod"'],
  ['a record at cert-manager\'s challenge name', record('{ name: _acme-challenge.www, type: TXT, values: [x] }'), A, 'spec.dns.records[0].name', '"_acme-challenge.www" is where cert-manager writes DNS-01 challenges; the operator would replace its records with these'],
  ['a CAA record with an unknown tag', record('{ name: "@", type: CAA, values: [\'0 issuer "x.org"\'] }'), A, 'spec.dns.records[0].values[0]', 'CAA tag "issuer" is not one of issue, issuewild, iodef'],
  ['an MX record without a preference', record('{ name: "@", type: MX, values: [mail.example.net] }'), A, 'spec.dns.records[0].values[0]', '"mail.example.net" is not an MX record: a preference from 0 to 65535 and a mail host name, such as 10 mail.example.com'],
  ['a TXT record with a control character', record('{ name: t, type: TXT, values: ["café"] }'), A, 'spec.dns.records[0].values[0]', 'TXT values may hold printable ASCII characters only (space to ~)'],
  ['a CNAME with two targets', record('{ name: c, type: CNAME, values: [a.example.net, b.example.net] }'), A, 'spec.dns.records[0].values', 'a CNAME record set holds exactly one host name (got 2)'],
  ['a TTL under the bound', record('{ name: t, type: TXT, ttl: 59, values: [x] }'), A, 'spec.dns.records[0].ttl', 'must be at least 60 (got 59)'],
  ['a TTL over the bound', { alpha: '  dns:\n    ttl: 172801\n' }, A, 'spec.dns.ttl', 'must be at most 172800 (got 172801)'],
  ['two record sets that spell one object name', { alpha: '  dns:\n    records:\n      - { name: "*.x", type: TXT, values: [a] }\n      - { name: wildcard-a01b58.x, type: TXT, values: [b] }\n' }, A, 'spec.dns.records[1].name', 'TXT record sets "*.x" and "wildcard-a01b58.x" would both be the object "wildcard-a01b58.x.alpha.prod.example.com" (object names spell * as wildcard and _ as -, with a digest); rename one'],
  ['two MX values that are one record', record('{ name: "@", type: MX, values: ["10 a.example.net", "010 a.example.net."] }'), A, 'spec.dns.records[0].values[1]', '"010 a.example.net." is the same record as an earlier value'],
  ['two AAAA values that are one address', record('{ name: v6, type: AAAA, values: ["2001:db8::5", "2001:DB8:0::5"] }'), A, 'spec.dns.records[0].values[1]', '"2001:DB8:0::5" is the same record as an earlier value'],
  ['a dedicated controller\'s address that is link-local, in a zone', { tweak: (f) => f.replace(A, 'loadBalancerIP: 10.0.0.2', 'loadBalancerIP: 169.254.169.254') }, A, 'spec.overrides.prod.ingress.loadBalancerIP', '"169.254.169.254" is an unspecified, loopback, link-local, multicast or reserved address; a record must point at a unicast address clients can reach; it is published as the A records of the tenant\'s routes in its zone in environment "prod"'],
  ['a shared controller\'s address that is unspecified, with DNS', { tweak: (f) => f.replace(P, '        loadBalancerIP: 10.0.0.1\n', '        loadBalancerIP: 0.0.0.0\n') }, P, 'spec.environments[1].sharedIngress.loadBalancerIP', '"0.0.0.0" is an unspecified, loopback, link-local, multicast or reserved address; a record must point at a unicast address clients can reach; it is published as the A records of tenants on the shared controller'],
  ['the DNS namespace in a namespace of the cluster', { platform: '    namespace: kube-system\n' }, P, 'spec.dns.namespace', '"kube-system" belongs to the cluster or to an add-on; the DNS objects need a namespace of their own (the default is edge-dns)'],
  ['the DNS namespace in a kube- namespace, which Kubernetes keeps for itself', { platform: '    namespace: kube-dns-zones\n' }, P, 'spec.dns.namespace', '"kube-dns-zones" belongs to the cluster or to an add-on; the DNS objects need a namespace of their own (the default is edge-dns)'],
  ['the DNS namespace in the shared controller\'s', { platform: '    namespace: ingress-nginx\n' }, P, 'spec.dns.namespace', '"ingress-nginx" is the namespace of the shared ingress controller; the DNS objects need a namespace of their own (the default is edge-dns)'],
])('refused: %s', (name, opts, file, path, message) => {
  test('with one problem, at the field, saying why', () => {
    if (name === 'tenant zones on a shared controller without an address') {
      const f = fixture(opts);
      f.replace(P, '      sharedIngress:\n        loadBalancerIP: 10.0.0.1\n', '');
      const problems = problemsOf(f);
      expectOneProblem(problems, P, 'spec.environments[1].dns.tenantZones', 'the zones of tenants on the shared controller get A records for its address, and it has none in environment "prod"; set sharedIngress.loadBalancerIP (a static address)');
      return;
    }
    const problems = problemsOf(fixture(opts));
    expectOneProblem(problems, file, path, message);
  });
});

describe('refused: overlapping zones and settings without DNS', () => {
  test('two environments managing one parent zone', () => {
    const f = fixture({ env: '      dns:\n        parentZone: { name: example.com }\n' });
    f.replace(P, '      domain: dev.example.com\n', '      domain: dev.example.com\n      dns:\n        parentZone: { name: example.com }\n');
    expectOneProblem(problemsOf(f), P, 'spec.environments[1].dns.parentZone', 'zone "example.com" is already managed by environment "dev": two environments would reconcile one Azure zone; reference it here by armId');
  });

  test('an extra domain in the parent zone, outside every environment domain, belongs to the platform', () => {
    const f = fixture({ env: '      dns:\n        tenantZones: true\n        parentZone: { name: example.com }\n' });
    // The issuer's zone is dev's own domain here, so that the parent zone is what holds www.example.com.
    f.replace(P, 'hostedZoneName: example.com', 'hostedZoneName: dev.example.com');
    f.replace(B, 'extraDomains: [bravo.example.org]', 'extraDomains: [bravo.example.org, www.example.com]');
    expectOneProblem(problemsOf(f), B, 'spec.extraDomains[1]', 'extra domain "www.example.com" lies in the parent zone "example.com" of environment "prod", which holds the domain of environment "dev" (dev.example.com): its names belong to the platform; a tenant may claim only its own part, bravo.dev.example.com or bravo.prod.example.com');
  });

  test('two environments with one domain and DNS', () => {
    const f = fixture();
    f.replace(P, '      domain: dev.example.com\n', '      domain: prod.example.com\n      dns:\n        parentZone: { armId: /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/g/providers/Microsoft.Network/dnszones/example.com }\n');
    expect(problemsOf(f)).toContainEqual(expect.stringMatching(/^platform\.yaml:\d+:\d+: spec\.environments\[1\]\.domain: environment "dev" has the same domain and DNS: both would reconcile the tenant zones <tenant>\.prod\.example\.com in resource group tenant-zones, with different records; give each environment its own domain$/));
  });

  test('an address record at a host external-dns writes (a dedicated controller without a static address)', () => {
    const f = fixture({ alpha: '  dns:\n    records:\n      - { name: www, type: AAAA, values: ["2001:db8::9"] }\n      - { name: www, type: TXT, values: [kept] }\n' });
    f.replace(A, '    prod:\n      ingress:\n        loadBalancerIP: 10.0.0.2\n', '    prod:\n      ingress:\n        replicas: 2\n');
    expectOneProblem(problemsOf(f), A, 'spec.dns.records[0].name', 'external-dns writes the address records of "www" ("www.alpha.prod.example.com") is a host of the tenant\'s routes in environment "prod", from its controller\'s Service (the controller has no static address there)');
  });

  test('a control-plane domain too long for the wildcard records\' object names', () => {
    const f = fixture();
    const long = `${Array.from({ length: 4 }, () => 'c'.repeat(55)).join('.')}.prod.example.com`;
    f.replace(P, '  reservedNamespaces: [legacy]\n', '  reservedNamespaces: [legacy]\n  controlPlanes:\n    controller: nginx\n    namespace: steward-tenants\n');
    f.replace(P, '      domain: prod.example.com\n', `      domain: prod.example.com\n      controlPlaneDomain: ${long}\n`);
    expect(problemsOf(f)).toContainEqual(expect.stringMatching(/^platform\.yaml:\d+:\d+: spec\.environments\[1\]\.controlPlaneDomain: too long for the control planes' wildcard records: the object "wildcard-[0-9a-f]{6}\.konnectivity\.c+…" would have 2\d\d characters, over the 253 an object name may have$/));
  });

  test('a tenant zone moved outside the environment\'s domain by a domain override', () => {
    const f = fixture();
    f.replace(A, '    prod:\n      ingress:\n', '    prod:\n      domain: alpha.example.net\n      ingress:\n');
    expectOneProblem(problemsOf(f), A, 'spec.overrides.prod.domain', 'the tenant\'s zone "alpha.example.net" is not under the parent zone "prod.example.com" of environment "prod", which would delegate to it; a tenant with a zone keeps its domain under prod.example.com');
  });

  test('a tenant zone over the control planes\' names (a tenant named k8s) is refused by name', () => {
    const f = fixture();
    f.replace(P, '  reservedNamespaces: [legacy]\n', '  reservedNamespaces: [legacy]\n  controlPlanes:\n    controller: nginx\n    namespace: steward-tenants\n');
    f.write('tenants/k8s.yaml', f.read(A).replace('name: alpha', 'name: k8s'));
    expect(problemsOf(f).filter((p) => p.startsWith('tenants/k8s.yaml'))).toEqual(expect.arrayContaining([
      expect.stringContaining('metadata.name: tenant name "k8s" is reserved for the platform'),
      expect.stringContaining('metadata.name: the tenant\'s domain "k8s.prod.example.com" overlaps k8s.prod.example.com, where the platform names tenant control planes in environment "prod"; rename the tenant'),
    ]));
  });

  test('tenant DNS without platform DNS', () => {
    const f = SpecFixture.create();
    f.write(A, `${f.read(A)}  dns:\n    zone: true\n`);
    expectOneProblem(problemsOf(f), A, 'spec.dns', 'needs spec.dns in platform.yaml, which says where the platform keeps DNS zones');
  });

  test('environment DNS without platform DNS', () => {
    const f = SpecFixture.create();
    f.replace(P, '        loadBalancerIP: 10.0.0.1\n', '        loadBalancerIP: 10.0.0.1\n      dns:\n        tenantZones: true\n');
    expectOneProblem(problemsOf(f), P, 'spec.environments[1].dns', 'needs spec.dns in platform.yaml, which says where the zones go (provider, subscription and resource group)');
  });

  test('records for a tenant without a zone anywhere', () => {
    const f = fixture({ env: '      dns:\n        tenantZones: false\n', alpha: '  dns:\n    records:\n      - { name: t, type: TXT, values: [x] }\n' });
    expectOneProblem(problemsOf(f), A, 'spec.dns.records', 'the records go into the tenant\'s zone, and it has none in dev, prod; set dns.zone: true or remove them');
  });
});

describe('notices about many tenants', () => {
  const claims = (names: string[], text: string): Parameters<typeof tenantNotices>[0] =>
    names.map((name) => ({ name, file: `tenants/${name}.yaml`, namespace: `t-${name}`, namespacePath: [], environments: [], notices: [`notice: tenant "${name}" ${text}`] }));

  test('up to three tenants with the same notice: one line each, by tenant name', () => {
    expect(tenantNotices(claims(['c', 'a', 'b'], 'has no static address in environment "prod": x'))).toEqual([
      'notice: tenant "a" has no static address in environment "prod": x',
      'notice: tenant "b" has no static address in environment "prod": x',
      'notice: tenant "c" has no static address in environment "prod": x',
    ]);
  });

  test('more: one line with the count and the first three names; other notices untouched', () => {
    const many = claims(['e', 'd', 'c', 'b', 'a'], 'has no static address in environment "prod": x');
    const other = claims(['z'], 'turns off its upstream check');
    expect(tenantNotices([...many, ...other])).toEqual([
      'notice: 5 tenants ("a", "b", "c" and 2 more) have no static address in environment "prod": x',
      'notice: tenant "z" turns off its upstream check',
    ]);
  });
});
