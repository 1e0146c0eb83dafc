import * as fs from 'fs';
import * as path from 'path';
import { EnvironmentModel } from '../model/model';
import { OutputFile } from '../output/render';
import { RenderedObjectCheck } from '../output/manifest-schemas';
import { OutputTransaction } from '../output/write';
import { plan, renderPlan, SynthOptions, SynthSummary, UsageError } from './plan';

/** Tenants one synth may remove from an environment's output without --allow-removal: one, or this share. */
export const REMOVAL_SHARE = 0.1;

/**
 * Checks the input and writes the output tree atomically; on any error the old tree stays.
 * `onFile` sees every file as it is written. Removing many tenants at once, or all of them (an
 * empty tenants folder, a lost checkout), needs `allowRemoval`: Flux would prune every object of
 * every removed tenant.
 */
export function synthToDir(
  opts: SynthOptions & { readonly outDir: string; readonly allowRemoval?: boolean },
  onFile?: (file: OutputFile) => void,
): SynthSummary {
  checkOutputHoldsNoInput(opts);
  const p = plan(opts);
  if (p.tenants === 0 && !opts.allowRemoval) {
    throw new UsageError(`${opts.tenantsDir} holds no tenant specs: the output would have no tenants, and Flux would prune every tenant's objects; pass --allow-removal if that is what you want`);
  }
  const tx = OutputTransaction.begin(opts.outDir);
  try {
    if (!opts.allowRemoval) checkRemovals(opts.outDir, p.environments);
    const check = new RenderedObjectCheck();
    const { objects, files } = renderPlan(
      p.environments,
      (f) => {
        tx.write(f);
        onFile?.(f);
      },
      check.add,
    );
    check.throwIfInvalid();
    const rendered = new Set(p.environments.map((e) => e.name));
    const keep = opts.env !== undefined ? listDirs(opts.outDir).filter((d) => !rendered.has(d)) : [];
    tx.commit(keep);
    return { environments: [...rendered], tenants: p.tenants, objects, files, notices: p.notices };
  } finally {
    tx.abort();
  }
}

/** The output folder must not hold the input: synth replaces it as a whole. */
function checkOutputHoldsNoInput(opts: { platformFile: string; tenantsDir: string; outDir: string }): void {
  const out = path.resolve(opts.outDir);
  const inside = (p: string): boolean => {
    const rel = path.relative(out, path.resolve(p));
    return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
  };
  for (const [what, p] of [['the platform spec', opts.platformFile], ['the tenants folder', opts.tenantsDir]] as const) {
    if (inside(p)) throw new UsageError(`--out ${opts.outDir} holds ${what} (${p}); synth replaces the output folder as a whole, so choose another --out`);
  }
  const tenants = path.resolve(opts.tenantsDir);
  const rel = path.relative(tenants, out);
  if (!rel.startsWith('..') && !path.isAbsolute(rel)) {
    throw new UsageError(`--out ${opts.outDir} lies inside the tenants folder ${opts.tenantsDir}; choose another --out`);
  }
}

/** Tenants whose output an environment folder holds (from its flux/tenant-<name>.yaml files). */
function tenantsIn(outDir: string, env: string): string[] {
  try {
    return fs
      .readdirSync(path.join(path.resolve(outDir), env, 'flux'))
      .map((f) => /^tenant-(.+)\.yaml$/.exec(f)?.[1])
      .filter((t): t is string => t !== undefined);
  } catch {
    return [];
  }
}

/** Refuses to remove more than REMOVAL_SHARE (at least one) of an environment's tenants in one run. */
function checkRemovals(outDir: string, environments: readonly EnvironmentModel[]): void {
  for (const env of environments) {
    const before = tenantsIn(outDir, env.name);
    const now = new Set(env.tenants.map((t) => t.name));
    const removed = before.filter((t) => !now.has(t)).sort();
    const allowed = Math.max(1, Math.floor(before.length * REMOVAL_SHARE));
    if (removed.length > allowed) {
      const list = removed.length > 10 ? `${removed.slice(0, 10).join(', ')} and ${removed.length - 10} more` : removed.join(', ');
      throw new UsageError(`this run would remove ${removed.length} of the ${before.length} tenants of environment "${env.name}" (${list}), and Flux would prune their objects; more than ${allowed} at once needs --allow-removal`);
    }
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

/**
 * The synth command. Under `cdk8s synth` it also leaves one file per environment where cdk8s
 * looks for manifests, so that cdk8s validation plugins see them; dist/ itself is written by
 * tenant-edge, not by cdk8s-cli.
 */
export function synthCommand(opts: SynthOptions & { readonly outDir: string; readonly allowRemoval: boolean }): SynthSummary {
  const cdk8sOut = process.env.CDK8S_OUTDIR;
  if (!cdk8sOut || path.resolve(cdk8sOut) === path.resolve(opts.outDir)) return synthToDir(opts);
  const docs = new Map<string, string[]>();
  const summary = synthToDir(opts, (f) => {
    const env = f.path.split('/')[0];
    if (!f.path.endsWith('kustomization.yaml')) docs.set(env, [...(docs.get(env) ?? []), f.content]);
  });
  fs.mkdirSync(cdk8sOut, { recursive: true });
  for (const [env, contents] of docs) fs.writeFileSync(path.join(cdk8sOut, `${env}.k8s.yaml`), contents.join('---\n'));
  return summary;
}
