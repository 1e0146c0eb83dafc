import { execFileSync, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import { lockHooks, OutputDirError, OutputTransaction, OutputUpdate, README, updateHooks } from '../lib/output/write';

const ROOT = path.resolve(__dirname, '..');

let dir: string;
let out: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), 'tenant-edge-update-'));
  out = path.join(dir, 'dist');
});

afterEach(() => {
  updateHooks.afterStep = undefined;
  lockHooks.beforeTakeOver = undefined;
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Writes a tenant-edge output folder: the README and `files` (folders end in '/'). */
function makeOutput(files: Readonly<Record<string, string>>): void {
  fs.mkdirSync(out);
  fs.writeFileSync(path.join(out, 'README.md'), README);
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(out, ...rel.split('/'));
    if (rel.endsWith('/')) fs.mkdirSync(abs, { recursive: true });
    else {
      fs.mkdirSync(path.dirname(abs), { recursive: true });
      fs.writeFileSync(abs, content);
    }
  }
}

/**
 * Every file (with its content), folder (ending in '/', empty ones included) and symbolic link
 * (`-> target`, not followed) under `root`.
 */
function listing(root: string = out): Record<string, string> {
  const found: Record<string, string> = {};
  const walk = (rel: string): void => {
    for (const entry of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isSymbolicLink()) found[child] = `-> ${fs.readlinkSync(path.join(root, child))}`;
      else if (entry.isDirectory()) {
        found[`${child}/`] = '';
        walk(child);
      } else if (!entry.isFile()) found[child] = '(not a regular file)';
      else found[child] = fs.readFileSync(path.join(root, child), 'utf8');
    }
  };
  walk('');
  return Object.fromEntries(Object.entries(found).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** Names beside the output folder other than itself: work files and folders. */
function besideOutput(): string[] {
  return fs.readdirSync(dir).filter((n) => n !== 'dist').sort();
}

/**
 * A tree and an update of it that touches each kind of step: a changed, an unchanged and a new
 * file (in a new folder), removals that empty folders up to the environment, a file that becomes
 * a folder and a folder that becomes a file. An empty folder nothing touches stays.
 */
const BEFORE: Readonly<Record<string, string>> = {
  'prod/flux/tenant-a.yaml': 'a1\n',
  'prod/flux/tenant-b.yaml': 'b1\n',
  'prod/tenants/a/ingress.yaml': 'a ingress\n',
  'prod/tenants/b/ingress.yaml': 'b ingress\n',
  'prod/tenants/b/cert.yaml': 'b cert\n',
  'prod/notes': 'a file, to become a folder\n',
  'prod/legacy/x.yaml': 'a folder, to become a file\n',
  'prod/empty/': '',
  'dev/flux/tenant-a.yaml': 'dev a\n',
  'dev/kustomization.yaml': 'dev k\n',
};

function applyChanges(update: OutputUpdate): void {
  update.write({ path: 'prod/flux/tenant-a.yaml', content: 'a2\n' });
  update.write({ path: 'prod/flux/tenant-b.yaml', content: 'b1\n' });
  update.write({ path: 'prod/tenants/c/ingress.yaml', content: 'c ingress\n' });
  update.remove('prod/tenants/b/ingress.yaml');
  update.remove('prod/tenants/b/cert.yaml');
  update.remove('dev/flux/tenant-a.yaml');
  update.remove('dev/kustomization.yaml');
  update.remove('prod/notes');
  update.write({ path: 'prod/notes/a.yaml', content: 'notes a\n' });
  update.remove('prod/legacy/x.yaml');
  update.write({ path: 'prod/legacy', content: 'legacy file\n' });
}

const AFTER: Readonly<Record<string, string>> = {
  'README.md': README,
  'prod/': '',
  'prod/empty/': '',
  'prod/flux/': '',
  'prod/flux/tenant-a.yaml': 'a2\n',
  'prod/flux/tenant-b.yaml': 'b1\n',
  'prod/legacy': 'legacy file\n',
  'prod/notes/': '',
  'prod/notes/a.yaml': 'notes a\n',
  'prod/tenants/': '',
  'prod/tenants/a/': '',
  'prod/tenants/a/ingress.yaml': 'a ingress\n',
  'prod/tenants/c/': '',
  'prod/tenants/c/ingress.yaml': 'c ingress\n',
};

/** Steps the journal of applyChanges has: 6 removals and 4 renames (the unchanged file is not one). */
const STEPS = 10;

describe('OutputUpdate', () => {
  test('replaces changed files, adds new ones, and leaves unchanged files alone (same inode and mtime)', () => {
    makeOutput(BEFORE);
    const past = new Date('2020-01-01T00:00:00Z');
    for (const rel of ['prod/flux/tenant-b.yaml', 'prod/tenants/a/ingress.yaml', 'README.md']) fs.utimesSync(path.join(out, rel), past, past);
    const stat = (rel: string): { ino: number; mtimeMs: number } => {
      const s = fs.statSync(path.join(out, rel));
      return { ino: s.ino, mtimeMs: s.mtimeMs };
    };
    const unchanged = ['prod/flux/tenant-b.yaml', 'prod/tenants/a/ingress.yaml', 'README.md'].map((rel) => [rel, stat(rel)] as const);
    const update = OutputUpdate.begin(out);
    applyChanges(update);
    update.commit();
    expect(listing()).toEqual(AFTER);
    for (const [rel, before] of unchanged) expect([rel, stat(rel)]).toEqual([rel, before]);
    expect(besideOutput()).toEqual([]);
  });

  test('files and folders it creates get the modes the umask gives', () => {
    makeOutput({});
    const update = OutputUpdate.begin(out);
    update.write({ path: 'prod/flux/new.yaml', content: 'x\n' });
    update.commit();
    const umask = process.umask();
    expect(fs.statSync(path.join(out, 'prod/flux')).mode & 0o777).toBe(0o777 & ~umask);
    expect(fs.statSync(path.join(out, 'prod/flux/new.yaml')).mode & 0o777).toBe(0o666 & ~umask);
  });

  test('a removal removes the folders it empties, up to but never the output folder', () => {
    makeOutput({ 'top.yaml': 't\n', 'a/b/c/d.yaml': 'd\n', 'a/keep.yaml': 'k\n', 'x/y/z.yaml': 'z\n' });
    const update = OutputUpdate.begin(out);
    for (const rel of ['top.yaml', 'a/b/c/d.yaml', 'x/y/z.yaml', 'never/was.yaml']) update.remove(rel);
    update.commit();
    expect(listing()).toEqual({ 'README.md': README, 'a/': '', 'a/keep.yaml': 'k\n' });
    expect(besideOutput()).toEqual([]);
  });

  test('the last change of a path wins: a write after a removal, a removal after a write, an unchanged write after a change', () => {
    makeOutput({ 'a.yaml': 'a\n', 'b.yaml': 'b\n', 'c.yaml': 'c\n' });
    const update = OutputUpdate.begin(out);
    update.remove('a.yaml');
    update.write({ path: 'a.yaml', content: 'a2\n' });
    update.write({ path: 'b.yaml', content: 'b2\n' });
    update.remove('b.yaml');
    update.write({ path: 'c.yaml', content: 'c2\n' });
    update.write({ path: 'c.yaml', content: 'c\n' });
    update.commit();
    expect(listing()).toEqual({ 'README.md': README, 'a.yaml': 'a2\n', 'c.yaml': 'c\n' });
  });

  test('a stale README is brought up to date', () => {
    makeOutput({ 'a.yaml': 'a\n' });
    fs.writeFileSync(path.join(out, 'README.md'), '# Generated by tenant-edge\n\nAn older text.\n');
    OutputUpdate.begin(out).commit();
    expect(listing()).toEqual({ 'README.md': README, 'a.yaml': 'a\n' });
  });

  test('abort leaves the output untouched and removes the staged files; it is safe after commit, and a finished update takes no more changes', () => {
    makeOutput(BEFORE);
    const before = listing();
    const update = OutputUpdate.begin(out);
    applyChanges(update);
    expect(besideOutput()).toEqual([expect.stringMatching(/^\.dist\.lock$/), expect.stringMatching(/^\.dist\.update-[0-9a-f]{12}$/)]);
    update.abort();
    update.abort();
    expect(listing()).toEqual(before);
    expect(besideOutput()).toEqual([]);
    expect(() => update.write({ path: 'x.yaml', content: 'x\n' })).toThrow('the update of');

    const second = OutputUpdate.begin(out);
    applyChanges(second);
    second.commit();
    second.abort();
    expect(listing()).toEqual(AFTER);
    expect(() => second.remove('prod/legacy')).toThrow(`the update of ${out} is finished`);
  });

  test.each([
    ['a folder that is not tenant-edge output', () => {
      fs.mkdirSync(out);
      fs.writeFileSync(path.join(out, 'index.html'), 'hi');
    }, 'refusing to update OUT: it has no tenant-edge README.md; choose another --out'],
    ['an empty folder', () => {
      fs.mkdirSync(out);
    }, 'refusing to update OUT: it has no tenant-edge README.md; choose another --out'],
    ['a folder whose README is not tenant-edge\'s', () => {
      fs.mkdirSync(out);
      fs.writeFileSync(path.join(out, 'README.md'), '# My docs\n');
    }, 'refusing to update OUT: it has no tenant-edge README.md; choose another --out'],
    ['a missing folder', () => {}, 'OUT does not exist; an update needs the output of a full synth'],
    ['a folder in a missing folder', () => {
      out = path.join(dir, 'gone', 'dist');
    }, 'OUT does not exist; an update needs the output of a full synth'],
    ['a file', () => {
      fs.writeFileSync(out, 'x');
    }, 'OUT exists and is not a directory'],
    ['a symbolic link to tenant-edge output', () => {
      makeOutput({});
      fs.renameSync(out, path.join(dir, 'real'));
      fs.symlinkSync(path.join(dir, 'real'), out);
    }, 'OUT is a symbolic link; point --out at the folder itself'],
  ])('refuses %s, changes nothing and releases the lock', (_what, arrange, message) => {
    arrange();
    const before = listing(dir);
    expect(() => OutputUpdate.begin(out)).toThrow(new OutputDirError(message.replace('OUT', out)));
    expect(listing(dir)).toEqual(before);
  });

  const ESCAPES: readonly (readonly [string, string])[] = [
    ['', 'output path "" is empty'],
    ['/etc/passwd', 'output path "/etc/passwd" is absolute; give it relative to the output folder'],
    ['C:/Windows/x.yaml', 'output path "C:/Windows/x.yaml" is absolute; give it relative to the output folder'],
    ['../escape.yaml', 'output path "../escape.yaml" has a ".." segment, which would leave the output folder'],
    ['prod/../../escape.yaml', 'output path "prod/../../escape.yaml" has a ".." segment, which would leave the output folder'],
    ['prod/..', 'output path "prod/.." has a ".." segment, which would leave the output folder'],
    ['prod//x.yaml', 'output path "prod//x.yaml" has an empty segment'],
    ['prod/', 'output path "prod/" has an empty segment'],
    ['./prod/x.yaml', 'output path "./prod/x.yaml" has a "." segment'],
    ['prod\\..\\..\\x.yaml', 'output path "prod\\\\..\\\\..\\\\x.yaml" holds a backslash; separate folders with "/"'],
    ['prod/x\0.yaml', 'output path "prod/x\\u0000.yaml" holds a NUL character'],
    ['README.md', 'output path "README.md" is the README that marks the output folder; the update keeps it itself'],
  ];

  test.each(ESCAPES)('write and remove refuse %j', (p, message) => {
    makeOutput({ 'prod/x.yaml': 'x\n' });
    const before = listing(dir);
    const update = OutputUpdate.begin(out);
    expect(() => update.write({ path: p, content: 'bad\n' })).toThrow(new Error(message));
    expect(() => update.remove(p)).toThrow(new Error(message));
    update.commit();
    expect(listing(dir)).toEqual(before);
  });

  test('a path written as a file and as a folder in one update is refused', () => {
    makeOutput({});
    const update = OutputUpdate.begin(out);
    update.write({ path: 'prod/a', content: 'file\n' });
    update.write({ path: 'prod/a/b.yaml', content: 'under it\n' });
    expect(() => update.commit()).toThrow(new Error('output path "prod/a/b.yaml" lies under "prod/a", which this update writes as a file'));
    update.abort();
    expect(listing()).toEqual({ 'README.md': README });
    expect(besideOutput()).toEqual([]);
  });

  test.each([
    ['a folder inside the output that is a symbolic link', () => {
      fs.mkdirSync(path.join(dir, 'elsewhere'));
      fs.symlinkSync(path.join(dir, 'elsewhere'), path.join(out, 'prod'));
    }, (u: OutputUpdate) => u.write({ path: 'prod/x.yaml', content: 'x\n' }), 'OUT/prod is a symbolic link; tenant-edge changes only real folders inside its output'],
    ['a removal through a symbolic link', () => {
      fs.mkdirSync(path.join(dir, 'elsewhere'));
      fs.writeFileSync(path.join(dir, 'elsewhere', 'x.yaml'), 'precious\n');
      fs.symlinkSync(path.join(dir, 'elsewhere'), path.join(out, 'prod'));
    }, (u: OutputUpdate) => u.remove('prod/x.yaml'), 'OUT/prod is a symbolic link; tenant-edge changes only real folders inside its output'],
    ['a file where a folder must go', () => fs.writeFileSync(path.join(out, 'prod'), 'x\n'), (u: OutputUpdate) => u.write({ path: 'prod/x.yaml', content: 'x\n' }), 'cannot write OUT/prod/x.yaml: OUT/prod is a file'],
    ['a folder that stays where a file must go', () => fs.mkdirSync(path.join(out, 'prod', 'x.yaml'), { recursive: true }), (u: OutputUpdate) => u.write({ path: 'prod/x.yaml', content: 'x\n' }), 'cannot write OUT/prod/x.yaml: it is a folder'],
    ['a removal of a folder', () => fs.mkdirSync(path.join(out, 'prod', 'x'), { recursive: true }), (u: OutputUpdate) => u.remove('prod/x'), 'cannot remove OUT/prod/x: it is a folder'],
  ])('%s is refused before anything is journaled', (_what, arrange, change, message) => {
    makeOutput({});
    arrange();
    const before = listing(dir);
    const update = OutputUpdate.begin(out);
    change(update);
    expect(() => update.commit()).toThrow(new OutputDirError(message.replaceAll('OUT', out)));
    update.abort();
    expect(listing(dir)).toEqual(before);
  });

  test("a live run's lock is refused; a dead run's lock is taken over", () => {
    makeOutput({ 'a.yaml': 'a\n' });
    fs.writeFileSync(path.join(dir, '.dist.lock'), `${process.ppid}\n`);
    expect(() => OutputUpdate.begin(out)).toThrow(
      new OutputDirError(`another tenant-edge run (pid ${process.ppid}) is writing ${out}; wait for it, or remove .dist.lock if that process is not tenant-edge`),
    );
    expect(() => OutputTransaction.begin(out)).toThrow(`another tenant-edge run (pid ${process.ppid})`);
    fs.writeFileSync(path.join(dir, '.dist.lock'), '999999999\n');
    const update = OutputUpdate.begin(out);
    expect(fs.readFileSync(path.join(dir, '.dist.lock'), 'utf8')).toBe(`${process.pid}\n`);
    update.commit();
    expect(besideOutput()).toEqual([]);
  });

  test.each([
    ['leading digits of a live pid, then other bytes', '1abc\n'],
    ['blanks before a live pid', ' 1\n'],
    ['a live pid without its newline', '1'],
    ['nothing', ''],
  ])("a lock holding %s is no live run's lock: it is taken over", (_what, text) => {
    makeOutput({ 'a.yaml': 'a\n' });
    fs.writeFileSync(path.join(dir, '.dist.lock'), text);
    const update = OutputUpdate.begin(out);
    expect(fs.readFileSync(path.join(dir, '.dist.lock'), 'utf8')).toBe(`${process.pid}\n`);
    update.abort();
    expect(besideOutput()).toEqual([]);
  });

  test('a breaker left by a run killed while it took over a stale lock is refused, with what to do', () => {
    makeOutput({ 'a.yaml': 'a\n' });
    const dead = spawnSync(process.execPath, ['-e', '']).pid!;
    fs.writeFileSync(path.join(dir, '.dist.lock'), `${dead}\n`);
    fs.writeFileSync(path.join(dir, '.dist.lock.break'), `${dead}\n`);
    expect(() => OutputUpdate.begin(out)).toThrow(
      new OutputDirError(`${path.join(dir, '.dist.lock.break')} is left by a tenant-edge run that stopped while it took over a stale lock of ${out}; remove it if no tenant-edge run is writing ${out}`),
    );
    expect(besideOutput()).toEqual(['.dist.lock', '.dist.lock.break']);
  });

  test('environments carried over keep their folders and files; a FIFO or socket in one is a usage error naming it, and the output stays', () => {
    makeOutput({ 'prod/a.yaml': 'a\n', 'prod/sub/b.yaml': 'b\n', 'prod/empty/': '' });
    let tx = OutputTransaction.begin(out);
    tx.write({ path: 'dev/x.yaml', content: 'x\n' });
    tx.carryOver(['prod', 'gone']);
    tx.commit();
    expect(listing()).toEqual({ 'README.md': README, 'dev/': '', 'dev/x.yaml': 'x\n', 'prod/': '', 'prod/a.yaml': 'a\n', 'prod/empty/': '', 'prod/sub/': '', 'prod/sub/b.yaml': 'b\n' });
    execFileSync('mkfifo', [path.join(out, 'prod', 'sub', 'pipe')]);
    const before = listing();
    tx = OutputTransaction.begin(out);
    tx.write({ path: 'dev/x.yaml', content: 'x2\n' });
    expect(() => tx.carryOver(['prod'])).toThrow(
      new OutputDirError(`cannot keep ${out}/prod/sub/pipe: it is a FIFO, and tenant-edge output holds only folders and regular files; remove it, or run synth without --env`),
    );
    tx.abort();
    expect(listing()).toEqual(before);
    expect(besideOutput()).toEqual([]);
    fs.rmSync(path.join(out, 'prod', 'sub', 'pipe'));
    fs.symlinkSync('/etc/passwd', path.join(out, 'prod', 'link'));
    tx = OutputTransaction.begin(out);
    expect(() => tx.carryOver(['prod'])).toThrow(`cannot keep ${out}/prod/link: it is a symbolic link,`);
    tx.abort();
  });

  test('the names of its work files are ignored by git', () => {
    const patterns = fs
      .readFileSync(path.join(ROOT, '.gitignore'), 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('.dist.'))
      .map((glob) => new RegExp(`^${glob.replace(/\./g, '\\.').replace(/\*/g, '.*')}$`));
    for (const name of ['.dist.update-0123456789ab', '.dist.journal', '.dist.journal.tmp', '.dist.lock']) {
      expect([name, patterns.some((p) => p.test(name))]).toEqual([name, true]);
    }
  });
});

describe('recovery of a killed update', () => {
  test.each(Array.from({ length: STEPS + 1 }, (_, n) => n))(
    'killed after %i steps of its journal, the update is finished by the next begin()',
    (n) => {
      makeOutput(BEFORE);
      const before = listing();
      updateHooks.afterStep = (done) => {
        if (done === n) throw new Error('killed');
      };
      const update = OutputUpdate.begin(out);
      applyChanges(update);
      expect(() => update.commit()).toThrow(`cannot update ${out}: killed; the next run finishes the update`);
      update.abort();
      updateHooks.afterStep = undefined;
      // The journal and the files it renames stay for the next run; the lock is free.
      expect(besideOutput()).toEqual(['.dist.journal', expect.stringMatching(/^\.dist\.update-[0-9a-f]{12}$/)]);
      if (n === 0) expect(listing()).toEqual(before);
      OutputUpdate.begin(out).abort();
      expect(listing()).toEqual(AFTER);
      expect(besideOutput()).toEqual([]);
    },
  );

  test('OutputTransaction.begin finishes an interrupted update too', () => {
    makeOutput(BEFORE);
    updateHooks.afterStep = (done) => {
      if (done === 3) throw new Error('killed');
    };
    const update = OutputUpdate.begin(out);
    applyChanges(update);
    expect(() => update.commit()).toThrow('killed');
    OutputTransaction.begin(out).abort();
    expect(listing()).toEqual(AFTER);
    expect(besideOutput()).toEqual([]);
  });

  test('a journal written by hand in the documented format is replayed, steps already done included', () => {
    makeOutput({ 'prod/a.yaml': 'old a\n', 'prod/b.yaml': 'new b\n', 'prod/gone/x.yaml': 'x\n' });
    fs.mkdirSync(path.join(dir, '.dist.update-00ff'));
    fs.writeFileSync(path.join(dir, '.dist.update-00ff', '0'), 'new a\n');
    // Staged file 1 (prod/b.yaml) was renamed before the kill: its source is gone.
    const journal = {
      version: 1,
      staging: '.dist.update-00ff',
      remove: ['dist/prod/gone/x.yaml', 'dist/prod/never-was.yaml'],
      rename: [
        { from: '.dist.update-00ff/0', to: 'dist/prod/a.yaml' },
        { from: '.dist.update-00ff/1', to: 'dist/prod/b.yaml' },
      ],
    };
    fs.writeFileSync(path.join(dir, '.dist.journal'), JSON.stringify(journal));
    OutputUpdate.begin(out).abort();
    expect(listing()).toEqual({ 'README.md': README, 'prod/': '', 'prod/a.yaml': 'new a\n', 'prod/b.yaml': 'new b\n' });
    expect(besideOutput()).toEqual([]);
  });

  test.each([
    ['not JSON', '{"version": 1, "remo', /is damaged \(.*JSON.*\)/],
    ['a step outside the output', JSON.stringify({ version: 1, staging: null, remove: ['dist/../platform.yaml'], rename: [] }), /is damaged \(output path "\.\.\/platform\.yaml" has a "\.\." segment, which would leave the output folder\)/],
    ['a rename from outside its staging folder', JSON.stringify({ version: 1, staging: '.dist.update-00', remove: [], rename: [{ from: 'platform.yaml', to: 'dist/x.yaml' }] }), /is damaged \(rename from "platform\.yaml"\)/],
    ['a FIFO', null, /is damaged \(it is not a regular file\)/],
    ['a link to /dev/zero', '/dev/zero', /is damaged \(it is a symbolic link\)/],
  ])('a damaged journal (%s) is refused by an update, which changes nothing; a full transaction replaces the tree and removes it', (what, text, message) => {
    makeOutput({ 'a.yaml': 'a\n' });
    fs.writeFileSync(path.join(dir, 'platform.yaml'), 'precious\n');
    const journal = path.join(dir, '.dist.journal');
    if (what === 'a FIFO') execFileSync('mkfifo', [journal]);
    else if (text === '/dev/zero') fs.symlinkSync(text, journal);
    else fs.writeFileSync(journal, text!);
    const before = listing(dir);
    expect(() => OutputUpdate.begin(out)).toThrow(OutputDirError);
    expect(() => OutputUpdate.begin(out)).toThrow(message);
    expect(() => OutputUpdate.begin(out)).toThrow(`cannot be finished; a full synth rewrites ${out} and removes .dist.journal`);
    expect(listing(dir)).toEqual(before);
    expect(besideOutput()).toEqual(['.dist.journal', 'platform.yaml']);
    const tx = OutputTransaction.begin(out);
    // Until the new tree is in, the journal stays: a full run that fails leaves it for the next.
    expect(besideOutput()).toEqual(['.dist.journal', '.dist.lock', expect.stringMatching(/^\.dist\.staging-[0-9a-f]{12}$/), 'platform.yaml']);
    tx.write({ path: 'b.yaml', content: 'b\n' });
    tx.commit();
    expect(listing()).toEqual({ 'README.md': README, 'b.yaml': 'b\n' });
    expect(besideOutput()).toEqual(['platform.yaml']);
  });

  test('a staging folder without a journal, a journal half written, or a temporary lock file, is removed and the output untouched', () => {
    makeOutput(BEFORE);
    const before = listing();
    fs.mkdirSync(path.join(dir, '.dist.update-0a0a'));
    fs.writeFileSync(path.join(dir, '.dist.update-0a0a', '0'), 'staged, never journaled\n');
    fs.writeFileSync(path.join(dir, '.dist.journal.tmp'), '{"version": 1, "staging": ".dist.upd');
    fs.mkdirSync(path.join(dir, '.dist.staging-0b0b'));
    fs.writeFileSync(path.join(dir, '.dist.lock.0123456789abcdef.tmp'), `${process.pid}\n`);
    fs.writeFileSync(path.join(dir, '.dist.lock.break.0123456789abcdef.tmp'), `${process.pid}\n`);
    OutputUpdate.begin(out).abort();
    expect(listing()).toEqual(before);
    expect(besideOutput()).toEqual([]);
  });

  test('a journal whose output folder was removed since is dropped', () => {
    makeOutput(BEFORE);
    updateHooks.afterStep = () => {
      throw new Error('killed');
    };
    const update = OutputUpdate.begin(out);
    applyChanges(update);
    expect(() => update.commit()).toThrow('killed');
    fs.rmSync(out, { recursive: true });
    OutputTransaction.begin(out).abort();
    expect(fs.existsSync(out)).toBe(false);
    expect(besideOutput()).toEqual([]);
  });

  describe('a forged journal never moves a file from outside the output (attack y, finding 3)', () => {
    const victimOf = (): string => {
      const victim = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), 'tenant-edge-victim-'));
      fs.writeFileSync(path.join(victim, '0'), 'precious\n');
      return victim;
    };
    const forge = (staging: string): void => {
      const journal = { version: 1, staging, remove: [], rename: [{ from: `${staging}/0`, to: 'dist/stolen.yaml' }] };
      fs.writeFileSync(path.join(dir, '.dist.journal'), JSON.stringify(journal));
    };
    test.each([
      ['its update folder is a link to a folder elsewhere', (victim: string) => fs.symlinkSync(victim, path.join(dir, '.dist.update-abc')), () => `its update folder ${path.join(dir, '.dist.update-abc')} is a symbolic link`],
      ['a staged file is a link to a file elsewhere', (victim: string) => {
        fs.mkdirSync(path.join(dir, '.dist.update-abc'));
        fs.symlinkSync(path.join(victim, '0'), path.join(dir, '.dist.update-abc', '0'));
      }, () => `${path.join(dir, '.dist.update-abc', '0')} is a symbolic link`],
      ['its update folder is a file', () => fs.writeFileSync(path.join(dir, '.dist.update-abc'), 'x\n'), () => `its update folder ${path.join(dir, '.dist.update-abc')} is not a folder`],
    ])('%s: the journal is damaged; an update refuses it, a full transaction replaces the tree', (_what, plant, why) => {
      makeOutput({ 'a.yaml': 'a\n' });
      const victim = victimOf();
      try {
        plant(victim);
        forge('.dist.update-abc');
        expect(() => OutputUpdate.begin(out)).toThrow(
          new OutputDirError(`.dist.journal beside ${out} is damaged (${why()}), so the last update of ${out} cannot be finished; a full synth rewrites ${out} and removes .dist.journal`),
        );
        expect(listing()).toEqual({ 'README.md': README, 'a.yaml': 'a\n' });
        const tx = OutputTransaction.begin(out);
        tx.write({ path: 'b.yaml', content: 'b\n' });
        tx.commit();
        expect(listing()).toEqual({ 'README.md': README, 'b.yaml': 'b\n' });
        expect(besideOutput()).toEqual([]);
        expect(listing(victim)).toEqual({ '0': 'precious\n' });
      } finally {
        fs.rmSync(victim, { recursive: true, force: true });
      }
    });
  });

  test('a leftover of a swap that is a link is removed, never renamed into the output', () => {
    const victim = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), 'tenant-edge-victim-'));
    try {
      fs.writeFileSync(path.join(victim, 'README.md'), README);
      fs.symlinkSync(victim, path.join(dir, '.dist.staging-ab'));
      fs.symlinkSync(victim, path.join(dir, '.dist.staging-ab.old'));
      OutputTransaction.begin(out).abort();
      expect(besideOutput()).toEqual([]);
      expect(fs.existsSync(out)).toBe(false);
      expect(listing(victim)).toEqual({ 'README.md': README });
    } finally {
      fs.rmSync(victim, { recursive: true, force: true });
    }
  });

  /**
   * write.ts and the modules it loads as plain JavaScript under `into` (in lib/'s layout), for a
   * child process: jest's transform is not there.
   */
  function compileOutputModules(into: string): string {
    const modules = ['output/write', 'output/work-files', 'output/safe-read', 'output/file-writer', 'output/manifest-schemas', 'output/formats', 'output/serialize', 'output/yaml-emit', 'project-root'];
    for (const name of modules) {
      const source = fs.readFileSync(path.join(ROOT, 'lib', `${name}.ts`), 'utf8');
      const { outputText } = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } });
      fs.mkdirSync(path.dirname(path.join(into, 'lib', name)), { recursive: true });
      fs.writeFileSync(path.join(into, 'lib', `${name}.js`), outputText);
    }
    return path.join(into, 'lib', 'output', 'write.js');
  }

  test('a run that finds a stale lock while another takes it over waits for it, and never removes its lock', () => {
    makeOutput({ 'a.yaml': 'a\n' });
    const modules = path.join(dir, 'modules');
    fs.mkdirSync(modules);
    const write = compileOutputModules(modules);
    const dead = spawnSync(process.execPath, ['-e', '']).pid!;
    fs.writeFileSync(path.join(dir, '.dist.lock'), `${dead}\n`);
    let other: ReturnType<typeof spawnSync> | undefined;
    // This run holds the breaker and is about to remove the stale lock; another run starts now.
    lockHooks.beforeTakeOver = () => {
      const script = `
        const { OutputUpdate } = require(${JSON.stringify(write)});
        try { OutputUpdate.begin(${JSON.stringify(out)}); console.log('held'); } catch (err) { console.log(err.message); }
      `;
      other = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 30_000 });
    };
    const update = OutputUpdate.begin(out);
    expect(other?.stdout).toBe(
      `another tenant-edge run (pid ${process.pid}) has been taking over a stale lock of ${out} for seconds; wait for it, or remove .dist.lock.break if that process is not tenant-edge\n`,
    );
    expect(fs.readFileSync(path.join(dir, '.dist.lock'), 'utf8')).toBe(`${process.pid}\n`);
    update.abort();
    expect(besideOutput()).toEqual(['modules']);
  });

  test('two runs that find the same stale lock never both hold it (20 tries, in child processes)', async () => {
    makeOutput({ 'a.yaml': 'a\n' });
    const modules = path.join(dir, 'modules');
    fs.mkdirSync(modules);
    const write = compileOutputModules(modules);
    const dead = spawnSync(process.execPath, ['-e', '']).pid!;
    // Each child starts at the same millisecond, holds the lock for 100 ms and prints when.
    const script = `
      const { OutputUpdate } = require(${JSON.stringify(write)});
      const start = Number(process.argv[1]);
      while (Date.now() < start) {}
      let update;
      try { update = OutputUpdate.begin(${JSON.stringify(out)}); } catch (err) { console.log(JSON.stringify({ refused: err.message })); process.exit(0); }
      const from = Date.now();
      while (Date.now() < from + 100) {}
      const to = Date.now();
      update.abort();
      console.log(JSON.stringify({ from, to }));
    `;
    const child = (start: number): Promise<string> =>
      new Promise((resolve, reject) => {
        const p = spawn(process.execPath, ['-e', script, String(start)], { stdio: ['ignore', 'pipe', 'inherit'], timeout: 30_000 });
        let text = '';
        p.stdout.on('data', (d: Buffer) => (text += d.toString()));
        p.on('error', reject);
        p.on('close', () => resolve(text));
      });
    const overlaps: string[] = [];
    let held = 0;
    for (let i = 0; i < 20; i++) {
      fs.writeFileSync(path.join(dir, '.dist.lock'), `${dead}\n`);
      const start = Date.now() + 400;
      const results = (await Promise.all([child(start), child(start)])).map((t) => JSON.parse(t) as { from?: number; to?: number; refused?: string });
      const holders = results.filter((r) => r.from !== undefined);
      held += holders.length;
      if (holders.length === 2 && holders[0].from! < holders[1].to! && holders[1].from! < holders[0].to!) overlaps.push(JSON.stringify(results));
      for (const r of results) if (r.refused) expect(r.refused).toMatch(/^another tenant-edge run \(pid \d+\) is writing /);
      expect(besideOutput()).toEqual(['modules']);
    }
    expect(overlaps).toEqual([]);
    expect(held).toBeGreaterThanOrEqual(20);
  }, 120_000);

  test.each([0, 4, 7, STEPS])('a process killed (SIGKILL) after %i steps leaves what the next begin() finishes', (n) => {
    makeOutput(BEFORE);
    const modules = path.join(dir, 'modules');
    fs.mkdirSync(modules);
    const write = compileOutputModules(modules);
    const script = `
      const { OutputUpdate, updateHooks } = require(${JSON.stringify(write)});
      updateHooks.afterStep = (done) => { if (done === ${n}) process.kill(process.pid, 'SIGKILL'); };
      const update = OutputUpdate.begin(${JSON.stringify(out)});
      (${applyChanges.toString()})(update);
      update.commit();
    `;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 30_000 });
    expect([r.signal, r.stderr]).toEqual(['SIGKILL', '']);
    // The lock names the killed process, which the next run takes over.
    expect(besideOutput()).toEqual(['.dist.journal', '.dist.lock', expect.stringMatching(/^\.dist\.update-[0-9a-f]{12}$/), 'modules']);
    OutputUpdate.begin(out).abort();
    expect(listing()).toEqual(AFTER);
    expect(besideOutput()).toEqual(['modules']);
  });
});
