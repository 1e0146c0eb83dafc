import { Construct } from 'constructs';
import { checkName } from '../checks';
import { cel, denyingPolicy } from './policy';

export interface RouteHostGuardProps {
  /** Name of the ValidatingAdmissionPolicy and of its binding. */
  readonly name: string;
  /** The namespace whose routes are judged. */
  readonly namespace: string;
  /** Hostnames at or under these domains are guarded, e.g. k8s.example.com. */
  readonly domains: readonly string[];
  /** Routes carrying this label (key and exact value) are the owner's and pass. */
  readonly ownerLabel: { readonly key: string; readonly value: string };
  /** An Ingress of this class passes: the class no controller serves. */
  readonly unroutedIngressClass: string;
  /** Said to whoever is refused. */
  readonly message: string;
}

/**
 * A ValidatingAdmissionPolicy (admissionregistration.k8s.io/v1, Kubernetes 1.30 and later) and its
 * binding that keep guarded hostnames to their owner's routes in one namespace. It refuses, on
 * create and update, an Ingress, a Traefik IngressRouteTCP or a Gateway API TLSRoute that does
 * not carry the owner's label and names a guarded host: an Ingress by a rule's host or a TLS
 * host, a TLSRoute by its hostnames, an IngressRouteTCP by a HostSNI of its matches (which also
 * may not name the generic kubernetes* names). An Ingress of the unrouted class passes: no
 * controller reads it. Routes stored before the policy existed stay until they are changed.
 */
export class RouteHostGuard extends Construct {
  constructor(scope: Construct, id: string, props: RouteHostGuardProps) {
    checkName('ValidatingAdmissionPolicy', props.name);
    if (props.domains.length === 0) throw new Error(`RouteHostGuard ${props.name}: domains must not be empty`);
    super(scope, id);
    const under = (v: string): string => props.domains.map((d) => `${v} == ${cel(d)} || ${v}.endsWith(${cel(`.${d}`)})`).join(' || ');
    // In a HostSNI matcher the host stands between backquotes: HostSNI(`a.k8s.example.com`).
    const sni = (v: string): string => [
      ...props.domains.flatMap((d) => [`${v}.contains(${cel(`\`${d}\``)})`, `${v}.contains(${cel(`.${d}\``)})`]),
      `${v}.matches(${cel('HostSNI(Regexp)?\\(\\s*`kubernetes[.`]')})`,
    ].join(' || ');
    const write = ['CREATE', 'UPDATE'];
    denyingPolicy(this, {
      name: props.name,
      resourceRules: [
        { apiGroups: ['networking.k8s.io'], apiVersions: ['*'], operations: write, resources: ['ingresses'] },
        { apiGroups: ['traefik.io'], apiVersions: ['*'], operations: write, resources: ['ingressroutetcps'] },
        { apiGroups: ['gateway.networking.k8s.io'], apiVersions: ['*'], operations: write, resources: ['tlsroutes'] },
      ],
      variables: [
        { name: 'owned', expression: `object.metadata.?labels.orValue({})[?${cel(props.ownerLabel.key)}] == optional.of(${cel(props.ownerLabel.value)})` },
        { name: 'unrouted', expression: `request.kind.kind == 'Ingress' && object.spec.?ingressClassName.orValue('') == ${cel(props.unroutedIngressClass)}` },
        {
          name: 'claims',
          expression: [
            `(request.kind.kind == 'Ingress' && object.spec.?rules.orValue([]).map(r, r.?host.orValue('')).exists(h, ${under('h')}))`,
            `(request.kind.kind == 'Ingress' && object.spec.?tls.orValue([]).exists(t, t.?hosts.orValue([]).exists(h, ${under('h')})))`,
            `(request.kind.kind == 'TLSRoute' && object.spec.?hostnames.orValue([]).exists(h, ${under('h')}))`,
            `(request.kind.kind == 'IngressRouteTCP' && object.spec.?routes.orValue([]).map(r, r.?match.orValue('')).exists(m, ${sni('m')}))`,
          ].join(' || '),
        },
      ],
      validations: [{ expression: 'variables.owned || variables.unrouted || !variables.claims', message: props.message }],
      matchResources: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': props.namespace } } },
    });
  }
}
