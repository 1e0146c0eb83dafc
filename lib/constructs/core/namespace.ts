import { Construct } from 'constructs';
import { PlainApiObject } from '../api-object';
import { PRUNE_ANNOTATION, TENANT_LABEL } from '../flux/annotations';

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
  /**
   * Pod Security Standard enforced in the namespace (pod-security.kubernetes.io/enforce); the
   * restricted standard is always warned and audited, so its violations show before anyone
   * tightens enforcement. The ingress-nginx controller pods satisfy restricted.
   * @default baseline
   */
  readonly podSecurity?: PodSecurityLevel;
  /** Labels besides the chart's. @default none */
  readonly labels?: Readonly<Record<string, string>>;
}

/** A Pod Security Standard. */
export type PodSecurityLevel = 'privileged' | 'baseline' | 'restricted';

/** The Pod Security admission labels for a namespace that enforces `level` and warns and audits restricted. */
export function podSecurityLabels(level: PodSecurityLevel): Record<string, string> {
  return {
    'pod-security.kubernetes.io/enforce': level,
    'pod-security.kubernetes.io/warn': 'restricted',
    'pod-security.kubernetes.io/audit': 'restricted',
  };
}

/** A namespace that enforces a Pod Security Standard. */
export interface NamespaceProps {
  readonly name: string;
  /** Pod Security Standard enforced; restricted is always warned and audited. @default baseline */
  readonly podSecurity?: PodSecurityLevel;
  /** Keep the namespace (and every workload in it) when Flux prunes it. @default false */
  readonly keepOnPrune?: boolean;
  /** Labels besides the chart's and the Pod Security ones. @default none */
  readonly labels?: Readonly<Record<string, string>>;
}

/** A namespace with Pod Security admission labels. */
export class Namespace extends PlainApiObject {
  constructor(scope: Construct, id: string, props: NamespaceProps) {
    if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(props.name)) {
      throw new Error(`Namespace name ${JSON.stringify(props.name)} is not a DNS label (lower-case letters, digits and '-', at most 63 characters)`);
    }
    super(scope, id, {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: props.name,
        labels: { ...podSecurityLabels(props.podSecurity ?? 'baseline'), ...props.labels },
        annotations: props.keepOnPrune ? { [PRUNE_ANNOTATION]: 'disabled' } : undefined,
      },
      body: {},
    });
  }
}

/** A tenant's namespace, labelled for Flux multi-tenancy, and kept when the tenant leaves. */
export class TenantNamespace extends Namespace {
  constructor(scope: Construct, id: string, props: TenantNamespaceProps) {
    super(scope, id, {
      name: props.name,
      podSecurity: props.podSecurity,
      keepOnPrune: props.keepOnPrune ?? true,
      labels: { ...props.labels, [TENANT_LABEL]: props.tenant },
    });
  }
}
