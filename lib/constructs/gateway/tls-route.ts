import { Construct } from 'constructs';
import { nonEmpty, PlainApiObject } from '../api-object';
import { checkName } from '../checks';

/** What Gateway API v1.6 admits as a route hostname (no IP addresses, a wildcard only as the first label). */
const HOSTNAME = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export interface TlsRouteProps {
  readonly name: string;
  readonly namespace: string;
  /** The Gateway the route attaches to, in the route's namespace. */
  readonly gateway: string;
  /** Listener of that Gateway. @default every listener whose hostname matches */
  readonly sectionName?: string;
  /** SNI hostnames the route matches (1 to 1024). */
  readonly hostnames: readonly string[];
  /** Service in the route's namespace. */
  readonly service: string;
  readonly port: number;
  /** Labels besides the chart's. @default none */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * A gateway.networking.k8s.io/v1 TLSRoute (v1 is the only version the v1.6 CRDs serve): TLS
 * connections whose SNI is one of `hostnames` go to one Service port. Attached to a listener with
 * `tls.mode: Passthrough`, the connection reaches the Service unopened.
 */
export class TlsRoute extends PlainApiObject {
  constructor(scope: Construct, id: string, props: TlsRouteProps) {
    checkName('TLSRoute', props.name);
    checkName('Gateway', props.gateway);
    checkName('Service', props.service);
    if (props.hostnames.length < 1 || props.hostnames.length > 1024) throw new Error(`TLSRoute ${props.name}: needs 1 to 1024 hostnames, not ${props.hostnames.length}`);
    for (const h of props.hostnames) {
      if (!HOSTNAME.test(h) || h.length > 253) throw new Error(`TLSRoute ${props.name}: hostname ${JSON.stringify(h)} is not a DNS name Gateway API accepts`);
    }
    if (!Number.isInteger(props.port) || props.port < 1 || props.port > 65535) throw new Error(`TLSRoute ${props.name}: port ${props.port} is not a port`);
    super(scope, id, {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'TLSRoute',
      metadata: { name: props.name, namespace: props.namespace, labels: nonEmpty(props.labels) },
      body: {
        spec: {
          parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: props.gateway, sectionName: props.sectionName }],
          hostnames: [...props.hostnames],
          rules: [{ backendRefs: [{ group: '', kind: 'Service', name: props.service, port: props.port }] }],
        },
      },
    });
  }
}
