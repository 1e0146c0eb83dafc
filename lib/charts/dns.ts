import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { ServiceMetadataGuard } from '../constructs/admission/service-metadata-guard';
import { Namespace } from '../constructs/core/namespace';
import { AzureOwner } from '../constructs/dns/azure';
import { DnsZone } from '../constructs/dns/dns-zone';
import { RecordSet } from '../constructs/dns/record-set';
import { FluxKustomization } from '../constructs/flux/kustomization';
import { placeIn } from '../constructs/placement';
import { ClusterRole, RoleRule } from '../constructs/rbac/cluster-role';
import { NamespaceAccess } from '../constructs/rbac/namespace-access';
import { EnvironmentDnsModel, EnvironmentModel, FluxModel, RecordSetModel, TenantModel, TenantZoneModel } from '../model/model';
import { MANAGED_BY, names, TENANT_LABEL } from '../model/names';

/** The Azure Service Operator DNS kinds the DNS Kustomizations apply, as RBAC resources. */
const DNS_RESOURCES = ['dnszones', 'dnszonesarecords', 'dnszonesaaaarecords', 'dnszonescnamerecords', 'dnszonestxtrecords', 'dnszonescaarecords', 'dnszonesmxrecords', 'dnszonesnsrecords'];

/**
 * What the DNS Kustomizations may do, in the DNS namespace only: apply (get, create, patch),
 * prune (delete) and wait for (list, watch) the zones and record sets. Nothing else: not the
 * ConfigMaps the operator writes, not Secrets.
 */
export const DNS_APPLIER_RULES: readonly RoleRule[] = [
  { apiGroups: ['network.azure.com'], resources: DNS_RESOURCES, verbs: ['get', 'list', 'watch', 'create', 'patch', 'delete'] },
];

/**
 * When the operator's objects are ready, for Flux's health checks: kstatus cannot tell (it reads a
 * top-level status.observedGeneration, which the operator does not write), so a Kustomization
 * would pass an object the operator has not reconciled yet. Ready=True for the object's current
 * generation is ready; Ready=False with severity Error has failed (the operator retries those
 * only when the object changes); anything else, including no status yet, is in progress.
 */
export const AZURE_HEALTH_CHECK = {
  apiVersion: 'network.azure.com/v1api20180501',
  current: "status.conditions.exists(c, c.type == 'Ready' && c.status == 'True' && c.observedGeneration == metadata.generation)",
  failed: "status.conditions.exists(c, c.type == 'Ready' && c.status == 'False' && c.severity == 'Error' && c.observedGeneration == metadata.generation)",
} as const;

/**
 * A dependency's readyExpr for an order that matters only the first time: the dependency has
 * applied a revision and passed its health checks once (kustomize-controller sets
 * status.lastAppliedRevision only then, and keeps it). It replaces the built-in check, which
 * would hold the dependent back whenever the dependency is not Ready at the newest revision.
 */
export const APPLIED_ONCE = 'has(dep.status.lastAppliedRevision)';

/**
 * The DNS part of an environment's platform: the DNS namespace, in the entry point (flux/); in the
 * platform folder (platform/dns.yaml), the account the DNS Kustomizations apply with; in a folder of its own (dns/), the
 * parent zone when tenant-edge manages it and the parent zone's own record sets (the control
 * planes' wildcards), applied by a Kustomization in the DNS namespace. Kept out of the platform
 * folder, so that an Azure outage or a missing operator holds up only the DNS objects, never the
 * platform every tenant waits for.
 */
export function platformDns(scope: Construct, dns: EnvironmentDnsModel, flux: FluxModel): void {
  const dir = new Construct(scope, 'Dns');
  placeIn(dir, 'platform/dns.yaml');
  // Beside the Kustomizations that live in it, in the environment's entry point: they cannot be
  // applied before it exists. Deleting it would delete every zone object in it, so it is kept
  // when it leaves dist/.
  const ns = new Namespace(scope, 'DnsNamespace', { name: dns.namespace, podSecurity: 'restricted', keepOnPrune: true });
  placeIn(ns, 'flux/platform.yaml');
  // Kept like the account and its binding: when DNS is turned off, the DNS Kustomizations
  // delete their objects as the applier, which may happen after edge-platform has pruned.
  new ClusterRole(dir, 'ApplierRole', { name: names.dnsApplierRole, rules: DNS_APPLIER_RULES, keepOnPrune: true });
  new NamespaceAccess(dir, 'Applier', {
    serviceAccount: { name: dns.applierServiceAccount, namespace: dns.namespace },
    namespace: dns.namespace,
    clusterRole: names.dnsApplierRole,
  });
  // external-dns writes the hosts of controllers without a static address from their Services'
  // annotations, and would take them from any Service it reads: in tenant namespaces, only
  // helm-controller (installing those controllers) may add or change them.
  new ServiceMetadataGuard(dir, 'ExternalDnsGuard', {
    name: names.externalDnsGuard,
    annotationPrefix: 'external-dns.kubernetes.io/',
    label: names.externalDnsLabel,
    allowedUsers: [`system:serviceaccount:${flux.namespace}:${flux.helmServiceAccount}`],
    // Tenant-edge's tenant namespaces; another team's Flux tenancy (same label key) is not ours.
    namespaceSelector: { matchLabels: { ...MANAGED_BY }, hasLabel: TENANT_LABEL },
    message: `in tenant namespaces, external-dns annotations and the ${names.externalDnsLabel} label on Services, and the spec of Services that carry them, are set by tenant-edge's controllers only`,
  });
  const parent = dns.parentZone;
  if (parent.managedObjectName === undefined && dns.parentRecords.length === 0) return;
  const zoneDir = new Construct(scope, 'ParentZone');
  placeIn(zoneDir, 'dns/parent-zone.yaml');
  if (parent.managedObjectName !== undefined) {
    // The parent zone holds every delegation: never deleted with its object.
    new DnsZone(zoneDir, 'Zone', {
      name: parent.managedObjectName,
      namespace: dns.namespace,
      zoneName: parent.name,
      owner: resourceGroup(dns),
      reconcilePolicy: 'detach-on-delete',
      credentialFrom: dns.credentialFrom,
    });
  }
  for (const r of dns.parentRecords) recordSet(zoneDir, r, dns, parent.owner);
  const sync = new FluxKustomization(scope, 'DnsSync', {
    ...dnsKustomization(dns, flux),
    name: names.parentZoneKustomization,
    path: `${flux.envPath}/dns`,
    dependsOn: [{ name: names.platformKustomization, namespace: flux.namespace }],
  });
  placeIn(sync, 'flux/platform.yaml');
}

/**
 * What every DNS Kustomization shares: it lives in the DNS namespace, reads the DNS source,
 * applies as the DNS applier, and judges the operator's objects by their Ready condition.
 */
function dnsKustomization(dns: EnvironmentDnsModel, flux: FluxModel) {
  return {
    namespace: dns.namespace,
    sourceRef: dns.sourceRef,
    interval: flux.interval,
    retryInterval: flux.retryInterval,
    timeout: flux.timeout,
    serviceAccountName: dns.applierServiceAccount,
    healthCheckExprs: [AZURE_HEALTH_CHECK],
  };
}

/** The zones' resource group, as an owner. */
function resourceGroup(dns: EnvironmentDnsModel): AzureOwner {
  return { armId: `/subscriptions/${dns.subscriptionID}/resourceGroups/${dns.resourceGroup}` };
}

function recordSet(scope: Construct, r: RecordSetModel, dns: EnvironmentDnsModel, zone: AzureOwner): RecordSet {
  return new RecordSet(scope, `${r.data.type}-${r.objectName}`, {
    name: r.objectName,
    namespace: dns.namespace,
    zone,
    relativeName: r.relativeName,
    ttl: r.ttl,
    data: r.data,
    credentialFrom: dns.credentialFrom,
  });
}

export interface TenantDnsChartProps {
  readonly environment: EnvironmentModel;
  readonly tenant: TenantModel;
  readonly dns: EnvironmentDnsModel;
  readonly zone: TenantZoneModel;
}

/**
 * A tenant's zone, in two folders applied in order by two Flux Kustomizations in the DNS namespace:
 *  - tenants/<t>/dns/: the zone and its record sets. The operator creates the zone, Azure assigns
 *    its name servers, and the operator writes them into a ConfigMap (operatorSpec
 *    configMapExpressions). The Kustomization waits until every object is Ready.
 *  - tenants/<t>/delegation/: the NS record set in the parent zone, its name servers substituted
 *    from that ConfigMap (postBuild.substituteFrom) once it exists; until then the build fails and
 *    is retried. The tenant's namespace Kustomization, which holds its Certificates, waits for it.
 * The zone is detached rather than deleted when it leaves dist/ (unless the platform says
 * zoneDeletion: delete); its record sets and delegation are deleted, so nothing keeps pointing at
 * an address the tenant gave up.
 */
export class TenantDnsChart extends Chart {
  constructor(scope: Construct, id: string, props: TenantDnsChartProps) {
    super(scope, id, { disableResourceNameHashes: true, labels: { ...MANAGED_BY, [TENANT_LABEL]: props.tenant.name } });
    const { environment: env, tenant: t, dns, zone } = props;
    const flux = env.flux;
    const zoneDir = `tenants/${t.name}/dns`;
    const delegationDir = `tenants/${t.name}/delegation`;

    const z = new DnsZone(this, 'Zone', {
      name: zone.objectName,
      namespace: dns.namespace,
      zoneName: zone.name,
      owner: resourceGroup(dns),
      nameServersConfigMap: { name: zone.nameServers.configMapName, keys: zone.nameServers.keys },
      reconcilePolicy: dns.zoneDeletion === 'delete' ? 'manage' : 'detach-on-delete',
      credentialFrom: dns.credentialFrom,
    });
    placeIn(z, `${zoneDir}/zone.yaml`);
    if (zone.records.length > 0) {
      const records = new Construct(this, 'Records');
      placeIn(records, `${zoneDir}/records.yaml`);
      for (const r of zone.records) recordSet(records, r, dns, { name: zone.objectName });
    }
    const delegation = recordSet(this, zone.delegation, dns, dns.parentZone.owner);
    placeIn(delegation, `${delegationDir}/delegation.yaml`);

    const common = dnsKustomization(dns, flux);
    const zoneSync = new FluxKustomization(this, 'ZoneSync', {
      ...common,
      name: names.zoneKustomization(t.name),
      path: `${flux.envPath}/${zoneDir}`,
      // The DNS namespace and the applier account come with the platform folder.
      dependsOn: [{ name: names.platformKustomization, namespace: flux.namespace }],
    });
    placeIn(zoneSync, `flux/tenant-${t.name}.yaml`);
    const delegationSync = new FluxKustomization(this, 'DelegationSync', {
      ...common,
      name: names.delegationKustomization(t.name),
      path: `${flux.envPath}/${delegationDir}`,
      // The NS record set is a child of the parent zone: when tenant-edge manages that zone, it
      // comes first (only the first time, as for the certificates).
      dependsOn: [
        names.zoneKustomization(t.name),
        ...(dns.parentZone.managedObjectName !== undefined ? [{ name: names.parentZoneKustomization, readyExpr: APPLIED_ONCE }] : []),
      ],
      substituteFrom: [zone.nameServers.configMapName],
    });
    placeIn(delegationSync, `flux/tenant-${t.name}.yaml`);
  }
}
