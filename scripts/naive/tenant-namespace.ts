// Benchmark baseline (scripts/naive-cdk8s.ts): tenant-edge's construct as it was before the plain-data
// constructs, built on cdk8s's generated classes. Not part of the product; kept for the comparison and
// for test/naive-equivalence.test.ts.
import { Construct } from 'constructs';
import { KubeNamespace } from 'cdk8s-plus-28/lib/imports/k8s';
import { PRUNE_ANNOTATION } from '../../lib/constructs/flux/annotations';
import { MANAGED_BY, TENANT_LABEL } from '../../lib/model/names';

export interface TenantNamespaceProps {
  /** Namespace name. */
  readonly name: string;
  /** Tenant the namespace belongs to; set as the Flux multi-tenancy label. */
  readonly tenant: string;
  /**
   * Keep the namespace (and every workload in it) when the tenant leaves the repository.
   * Flux prunes everything else the tenant owned.
   * @default true
   */
  readonly keepOnPrune?: boolean;
  /**
   * Pod Security Standard enforced in the namespace (pod-security.kubernetes.io/enforce); the
   * restricted standard is always warned and audited, so its violations show before anyone
   * tightens enforcement. The ingress-nginx controller pods satisfy restricted.
   * @default baseline
   */
  readonly podSecurity?: PodSecurityLevel;
  /** Extra labels. @default none */
  readonly labels?: Record<string, string>;
}

/** A Pod Security Standard. */
export type PodSecurityLevel = 'privileged' | 'baseline' | 'restricted';

/** The Pod Security admission labels for a namespace that enforces `level` and warns and audits restricted. */
export function podSecurityLabels(level: PodSecurityLevel): Record<string, string> {
  return {
    'pod-security.kubernetes.io/enforce': level,
    'pod-security.kubernetes.io/warn': 'restricted',
    'pod-security.kubernetes.io/audit': 'restricted',
  };
}

/** A tenant's namespace, labelled for Flux multi-tenancy. */
export class TenantNamespace extends Construct {
  readonly apiObject: KubeNamespace;

  constructor(scope: Construct, id: string, props: TenantNamespaceProps) {
    super(scope, id);
    const keep = props.keepOnPrune ?? true;
    this.apiObject = new KubeNamespace(this, 'Resource', {
      metadata: {
        name: props.name,
        labels: { ...podSecurityLabels(props.podSecurity ?? 'baseline'), ...props.labels, ...MANAGED_BY, [TENANT_LABEL]: props.tenant },
        annotations: keep ? { [PRUNE_ANNOTATION]: 'disabled' } : undefined,
      },
    });
  }
}
