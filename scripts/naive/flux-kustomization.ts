// Benchmark baseline (scripts/naive-cdk8s.ts): tenant-edge's construct as it was before the plain-data
// constructs, built on cdk8s's generated classes. Not part of the product; kept for the comparison and
// for test/naive-equivalence.test.ts.
import { Construct } from 'constructs';
import { Kustomization, KustomizationSpecSourceRefKind } from '../../imports/kustomize.toolkit.fluxcd.io';
import { MANAGED_BY } from '../../lib/model/names';

export interface FluxKustomizationProps {
  readonly name: string;
  /** Namespace of the Kustomization (the Flux namespace). */
  readonly namespace: string;
  /** Folder it applies, relative to the source root, e.g. ./dist/prod/tenants/acme. */
  readonly path: string;
  /** The Flux source that holds the folder. */
  readonly sourceRef: { readonly kind: string; readonly name: string; readonly namespace?: string };
  /** Kustomizations that must be ready first. @default none */
  readonly dependsOn?: readonly string[];
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
  /** How to tell that custom resources are ready, as CEL (see lib/constructs/flux/kustomization.ts). @default none */
  readonly healthCheckExprs?: readonly { readonly apiVersion: string; readonly kind?: string; readonly current: string; readonly failed?: string }[];
  /** Extra labels. @default none */
  readonly labels?: Record<string, string>;
}

/** A Flux Kustomization that applies one folder of dist/. */
export class FluxKustomization extends Construct {
  readonly apiObject: Kustomization;

  constructor(scope: Construct, id: string, props: FluxKustomizationProps) {
    super(scope, id);
    this.apiObject = new Kustomization(this, 'Resource', {
      metadata: { name: props.name, namespace: props.namespace, labels: { ...props.labels, ...MANAGED_BY } },
      spec: {
        interval: props.interval ?? '10m',
        retryInterval: props.retryInterval ?? '2m',
        timeout: props.timeout ?? '5m',
        path: props.path,
        prune: props.prune ?? true,
        serviceAccountName: props.serviceAccountName,
        targetNamespace: props.targetNamespace,
        wait: props.wait ?? true,
        sourceRef: {
          kind: props.sourceRef.kind as KustomizationSpecSourceRefKind,
          name: props.sourceRef.name,
          namespace: props.sourceRef.namespace,
        },
        dependsOn: props.dependsOn && props.dependsOn.length > 0 ? props.dependsOn.map((name) => ({ name })) : undefined,
        healthCheckExprs: props.healthCheckExprs && props.healthCheckExprs.length > 0 ? props.healthCheckExprs.map((h) => ({ ...h })) : undefined,
      },
    });
  }
}
