import { Construct } from 'constructs';
import { nonEmpty, PlainApiObject } from '../api-object';
import { checkName, checkNoWildcards, isIpAddress } from '../checks';
import { PRUNE_ANNOTATION } from '../flux/annotations';

/** Where the proxy's certificates and keys are mounted. */
const TLS_DIR = '/etc/tcp-proxy/tls';
const UPSTREAM_CA_DIR = '/etc/tcp-proxy/upstream-ca';
/** The cluster CA every pod with a service account token sees (the token volume's ca.crt). */
export const CLUSTER_CA_FILE = '/var/run/secrets/kubernetes.io/serviceaccount/ca.crt';
/** Port the proxy listens on (on the node: the pod uses the host's network) and its Service serves. */
export const TCP_PROXY_PORT = 6443;
/** User and group of the distroless nonroot image the proxy ships in. */
const NONROOT = 65532;

const HOST = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$/;
/** A container image reference without spaces or shell characters. */
const IMAGE = /^[a-z0-9][a-z0-9._/:-]*(@sha256:[a-f0-9]{64})?$/;
const QUANTITY = /^[0-9]+(\.[0-9]+)?(m|Ki|Mi|Gi)?$/;

/** How the proxy checks the certificate behind its upstream address. */
export type UpstreamVerification =
  /** Against the tenant cluster's own CA, from the pod's service-account volume. */
  | { readonly kind: 'cluster-ca' }
  /** Against a CA bundle in a ConfigMap of the proxy's namespace. */
  | { readonly kind: 'config-map'; readonly name: string; readonly key: string }
  /** Not at all (--upstream-insecure=true). */
  | { readonly kind: 'insecure' };

export interface ComputeResources {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu: string; readonly memory: string };
}

export interface TcpProxyProps {
  /** Name of the Deployment, Service, ServiceAccount, Roles, RoleBindings and PodDisruptionBudget. */
  readonly name: string;
  /** The image, pinned by the caller (a tag other than latest, or a digest). */
  readonly image: string;
  readonly replicas: number;
  /** The tenant API server as reached through the passthrough ingress: its hostname and port. */
  readonly upstream: { readonly host: string; readonly port: number };
  /** Secret in the proxy's namespace with the API server's certificate and key (tls.crt, tls.key). Referenced, never created. */
  readonly tlsSecretName: string;
  readonly verification: UpstreamVerification;
  /** /etc/hosts entries, for names needed before the cluster's DNS runs. @default none */
  readonly hostAliases?: readonly { readonly ip: string; readonly hostnames: readonly string[] }[];
  readonly resources: ComputeResources;
  /**
   * Keep the objects when Flux prunes them. Once the proxy owns the `kubernetes` EndpointSlice
   * (and the API server's own endpoint reconciler is off), deleting it cuts every in-cluster client
   * off the API server: removing it is a manual step. @default true
   */
  readonly keepOnPrune?: boolean;
  /** Labels besides the chart's. @default none */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * The tcp-proxy of a tenant cluster whose API server is reached through an ingress (Steward's
 * steward-tcp-proxy): in-cluster clients of kubernetes.default.svc reach it through the
 * `kubernetes` EndpointSlice, which the proxy points at its own Service. It serves them the API
 * server's own certificate and passes their requests on to the API server's hostname through the
 * ingress, where SNI routes them.
 *
 * It runs in kube-system, where the proxy looks its own Service up. Its rights are the calls the proxy makes: get its own Service (for the ClusterIP), and get,
 * update or create the `kubernetes` EndpointSlice in `default`. Create cannot be limited by name.
 */
export class TcpProxy extends Construct {
  constructor(scope: Construct, id: string, props: TcpProxyProps) {
    super(scope, id);
    const what = `tcp-proxy ${props.name}`;
    // The proxy looks its Service up in kube-system, whatever namespace it runs in
    // (internal/proxy/server.go, tcpProxyNamespace).
    const ns = 'kube-system';
    checkName('Deployment', props.name);
    checkName('Secret', props.tlsSecretName);
    if (!IMAGE.test(props.image)) throw new Error(`${what}: image ${JSON.stringify(props.image)} is not an image reference`);
    if (!Number.isInteger(props.replicas) || props.replicas < 1) throw new Error(`${what}: replicas must be a whole number of at least 1, not ${props.replicas}`);
    if (!HOST.test(props.upstream.host)) throw new Error(`${what}: upstream host ${JSON.stringify(props.upstream.host)} is not a DNS name`);
    if (!Number.isInteger(props.upstream.port) || props.upstream.port < 1 || props.upstream.port > 65535) throw new Error(`${what}: upstream port ${props.upstream.port} is not a port`);
    for (const alias of props.hostAliases ?? []) {
      if (!isIpAddress(alias.ip)) throw new Error(`${what}: host alias address ${JSON.stringify(alias.ip)} is not an IP address`);
      for (const h of alias.hostnames) if (!HOST.test(h)) throw new Error(`${what}: host alias name ${JSON.stringify(h)} is not a DNS name`);
    }
    for (const [kind, values] of Object.entries(props.resources)) {
      for (const [resource, q] of Object.entries(values as Record<string, string>)) {
        if (!QUANTITY.test(q)) throw new Error(`${what}: ${kind}.${resource} ${JSON.stringify(q)} is not a quantity`);
      }
    }
    if (props.verification.kind === 'config-map') checkName('ConfigMap', props.verification.name);

    const labels = nonEmpty(props.labels);
    const selector = { 'app.kubernetes.io/name': props.name };
    const annotations = props.keepOnPrune ?? true ? { [PRUNE_ANNOTATION]: 'disabled' } : undefined;
    const meta = (namespace: string) => ({ name: props.name, namespace, labels, annotations });

    new PlainApiObject(this, 'ServiceAccount', {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: meta(ns),
      body: {},
    });
    const grant = (rid: string, namespace: string, rules: { apiGroups: string[]; resources: string[]; verbs: string[]; resourceNames?: string[] }[]): void => {
      checkNoWildcards(`Role ${namespace}/${props.name}`, rules);
      new PlainApiObject(this, `${rid}Role`, { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: meta(namespace), body: { rules } });
      new PlainApiObject(this, `${rid}RoleBinding`, {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: meta(namespace),
        body: {
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: props.name },
          subjects: [{ kind: 'ServiceAccount', name: props.name, namespace: ns }],
        },
      });
    };
    // The proxy reads its own Service's ClusterIP, to write it into the EndpointSlice.
    grant('Own', ns, [{ apiGroups: [''], resources: ['services'], resourceNames: [props.name], verbs: ['get'] }]);
    // It keeps default/kubernetes pointing at that address; the slice is created when missing.
    grant('Endpoints', 'default', [
      { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], resourceNames: ['kubernetes'], verbs: ['get', 'update'] },
      { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['create'] },
    ]);

    new PlainApiObject(this, 'Service', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(ns),
      body: {
        spec: {
          type: 'ClusterIP',
          selector,
          ports: [{ name: 'proxy', port: TCP_PROXY_PORT, targetPort: 'proxy', protocol: 'TCP' }],
        },
      },
    });

    const v = props.verification;
    const caFile = v.kind === 'cluster-ca' ? CLUSTER_CA_FILE : v.kind === 'config-map' ? `${UPSTREAM_CA_DIR}/ca.crt` : undefined;
    const upstream = `${props.upstream.host}:${props.upstream.port}`;
    const probe = (initialDelaySeconds: number, periodSeconds: number) => ({
      tcpSocket: { port: 'proxy' },
      initialDelaySeconds,
      periodSeconds,
      timeoutSeconds: 3,
      failureThreshold: 3,
    });
    new PlainApiObject(this, 'Deployment', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta(ns),
      body: {
        spec: {
          replicas: props.replicas,
          selector: { matchLabels: selector },
          // One pod per node (host port 6443): a new pod can only start where an old one left.
          strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } },
          template: {
            metadata: { labels: selector },
            spec: {
              serviceAccountName: props.name,
              // The proxy's own client authenticates with the token and verifies with its ca.crt.
              automountServiceAccountToken: true,
              hostNetwork: true,
              // The node's resolvers, not the cluster's: the proxy needs only its upstream's public
              // name, and cluster DNS may itself wait for the API server through this proxy.
              dnsPolicy: 'Default',
              priorityClassName: 'system-cluster-critical',
              nodeSelector: { 'kubernetes.io/os': 'linux' },
              tolerations: [
                { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoSchedule' },
                { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
                { key: 'node.cilium.io/agent-not-ready', operator: 'Exists', effect: 'NoSchedule' },
              ],
              hostAliases: props.hostAliases && props.hostAliases.length > 0 ? props.hostAliases.map((a) => ({ ip: a.ip, hostnames: [...a.hostnames] })) : undefined,
              securityContext: {
                runAsNonRoot: true,
                runAsUser: NONROOT,
                runAsGroup: NONROOT,
                fsGroup: NONROOT,
                seccompProfile: { type: 'RuntimeDefault' },
              },
              containers: [
                {
                  name: 'tcp-proxy',
                  image: props.image,
                  args: [
                    `--upstream-addr=${upstream}`,
                    `--listen-addr=:${TCP_PROXY_PORT}`,
                    `--service-name=${props.name}`,
                    `--service-port=${TCP_PROXY_PORT}`,
                    `--tls-cert-file=${TLS_DIR}/tls.crt`,
                    `--tls-key-file=${TLS_DIR}/tls.key`,
                    ...(v.kind === 'insecure' ? ['--upstream-insecure=true'] : []),
                  ],
                  env: [
                    // The proxy's own API client reaches the API server the way its clients do, not
                    // through the kubernetes Service it serves.
                    { name: 'KUBERNETES_SERVICE_HOST', value: props.upstream.host },
                    { name: 'KUBERNETES_SERVICE_PORT', value: String(props.upstream.port) },
                    // Go's roots: this file, plus the certificates in the SSL_CERT_DIR folders, which
                    // replace the image's public ones (/etc/ssl/certs). The CA's own folder holds no
                    // other certificate, so the CA is the only root.
                    ...(caFile
                      ? [
                          { name: 'SSL_CERT_FILE', value: caFile },
                          { name: 'SSL_CERT_DIR', value: caFile.slice(0, caFile.lastIndexOf('/')) },
                        ]
                      : []),
                  ],
                  ports: [{ name: 'proxy', containerPort: TCP_PROXY_PORT, protocol: 'TCP' }],
                  readinessProbe: probe(3, 5),
                  livenessProbe: probe(5, 10),
                  resources: { requests: { ...props.resources.requests }, limits: { ...props.resources.limits } },
                  securityContext: {
                    allowPrivilegeEscalation: false,
                    readOnlyRootFilesystem: true,
                    capabilities: { drop: ['ALL'] },
                  },
                  volumeMounts: [
                    { name: 'tls', mountPath: TLS_DIR, readOnly: true },
                    ...(v.kind === 'config-map' ? [{ name: 'upstream-ca', mountPath: UPSTREAM_CA_DIR, readOnly: true }] : []),
                  ],
                },
              ],
              volumes: [
                { name: 'tls', secret: { secretName: props.tlsSecretName, defaultMode: 0o440 } },
                ...(v.kind === 'config-map' ? [{ name: 'upstream-ca', configMap: { name: v.name, items: [{ key: v.key, path: 'ca.crt' }] } }] : []),
              ],
            },
          },
        },
      },
    });

    new PlainApiObject(this, 'PodDisruptionBudget', {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: meta(ns),
      // maxUnavailable, not minAvailable: a drain of a one-replica proxy is not blocked forever.
      body: { spec: { maxUnavailable: 1, selector: { matchLabels: selector } } },
    });
  }
}
