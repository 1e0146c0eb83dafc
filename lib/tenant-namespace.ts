import { Construct } from 'constructs';
import { KubeNamespace } from 'cdk8s-plus-28/lib/imports/k8s';
import { MANAGED_BY, PRUNE_ANNOTATION, TENANT_LABEL } from './model/names';

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
  /** Extra labels. @default none */
  readonly labels?: Record<string, string>;
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
        labels: { ...props.labels, ...MANAGED_BY, [TENANT_LABEL]: props.tenant },
        annotations: keep ? { [PRUNE_ANNOTATION]: 'disabled' } : undefined,
      },
    });
  }
}
