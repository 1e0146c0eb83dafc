import { RouteOptions } from '../input/types';
import { AnnotationRule } from './annotation-policy';

/**
 * The policy half of a controller flavour: what the model needs to know to check and resolve
 * specs for it (names, limits, refusals). It is plain data and functions of plain data; the emit
 * half (emit.ts) turns the model into objects.
 */

/** A Helm chart pinned to one version. */
export interface ChartRef {
  /** Helm repository URL (https:// or oci://). */
  readonly repository: string;
  /** Chart name inside the repository. */
  readonly name: string;
  /** Exact chart version. */
  readonly version: string;
}

/** Everything a flavour needs to render one ingress controller's Helm values. */
export interface ControllerSettings {
  /** Namespace the controller runs in. */
  readonly namespace: string;
  /** Helm release name; also the prefix of every object the chart creates. */
  readonly releaseName: string;
  /** IngressClass the controller serves and creates. */
  readonly className: string;
  /** The IngressClass's spec.controller value; distinct per controller so several run side by side. */
  readonly controllerValue: string;
  /** Controller replicas. */
  readonly replicas: number;
  /** Watch only `namespace` (dedicated controllers) instead of the whole cluster (shared ones). */
  readonly namespaced: boolean;
  /** Static LoadBalancer address. */
  readonly loadBalancerIP?: string;
  /** Cloud-specific LoadBalancer behaviour. */
  readonly cloud: 'azure' | 'generic';
  /** Azure: resource group of the static address. */
  readonly resourceGroup?: string;
  /** Render a ServiceMonitor for the controller's metrics, with these extra labels. */
  readonly serviceMonitorLabels?: Record<string, string>;
  /** Route TLS by SNI without opening it, for the Ingresses that ask (the control planes'). */
  readonly sslPassthrough?: boolean;
  /**
   * Host names external-dns publishes with the controller Service's address (its hostname
   * annotation), for a tenant zone whose address is not known up front. @default none
   */
  readonly externalDnsHosts?: readonly string[];
}

/** What the model asks of a controller flavour. */
export interface FlavourPolicy {
  /** Value of platform.spec.ingress.controller. */
  readonly id: string;
  /** One line printed by synth whenever the flavour is selected, e.g. an upstream retirement. */
  readonly notice?: string;
  /** Chart used when platform.spec.ingress.chart leaves a field out. */
  readonly defaultChart: ChartRef;
  /** Namespace of the shared controller unless the platform names one. */
  readonly defaultSharedNamespace: string;
  /** Helm release name of the shared controller. */
  readonly sharedReleaseName: string;
  /** Value of the shared IngressClass's spec.controller. */
  readonly sharedControllerValue: string;
  /** Longest release name the chart copes with without truncating its own object names. */
  readonly maxReleaseNameLength: number;
  /** Helm release name of a tenant's dedicated controller; unique in the cluster. */
  dedicatedReleaseName(tenant: string): string;
  /** IngressClass of a tenant's dedicated controller; unique in the cluster. */
  dedicatedClassName(tenant: string): string;
  /** spec.controller of a tenant's dedicated IngressClass. */
  dedicatedControllerValue(tenant: string): string;
  /** Name of the service account the chart gives the controller of a release. */
  serviceAccountName(releaseName: string): string;
  /**
   * The raw annotations tenants may set when the platform names none
   * (platform.spec.ingress.tenantAnnotations): low-risk settings the typed options do not cover.
   */
  readonly defaultTenantAnnotations: readonly AnnotationRule[];
  /**
   * Why no platform may let tenants set an annotation key (it could reach another namespace,
   * host, Secret or service, inject configuration, or steer Flux or another controller), or
   * undefined.
   */
  refuseAnnotation(key: string): string | undefined;
  /** Words the controller refuses in any annotation value (its annotation-value-word-blocklist). */
  readonly valueBlocklist: readonly string[];
  /**
   * Annotations that express the typed route options. The model checks tenants' own annotations
   * against them; the emit half writes them.
   */
  routeAnnotations(options: RouteOptions): Record<string, string>;
  /** Why a path cannot be served as written, or undefined. */
  refusePath(path: string, pathType: string, options: RouteOptions): string | undefined;
}
