import { Construct } from 'constructs';
import { nonEmpty, PlainApiObject } from '../api-object';
import { checkName } from '../checks';

/** How an ACME issuer proves control of a name: HTTP-01 through an IngressClass, or DNS-01 in Azure DNS. */
export type AcmeSolver =
  | { readonly http01: { readonly ingressClassName: string } }
  | {
      readonly dns01: {
        readonly azureDNS: {
          readonly subscriptionID: string;
          readonly resourceGroupName: string;
          /**
           * Zone the challenge records are written to, verbatim: the zone that serves the names.
           * @default found by an SOA lookup of each name (it must be in resourceGroupName)
           */
          readonly hostedZoneName?: string;
          /** Client ID of the managed identity cert-manager authenticates as (workload identity). */
          readonly managedIdentityClientID: string;
          /** Azure cloud, e.g. AzurePublicCloud. */
          readonly environment: string;
        };
      };
    };

export interface AcmeIssuerProps {
  /** Issuer name. */
  readonly name: string;
  /** Render a namespaced Issuer in this namespace. @default a cluster-scoped ClusterIssuer */
  readonly namespace?: string;
  /** ACME directory URL. */
  readonly server: string;
  /** Account contact address. */
  readonly email: string;
  /** The challenge solver for every name, unless one of `selectedSolvers` applies. */
  readonly solver: AcmeSolver;
  /**
   * Solvers for the Certificates that carry all of their labels (cert-manager copies a
   * Certificate's labels to its Orders and picks the most specific solver). @default none
   */
  readonly selectedSolvers?: readonly { readonly matchLabels: Readonly<Record<string, string>>; readonly solver: AcmeSolver }[];
  /** Secret that stores the ACME account key. @default `<name>-account-key` */
  readonly accountKeySecret?: string;
  /** Labels besides the chart's. @default none */
  readonly labels?: Readonly<Record<string, string>>;
}

/** A cert-manager ACME issuer: ClusterIssuer by default, Issuer when given a namespace. */
export class AcmeIssuer extends PlainApiObject {
  constructor(scope: Construct, id: string, props: AcmeIssuerProps) {
    checkName(props.namespace ? 'Issuer' : 'ClusterIssuer', props.name);
    super(scope, id, {
      apiVersion: 'cert-manager.io/v1',
      kind: props.namespace ? 'Issuer' : 'ClusterIssuer',
      metadata: { name: props.name, namespace: props.namespace, labels: nonEmpty(props.labels) },
      body: {
        spec: {
          acme: {
            server: props.server,
            email: props.email,
            privateKeySecretRef: { name: props.accountKeySecret ?? `${props.name}-account-key` },
            solvers: [toSolver(props.solver), ...(props.selectedSolvers ?? []).map((s) => ({ selector: { matchLabels: { ...s.matchLabels } }, ...toSolver(s.solver) }))],
          },
        },
      },
    });
  }
}

function toSolver(solver: AcmeSolver): Record<string, unknown> {
  if ('http01' in solver) return { http01: { ingress: { ingressClassName: solver.http01.ingressClassName } } };
  const az = solver.dns01.azureDNS;
  return {
    dns01: {
      azureDNS: {
        subscriptionID: az.subscriptionID,
        resourceGroupName: az.resourceGroupName,
        hostedZoneName: az.hostedZoneName,
        environment: az.environment,
        managedIdentity: { clientID: az.managedIdentityClientID },
      },
    },
  };
}
