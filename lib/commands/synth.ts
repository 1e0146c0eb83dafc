import * as fs from 'fs';
import * as path from 'path';
import { OutputFile, RenderSink, UnitResult } from '../output/render';
import { InputError } from '../input/problems';
import { RenderedObjectCheck } from '../output/manifest-schemas';
import { OutputTransaction } from '../output/write';
import { CACHE_FORMAT, defaultCacheDir, dropCache, SynthCache, tenantRecords, toolFingerprint, UnitRecord, unitKey, unitRecord, unitRef, writeCache } from './cache';
import { RenderUnit } from '../charts/units';
import { checkDeletions, deletedObjects, previousFiles, RenderedIdentities } from './removals';
import { incrementalSynth } from './incremental';
import { plan, PlanInputs, renderPlan, SynthOptions, SynthSummary, UsageError } from './plan';

export { REMOVAL_SHARE } from './removals';

/**
 * Checks the input and writes the output tree atomically; on any error the old tree stays.
 * `onFile` sees every file as it is written. Removing many tenants at once, or all of them (an
 * empty tenants folder, a lost checkout), needs `allowRemoval`: Flux would prune every object of
 * every removed tenant.
 */
export function synthToDir(
  opts: SynthOptions & { readonly outDir: string; readonly allowRemoval?: boolean; readonly cacheDir?: string | false },
  onFile?: (file: OutputFile) => void,
): SynthSummary {
  return synthWithCache(opts, onFile).summary;
}

/** How a synth went: its summary, and how much of the output the cache let it skip. */
export interface SynthRun {
  readonly summary: SynthSummary;
  /** 'incremental' when the cache was used; 'full' otherwise. */
  readonly mode: 'full' | 'incremental';
  /** Units rendered, and all units (equal in a full synth). */
  readonly rendered: number;
  readonly units: number;
  /** Threads that worked: 2 when a second thread checked, serialized and wrote the files (output/file-writer.ts). */
  readonly threads: 1 | 2;
}

/**
 * From this many tenants on, a second thread checks, serializes and writes the files while the
 * main thread renders; below, starting it costs more than it saves.
 */
export const THREAD_FROM_TENANTS = 50;

/**
 * synthToDir, telling how it went. With a cache (the default: `.dist.cache` beside the output;
 * `cacheDir: false` for none), a run after a previous one renders only units whose sources
 * changed and writes only files whose bytes changed (commands/incremental.ts); otherwise, and
 * whenever the input has problems, it renders everything into a new tree and swaps it in.
 * Either way the output is the same, and the cache is rewritten for the next run.
 */
export function synthWithCache(
  opts: SynthOptions & { readonly outDir: string; readonly allowRemoval?: boolean; readonly cacheDir?: string | false },
  onFile?: (file: OutputFile) => void,
): SynthRun {
  checkOutputHoldsNoInput(opts);
  const out = path.resolve(opts.outDir);
  const cacheDir = opts.cacheDir === false ? undefined : (opts.cacheDir ?? defaultCacheDir(opts.outDir));
  const tool = cacheDir ? toolFingerprint() : '';
  // The cdk8s output folder needs every file, which only a full synth renders.
  if (cacheDir && !onFile) {
    const inc = incrementalSynth(opts, cacheDir, tool);
    if (inc) {
      writeCache(cacheDir, inc.cache);
      return { summary: inc.summary, mode: 'incremental', rendered: inc.rendered, units: inc.units, threads: 1 };
    }
  }
  const p = plan(opts);
  if (p.tenants === 0 && !opts.allowRemoval) {
    throw new UsageError(`${opts.tenantsDir} holds no tenant specs: the output would have no tenants, and Flux would prune every tenant's objects; pass --allow-removal if that is what you want`);
  }
  // The cdk8s output folder needs every file's text on this thread.
  const tx = OutputTransaction.begin(opts.outDir, { thread: !onFile && p.tenants >= THREAD_FROM_TENANTS });
  const units: Record<string, { key: string; result: UnitResult }> = {};
  const keyOf = (unit: RenderUnit): string => unitKey([...unit.sources.map((s) => p.inputs.digests.get(s) ?? ''), ...(unit.facts ?? [])]);
  try {
    const identities = opts.allowRemoval ? undefined : new RenderedIdentities();
    const check = new RenderedObjectCheck();
    const sink: RenderSink = onFile
      ? {
          file: (f) => {
            tx.write(f);
            onFile(f);
          },
          object: identities ? (o) => (check.add(o), identities.add(o)) : check.add,
        }
      : { file: (f) => tx.write(f), objects: (f) => tx.writeObjects(f), object: identities?.add };
    let count = 0;
    const { objects, files } = renderPlan(p.environments, sink, (env, unit, result) => {
      count++;
      units[unitRef(env, unit.id)] = { key: keyOf(unit), result };
    });
    // While the writer thread catches up: what Flux would delete of the previous output.
    if (identities) {
      const envs = p.environments.map((e) => ({ name: e.name, tenants: e.tenants.map((t) => t.name) }));
      checkDeletions(opts.outDir, envs, deletedObjects(opts.outDir, previousFiles(opts.outDir, envs.map((e) => e.name)), identities));
    }
    const { invalid, oversized } = tx.finish();
    if (oversized.length > 0) throw new InputError(oversized);
    check.problems.push(...invalid);
    check.throwIfInvalid();
    const rendered = new Set(p.environments.map((e) => e.name));
    const keep = opts.env !== undefined ? listDirs(opts.outDir).filter((d) => !rendered.has(d)) : [];
    // A cache that does not describe the tree this run writes must not outlive it.
    dropCache(cacheDir ?? defaultCacheDir(opts.outDir));
    tx.commit(keep);
    // With --env, the kept environments' files were copied, not rendered: the cache has no record of them.
    if (cacheDir && opts.env === undefined) writeCache(cacheDir, recordFullRun(out, tool, p.inputs, units, tx.written));
    return {
      summary: { environments: [...rendered], tenants: p.tenants, objects, files, notices: p.notices },
      mode: 'full',
      rendered: count,
      units: count,
      threads: tx.threaded ? 2 : 1,
    };
  } finally {
    tx.abort();
  }
}

/** The cache after a full synth: every tenant's claims, and every unit's files as the writers saw them. */
function recordFullRun(
  out: string,
  tool: string,
  inputs: PlanInputs,
  units: Record<string, { key: string; result: UnitResult }>,
  written: ReadonlyMap<string, readonly [number, number, number, number]>,
): SynthCache {
  const records: Record<string, UnitRecord> = {};
  for (const [ref, { key, result }] of Object.entries(units)) records[ref] = unitRecord(out, key, result, written);
  return { format: CACHE_FORMAT, tool, out, tenants: tenantRecords(tool, inputs.platformDigest, inputs.tenants), units: records };
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
export function synthCommand(opts: SynthOptions & { readonly outDir: string; readonly allowRemoval: boolean; readonly cacheDir?: string | false }): SynthRun {
  const cdk8sOut = process.env.CDK8S_OUTDIR;
  if (!cdk8sOut || path.resolve(cdk8sOut) === path.resolve(opts.outDir)) return synthWithCache(opts);
  const docs = new Map<string, string[]>();
  const run = synthWithCache(opts, (f) => {
    const env = f.path.split('/')[0];
    if (!f.path.endsWith('kustomization.yaml')) docs.set(env, [...(docs.get(env) ?? []), f.content]);
  });
  fs.mkdirSync(cdk8sOut, { recursive: true });
  for (const [env, contents] of docs) fs.writeFileSync(path.join(cdk8sOut, `${env}.k8s.yaml`), contents.join('---\n'));
  return run;
}
