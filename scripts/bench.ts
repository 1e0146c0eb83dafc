/**
 * `npm run bench [-- --sizes 1000,10000 --runs 3]`: generates realistic tenants for each size and
 * times whole, fresh processes (start-up and cold JIT included), reporting the median of the runs:
 *  - `synth` with the output on tmpfs (/dev/shm) and on disk (the system's temporary folder),
 *    with no cache to start from (a fresh machine), writing one;
 *  - `synth` again after editing one tenant, with the cache of the previous run;
 *  - `synth --no-cache` over the previous output, with the removal guard and without it
 *    (`--allow-removal`);
 *  - `validate`, for its memory;
 *  - a naive cdk8s app (scripts/naive-cdk8s.ts: one App, one chart per tenant, app.synth()) as the
 *    baseline, in the same run, for sizes up to --naive-max (default 1000; it does not finish at
 *    10,000).
 * Wall time, CPU time (user + system) and peak RSS come from GNU time. The ratios compare sizes and
 * the baseline within this run only: absolute figures depend on the machine and its load.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseArgs } from 'util';

const PLATFORM = `apiVersion: tenant-edge.dev/v1alpha1
kind: Platform
metadata: { name: bench }
spec:
  environments:
    - { name: dev, domain: dev.example.com, issuer: staging-dns01 }
    - { name: prod, domain: example.com, issuer: prod-dns01, dedicatedIngress: true }
  issuers:
    - name: prod-dns01
      environments: [prod]
      acme:
        server: production
        email: ops@example.com
        dns01:
          azureDNS:
            subscriptionID: 00000000-0000-0000-0000-000000000000
            resourceGroupName: dns
            hostedZoneName: example.com
            managedIdentityClientID: 11111111-1111-1111-1111-111111111111
    - name: staging-dns01
      environments: [dev]
      acme:
        server: staging
        email: ops@example.com
        dns01:
          azureDNS:
            subscriptionID: 00000000-0000-0000-0000-000000000000
            resourceGroupName: dns
            hostedZoneName: dev.example.com
            managedIdentityClientID: 11111111-1111-1111-1111-111111111111
    - name: prod-http01
      environments: [prod]
      acme: { server: production, email: ops@example.com, http01: {} }
  ingress:
    loadBalancer: { cloud: azure }
  monitoring:
    ruleLabels: { release: kube-prometheus-stack }
`;

/** A tenant shaped like the examples: a mix of dedicated and shared, TLS modes and options. */
function tenant(i: number): string {
  const name = `tenant-${String(i).padStart(5, '0')}`;
  const dedicated = i % 3 === 0 ? 'dedicated: false' : 'replicas: 2';
  const ip = i % 3 === 1 ? `\n  overrides:\n    prod:\n      ingress: { loadBalancerIP: 10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255} }` : '';
  const http01 = i % 7 === 0 ? '\n  tls: { issuer: prod-http01 }\n  environments: [prod]' : '';
  return `apiVersion: tenant-edge.dev/v1alpha1
kind: Tenant
metadata:
  name: ${name}
spec:
  ingress: { ${dedicated} }${ip}${http01}
  extraDomains: [${name}.example.net]
  routes:
    - name: services
      hosts: ["@", www]
      paths:
        - { path: /api, service: api, port: 8080 }
        - { path: /ui, service: ui, port: http }
      options:
        sslRedirect: true
        bodySize: 10m
        timeouts: { connect: 10, read: 120 }
        rateLimit: { rps: 50 }
    - name: realtime
      hosts: [ws]
      paths: [{ service: events, port: 8081 }]
      options: { websocket: true, affinity: { cookieName: route } }
    - name: partner
      hosts: [api.${name}.example.net]
      tls: { secretName: partner-tls }
      paths: [{ service: api, port: 8080 }]
    - name: status
      hosts: [status]
      tls: none
      paths: [{ path: /, pathType: Exact, service: status, port: 80 }]
`;
}

export function generate(dir: string, n: number): void {
  fs.writeFileSync(path.join(dir, 'platform.yaml'), PLATFORM);
  fs.mkdirSync(path.join(dir, 'tenants'));
  for (let i = 0; i < n; i++) fs.writeFileSync(path.join(dir, 'tenants', `tenant-${String(i).padStart(5, '0')}.yaml`), tenant(i));
}


interface Sample {
  readonly wallS: number;
  readonly cpuS: number;
  readonly rssMiB: number;
}

const ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.join(ROOT, 'bin', 'tenant-edge.js');
const NAIVE = path.join(ROOT, 'build', 'scripts', 'naive-cdk8s.js');

/** Runs a command under GNU time and returns its wall time, CPU time and peak RSS, or why it has none. */
function timed(args: readonly string[], timeoutS: number): Sample | string {
  const r = spawnSync('/usr/bin/time', ['-f', 'BENCH %e %U %S %M', process.execPath, ...args], { encoding: 'utf8', timeout: timeoutS * 1000, maxBuffer: 64 * 1024 * 1024 });
  if ((r.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT') return `did not finish within ${timeoutS} s`;
  const line = /BENCH ([\d.]+) ([\d.]+) ([\d.]+) (\d+)\s*$/.exec(r.stderr ?? '');
  if (r.error || r.status !== 0 || !line) return `failed (exit ${r.status}): ${(r.stderr ?? '').split('\n')[0]}`;
  return { wallS: Number(line[1]), cpuS: Number(line[2]) + Number(line[3]), rssMiB: Number(line[4]) / 1024 };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

interface Row {
  readonly size: number;
  readonly what: string;
  readonly sample?: Sample;
  /** Why there is no sample. */
  readonly failure?: string;
}

function measure(size: number, what: string, runs: number, timeoutS: number, command: (out: string) => string[], outRoot: string): Row {
  const samples: Sample[] = [];
  for (let i = 0; i < runs; i++) {
    const out = path.join(outRoot, `out-${size}-${i}`);
    const cache = path.join(outRoot, `.out-${size}-${i}.cache`);
    fs.rmSync(out, { recursive: true, force: true });
    fs.rmSync(cache, { recursive: true, force: true });
    const s = timed(command(out), timeoutS);
    fs.rmSync(out, { recursive: true, force: true });
    fs.rmSync(cache, { recursive: true, force: true });
    if (typeof s === 'string') return { size, what, failure: s };
    samples.push(s);
  }
  return {
    size,
    what,
    sample: { wallS: median(samples.map((s) => s.wallS)), cpuS: median(samples.map((s) => s.cpuS)), rssMiB: median(samples.map((s) => s.rssMiB)) },
  };
}

/**
 * Re-synth after editing one tenant: one full synth (untimed) leaves the output and its cache,
 * then each timed run follows an edit of one tenant's route option (a different value each time,
 * so every run has exactly one change to render), as a fresh process like the others.
 */
function measureIncremental(size: number, input: string, runs: number, timeoutS: number, common: string[], outRoot: string): Row {
  const what = 'synth after editing 1 tenant';
  const out = path.join(outRoot, `out-${size}-incremental`);
  const cache = path.join(outRoot, `.out-${size}-incremental.cache`);
  const file = path.join(input, 'tenants', `tenant-${String(Math.floor(size / 2)).padStart(5, '0')}.yaml`);
  const original = fs.readFileSync(file, 'utf8');
  try {
    const first = timed([CLI, 'synth', ...common, '--out', out], timeoutS);
    if (typeof first === 'string') return { size, what, failure: first };
    const samples: Sample[] = [];
    for (let i = 0; i < runs; i++) {
      fs.writeFileSync(file, original.replace('bodySize: 10m', `bodySize: ${11 + i}m`));
      const s = timed([CLI, 'synth', ...common, '--out', out], timeoutS);
      if (typeof s === 'string') return { size, what, failure: s };
      samples.push(s);
    }
    return { size, what, sample: { wallS: median(samples.map((s) => s.wallS)), cpuS: median(samples.map((s) => s.cpuS)), rssMiB: median(samples.map((s) => s.rssMiB)) } };
  } finally {
    fs.writeFileSync(file, original);
    fs.rmSync(out, { recursive: true, force: true });
    fs.rmSync(cache, { recursive: true, force: true });
  }
}

/**
 * A full synth over the output of the previous one (`--no-cache`, as after a change of
 * platform.yaml): the removal guard reads the previous output to count what Flux would delete.
 * With `--allow-removal` it does not, which shows what the guard costs.
 */
function measureOverPrevious(size: number, runs: number, timeoutS: number, common: string[], outRoot: string, flags: string[]): Row {
  const what = `full synth over its output${flags.length > 0 ? `, ${flags.join(' ')}` : ''}`;
  const out = path.join(outRoot, `out-${size}-again`);
  try {
    const first = timed([CLI, 'synth', ...common, '--out', out, '--no-cache'], timeoutS);
    if (typeof first === 'string') return { size, what, failure: first };
    const samples: Sample[] = [];
    for (let i = 0; i < runs; i++) {
      const s = timed([CLI, 'synth', ...common, '--out', out, '--no-cache', ...flags], timeoutS);
      if (typeof s === 'string') return { size, what, failure: s };
      samples.push(s);
    }
    return { size, what, sample: { wallS: median(samples.map((s) => s.wallS)), cpuS: median(samples.map((s) => s.cpuS)), rssMiB: median(samples.map((s) => s.rssMiB)) } };
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

/**
 * How much the machine's processors give in parallel: the same CPU-bound loop timed alone and as
 * two processes at once (medians of `runs`). 2.0 means two full cores; virtual CPUs that share a
 * physical core, or a CPU quota, give less, and so does any second thread synth uses.
 */
function parallelCapacity(runs: number): number {
  const spin = ['-e', 'let x = 0; for (let i = 0; i < 2e8; i++) x += i; if (x < 0) console.log(x);'];
  const once = (): number => {
    const start = process.hrtime.bigint();
    spawnSync(process.execPath, spin);
    return Number(process.hrtime.bigint() - start) / 1e9;
  };
  const twice = (): number => {
    const start = process.hrtime.bigint();
    spawnSync('sh', ['-c', `"${process.execPath}" -e '${spin[1]}' & "${process.execPath}" -e '${spin[1]}' & wait`]);
    return Number(process.hrtime.bigint() - start) / 1e9;
  };
  const alone = median(Array.from({ length: runs }, once));
  const together = median(Array.from({ length: runs }, twice));
  return (2 * alone) / together;
}

function main(): void {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string', default: '1000,10000' },
      runs: { type: 'string', default: '3' },
      'naive-max': { type: 'string', default: '1000' },
      timeout: { type: 'string', default: '600' },
    },
  });
  const sizes = values.sizes!.split(',').map(Number);
  const runs = Number(values.runs);
  const naiveMax = Number(values['naive-max']);
  const timeoutS = Number(values.timeout);
  if (sizes.some((n) => !Number.isInteger(n) || n < 1) || !Number.isInteger(runs) || runs < 1) {
    console.error('bench: --sizes takes whole numbers such as 1000,10000 and --runs a whole number');
    process.exit(2);
  }
  const disk = fs.mkdtempSync(path.join(os.tmpdir(), 'tenant-edge-bench-'));
  const tmpfs = fs.mkdtempSync(path.join(fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir(), 'tenant-edge-bench-'));
  // The synth processes authenticate their caches with a key of the benchmark's own, not the user's.
  process.env.TENANT_EDGE_CACHE_KEY = path.join(disk, 'cache.key');
  const rows: Row[] = [];
  try {
    for (const size of sizes) {
      const input = path.join(disk, `input-${size}`);
      fs.mkdirSync(input);
      generate(input, size);
      const common = ['--platform', path.join(input, 'platform.yaml'), '--tenants', path.join(input, 'tenants')];
      // Each run writes a new output folder, so no run finds a cache (a fresh CI machine); each writes one.
      const synth = (out: string): string[] => [CLI, 'synth', ...common, '--out', out];
      rows.push(measure(size, 'synth, output on tmpfs', runs, timeoutS, synth, tmpfs));
      rows.push(measure(size, 'synth, output on disk', runs, timeoutS, synth, disk));
      rows.push(measure(size, 'validate', runs, timeoutS, () => [CLI, 'validate', ...common], tmpfs));
      rows.push(measureIncremental(size, input, runs, timeoutS, common, tmpfs));
      rows.push(measureOverPrevious(size, runs, timeoutS, common, tmpfs, []));
      rows.push(measureOverPrevious(size, runs, timeoutS, common, tmpfs, ['--allow-removal']));
      if (size <= naiveMax) {
        rows.push(measure(size, 'naive cdk8s, output on tmpfs', runs, timeoutS, (out) => [NAIVE, ...common, '--out', out], tmpfs));
      }
    }
  } finally {
    fs.rmSync(disk, { recursive: true, force: true });
    fs.rmSync(tmpfs, { recursive: true, force: true });
  }
  const capacity = parallelCapacity(runs);
  console.log(`tenant-edge benchmark: fresh processes, median of ${runs} run${runs === 1 ? '' : 's'}, 2 environments per tenant`);
  console.log(`machine: ${os.cpus().length} CPUs; two CPU-bound processes at once get ${capacity.toFixed(2)}x the work of one done`);
  for (const r of rows) {
    const figures = r.sample
      ? `wall ${r.sample.wallS.toFixed(2).padStart(7)} s  cpu ${r.sample.cpuS.toFixed(2).padStart(7)} s  peak RSS ${r.sample.rssMiB.toFixed(0).padStart(5)} MiB`
      : r.failure;
    console.log(`${String(r.size).padStart(6)} tenants  ${r.what.padEnd(48)} ${figures}`);
  }
  const wall = (size: number, what: string): number | undefined => rows.find((r) => r.size === size && r.what === what)?.sample?.wallS;
  if (sizes.length >= 2) {
    const [small, large] = [Math.min(...sizes), Math.max(...sizes)];
    for (const what of ['synth, output on tmpfs', 'synth, output on disk']) {
      const a = wall(small, what);
      const b = wall(large, what);
      if (a && b) console.log(`${what}: time(${large}) / time(${small}) = ${(b / a).toFixed(2)} (linear = ${(large / small).toFixed(2)})`);
    }
  }
  for (const size of sizes) {
    const ours = wall(size, 'synth, output on tmpfs');
    const naive = wall(size, 'naive cdk8s, output on tmpfs');
    if (ours && naive) console.log(`${size} tenants: tenant-edge is ${(naive / ours).toFixed(1)}x faster than the naive cdk8s app`);
  }
  for (const size of sizes) {
    const inc = wall(size, 'synth after editing 1 tenant');
    const full = wall(size, 'synth, output on tmpfs');
    if (inc && full) console.log(`${size} tenants: re-synth after editing 1 tenant takes ${inc.toFixed(2)} s (${(full / inc).toFixed(1)}x less than a full synth)`);
  }
}

if (require.main === module) main();
