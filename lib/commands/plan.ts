import { environmentUnits, RenderUnit } from '../charts/units';
import { flavourFor } from '../flavours/registry';
import { loadInput } from '../input/load';
import { InputError, Problem } from '../input/problems';
import { EnvironmentModel } from '../model/model';
import { TenantClaims } from '../model/rules/tenant';
import { checkTenantsAlone, resolve } from '../model/resolve';
import { OutputFile, RenderedObject, renderEnvironment, RenderSink, UnitResult } from '../output/render';

/** The pipeline every command shares: load and check the input, build the model, render the units. */

export interface SynthOptions {
  /** platform.yaml. */
  readonly platformFile: string;
  /** Folder of tenant specs. */
  readonly tenantsDir: string;
  /** Render only this environment; the other folders of the output are kept. @default all */
  readonly env?: string;
}

export interface SynthSummary {
  readonly environments: string[];
  readonly tenants: number;
  readonly objects: number;
  readonly files: number;
  readonly notices: string[];
}

/** Raised for a wrong invocation (not wrong input): the CLI exits with 2. */
export class UsageError extends Error {}

/**
 * Loads and checks the input, returning the environment models to render. Throws InputError
 * with every problem when anything is wrong.
 */
export function plan(opts: SynthOptions): Plan {
  const loaded = loadInput({ platformFile: opts.platformFile, tenantsDir: opts.tenantsDir });
  const problems: Problem[] = [...loaded.problems];
  if (!loaded.platform) throw new InputError([...problems, ...checkTenantsAlone(loaded.tenants, policyOf)]);
  const resolution = resolve(loaded.platform, loaded.tenants, policyOf);
  problems.push(...resolution.problems);
  if (problems.length > 0) throw new InputError(problems);

  let environments = resolution.environments;
  if (opts.env !== undefined) {
    environments = environments.filter((e) => e.name === opts.env);
    if (environments.length === 0) {
      const known = resolution.environments.map((e) => e.name).join(', ');
      throw new UsageError(`unknown environment "${opts.env}"; ${loaded.platform.file} defines: ${known}`);
    }
  }
  const platform = loaded.platform;
  return {
    environments,
    tenants: loaded.tenants.length,
    notices: resolution.notices,
    inputs: {
      platformDigest: platform.digest,
      digests: new Map([[platform.name, platform.digest], ...loaded.tenants.map((t): [string, string] => [t.name, t.digest])]),
      tenants: loaded.tenants.map((t, i) => ({ name: t.name, digest: t.digest, claims: resolution.claims[i] })),
    },
  };
}

/** What plan() found: the models to render, and the input they come from (for the synth cache). */
export interface Plan {
  readonly environments: EnvironmentModel[];
  readonly tenants: number;
  readonly notices: string[];
  readonly inputs: PlanInputs;
}

export interface PlanInputs {
  readonly platformDigest: string;
  /** SHA-256 of each spec file's text, by its name in the model (platformFile, TenantModel.file). */
  readonly digests: ReadonlyMap<string, string>;
  /** Every tenant's file name, digest and claims. */
  readonly tenants: readonly { readonly name: string; readonly digest: string; readonly claims: TenantClaims }[];
}

/** Renders every planned environment into `sink`; returns the counts (files handed to the sink, the entry points included). */
export function renderPlan(
  environments: readonly EnvironmentModel[],
  sink: RenderSink,
  onUnit?: (env: string, unit: RenderUnit, result: UnitResult) => void,
): { objects: number; files: number } {
  let objects = 0;
  let files = 0;
  const counted: RenderSink = {
    file: (f) => {
      files++;
      sink.file(f);
    },
    object: sink.object,
    objects:
      sink.objects &&
      ((f) => {
        files++;
        sink.objects!(f);
      }),
  };
  for (const env of environments) {
    const units = environmentUnits(env);
    objects += renderEnvironment({ name: env.name, platformFile: env.platformFile, units }, counted, onUnit && ((unit, result) => onUnit(env.name, unit as RenderUnit, result))).objects;
  }
  return { objects, files };
}

/** Renders everything in memory; used by `validate`, the tests and the benchmark. */
export function renderAll(
  opts: SynthOptions,
  onFile: (file: OutputFile) => void,
  onObject?: (o: RenderedObject) => void,
): SynthSummary {
  const p = plan(opts);
  const { objects, files } = renderPlan(p.environments, { file: onFile, object: onObject });
  return { environments: p.environments.map((e) => e.name), tenants: p.tenants, objects, files, notices: p.notices };
}


/** The policy half of a flavour, for the model. */
export const policyOf = (id: string) => flavourFor(id).policy;

/** One line describing what a run covered, e.g. "3 tenants, 2 environments (dev, prod), 44 objects". */
export function describe(summary: SynthSummary): string {
  const n = (count: number, what: string): string => `${count} ${what}${count === 1 ? '' : 's'}`;
  return `${n(summary.tenants, 'tenant')}, ${n(summary.environments.length, 'environment')} (${summary.environments.join(', ')}), ${summary.objects} objects`;
}
