/**
 * When cert-manager's objects are ready, for the `healthCheckExprs` of the Flux Kustomizations
 * that apply them. kstatus alone cannot tell: cert-manager writes no top-level
 * status.observedGeneration, only one per condition, so kstatus calls a Certificate or an issuer
 * Current before cert-manager has looked at it (no conditions yet) and while its Ready condition
 * still describes the previous generation.
 *
 * What cert-manager v1.21.1 writes (every condition with the generation it describes):
 *  - Certificate, Ready (pkg/controller/certificates/readiness/readiness_controller.go): True when
 *    the Secret holds a certificate that is valid, matches the key and the spec; it stays True
 *    while a renewal runs (Issuing=True), so a renewing Certificate stays Current.
 *  - Certificate, Issuing (pkg/controller/certificates/issuing/issuing_controller.go,
 *    failIssueCertificate): False, with status.lastFailureTime set, when the CertificateRequest
 *    failed, was denied or was invalid. cert-manager then waits an hour, doubling up to 32 hours,
 *    before it tries again (trigger_controller.go, shouldBackoffReissuingOnFailure): Failed, so
 *    that the Kustomization reports the failure at once instead of holding a controller worker
 *    until its timeout. A failed renewal of a certificate that is still Ready is not Failed: the
 *    certificate still serves, and the renewal alert covers it.
 *  - Issuer and ClusterIssuer, Ready (pkg/issuer/acme/setup.go): True once the ACME account is
 *    registered or verified; False only with an error (registration, verification, configuration),
 *    which cert-manager retries with a back-off: Failed.
 *
 * flux-health judges these expressions with kustomize-controller's evaluator (test/health-checks.test.ts).
 */
const READY_NOW = "status.conditions.exists(c, c.type == 'Ready' && c.status == 'True' && c.observedGeneration == metadata.generation)";

export interface HealthCheckExpr {
  readonly apiVersion: string;
  readonly kind: string;
  readonly current: string;
  readonly failed: string;
}

export const CERTIFICATE_HEALTH_CHECK: HealthCheckExpr = {
  apiVersion: 'cert-manager.io/v1',
  kind: 'Certificate',
  current: READY_NOW,
  failed: `has(status.lastFailureTime) && status.conditions.exists(c, c.type == 'Issuing' && c.status == 'False' && c.observedGeneration == metadata.generation) && !${READY_NOW}`,
};

function issuerHealthCheck(kind: 'Issuer' | 'ClusterIssuer'): HealthCheckExpr {
  return {
    apiVersion: 'cert-manager.io/v1',
    kind,
    current: READY_NOW,
    failed: "status.conditions.exists(c, c.type == 'Ready' && c.status == 'False' && c.observedGeneration == metadata.generation)",
  };
}

export const ISSUER_HEALTH_CHECK = issuerHealthCheck('Issuer');
export const CLUSTER_ISSUER_HEALTH_CHECK = issuerHealthCheck('ClusterIssuer');
