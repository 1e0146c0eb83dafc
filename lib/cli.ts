import * as fs from 'fs';
import * as path from 'path';
import { parseArgs } from 'util';
import { OutputDirError } from './output/write';
import { validateManifest } from './schemas/validator';
import { InputError } from './spec/problems';
import { renderAll, SynthSummary, synthToDir, UsageError } from './synth';

export const EXIT = { ok: 0, invalid: 1, usage: 2, internal: 3 } as const;

const USAGE = `usage: tenant-edge <command> [options]

commands:
  synth      check the specs and write the manifests (atomically) to the output folder
  validate   check the specs and the rendered manifests without writing anything

options:
  --platform FILE   platform spec (default: platform.yaml)
  --tenants DIR     folder of tenant specs (default: tenants/)
  --out DIR         output folder (default: dist/)
  --env NAME        render only this environment; other folders of the output are kept
  -h, --help        show this help

exit codes: 0 success, 1 invalid input, 2 usage error, 3 internal error`;

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
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    io.err(`tenant-edge: ${(err as Error).message.split('\n')[0]}`);
    io.err(USAGE);
    return EXIT.usage;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.out(USAGE);
    return EXIT.ok;
  }
  const [command, ...extra] = positionals;
  if (command !== 'synth' && command !== 'validate') {
    io.err(command === undefined ? 'tenant-edge: missing command; use synth or validate' : `tenant-edge: unknown command "${command}"; use synth or validate`);
    io.err(USAGE);
    return EXIT.usage;
  }
  if (extra.length > 0) {
    io.err(`tenant-edge: unexpected argument "${extra[0]}"`);
    io.err(USAGE);
    return EXIT.usage;
  }
  const opts = {
    platformFile: values.platform ?? 'platform.yaml',
    tenantsDir: values.tenants ?? 'tenants',
    outDir: values.out ?? 'dist',
    env: values.env,
  };
  const started = process.hrtime.bigint();
  try {
    const summary = command === 'synth' ? synth(opts) : validate(opts, io);
    for (const notice of summary.notices) io.err(notice);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const what = `${summary.tenants} tenant${summary.tenants === 1 ? '' : 's'}, ${summary.environments.length} environment${summary.environments.length === 1 ? '' : 's'} (${summary.environments.join(', ')}), ${summary.objects} objects`;
    io.out(command === 'synth' ? `wrote ${opts.outDir}: ${what}, ${summary.files} files in ${ms.toFixed(0)} ms` : `valid: ${what}`);
    return EXIT.ok;
  } catch (err) {
    if (err instanceof InputError) {
      for (const p of err.message.split('\n')) io.err(p);
      io.err(`${err.problems.length} problem${err.problems.length === 1 ? '' : 's'} found; nothing was written`);
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

function synth(opts: { platformFile: string; tenantsDir: string; outDir: string; env?: string }): SynthSummary {
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
