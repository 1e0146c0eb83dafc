import { Construct } from 'constructs';
import { nonEmpty, PlainApiObject } from '../api-object';
import { checkName } from '../checks';

export interface FluxKustomizationProps {
  readonly name: string;
  /** Namespace of the Kustomization (the Flux namespace). */
  readonly namespace: string;
  /** Folder it applies, relative to the source root, e.g. ./dist/prod/tenants/acme. */
  readonly path: string;
  /** The Flux source that holds the folder. */
  readonly sourceRef: { readonly kind: string; readonly name: string; readonly namespace?: string };
  /**
   * Kustomizations that must be ready first: by name in this namespace, or with their namespace
   * (optional) and a `readyExpr`, a CEL expression over `self` and `dep` that replaces the
   * built-in check (Ready for the dependency's current generation and, with the same source, at
   * this revision) (kustomize-controller v1.7 and later). @default none
   */
  readonly dependsOn?: readonly (string | { readonly name: string; readonly namespace?: string; readonly readyExpr?: string })[];
  /**
   * Apply to another cluster, with the kubeconfig in this key of a Secret in the Kustomization's
   * namespace (kustomize-controller reads it from there, and nowhere else). Health checks and
   * pruning then happen in that cluster too. @default the cluster kustomize-controller runs in
   */
  readonly kubeConfig?: { readonly secretName: string; readonly key: string };
  /** @default 10m */
  readonly interval?: string;
  /** @default 2m */
  readonly retryInterval?: string;
  /** How long to wait for applied objects to become ready. @default 5m */
  readonly timeout?: string;
  /** Delete objects that leave the folder. @default true */
  readonly prune?: boolean;
  /** Wait for every applied object to become ready. @default true */
  readonly wait?: boolean;
  /**
   * Service account (in the Kustomization's namespace) that kustomize-controller impersonates to
   * apply the folder. @default kustomize-controller's own identity, or the one its
   * `--default-service-account` flag names
   */
  readonly serviceAccountName?: string;
  /** Namespace every namespaced object of the folder is put in. @default as written */
  readonly targetNamespace?: string;
  /**
   * Substitute `${var}` in the built objects from these ConfigMaps (in the Kustomization's
   * namespace; a missing one fails the build, which is retried). kustomize-controller v1.9
   * refuses a variable that has no value. @default no substitution
   */
  readonly substituteFrom?: readonly string[];
  /**
   * How to tell that custom resources of an API group (or one kind) are ready, as CEL over the
   * object's fields (status, metadata), for objects whose readiness kstatus cannot judge.
   * @default none
   */
  readonly healthCheckExprs?: readonly { readonly apiVersion: string; readonly kind?: string; readonly current: string; readonly failed?: string; readonly inProgress?: string }[];
  /** Labels besides the chart's. @default none */
  readonly labels?: Readonly<Record<string, string>>;
}

/** A Flux Kustomization that applies one folder of dist/. */
export class FluxKustomization extends PlainApiObject {
  constructor(scope: Construct, id: string, props: FluxKustomizationProps) {
    checkName('Kustomization', props.name);
    if (props.kubeConfig) checkName('Secret', props.kubeConfig.secretName);
    for (const cm of props.substituteFrom ?? []) checkName('ConfigMap', cm);
    super(scope, id, {
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: { name: props.name, namespace: props.namespace, labels: nonEmpty(props.labels) },
      body: {
        spec: {
          interval: props.interval ?? '10m',
          retryInterval: props.retryInterval ?? '2m',
          timeout: props.timeout ?? '5m',
          path: props.path,
          prune: props.prune ?? true,
          serviceAccountName: props.serviceAccountName,
          targetNamespace: props.targetNamespace,
          wait: props.wait ?? true,
          sourceRef: { kind: props.sourceRef.kind, name: props.sourceRef.name, namespace: props.sourceRef.namespace },
          dependsOn: props.dependsOn && props.dependsOn.length > 0 ? props.dependsOn.map((d) => (typeof d === 'string' ? { name: d } : { name: d.name, namespace: d.namespace, readyExpr: d.readyExpr })) : undefined,
          kubeConfig: props.kubeConfig ? { secretRef: { name: props.kubeConfig.secretName, key: props.kubeConfig.key } } : undefined,
          postBuild: props.substituteFrom && props.substituteFrom.length > 0 ? { substituteFrom: props.substituteFrom.map((name) => ({ kind: 'ConfigMap', name })) } : undefined,
          healthCheckExprs: props.healthCheckExprs && props.healthCheckExprs.length > 0 ? props.healthCheckExprs.map((h) => ({ ...h })) : undefined,
        },
      },
    });
  }
}
