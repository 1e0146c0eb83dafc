import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { SpecFixture, snapshotTree } from './support/spec-fixtures';

const ROOT = path.resolve(__dirname, '..');
const NOTICE = 'notice: ingress-nginx is retired upstream (no fixes since March 2026); plan a move to another controller flavour';
/** The spec fixture sets no tenant namespace prefix, so synth says so. */
const PREFIX_NOTICE =
  "notice: platform.yaml sets no spec.tenantNamespacePrefix, so only the reserved names keep tenants out of other teams' namespaces; set one (a namespace rename for existing tenants)";
/** How every refusal of the removal guard ends. */
const ALLOW_REMOVAL =
  "Without --allow-removal, a run deletes a tenant's objects only when it removes the tenant (one, or a tenth of an environment's tenants) or when that tenant's own spec changed (known only through the synth cache), and no object of the platform part; pass --allow-removal if that is what you want";
const USAGE_FIRST_LINE = 'usage: tenant-edge <command> [options]';

const A = 'tenants/alpha.yaml';
const C = 'tenants/charlie.yaml';

let fixture: SpecFixture;

beforeEach(() => {
  fixture = SpecFixture.create();
});

afterEach(() => {
  fixture.cleanup();
});

/** Runs the CLI in the fixture folder and returns the exit code and everything it printed. */
const cli = (...argv: string[]): ReturnType<SpecFixture['cli']> => fixture.cli(...argv);

/** Names in the fixture folder, without the input itself. */
function extraEntries(): string[] {
  return fs.readdirSync(fixture.dir).filter((n) => n !== 'platform.yaml' && n !== 'tenants').sort();
}

function breakInput(): void {
  fixture.replace(A, '- name: status', '- name: web').replace(C, 'namespace: team-charlie', 'namespace: kube-public');
}

const INVALID_LINES = [
  `${A}:19:13: spec.routes[1].name: duplicate route "web" (first at spec.routes[0])`,
  `${C}:6:14: spec.namespace: namespace "kube-public" is reserved for the platform; set spec.namespace to another name`,
];

describe('usage', () => {
  const EXIT_LINE = 'exit codes: 0 success, 1 invalid input, 2 usage error, 3 internal error, 4 output folder out of date (check)';

  test.each([['--help'], ['-h']].map((argv) => [argv.join(' '), argv] as const))('%s prints the usage with every command and exits 0', (_name, argv) => {
    const r = cli(...argv);
    expect(r.code).toBe(0);
    expect(r.out[0]).toBe(USAGE_FIRST_LINE);
    for (const command of ['synth', 'validate', 'check', 'sans']) expect(r.out.join('\n')).toMatch(new RegExp(`^  ${command} +\\S`, 'm'));
    expect(r.out).toContain(EXIT_LINE);
    expect(r.err).toEqual([]);
    expect(extraEntries()).toEqual([]);
  });

  test.each([
    ['synth', 'usage: tenant-edge synth [--platform FILE] [--tenants DIR] [--out DIR] [--env NAME] [--allow-removal] [--cache DIR] [--no-cache]', ['--platform', '--tenants', '--out', '--env', '--allow-removal', '--cache', '--no-cache']],
    ['validate', 'usage: tenant-edge validate [--platform FILE] [--tenants DIR] [--env NAME]', ['--platform', '--tenants', '--env']],
    ['check', 'usage: tenant-edge check [--platform FILE] [--tenants DIR] [--out DIR] [--env NAME]', ['--platform', '--tenants', '--out', '--env']],
    ['sans', 'usage: tenant-edge sans [--platform FILE] [--tenants DIR] [--env NAME]', ['--platform', '--tenants', '--env']],
  ])('%s --help prints that command\'s usage and options only', (command, first, options) => {
    const r = cli(command, '--help');
    expect(r.code).toBe(0);
    expect(r.out[0]).toBe(first);
    const listed = r.out.join('\n').match(/^  (--[a-z-]+)/gm)!.map((l) => l.trim());
    expect(listed).toEqual([...options]);
    expect(r.out).toContain(EXIT_LINE);
    expect(extraEntries()).toEqual([]);
  });

  test('--version prints the package version and exits 0', () => {
    const r = cli('--version');
    expect(r.code).toBe(0);
    const { version } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(r.out).toEqual([`tenant-edge ${version}`]);
    expect(r.err).toEqual([]);
  });

  test('no command exits 2 and says a command is missing', () => {
    const r = cli();
    expect(r.code).toBe(2);
    expect(r.err[0]).toBe('tenant-edge: missing command; use one of synth, validate, check, sans');
    expect(r.err[1]).toBe(USAGE_FIRST_LINE);
    expect(r.out).toEqual([]);
  });

  test('an unknown command exits 2 and names it', () => {
    const r = cli('render');
    expect(r.code).toBe(2);
    expect(r.err[0]).toBe('tenant-edge: unknown command "render"; use one of synth, validate, check, sans');
    expect(r.err[1]).toBe(USAGE_FIRST_LINE);
    expect(r.out).toEqual([]);
  });

  test('validate refuses --out: it writes nothing', () => {
    const r = cli('validate', '--out', 'dist');
    expect(r.code).toBe(2);
    expect(r.err[0]).toBe('tenant-edge: validate takes no --out (it writes nothing)');
    expect(r.err[1]).toBe('usage: tenant-edge validate [--platform FILE] [--tenants DIR] [--env NAME]');
    expect(r.out).toEqual([]);
    expect(extraEntries()).toEqual([]);
  });

  test('an unknown option exits 2 and names it', () => {
    const r = cli('synth', '--outdir', 'x');
    expect(r.code).toBe(2);
    expect(r.err[0]).toMatch(/^tenant-edge: Unknown option '--outdir'/);
    expect(r.err[1]).toBe(USAGE_FIRST_LINE);
    expect(r.out).toEqual([]);
    expect(extraEntries()).toEqual([]);
  });

  test('an option without its value exits 2', () => {
    const r = cli('synth', '--out');
    expect(r.code).toBe(2);
    expect(r.err[0]).toMatch(/^tenant-edge: Option '--out <value>' argument missing/);
    expect(extraEntries()).toEqual([]);
  });

  test('an extra positional argument exits 2 and names it', () => {
    const r = cli('synth', 'prod');
    expect(r.code).toBe(2);
    expect(r.err[0]).toBe('tenant-edge: unexpected argument "prod"');
    expect(r.err[1]).toBe('usage: tenant-edge synth [--platform FILE] [--tenants DIR] [--out DIR] [--env NAME] [--allow-removal] [--cache DIR] [--no-cache]');
    expect(r.out).toEqual([]);
    expect(extraEntries()).toEqual([]);
  });

  test('--env with an unknown environment exits 2, lists the environments and writes nothing', () => {
    const r = cli('synth', '--env', 'staging');
    expect(r.code).toBe(2);
    expect(r.err).toEqual(['tenant-edge: unknown environment "staging"; platform.yaml defines: dev, prod']);
    expect(r.out).toEqual([]);
    expect(extraEntries()).toEqual([]);
  });

  test('--out pointing at a non-empty folder without the tenant-edge README exits 2 and deletes nothing', () => {
    fixture.write('manifests/app.yaml', 'kind: ConfigMap\n').write('manifests/README.md', '# My manifests\n');
    const before = snapshotTree(fixture.path('manifests'));
    const r = cli('synth', '--out', 'manifests');
    expect(r.code).toBe(2);
    expect(r.err).toEqual([
      'tenant-edge: refusing to replace manifests: it is not empty and has no tenant-edge README.md; remove it or choose another --out',
    ]);
    expect(r.out).toEqual([]);
    expect(snapshotTree(fixture.path('manifests'))).toEqual(before);
    expect(extraEntries()).toEqual(['manifests']);
  });

  test('--out pointing at a file exits 2 and leaves it alone', () => {
    fixture.write('out.txt', 'keep me\n');
    const r = cli('synth', '--out', 'out.txt');
    expect(r.code).toBe(2);
    expect(r.err).toEqual(['tenant-edge: out.txt exists and is not a directory']);
    expect(fixture.read('out.txt')).toBe('keep me\n');
    expect(extraEntries()).toEqual(['out.txt']);
  });
});

describe('synth', () => {
  test('writes every environment and prints a summary line', () => {
    const r = cli('synth');
    expect(r.code).toBe(0);
    expect(r.err).toEqual([NOTICE, PREFIX_NOTICE]);
    expect(r.out).toHaveLength(1);
    const m = /^wrote dist: 3 tenants, 2 environments \(dev, prod\), (\d+) objects, (\d+) files in \d+ ms$/.exec(r.out[0]);
    expect(m).not.toBeNull();
    const tree = snapshotTree(fixture.path('dist'));
    // Every file the summary counts, plus the README that marks the folder.
    expect(tree.size).toBe(Number(m![2]) + 1);
    expect(tree.get('README.md')!.toString('utf8').startsWith('# Generated by tenant-edge')).toBe(true);
    expect(fs.readdirSync(fixture.path('dist')).sort()).toEqual(['README.md', 'dev', 'prod']);
    // The cache for the next run lies beside the output, never in it.
    expect(extraEntries()).toEqual(['.dist.cache', 'dist']);
  });

  test('--out, --platform and --tenants take paths relative to the working directory', () => {
    fixture.write('specs/platform.yaml', fixture.read('platform.yaml'));
    for (const t of ['alpha', 'bravo', 'charlie']) fixture.write(`specs/tenants/${t}.yaml`, fixture.read(`tenants/${t}.yaml`));
    fixture.remove('platform.yaml').remove('tenants');
    fixture.replace('specs/tenants/alpha.yaml', 'name: alpha', 'name: alfa');
    const bad = cli('synth', '--platform', 'specs/platform.yaml', '--tenants', 'specs/tenants', '--out', 'build/out');
    expect(bad.code).toBe(1);
    expect(bad.err).toEqual([
      'specs/tenants/alpha.yaml:4:9: metadata.name: must equal the file name "alpha" (got "alfa"); rename the file or the tenant',
      '1 problem found; nothing was written',
    ]);
    expect(fs.existsSync(fixture.path('build'))).toBe(false);

    fixture.replace('specs/tenants/alpha.yaml', 'name: alfa', 'name: alpha');
    const good = cli('synth', '--platform', 'specs/platform.yaml', '--tenants', 'specs/tenants', '--out', 'build/out');
    expect(good.code).toBe(0);
    expect(good.out[0]).toMatch(/^wrote build\/out: 3 tenants, 2 environments \(dev, prod\), \d+ objects, \d+ files in \d+ ms$/);
    expect(fs.readdirSync(fixture.path('build/out')).sort()).toEqual(['README.md', 'dev', 'prod']);
    expect(fs.readdirSync(fixture.path('build')).sort()).toEqual(['.out.cache', 'out']);
  });

  test('--env prod renders only prod and keeps the dev folder of a previous run byte for byte', () => {
    expect(cli('synth').code).toBe(0);
    const devBefore = snapshotTree(fixture.path('dist/dev'));
    const prodBefore = snapshotTree(fixture.path('dist/prod'));
    const readmeBefore = fixture.read('dist/README.md');

    // A change that would alter both environments.
    fixture.replace(A, 'bodySize: 10m', 'bodySize: 20m');
    const r = cli('synth', '--env', 'prod');
    expect(r.code).toBe(0);
    expect(r.err).toEqual([NOTICE, PREFIX_NOTICE]);
    expect(r.out).toHaveLength(1);
    // With the first run's cache, only the changed tenant's prod unit is rendered again.
    expect(r.out[0]).toMatch(/^wrote dist: 3 tenants, 1 environment \(prod\), \d+ objects, \d+ files in \d+ ms \(1 of 4 units rendered again\)$/);

    expect(snapshotTree(fixture.path('dist/dev'))).toEqual(devBefore);
    const prodAfter = snapshotTree(fixture.path('dist/prod'));
    expect(prodAfter).not.toEqual(prodBefore);
    const prodText = [...prodAfter.values()].map((b) => b.toString('utf8')).join('\n');
    expect(prodText).toContain('nginx.ingress.kubernetes.io/proxy-body-size: 20m');
    expect(prodText).not.toContain('nginx.ingress.kubernetes.io/proxy-body-size: 10m');
    expect(fixture.read('dist/README.md')).toBe(readmeBefore);
    expect(fs.readdirSync(fixture.path('dist')).sort()).toEqual(['README.md', 'dev', 'prod']);
    // The cache for the next run lies beside the output, never in it.
    expect(extraEntries()).toEqual(['.dist.cache', 'dist']);
  });

  test('invalid input exits 1, prints every problem and says how many and that nothing was written', () => {
    breakInput();
    const r = cli('synth');
    expect(r.code).toBe(1);
    expect(r.out).toEqual([]);
    expect(r.err).toEqual([...INVALID_LINES, '2 problems found; nothing was written']);
    expect(extraEntries()).toEqual([]);
  });

  test('a single problem is counted in the singular', () => {
    fixture.replace(A, 'name: alpha', 'name: alfa');
    const r = cli('synth');
    expect(r.code).toBe(1);
    expect(r.err[r.err.length - 1]).toBe('1 problem found; nothing was written');
  });
});

describe('sans', () => {
  test('prints each control plane\'s Steward ingress settings and certificate names as the fields that take them, per environment, and writes nothing', () => {
    fixture.replace('platform.yaml', '  reservedNamespaces: [legacy]\n', '  reservedNamespaces: [legacy]\n  controlPlanes: { controller: traefik, namespace: steward-tenants, service: { name: "{tenant}-cp" } }\n');
    fixture.write(A, `${fixture.read(A)}  controlPlane:\n    konnectivity: false\n    extraSANs: [10.40.0.201]\n`);
    const r = cli('sans', '--env', 'prod');
    expect(r.code).toBe(0);
    expect(r.out).toEqual([
      '# environment prod, tenant alpha: TenantControlPlane steward-tenants/alpha-cp',
      'controlPlane:',
      '  ingress:',
      '    hostname: "alpha.k8s.prod.example.com"',
      '    controllerType: generic',
      '    ingressClassName: edge-unrouted',
      'networkProfile:',
      '  certSANs:',
      '    - "alpha.k8s.prod.example.com"',
      '    - "kubernetes"',
      '    - "kubernetes.default"',
      '    - "kubernetes.default.svc"',
      '    - "kubernetes.default.svc.cluster.local"',
      '    - "10.40.0.201"',
    ]);
    expect(extraEntries()).toEqual([]);
  });

  test('says so when no tenant has a control plane', () => {
    const r = cli('sans');
    expect(r.code).toBe(0);
    expect(r.out).toEqual([]);
    expect(r.err[r.err.length - 1]).toBe('no tenant has a control plane (spec.controlPlane)');
  });

  test('invalid input exits 1 with every problem', () => {
    breakInput();
    const r = cli('sans');
    expect(r.code).toBe(1);
    expect(r.err).toEqual([...INVALID_LINES, '2 problems found; nothing was written']);
  });
});

describe('validate', () => {
  test('checks the input and the rendered objects, exits 0 and writes nothing', () => {
    const r = cli('validate');
    expect(r.code).toBe(0);
    expect(r.err).toEqual([NOTICE, PREFIX_NOTICE]);
    expect(r.out).toHaveLength(1);
    expect(r.out[0]).toMatch(/^valid: 3 tenants, 2 environments \(dev, prod\), \d+ objects$/);
    expect(extraEntries()).toEqual([]);
  });

  test('leaves an existing output folder untouched', () => {
    expect(cli('synth').code).toBe(0);
    const before = snapshotTree(fixture.path('dist'));
    const cache = snapshotTree(fixture.path('.dist.cache'));
    fixture.replace(A, 'bodySize: 10m', 'bodySize: 20m');
    expect(cli('validate').code).toBe(0);
    expect(snapshotTree(fixture.path('dist'))).toEqual(before);
    expect(snapshotTree(fixture.path('.dist.cache'))).toEqual(cache);
    expect(extraEntries()).toEqual(['.dist.cache', 'dist']);
  });

  test('invalid input exits 1 with the same report as synth', () => {
    breakInput();
    const r = cli('validate');
    expect(r.code).toBe(1);
    expect(r.out).toEqual([]);
    expect(r.err).toEqual([...INVALID_LINES, '2 problems found; nothing was written']);
  });

  test('--env with an unknown environment exits 2', () => {
    const r = cli('validate', '--env', 'qa');
    expect(r.code).toBe(2);
    expect(r.err).toEqual(['tenant-edge: unknown environment "qa"; platform.yaml defines: dev, prod']);
  });
});

/**
 * Runs `synth --out <out>` in the fixture folder after `mounts`, in a private mount namespace
 * (unshare, from util-linux), so that no mount leaks out of the test.
 */
function synthAfterMounting(mounts: string, out: string): { status: number | null; stderr: string } {
  const script = `${mounts} && cd ${fixture.dir} && ${process.execPath} ${path.join(ROOT, 'bin', 'tenant-edge.js')} synth --out ${out}`;
  const r = spawnSync('unshare', ['-rm', 'sh', '-c', script], { encoding: 'utf8', timeout: 60_000 });
  expect(r.error).toBeUndefined();
  return { status: r.status, stderr: r.stderr };
}

describe('output safety', () => {
  test('an object larger than the API server stores is refused with its name, and nothing is written', () => {
    const hosts = Array.from({ length: 100 }, (_, i) => `h${i}`).join(', ');
    const paths = Array.from({ length: 100 }, (_, i) => `        - { path: /p${i}, service: s, port: 80 }`).join('\n');
    fixture.write('tenants/delta.yaml', `apiVersion: tenant-edge.dev/v1alpha1\nkind: Tenant\nmetadata:\n  name: delta\nspec:\n  environments: [prod]\n  ingress: { dedicated: false }\n  routes:\n    - name: huge\n      hosts: [${hosts}]\n      tls: none\n      paths:\n${paths}\n`);
    const r = cli('synth');
    expect(r.code).toBe(1);
    expect(r.err[0]).toMatch(/^tenants\/delta\.yaml: renders Ingress delta\/huge in environment "prod" with \d{7} bytes, over the 1048576 an object may have; spread its hosts and paths over more routes$/);
    expect(r.err[1]).toBe('1 problem found; nothing was written');
    expect(extraEntries()).toEqual([]);
  });

  test('an empty tenants folder is refused: Flux would prune every tenant', () => {
    expect(cli('synth').code).toBe(0);
    const before = snapshotTree(fixture.path('dist'));
    for (const t of ['alpha', 'bravo', 'charlie']) fixture.remove(`tenants/${t}.yaml`);
    const r = cli('synth');
    expect(r.code).toBe(2);
    expect(r.err).toEqual([
      "tenant-edge: tenants holds no tenant specs: the output would have no tenants, and Flux would prune every tenant's objects; pass --allow-removal if that is what you want",
    ]);
    expect(snapshotTree(fixture.path('dist'))).toEqual(before);
    expect(cli('synth', '--allow-removal').code).toBe(0);
    expect(fs.readdirSync(fixture.path('dist/prod/flux'))).toEqual(['platform.yaml']);
  });

  test('removing one tenant is ordinary; removing more than a tenth of an environment needs --allow-removal', () => {
    for (const t of ['delta', 'echo', 'foxtrot', 'golf']) fixture.write(`tenants/${t}.yaml`, `apiVersion: tenant-edge.dev/v1alpha1\nkind: Tenant\nmetadata:\n  name: ${t}\nspec:\n  ingress: { dedicated: false }\n`);
    expect(cli('synth').code).toBe(0);
    fixture.remove('tenants/delta.yaml');
    expect(cli('synth').code).toBe(0);
    fixture.remove('tenants/echo.yaml').remove('tenants/foxtrot.yaml');
    const before = snapshotTree(fixture.path('dist'));
    const r = cli('synth');
    expect(r.code).toBe(2);
    expect(r.err).toEqual([
      'tenant-edge: this run would make Flux delete 4 objects: in environment "dev", 2 Kustomization of 2 removed tenants (echo, foxtrot), more than the 1 of 5 a run may remove; in environment "prod", 2 Kustomization of 2 removed tenants (echo, foxtrot), more than the 1 of 6 a run may remove. ' +
        ALLOW_REMOVAL,
    ]);
    expect(snapshotTree(fixture.path('dist'))).toEqual(before);
    expect(cli('synth', '--allow-removal').code).toBe(0);
    expect(fs.readdirSync(fixture.path('dist/dev/flux')).sort()).toEqual(['platform.yaml', 'tenant-alpha.yaml', 'tenant-charlie.yaml', 'tenant-golf.yaml']);
  });

  test('a run killed between the two renames of its swap costs the next run no environment', () => {
    expect(cli('synth').code).toBe(0);
    const prod = snapshotTree(fixture.path('dist/prod'));
    // The state a kill leaves: the previous tree moved aside, the complete new one still staged.
    fs.cpSync(fixture.path('dist'), fixture.path('.dist.staging-killed'), { recursive: true });
    fs.renameSync(fixture.path('dist'), fixture.path('.dist.staging-killed.old'));
    const r = cli('synth', '--env', 'dev');
    expect(r.code).toBe(0);
    expect(snapshotTree(fixture.path('dist/prod'))).toEqual(prod);
    expect(extraEntries()).toEqual(['.dist.cache', 'dist']);
  });

  test('leftovers of killed runs are cleaned up, and a live run\'s lock is respected', () => {
    fixture.write('.dist.staging-stale/prod/x.yaml', 'junk\n').write('.dist.staging-other.old/README.md', '# Generated by tenant-edge\n');
    expect(cli('synth').code).toBe(0);
    expect(fs.readdirSync(fixture.dir).filter((n) => n.startsWith('.dist'))).toEqual(['.dist.cache']);
    fixture.write('.dist.lock', `${process.ppid}\n`);
    const r = cli('synth');
    expect(r.code).toBe(2);
    expect(r.err[0]).toMatch(new RegExp(`^tenant-edge: another tenant-edge run \\(pid ${process.ppid}\\) is writing dist`));
    fixture.write('.dist.lock', '999999999\n');
    expect(cli('synth').code).toBe(0);
    expect(fs.existsSync(fixture.path('.dist.lock'))).toBe(false);
  });

  test.each([
    ['the folder that holds the specs', '.', 'tenant-edge: --out . holds the platform spec (platform.yaml); synth replaces the output folder as a whole, so choose another --out'],
    ['the tenants folder', 'tenants', 'tenant-edge: --out tenants holds the tenants folder (tenants); synth replaces the output folder as a whole, so choose another --out'],
    ['a folder inside the tenants folder', 'tenants/out', 'tenant-edge: --out tenants/out lies inside the tenants folder tenants; choose another --out'],
  ])('--out at %s is refused and deletes nothing', (_what, out, message) => {
    fixture.write('README.md', '# Generated by tenant-edge\n');
    const before = snapshotTree(fixture.dir);
    const r = cli('synth', '--out', out);
    expect(r.code).toBe(2);
    expect(r.err).toEqual([message]);
    expect(snapshotTree(fixture.dir)).toEqual(before);
  });

  test('--out under a file is a usage error, not an internal one', () => {
    fixture.write('file', 'x\n');
    const r = cli('synth', '--out', 'file/dist');
    expect(r.code).toBe(2);
    expect(r.err[0]).toMatch(/^tenant-edge: cannot (create the folder of|write) file\/dist/);
  });

  test('the output folder and its files get the modes the umask gives', () => {
    expect(cli('synth').code).toBe(0);
    const umask = process.umask();
    expect(fs.statSync(fixture.path('dist')).mode & 0o777).toBe(0o777 & ~umask);
    expect(fs.statSync(fixture.path('dist/prod')).mode & 0o777).toBe(0o777 & ~umask);
    expect(fs.statSync(fixture.path('dist/README.md')).mode & 0o777).toBe(0o666 & ~umask);
  });

  test('--out in a read-only folder is a usage error, not an internal one', () => {
    fixture.write('ro/.keep', '');
    const ro = fixture.path('ro');
    const r = synthAfterMounting(`mount --bind ${ro} ${ro} && mount -o remount,ro,bind ${ro}`, 'ro/dist');
    expect(r.stderr.trim().split('\n')).toEqual(['tenant-edge: cannot write beside ro/dist: the file system is read-only']);
    expect(r.status).toBe(2);
  });

  test('--out that is a mount point is a usage error that says what to do', () => {
    fixture.write('mnt/.keep', '');
    const r = synthAfterMounting(`mount -t tmpfs none ${fixture.path('mnt')}`, 'mnt');
    expect(r.stderr.trim().split('\n')).toEqual([
      'tenant-edge: mnt is a mount point, which cannot be replaced as a whole; mount its parent folder instead, or point --out at a folder inside the mount',
    ]);
    expect(r.status).toBe(2);
  });
});

describe('check', () => {
  test('exits 0 when the output folder is what synth would write', () => {
    expect(cli('synth').code).toBe(0);
    const r = cli('check');
    expect(r.code).toBe(0);
    expect(r.out).toHaveLength(1);
    expect(r.out[0]).toMatch(/^up to date: dist matches 3 tenants, 2 environments \(dev, prod\), \d+ objects$/);
    expect(r.err).toEqual([NOTICE, PREFIX_NOTICE]);
  });

  test('exits 4 and lists every differing, missing and extra file when the output folder is stale', () => {
    expect(cli('synth').code).toBe(0);
    fixture.replace(A, 'bodySize: 10m', 'bodySize: 20m');
    fixture.write('dist/prod/tenants/alpha/namespace/stray.yaml', 'kind: ConfigMap\n');
    fs.rmSync(fixture.path('dist/dev/kustomization.yaml'));
    const before = snapshotTree(fixture.path('dist'));
    const r = cli('check');
    expect(r.code).toBe(4);
    expect(r.out).toEqual([]);
    expect(r.err).toEqual([
      NOTICE,
      PREFIX_NOTICE,
      'dist/dev/kustomization.yaml: missing',
      'dist/dev/tenants/alpha/namespace/ingresses.yaml: differs',
      'dist/prod/tenants/alpha/namespace/ingresses.yaml: differs',
      'dist/prod/tenants/alpha/namespace/stray.yaml: extra',
      'dist is out of date (4 files); run `npx tenant-edge synth` and commit the result',
    ]);
    expect(snapshotTree(fixture.path('dist'))).toEqual(before);
  });

  test('without --env, everything else in the output folder counts too: a dropped environment, stray files, the README', () => {
    expect(cli('synth').code).toBe(0);
    fixture.write('dist/qa/kustomization.yaml', 'resources: []\n').write('dist/stray.yaml', 'kind: ConfigMap\n');
    fs.appendFileSync(fixture.path('dist/README.md'), 'edited\n');
    const r = cli('check');
    expect(r.code).toBe(4);
    expect(r.err.slice(2)).toEqual([
      'dist/README.md: differs',
      'dist/qa/kustomization.yaml: extra',
      'dist/stray.yaml: extra',
      'dist is out of date (3 files); run `npx tenant-edge synth` and commit the result',
    ]);
  });

  test('--env checks only that environment', () => {
    expect(cli('synth').code).toBe(0);
    fs.rmSync(fixture.path('dist/dev/kustomization.yaml'));
    expect(cli('check', '--env', 'prod').code).toBe(0);
    expect(cli('check', '--env', 'dev').code).toBe(4);
  });

  test('invalid input exits 1 with the same report as synth', () => {
    breakInput();
    const r = cli('check');
    expect(r.code).toBe(1);
    expect(r.err).toEqual([...INVALID_LINES, '2 problems found; nothing was written']);
  });
});

describe('the installed binary', () => {
  test('reports invalid input on stderr without a stack trace and exits 1', () => {
    const compiled = path.join(ROOT, 'build', 'lib', 'cli.js');
    if (!fs.existsSync(compiled)) {
      throw new Error(`${path.relative(ROOT, compiled)} is missing: run \`npm run build\` before this test`);
    }
    breakInput();
    const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'tenant-edge.js'), 'synth'], {
      cwd: fixture.dir,
      encoding: 'utf8',
      env: { ...process.env, TENANT_EDGE_DEBUG: '' },
      timeout: 60_000,
    });
    expect(r.error).toBeUndefined();
    expect(r.stderr).not.toMatch(/^ {4}at /m);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')).toEqual([...INVALID_LINES, '2 problems found; nothing was written']);
    expect(r.status).toBe(1);
    expect(extraEntries()).toEqual([]);
  });
});
