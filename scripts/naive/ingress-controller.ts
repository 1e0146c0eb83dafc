// Benchmark baseline (scripts/naive-cdk8s.ts): tenant-edge's construct as it was before the plain-data
// constructs, built on cdk8s's generated classes. Not part of the product; kept for the comparison and
// for test/naive-equivalence.test.ts.
import { Construct } from 'constructs';
import {
  HelmRelease,
  HelmReleaseSpecChartSpecSourceRefKind,
  HelmReleaseSpecInstallStrategyName,
  HelmReleaseSpecUpgradeStrategyName,
} from '../../imports/helm.toolkit.fluxcd.io';
import { KubeClusterRoleBinding } from 'cdk8s-plus-28/lib/imports/k8s';
import { ClusterRole } from './cluster-role';
import { ChartRef, ControllerFlavour, ControllerSettings } from '../../lib/flavours/flavour';
import { MANAGED_BY } from '../../lib/model/names';

export interface IngressControllerProps extends ControllerSettings {
  /** Controller implementation (chart values, names). */
  readonly flavour: ControllerFlavour;
  /** Chart to install. @default the flavour's pinned chart */
  readonly chart?: ChartRef;
  /** Flux HelmRepository holding the chart. */
  readonly repository: { readonly name: string; readonly namespace: string };
  /** HelmRelease object name. @default the Helm release name */
  readonly helmReleaseName?: string;
  /**
   * Namespace of the HelmRelease object and of Helm's release records. When it differs from the
   * controller's namespace, the release targets the controller's namespace (spec.targetNamespace).
   * Keeping it in the Flux namespace lets the HelmRelease use the HelmRepository there under
   * `--no-cross-namespace-refs`, and keeps the release records out of the tenant's reach.
   * @default the HelmRepository's namespace
   */
  readonly helmReleaseNamespace?: string;
  /**
   * Service account helm-controller impersonates (in the HelmRelease's namespace). Needed under
   * helm-controller's `--default-service-account` lockdown. @default helm-controller's own identity
   */
  readonly serviceAccountName?: string;
  /** Reconcile interval. @default 10m */
  readonly interval?: string;
  /** Wait between install/upgrade retries. @default 2m */
  readonly retryInterval?: string;
  /** Extra labels on the HelmRelease. @default none */
  readonly labels?: Record<string, string>;
}

/**
 * One ingress controller installed by Flux: a HelmRelease with a pinned chart, its own
 * IngressClass and controller value, and retries instead of a stuck failed release. A
 * namespace-scoped controller also gets a ClusterRole and ClusterRoleBinding with exactly the
 * cluster-scoped reads its chart leaves out in that mode (the flavour's scopedClusterRules).
 */
export class IngressController extends Construct {
  readonly apiObject: HelmRelease;
  /** The scoped controller's cluster-scoped reads, when it needs any. */
  readonly clusterAccess?: { readonly role: ClusterRole; readonly binding: KubeClusterRoleBinding };
  /** The IngressClass routes use to reach this controller. */
  readonly className: string;

  constructor(scope: Construct, id: string, props: IngressControllerProps) {
    super(scope, id);
    const chart = props.chart ?? props.flavour.policy.defaultChart;
    const retryInterval = props.retryInterval ?? '2m';
    this.className = props.className;
    const home = props.helmReleaseNamespace ?? props.repository.namespace;
    this.apiObject = new HelmRelease(this, 'Resource', {
      metadata: {
        name: props.helmReleaseName ?? props.releaseName,
        namespace: home,
        labels: { ...props.labels, ...MANAGED_BY },
      },
      spec: {
        interval: props.interval ?? '10m',
        releaseName: props.releaseName,
        targetNamespace: home === props.namespace ? undefined : props.namespace,
        storageNamespace: home,
        serviceAccountName: props.serviceAccountName,
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
        values: props.flavour.emit.values(props),
      },
    });

    if (props.namespaced && props.flavour.emit.scopedClusterRules.length > 0) {
      const name = `${props.releaseName}-cluster-reads`;
      const labels = { ...props.labels, ...MANAGED_BY };
      const role = new ClusterRole(this, 'ClusterReads', { name, rules: props.flavour.emit.scopedClusterRules, labels: props.labels });
      const binding = new KubeClusterRoleBinding(this, 'ClusterReadsBinding', {
        metadata: { name, labels },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
        subjects: [{ kind: 'ServiceAccount', name: props.flavour.policy.serviceAccountName(props.releaseName), namespace: props.namespace }],
      });
      this.clusterAccess = { role, binding };
    }
  }
}
