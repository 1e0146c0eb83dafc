import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { run } from '../../lib/cli';
import { plan } from '../../lib/commands/plan';
import { formatProblem, InputError } from '../../lib/input/problems';
import { renderTree } from './tree';

/**
 * A small, valid input written as literal text so that tests can name exact lines and columns.
 *
 * platform.yaml: environments dev (shared controllers) and prod (dedicated by default, shared
 * controller at 10.0.0.1), issuer le-dns (DNS-01, everywhere) and le-http (HTTP-01, prod only).
 * tenants: alpha (dedicated in prod at 10.0.0.2), bravo (prod only, extra domain, shared, HTTP-01)
 * and charlie (own namespace, shared, wildcard host, an existing secret and a regex rewrite).
 *
 * Line numbers are given in the comments on the right; keep them in sync when editing.
 */
export const PLATFORM_YAML = `apiVersion: tenant-edge.dev/v1alpha1
kind: Platform
metadata:
  name: demo
spec:
  environments:
    - name: dev
      domain: dev.example.com
      issuer: le-dns
    - name: prod
      domain: prod.example.com
      issuer: le-dns
      dedicatedIngress: true
      sharedIngress:
        loadBalancerIP: 10.0.0.1
  issuers:
    - name: le-dns
      acme:
        server: production
        email: ops@example.com
        dns01:
          azureDNS:
            subscriptionID: 00000000-0000-0000-0000-000000000000
            resourceGroupName: dns
            hostedZoneName: example.com
            managedIdentityClientID: 11111111-1111-1111-1111-111111111111
    - name: le-http
      environments: [prod]
      acme:
        server: staging
        email: ops@example.com
        http01: {}
  ingress:
    chart:
      version: 4.15.1
  reservedNamespaces: [legacy]
  flux:
    interval: 10m
`;
// Lines:  1 apiVersion  2 kind  3 metadata  4 name  5 spec  6 environments  7 - name: dev
//         8 domain  9 issuer  10 - name: prod  11 domain  12 issuer  13 dedicatedIngress
//         14 sharedIngress  15 loadBalancerIP  16 issuers  17 - name: le-dns  18 acme  19 server
//         20 email  21 dns01  22 azureDNS  23 subscriptionID  24 resourceGroupName
//         25 hostedZoneName  26 managedIdentityClientID  27 - name: le-http  28 environments
//         29 acme  30 server  31 email  32 http01  33 ingress  34 chart  35 version
//         36 reservedNamespaces  37 flux  38 interval

export const ALPHA_YAML = `apiVersion: tenant-edge.dev/v1alpha1
kind: Tenant
metadata:
  name: alpha
spec:
  overrides:
    prod:
      ingress:
        loadBalancerIP: 10.0.0.2
  routes:
    - name: web
      hosts: ["@", www]
      paths:
        - { path: /, service: web, port: 8080 }
        - { path: /api, service: api, port: http }
      options:
        bodySize: 10m
        timeouts: { read: 300 }
    - name: status
      hosts: [status]
      tls: none
      paths:
        - path: /
          pathType: Exact
          service: status
          port: 80
`;
// Lines:  4 name  5 spec  6 overrides  7 prod  8 ingress  9 loadBalancerIP  10 routes
//         11 - name: web  12 hosts  13 paths  14 /  15 /api  16 options  17 bodySize  18 timeouts
//         19 - name: status  20 hosts  21 tls  22 paths  23 - path  24 pathType  25 service  26 port

export const BRAVO_YAML = `apiVersion: tenant-edge.dev/v1alpha1
kind: Tenant
metadata:
  name: bravo
spec:
  environments: [prod]
  extraDomains: [bravo.example.org]
  ingress:
    dedicated: false
  tls:
    issuer: le-http
  routes:
    - name: shop
      hosts: [shop.bravo.example.org, "@"]
      paths:
        - { path: /, service: shop, port: 80 }
      options:
        cors:
          allowOrigins: [https://bravo.example.org]
          allowCredentials: true
`;
// Lines:  4 name  5 spec  6 environments  7 extraDomains  8 ingress  9 dedicated  10 tls
//         11 issuer  12 routes  13 - name: shop  14 hosts  15 paths  16 /  17 options  18 cors
//         19 allowOrigins  20 allowCredentials

export const CHARLIE_YAML = `apiVersion: tenant-edge.dev/v1alpha1
kind: Tenant
metadata:
  name: charlie
spec:
  namespace: team-charlie
  ingress:
    dedicated: false
  routes:
    - name: app
      hosts: ["*"]
      paths:
        - { path: /, service: app, port: 80 }
      annotations:
        nginx.ingress.kubernetes.io/proxy-buffering: "on"
    - name: legacy
      hosts: [legacy]
      environments: [prod]
      tls: { secretName: legacy-tls }
      paths:
        - { path: "/v1(/|$)(.*)", pathType: ImplementationSpecific, service: legacy, port: 80 }
      options:
        rewriteTarget: /$2
`;
// Lines:  4 name  5 spec  6 namespace  7 ingress  8 dedicated  9 routes  10 - name: app
//         11 hosts  12 paths  13 /  14 annotations  15 proxy-buffering  16 - name: legacy
//         17 hosts  18 environments  19 tls  20 paths  21 regex path  22 options  23 rewriteTarget

/** The valid input, keyed by path relative to the fixture folder. */
export const VALID_INPUT: Readonly<Record<string, string>> = {
  'platform.yaml': PLATFORM_YAML,
  'tenants/alpha.yaml': ALPHA_YAML,
  'tenants/bravo.yaml': BRAVO_YAML,
  'tenants/charlie.yaml': CHARLIE_YAML,
};

/** A temporary folder holding a platform and tenants, with helpers to break them. */
export class SpecFixture {
  /** Creates a new temporary folder with `files` (default: the valid input) written into it. */
  static create(files: Readonly<Record<string, string>> = VALID_INPUT): SpecFixture {
    const dir = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), 'tenant-edge-spec-'));
    const fixture = new SpecFixture(dir);
    for (const [rel, text] of Object.entries(files)) fixture.write(rel, text);
    return fixture;
  }

  private constructor(readonly dir: string) {}

  /** Absolute path of `rel` inside the fixture. */
  path(rel: string): string {
    return path.join(this.dir, ...rel.split('/'));
  }

  read(rel: string): string {
    return fs.readFileSync(this.path(rel), 'utf8');
  }

  /** Writes (or overwrites) `rel`, creating folders as needed. */
  write(rel: string, text: string): this {
    const file = this.path(rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    return this;
  }

  /**
   * Replaces the single occurrence of `search` in `rel`. Throws when it occurs zero or several
   * times, so a stale edit cannot silently test the valid input.
   */
  replace(rel: string, search: string, replacement: string): this {
    const text = this.read(rel);
    const count = text.split(search).length - 1;
    if (count !== 1) throw new Error(`fixture edit: ${JSON.stringify(search)} occurs ${count} times in ${rel}, expected once`);
    return this.write(rel, text.replace(search, () => replacement));
  }

  /** Deletes a file or folder. */
  remove(rel: string): this {
    fs.rmSync(this.path(rel), { recursive: true, force: true });
    return this;
  }

  /** Runs `fn` with the fixture folder as working directory, so the loader reports relative names. */
  inDir<T>(fn: () => T): T {
    const before = process.cwd();
    process.chdir(this.dir);
    try {
      return fn();
    } finally {
      process.chdir(before);
    }
  }

  /** Runs the CLI in the fixture folder: the exit code and everything it printed, line by line. */
  cli(...argv: string[]): { code: number; out: string[]; err: string[] } {
    const io = captureIo();
    const code = this.inDir(() => run(argv, io.io));
    return { code, out: io.out, err: io.err };
  }

  /** The problems `plan` reports for the fixture's input, formatted; [] when it accepts it. */
  problems(): string[] {
    return this.inDir(() => {
      try {
        plan({ platformFile: 'platform.yaml', tenantsDir: 'tenants' });
        return [];
      } catch (err) {
        if (err instanceof InputError) return err.problems.map(formatProblem);
        throw err;
      }
    });
  }

  /** Deletes the fixture folder. */
  cleanup(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  /** Runs `fn` on the fixture, then deletes its folder. */
  use<T>(fn: (f: this) => T): T {
    try {
      return fn(this);
    } finally {
      this.cleanup();
    }
  }
}

/** The problems of a fixture used once (its folder is deleted). */
export function problemsOf(f: SpecFixture): string[] {
  return f.use((x) => x.problems());
}

/**
 * What synth renders from a fixture used once (its folder is deleted): the tree, a file's
 * objects, and the notices.
 */
export function renderFixture(f: SpecFixture): { tree: Record<string, string>; docs: (file: string) => Record<string, any>[]; notices: readonly string[] } {
  const { tree, notices } = f.use((x) => renderTree(x.path('platform.yaml'), x.path('tenants')));
  const docs = (file: string): Record<string, any>[] => (tree[file] ?? '').split(/^---$/m).map((d) => parse(d) as Record<string, any>).filter((d) => d);
  return { tree, docs, notices };
}

/** Every file under `dir` (recursively) with its bytes, keyed by relative path with '/' separators. */
export function snapshotTree(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (rel: string): void => {
    const abs = path.join(dir, rel);
    for (const entry of fs.readdirSync(abs, { withFileTypes: true })) {
      const childRel = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(childRel);
      else out.set(childRel, fs.readFileSync(path.join(dir, childRel)));
    }
  };
  walk('');
  return out;
}

/** An `Io` for `run` that records what the CLI prints. */
export interface CapturedIo {
  readonly out: string[];
  readonly err: string[];
  readonly io: { out(line: string): void; err(line: string): void };
}

export function captureIo(): CapturedIo {
  const out: string[] = [];
  const err: string[] = [];
  // A single io line may hold several lines (the usage text); split so tests can look at each.
  return {
    out,
    err,
    io: {
      out: (line) => out.push(...line.split('\n')),
      err: (line) => err.push(...line.split('\n')),
    },
  };
}
