import { Construct } from 'constructs';
import { nonEmpty, PlainApiObject } from '../api-object';
import { checkName } from '../checks';

const WILDCARD = /^\*\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/;
const SECTION = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export interface PassthroughGatewayProps {
  readonly name: string;
  readonly namespace: string;
  readonly gatewayClassName: string;
  /** One listener per hostname family, each `*.`-prefixed, e.g. { apiserver: '*.k8s.example.com' }. */
  readonly listeners: Readonly<Record<string, string>>;
  /** Port of every listener. @default 443 */
  readonly port?: number;
  /** Labels besides the chart's. @default none */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * A gateway.networking.k8s.io/v1 Gateway whose listeners pass TLS through by SNI: protocol TLS,
 * `tls.mode: Passthrough` (no certificates: the connection is never opened), each for a wildcard
 * hostname, accepting only TLSRoutes from the Gateway's own namespace.
 */
export class PassthroughGateway extends PlainApiObject {
  constructor(scope: Construct, id: string, props: PassthroughGatewayProps) {
    checkName('Gateway', props.name);
    checkName('GatewayClass', props.gatewayClassName);
    const entries = Object.entries(props.listeners).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    if (entries.length < 1 || entries.length > 64) throw new Error(`Gateway ${props.name}: needs 1 to 64 listeners, not ${entries.length}`);
    for (const [section, host] of entries) {
      if (!SECTION.test(section) || section.length > 253) throw new Error(`Gateway ${props.name}: listener name ${JSON.stringify(section)} is not a section name`);
      if (!WILDCARD.test(host) || host.length > 253) throw new Error(`Gateway ${props.name}: listener hostname ${JSON.stringify(host)} is not a wildcard DNS name such as *.k8s.example.com`);
    }
    const port = props.port ?? 443;
    super(scope, id, {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name: props.name, namespace: props.namespace, labels: nonEmpty(props.labels) },
      body: {
        spec: {
          gatewayClassName: props.gatewayClassName,
          listeners: entries.map(([section, hostname]) => ({
            name: section,
            hostname,
            port,
            protocol: 'TLS',
            tls: { mode: 'Passthrough' },
            allowedRoutes: { namespaces: { from: 'Same' }, kinds: [{ group: 'gateway.networking.k8s.io', kind: 'TLSRoute' }] },
          })),
        },
      },
    });
  }
}
