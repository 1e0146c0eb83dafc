import { Construct } from 'constructs';
import { nonEmpty, PlainApiObject } from '../api-object';
import { checkName, checkNoWildcards } from '../checks';
import { PRUNE_ANNOTATION } from '../flux/annotations';

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
  /** Labels besides the chart's. @default none */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * Kept when it leaves the folder (Flux's prune: disabled): for a role that Kustomizations
   * impersonating its holder still need while they delete what they applied. @default false
   */
  readonly keepOnPrune?: boolean;
}

/** A ClusterRole whose rules never use wildcards. */
export class ClusterRole extends PlainApiObject {
  constructor(scope: Construct, id: string, props: ClusterRoleProps) {
    checkName('ClusterRole', props.name);
    checkNoWildcards(`ClusterRole ${props.name}`, props.rules);
    super(scope, id, {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: props.name, labels: nonEmpty(props.labels), annotations: props.keepOnPrune ? { [PRUNE_ANNOTATION]: 'disabled' } : undefined },
      body: { rules: props.rules.map((r) => ({ apiGroups: [...r.apiGroups], resources: [...r.resources], verbs: [...r.verbs] })) },
    });
  }
}

export interface ClusterRoleGrantProps {
  /** Name of the ClusterRole and of its ClusterRoleBinding. */
  readonly name: string;
  /** Rules, each naming its groups, resources and verbs explicitly (no wildcards). */
  readonly rules: readonly RoleRule[];
  /** The service account that gets them, cluster-wide. */
  readonly serviceAccount: { readonly name: string; readonly namespace: string };
  /** Labels besides the chart's. @default none */
  readonly labels?: Readonly<Record<string, string>>;
}

/** A ClusterRole and the ClusterRoleBinding that gives it to one service account. */
export class ClusterRoleGrant extends Construct {
  readonly role: ClusterRole;
  readonly binding: PlainApiObject;

  constructor(scope: Construct, id: string, props: ClusterRoleGrantProps) {
    checkName('ClusterRole', props.name);
    checkNoWildcards(`ClusterRole ${props.name}`, props.rules);
    checkName('ServiceAccount', props.serviceAccount.name);
    super(scope, id);
    this.role = new ClusterRole(this, 'Role', { name: props.name, rules: props.rules, labels: props.labels });
    this.binding = new PlainApiObject(this, 'Binding', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: props.name, labels: nonEmpty(props.labels) },
      body: {
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: props.name },
        subjects: [{ kind: 'ServiceAccount', name: props.serviceAccount.name, namespace: props.serviceAccount.namespace }],
      },
    });
  }
}
