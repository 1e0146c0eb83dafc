import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { OutputFile, RenderSink, UnitResult } from '../output/render';
import { InputError } from '../input/problems';
import { RenderedObjectCheck } from '../output/manifest-schemas';
import { OutputTransaction } from '../output/write';
import { makeFolderPath } from '../output/work-files';
import { CacheStore, cacheContext, defaultCacheDir, dropCache, folderRecords, recordedFiles, SynthCache, tenantRecords, toolFingerprint, UnitRecord, renderUnitKey, unitRecord, unitRef } from './cache';
import { cacheKey, cacheKeyFile } from './cache-key';
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
 * Either way the output is the same, and the cache is rewritten for the next run. A cache
 * location that cannot be a cache folder is a usage error (checkCacheLocation); a cache key that
 * cannot be used (cache-key.ts) turns the cache off, with a notice.
 */
export function synthWithCache(
  opts: SynthOptions & { readonly outDir: string; readonly allowRemoval?: boolean; readonly cacheDir?: string | false },
  onFile?: (file: OutputFile) => void,
): SynthRun {
  checkOutputHoldsNoInput(opts);
  const cacheDir = opts.cacheDir === false ? undefined : path.resolve(opts.cacheDir ?? defaultCacheDir(opts.outDir));
  const cacheNotices: string[] = [];
  let store: CacheStore | undefined;
  if (cacheDir) {
    checkCacheLocation(opts, cacheDir);
    const opened = openCache(opts, cacheDir);
    if ('store' in opened) store = opened.store;
    else cacheNotices.push(`notice: synth keeps no cache, so every run renders everything: ${opened.why}`);
  }
  const notWritten = (why: string | undefined): string[] => (why === undefined ? [] : [`notice: the synth cache ${store!.file} was not written (${why}); the next synth renders everything`]);
  // The cdk8s output folder needs every file, which only a full synth renders.
  if (store && !onFile) {
    const inc = incrementalSynth(opts, store);
    if (inc) {
      const summary = { ...inc.summary, notices: [...inc.summary.notices, ...cacheNotices, ...notWritten(inc.cacheFailure)] };
      return { summary, mode: 'incremental', rendered: inc.rendered, units: inc.units, threads: 1 };
    }
  }
  const p = plan(opts);
  if (p.tenants === 0 && !opts.allowRemoval) {
    throw new UsageError(`${opts.tenantsDir} holds no tenant specs: the output would have no tenants, and Flux would prune every tenant's objects; pass --allow-removal if that is what you want`);
  }
  // The cdk8s output folder needs every file's text on this thread.
  const tx = OutputTransaction.begin(opts.outDir, { thread: !onFile && p.tenants >= THREAD_FROM_TENANTS });
  const units: Record<string, { key: string; result: UnitResult }> = {};
  const keyOf = (unit: RenderUnit): string => renderUnitKey(unit, p.inputs.digests);
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
    // With --env, the environments not rendered are copied from the previous tree, before anything changes.
    if (opts.env !== undefined) tx.carryOver(listDirs(opts.outDir).filter((d) => !rendered.has(d)));
    // A cache that does not describe the tree this run writes must not outlive it.
    dropCache(cacheDir ?? defaultCacheDir(opts.outDir));
    let cacheFailure: string | undefined;
    // With --env, the kept environments' files were copied, not rendered: the cache has no record of them.
    tx.commit(() => {
      if (store && opts.env === undefined) cacheFailure = store.write(recordFullRun(path.resolve(opts.outDir), p.inputs, units, tx.written));
    });
    return {
      summary: { environments: [...rendered], tenants: p.tenants, objects, files, notices: [...p.notices, ...cacheNotices, ...notWritten(cacheFailure)] },
      mode: 'full',
      rendered: count,
      units: count,
      threads: tx.threaded ? 2 : 1,
    };
  } finally {
    tx.abort();
  }
}

/** The cache after a full synth (the new tree swapped in): every tenant's claims, every unit's files as the writers saw them, and the folders. */
function recordFullRun(
  out: string,
  inputs: PlanInputs,
  units: Record<string, { key: string; result: UnitResult }>,
  written: ReadonlyMap<string, readonly [number, number, number, number]>,
): SynthCache {
  const records: Record<string, UnitRecord> = {};
  for (const [ref, { key, result }] of Object.entries(units)) records[ref] = unitRecord(out, key, result, written);
  return { tenants: tenantRecords(inputs.platformDigest, inputs.tenants), units: records, folders: folderRecords(out, recordedFiles(records)) };
}

/**
 * The cache of this run, under the key of this user; or why there is none. The key must lie
 * outside the cache, and outside the folders that hold the output, the tenants folder and the
 * platform spec (the repository, usually): a key that travels with a cache or a checkout
 * authenticates nothing. It must not be, or lie in, one of the output's work files either: the
 * lock code would take it for a stale lock and remove it. The filesystem root, the home folder and
 * the temporary folder do not count as a repository (the key's default place is under the home
 * folder).
 */
function openCache(opts: { platformFile: string; tenantsDir: string; outDir: string }, cacheDir: string): { store: CacheStore } | { why: string } {
  const keyFile = cacheKeyFile();
  const key = realish(keyFile);
  const outside = 'keep it outside the repository and the cache (TENANT_EDGE_CACHE_KEY)';
  if (within(key, realish(cacheDir))) return { why: `the cache key ${keyFile} lies inside the cache folder (${cacheDir}); ${outside}` };
  const out = realish(opts.outDir);
  const work = path.relative(path.dirname(out), key).split(path.sep)[0];
  if (key !== out && workFileName(out).test(work)) return { why: `the cache key ${keyFile} is, or lies in, ${work}, a work file of ${opts.outDir}; ${outside}` };
  const notRepository = new Set([path.parse(key).root, realish(os.homedir()), realish(os.tmpdir())]);
  const holder = (p: string): string => path.dirname(path.resolve(p));
  for (const [what, p] of [
    ['the output folder', opts.outDir],
    ['the tenants folder', opts.tenantsDir],
    ['the folder of the platform spec', holder(opts.platformFile)],
    ['the folder that holds the tenants folder', holder(opts.tenantsDir)],
    ['the folder that holds the output folder', holder(opts.outDir)],
  ] as const) {
    const folder = realish(p);
    if (within(key, folder) && !notRepository.has(folder)) return { why: `the cache key ${keyFile} lies inside ${what} (${p}); ${outside}` };
  }
  const got = cacheKey(keyFile);
  if ('why' in got) return got;
  return { store: new CacheStore(cacheContext(opts, cacheDir, toolFingerprint()), got.key) };
}

/**
 * Refuses a cache folder that cannot be one: the output folder, the tenants folder or the
 * platform spec, a folder inside or holding one of them (synth replaces the output as a whole,
 * and reads every file of the tenants folder), one of the output's work files, or something
 * other than a folder. What the folder holds is the cache's business: a cache file that is not
 * a usable cache is ignored and replaced.
 */
function checkCacheLocation(opts: { platformFile: string; tenantsDir: string; outDir: string; cacheDir?: string | false }, cacheDir: string): void {
  const rel = path.relative(process.cwd(), cacheDir);
  const shown = typeof opts.cacheDir === 'string' ? `--cache ${opts.cacheDir}` : `the cache folder ${rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : cacheDir} (the default of --cache)`;
  const cache = realish(cacheDir);
  const own = 'the cache needs a folder of its own, such as .dist.cache beside dist/';
  for (const [what, p] of [['the output folder', opts.outDir], ['the tenants folder', opts.tenantsDir], ['the platform spec', opts.platformFile]] as const) {
    const other = realish(p);
    if (other === cache) throw new UsageError(`${shown} is ${what} (${p}); ${own}`);
    if (within(cache, other)) throw new UsageError(`${shown} lies inside ${what} (${p}); ${own}`);
    if (within(other, cache)) throw new UsageError(`${shown} holds ${what} (${p}); ${own}`);
  }
  const out = realish(opts.outDir);
  if (path.dirname(cache) === path.dirname(out) && workFileName(out).test(path.basename(cache))) {
    throw new UsageError(`${shown} is a name synth uses for the work files of ${opts.outDir}; ${own}`);
  }
  let at = cacheDir;
  for (let stat = lstat(at); ; stat = lstat(at)) {
    if (stat?.isSymbolicLink() && at === cacheDir) throw new UsageError(`${shown} is a symbolic link; point --cache at the folder itself`);
    if (stat && !stat.isDirectory() && !stat.isSymbolicLink()) {
      throw new UsageError(at === cacheDir ? `${shown} is ${stat.isFile() ? 'a file' : 'not a folder'}; remove it or choose another --cache` : `${shown} cannot be created: ${at} is not a folder`);
    }
    // The default folder lies beside the output: a path through a file is the output's problem, reported as such.
    if (stat || path.dirname(at) === at || typeof opts.cacheDir !== 'string') return;
    at = path.dirname(at);
  }
}

function lstat(p: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(p);
  } catch {
    return undefined;
  }
}

/** Matches the names of the work files and folders beside the output folder `out` (write.ts). */
function workFileName(out: string): RegExp {
  return new RegExp(`^\\.${escape(path.basename(out))}\\.(lock|journal|staging-|update-)`);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Whether `inner` lies inside `outer` (not equal to it); both absolute. */
function within(inner: string, outer: string): boolean {
  const rel = path.relative(outer, inner);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
}

/** The absolute path with the links of its existing part resolved, so that two names of one folder compare equal. */
function realish(p: string): string {
  const abs = path.resolve(p);
  const rest: string[] = [];
  for (let at = abs; ; at = path.dirname(at)) {
    try {
      return path.join(fs.realpathSync(at), ...rest.reverse());
    } catch {
      if (path.dirname(at) === at) return abs;
      rest.push(path.basename(at));
    }
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
  try {
    makeFolderPath(cdk8sOut);
    for (const [env, contents] of docs) fs.writeFileSync(path.join(cdk8sOut, `${env}.k8s.yaml`), contents.join('---\n'));
  } catch (err) {
    throw new UsageError(`cannot write the manifests for cdk8s into CDK8S_OUTDIR ${cdk8sOut}: ${(err as Error).message}`);
  }
  return run;
}
