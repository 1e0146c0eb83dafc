import { Construct } from 'constructs';
import { nonEmpty, PlainApiObject } from '../api-object';
import { checkName } from '../checks';

/** A Helm chart pinned to one version, in a Flux HelmRepository. */
export interface HelmChartSource {
  /** Chart name inside the repository. */
  readonly chart: string;
  /** Exact chart version. */
  readonly version: string;
  /** The HelmRepository that serves it. */
  readonly repository: { readonly name: string; readonly namespace: string };
}

export interface FluxHelmReleaseProps {
  /** HelmRelease object name. @default the Helm release name */
  readonly name?: string;
  /**
   * Namespace of the HelmRelease object and of Helm's release records. Keeping it in the Flux
   * namespace lets the release use the HelmRepository there under `--no-cross-namespace-refs`,
   * and keeps the release records out of reach of whoever owns the target namespace.
   */
  readonly namespace: string;
  /** Helm release name. */
  readonly releaseName: string;
  /** Namespace the chart is installed into. @default the HelmRelease's namespace */
  readonly targetNamespace?: string;
  readonly chart: HelmChartSource;
  /** Chart values, plain JSON data. */
  readonly values: Readonly<Record<string, unknown>>;
  /**
   * Service account helm-controller impersonates (in the HelmRelease's namespace); needed under
   * helm-controller's `--default-service-account` lockdown. @default helm-controller's own identity
   */
  readonly serviceAccountName?: string;
  /** Reconcile interval. @default 10m */
  readonly interval?: string;
  /** Wait between install and upgrade retries. @default 2m */
  readonly retryInterval?: string;
  /** Labels besides the chart's. @default none */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * A Flux HelmRelease (helm.toolkit.fluxcd.io/v2) of a pinned chart. A failed install or upgrade
 * is retried (RetryOnFailure) instead of rolled back or left stuck, and a failed upgrade cleans up
 * the objects it created.
 */
export class FluxHelmRelease extends PlainApiObject {
  constructor(scope: Construct, id: string, props: FluxHelmReleaseProps) {
    const name = props.name ?? props.releaseName;
    checkName('HelmRelease', name);
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(props.releaseName) || props.releaseName.length > 53) {
      throw new Error(`HelmRelease ${name}: release name ${JSON.stringify(props.releaseName)} must be a DNS label of at most 53 characters`);
    }
    const retryInterval = props.retryInterval ?? '2m';
    super(scope, id, {
      apiVersion: 'helm.toolkit.fluxcd.io/v2',
      kind: 'HelmRelease',
      metadata: { name, namespace: props.namespace, labels: nonEmpty(props.labels) },
      body: {
        spec: {
          interval: props.interval ?? '10m',
          releaseName: props.releaseName,
          targetNamespace: props.targetNamespace === props.namespace ? undefined : props.targetNamespace,
          storageNamespace: props.namespace,
          serviceAccountName: props.serviceAccountName,
          chart: {
            spec: {
              chart: props.chart.chart,
              version: props.chart.version,
              sourceRef: { kind: 'HelmRepository', name: props.chart.repository.name, namespace: props.chart.repository.namespace },
            },
          },
          install: { strategy: { name: 'RetryOnFailure', retryInterval } },
          upgrade: { strategy: { name: 'RetryOnFailure', retryInterval }, cleanupOnFail: true },
          values: props.values,
        },
      },
    });
  }
}
