import { Construct } from 'constructs';
import { nonEmpty, PlainApiObject } from '../api-object';
import { checkName, checkNotEmpty } from '../checks';

/** Host names Traefik accepts in HostSNI (pkg/muxer/tcp/matcher.go), without the `*` catch-all. */
const SNI_HOST = /^(\*\.)?[A-Za-z0-9_.:-]+$/;

export interface IngressRouteTcpProps {
  readonly name: string;
  readonly namespace: string;
  /** The one SNI host the route matches (HostSNI takes one host in Traefik v3). */
  readonly host: string;
  /** Entry points the route attaches to; one listening on 443. */
  readonly entryPoints: readonly string[];
  /** Service in the route's namespace: Traefik refuses other namespaces unless allowCrossNamespace is on. */
  readonly service: string;
  /** Service port, by number or name. */
  readonly port: number | string;
  /** spec.ingressClassName, for a Traefik whose provider selects a class. @default none */
  readonly className?: string;
  /** Labels besides the chart's. @default none */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * A traefik.io/v1alpha1 IngressRouteTCP that passes TLS through, unopened, to a Service: the
 * connection is routed on its SNI alone. It matches exactly one host, never a catch-all.
 */
export class IngressRouteTcp extends PlainApiObject {
  constructor(scope: Construct, id: string, props: IngressRouteTcpProps) {
    checkName('IngressRouteTCP', props.name);
    checkNotEmpty(`IngressRouteTCP ${props.name}`, { entryPoints: props.entryPoints });
    if (!SNI_HOST.test(props.host)) {
      throw new Error(`IngressRouteTCP ${props.name}: host ${JSON.stringify(props.host)} is not a host name HostSNI accepts (one host, no backquotes or spaces)`);
    }
    super(scope, id, {
      apiVersion: 'traefik.io/v1alpha1',
      kind: 'IngressRouteTCP',
      metadata: { name: props.name, namespace: props.namespace, labels: nonEmpty(props.labels) },
      body: {
        spec: {
          ingressClassName: props.className,
          entryPoints: [...props.entryPoints],
          routes: [{ match: `HostSNI(\`${props.host}\`)`, services: [{ name: props.service, port: props.port }] }],
          tls: { passthrough: true },
        },
      },
    });
  }
}
