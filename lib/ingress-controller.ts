import { Construct } from 'constructs';
import {
  HelmRelease,
  HelmReleaseSpecChartSpecSourceRefKind,
  HelmReleaseSpecInstallStrategyName,
  HelmReleaseSpecUpgradeStrategyName,
} from '../imports/helm.toolkit.fluxcd.io';
import { ChartRef, ControllerFlavour, ControllerSettings } from './controllers/flavour';
import { MANAGED_BY } from './model/names';

export interface IngressControllerProps extends ControllerSettings {
  /** Controller implementation (chart values, names). */
  readonly flavour: ControllerFlavour;
  /** Chart to install. @default the flavour's pinned chart */
  readonly chart?: ChartRef;
  /** Flux HelmRepository holding the chart. */
  readonly repository: { readonly name: string; readonly namespace: string };
  /** HelmRelease object name. @default the flavour's (ingress-nginx) */
  readonly helmReleaseName?: string;
  /** Reconcile interval. @default 10m */
  readonly interval?: string;
  /** Wait between install/upgrade retries. @default 2m */
  readonly retryInterval?: string;
  /** Extra labels on the HelmRelease. @default none */
  readonly labels?: Record<string, string>;
}

/**
 * One ingress controller installed by Flux: a HelmRelease with a pinned chart, its own
 * IngressClass and controller value, and retries instead of a stuck failed release.
 */
export class IngressController extends Construct {
  readonly apiObject: HelmRelease;
  /** The IngressClass routes use to reach this controller. */
  readonly className: string;

  constructor(scope: Construct, id: string, props: IngressControllerProps) {
    super(scope, id);
    const chart = props.chart ?? props.flavour.defaultChart;
    const retryInterval = props.retryInterval ?? '2m';
    this.className = props.className;
    this.apiObject = new HelmRelease(this, 'Resource', {
      metadata: {
        name: props.helmReleaseName ?? props.flavour.helmReleaseName,
        namespace: props.namespace,
        labels: { ...props.labels, ...MANAGED_BY },
      },
      spec: {
        interval: props.interval ?? '10m',
        releaseName: props.releaseName,
        chart: {
          spec: {
            chart: chart.name,
            version: chart.version,
            sourceRef: {
              kind: HelmReleaseSpecChartSpecSourceRefKind.HELM_REPOSITORY,
              name: props.repository.name,
              namespace: props.repository.namespace,
            },
          },
        },
        install: { strategy: { name: HelmReleaseSpecInstallStrategyName.RETRY_ON_FAILURE, retryInterval } },
        upgrade: {
          strategy: { name: HelmReleaseSpecUpgradeStrategyName.RETRY_ON_FAILURE, retryInterval },
          cleanupOnFail: true,
        },
        values: props.flavour.values(props),
      },
    });
  }
}
