import * as fs from 'fs';
import * as path from 'path';
import { environmentUnits, TenantToRender } from '../charts/units';
import { Loaded, loadInput, loadTenant } from '../input/load';
import { Problem } from '../input/problems';
import { Tenant } from '../input/types';
import { buildEnvironment } from '../model/build/environment';
import { buildTenant } from '../model/build/tenant';
import { PlatformContext, Report } from '../model/context';
import { TenantModel } from '../model/model';
import { platformNotices, tenantNotices } from '../model/resolve';
import { checkAcrossTenants } from '../model/rules/cross-tenant';
import { checkPlatform } from '../model/rules/platform';
import { checkTenant, TenantClaims } from '../model/rules/tenant';
import { RenderedObjectCheck } from '../output/manifest-schemas';
import { EnvironmentRender, environmentEntry, UnitResult } from '../output/render';
import { OutputDirError, OutputUpdate } from '../output/write';
import { CacheStore, dropCache, SynthCache, tenantKey, tenantRecords, UnitRecord, renderUnitKey, unitRecord, unitRef, updatedFolderRecords } from './cache';
import { FingerprintCheck, OutputChanges, outputChanges } from './fingerprints';
import { checkDeletions, deletedObjects, isObjectFile, RenderedIdentities } from './removals';
import { policyOf, SynthOptions, SynthSummary } from './plan';

/** A tenant of this run: read from the cache (known) or checked now (loaded). */
interface TenantEntry {
  /** The tenant's name. */
  readonly tenant: string;
  /** Its file's name in the model. */
  readonly name: string;
  readonly path: string;
  readonly digest: string;
  readonly claims: TenantClaims;
  loaded?: Loaded<Tenant>;
  readonly models: Map<string, TenantModel>;
}

export interface IncrementalResult {
  readonly summary: SynthSummary;
  /** Why the cache for the next run could not be written, if it could not. */
  readonly cacheFailure?: string;
  /** Units rendered again, of all units. */
  readonly rendered: number;
  readonly units: number;
}

/**
 * Synth from the previous run's cache: tenants whose file (and platform.yaml) did not change are
 * not parsed, their claims come from the cache and take part in the rules across tenants as
 * before; units whose sources did not change and whose files are as the last run left them are
 * not rendered; what is rendered is compared with the output and only changed files are written,
 * in place (OutputUpdate, with a journal). The result is the tree a full synth writes.
 *
 * Returns undefined whenever the full path must decide: no usable cache, any problem in the input
 * (so that every problem is reported, with positions, by one code path), an unknown --env, an
 * output folder that is missing or holds folders the platform no longer has. Nothing is written
 * then.
 *
 * The output's lock is held from before the cache is read until the new cache is written, so
 * that what the cache says about the output's files stays true while the run relies on it, and
 * the cache written describes the tree this run left. The old cache is removed before the output
 * is changed: a run killed while changing it leaves no cache, and the next run is a full one.
 * A run that finds an interrupted update (a journal, finished now or damaged) takes the full path
 * too: the cache does not describe what that update did. So does a run that finds a recorded
 * folder changed (fingerprints.ts): the cache may not name every file in it. The folders are
 * recorded after the update is applied, under the lock.
 */
export function incrementalSynth(
  opts: SynthOptions & { readonly outDir: string; readonly allowRemoval?: boolean },
  store: CacheStore,
): IncrementalResult | undefined {
  const out = path.resolve(opts.outDir);
  try {
    fs.lstatSync(store.file);
  } catch {
    return undefined;
  }
  let update: OutputUpdate;
  try {
    update = OutputUpdate.begin(opts.outDir);
  } catch (err) {
    // A missing or foreign output folder, another run's lock, a damaged journal: the full path says so or repairs it.
    if (err instanceof OutputDirError) return undefined;
    throw err;
  }
  if (update.recovered) {
    update.abort();
    return undefined;
  }
  const fingerprints = new FingerprintCheck(store, out);
  try {
    const read = store.read();
    return read ? withCache(opts, read.cache, store, update, () => fingerprints.result(read.tag) ?? outputChanges(out, read.cache)) : undefined;
  } finally {
    fingerprints.stop();
    update.abort();
  }
}

/** incrementalSynth once the cache is read; `changed` gives the units whose files are not as recorded. */
function withCache(
  opts: SynthOptions & { readonly outDir: string; readonly allowRemoval?: boolean },
  cache: SynthCache,
  store: CacheStore,
  update: OutputUpdate,
  changed: () => OutputChanges,
): IncrementalResult | undefined {
  const out = path.resolve(opts.outDir);
  const loaded = loadInput({
    platformFile: opts.platformFile,
    tenantsDir: opts.tenantsDir,
    known: (name, digest, platformDigest) => Object.prototype.hasOwnProperty.call(cache.tenants, tenantKey(platformDigest, name, digest)),
  });
  const platform = loaded.platform;
  if (loaded.problems.length > 0 || !platform) return undefined;
  // With most tenants changed (a new platform.yaml changes them all), a new tree is cheaper.
  if (loaded.known.length === 0 || loaded.known.length < loaded.tenants.length) return undefined;
  let problems = 0;
  const count: Report = () => {
    problems++;
  };
  const ctx = new PlatformContext(platform, policyOf, count);
  checkPlatform(ctx, count);
  if (problems > 0) return undefined;

  const entries: TenantEntry[] = [
    ...loaded.known.map((k) => ({ tenant: k.tenant, name: k.name, path: k.path, digest: k.digest, claims: cache.tenants[tenantKey(platform.digest, k.name, k.digest)], models: new Map() })),
    ...loaded.tenants.map((t) => ({ tenant: t.value.metadata.name, name: t.name, path: '', digest: t.digest, claims: checkTenant(ctx, t, count), loaded: t, models: new Map() })),
  ].sort((a, b) => (a.tenant < b.tenant ? -1 : 1));
  if (problems > 0) return undefined;
  const owners = checkAcrossTenants(ctx, entries.map((e) => e.claims), () => {
    problems++;
  });
  if (problems > 0) return undefined;
  const build = (e: TenantEntry, env: string): TenantModel | undefined => {
    const environment = ctx.envByName.get(env)!;
    return buildTenant(ctx, e.loaded!, e.claims, environment, owners.get(env)!, count);
  };
  // A changed tenant is built in every environment, as the full path does: its problems anywhere fail the run.
  for (const e of entries) {
    if (!e.loaded) continue;
    for (const { environment } of e.claims.environments) {
      const model = build(e, environment);
      if (model) e.models.set(environment, model);
    }
  }
  if (problems > 0) return undefined;

  let environments = ctx.environments;
  if (opts.env !== undefined) {
    environments = environments.filter((e) => e.name === opts.env);
    if (environments.length === 0) return undefined;
  }
  // The output must hold exactly the environments of the platform (with --env, any others are
  // kept as they are); anything else at the top is left to a full synth, which replaces the tree.
  if (!fs.existsSync(path.join(out, 'README.md'))) return undefined;
  if (opts.env === undefined) {
    const expected = new Set(['README.md', ...ctx.environments.map((e) => e.name)]);
    const top = fs.readdirSync(out);
    if (top.length !== expected.size || top.some((n) => !expected.has(n))) return undefined;
  }
  const inEnv = (e: TenantEntry, env: string): boolean => e.claims.environments.some((c) => c.environment === env);
  // Tenants whose spec changed: the removal guard lets their own edits delete their objects.
  const edited = new Set(entries.filter((e) => e.loaded).map((e) => e.tenant));
  const identities = opts.allowRemoval ? undefined : new RenderedIdentities();

  const digests = new Map<string, string>([[platform.name, platform.digest], ...entries.map((e): [string, string] => [e.name, e.digest])]);
  const model = (e: TenantEntry, env: string): TenantModel => {
    const built = e.models.get(env);
    if (built) return built;
    // A tenant from the cache whose output was changed by someone else: checked and built again.
    const fileProblems: Problem[] = [];
    e.loaded = loadTenant(e.path, opts.platformFile, fileProblems);
    const again = e.loaded && fileProblems.length === 0 ? build(e, env) : undefined;
    if (!again || problems > 0) throw new Error(`${e.path} was valid when it was read, and is not now; was it changed during the run?`);
    e.models.set(env, again);
    return again;
  };

  const found = changed();
  // A folder whose entries changed may hold files no record names (written by a run this cache
  // does not describe, or by hand): a new tree is the only sure way to drop them.
  if (found.folder !== undefined) return undefined;
  const filesChanged = found.units;
  const check = new RenderedObjectCheck();
  const units: Record<string, UnitRecord> = { ...cache.units };
  const rendered: { ref: string; key: string; result: UnitResult }[] = [];
  const current = new Set<string>();
  const renderedEnvs = new Set(environments.map((e) => e.name));
  // Files of the units rendered again and of removed units, as the cache has them; those no unit
  // of this run writes go.
  const before: string[] = [];
  const written = new Set<string>();
  const kept: UnitRecord[] = [];
  let objects = 0;
  let files = 0;
  let total = 0;
  for (const env of environments) {
    const envModel = buildEnvironment(ctx, env, [], entries.map((e) => e.claims));
    const tenants: TenantToRender[] = entries.filter((e) => inEnv(e, env.name)).map((e) => ({ name: e.tenant, file: e.name, model: () => model(e, env.name) }));
    const render = new EnvironmentRender(env.name);
    const envEntries: string[] = [];
    for (const unit of environmentUnits(envModel, tenants)) {
      total++;
      const ref = unitRef(env.name, unit.id);
      current.add(ref);
      const key = renderUnitKey(unit, digests);
      const old = cache.units[ref];
      if (old && old.key === key && !filesChanged.has(ref)) {
        envEntries.push(...old.entries);
        kept.push(old);
        objects += old.objects;
        files += old.files.length;
        continue;
      }
      const result = render.unit(unit, { file: (f) => update.write(f), object: identities ? (o) => (check.add(o), identities.add(o)) : check.add });
      rendered.push({ ref, key, result });
      envEntries.push(...result.entries);
      objects += result.objects;
      files += result.files.length;
      for (const f of result.files) written.add(f);
      for (const f of old?.files ?? []) before.push(f[0]);
    }
    render.throwIfOversized();
    update.write(environmentEntry(env.name, ctx.name, envEntries));
    files++;
  }
  // Units gone from a rendered environment (a removed tenant, or one that left the environment).
  for (const [ref, old] of Object.entries(cache.units)) {
    const env = ref.slice(0, ref.indexOf('\0'));
    if (!renderedEnvs.has(env) || current.has(ref)) continue;
    for (const f of old.files) before.push(f[0]);
    delete units[ref];
  }
  const gone = new Set(before.filter((f) => !written.has(f)));
  // A unit keeps its files; looked up only when something may go.
  if (gone.size > 0) for (const old of kept) for (const f of old.files) gone.delete(f[0]);
  for (const f of gone) update.remove(f);
  check.throwIfInvalid();
  // Only the files this update changes can lose objects.
  if (identities) {
    const envs = environments.map((env) => ({ name: env.name, tenants: entries.filter((e) => inEnv(e, env.name)).map((e) => e.tenant) }));
    checkDeletions(out, envs, deletedObjects(out, update.changed().filter(isObjectFile), identities), (_env, t) => edited.has(t));
  }
  // The folders whose entries this update changes, with the README it may write at the top.
  const touched = [...update.changed(), 'README.md'];
  dropCache(path.dirname(store.file));
  let cacheFailure: string | undefined;
  update.commit(() => {
    for (const { ref, key, result } of rendered) units[ref] = unitRecord(out, key, result);
    cacheFailure = store.write({ tenants: tenantRecords(platform.digest, entries), units, folders: updatedFolderRecords(out, cache.folders, touched) });
  });
  return {
    summary: { environments: environments.map((e) => e.name), tenants: entries.length, objects, files, notices: [...platformNotices(ctx), ...tenantNotices(entries.map((e) => e.claims))] },
    cacheFailure,
    rendered: rendered.length,
    units: total,
  };
}
