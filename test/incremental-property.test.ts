/**
 * Property: whatever happens between runs (edits of tenant specs that stay valid or not, tenants
 * added, removed or renamed between .yaml and .yml, platform.yaml edits, hand edits of dist/,
 * files added by hand to dist/, damage to the cache, an older cache put back, runs with another
 * --cache, runs with --env, runs killed while applying their update, leftovers of killed runs), synth
 * with its cache exits as a full synth (`--no-cache`) does, prints the same problems, and leaves
 * byte for byte the same tree.
 *
 * The reference is a sequence of `--no-cache` synths into a folder of its own, fed the same input
 * at every step, so that both sides judge removals against the same previous output. Sequences
 * are random but seeded: a failure prints the seed and the steps so far, and
 * `PROPERTY_SEED=<seed> npx jest test/incremental-property.test.ts` repeats it.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { run } from '../lib/cli';
import { synthWithCache } from '../lib/commands/synth';
import { updateHooks } from '../lib/output/write';
import { random } from './support/random';
import { captureIo } from './support/spec-fixtures';
import { readTree, ROOT, tempDir } from './support/tree';
import { cacheOf, forgeCache, Workspace, workspace } from './support/workspace';

const SEED = Number(process.env.PROPERTY_SEED ?? 1806);
const SEQUENCES = 5;
const STEPS = 14;

/** Runs with the cache that took the incremental path, of all runs with the cache: the property must exercise it. */
const runs = { incremental: 0, all: 0 };

/** The input of a sequence, kept in memory and written before each run. */
interface Input {
  /** Tenant name to [file extension, text]. */
  tenants: Map<string, { ext: '.yaml' | '.yml'; text: string; valid: string }>;
  platform: string;
}

const NEW_TENANTS = ['gamma', 'delta', 'kappa', 'sigma'];

class Sequence {
  readonly ws: Workspace;
  /** The reference's output folder: only --no-cache synths write it. */
  readonly ref: string;
  readonly input: Input;
  readonly log: string[] = [];
  private n = 0;

  constructor(readonly seed: number) {
    this.ws = workspace();
    this.ref = path.join(tempDir('tenant-edge-reference-'), 'dist');
    const tenants = new Map<string, { ext: '.yaml' | '.yml'; text: string; valid: string }>();
    for (const f of fs.readdirSync(this.ws.tenantsDir)) {
      const text = fs.readFileSync(path.join(this.ws.tenantsDir, f), 'utf8');
      tenants.set(f.replace(/\.ya?ml$/, ''), { ext: '.yaml', text, valid: text });
    }
    this.input = { tenants, platform: fs.readFileSync(this.ws.platformFile, 'utf8') };
  }

  /** Writes the input into the workspace (tenant files with their extension; others removed). */
  writeInput(): void {
    for (const f of fs.readdirSync(this.ws.tenantsDir)) {
      const t = this.input.tenants.get(f.replace(/\.ya?ml$/, ''));
      if (!t || !f.endsWith(t.ext)) fs.rmSync(path.join(this.ws.tenantsDir, f));
    }
    for (const [name, t] of this.input.tenants) {
      const file = path.join(this.ws.tenantsDir, `${name}${t.ext}`);
      if (!fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== t.text) fs.writeFileSync(file, t.text);
    }
    if (fs.readFileSync(this.ws.platformFile, 'utf8') !== this.input.platform) fs.writeFileSync(this.ws.platformFile, this.input.platform);
  }

  /** Runs synth through the CLI into `out`: the exit code and standard error, with the output folder and cache notices left out. */
  synth(out: string, ...extra: string[]): { code: number; err: string[] } {
    const { io, err, out: printed } = captureIo();
    const code = run(['synth', '--platform', this.ws.platformFile, '--tenants', this.ws.tenantsDir, '--out', out, ...extra], io);
    if (!extra.includes('--no-cache')) {
      runs.all++;
      if (printed.some((l) => / units rendered again\)$/.test(l))) runs.incremental++;
    }
    return { code, err: err.filter((l) => !/^notice: (synth keeps no cache|the synth cache )/.test(l)).map((l) => l.split(out).join('<out>')) };
  }

  /**
   * Runs both sides on the current input and compares exit code and problems; after a run that
   * succeeded, the trees; after one that failed, that the output is as it was before the run.
   */
  compare(...extra: string[]): void {
    this.writeInput();
    const before = fs.existsSync(this.ws.out) ? readTree(this.ws.out) : undefined;
    const incremental = this.synth(this.ws.out, ...extra);
    const full = this.synth(this.ref, '--no-cache', ...extra);
    try {
      expect(incremental).toEqual(full);
      const after = fs.existsSync(this.ws.out) ? readTree(this.ws.out) : undefined;
      if (full.code === 0) expect(after).toEqual(readTree(this.ref));
      else expect(after).toEqual(before);
    } catch (err) {
      throw new Error(`PROPERTY_SEED=${this.seed}: after the steps\n  ${this.log.join('\n  ')}\n${(err as Error).message}`);
    }
  }

  step(what: string): void {
    this.log.push(`${++this.n}. ${what}`);
  }

  /** Whether both sides' output folders hold the same tree (a failed run leaves hand damage on one side only). */
  same(): boolean {
    return fs.existsSync(this.ws.out) && fs.existsSync(this.ref) && JSON.stringify(readTree(this.ws.out)) === JSON.stringify(readTree(this.ref));
  }

  /** The cache saved by a 'replay' step, to be put back later. */
  get saved(): string {
    return `${this.ref}.saved-cache`;
  }
}

/** One random step: a change of the input, of dist/, of the cache or of the work files, and the runs. */
function randomStep(s: Sequence, r: () => number): void {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(r() * items.length)];
  const names = [...s.input.tenants.keys()].sort();
  const tenant = pick(names);
  const t = s.input.tenants.get(tenant)!;
  const outFiles = fs.existsSync(s.ws.out) ? Object.keys(readTree(s.ws.out)).filter((f) => f !== 'README.md') : [];
  const kind = pick(['valid edit', 'valid edit', 'invalid edit', 'repair', 'repair', 'add', 'remove', 'rename', 'platform', 'dist', 'dist', 'added by hand', 'cache', 'cache', 'cache', 'replay', 'replay', 'other cache', 'env', 'killed', 'leftover'] as const);
  switch (kind) {
    case 'valid edit': {
      const value = 60 + Math.floor(r() * 3000);
      const edits: [string, (text: string) => string][] = [
        ['a ttl', (x) => x.replace(/ttl: \d+/, `ttl: ${value}`)],
        ['a body size', (x) => x.replace(/bodySize: \d+m/, `bodySize: ${value}m`)],
        ['a comment', (x) => `${x}# ${value}\n`],
        ['its environments', (x) => (x.includes('  environments: [prod]\n') ? x.replace('  environments: [prod]\n', '') : x.replace('spec:\n', 'spec:\n  environments: [prod]\n'))],
      ];
      const [what, change] = pick(edits);
      t.valid = change(t.valid);
      t.text = t.valid;
      s.step(`valid edit of ${tenant}: ${what}`);
      break;
    }
    case 'invalid edit': {
      const edits: [string, (text: string) => string][] = [
        ['an unknown key', (x) => `${x}bogus: true\n`],
        ['a body size', (x) => (x.includes('bodySize') ? x.replace(/bodySize: \d+m/, 'bodySize: lots') : `${x}bogus: 1\n`)],
        ['a domain of orbit', (x) => x.replace('spec:\n', 'spec:\n  extraDomains: [orbit.example.org]\n')],
      ];
      const [what, change] = pick(edits);
      t.text = change(t.valid);
      s.step(`invalid edit of ${tenant}: ${what}`);
      break;
    }
    case 'repair':
      for (const x of s.input.tenants.values()) x.text = x.valid;
      s.input.platform = s.input.platform.replace(/bogus: true\n$/, '');
      s.step('every spec valid again');
      break;
    case 'add': {
      const name = NEW_TENANTS.find((n) => !s.input.tenants.has(n));
      if (!name) return randomStep(s, r);
      const text = fs.readFileSync(path.join(ROOT, 'tenants', 'beta.yaml'), 'utf8').replace(/name: beta\b/, `name: ${name}`);
      s.input.tenants.set(name, { ext: r() < 0.5 ? '.yaml' : '.yml', text, valid: text });
      s.step(`tenant ${name} added`);
      break;
    }
    case 'remove':
      if (names.length <= 3) return randomStep(s, r);
      s.input.tenants.delete(tenant);
      s.step(`tenant ${tenant} removed`);
      break;
    case 'rename':
      t.ext = t.ext === '.yaml' ? '.yml' : '.yaml';
      s.step(`${tenant} renamed to ${tenant}${t.ext}`);
      break;
    case 'platform': {
      const invalid = r() < 0.2;
      s.input.platform = invalid ? `${s.input.platform}bogus: true\n` : s.input.platform.replace(/bogus: true\n$/, '') + `# ${Math.floor(r() * 1000)}\n`;
      s.step(invalid ? 'platform.yaml made invalid' : 'platform.yaml edited (a comment; invalid part removed)');
      break;
    }
    case 'dist': {
      if (outFiles.length === 0) return randomStep(s, r);
      const rel = pick(outFiles);
      const file = path.join(s.ws.out, rel);
      const how = pick(['appended to', 'replaced with the same bytes', 'removed', 'truncated'] as const);
      if (how === 'appended to') fs.appendFileSync(file, '# by hand\n');
      else if (how === 'truncated') fs.truncateSync(file, 10);
      else if (how === 'removed' && !rel.includes('/flux/tenant-')) fs.rmSync(file);
      else {
        const bytes = fs.readFileSync(file);
        fs.rmSync(file);
        fs.writeFileSync(file, bytes);
      }
      s.step(`dist/${rel} ${how} by hand`);
      break;
    }
    case 'cache': {
      const file = cacheOf(s.ws);
      if (!fs.existsSync(file) || !fs.lstatSync(file).isFile()) {
        fs.rmSync(file, { recursive: true, force: true });
        s.step('cache file (already damaged) removed');
        break;
      }
      const damage: [string, () => void][] = [
        ['truncated', () => fs.truncateSync(file, Math.floor(r() * fs.statSync(file).size))],
        ['replaced by garbage', () => fs.writeFileSync(file, 'tenant-edge synth cache 5\n' + 'f'.repeat(64) + '\n{"tenants":{},"units":{},"folders":[]}')],
        ['a byte flipped', () => {
          const bytes = fs.readFileSync(file);
          bytes[Math.floor(r() * bytes.length)] ^= 0x20;
          fs.writeFileSync(file, bytes);
        }],
        ['claims forged (every tenant without domains)', () => forgeCache(s.ws, (d) => {
          for (const c of Object.values(d.tenants) as { environments: { domains: unknown[] }[] }[]) for (const e of c.environments) e.domains = [];
        })],
        ['fingerprints forged to match dist/ as it is', () => forgeCache(s.ws, (d) => {
          for (const u of Object.values(d.units) as { files: [string, number, number, number, number][] }[]) {
            u.files = u.files.map((f) => {
              const st = fs.lstatSync(path.join(s.ws.out, f[0]), { throwIfNoEntry: false });
              return st ? [f[0], st.size, st.mtimeMs, st.ctimeMs, st.ino] : f;
            });
          }
        })],
        ['replaced by a FIFO', () => {
          fs.rmSync(file);
          execFileSync('mkfifo', [file]);
        }],
        ['replaced by a folder', () => {
          fs.rmSync(file);
          fs.mkdirSync(file);
        }],
        ['replaced by a link to /dev/zero', () => {
          fs.rmSync(file);
          fs.symlinkSync('/dev/zero', file);
        }],
      ];
      const [what, apply] = pick(damage);
      try {
        apply();
        s.step(`cache ${what}`);
      } catch {
        // A cache damaged before has no JSON body to forge: it stays as it is.
        s.step(`cache already damaged, not ${what}`);
      }
      break;
    }
    case 'killed': {
      // A valid edit, then a run killed while it applies its update (it may take the full path instead and finish).
      t.valid = t.valid.replace(/(ttl: |bodySize: )\d+/, `$1${1 + Math.floor(r() * 900)}`) + `# killed ${s.log.length}\n`;
      t.text = t.valid;
      s.writeInput();
      const at = Math.floor(r() * 4);
      updateHooks.afterStep = (done) => {
        if (done === at) throw new Error('killed');
      };
      try {
        synthWithCache({ platformFile: s.ws.platformFile, tenantsDir: s.ws.tenantsDir, outDir: s.ws.out });
      } catch {
        // killed, or invalid input: the next run sees what it left
      } finally {
        updateHooks.afterStep = undefined;
      }
      s.synth(s.ref, '--no-cache');
      s.step(`valid edit of ${tenant}, and a run killed after ${at} steps of its update`);
      return;
    }
    case 'added by hand': {
      // A file added to dist/ by hand (in both output folders, as in two checkouts): no object, so that no removal is refused.
      if (outFiles.length === 0) return randomStep(s, r);
      const near = path.dirname(pick(outFiles));
      const rel = pick([`${near}/notes.yaml`, `${near}/hand/notes.yaml`, `${near}/notes.txt`]);
      for (const root of [s.ws.out, s.ref]) {
        fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
        fs.writeFileSync(path.join(root, rel), '# by hand\n');
      }
      s.step(`dist/${rel} added by hand`);
      break;
    }
    case 'replay': {
      // An older genuine cache (same key, same context) put back, as a CI cache restored from an earlier run.
      const file = cacheOf(s.ws);
      const how = fs.existsSync(s.saved) ? pick(['restored', 'restored after a tenant came and went'] as const) : 'saved';
      if (how === 'saved' || how === 'restored after a tenant came and went') {
        if (!fs.existsSync(file) || !fs.lstatSync(file).isFile()) return randomStep(s, r);
        fs.copyFileSync(file, s.saved);
      }
      if (how === 'saved') {
        s.step('cache saved');
        break;
      }
      if (how === 'restored after a tenant came and went') {
        const name = NEW_TENANTS.find((n) => !s.input.tenants.has(n));
        if (!name) return randomStep(s, r);
        const text = fs.readFileSync(path.join(ROOT, 'tenants', 'beta.yaml'), 'utf8').replace(/name: beta\b/, `name: ${name}`);
        s.input.tenants.set(name, { ext: '.yaml', text, valid: text });
        s.step(`cache saved, tenant ${name} added`);
        s.compare();
        s.input.tenants.delete(name);
      }
      fs.rmSync(file, { recursive: true, force: true });
      fs.copyFileSync(s.saved, file);
      s.step(how === 'restored' ? 'older cache restored' : 'tenant removed again, older cache restored');
      break;
    }
    case 'other cache': {
      // A run with another --cache folder (a CI job that passes its own) on a changed input, then
      // (often) that change undone: the default cache does not describe what that run wrote.
      const name = NEW_TENANTS.find((n) => !s.input.tenants.has(n));
      if (name) {
        const text = fs.readFileSync(path.join(ROOT, 'tenants', 'beta.yaml'), 'utf8').replace(/name: beta\b/, `name: ${name}`);
        s.input.tenants.set(name, { ext: '.yaml', text, valid: text });
      } else {
        t.valid = `${t.valid}# other cache ${s.log.length}\n`;
        t.text = t.valid;
      }
      s.writeInput();
      s.synth(s.ws.out, '--cache', `${s.ref}.other-cache`);
      s.synth(s.ref, '--no-cache');
      const undo = name !== undefined && r() < 0.7;
      if (undo) s.input.tenants.delete(name);
      s.step(`${name ? `tenant ${name} added` : `valid edit of ${tenant}`}, a run with --cache elsewhere${undo ? `, ${name} removed again` : ''}`);
      break;
    }
    case 'env': {
      // The other environments stay as they are on each side: only comparable when both sides agree now.
      if (!s.same()) return randomStep(s, r);
      const env = pick(['dev', 'prod']);
      s.step(`a run with --env ${env}`);
      s.compare('--env', env);
      return;
    }
    case 'leftover': {
      const parent = path.dirname(s.ws.out);
      const what = pick(['a staging folder', 'an update folder', 'a damaged journal', 'an old tree after a swap'] as const);
      const hex = Math.floor(r() * 0xffffff).toString(16).padStart(12, '0');
      if (what === 'a staging folder') {
        fs.mkdirSync(path.join(parent, `.dist.staging-${hex}`, 'prod'), { recursive: true });
        fs.writeFileSync(path.join(parent, `.dist.staging-${hex}`, 'prod', 'half.yaml'), 'half\n');
      } else if (what === 'an update folder') {
        fs.mkdirSync(path.join(parent, `.dist.update-${hex}`));
        fs.writeFileSync(path.join(parent, `.dist.update-${hex}`, '0'), 'staged\n');
      } else if (what === 'a damaged journal') {
        fs.writeFileSync(path.join(parent, '.dist.journal'), '{"version": 1, "staging": null, "remove": ["dist/../x"], "rename": []}');
      } else {
        fs.mkdirSync(path.join(parent, `.dist.staging-${hex}.old`, 'prod'), { recursive: true });
        fs.writeFileSync(path.join(parent, `.dist.staging-${hex}.old`, 'README.md'), '# Generated by tenant-edge\n');
      }
      s.step(`${what} left by a killed run`);
      break;
    }
  }
  s.compare();
}

test(`${SEQUENCES} random sequences of ${STEPS} steps (seed ${SEED}): every synth with the cache matches a full synth`, () => {
  for (let i = 0; i < SEQUENCES; i++) {
    const s = new Sequence(SEED + i);
    const r = random(SEED + i);
    s.step('first synth');
    s.compare();
    for (let j = 0; j < STEPS; j++) randomStep(s, r);
  }
  expect(runs.incremental).toBeGreaterThan(runs.all / 8);
}, 240_000);
