// Benchmark baseline (scripts/naive-cdk8s.ts): tenant-edge's construct as it was before the plain-data
// constructs, built on cdk8s's generated classes. Not part of the product; kept for the comparison and
// for test/naive-equivalence.test.ts.
import { Construct } from 'constructs';
import { HelmRepository, HelmRepositorySpecType } from '../../imports/source.toolkit.fluxcd.io';
import { MANAGED_BY } from '../../lib/model/names';

export interface ChartRepositoryProps {
  /** HelmRepository name. */
  readonly name: string;
  /** Namespace (the Flux namespace). */
  readonly namespace: string;
  /** Repository URL; oci:// URLs make an OCI repository. */
  readonly url: string;
  /** How often Flux refreshes the index. @default 1h */
  readonly interval?: string;
}

/** A Flux HelmRepository shared by every HelmRelease that installs its charts. */
export class ChartRepository extends Construct {
  readonly apiObject: HelmRepository;

  constructor(scope: Construct, id: string, props: ChartRepositoryProps) {
    super(scope, id);
    const oci = props.url.startsWith('oci://');
    this.apiObject = new HelmRepository(this, 'Resource', {
      metadata: { name: props.name, namespace: props.namespace, labels: { ...MANAGED_BY } },
      spec: {
        url: props.url,
        interval: props.interval ?? '1h',
        type: oci ? HelmRepositorySpecType.OCI : undefined,
      },
    });
  }
}
