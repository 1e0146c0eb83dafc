// Benchmark baseline (scripts/naive-cdk8s.ts): tenant-edge's construct as it was before the plain-data
// constructs, built on cdk8s's generated classes. Not part of the product; kept for the comparison and
// for test/naive-equivalence.test.ts.
import { Construct } from 'constructs';
import { KubeRoleBinding, KubeServiceAccount } from 'cdk8s-plus-28/lib/imports/k8s';
import { PRUNE_ANNOTATION } from '../../lib/constructs/flux/annotations';
import { MANAGED_BY } from '../../lib/model/names';

export interface NamespaceAccessProps {
  /** The service account to create; a Flux Kustomization in its namespace impersonates it. */
  readonly serviceAccount: { readonly name: string; readonly namespace: string };
  /** The namespace it gets rights in. */
  readonly namespace: string;
  /** ClusterRole whose rules it gets, in `namespace` only (through a RoleBinding). */
  readonly clusterRole: string;
  /** RoleBinding name. @default the service account's name */
  readonly bindingName?: string;
  /**
   * Keep the account and its binding when Flux prunes them. A Kustomization that impersonates the
   * account needs it to clean up after itself; when both are removed in one go (a tenant leaves,
   * or moves namespace), the account must outlive that cleanup.
   * @default true
   */
  readonly keepOnPrune?: boolean;
  /** Extra labels. @default none */
  readonly labels?: Record<string, string>;
}

/**
 * A service account with the rules of a ClusterRole in one namespace only. A Flux Kustomization that
 * sets `serviceAccountName` to it can apply into that namespace and nowhere else; the account has
 * no token and no other use.
 */
export class NamespaceAccess extends Construct {
  readonly serviceAccount: KubeServiceAccount;
  readonly roleBinding: KubeRoleBinding;

  constructor(scope: Construct, id: string, props: NamespaceAccessProps) {
    super(scope, id);
    const labels = { ...props.labels, ...MANAGED_BY };
    const annotations = props.keepOnPrune ?? true ? { [PRUNE_ANNOTATION]: 'disabled' } : undefined;
    this.serviceAccount = new KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: props.serviceAccount.name, namespace: props.serviceAccount.namespace, labels, annotations },
      automountServiceAccountToken: false,
    });
    this.roleBinding = new KubeRoleBinding(this, 'RoleBinding', {
      metadata: { name: props.bindingName ?? props.serviceAccount.name, namespace: props.namespace, labels, annotations },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: props.clusterRole },
      subjects: [{ kind: 'ServiceAccount', name: props.serviceAccount.name, namespace: props.serviceAccount.namespace }],
    });
  }
}
