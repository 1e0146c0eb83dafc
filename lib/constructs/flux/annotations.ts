/** kustomize-controller's annotation that keeps an object when it leaves its Kustomization (value "disabled"). */
export const PRUNE_ANNOTATION = 'kustomize.toolkit.fluxcd.io/prune';

/** Flux's multi-tenancy label: the tenant an object belongs to. */
export const TENANT_LABEL = 'toolkit.fluxcd.io/tenant';
