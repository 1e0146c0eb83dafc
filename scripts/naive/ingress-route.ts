// Benchmark baseline (scripts/naive-cdk8s.ts): tenant-edge's construct as it was before the plain-data
// constructs, built on cdk8s's generated classes. Not part of the product; kept for the comparison and
// for test/naive-equivalence.test.ts.
import { Construct } from 'constructs';
import { KubeIngress } from 'cdk8s-plus-28/lib/imports/k8s';
import { RoutePath } from '../../lib/model/model';
import { MANAGED_BY } from '../../lib/model/names';

export interface IngressRouteProps {
  /** Ingress name. */
  readonly name: string;
  readonly namespace: string;
  /** IngressClass of the controller that serves the route. */
  readonly className: string;
  /** Host names; each gets a rule with every path. */
  readonly hosts: readonly string[];
  /** Paths and their backend Services. */
  readonly paths: readonly RoutePath[];
  /** TLS Secret for the hosts. @default plain HTTP, no tls block */
  readonly tlsSecretName?: string;
  /** Controller annotations. @default none */
  readonly annotations?: Record<string, string>;
  /** Extra labels. @default none */
  readonly labels?: Record<string, string>;
}

/** A networking.k8s.io/v1 Ingress: hosts, paths, backends, TLS and the controller's class. */
export class IngressRoute extends Construct {
  readonly apiObject: KubeIngress;

  constructor(scope: Construct, id: string, props: IngressRouteProps) {
    super(scope, id);
    const paths = props.paths.map((p) => ({
      path: p.path,
      pathType: p.pathType,
      backend: {
        service: {
          name: p.service,
          port: typeof p.port === 'number' ? { number: p.port } : { name: p.port },
        },
      },
    }));
    const annotations = props.annotations && Object.keys(props.annotations).length > 0 ? props.annotations : undefined;
    this.apiObject = new KubeIngress(this, 'Resource', {
      metadata: { name: props.name, namespace: props.namespace, labels: { ...props.labels, ...MANAGED_BY }, annotations },
      spec: {
        ingressClassName: props.className,
        tls: props.tlsSecretName ? [{ hosts: [...props.hosts], secretName: props.tlsSecretName }] : undefined,
        rules: props.hosts.map((host) => ({ host, http: { paths } })),
      },
    });
  }
}
