import { Construct } from 'constructs';
import { checkName } from '../checks';
import { cel, denyingPolicy, requestBy } from './policy';

export interface RouteHostGuardProps {
  /** Name of the ValidatingAdmissionPolicy and of its binding. */
  readonly name: string;
  /** The namespace whose routes are judged. */
  readonly namespace: string;
  /** Hostnames at or under these domains are guarded, e.g. k8s.example.com. */
  readonly domains: readonly string[];
  /** The users (as the API server names them) that apply the owner's routes; their requests pass. */
  readonly ownerUsers: readonly string[];
  /** An Ingress of this class passes: the class no controller serves. */
  readonly unroutedIngressClass: string;
  /** Said to whoever is refused. */
  readonly message: string;
}

/** A DNS name as the policy can judge it exactly: lower-case ASCII labels, no wildcard, no trailing dot. */
const NAME = '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*';
/** HostSNI(`<name>`) */
const SNI_PREFIX = 'HostSNI(`';
const SNI_SUFFIX = '`)';
const SNI_TERM = `HostSNI\\(\`${NAME}\`\\)`;
/** The only IngressRouteTCP rule the policy judges: HostSNI terms joined by " || ". */
const SNI_RULE = `^${SNI_TERM}( \\|\\| ${SNI_TERM})*$`;
const SNI_JOIN = ' || ';

/**
 * A ValidatingAdmissionPolicy (admissionregistration.k8s.io/v1, Kubernetes 1.30 and later) and its
 * binding that keep guarded hostnames to their owner's routes in one namespace. On create and
 * update, unless the owner's account sends it, it refuses what could match a guarded host:
 *  - an Ingress with a rule or TLS host at or under a guarded domain, or a wildcard over one
 *    (`*.<d>` or `*.<ancestor of d>`: ingress-nginx's server_name wildcards match any depth), or
 *    a rule without a host, or a default backend (both match every host); an Ingress of the
 *    unrouted class passes, as no controller reads it;
 *  - a Gateway API TLSRoute without hostnames (it takes every name of its listener) or with one
 *    as above (a wildcard is a suffix match, gateway-api v1.x `hostnames`);
 *  - a Traefik IngressRouteTCP with a rule that is not exactly HostSNI(`<name>`) terms joined by
 *    " || ", lower-case ASCII names without `*` or a trailing dot, none guarded or one of the
 *    generic kubernetes* names. Traefik v3.7 also takes other spellings of the same match
 *    (pkg/rules/parser.go: matcher names in any of three cases, double-quoted arguments;
 *    pkg/muxer/tcp/matcher.go: HostSNI(`*`), HostSNIRegexp, ClientIP and ALPN alone match every
 *    name, a trailing dot is trimmed, non-ASCII names become punycode; the SNI is compared
 *    case-insensitively): the policy refuses them all rather than judging them.
 * Routes stored before the policy existed stay until they are changed.
 */
export class RouteHostGuard extends Construct {
  constructor(scope: Construct, id: string, props: RouteHostGuardProps) {
    checkName('ValidatingAdmissionPolicy', props.name);
    if (props.domains.length === 0) throw new Error(`RouteHostGuard ${props.name}: domains must not be empty`);
    if (props.ownerUsers.length === 0) throw new Error(`RouteHostGuard ${props.name}: ownerUsers must not be empty`);
    super(scope, id);
    const under = (v: string): string => props.domains.map((d) => `${v} == ${cel(d)} || ${v}.endsWith(${cel(`.${d}`)})`).join(' || ');
    // *.<x> over a guarded domain d: d is x or lies under it.
    const over = (v: string): string => `(${v}.startsWith('*.') && (${props.domains.map((d) => `${cel(`.${d}`)}.endsWith(${v}.substring(1))`).join(' || ')}))`;
    const host = (v: string): string => `${under(v)} || ${over(v)}`;
    const sniName = (t: string): string => `${t}.substring(${SNI_PREFIX.length}, ${t}.size() - ${SNI_SUFFIX.length})`;
    const sniGuarded = (n: string): string => `${under(n)} || ${n} == 'kubernetes' || ${n}.startsWith('kubernetes.')`;
    const write = ['CREATE', 'UPDATE'];
    denyingPolicy(this, {
      name: props.name,
      resourceRules: [
        { apiGroups: ['networking.k8s.io'], apiVersions: ['*'], operations: write, resources: ['ingresses'] },
        { apiGroups: ['traefik.io'], apiVersions: ['*'], operations: write, resources: ['ingressroutetcps'] },
        { apiGroups: ['gateway.networking.k8s.io'], apiVersions: ['*'], operations: write, resources: ['tlsroutes'] },
      ],
      variables: [
        { name: 'owned', expression: requestBy(props.ownerUsers) },
        { name: 'unrouted', expression: `request.kind.kind == 'Ingress' && object.spec.?ingressClassName.orValue('') == ${cel(props.unroutedIngressClass)}` },
        {
          name: 'claims',
          expression: [
            `(request.kind.kind == 'Ingress' && (has(object.spec.defaultBackend) || object.spec.?rules.orValue([]).exists(r, r.?host.orValue('') == '')))`,
            `(request.kind.kind == 'Ingress' && object.spec.?rules.orValue([]).map(r, r.?host.orValue('')).exists(h, ${host('h')}))`,
            `(request.kind.kind == 'Ingress' && object.spec.?tls.orValue([]).exists(t, t.?hosts.orValue([]).exists(h, ${host('h')})))`,
            `(request.kind.kind == 'TLSRoute' && object.spec.?hostnames.orValue([]).size() == 0)`,
            `(request.kind.kind == 'TLSRoute' && object.spec.?hostnames.orValue([]).exists(h, ${host('h')}))`,
            `(request.kind.kind == 'IngressRouteTCP' && object.spec.?routes.orValue([]).map(r, r.?match.orValue('')).exists(m, !m.matches(${cel(SNI_RULE)}) || m.split(${cel(SNI_JOIN)}).map(t, ${sniName('t')}).exists(n, ${sniGuarded('n')})))`,
          ].join(' || '),
        },
      ],
      validations: [{ expression: 'variables.owned || variables.unrouted || !variables.claims', message: props.message }],
      matchResources: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': props.namespace } } },
    });
  }
}
