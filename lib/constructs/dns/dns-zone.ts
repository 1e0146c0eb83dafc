import { Construct } from 'constructs';
import { nonEmpty, PlainApiObject } from '../api-object';
import { checkName } from '../checks';
import { AZURE_DNS_API_VERSION, AzureObjectProps, AzureOwner, azureAnnotations, ownerSpec } from './azure';

/** ConfigMap keys: letters, digits, '-', '_' and '.'; here also Flux substitution variable names. */
const VARIABLE = /^[_a-zA-Z][_a-zA-Z0-9]*$/;

export interface DnsZoneProps extends AzureObjectProps {
  /** Object name. */
  readonly name: string;
  readonly namespace: string;
  /** The zone's DNS name, e.g. acme.example.com. */
  readonly zoneName: string;
  /** The resource group the zone goes into: a ResourceGroup object by name, or its ARM ID. */
  readonly owner: AzureOwner;
  /**
   * Have the operator write the zone's name servers (status.nameServers, assigned by Azure) into
   * a ConfigMap in the zone's namespace, one key per server in order. Azure assigns a public
   * zone four. @default none
   */
  readonly nameServersConfigMap?: { readonly name: string; readonly keys: readonly string[] };
  /** Labels besides the chart's. @default none */
  readonly labels?: Readonly<Record<string, string>>;
}

/** An Azure public DNS zone (Azure Service Operator v2 DnsZone). */
export class DnsZone extends PlainApiObject {
  constructor(scope: Construct, id: string, props: DnsZoneProps) {
    checkName('DnsZone', props.name);
    const ns = props.nameServersConfigMap;
    if (ns) {
      checkName('ConfigMap', ns.name);
      if (ns.keys.length === 0) throw new Error(`DnsZone ${props.name}: nameServersConfigMap.keys must not be empty`);
      for (const key of ns.keys) {
        if (!VARIABLE.test(key)) throw new Error(`DnsZone ${props.name}: name server key ${JSON.stringify(key)} must be a letter or '_' followed by letters, digits or '_'`);
      }
    }
    super(scope, id, {
      apiVersion: AZURE_DNS_API_VERSION,
      kind: 'DnsZone',
      metadata: { name: props.name, namespace: props.namespace, labels: nonEmpty(props.labels), annotations: azureAnnotations(props) },
      body: {
        spec: {
          azureName: props.zoneName,
          location: 'global',
          zoneType: 'Public',
          owner: ownerSpec(`DnsZone ${props.name}`, props.owner),
          operatorSpec: ns
            ? { configMapExpressions: ns.keys.map((key, i) => ({ name: ns.name, key, value: `self.status.nameServers[${i}]` })) }
            : undefined,
        },
      },
    });
  }
}
