import * as fs from 'fs';
import * as path from 'path';
import { parseArgs } from 'util';
import { checkCommand } from './commands/check';
import { Io } from './commands/io';
import { describe, UsageError } from './commands/plan';
import { sansCommand } from './commands/sans';
import { synthCommand } from './commands/synth';
import { validateCommand } from './commands/validate';
import { InputError } from './input/problems';
import { OutputDirError } from './output/write';
import { projectRoot } from './project-root';

export type { Io } from './commands/io';

export const EXIT = { ok: 0, invalid: 1, usage: 2, internal: 3, stale: 4 } as const;

type Command = 'synth' | 'validate' | 'check' | 'sans';
type OptionName = 'platform' | 'tenants' | 'out' | 'env' | 'allow-removal' | 'cache' | 'no-cache';

const OPTION_HELP: Record<OptionName, string> = {
  platform: '  --platform FILE   platform spec (default: platform.yaml)',
  tenants: '  --tenants DIR     folder of tenant specs (default: tenants/)',
  out: '  --out DIR         output folder (default: dist/)',
  env: '  --env NAME        only this environment; other folders of the output are kept (synth) or ignored (check)',
  'allow-removal': '  --allow-removal   let this run remove all tenants, or more than a tenth of an environment\'s',
  cache: '  --cache DIR       where synth keeps what the next run needs to render only what changed (default: .<out>.cache beside the output)',
  'no-cache': '  --no-cache        render and write everything, and keep no cache',
};

const EXIT_HELP = 'exit codes: 0 success, 1 invalid input, 2 usage error, 3 internal error, 4 output folder out of date (check)';

/** Each command with its one-line summary and the options it takes. */
const COMMANDS: Record<Command, { readonly summary: string; readonly options: readonly OptionName[] }> = {
  synth: { summary: 'check the specs and write the manifests (atomically) to the output folder', options: ['platform', 'tenants', 'out', 'env', 'allow-removal', 'cache', 'no-cache'] },
  validate: { summary: 'check the specs and the rendered manifests without writing anything', options: ['platform', 'tenants', 'env'] },
  check: { summary: 'fail when the output folder differs from what synth would write (for CI)', options: ['platform', 'tenants', 'out', 'env'] },
  sans: { summary: 'print the TenantControlPlane settings each control plane needs (ingress, networkProfile.certSANs)', options: ['platform', 'tenants', 'env'] },
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
    `usage: tenant-edge ${command} ${c.options.map((o) => (o === 'allow-removal' || o === 'no-cache' ? `[--${o}]` : `[--${o} ${o === 'platform' ? 'FILE' : o === 'env' ? 'NAME' : 'DIR'}]`)).join(' ')}`,
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
        cache: { type: 'string' },
        'no-cache': { type: 'boolean' },
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
  if (values.cache !== undefined && values['no-cache']) {
    io.err('tenant-edge: give --cache or --no-cache, not both');
    return EXIT.usage;
  }
  const opts = {
    cacheDir: values['no-cache'] ? (false as const) : values.cache,
    platformFile: values.platform ?? 'platform.yaml',
    tenantsDir: values.tenants ?? 'tenants',
    outDir: values.out ?? 'dist',
    env: values.env,
    allowRemoval: values['allow-removal'] ?? false,
  };
  const started = process.hrtime.bigint();
  try {
    if (command === 'check') return checkCommand(opts, io) === 'ok' ? EXIT.ok : EXIT.stale;
    if (command === 'sans') {
      sansCommand(opts, io);
      return EXIT.ok;
    }
    const synth = command === 'synth' ? synthCommand(opts) : undefined;
    const summary = synth ? synth.summary : validateCommand(opts, io);
    for (const notice of summary.notices) io.err(notice);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const how = synth?.mode === 'incremental' ? ` (${synth.rendered} of ${synth.units} units rendered again)` : '';
    io.out(synth ? `wrote ${opts.outDir}: ${describe(summary)}, ${summary.files} files in ${ms.toFixed(0)} ms${how}` : `valid: ${describe(summary)}`);
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


