/**
 * The health checks of the Kustomizations that apply objects kstatus cannot judge: Azure Service
 * Operator objects (the tenant zones, the delegations, the parent zone) and cert-manager's
 * Certificates, Issuers and ClusterIssuers (each tenant's namespace Kustomization, the platform),
 * and the readyExpr of the dependencies that wait for them, judged by kustomize-controller's own
 * code rather than by our reading of it: flux-health (tools/go/flux-health) runs the rendered
 * spec.healthCheckExprs through github.com/fluxcd/pkg/runtime v0.110.1 cel.NewStatusReader, and
 * kstatus (github.com/fluxcd/cli-utils v1.2.2 status.Compute) for comparison, the versions
 * kustomize-controller v1.9.4 pins.
 *
 * Upstream facts pinned here:
 *  - runtime/cel/status_evaluator.go: an object whose status.observedGeneration differs from its
 *    generation is InProgress before any expression runs; then InProgress, Failed, Current in that
 *    order; none true is InProgress. An expression that cannot be evaluated (no status yet) gives
 *    Unknown with the error, which ssa/manager_wait.go (ssa v0.76.1) does not treat as terminal:
 *    the controller keeps polling until its timeout. A Failed object ends the wait at once
 *    (FailFast, on unless the DisableFailFastBehavior gate is set).
 *  - kustomization_controller.go (v1.9.4) checkHealth: with wait: true every applied object is
 *    checked, by the expression of its kind when there is one, else by kstatus.
 *  - Azure Service Operator v2 writes its conditions (Ready, with severity Error when it gives up,
 *    Warning or Info while it retries) with the generation they describe, and no top-level
 *    status.observedGeneration; kstatus alone therefore calls a new object Current at once and an
 *    edited one Current while Azure still holds the old state, and never calls one Failed.
 *  - cert-manager v1.21.1 does the same on Certificates (Ready, Issuing) and issuers (Ready): see
 *    lib/constructs/cert-manager/health-checks.ts for which states it writes.
 */
import * as path from 'path';
import { renderTree, ROOT } from './support/tree';
import { runOk, toolPath } from './support/tools';

type Doc = Record<string, any>;

interface Verdict {
  readonly kind: string;
  readonly name: string;
  readonly cel: string;
  readonly celMessage?: string;
  readonly kstatus: string;
}

const GENERATION = 2;
const T = '2026-01-01T00:00:00Z';

function ready(status: 'True' | 'False', severity: string, reason: string, observedGeneration = GENERATION): Doc {
  return {
    conditions: [{ type: 'Ready', status, severity, reason, message: reason, observedGeneration, lastTransitionTime: T }],
  };
}

/** Operator states of an object, and the verdicts kustomize-controller must reach: [cel, kstatus alone]. */
const STATES: ReadonlyArray<[string, Doc | undefined, string, string]> = [
  ['created, not yet seen by the operator (no status)', undefined, 'Unknown', 'Current'],
  ['being created in Azure (Ready False, Info)', ready('False', 'Info', 'Reconciling'), 'InProgress', 'InProgress'],
  ['retrying (Ready False, Warning)', ready('False', 'Warning', 'AzureResourceNotFound'), 'InProgress', 'InProgress'],
  ['refused by Azure (Ready False, Error)', ready('False', 'Error', 'BadRequest'), 'Failed', 'InProgress'],
  ['refused, but for the previous generation', ready('False', 'Error', 'BadRequest', GENERATION - 1), 'InProgress', 'InProgress'],
  ['in Azure as the previous generation asked (Ready True, older generation)', ready('True', '', 'Succeeded', GENERATION - 1), 'InProgress', 'Current'],
  ['in Azure as asked (Ready True, this generation)', ready('True', '', 'Succeeded'), 'Current', 'Current'],
];

/** A cert-manager condition as cert-manager v1.21.1 writes it (apiutil.SetCertificateCondition, SetIssuerCondition). */
function cm(type: string, status: string, reason: string, observedGeneration = GENERATION): Doc {
  return { type, status, reason, message: reason, observedGeneration, lastTransitionTime: T };
}

/**
 * Certificate states (pkg/controller/certificates/{readiness,trigger,issuing}, cert-manager v1.21.1),
 * and the verdicts: [cel, kstatus alone].
 */
const CERTIFICATE_STATES: ReadonlyArray<[string, Doc | undefined, string, string]> = [
  ['created, not yet seen by cert-manager (no status)', undefined, 'Unknown', 'Current'],
  ['first issuance under way (Issuing True, Ready False)', { conditions: [cm('Ready', 'False', 'DoesNotExist'), cm('Issuing', 'True', 'DoesNotExist')] }, 'InProgress', 'InProgress'],
  ['changed, not yet judged again (Ready True for the previous generation)', { conditions: [cm('Ready', 'True', 'Ready', GENERATION - 1)] }, 'InProgress', 'Current'],
  ['changed, re-issuing (Ready False, Issuing True)', { conditions: [cm('Ready', 'False', 'SecretMismatch'), cm('Issuing', 'True', 'SecretMismatch')] }, 'InProgress', 'InProgress'],
  ['issued (Ready True, this generation)', { conditions: [cm('Ready', 'True', 'Ready')] }, 'Current', 'Current'],
  ['issued, with the server-side-apply gate (Issuing False, Issued)', { conditions: [cm('Ready', 'True', 'Ready'), cm('Issuing', 'False', 'Issued')] }, 'Current', 'Current'],
  ['issued, Ready not yet written (Issuing False, Issued; Ready False)', { conditions: [cm('Ready', 'False', 'DoesNotExist'), cm('Issuing', 'False', 'Issued')] }, 'InProgress', 'InProgress'],
  ['renewing (Ready True, Issuing True): does not flap', { conditions: [cm('Ready', 'True', 'Ready'), cm('Issuing', 'True', 'Renewing')] }, 'Current', 'Current'],
  ['renewal failed, the certificate still valid', { lastFailureTime: T, failedIssuanceAttempts: 1, conditions: [cm('Ready', 'True', 'Ready'), cm('Issuing', 'False', 'Failed')] }, 'Current', 'Current'],
  ['issuance failed, backing off (Issuing False, lastFailureTime)', { lastFailureTime: T, failedIssuanceAttempts: 1, conditions: [cm('Ready', 'False', 'DoesNotExist'), cm('Issuing', 'False', 'Failed')] }, 'Failed', 'InProgress'],
  ['expired, renewal failed', { lastFailureTime: T, failedIssuanceAttempts: 3, conditions: [cm('Ready', 'False', 'Expired'), cm('Issuing', 'False', 'Failed')] }, 'Failed', 'InProgress'],
  ['issuance failed, retrying after the back-off (Issuing True)', { lastFailureTime: T, failedIssuanceAttempts: 1, conditions: [cm('Ready', 'False', 'DoesNotExist'), cm('Issuing', 'True', 'DoesNotExist')] }, 'InProgress', 'InProgress'],
  ['issuance failed for the previous generation', { lastFailureTime: T, failedIssuanceAttempts: 1, conditions: [cm('Ready', 'False', 'DoesNotExist', GENERATION - 1), cm('Issuing', 'False', 'Failed', GENERATION - 1)] }, 'InProgress', 'InProgress'],
];

/** Issuer and ClusterIssuer states (pkg/issuer/acme/setup.go, cert-manager v1.21.1): [cel, kstatus alone]. */
const ISSUER_STATES: ReadonlyArray<[string, Doc | undefined, string, string]> = [
  ['created, not yet seen by cert-manager (no status)', undefined, 'Unknown', 'Current'],
  ['account registered for the previous generation', { conditions: [cm('Ready', 'True', 'ACMEAccountRegistered', GENERATION - 1)] }, 'InProgress', 'Current'],
  ['registration failed (Ready False, this generation)', { conditions: [cm('Ready', 'False', 'ErrRegisterACMEAccount')] }, 'Failed', 'InProgress'],
  ['registration failed for the previous generation', { conditions: [cm('Ready', 'False', 'ErrRegisterACMEAccount', GENERATION - 1)] }, 'InProgress', 'InProgress'],
  ['account registered (Ready True, this generation)', { conditions: [cm('Ready', 'True', 'ACMEAccountRegistered')] }, 'Current', 'Current'],
];

const { objects } = renderTree(path.join(ROOT, 'platform.yaml'), path.join(ROOT, 'tenants'));
const kustomizations = objects.map((o) => o.object as Doc).filter((o) => o.kind === 'Kustomization');

/** The objects a Kustomization applies: those rendered into the folder its spec.path names. */
function applied(kustomization: Doc): Doc[] {
  const folder = String(kustomization.spec.path).replace(/^\.\/dist\//, '');
  return objects.filter((o) => path.posix.dirname(o.file) === folder).map((o) => o.object as Doc);
}

function judge(kustomization: Doc, docs: Doc[]): Verdict[] {
  const input = JSON.stringify({ healthCheckExprs: kustomization.spec.healthCheckExprs ?? [], objects: docs });
  return runOk(toolPath('flux-health'), [], { input })
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Verdict);
}

/** Kinds whose readiness kstatus cannot judge, by the states they are judged in. */
const AZURE = (d: Doc): boolean => String(d.apiVersion).startsWith('network.azure.com/');
const CERTIFICATE = (d: Doc): boolean => d.apiVersion === 'cert-manager.io/v1' && d.kind === 'Certificate';
const ISSUER = (d: Doc): boolean => d.apiVersion === 'cert-manager.io/v1' && (d.kind === 'Issuer' || d.kind === 'ClusterIssuer');
const UNJUDGED = (d: Doc): boolean => AZURE(d) || CERTIFICATE(d) || ISSUER(d);

/** Each Kustomization that applies objects of a kind, with those objects. */
function applying(kind: (d: Doc) => boolean): [string, Doc, Doc[]][] {
  return kustomizations
    .map((k): [string, Doc, Doc[]] => [`${k.metadata.namespace}/${k.metadata.name} (${k.spec.path})`, k, applied(k).filter(kind)])
    .filter(([, , docs]) => docs.length > 0);
}

test('the example has Kustomizations with health checks: the parent zone, each zone tenant\'s zone and delegation, the platform (ClusterIssuers) and each tenant\'s namespace', () => {
  expect([...new Set(kustomizations.filter((k) => k.spec.healthCheckExprs !== undefined).map((k) => k.metadata.name as string))].sort()).toEqual([
    'edge-delegation-acme', 'edge-delegation-beta', 'edge-delegation-orbit',
    'edge-namespace-acme', 'edge-namespace-beta', 'edge-namespace-orbit',
    'edge-parent-zone', 'edge-platform',
    'edge-zone-acme', 'edge-zone-beta', 'edge-zone-orbit',
  ]);
});

test('every object of a kind kstatus cannot judge is covered by an expression of the Kustomization that applies it', () => {
  let seen = 0;
  for (const k of kustomizations) {
    const docs = applied(k);
    const verdicts = judge(k, docs.map((d) => ({ ...d, metadata: { ...d.metadata, generation: GENERATION } })));
    expect(verdicts).toHaveLength(docs.length);
    for (const [i, v] of verdicts.entries()) {
      if (!UNJUDGED(docs[i])) continue;
      seen++;
      expect([k.metadata.name, v.kind, v.name, v.cel]).not.toEqual([k.metadata.name, v.kind, v.name, '']);
    }
  }
  // ASO objects in prod, and in both environments ClusterIssuers, Issuers (orbit) and Certificates.
  expect(seen).toBeGreaterThan(20);
});

describe.each([
  ['Azure Service Operator objects', AZURE, STATES],
  ['Certificates', CERTIFICATE, CERTIFICATE_STATES],
  ['Issuers and ClusterIssuers', ISSUER, ISSUER_STATES],
] as const)('%s', (_what, kind, states) => {
  const cases = applying(kind);

  test('are applied by some Kustomization of the example', () => {
    expect(cases.length).toBeGreaterThan(0);
  });

  describe.each(cases)('applied by %s', (_name, kustomization, docs) => {
    test.each(states)('an object %s', (_state, status, cel, kstatus) => {
      const sample = docs.map((d) => ({ ...d, metadata: { ...d.metadata, generation: GENERATION }, ...(status ? { status } : {}) }));
      const verdicts = judge(kustomization, sample);
      expect(verdicts.map((v) => [v.kind, v.name, v.cel, v.kstatus])).toEqual(docs.map((d) => [d.kind, d.metadata.name, cel, kstatus]));
      if (cel === 'Unknown') {
        // Not terminal: the controller waits for the first status rather than failing.
        for (const v of verdicts) expect(v.celMessage).toMatch(/no such attribute\(s\): status/);
      }
    });
  });
});

/**
 * A dependsOn entry with readyExpr replaces kustomize-controller's built-in check of the dependency
 * (Ready for its current generation and, from the same source, at the newest revision: checked on
 * every reconcile, kustomization_controller.go checkDependencies). tenant-edge uses it where the
 * order matters only the first time: the certificates of a tenant zone after its delegation, and a
 * delegation after the parent zone tenant-edge manages. flux-health judges the expression as the
 * controller's evalReadyExpr builds it.
 */
describe('dependencies that hold their dependents back only until they have applied once', () => {
  const REV = 'main@sha1:1111111111111111111111111111111111111111';
  const NEXT = 'main@sha1:2222222222222222222222222222222222222222';
  const condition = (status: string, reason: string) => ({ type: 'Ready', status, reason, message: reason, observedGeneration: 1, lastTransitionTime: T });
  // The dependency as the controller reads it, and whether the dependent may go on.
  const DEP_STATES: ReadonlyArray<[string, Doc, boolean]> = [
    ['new, not reconciled yet', {}, false],
    ['failing its first health checks (the zone not yet Ready in Azure)', { lastAttemptedRevision: REV, conditions: [condition('False', 'HealthCheckFailed')] }, false],
    ['applied and Ready', { lastAttemptedRevision: REV, lastAppliedRevision: REV, conditions: [condition('True', 'ReconciliationSucceeded')] }, true],
    ['applied once, now failing at a newer revision (an Azure outage, a record Azure refuses)', { lastAttemptedRevision: NEXT, lastAppliedRevision: REV, conditions: [condition('False', 'HealthCheckFailed')] }, true],
    ['applied once, now reconciling a newer revision', { lastAttemptedRevision: NEXT, lastAppliedRevision: REV, conditions: [condition('Unknown', 'Progressing')] }, true],
  ];
  const entries = objects.flatMap((o) => {
    const self = o.object as Doc;
    return ((self.spec?.dependsOn ?? []) as Doc[]).filter((d) => d.readyExpr !== undefined).map((d) => ({ self, dep: d }));
  });

  test('in the example: each zone tenant\'s namespace Kustomization, on its delegation', () => {
    expect(entries.map((e) => [e.self.metadata.name, e.dep.name, e.dep.namespace])).toEqual([
      ['edge-namespace-acme', 'edge-delegation-acme', 'edge-dns'],
      ['edge-namespace-beta', 'edge-delegation-beta', 'edge-dns'],
      ['edge-namespace-orbit', 'edge-delegation-orbit', 'edge-dns'],
    ]);
  });

  test.each(DEP_STATES)('a dependency %s', (_state, status, ready) => {
    for (const { self, dep } of entries) {
      const dependency = { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name: dep.name, namespace: dep.namespace, generation: 1 }, spec: {}, status };
      const input = JSON.stringify({ readyExpr: dep.readyExpr, self, dep: dependency });
      expect([self.metadata.name, JSON.parse(runOk(toolPath('flux-health'), ['ready'], { input }))]).toEqual([self.metadata.name, { ready }]);
    }
  });
});
