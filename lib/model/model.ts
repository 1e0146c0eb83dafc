import { ChartRef, ControllerSettings, FlavourPolicy } from '../flavours/policy';
import { RouteOptions } from '../input/types';

/**
 * The resolved model: what one environment renders, with every default applied and every
 * reference checked. Constructs never see the raw specs; later capabilities (passthrough,
 * DNS zones, Gateway API) add fields here rather than re-reading the input.
 */

/** Reference to a cert-manager issuer. */
export interface IssuerRef {
  readonly kind: 'ClusterIssuer' | 'Issuer';
  readonly name: string;
}

/** How an ACME issuer proves control of a name. */
export type AcmeSolver =
  | { readonly http01: { readonly ingressClassName: string } }
  | {
      readonly dns01: {
        readonly azureDNS: {
          readonly subscriptionID: string;
          readonly resourceGroupName: string;
          /** Absent: found by SOA lookup. */
          readonly hostedZoneName?: string;
          readonly managedIdentityClientID: string;
          readonly environment: string;
        };
      };
    };

/** An ACME issuer, rendered as a ClusterIssuer (no namespace) or a namespaced Issuer. */
export interface AcmeIssuerModel {
  readonly name: string;
  /** Set for a namespaced Issuer. */
  readonly namespace?: string;
  /** ACME directory URL. */
  readonly server: string;
  readonly email: string;
  readonly solver: AcmeSolver;
  /** Solvers for Certificates with these labels: tenant zones' (environments with DNS). */
  readonly selectedSolvers?: readonly { readonly matchLabels: Readonly<Record<string, string>>; readonly solver: AcmeSolver }[];
}

export interface FluxModel {
  /** Namespace of every Kustomization, HelmRelease and HelmRepository tenant-edge renders. */
  readonly namespace: string;
  /**
   * Service account the platform's Kustomizations (edge-platform, edge-cluster-<t>)
   * impersonate: kustomize-controller's own, which Flux binds to cluster-admin.
   */
  readonly kustomizeServiceAccount: string;
  /** Service account the ingress controllers' HelmReleases impersonate: helm-controller's own. */
  readonly helmServiceAccount: string;
  readonly sourceRef: { readonly kind: string; readonly name: string; readonly namespace: string };
  /** Repository path of this environment's folder, e.g. ./dist/prod. */
  readonly envPath: string;
  readonly interval: string;
  readonly timeout: string;
  readonly retryInterval: string;
}

export interface MonitoringModel {
  readonly enabled: boolean;
  readonly ruleLabels: Record<string, string>;
  /** Hours a renewal may be overdue before the alert fires. */
  readonly renewalGraceHours: number;
  /** Namespace cert-manager runs in (its metrics' scrape namespace). */
  readonly certManagerNamespace: string;
}

/** One ingress controller (shared or a tenant's dedicated one). */
export interface ControllerModel extends ControllerSettings {
  readonly chart: ChartRef;
  /** Name of the Flux HelmRepository the HelmRelease pulls from (in the Flux namespace). */
  readonly repositoryName: string;
}

/** How a route serves TLS: not at all, from a Secret the tenant provides, or from a Certificate of the tenant's. */
export type RouteTls =
  | { readonly mode: 'none' }
  | { readonly mode: 'secret'; readonly secretName: string }
  | { readonly mode: 'certManager'; readonly secretName: string };

/** A cert-manager Certificate of a tenant: the tenant's shared one, or a route's own. */
export interface CertificateModel {
  readonly name: string;
  /** Secret cert-manager writes; the routes' Ingresses read it. */
  readonly secretName: string;
  /** Sorted, without duplicates. */
  readonly dnsNames: readonly string[];
  readonly issuer: IssuerRef;
  /** Solve DNS-01 in the tenant's own zone (the issuers' tenant-zone solver selects it by label). */
  readonly inTenantZone?: boolean;
}

export interface RoutePath {
  readonly path: string;
  readonly pathType: 'Prefix' | 'Exact' | 'ImplementationSpecific';
  readonly service: string;
  readonly port: number | string;
}

/**
 * A route: what a tenant exposes through the environment's controller. Routes are a union by
 * `kind`; each kind is rendered by the flavour's emit half (flavours/emit.ts), and charts switch
 * over the kinds exhaustively, so a new kind (TLS passthrough, a Gateway API route) cannot be
 * silently skipped.
 */
export type RouteModel = HttpRouteModel | PassthroughRouteModel;

/** An HTTP route: hosts and paths to Services, served with or without TLS. */
export interface HttpRouteModel {
  readonly kind: 'http';
  readonly name: string;
  /** Fully qualified host names, in spec order. */
  readonly hosts: readonly string[];
  readonly tls: RouteTls;
  readonly paths: readonly RoutePath[];
  /** Typed behaviour; the environment's controller flavour turns it into its own settings. */
  readonly options: RouteOptions;
  /** The user's extra controller annotations, already checked against the flavour. */
  readonly annotations: Record<string, string>;
}

/**
 * A TLS passthrough route: connections whose SNI is `host` go, still encrypted, to a port of a
 * Service in the route's namespace. One host per route: controllers match SNI exactly.
 */
export interface PassthroughRouteModel {
  readonly kind: 'passthrough';
  /** Name of the route's object, unique in its namespace. */
  readonly name: string;
  readonly host: string;
  readonly namespace: string;
  readonly service: { readonly name: string; readonly port: number };
}

/** Controllers that can route control-plane traffic by SNI (platform.spec.controlPlanes.controller). */
export type PassthroughControllerType = 'traefik' | 'haproxy' | 'nginx' | 'generic' | 'gateway';

/**
 * How an environment reaches its tenants' control planes, for the objects the routes share: the
 * Gateway of the gateway type (one per environment, with a TLS Passthrough listener per hostname
 * family), nothing for the Ingress-based types.
 */
export interface ControlPlanesModel {
  readonly controller: PassthroughControllerType;
  readonly namespace: string;
  /** IngressClass, or GatewayClass for gateway. */
  readonly className?: string;
  /** Base domain: hosts are <tenant>.k8s.<domain> and <tenant>.konnectivity.<domain>. */
  readonly domain: string;
  /** The Gateway the TLSRoutes attach to (gateway only), in `namespace`. */
  readonly gateway?: string;
}

/**
 * The tcp-proxy of a tenant's cluster (Steward's steward-tcp-proxy), applied there by a Flux
 * Kustomization in the control-plane namespace with the operator's admin kubeconfig.
 */
export interface TcpProxyModel {
  /** Pinned image (platform's, or the tenant's from an allowed repository). */
  readonly image: string;
  readonly replicas: number;
  readonly resources: { readonly requests: { readonly cpu: string; readonly memory: string }; readonly limits: { readonly cpu: string; readonly memory: string } };
  /** Where the proxy dials: the API server hostname through the passthrough route, on 443 or the internal endpoint's port. */
  readonly upstream: { readonly host: string; readonly port: number };
  /** /etc/hosts entries, the internal endpoint's (apiServerHost at its address) first. */
  readonly hostAliases: readonly { readonly ip: string; readonly hostnames: readonly string[] }[];
  readonly verification: { readonly kind: 'cluster-ca' } | { readonly kind: 'config-map'; readonly name: string; readonly key: string } | { readonly kind: 'insecure' };
  /** Secret in the tenant cluster's kube-system with the API server's certificate and key. */
  readonly tlsSecretName: string;
  /** The Secret (control-plane namespace) with the tenant cluster's kubeconfig. */
  readonly kubeConfig: { readonly secretName: string; readonly key: string };
  /** The Flux source the Kustomization reads dist/ from. */
  readonly sourceRef: { readonly kind: string; readonly name: string; readonly namespace: string };
  /** Service account the Kustomization impersonates in the tenant cluster, when the platform names one. */
  readonly serviceAccountName?: string;
}

/** A tenant's hosted control plane in one environment: its routes and the names its certificate needs. */
export interface ControlPlaneModel {
  readonly controller: PassthroughControllerType;
  /** Namespace of the control planes' Services, where the routes go. */
  readonly namespace: string;
  /** IngressClass of Ingress-based routes (every type but traefik). */
  readonly className?: string;
  /** Traefik entry points (traefik only). */
  readonly entryPoints: readonly string[];
  /** The API server route, then the konnectivity route when the tenant has one. */
  readonly routes: readonly PassthroughRouteModel[];
  /** <tenant>.k8s.<domain> */
  readonly apiServerHost: string;
  /** <tenant>.konnectivity.<domain>, when konnectivity is on. */
  readonly konnectivityHost?: string;
  /**
   * Subject alternative names the API server certificate needs for these routes: both
   * hostnames, the four kubernetes* names, then the tenant's extra names, without repeats.
   */
  readonly certSANs: readonly string[];
  /** The tcp-proxy for the tenant's cluster, when it gets one. */
  readonly tcpProxy?: TcpProxyModel;
}

/**
 * One DNS record set (a name and a type) as Azure DNS holds it. Names are relative to the zone:
 * `@` is the zone itself, `*` its wildcard.
 */
export type RecordData =
  | { readonly type: 'A'; readonly addresses: readonly string[] }
  | { readonly type: 'AAAA'; readonly addresses: readonly string[] }
  | { readonly type: 'CNAME'; readonly target: string }
  /** Each record is a list of character strings of at most 255 characters. */
  | { readonly type: 'TXT'; readonly texts: readonly (readonly string[])[] }
  | { readonly type: 'CAA'; readonly entries: readonly { readonly flags: number; readonly tag: string; readonly value: string }[] }
  | { readonly type: 'MX'; readonly entries: readonly { readonly preference: number; readonly exchange: string }[] }
  /** Name servers as Flux substitution variables (`${nameServer1}`), filled in when the delegation is applied. */
  | { readonly type: 'NS'; readonly nameServers: readonly string[] };

export type RecordType = RecordData['type'];

export interface RecordSetModel {
  /** Object name, unique per kind in the DNS namespace. */
  readonly objectName: string;
  /** Name relative to its zone (the Azure record set's name). */
  readonly relativeName: string;
  readonly ttl: number;
  readonly data: RecordData;
}

/** A zone as the owner of record sets: an object tenant-edge renders (by name), or an existing Azure zone (by ARM ID). */
export type ZoneOwner = { readonly name: string } | { readonly armId: string };

/**
 * DNS of one environment (platform.spec.dns with environments[].dns): where the zone and record
 * objects live, the parent zone, and the records the platform itself needs there.
 */
export interface EnvironmentDnsModel {
  /** Namespace of every zone and record object and of the DNS Kustomizations. */
  readonly namespace: string;
  readonly subscriptionID: string;
  /** Resource group of the tenant zones and of a managed parent zone. */
  readonly resourceGroup: string;
  /** Secret with the operator's credential (serviceoperator.azure.com/credential-from), when the platform names one. */
  readonly credentialFrom?: string;
  readonly parentZone: {
    readonly name: string;
    /** How record sets in it name it. */
    readonly owner: ZoneOwner;
    /** Set when tenant-edge renders the zone (no armId): its object name. */
    readonly managedObjectName?: string;
  };
  /** Record sets in the parent zone: the control planes' wildcards. */
  readonly parentRecords: readonly RecordSetModel[];
  /** What leaving dist/ does to a tenant zone in Azure. */
  readonly zoneDeletion: 'detach' | 'delete';
  readonly ttl: number;
  /** The Flux source of the DNS Kustomizations. */
  readonly sourceRef: { readonly kind: string; readonly name: string; readonly namespace: string };
  /** Service account (DNS namespace) the DNS Kustomizations impersonate. */
  readonly applierServiceAccount: string;
}

/**
 * A tenant's child zone in one environment: the zone, its record sets, and its delegation from
 * the parent zone, whose name servers Azure assigns when it creates the zone.
 */
export interface TenantZoneModel {
  /** The zone, i.e. the tenant's domain in the environment. */
  readonly name: string;
  readonly objectName: string;
  /** The A/AAAA records of the routes' hosts, then the tenant's own records, sorted by object name. */
  readonly records: readonly RecordSetModel[];
  /** ConfigMap (DNS namespace) the operator writes the zone's name servers into, one key each. */
  readonly nameServers: { readonly configMapName: string; readonly keys: readonly string[] };
  /** The NS record set in the parent zone, with the name servers as substitution variables. */
  readonly delegation: RecordSetModel;
  /** Hosts handed to external-dns (through the dedicated controller's Service) because the address is not known up front. */
  readonly externalDnsHosts: readonly string[];
}

export interface TenantModel {
  readonly name: string;
  /** Spec file relative to the platform file's folder, for the generated-file header. */
  readonly file: string;
  readonly namespace: string;
  readonly domain: string;
  /** IngressClass the tenant's routes use. */
  readonly className: string;
  /** Dedicated controller, when the tenant has one in this environment. */
  readonly controller?: ControllerModel;
  /** Namespaced issuers the tenant needs (HTTP-01 through its own controller). */
  readonly issuers: readonly AcmeIssuerModel[];
  readonly routes: readonly HttpRouteModel[];
  /** The tenant's control plane, when it has one (platform.spec.controlPlanes). */
  readonly controlPlane?: ControlPlaneModel;
  /** Certificates of the routes with tls: certManager, sorted by name. */
  readonly certificates: readonly CertificateModel[];
  /** The tenant's child zone, where the environment has DNS and the tenant a zone. */
  readonly zone?: TenantZoneModel;
}

export interface EnvironmentModel {
  readonly name: string;
  readonly domain: string;
  /** Controller implementation of every controller and route in this environment (its policy half). */
  readonly flavour: FlavourPolicy;
  /** Platform spec file name, for the generated-file header. */
  readonly platformFile: string;
  readonly flux: FluxModel;
  readonly monitoring: MonitoringModel;
  readonly issuers: readonly AcmeIssuerModel[];
  /** Flux HelmRepositories of the controllers' charts. */
  readonly repositories: readonly { readonly name: string; readonly url: string }[];
  readonly sharedController?: ControllerModel;
  /** How control planes are reached, when the platform has them. */
  readonly controlPlanes?: ControlPlanesModel;
  /** DNS zones and records, when the environment has DNS (environments[].dns). */
  readonly dns?: EnvironmentDnsModel;
  /** Tenants present in this environment, sorted by name. */
  readonly tenants: readonly TenantModel[];
}
