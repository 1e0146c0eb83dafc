// Benchmark baseline (scripts/naive-cdk8s.ts): tenant-edge's construct as it was before the plain-data
// constructs, built on cdk8s's generated classes. Not part of the product; kept for the comparison and
// for test/naive-equivalence.test.ts.
import { Construct } from 'constructs';
import {
  ClusterIssuer,
  ClusterIssuerSpecAcmeSolvers,
  ClusterIssuerSpecAcmeSolversDns01AzureDnsEnvironment,
  Issuer,
  IssuerSpecAcmeSolvers,
} from '../../imports/cert-manager.io';
import { AcmeSolver } from '../../lib/model/model';
import { MANAGED_BY, names } from '../../lib/model/names';

export interface AcmeIssuerProps {
  /** Issuer name. */
  readonly name: string;
  /** Render a namespaced Issuer in this namespace. @default a cluster-scoped ClusterIssuer */
  readonly namespace?: string;
  /** ACME directory URL. */
  readonly server: string;
  /** Account contact address. */
  readonly email: string;
  /** The one challenge solver. */
  readonly solver: AcmeSolver;
  /** Secret that stores the ACME account key. @default `<name>-account-key` */
  readonly accountKeySecret?: string;
  /** Extra labels. @default none */
  readonly labels?: Record<string, string>;
}

/** A cert-manager ACME issuer: ClusterIssuer by default, Issuer when given a namespace. */
export class AcmeIssuer extends Construct {
  readonly apiObject: ClusterIssuer | Issuer;

  constructor(scope: Construct, id: string, props: AcmeIssuerProps) {
    super(scope, id);
    const solver = toSolver(props.solver);
    const acme = {
      server: props.server,
      email: props.email,
      privateKeySecretRef: { name: props.accountKeySecret ?? names.acmeAccountKey(props.name) },
    };
    const metadata = { name: props.name, namespace: props.namespace, labels: { ...props.labels, ...MANAGED_BY } };
    // The generated Issuer and ClusterIssuer types are the same shape under different (nominal) enum names.
    this.apiObject = props.namespace
      ? new Issuer(this, 'Resource', { metadata, spec: { acme: { ...acme, solvers: [solver as unknown as IssuerSpecAcmeSolvers] } } })
      : new ClusterIssuer(this, 'Resource', { metadata, spec: { acme: { ...acme, solvers: [solver] } } });
  }
}

function toSolver(solver: AcmeSolver): ClusterIssuerSpecAcmeSolvers {
  if ('http01' in solver) {
    return { http01: { ingress: { ingressClassName: solver.http01.ingressClassName } } };
  }
  const az = solver.dns01.azureDNS;
  return {
    dns01: {
      azureDns: {
        subscriptionId: az.subscriptionID,
        resourceGroupName: az.resourceGroupName,
        hostedZoneName: az.hostedZoneName,
        environment: az.environment as ClusterIssuerSpecAcmeSolversDns01AzureDnsEnvironment,
        managedIdentity: { clientId: az.managedIdentityClientID },
      },
    },
  };
}
