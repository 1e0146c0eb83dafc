import { RenderedObjectCheck } from '../output/manifest-schemas';
import { renderAll, SynthSummary } from './plan';
import { Io } from './io';

/** Renders in memory and checks every object against its Kubernetes or CRD schema. */
export function validateCommand(opts: { platformFile: string; tenantsDir: string; env?: string }, io: Io): SynthSummary {
  const check = new RenderedObjectCheck();
  const summary = renderAll(opts, () => undefined, check.add);
  check.throwIfInvalid((line) => io.err(line));
  return summary;
}
