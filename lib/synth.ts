import * as fs from 'fs';
import * as path from 'path';
import { checkTenantsAlone, resolve } from './model/resolve';
import { EnvironmentModel } from './model/model';
import { OutputFile, RenderedObject, renderEnvironment } from './output/render';
import { OutputTransaction } from './output/write';
import { loadInput } from './spec/load';
import { InputError, Problem } from './spec/problems';

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
export function plan(opts: SynthOptions): { environments: EnvironmentModel[]; tenants: number; notices: string[] } {
  const loaded = loadInput({ platformFile: opts.platformFile, tenantsDir: opts.tenantsDir });
  const problems: Problem[] = [...loaded.problems];
  if (!loaded.platform) throw new InputError([...problems, ...checkTenantsAlone(loaded.tenants)]);
  const resolution = resolve(loaded.platform, loaded.tenants);
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
  return { environments, tenants: loaded.tenants.length, notices: resolution.notices };
}

/** Renders every planned environment into the given sinks; returns the counts. */
function renderPlan(
  environments: readonly EnvironmentModel[],
  onFile: (file: OutputFile) => void,
  onObject?: (o: RenderedObject) => void,
): { objects: number; files: number } {
  let objects = 0;
  let files = 0;
  const file = (f: OutputFile): void => {
    files++;
    onFile(f);
  };
  for (const env of environments) objects += renderEnvironment(env, { file, object: onObject }).objects;
  return { objects, files };
}

/** Renders everything in memory; used by `validate`, the tests and the benchmark. */
export function renderAll(
  opts: SynthOptions,
  onFile: (file: OutputFile) => void,
  onObject?: (o: RenderedObject) => void,
): SynthSummary {
  const p = plan(opts);
  const { objects, files } = renderPlan(p.environments, onFile, onObject);
  return { environments: p.environments.map((e) => e.name), tenants: p.tenants, objects, files, notices: p.notices };
}

/**
 * Checks the input and writes the output tree atomically; on any error the old tree stays.
 * `onFile` sees every file as it is written.
 */
export function synthToDir(opts: SynthOptions & { readonly outDir: string }, onFile?: (file: OutputFile) => void): SynthSummary {
  const p = plan(opts);
  const tx = OutputTransaction.begin(opts.outDir);
  try {
    const { objects, files } = renderPlan(p.environments, (f) => {
      tx.write(f);
      onFile?.(f);
    });
    const rendered = new Set(p.environments.map((e) => e.name));
    const keep = opts.env !== undefined ? listDirs(opts.outDir).filter((d) => !rendered.has(d)) : [];
    tx.commit(keep);
    return { environments: [...rendered], tenants: p.tenants, objects, files, notices: p.notices };
  } finally {
    tx.abort();
  }
}

function listDirs(dir: string): string[] {
  try {
    return fs
      .readdirSync(path.resolve(dir), { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
  } catch {
    return [];
  }
}
