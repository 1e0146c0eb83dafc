/**
 * Incremental synth: with the cache of the previous run, synth renders only the units whose
 * sources changed and writes only changed files, and the output is always the tree a full synth
 * (without a cache) writes from the same input.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CacheStore, cacheContext, codeFingerprint, defaultCacheDir, toolFingerprint } from '../lib/commands/cache';
import { synthWithCache } from '../lib/commands/synth';
import { InputError } from '../lib/input/problems';
import { readTree, tempDir } from './support/tree';
import { cacheOf, edit, forgeCache, fullTree, synth, Workspace, workspace } from './support/workspace';

describe('a sequence of edits, each followed by a synth with the cache', () => {
  const ws = workspace();
  const t = (name: string): string => path.join(ws.tenantsDir, name);
  const o = (rel: string): string => path.join(ws.out, rel);
  const orbit = fs.readFileSync(t('orbit.yaml'), 'utf8');

  beforeAll(() => {
    const first = synth(ws);
    expect(first.mode).toBe('full');
  });

  // [what changed, the change, how the run goes, units rendered again]
  const steps: [string, () => void, 'full' | 'incremental', number | undefined][] = [
    ['nothing', () => undefined, 'incremental', 0],
    ['a route option of a tenant in two environments', () => edit(t('acme.yaml'), 'bodySize: 10m', 'bodySize: 12m'), 'incremental', 2],
    ['a tenant leaves an environment', () => edit(t('beta.yaml'), 'spec:\n', 'spec:\n  environments: [prod]\n'), 'incremental', 1],
    ['a tenant is removed', () => fs.rmSync(t('orbit.yaml')), 'incremental', 0],
    ['a tenant is added', () => fs.writeFileSync(t('orbit.yaml'), orbit), 'incremental', 1],
    ['a rendered file is changed by hand', () => fs.appendFileSync(o('prod/tenants/acme/namespace/ingresses.yaml'), '# edited\n'), 'incremental', 1],
    // A folder whose entries changed may hold files the cache does not name: the full path.
    ['a rendered file is deleted by hand', () => fs.rmSync(o('dev/tenants/acme/cluster/namespace.yaml')), 'full', undefined],
    ['a rendered file is replaced with the same bytes (new inode)', () => {
      const f = o('prod/flux/tenant-orbit.yaml');
      const text = fs.readFileSync(f);
      fs.rmSync(f);
      fs.writeFileSync(f, text);
    }, 'full', undefined],
    ['a file is added by hand inside a tenant\'s folder', () => fs.writeFileSync(o('prod/tenants/acme/namespace/extra.yaml'), 'kind: ConfigMap\n'), 'full', undefined],
    ['the environment entry point is changed by hand', () => fs.appendFileSync(o('prod/kustomization.yaml'), '# edited\n'), 'incremental', 0],
    ['platform.yaml changes (every unit depends on it)', () => edit(ws.platformFile, /\n$/, '\n# a comment\n'), 'full', undefined],
    ['a folder the platform does not render appears in the output', () => fs.mkdirSync(o('staging')), 'full', undefined],
  ];

  test.each(steps)('%s', (_what, change, mode, rendered) => {
    change();
    const run = synth(ws);
    expect(run.mode).toBe(mode);
    if (rendered !== undefined) expect(run.rendered).toBe(rendered);
    expect(readTree(ws.out)).toEqual(fullTree(ws));
  });

  test('the summary counts what a full synth counts, and repeats the notices of tenants it did not render', () => {
    const incremental = synth(ws);
    expect(incremental.mode).toBe('incremental');
    expect(incremental.rendered).toBe(0);
    // Read from the cache with the tenant's claims: orbit has no static address in prod.
    expect(incremental.summary.notices).toContainEqual(expect.stringMatching(/^notice: tenant "orbit" has no static address in environment "prod": external-dns writes/));
    const full = synthWithCache({ platformFile: ws.platformFile, tenantsDir: ws.tenantsDir, outDir: path.join(tempDir(), 'dist'), cacheDir: false });
    expect(incremental.summary).toEqual(full.summary);
  });
});

describe('what the cache is keyed by, and what it may not do', () => {
  test('unchanged files keep their inode and modification time: only changed files are written', () => {
    const ws = workspace();
    synth(ws);
    const untouched = path.join(ws.out, 'dev/tenants/beta/namespace/ingresses.yaml');
    const before = fs.statSync(untouched);
    edit(path.join(ws.tenantsDir, 'acme.yaml'), 'bodySize: 10m', 'bodySize: 12m');
    expect(synth(ws).mode).toBe('incremental');
    const after = fs.statSync(untouched);
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
  });

  test('the platform is rendered again when the last tenant leaves the shared controller, or the first one comes back', () => {
    // Whether an environment renders its shared controller depends on the tenants' claims (finding
    // 14a), not on platform.yaml alone: the platform unit's key carries that fact.
    const ws = workspace();
    // Control planes through a controller of their own, so only tenants can use the shared one.
    edit(ws.platformFile, '    controller: nginx ', '    controller: haproxy ');
    expect(synth(ws).mode).toBe('full');
    const shared = path.join(ws.out, 'prod/platform/shared-ingress.yaml');
    expect(fs.existsSync(shared)).toBe(true);
    // beta and nova are prod's tenants on the shared controller.
    edit(path.join(ws.tenantsDir, 'beta.yaml'), 'dedicated: false', 'dedicated: true');
    expect(synth(ws).mode).toBe('incremental');
    expect(fs.existsSync(shared)).toBe(true);
    edit(path.join(ws.tenantsDir, 'nova.yaml'), 'dedicated: false', 'dedicated: true');
    // Uninstalling the shared controller deletes platform objects (its address goes with it): the
    // removal guard holds that back until it is asked for.
    expect(() => synth(ws)).toThrow(/delete 2 objects: in environment "prod", 1 HelmRelease and 1 Namespace of the platform part/);
    expect(fs.existsSync(shared)).toBe(true);
    const last = synth(ws, { allowRemoval: true });
    expect([last.mode, last.rendered]).toEqual(['incremental', 3]);
    expect(fs.existsSync(shared)).toBe(false);
    expect(readTree(ws.out)).toEqual(fullTree(ws));
    edit(path.join(ws.tenantsDir, 'beta.yaml'), 'dedicated: true', 'dedicated: false');
    expect(synth(ws).mode).toBe('incremental');
    expect(fs.existsSync(shared)).toBe(true);
    expect(readTree(ws.out)).toEqual(fullTree(ws));
  });

  test('the cache lives beside the output, not in it, and deleting it costs one full synth', () => {
    const ws = workspace();
    synth(ws);
    const cache = defaultCacheDir(ws.out);
    expect(path.dirname(cache)).toBe(ws.dir);
    expect(path.basename(cache)).toBe('.dist.cache');
    expect(fs.existsSync(cache)).toBe(true);
    fs.rmSync(cache, { recursive: true });
    expect(synth(ws).mode).toBe('full');
    expect(synth(ws).mode).toBe('incremental');
  });

  test('a cache written with the key by another tenant-edge, for another output folder, or under another key is not used', () => {
    const ws = workspace();
    synth(ws);
    const key = fs.readFileSync(process.env.TENANT_EDGE_CACHE_KEY!);
    const opts = { platformFile: ws.platformFile, tenantsDir: ws.tenantsDir, outDir: ws.out };
    const body = fs.readFileSync(cacheOf(ws), 'utf8').split('\n').slice(2).join('\n');
    const rewrite = (context: Parameters<typeof cacheContext>, k: Buffer): void => {
      expect(new CacheStore(cacheContext(...context), k).write(JSON.parse(body))).toBeUndefined();
    };
    rewrite([opts, defaultCacheDir(ws.out), toolFingerprint()], key);
    expect(synth(ws).mode).toBe('incremental');
    rewrite([opts, defaultCacheDir(ws.out), 'another build'], key);
    expect(synth(ws).mode).toBe('full');
    const elsewhere = path.join(tempDir(), 'dist');
    // Written for another output folder, then copied here.
    const other = new CacheStore(cacheContext({ ...opts, outDir: elsewhere }, defaultCacheDir(elsewhere), toolFingerprint()), key);
    expect(other.write(JSON.parse(body))).toBeUndefined();
    fs.copyFileSync(other.file, cacheOf(ws));
    expect(synth(ws).mode).toBe('full');
    rewrite([opts, defaultCacheDir(ws.out), toolFingerprint()], Buffer.alloc(32, 7));
    expect(synth(ws).mode).toBe('full');
    expect(synth(ws).mode).toBe('incremental');
  });

  test('the code fingerprint changes when a file is changed, touched, added or renamed, and only then', () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, 'sub'));
    fs.writeFileSync(path.join(dir, 'a.js'), 'one');
    fs.writeFileSync(path.join(dir, 'sub', 'b.json'), '{}');
    fs.writeFileSync(path.join(dir, 'notes.md'), 'not code');
    const seen = new Set<string>();
    const next = (): string => {
      const f = codeFingerprint(dir);
      expect(seen.has(f)).toBe(false);
      seen.add(f);
      return f;
    };
    const first = next();
    expect(codeFingerprint(dir)).toBe(first);
    fs.writeFileSync(path.join(dir, 'notes.md'), 'other text, not code');
    expect(codeFingerprint(dir)).toBe(first);
    const old = fs.statSync(path.join(dir, 'a.js'));
    fs.writeFileSync(path.join(dir, 'a.js'), 'two!');
    fs.utimesSync(path.join(dir, 'a.js'), old.atime, old.mtime);
    next(); // same modification time, other size
    fs.utimesSync(path.join(dir, 'a.js'), old.atime, new Date(old.mtimeMs + 2000));
    next(); // same size, other modification time
    fs.writeFileSync(path.join(dir, 'sub', 'c.ts'), '');
    next();
    fs.renameSync(path.join(dir, 'sub', 'c.ts'), path.join(dir, 'sub', 'd.ts'));
    next();
  });

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const firstUnit = (data: any, change: (unit: any) => any): void => {
    const ref = Object.keys(data.units)[0];
    data.units[ref] = change(data.units[ref]);
  };
  test.each([
    ['cut short', (ws: Workspace) => fs.writeFileSync(cacheOf(ws), fs.readFileSync(cacheOf(ws)).subarray(0, 100))],
    ['a flipped byte in the body', (ws: Workspace) => {
      const bytes = fs.readFileSync(cacheOf(ws));
      bytes[bytes.length - 10] ^= 1;
      fs.writeFileSync(cacheOf(ws), bytes);
    }],
    ['a unit record of the wrong shape', (ws: Workspace) => forgeCache(ws, (d) => firstUnit(d, () => ({ key: 1 })))],
    ['a path that leaves the output folder', (ws: Workspace) => forgeCache(ws, (d) => firstUnit(d, (u) => ({ ...u, files: [['../platform.yaml', 1, 1, 1, 1]] })))],
    ['garbage', (ws: Workspace) => fs.writeFileSync(cacheOf(ws), 'tenant-edge synth cache 4\n' + '0'.repeat(64) + '\n{"tenants": {}, "units": {}}')],
  ])('a damaged cache is ignored: %s', (_what, damage) => {
    const ws = workspace();
    synth(ws);
    damage(ws);
    expect(synth(ws).mode).toBe('full');
    expect(fs.existsSync(ws.platformFile)).toBe(true);
    expect(readTree(ws.out)).toEqual(fullTree(ws));
  });

  test('bad input fails as without a cache, leaves the output, and keeps the cache for the next run', () => {
    const ws = workspace();
    synth(ws);
    const before = readTree(ws.out);
    const acme = path.join(ws.tenantsDir, 'acme.yaml');
    const good = fs.readFileSync(acme, 'utf8');
    edit(acme, 'bodySize: 10m', 'bodySize: lots');
    expect(() => synth(ws)).toThrow(InputError);
    expect(readTree(ws.out)).toEqual(before);
    fs.writeFileSync(acme, good);
    const run = synth(ws);
    expect([run.mode, run.rendered]).toEqual(['incremental', 0]);
  });

  test('a collision between an unchanged tenant and a changed one is found with the unchanged one read from the cache', () => {
    const ws = workspace();
    synth(ws);
    // orbit is unchanged (its claims come from the cache); acme now claims one of orbit's domains.
    edit(path.join(ws.tenantsDir, 'acme.yaml'), 'spec:\n', 'spec:\n  extraDomains: [orbit.example.org]\n');
    expect(() => synth(ws)).toThrow(/orbit\.yaml:\d+:\d+: spec\.extraDomains\[1\]: domain "orbit\.example\.org" is already claimed by tenant "acme" in environment "prod"/);
  });

  test('--no-cache renders everything and removes the default cache, which would no longer describe the output', () => {
    const ws = workspace();
    synth(ws);
    expect(synth(ws, { cacheDir: false }).mode).toBe('full');
    expect(fs.existsSync(cacheOf(ws))).toBe(false);
    expect(synth(ws).mode).toBe('full');
  });

  test('with --env, the other environments stay as they are and the output is what a full synth with --env writes', () => {
    const ws = workspace();
    synth(ws);
    edit(path.join(ws.tenantsDir, 'acme.yaml'), 'bodySize: 10m', 'bodySize: 12m');
    const expected = fullTree(ws, 'prod');
    const run = synth(ws, { env: 'prod' });
    expect([run.mode, run.rendered]).toEqual(['incremental', 1]);
    expect(readTree(ws.out)).toEqual(expected);
    // dev was not rendered: the next run renders acme's dev unit.
    const next = synth(ws);
    expect([next.mode, next.rendered]).toEqual(['incremental', 1]);
    expect(readTree(ws.out)).toEqual(fullTree(ws));
  });
});
