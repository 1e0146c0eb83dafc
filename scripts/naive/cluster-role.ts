// Benchmark baseline (scripts/naive-cdk8s.ts): tenant-edge's construct as it was before the plain-data
// constructs, built on cdk8s's generated classes. Not part of the product; kept for the comparison and
// for test/naive-equivalence.test.ts.
import { Construct } from 'constructs';
import { KubeClusterRole } from 'cdk8s-plus-28/lib/imports/k8s';
import { MANAGED_BY } from '../../lib/model/names';

/** One RBAC rule. */
export interface RoleRule {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
}

export interface ClusterRoleProps {
  readonly name: string;
  /** Rules, each naming its groups, resources and verbs explicitly (no wildcards). */
  readonly rules: readonly RoleRule[];
  /** Extra labels. @default none */
  readonly labels?: Record<string, string>;
}

/** A ClusterRole whose rules never use wildcards. */
export class ClusterRole extends Construct {
  readonly apiObject: KubeClusterRole;

  constructor(scope: Construct, id: string, props: ClusterRoleProps) {
    super(scope, id);
    for (const rule of props.rules) {
      if ([...rule.apiGroups, ...rule.resources, ...rule.verbs].includes('*')) {
        throw new Error(`ClusterRole ${props.name}: rules must name their groups, resources and verbs; "*" is not allowed`);
      }
    }
    this.apiObject = new KubeClusterRole(this, 'Resource', {
      metadata: { name: props.name, labels: { ...props.labels, ...MANAGED_BY } },
      rules: props.rules.map((r) => ({ apiGroups: [...r.apiGroups], resources: [...r.resources], verbs: [...r.verbs] })),
    });
  }
}
