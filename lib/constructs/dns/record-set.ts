import { Construct } from 'constructs';
import { nonEmpty, PlainApiObject } from '../api-object';
import { checkName } from '../checks';
import { AZURE_DNS_API_VERSION, AzureObjectProps, AzureOwner, azureAnnotations, ownerSpec } from './azure';

/** The records of one record set, by type. */
export type RecordSetData =
  | { readonly type: 'A'; readonly addresses: readonly string[] }
  | { readonly type: 'AAAA'; readonly addresses: readonly string[] }
  | { readonly type: 'CNAME'; readonly target: string }
  /** Each record is a list of character strings of at most 255 characters. */
  | { readonly type: 'TXT'; readonly texts: readonly (readonly string[])[] }
  | { readonly type: 'CAA'; readonly entries: readonly { readonly flags: number; readonly tag: string; readonly value: string }[] }
  | { readonly type: 'MX'; readonly entries: readonly { readonly preference: number; readonly exchange: string }[] }
  | { readonly type: 'NS'; readonly nameServers: readonly string[] };

export interface RecordSetProps extends AzureObjectProps {
  /** Object name. */
  readonly name: string;
  readonly namespace: string;
  /** The zone: a DnsZone object by name, or an existing zone by ARM ID. */
  readonly zone: AzureOwner;
  /** Name relative to the zone: `@` for the zone itself, `*` for its wildcard, `www`, `*.k8s`. */
  readonly relativeName: string;
  /** Seconds. */
  readonly ttl: number;
  readonly data: RecordSetData;
  /** Labels besides the chart's. @default none */
  readonly labels?: Readonly<Record<string, string>>;
}

/** The operator's kind for each record type. */
const KINDS: Record<RecordSetData['type'], string> = {
  A: 'DnsZonesARecord',
  AAAA: 'DnsZonesAAAARecord',
  CNAME: 'DnsZonesCNAMERecord',
  TXT: 'DnsZonesTXTRecord',
  CAA: 'DnsZonesCAARecord',
  MX: 'DnsZonesMXRecord',
  NS: 'DnsZonesNSRecord',
};

const RELATIVE = /^(@|\*|(\*\.)?[a-z0-9_]([-a-z0-9_]*[a-z0-9_])?(\.[a-z0-9_]([-a-z0-9_]*[a-z0-9_])?)*)$/;

/**
 * One Azure DNS record set (Azure Service Operator v2, one kind per record type). The record set
 * is named explicitly (azureName): object names cannot hold `@`, `*` or `_`.
 */
export class RecordSet extends PlainApiObject {
  constructor(scope: Construct, id: string, props: RecordSetProps) {
    const kind = KINDS[props.data.type];
    checkName(kind, props.name);
    if (!RELATIVE.test(props.relativeName)) throw new Error(`${kind} ${props.name}: ${JSON.stringify(props.relativeName)} is not a record set name relative to its zone`);
    if (!Number.isInteger(props.ttl) || props.ttl < 1 || props.ttl > 2147483647) throw new Error(`${kind} ${props.name}: ttl must be a whole number of seconds from 1`);
    if (recordCount(props.data) === 0) throw new Error(`${kind} ${props.name}: a record set needs at least one record`);
    super(scope, id, {
      apiVersion: AZURE_DNS_API_VERSION,
      kind,
      metadata: { name: props.name, namespace: props.namespace, labels: nonEmpty(props.labels), annotations: azureAnnotations(props) },
      body: {
        spec: {
          azureName: props.relativeName,
          owner: ownerSpec(`${kind} ${props.name}`, props.zone),
          TTL: props.ttl,
          ...records(props.data),
        },
      },
    });
  }
}

function recordCount(data: RecordSetData): number {
  switch (data.type) {
    case 'A':
    case 'AAAA':
      return data.addresses.length;
    case 'CNAME':
      return data.target === '' ? 0 : 1;
    case 'TXT':
      return data.texts.length;
    case 'CAA':
    case 'MX':
      return data.entries.length;
    case 'NS':
      return data.nameServers.length;
  }
}

/** The spec fields of the records, as the operator names them. */
function records(data: RecordSetData): Record<string, unknown> {
  switch (data.type) {
    case 'A':
      return { ARecords: data.addresses.map((ipv4Address) => ({ ipv4Address })) };
    case 'AAAA':
      return { AAAARecords: data.addresses.map((ipv6Address) => ({ ipv6Address })) };
    case 'CNAME':
      return { CNAMERecord: { cname: data.target } };
    case 'TXT':
      return { TXTRecords: data.texts.map((value) => ({ value: [...value] })) };
    case 'CAA':
      return { caaRecords: data.entries.map((e) => ({ flags: e.flags, tag: e.tag, value: e.value })) };
    case 'MX':
      return { MXRecords: data.entries.map((e) => ({ preference: e.preference, exchange: e.exchange })) };
    case 'NS':
      return { NSRecords: data.nameServers.map((nsdname) => ({ nsdname })) };
  }
}
