import * as fs from 'fs';
import * as path from 'path';
import { parseArgs } from 'util';
import { OutputDirError, README } from './output/write';
import { projectRoot } from './project-root';
import { validateManifest } from './schemas/validator';
import { InputError } from './spec/problems';
import { renderAll, SynthSummary, synthToDir, UsageError } from './synth';

export const EXIT = { ok: 0, invalid: 1, usage: 2, internal: 3, stale: 4 } as const;

type Command = 'synth' | 'validate' | 'check';
type OptionName = 'platform' | 'tenants' | 'out' | 'env' | 'allow-removal';

const OPTION_HELP: Record<OptionName, string> = {
  platform: '  --platform FILE   platform spec (default: platform.yaml)',
  tenants: '  --tenants DIR     folder of tenant specs (default: tenants/)',
  out: '  --out DIR         output folder (default: dist/)',
  env: '  --env NAME        only this environment; other folders of the output are kept (synth) or ignored (check)',
  'allow-removal': '  --allow-removal   let this run remove all tenants, or more than a tenth of an environment\'s',
};

const EXIT_HELP = 'exit codes: 0 success, 1 invalid input, 2 usage error, 3 internal error, 4 output folder out of date (check)';

/** Each command with its one-line summary and the options it takes. */
const COMMANDS: Record<Command, { readonly summary: string; readonly options: readonly OptionName[] }> = {
  synth: { summary: 'check the specs and write the manifests (atomically) to the output folder', options: ['platform', 'tenants', 'out', 'env', 'allow-removal'] },
  validate: { summary: 'check the specs and the rendered manifests without writing anything', options: ['platform', 'tenants', 'env'] },
  check: { summary: 'fail when the output folder differs from what synth would write (for CI)', options: ['platform', 'tenants', 'out', 'env'] },
};

const USAGE = [
  'usage: tenant-edge <command> [options]',
  '',
  'commands:',
  ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`),
  '',
  'options:',
  ...Object.values(OPTION_HELP),
  '  -h, --help        show this help (`tenant-edge <command> --help` for one command)',
  '  --version         print the version',
  '',
  EXIT_HELP,
].join('\n');

function commandUsage(command: Command): string {
  const c = COMMANDS[command];
  return [
    `usage: tenant-edge ${command} ${c.options.map((o) => (o === 'allow-removal' ? `[--${o}]` : `[--${o} ${o === 'platform' ? 'FILE' : o === 'env' ? 'NAME' : 'DIR'}]`)).join(' ')}`,
    '',
    c.summary,
    '',
    'options:',
    ...c.options.map((o) => OPTION_HELP[o]),
    '  -h, --help        show this help',
    '',
    EXIT_HELP,
  ].join('\n');
}

function isCommand(value: string | undefined): value is Command {
  return value !== undefined && Object.prototype.hasOwnProperty.call(COMMANDS, value);
}

/** The version in package.json. */
export function version(): string {
  const manifest = JSON.parse(fs.readFileSync(path.join(projectRoot(), 'package.json'), 'utf8')) as { version: string };
  return manifest.version;
}

export interface Io {
  out(line: string): void;
  err(line: string): void;
}

const stdio: Io = {
  out: (l) => process.stdout.write(`${l}\n`),
  err: (l) => process.stderr.write(`${l}\n`),
};

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export function run(argv: readonly string[], io: Io = stdio): number {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        platform: { type: 'string' },
        tenants: { type: 'string' },
        out: { type: 'string' },
        env: { type: 'string' },
        'allow-removal': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean' },
      },
    });
  } catch (err) {
    io.err(`tenant-edge: ${(err as Error).message.split('\n')[0]}`);
    io.err(USAGE);
    return EXIT.usage;
  }
  const { values, positionals } = parsed;
  const [command, ...extra] = positionals;
  if (values.version) {
    io.out(`tenant-edge ${version()}`);
    return EXIT.ok;
  }
  if (values.help) {
    io.out(isCommand(command) ? commandUsage(command) : USAGE);
    return EXIT.ok;
  }
  const known = Object.keys(COMMANDS).join(', ');
  if (!isCommand(command)) {
    io.err(command === undefined ? `tenant-edge: missing command; use one of ${known}` : `tenant-edge: unknown command "${command}"; use one of ${known}`);
    io.err(USAGE);
    return EXIT.usage;
  }
  if (extra.length > 0) {
    io.err(`tenant-edge: unexpected argument "${extra[0]}"`);
    io.err(commandUsage(command));
    return EXIT.usage;
  }
  const refused = (Object.keys(OPTION_HELP) as OptionName[]).find((o) => values[o] !== undefined && !COMMANDS[command].options.includes(o));
  if (refused) {
    io.err(`tenant-edge: ${command} takes no --${refused}${refused === 'out' ? ' (it writes nothing)' : ''}`);
    io.err(commandUsage(command));
    return EXIT.usage;
  }
  const opts = {
    platformFile: values.platform ?? 'platform.yaml',
    tenantsDir: values.tenants ?? 'tenants',
    outDir: values.out ?? 'dist',
    env: values.env,
    allowRemoval: values['allow-removal'] ?? false,
  };
  const started = process.hrtime.bigint();
  try {
    if (command === 'check') return check(opts, io);
    const summary = command === 'synth' ? synth(opts) : validate(opts, io);
    for (const notice of summary.notices) io.err(notice);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    io.out(command === 'synth' ? `wrote ${opts.outDir}: ${describe(summary)}, ${summary.files} files in ${ms.toFixed(0)} ms` : `valid: ${describe(summary)}`);
    return EXIT.ok;
  } catch (err) {
    if (err instanceof InputError) {
      for (const p of err.message.split('\n')) io.err(p);
      io.err(`${err.total} problem${err.total === 1 ? '' : 's'} found; nothing was written`);
      return EXIT.invalid;
    }
    if (err instanceof UsageError || err instanceof OutputDirError) {
      io.err(`tenant-edge: ${err.message}`);
      return EXIT.usage;
    }
    io.err(`tenant-edge: internal error: ${(err as Error).message}`);
    if (process.env.TENANT_EDGE_DEBUG) io.err(String((err as Error).stack));
    else io.err('(set TENANT_EDGE_DEBUG=1 for a stack trace; nothing was written)');
    return EXIT.internal;
  }
}

function describe(summary: SynthSummary): string {
  const n = (count: number, what: string): string => `${count} ${what}${count === 1 ? '' : 's'}`;
  return `${n(summary.tenants, 'tenant')}, ${n(summary.environments.length, 'environment')} (${summary.environments.join(', ')}), ${summary.objects} objects`;
}

/**
 * Renders in memory and compares with the output folder: every file synth would write must be
 * there with the same bytes, and nothing else may be. With --env only that environment's folder
 * is compared, as synth --env leaves the rest alone.
 */
function check(opts: { platformFile: string; tenantsDir: string; outDir: string; env?: string }, io: Io): number {
  const expected = new Map<string, string>();
  const summary = renderAll(opts, (f) => expected.set(f.path, f.content));
  if (opts.env === undefined) expected.set('README.md', README);
  for (const notice of summary.notices) io.err(notice);
  const outDir = path.resolve(opts.outDir);
  const differences: { file: string; what: 'missing' | 'differs' | 'extra' }[] = [];
  for (const [file, content] of expected) {
    let actual: string | undefined;
    try {
      actual = fs.readFileSync(path.join(outDir, file), 'utf8');
    } catch {
      actual = undefined;
    }
    if (actual === undefined) differences.push({ file, what: 'missing' });
    else if (actual !== content) differences.push({ file, what: 'differs' });
  }
  const present = opts.env === undefined ? listFiles(outDir) : listFiles(path.join(outDir, opts.env)).map((f) => `${opts.env}/${f}`);
  for (const file of present) {
    if (!expected.has(file)) differences.push({ file, what: 'extra' });
  }
  if (differences.length === 0) {
    io.out(`up to date: ${opts.outDir} matches ${describe(summary)}`);
    return EXIT.ok;
  }
  differences.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  for (const d of differences) io.err(`${opts.outDir}/${d.file}: ${d.what}`);
  io.err(`${opts.outDir} is out of date (${differences.length} file${differences.length === 1 ? '' : 's'}); run \`npx tenant-edge synth\` and commit the result`);
  return EXIT.stale;
}

/** Files below `dir`, relative, with forward slashes; none when it does not exist. */
function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, prefix: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.isDirectory()) walk(path.join(d, e.name), `${prefix}${e.name}/`);
      else out.push(`${prefix}${e.name}`);
    }
  };
  walk(dir, '');
  return out;
}

function synth(opts: { platformFile: string; tenantsDir: string; outDir: string; env?: string; allowRemoval: boolean }): SynthSummary {
  // Under `cdk8s synth`, also leave one file per environment where cdk8s looks for manifests, so
  // its validation plugins see them. dist/ itself is written by tenant-edge, not by cdk8s-cli.
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

/** Renders in memory and checks every object against its Kubernetes or CRD schema. */
function validate(opts: { platformFile: string; tenantsDir: string; env?: string }, io: Io): SynthSummary {
  const invalid: string[] = [];
  const summary = renderAll(
    opts,
    () => undefined,
    ({ file, object }) => {
      for (const p of validateManifest(object)) invalid.push(`${file}: ${p}`);
    },
  );
  if (invalid.length > 0) {
    for (const line of invalid) io.err(line);
    throw new Error(`${invalid.length} rendered object${invalid.length === 1 ? '' : 's'} failed schema validation`);
  }
  return summary;
}
