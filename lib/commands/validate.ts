import { validateManifest } from '../output/manifest-schemas';
import { renderAll, SynthSummary } from './plan';
import { Io } from './io';

/** Renders in memory and checks every object against its Kubernetes or CRD schema. */
export function validateCommand(opts: { platformFile: string; tenantsDir: string; env?: string }, io: Io): SynthSummary {
  const invalid: string[] = [];
  const summary = renderAll(
    opts,
    () => undefined,
    ({ file, object }) => {
      for (const p of validateManifest(object)) invalid.push(`${file}: ${p}`);
    },
  );
  if (invalid.length > 0) {
    for (const line of invalid) io.err(line);
    throw new Error(`${invalid.length} rendered object${invalid.length === 1 ? '' : 's'} failed schema validation`);
  }
  return summary;
}
