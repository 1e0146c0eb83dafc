import { Construct } from 'constructs';
import { nonEmpty, PlainApiObject } from '../api-object';
import { checkName, checkNotEmpty } from '../checks';

/** One path of an Ingress rule and the Service behind it. */
export interface IngressPath {
  readonly path: string;
  readonly pathType: 'Prefix' | 'Exact' | 'ImplementationSpecific';
  /** Service name, in the Ingress's namespace. */
  readonly service: string;
  /** Service port, by number or by name. */
  readonly port: number | string;
}

export interface IngressProps {
  /** Ingress name. */
  readonly name: string;
  readonly namespace: string;
  /** IngressClass of the controller that serves it. */
  readonly className: string;
  /** Host names; each gets a rule with every path. */
  readonly hosts: readonly string[];
  /** Paths and their backend Services. */
  readonly paths: readonly IngressPath[];
  /** TLS Secret for the hosts. @default plain HTTP, no tls block */
  readonly tlsSecretName?: string;
  /** Controller annotations. @default none */
  readonly annotations?: Readonly<Record<string, string>>;
  /** Labels besides the chart's. @default none */
  readonly labels?: Readonly<Record<string, string>>;
}

/** A networking.k8s.io/v1 Ingress: hosts, paths, backends, TLS and the controller's class. */
export class Ingress extends PlainApiObject {
  constructor(scope: Construct, id: string, props: IngressProps) {
    checkName('Ingress', props.name);
    checkNotEmpty(`Ingress ${props.name}`, { hosts: props.hosts, paths: props.paths });
    const paths = props.paths.map((p) => ({
      path: p.path,
      pathType: p.pathType,
      backend: { service: { name: p.service, port: typeof p.port === 'number' ? { number: p.port } : { name: p.port } } },
    }));
    super(scope, id, {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: props.name, namespace: props.namespace, labels: nonEmpty(props.labels), annotations: nonEmpty(props.annotations) },
      body: {
        spec: {
          ingressClassName: props.className,
          tls: props.tlsSecretName ? [{ hosts: [...props.hosts], secretName: props.tlsSecretName }] : undefined,
          rules: props.hosts.map((host) => ({ host, http: { paths } })),
        },
      },
    });
  }
}
