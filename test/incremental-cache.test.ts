/**
 * The synth cache, its key, the journal and the lock are input like anything else on disk (issue
 * 18, finding 3): whatever they hold, synth writes byte for byte what a full synth writes, or
 * takes the full path, or refuses an unusable cache location as a usage error (exit 2). It never
 * hangs, never reads without bound and never writes through a planted link.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { run } from '../lib/cli';
import { cacheKeyFile } from '../lib/commands/cache-key';
import { UsageError } from '../lib/commands/plan';
import { folderRecords, recordedFiles } from '../lib/commands/cache';
import { synthWithCache } from '../lib/commands/synth';
import { updateHooks } from '../lib/output/write';
import { replaceFile } from '../lib/output/work-files';
import { captureIo } from './support/spec-fixtures';
import { readTree, ROOT, tempDir } from './support/tree';
import { cacheOf, edit, forgeCache, fullTree, synth, Workspace, workspace } from './support/workspace';

/** Every name in a folder, and every name under it. */
function listing(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
}

describe('an incremental synth writes what a full synth writes', () => {
  test('after a tenant file is renamed from .yaml to .yml with the same text (headers name the file)', () => {
    const ws = workspace();
    synth(ws);
    fs.renameSync(path.join(ws.tenantsDir, 'acme.yaml'), path.join(ws.tenantsDir, 'acme.yml'));
    synth(ws);
    const tree = readTree(ws.out);
    expect(tree['prod/flux/tenant-acme.yaml']).toContain('tenants/acme.yml');
    expect(tree).toEqual(fullTree(ws));
  });

  test('with the same platform read through another --platform path', () => {
    const ws = workspace();
    synth(ws);
    const copy = path.join(ws.dir, 'platform-copy.yaml');
    fs.copyFileSync(ws.platformFile, copy);
    synth(ws, { platformFile: copy });
    const tree = readTree(ws.out);
    expect(tree['prod/flux/platform.yaml']).toContain('platform-copy.yaml');
    expect(tree).toEqual(fullTree({ ...ws, platformFile: copy }));
  });

  test('with recorded claims edited: a tenant cannot take another tenant\'s domain', () => {
    const ws = workspace();
    synth(ws);
    // orbit's recorded claims lose orbit.example.org; acme then lists it.
    forgeCache(ws, (data) => {
      for (const claims of Object.values(data.tenants) as { name: string; environments: { domains: { domain: string }[] }[] }[]) {
        if (claims.name !== 'orbit') continue;
        for (const env of claims.environments) env.domains = env.domains.filter((d) => d.domain !== 'orbit.example.org');
      }
    });
    edit(path.join(ws.tenantsDir, 'acme.yaml'), 'spec:\n', 'spec:\n  extraDomains: [orbit.example.org]\n');
    expect(() => synth(ws)).toThrow(/orbit\.yaml:\d+:\d+: spec\.extraDomains\[1\]: domain "orbit\.example\.org" is already claimed by tenant "acme" in environment "prod"/);
  });

  test('with a forged fingerprint hiding a hand edit of dist/', () => {
    const ws = workspace();
    synth(ws);
    const rel = 'prod/tenants/acme/namespace/ingresses.yaml';
    fs.appendFileSync(path.join(ws.out, rel), '# edited by hand\n');
    const s = fs.lstatSync(path.join(ws.out, rel));
    forgeCache(ws, (data) => {
      for (const unit of Object.values(data.units) as { files: [string, number, number, number, number][] }[]) {
        unit.files = unit.files.map((f) => (f[0] === rel ? [rel, s.size, s.mtimeMs, s.ctimeMs, s.ino] : f));
      }
    });
    synth(ws);
    expect(readTree(ws.out)).toEqual(fullTree(ws));
  });

  test('after a run killed while it applied its update, when the input changed back since', () => {
    const ws = workspace();
    synth(ws);
    const gamma = path.join(ws.tenantsDir, 'gamma.yaml');
    fs.writeFileSync(gamma, fs.readFileSync(path.join(ws.tenantsDir, 'beta.yaml'), 'utf8').replace(/name: beta\b/, 'name: gamma'));
    updateHooks.afterStep = (done) => {
      if (done === 3) throw new Error('killed');
    };
    try {
      expect(() => synth(ws)).toThrow('killed');
    } finally {
      updateHooks.afterStep = undefined;
    }
    fs.rmSync(gamma);
    // The next run finishes the update (gamma's files appear) and must then remove them again.
    expect(synth(ws).mode).toBe('full');
    expect(readTree(ws.out)).toEqual(fullTree(ws));
  });

  test('after a run that left a damaged journal: the full path rewrites the tree and removes the journal', () => {
    const ws = workspace();
    synth(ws);
    fs.appendFileSync(path.join(ws.out, 'prod/flux/tenant-acme.yaml'), '# half updated\n');
    fs.writeFileSync(path.join(ws.dir, '.dist.journal'), '{"version": 1, "remo');
    const run = synth(ws);
    expect(run.mode).toBe('full');
    expect(fs.existsSync(path.join(ws.dir, '.dist.journal'))).toBe(false);
    expect(readTree(ws.out)).toEqual(fullTree(ws));
    expect(synth(ws).mode).toBe('incremental');
  });
});

describe('a genuine cache that does not describe the output as it is now (issue 18, attack y, finding 1)', () => {
  const zeta = (): string => fs.readFileSync(path.join(ROOT, 'tenants', 'beta.yaml'), 'utf8').replace(/name: beta\b/, 'name: zeta');

  test('an incremental run records the folders as they are after its update: those it changed again, the others as checked', () => {
    const ws = workspace();
    synth(ws);
    const recorded = (): unknown[] => {
      const text = fs.readFileSync(cacheOf(ws), 'utf8');
      const cache = JSON.parse(text.slice(text.indexOf('\n', text.indexOf('\n') + 1) + 1));
      expect(cache.folders.length).toBeGreaterThan(10);
      expect(new Set(cache.folders)).toEqual(new Set(folderRecords(ws.out, recordedFiles(cache.units))));
      return cache.folders;
    };
    recorded();
    fs.writeFileSync(path.join(ws.tenantsDir, 'zeta.yaml'), zeta());
    expect(synth(ws).mode).toBe('incremental');
    expect(recorded().some((f) => (f as string[])[0] === 'prod/tenants/zeta')).toBe(true);
    fs.rmSync(path.join(ws.tenantsDir, 'zeta.yaml'));
    expect(synth(ws).mode).toBe('incremental');
    expect(recorded().some((f) => (f as string[])[0] === 'prod/tenants/zeta')).toBe(false);
    expect(synth(ws).mode).toBe('incremental');
  });

  test('after a run with another --cache added a tenant that is gone now: the full path drops its files', () => {
    const ws = workspace();
    synth(ws);
    fs.writeFileSync(path.join(ws.tenantsDir, 'zeta.yaml'), zeta());
    synth(ws, { cacheDir: path.join(tempDir(), 'other') });
    fs.rmSync(path.join(ws.tenantsDir, 'zeta.yaml'));
    expect(synth(ws).mode).toBe('full');
    expect(readTree(ws.out)).toEqual(fullTree(ws));
    expect(synth(ws).mode).toBe('incremental');
  });

  test('an older cache put back (same key, same paths) after a tenant came and went: the full path drops its files', () => {
    const ws = workspace();
    synth(ws);
    const saved = fs.readFileSync(cacheOf(ws));
    fs.writeFileSync(path.join(ws.tenantsDir, 'zeta.yaml'), zeta());
    expect(synth(ws).mode).toBe('incremental');
    fs.rmSync(path.join(ws.tenantsDir, 'zeta.yaml'));
    fs.writeFileSync(cacheOf(ws), saved);
    expect(synth(ws).mode).toBe('full');
    expect(readTree(ws.out)).toEqual(fullTree(ws));
  });

  // [where, the file, what the removal guard says first, as it says without a cache]
  test.each([
    ['a file beside a tenant\'s files', 'prod/tenants/acme/namespace/extra.yaml', 'in environment "prod", 1 ConfigMap of tenant acme, which stays'],
    ['a file in a folder of its own inside a tenant\'s folder', 'dev/tenants/acme/hand/made.yaml', 'in environment "dev", 1 ConfigMap of tenant acme, which stays'],
    ['a file beside the Flux entries', 'prod/flux/tenant-ghost.yaml', undefined],
  ])('a file added by hand is removed, as --no-cache removes it: %s', (_what, rel, refused) => {
    const ws = workspace();
    synth(ws);
    // Past the clock tick of the cache's records: file times move in steps of a few milliseconds.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    fs.mkdirSync(path.dirname(path.join(ws.out, rel)), { recursive: true });
    fs.writeFileSync(path.join(ws.out, rel), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: by-hand\n  namespace: acme\n');
    // When Flux would prune the object it holds: refused as without a cache, then allowed.
    if (refused) {
      expect(() => synth(ws)).toThrow(`this run would make Flux delete 1 object: ${refused}.`);
      expect(fs.existsSync(path.join(ws.out, rel))).toBe(true);
    }
    expect(synth(ws, { allowRemoval: true }).mode).toBe('full');
    expect(fs.existsSync(path.join(ws.out, rel))).toBe(false);
    expect(readTree(ws.out)).toEqual(fullTree(ws));
  });
});

describe('unusable cache locations are usage errors, on every run', () => {
  /** Runs synth through the CLI and returns its exit code and standard error. */
  function cli(ws: Workspace, ...extra: string[]): { code: number; err: string[] } {
    const { io, err } = captureIo();
    const code = run(['synth', '--platform', ws.platformFile, '--tenants', ws.tenantsDir, '--out', ws.out, ...extra], io);
    return { code, err };
  }

  // [what, the --cache value in the workspace, what to arrange first, the message after "--cache <value> "]
  const cases: [string, (ws: Workspace) => string, (ws: Workspace) => void, (ws: Workspace) => string][] = [
    ['the output folder', (ws) => ws.out, () => undefined, (ws) => `is the output folder (${ws.out}); the cache needs a folder of its own, such as .dist.cache beside dist/`],
    ['a folder inside the output', (ws) => path.join(ws.out, 'cache'), () => undefined, (ws) => `lies inside the output folder (${ws.out}); the cache needs a folder of its own, such as .dist.cache beside dist/`],
    ['a folder that holds the output', (ws) => ws.dir, () => undefined, (ws) => `holds the output folder (${ws.out}); the cache needs a folder of its own, such as .dist.cache beside dist/`],
    ['the tenants folder', (ws) => ws.tenantsDir, () => undefined, (ws) => `is the tenants folder (${ws.tenantsDir}); the cache needs a folder of its own, such as .dist.cache beside dist/`],
    ['a folder inside tenants/', (ws) => path.join(ws.tenantsDir, '.cache'), () => undefined, (ws) => `lies inside the tenants folder (${ws.tenantsDir}); the cache needs a folder of its own, such as .dist.cache beside dist/`],
    ['the platform spec', (ws) => ws.platformFile, () => undefined, (ws) => `is the platform spec (${ws.platformFile}); the cache needs a folder of its own, such as .dist.cache beside dist/`],
    ['a regular file', (ws) => path.join(ws.dir, 'notes.txt'), (ws) => fs.writeFileSync(path.join(ws.dir, 'notes.txt'), 'notes\n'), () => 'is a file; remove it or choose another --cache'],
    ['a path through a file', (ws) => path.join(ws.dir, 'notes.txt', 'cache'), (ws) => fs.writeFileSync(path.join(ws.dir, 'notes.txt'), 'notes\n'), (ws) => `cannot be created: ${path.join(ws.dir, 'notes.txt')} is not a folder`],
    ['a symbolic link to a folder', (ws) => path.join(ws.dir, 'link'), (ws) => fs.symlinkSync(tempDir(), path.join(ws.dir, 'link')), () => 'is a symbolic link; point --cache at the folder itself'],
    ['a work file of the output', (ws) => path.join(ws.dir, '.dist.journal'), () => undefined, () => `is a name synth uses for the work files of ${'OUT'}; the cache needs a folder of its own, such as .dist.cache beside dist/`],
  ];

  test.each(cases)('--cache at %s', (_what, at, arrange, message) => {
    const ws = workspace();
    synth(ws, { cacheDir: false });
    arrange(ws);
    const before = listing(ws.dir);
    const expected = `tenant-edge: --cache ${at(ws)} ${message(ws).replace('OUT', ws.out)}`;
    for (let i = 0; i < 2; i++) {
      const r = cli(ws, '--cache', at(ws));
      expect(r).toEqual({ code: 2, err: [expected] });
      expect(listing(ws.dir)).toEqual(before);
    }
  });

  test('a cache folder that holds the tenants folder and the platform spec', () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, 'in'));
    fs.copyFileSync(path.join(ROOT, 'platform.yaml'), path.join(dir, 'in', 'platform.yaml'));
    fs.cpSync(path.join(ROOT, 'tenants'), path.join(dir, 'in', 'tenants'), { recursive: true });
    const ws: Workspace = { dir, out: path.join(dir, 'dist'), platformFile: path.join(dir, 'in', 'platform.yaml'), tenantsDir: path.join(dir, 'in', 'tenants') };
    expect(() => synth(ws, { cacheDir: path.join(dir, 'in') })).toThrow(
      new UsageError(`--cache ${path.join(dir, 'in')} holds the tenants folder (${ws.tenantsDir}); the cache needs a folder of its own, such as .dist.cache beside dist/`),
    );
  });

  test('the default cache folder is a file: a usage error that names it, on every run', () => {
    const ws = workspace();
    synth(ws);
    fs.rmSync(path.join(ws.dir, '.dist.cache'), { recursive: true });
    fs.writeFileSync(path.join(ws.dir, '.dist.cache'), 'not a folder\n');
    const before = readTree(ws.out);
    for (let i = 0; i < 2; i++) {
      expect(cli(ws)).toEqual({ code: 2, err: [`tenant-edge: the cache folder ${path.join(ws.dir, '.dist.cache')} (the default of --cache) is a file; remove it or choose another --cache`] });
      expect(readTree(ws.out)).toEqual(before);
    }
  });

  test('the cache file is a folder: the full path, and a notice that the cache cannot be written', () => {
    const ws = workspace();
    synth(ws);
    fs.rmSync(cacheOf(ws));
    fs.mkdirSync(path.join(cacheOf(ws), 'inside'), { recursive: true });
    edit(path.join(ws.tenantsDir, 'acme.yaml'), 'bodySize: 10m', 'bodySize: 12m');
    for (let i = 0; i < 2; i++) {
      const r = cli(ws);
      expect(r.code).toBe(0);
      expect(r.err).toContainEqual(expect.stringMatching(new RegExp(`^notice: the synth cache ${cacheOf(ws).replace(/[.]/g, '\\.')} was not written \\(.*\\); the next synth renders everything$`)));
      expect(readTree(ws.out)).toEqual(fullTree(ws));
    }
    expect(fs.existsSync(path.join(cacheOf(ws), 'inside'))).toBe(true);
  });
});

describe('cache, journal and lock files that are no regular files of bounded size', () => {
  /** The built CLI in a child process, so that a hang fails the test instead of the test run. */
  function cliProcess(ws: Workspace): { status: number | null; stderr: string; timedOut: boolean } {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'tenant-edge.js'), 'synth', '--platform', ws.platformFile, '--tenants', ws.tenantsDir, '--out', ws.out], {
      encoding: 'utf8',
      timeout: 60_000,
      cwd: ws.dir,
    });
    return { status: r.status, stderr: r.stderr, timedOut: (r.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT' };
  }

  const plants: [string, (file: string) => void][] = [
    ['a FIFO', (file) => execFileSync('mkfifo', [file])],
    ['a link to /dev/zero', (file) => fs.symlinkSync('/dev/zero', file)],
    ['a sparse file of 300 MB', (file) => {
      fs.writeFileSync(file, '');
      fs.truncateSync(file, 300 * 1024 * 1024);
    }],
  ];
  const files: [string, (ws: Workspace) => string][] = [
    ['the cache file', (ws) => cacheOf(ws)],
    ['the journal', (ws) => path.join(ws.dir, '.dist.journal')],
    ['the lock', (ws) => path.join(ws.dir, '.dist.lock')],
  ];
  const table = files.flatMap(([which, file]) => plants.map(([what, plant]): [string, string, (ws: Workspace) => string, (file: string) => void] => [which, what, file, plant]));

  test.each(table)('%s is %s: synth finishes, as a full synth would', (_which, _what, file, plant) => {
    const ws = workspace();
    synth(ws);
    edit(path.join(ws.tenantsDir, 'acme.yaml'), 'bodySize: 10m', 'bodySize: 12m');
    fs.rmSync(file(ws), { force: true });
    plant(file(ws));
    const r = cliProcess(ws);
    expect([r.timedOut, r.status]).toEqual([false, 0]);
    expect(readTree(ws.out)).toEqual(fullTree(ws));
  });
});

describe('temporary files are never written through a planted link', () => {
  test('links planted where earlier versions put the temporary cache file and journal are left alone', () => {
    const ws = workspace();
    synth(ws);
    const victim = path.join(tempDir(), 'victim');
    fs.writeFileSync(victim, 'precious\n');
    fs.symlinkSync(victim, `${cacheOf(ws)}.${process.pid}.tmp`);
    fs.symlinkSync(victim, path.join(ws.dir, '.dist.journal.tmp'));
    edit(path.join(ws.tenantsDir, 'acme.yaml'), 'bodySize: 10m', 'bodySize: 12m');
    synth(ws);
    synth(ws, { cacheDir: false });
    synth(ws);
    expect(fs.readFileSync(victim, 'utf8')).toBe('precious\n');
    expect(readTree(ws.out)).toEqual(fullTree(ws));
  });

  test('replaceFile creates its temporary file exclusively: a link planted under its name is not followed', () => {
    const dir = tempDir();
    const victim = path.join(dir, 'victim');
    fs.writeFileSync(victim, 'precious\n');
    fs.symlinkSync(victim, path.join(dir, 'target.0123456789abcdef.tmp'));
    expect(() => replaceFile(path.join(dir, 'target'), ['new\n'], 0o666, () => '0123456789abcdef')).toThrow(/EEXIST/);
    expect(fs.readFileSync(victim, 'utf8')).toBe('precious\n');
    expect(fs.existsSync(path.join(dir, 'target'))).toBe(false);
  });
});

describe('the cache key', () => {
  const keyFile = (): string => process.env.TENANT_EDGE_CACHE_KEY!;

  test('lives where TENANT_EDGE_CACHE_KEY says, else under $XDG_STATE_HOME (absolute only), else ~/.local/state', () => {
    expect(cacheKeyFile({ TENANT_EDGE_CACHE_KEY: '/keys/k' })).toBe('/keys/k');
    expect(cacheKeyFile({ XDG_STATE_HOME: '/state' })).toBe('/state/tenant-edge/cache.key');
    expect(cacheKeyFile({ XDG_STATE_HOME: 'relative' })).toBe(path.join(os.homedir(), '.local', 'state', 'tenant-edge', 'cache.key'));
  });

  test('is made on first use: 32 random bytes, readable and writable by its owner only', () => {
    const ws = workspace();
    synth(ws);
    const s = fs.lstatSync(keyFile());
    expect([s.isFile(), s.size, s.mode & 0o777]).toEqual([true, 32, 0o600]);
  });

  test.each([
    ['a link', (file: string) => fs.symlinkSync('/dev/zero', file), /^notice: synth keeps no cache, so every run renders everything: cannot read the cache key .*: it is a symbolic link$/],
    ['a FIFO', (file: string) => execFileSync('mkfifo', ['-m', '600', file]), /^notice: synth keeps no cache, so every run renders everything: cannot read the cache key .*: it is not a regular file$/],
    ['too short', (file: string) => fs.writeFileSync(file, 'short', { mode: 0o600 }), /: the cache key .* has 5 bytes, not 32; remove it, and a new one is made$/],
    ['readable by others', (file: string) => {
      fs.writeFileSync(file, crypto.randomBytes(32));
      fs.chmodSync(file, 0o644);
    }, /: other users may read or write the cache key .* \(mode 644\); chmod 600 it$/],
  ])('a key file that is %s turns the cache off, with a notice', (_what, plant, notice) => {
    const saved = keyFile();
    process.env.TENANT_EDGE_CACHE_KEY = path.join(tempDir(), 'cache.key');
    try {
      plant(keyFile());
      const ws = workspace();
      for (let i = 0; i < 2; i++) {
        const run = synth(ws);
        expect(run.mode).toBe('full');
        expect(run.summary.notices).toContainEqual(expect.stringMatching(notice));
        expect(fs.existsSync(cacheOf(ws))).toBe(false);
      }
    } finally {
      process.env.TENANT_EDGE_CACHE_KEY = saved;
    }
  });

  test('a key inside the repository (the folder of the platform spec) is refused', () => {
    const ws = workspace();
    const saved = keyFile();
    process.env.TENANT_EDGE_CACHE_KEY = path.join(ws.dir, 'cache.key');
    try {
      const run = synth(ws);
      expect(run.summary.notices).toContainEqual(
        `notice: synth keeps no cache, so every run renders everything: the cache key ${path.join(ws.dir, 'cache.key')} lies inside the folder of the platform spec (${ws.dir}); keep it outside the repository and the cache (TENANT_EDGE_CACHE_KEY)`,
      );
      expect(fs.existsSync(path.join(ws.dir, 'cache.key'))).toBe(false);
    } finally {
      process.env.TENANT_EDGE_CACHE_KEY = saved;
    }
  });

  test('without the key, a cache restored from elsewhere is not used', () => {
    const ws = workspace();
    synth(ws);
    const saved = keyFile();
    process.env.TENANT_EDGE_CACHE_KEY = path.join(tempDir(), 'cache.key');
    try {
      expect(synthWithCache({ platformFile: ws.platformFile, tenantsDir: ws.tenantsDir, outDir: ws.out }).mode).toBe('full');
    } finally {
      process.env.TENANT_EDGE_CACHE_KEY = saved;
    }
  });
});

describe('paths that cannot be created are refused at once, never a hang (attack y, finding 4)', () => {
  // On Node 20, fs.mkdirSync(p, { recursive: true }) loops forever when mkdir says ENOENT below a
  // folder that exists, as under /proc/self: each case runs in a child process with a timeout.
  const synthProcess = (ws: Workspace, args: readonly string[], env: NodeJS.ProcessEnv = {}): { status: number | null; stderr: string; timedOut: boolean } => {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'tenant-edge.js'), 'synth', '--platform', ws.platformFile, '--tenants', ws.tenantsDir, ...args], {
      encoding: 'utf8',
      timeout: 20_000,
      cwd: ws.dir,
      env: { ...process.env, ...env },
    });
    return { status: r.status, stderr: r.stderr, timedOut: (r.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT' };
  };

  test('--out under /proc/self is a usage error', () => {
    const ws = workspace();
    const r = synthProcess(ws, ['--no-cache', '--out', '/proc/self/nope3/dist']);
    expect([r.timedOut, r.status, r.stderr]).toEqual([false, 2, "tenant-edge: cannot create the folder of /proc/self/nope3/dist: ENOENT: no such file or directory, mkdir '/proc/self/nope3'\n"]);
  });

  test('a cache key under /proc/self turns the cache off with the key notice', () => {
    const ws = workspace();
    const r = synthProcess(ws, ['--out', ws.out], { TENANT_EDGE_CACHE_KEY: '/proc/self/x/key' });
    expect([r.timedOut, r.status]).toEqual([false, 0]);
    expect(r.stderr).toContain("notice: synth keeps no cache, so every run renders everything: cannot create the cache key /proc/self/x/key: ENOENT: no such file or directory, mkdir '/proc/self/x'");
    expect(readTree(ws.out)).toEqual(fullTree(ws));
  });

  test('CDK8S_OUTDIR under /proc/self is a usage error (after dist/ is written)', () => {
    const ws = workspace();
    const r = synthProcess(ws, ['--out', ws.out], { CDK8S_OUTDIR: '/proc/self/nope4/out' });
    expect([r.timedOut, r.status, r.stderr]).toEqual([
      false,
      2,
      "tenant-edge: cannot write the manifests for cdk8s into CDK8S_OUTDIR /proc/self/nope4/out: ENOENT: no such file or directory, mkdir '/proc/self/nope4'\n",
    ]);
  });

  test('--cache under /proc/self: the cache is not written, with the notice', () => {
    const ws = workspace();
    const r = synthProcess(ws, ['--out', ws.out, '--cache', '/proc/self/nope2']);
    expect([r.timedOut, r.status]).toEqual([false, 0]);
    expect(r.stderr).toContain("(ENOENT: no such file or directory, mkdir '/proc/self/nope2'); the next synth renders everything");
  });
});

describe('the cache key may not be a work file of the output, nor lie in the repository (attack y, minor)', () => {
  const withKey = <T>(file: string, f: () => T): T => {
    const saved = process.env.TENANT_EDGE_CACHE_KEY;
    process.env.TENANT_EDGE_CACHE_KEY = file;
    try {
      return f();
    } finally {
      process.env.TENANT_EDGE_CACHE_KEY = saved;
    }
  };
  const outside = 'keep it outside the repository and the cache (TENANT_EDGE_CACHE_KEY)';

  test.each(['.dist.lock', '.dist.journal', '.dist.staging-0a/key', '.dist.update-0a', '.dist.lock.break'])('a key at %s beside the output is refused, and nothing of it is created', (name) => {
    const ws = workspace();
    const key = path.join(path.dirname(ws.out), name);
    const run = withKey(key, () => synth(ws));
    expect(run.summary.notices).toContainEqual(`notice: synth keeps no cache, so every run renders everything: the cache key ${key} is, or lies in, ${name.split('/')[0]}, a work file of ${ws.out}; ${outside}`);
    expect(fs.existsSync(key)).toBe(false);
  });

  test('a key in the folder that holds the output and the tenants folder is refused when the platform spec lies elsewhere', () => {
    const ws = workspace();
    const conf = path.join(ws.dir, 'conf');
    fs.mkdirSync(conf);
    const platformFile = path.join(conf, 'platform.yaml');
    fs.renameSync(ws.platformFile, platformFile);
    const key = path.join(ws.dir, 'cache.key');
    const run = withKey(key, () => synthWithCache({ platformFile, tenantsDir: ws.tenantsDir, outDir: ws.out }));
    expect(run.summary.notices).toContainEqual(`notice: synth keeps no cache, so every run renders everything: the cache key ${key} lies inside the folder that holds the tenants folder (${ws.dir}); ${outside}`);
    expect(fs.existsSync(key)).toBe(false);
  });
});

describe("synth and the output's work files (attack y, findings 3 and 6)", () => {
  test('a forged journal whose update folder is a link never moves a file from outside the output', () => {
    const ws = workspace();
    synth(ws);
    const victim = tempDir();
    fs.writeFileSync(path.join(victim, '0'), 'precious\n');
    fs.symlinkSync(victim, path.join(ws.dir, '.dist.update-abc'));
    fs.writeFileSync(path.join(ws.dir, '.dist.journal'), JSON.stringify({ version: 1, staging: '.dist.update-abc', remove: [], rename: [{ from: '.dist.update-abc/0', to: 'dist/stolen.yaml' }] }));
    const r = synth(ws);
    // The damaged journal sends synth down the full path, which replaces the tree and removes it.
    expect(r.mode).toBe('full');
    expect(readTree(ws.out)).toEqual(fullTree(ws));
    expect(fs.readFileSync(path.join(victim, '0'), 'utf8')).toBe('precious\n');
    expect(fs.readdirSync(ws.dir).sort()).toEqual(['.dist.cache', 'dist', 'platform.yaml', 'tenants']);
  });

  test.each([
    ['a FIFO', (file: string) => execFileSync('mkfifo', [file]), 'a FIFO'],
    ['a socket', (file: string) => execFileSync(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(file)}, () => process.exit(0))`]), 'a socket'],
  ])('%s in an environment kept by --env is a usage error naming it; dist/ and the cache stay', (_what, plant, what) => {
    const ws = workspace();
    synth(ws);
    const pipe = path.join(ws.out, 'dev', 'pipe');
    const before = readTree(ws.out);
    plant(pipe);
    const cache = fs.readFileSync(cacheOf(ws));
    const { io, err } = captureIo();
    const code = run(['synth', '--platform', ws.platformFile, '--tenants', ws.tenantsDir, '--out', ws.out, '--env', 'prod', '--no-cache'], io);
    expect([code, err]).toEqual([2, [`tenant-edge: cannot keep ${ws.out}/dev/pipe: it is ${what}, and tenant-edge output holds only folders and regular files; remove it, or run synth without --env`]]);
    expect(fs.lstatSync(pipe).isFIFO() || fs.lstatSync(pipe).isSocket()).toBe(true);
    fs.rmSync(pipe);
    expect(readTree(ws.out)).toEqual(before);
    expect(fs.readFileSync(cacheOf(ws))).toEqual(cache);
  });
});
