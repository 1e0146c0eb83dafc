import { Construct } from 'constructs';
import { PlainApiObject } from '../api-object';

/** A CEL string literal. */
export function cel(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/**
 * Whether the request comes from one of these users, as the API server names them: a service
 * account as system:serviceaccount:<namespace>:<name>, also when a controller impersonates it.
 * A request's author cannot choose this, unlike anything in the object it sends.
 */
export function requestBy(users: readonly string[]): string {
  return `request.userInfo.username in [${users.map(cel).join(', ')}]`;
}

/** What a ValidatingAdmissionPolicy judges and how, and where its binding applies it. */
export interface PolicySpec {
  readonly name: string;
  readonly resourceRules: readonly Record<string, unknown>[];
  readonly variables: readonly { readonly name: string; readonly expression: string }[];
  readonly validations: readonly { readonly expression: string; readonly message: string }[];
  readonly matchResources: Record<string, unknown>;
}

/**
 * A ValidatingAdmissionPolicy (admissionregistration.k8s.io/v1) that fails closed and refuses
 * with reason Forbidden, and its binding of the same name, which denies.
 */
export function denyingPolicy(scope: Construct, spec: PolicySpec): void {
  new PlainApiObject(scope, 'Policy', {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicy',
    metadata: { name: spec.name },
    body: {
      spec: {
        failurePolicy: 'Fail',
        matchConstraints: { resourceRules: spec.resourceRules.map((r) => ({ ...r })) },
        variables: spec.variables.map((v) => ({ ...v })),
        validations: spec.validations.map((v) => ({ ...v, reason: 'Forbidden' })),
      },
    },
  });
  new PlainApiObject(scope, 'Binding', {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicyBinding',
    metadata: { name: spec.name },
    body: { spec: { policyName: spec.name, validationActions: ['Deny'], matchResources: spec.matchResources } },
  });
}
