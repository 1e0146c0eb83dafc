import { Construct } from 'constructs';
import { PlainApiObject } from '../api-object';
import { checkName } from '../checks';

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
export class ChartRepository extends PlainApiObject {
  constructor(scope: Construct, id: string, props: ChartRepositoryProps) {
    checkName('HelmRepository', props.name);
    if (!/^(https?|oci):\/\//.test(props.url)) throw new Error(`HelmRepository ${props.name}: url must start with https://, http:// or oci:// (got ${JSON.stringify(props.url)})`);
    super(scope, id, {
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'HelmRepository',
      metadata: { name: props.name, namespace: props.namespace },
      body: {
        spec: {
          url: props.url,
          interval: props.interval ?? '1h',
          type: props.url.startsWith('oci://') ? 'oci' : undefined,
        },
      },
    });
  }
}
