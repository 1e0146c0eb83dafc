/**
 * spec.flux.lockdown: whether Flux runs with its multi-tenancy lockdown (kustomize-controller
 * v1.9.4 with --no-cross-namespace-refs=true and --default-service-account, as in
 * fluxcd/flux2-multi-tenancy). Under it, kustomize-controller refuses a Kustomization whose
 * sourceRef is in another namespace (internal/controller/kustomization_controller.go, only
 * sources are checked), and impersonates the default account for a Kustomization without
 * serviceAccountName, also in the cluster its kubeConfig reaches. tenant-edge puts two kinds of
 * Kustomization outside the Flux namespace: the tcp-proxy ones (beside the kubeconfig Secret) and
 * the DNS ones. What they need:
 *  - true: a setting that breaks is refused, at its section;
 *  - false: nothing is said;
 *  - unset: synth and validate say it, as a notice, and render.
 */
import { plan } from '../lib/commands/plan';
import { SpecFixture } from './support/spec-fixtures';

const P = 'platform.yaml';
const IMAGE = 'ghcr.io/butlerdotdev/steward-tcp-proxy:0.2.0';
const SUB = '00000000-0000-0000-0000-000000000000';

interface Settings {
  /** spec.flux.lockdown, or unset. */
  readonly lockdown?: boolean;
  /** Lines under spec.controlPlanes.tcpProxy besides the image; no tcp-proxy when undefined. */
  readonly tcpProxy?: string;
  /** Lines under spec.dns besides provider and azure; no DNS when undefined. */
  readonly dns?: string;
}

/** The valid fixture with the given control planes' tcp-proxy, DNS and lockdown settings. */
function fixture(s: Settings): SpecFixture {
  const f = SpecFixture.create();
  let extra = '';
  if (s.tcpProxy !== undefined) extra += `  controlPlanes:\n    controller: nginx\n    namespace: steward-tenants\n    tcpProxy:\n      image: ${IMAGE}\n${s.tcpProxy}`;
  if (s.dns !== undefined) {
    extra += `  dns:\n    provider: azure\n    azure:\n      subscriptionID: ${SUB}\n      resourceGroup: tenant-zones\n${s.dns}`;
    f.replace(P, '        loadBalancerIP: 10.0.0.1\n', '        loadBalancerIP: 10.0.0.1\n      dns:\n        tenantZones: true\n');
  }
  f.replace(P, '  reservedNamespaces: [legacy]\n', `  reservedNamespaces: [legacy]\n${extra}`);
  if (s.lockdown !== undefined) f.replace(P, '  flux:\n    interval: 10m\n', `  flux:\n    interval: 10m\n    lockdown: ${s.lockdown}\n`);
  return f;
}

/** `platform.yaml:line:col` of the key on the line that reads `line`. */
function at(f: SpecFixture, line: string): string {
  const lines = f.read(P).split('\n');
  const i = lines.indexOf(line);
  if (i < 0) throw new Error(`no line ${JSON.stringify(line)} in ${P}`);
  return `${P}:${i + 1}:${line.length - line.trimStart().length + 1}`;
}

/** What validate says: the problems, or the notices about the lockdown when there are none. */
function outcome(f: SpecFixture): { problems: string[]; notices: string[] } {
  const problems = f.problems();
  if (problems.length > 0) return { problems, notices: [] };
  const notices = f.inDir(() => plan({ platformFile: P, tenantsDir: 'tenants' })).notices.filter((n) => n.includes('lockdown'));
  return { problems, notices };
}

const CROSS_TCP = 'the tcp-proxy Kustomizations in "steward-tenants" would read the source flux-system/flux-system in another namespace, which kustomize-controller refuses under --no-cross-namespace-refs';
const FIX_TCP = 'a Flux source for this repository in "steward-tenants"';
const ACCOUNT = 'kustomize-controller would apply the tcp-proxy inside each tenant cluster as its --default-service-account, which has no rights there';
const FIX_ACCOUNT = 'an account bound in every tenant cluster, which must also exist in "steward-tenants" here';
const CROSS_DNS = 'the DNS Kustomizations in "edge-dns" would read the source flux-system/flux-system in another namespace, which kustomize-controller refuses under --no-cross-namespace-refs';
const FIX_DNS = 'a Flux source for this repository in "edge-dns"';
const SOURCE = '      sourceRef: { name: tenant-edge }\n';
const SA = '      serviceAccountName: edge-tcp-proxy\n';
const DNS_SOURCE = '    sourceRef: { name: tenant-edge }\n';

const refused = (field: string, why: string, fix: string): string => `needs ${field} under spec.flux.lockdown: true: ${why}; set it to ${fix}`;
const notice = (section: string, field: string, why: string, fix: string): string =>
  `notice: ${P}: ${section} has no ${field}, which Flux's multi-tenancy lockdown needs: ${why}; set it to ${fix}, or set spec.flux.lockdown: false if Flux runs without the lockdown`;

const TCP_KEY = '    tcpProxy:';
const DNS_KEY = '  dns:';

describe('spec.flux.lockdown: true refuses what breaks under the lockdown, every problem at once, at its section', () => {
  test.each<[string, Settings, (f: SpecFixture) => string[]]>([
    ['a tcp-proxy with neither sourceRef nor serviceAccountName, and DNS without sourceRef', { lockdown: true, tcpProxy: '', dns: '' }, (f) => [
      `${at(f, TCP_KEY)}: spec.controlPlanes.tcpProxy: ${refused('serviceAccountName', ACCOUNT, FIX_ACCOUNT)}`,
      `${at(f, TCP_KEY)}: spec.controlPlanes.tcpProxy: ${refused('sourceRef', CROSS_TCP, FIX_TCP)}`,
      `${at(f, DNS_KEY)}: spec.dns: ${refused('sourceRef', CROSS_DNS, FIX_DNS)}`,
    ]],
    ['a tcp-proxy with a source of its own but no account', { lockdown: true, tcpProxy: SOURCE }, (f) => [
      `${at(f, TCP_KEY)}: spec.controlPlanes.tcpProxy: ${refused('serviceAccountName', ACCOUNT, FIX_ACCOUNT)}`,
    ]],
    ['a tcp-proxy with an account but no source of its own', { lockdown: true, tcpProxy: SA }, (f) => [
      `${at(f, TCP_KEY)}: spec.controlPlanes.tcpProxy: ${refused('sourceRef', CROSS_TCP, FIX_TCP)}`,
    ]],
    ['DNS without a source of its own', { lockdown: true, dns: '' }, (f) => [
      `${at(f, DNS_KEY)}: spec.dns: ${refused('sourceRef', CROSS_DNS, FIX_DNS)}`,
    ]],
  ])('%s', (_name, settings, expected) => {
    const f = fixture(settings);
    try {
      expect(f.problems()).toEqual(expected(f));
    } finally {
      f.cleanup();
    }
  });

  test('everything set: accepted, without a notice', () => {
    expect(fixture({ lockdown: true, tcpProxy: SOURCE + SA, dns: DNS_SOURCE }).use(outcome)).toEqual({ problems: [], notices: [] });
  });

  test('a source in the control planes\' namespace already is no crossing', () => {
    const f = fixture({ lockdown: true, tcpProxy: SA });
    f.replace(P, '  flux:\n', '  flux:\n    sourceRef: { name: repo, namespace: steward-tenants }\n');
    expect(f.use(outcome)).toEqual({ problems: [], notices: [] });
  });
});

test('spec.flux.lockdown: false: nothing is said', () => {
  expect(fixture({ lockdown: false, tcpProxy: '', dns: '' }).use(outcome)).toEqual({ problems: [], notices: [] });
});

describe('spec.flux.lockdown unset: a notice for each setting the lockdown would break, and the output is rendered', () => {
  test('everything missing: three notices', () => {
    expect(fixture({ tcpProxy: '', dns: '' }).use(outcome)).toEqual({
      problems: [],
      notices: [
        notice('spec.controlPlanes.tcpProxy', 'sourceRef', CROSS_TCP, FIX_TCP),
        notice('spec.controlPlanes.tcpProxy', 'serviceAccountName', ACCOUNT, FIX_ACCOUNT),
        notice('spec.dns', 'sourceRef', CROSS_DNS, FIX_DNS),
      ],
    });
  });

  test('the README\'s settings (a source for the tcp-proxy and DNS, no account): one notice', () => {
    expect(fixture({ tcpProxy: SOURCE, dns: DNS_SOURCE }).use(outcome)).toEqual({
      problems: [],
      notices: [notice('spec.controlPlanes.tcpProxy', 'serviceAccountName', ACCOUNT, FIX_ACCOUNT)],
    });
  });

  test('everything set, or neither tcp-proxy nor DNS: no notice', () => {
    expect(fixture({ tcpProxy: SOURCE + SA, dns: DNS_SOURCE }).use(outcome)).toEqual({ problems: [], notices: [] });
    expect(fixture({}).use(outcome)).toEqual({ problems: [], notices: [] });
  });
});

test('spec.monitoring.expiryWarningDays, no longer used, is accepted with a notice', () => {
  const f = SpecFixture.create();
  f.replace(P, '  flux:\n', '  monitoring:\n    expiryWarningDays: 21\n  flux:\n');
  const notices = f.use((x) => x.inDir(() => plan({ platformFile: P, tenantsDir: 'tenants' })).notices);
  expect(notices).toContain(
    "notice: platform.yaml: spec.monitoring.expiryWarningDays is no longer used: the certificate alerts fire when cert-manager's renewal is overdue by more than spec.monitoring.renewalGraceHours (24); remove it",
  );
});
