import { FlavourEmit } from './emit';
import { FlavourPolicy } from './policy';

export * from './emit';
export * from './policy';

/**
 * One ingress controller implementation, in two halves: the policy the model reads (names,
 * limits, refusals) and the emit part charts use (Helm values, annotations, route objects).
 * A flavour lives in flavours/<id>/ and is listed once in flavours/registry.ts.
 */
export interface ControllerFlavour {
  /** Value of platform.spec.ingress.controller. */
  readonly id: string;
  readonly policy: FlavourPolicy;
  readonly emit: FlavourEmit;
}
