import { Construct } from 'constructs';
import { nonEmpty, PlainApiObject } from '../api-object';
import { checkName } from '../checks';
import { PRUNE_ANNOTATION } from '../flux/annotations';

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
  /** Labels besides the chart's. @default none */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * A service account with the rules of a ClusterRole in one namespace only. A Flux Kustomization that
 * sets `serviceAccountName` to it can apply into that namespace and nowhere else; the account has
 * no token and no other use.
 */
export class NamespaceAccess extends Construct {
  readonly serviceAccount: PlainApiObject;
  readonly roleBinding: PlainApiObject;

  constructor(scope: Construct, id: string, props: NamespaceAccessProps) {
    const bindingName = props.bindingName ?? props.serviceAccount.name;
    checkName('ServiceAccount', props.serviceAccount.name);
    checkName('RoleBinding', bindingName);
    super(scope, id);
    const labels = nonEmpty(props.labels);
    const annotations = props.keepOnPrune ?? true ? { [PRUNE_ANNOTATION]: 'disabled' } : undefined;
    this.serviceAccount = new PlainApiObject(this, 'ServiceAccount', {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: props.serviceAccount.name, namespace: props.serviceAccount.namespace, labels, annotations },
      body: { automountServiceAccountToken: false },
    });
    this.roleBinding = new PlainApiObject(this, 'RoleBinding', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: bindingName, namespace: props.namespace, labels, annotations },
      body: {
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: props.clusterRole },
        subjects: [{ kind: 'ServiceAccount', name: props.serviceAccount.name, namespace: props.serviceAccount.namespace }],
      },
    });
  }
}
