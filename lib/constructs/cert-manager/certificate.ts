import { Construct } from 'constructs';
import { nonEmpty, PlainApiObject } from '../api-object';
import { checkName, checkNotEmpty } from '../checks';

/** Reference to a cert-manager Issuer (in the same namespace) or ClusterIssuer. */
export interface IssuerRef {
  readonly kind: 'ClusterIssuer' | 'Issuer';
  readonly name: string;
}

export interface CertificateProps {
  /** Certificate name. */
  readonly name: string;
  readonly namespace: string;
  /** Secret the certificate and key are written to (kept stable: Ingresses read it). */
  readonly secretName: string;
  /** Names on the certificate; wildcards need a DNS-01 issuer. */
  readonly dnsNames: readonly string[];
  /** Issuer or ClusterIssuer that signs it. */
  readonly issuer: IssuerRef;
  /** Labels besides the chart's. @default none */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * A cert-manager.io/v1 Certificate. The private key is rotated on every renewal
 * (rotationPolicy Always), so a leaked key does not outlive the certificate.
 */
export class Certificate extends PlainApiObject {
  constructor(scope: Construct, id: string, props: CertificateProps) {
    checkName('Certificate', props.name);
    checkName('Secret', props.secretName);
    checkNotEmpty(`Certificate ${props.name}`, { dnsNames: props.dnsNames });
    super(scope, id, {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name: props.name, namespace: props.namespace, labels: nonEmpty(props.labels) },
      body: {
        spec: {
          secretName: props.secretName,
          dnsNames: [...props.dnsNames],
          issuerRef: { group: 'cert-manager.io', kind: props.issuer.kind, name: props.issuer.name },
          privateKey: { rotationPolicy: 'Always' },
        },
      },
    });
  }
}
