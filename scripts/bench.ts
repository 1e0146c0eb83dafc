/**
 * `npm run bench [-- --tenants N]`: generates N realistic tenants (default 1000) in a temporary
 * folder, synthesizes them to a temporary dist/ and prints wall time, time per tenant and peak
 * memory. It also runs half as many tenants first and prints how time grows, so a quadratic
 * regression shows up as a ratio well above 2.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseArgs } from 'util';
import { plan, renderAll, synthToDir } from '../lib/synth';

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

function generate(dir: string, n: number): void {
  fs.writeFileSync(path.join(dir, 'platform.yaml'), PLATFORM);
  fs.mkdirSync(path.join(dir, 'tenants'));
  for (let i = 0; i < n; i++) fs.writeFileSync(path.join(dir, 'tenants', `tenant-${String(i).padStart(5, '0')}.yaml`), tenant(i));
}

interface Figures {
  tenants: number;
  objects: number;
  files: number;
  /** Load, validate and resolve the specs. */
  checkMs: number;
  /** check + render every object to YAML in memory. */
  renderMs: number;
  /** The whole synth command: check + render + atomic write of dist/. */
  synthMs: number;
}

function measure(n: number): Figures {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenant-edge-bench-'));
  try {
    generate(dir, n);
    const opts = { platformFile: path.join(dir, 'platform.yaml'), tenantsDir: path.join(dir, 'tenants'), outDir: path.join(dir, 'dist') };
    const ms = (from: bigint): number => Number(process.hrtime.bigint() - from) / 1e6;
    let t = process.hrtime.bigint();
    plan(opts);
    const checkMs = ms(t);
    t = process.hrtime.bigint();
    let bytes = 0;
    renderAll(opts, (f) => (bytes += f.content.length));
    const renderMs = ms(t);
    t = process.hrtime.bigint();
    const summary = synthToDir(opts);
    const synthMs = ms(t);
    return { tenants: n, objects: summary.objects, files: summary.files, checkMs, renderMs, synthMs };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function main(): void {
  const { values } = parseArgs({ options: { tenants: { type: 'string', default: '1000' } } });
  const n = Number(values.tenants);
  if (!Number.isInteger(n) || n < 2) {
    console.error('bench: --tenants takes a whole number of at least 2');
    process.exit(2);
  }
  measure(20); // warm up module loading and JIT so the figures measure synthesis
  const half = measure(Math.floor(n / 2));
  const full = measure(n);
  const peakMiB = process.resourceUsage().maxRSS / 1024;
  const ms = (v: number): string => `${v.toFixed(0).padStart(6)} ms`;
  const line = (f: Figures): string =>
    `${String(f.tenants).padStart(6)} tenants ${String(f.objects).padStart(7)} objects ${String(f.files).padStart(7)} files | ` +
    `check ${ms(f.checkMs)} | render ${ms(f.renderMs)} ${((f.renderMs / f.tenants) * 1000).toFixed(0).padStart(5)} µs/tenant | ` +
    `synth ${ms(f.synthMs)} ${((f.synthMs / f.tenants) * 1000).toFixed(0).padStart(5)} µs/tenant`;
  console.log('tenant-edge benchmark, 2 environments per tenant');
  console.log('  check  = load, validate and resolve the specs');
  console.log('  render = check + every object to YAML, in memory (the code\'s own cost)');
  console.log('  synth  = the synth command: check + render + atomic write (adds the file system\'s cost)');
  console.log(line(half));
  console.log(line(full));
  const ratio = (a: number, b: number): string => (a / b).toFixed(2);
  console.log(`scaling ${ratio(full.tenants, half.tenants)}x tenants: check ${ratio(full.checkMs, half.checkMs)}x, render ${ratio(full.renderMs, half.renderMs)}x, synth ${ratio(full.synthMs, half.synthMs)}x (linear = 2.00)`);
  console.log(`peak memory (max RSS of the process): ${peakMiB.toFixed(0)} MiB`);
}

main();
