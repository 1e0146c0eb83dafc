/**
 * What Azure Service Operator v2 reads on every object, shared by the DNS constructs: the owner
 * reference, the reconcile policy and the credential annotations.
 */

/** API version of every Azure DNS kind the operator serves (network.azure.com). */
export const AZURE_DNS_API_VERSION = 'network.azure.com/v1api20180501';

/**
 * What the operator does with the Azure resource when the object is deleted (annotation
 * serviceoperator.azure.com/reconcile-policy): manage deletes it, detach-on-delete keeps it,
 * skip only reads it and never writes.
 */
export type ReconcilePolicy = 'manage' | 'detach-on-delete' | 'skip';

/** The owner of a zone (a resource group) or of a record set (a zone): a Kubernetes object by name, or an Azure resource by ARM ID. */
export type AzureOwner = { readonly name: string } | { readonly armId: string };

export interface AzureObjectProps {
  /** @default manage (the operator's default) */
  readonly reconcilePolicy?: ReconcilePolicy;
  /** Secret (same namespace) with the credential to use. @default the namespace's aso-credential, or the operator's global one */
  readonly credentialFrom?: string;
}

/** The operator's annotations for `props`, or undefined when none applies. */
export function azureAnnotations(props: AzureObjectProps): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  if (props.reconcilePolicy !== undefined && props.reconcilePolicy !== 'manage') out['serviceoperator.azure.com/reconcile-policy'] = props.reconcilePolicy;
  if (props.credentialFrom !== undefined) out['serviceoperator.azure.com/credential-from'] = props.credentialFrom;
  return Object.keys(out).length > 0 ? out : undefined;
}

const ARM_ID = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+(\/providers\/[^/]+\/[^/]+\/[^/]+)*$/i;

/** The owner as the operator's spec.owner, refusing a malformed ARM ID. */
export function ownerSpec(what: string, owner: AzureOwner): Record<string, string> {
  if ('armId' in owner) {
    if (!ARM_ID.test(owner.armId)) throw new Error(`${what}: owner armId ${JSON.stringify(owner.armId)} is not an ARM ID (/subscriptions/<id>/resourceGroups/<group>/...)`);
    return { armId: owner.armId };
  }
  return { name: owner.name };
}
