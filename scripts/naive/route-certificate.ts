// Benchmark baseline (scripts/naive-cdk8s.ts): tenant-edge's construct as it was before the plain-data
// constructs, built on cdk8s's generated classes. Not part of the product; kept for the comparison and
// for test/naive-equivalence.test.ts.
import { Construct } from 'constructs';
import { Certificate, CertificateSpecIssuerRef, CertificateSpecPrivateKeyRotationPolicy } from '../../imports/cert-manager.io';
import { IssuerRef } from '../../lib/model/model';
import { MANAGED_BY } from '../../lib/model/names';

export interface RouteCertificateProps {
  /** Certificate name. */
  readonly name: string;
  readonly namespace: string;
  /** Secret the certificate and key are written to (kept stable: the Ingress reads it). */
  readonly secretName: string;
  /** Names on the certificate; wildcards allowed with a DNS-01 issuer. */
  readonly dnsNames: readonly string[];
  /** Issuer or ClusterIssuer that signs it. */
  readonly issuer: IssuerRef;
  /** Extra labels. @default none */
  readonly labels?: Record<string, string>;
}

/** A cert-manager Certificate for a route's hosts. */
export class RouteCertificate extends Construct {
  readonly apiObject: Certificate;

  constructor(scope: Construct, id: string, props: RouteCertificateProps) {
    super(scope, id);
    const issuerRef: CertificateSpecIssuerRef = { group: 'cert-manager.io', kind: props.issuer.kind, name: props.issuer.name };
    this.apiObject = new Certificate(this, 'Resource', {
      metadata: { name: props.name, namespace: props.namespace, labels: { ...props.labels, ...MANAGED_BY } },
      spec: {
        secretName: props.secretName,
        dnsNames: [...props.dnsNames],
        issuerRef,
        privateKey: { rotationPolicy: CertificateSpecPrivateKeyRotationPolicy.ALWAYS },
      },
    });
  }
}
