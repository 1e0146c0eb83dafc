/**
 * The rendered certificate alerts, evaluated by Prometheus itself (`promtool test rules`, built
 * from the pinned prometheus module) on series shaped as cert-manager exports them
 * (internal/collectors/certificate_collector.go, cert-manager v1.21.1: labels name, namespace,
 * issuer_name, issuer_kind, issuer_group, and condition on the ready status; the renewal and
 * expiration timestamps are 0 while the Certificate has no status.renewalTime or notAfter),
 * scraped both ways:
 *  - with cert-manager's chart defaults (ServiceMonitor honorLabels: false), the certificate's
 *    namespace arrives as exported_namespace and namespace is cert-manager's own;
 *  - with honorLabels: true, namespace is the certificate's.
 */
import * as fs from 'fs';
import * as path from 'path';
import { stringify } from 'yaml';
import { objectsUnder } from './support/helm';
import { runTool, toolPath } from './support/tools';
import { ROOT, tempDir } from './support/tree';

// Real processes on a 2-core machine: generous per-test limits (each process is bounded on its own too).
jest.setTimeout(120_000);

const rule = objectsUnder(path.join(ROOT, 'dist', 'prod', 'tenants', 'acme', 'namespace')).find((o) => o.object.kind === 'PrometheusRule')!.object as unknown as {
  spec: { groups: unknown[] };
};

const ISSUER = { issuer_name: 'letsencrypt-prod-dns01', issuer_kind: 'ClusterIssuer', issuer_group: 'cert-manager.io' };
const DAY = 24 * 3600;

/** A series selector in promtool's input notation. */
function series(metric: string, labels: Record<string, string>): string {
  return `${metric}{${Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(', ')}}`;
}

/** Labels of one certificate as Prometheus stores them under each scrape setting. */
const scraped = {
  chartDefaults: (ns: string, name: string) => ({ ...ISSUER, name, exported_namespace: ns, namespace: 'cert-manager', job: 'cert-manager' }),
  honorLabels: (ns: string, name: string) => ({ ...ISSUER, name, namespace: ns, job: 'cert-manager' }),
};

/** promtool test rules on the rendered rule group; `interval` is both the series' step and the rules' evaluation interval. */
function promtoolTest(inputSeries: { series: string; values: string }[], alertTests: unknown[], interval = '1m'): { status: number; output: string } {
  const dir = tempDir('tenant-edge-promtool-');
  fs.writeFileSync(path.join(dir, 'rules.yaml'), stringify({ groups: rule.spec.groups }));
  fs.writeFileSync(
    path.join(dir, 'test.yaml'),
    stringify({ rule_files: ['rules.yaml'], evaluation_interval: interval, tests: [{ interval, input_series: inputSeries, alert_rule_test: alertTests }] }),
  );
  const check = runTool(toolPath('promtool'), ['check', 'rules', path.join(dir, 'rules.yaml')]);
  if (check.status !== 0) return { status: check.status, output: check.stdout + check.stderr };
  const r = runTool(toolPath('promtool'), ['test', 'rules', path.join(dir, 'test.yaml')], { cwd: dir });
  return { status: r.status, output: r.stdout + r.stderr };
}

const HOUR = 3600;
/** The evaluation time of the renewal tests: late enough that every timestamp below is positive. */
const NOW = 30 * DAY;
/** The 15-minute steps from 0 to NOW. */
const STEPS = NOW / 900;
const GRACE = 24 * HOUR;

/**
 * One certificate at NOW, as cert-manager v1.21.1 describes it: lifetime `days`, renewal at two
 * thirds of it (cert-manager's default, pkg/util/pki/renewaltime.go; Let's Encrypt's 90-day
 * certificates, the 64-day default from February 2027, the 45-day one from February 2028),
 * and `left` seconds until it expires.
 */
function certificate(days: number, left: number): { renewal: number; expiry: number } {
  const expiry = NOW + left;
  return { expiry, renewal: expiry - (days * DAY) / 3 };
}

interface RenewalCase {
  readonly name: string;
  readonly days: number;
  readonly left: number;
  /** How the alert describes the delay, when it must fire (Prometheus's humanizeDuration). */
  readonly overdue?: string;
}

/** For each lifetime: healthy certificates that must not alert, and failing renewals that must. */
const RENEWAL_CASES: readonly RenewalCase[] = [90, 64, 45].flatMap((days): RenewalCase[] => [
  { name: `d${days}-fresh`, days, left: days * DAY - HOUR },
  { name: `d${days}-due-tomorrow`, days, left: (days * DAY) / 3 + DAY },
  { name: `d${days}-renewing`, days, left: (days * DAY) / 3 - HOUR },
  { name: `d${days}-within-grace`, days, left: (days * DAY) / 3 - GRACE + HOUR },
  { name: `d${days}-overdue`, days, left: (days * DAY) / 3 - GRACE - HOUR, overdue: '1d 1h 0m 0s' },
  {
    name: `d${days}-near-expiry`,
    days,
    left: 2 * DAY,
    overdue: { 90: '28d 0h 0m 0s', 64: '19d 8h 0m 0s', 45: '13d 0h 0m 0s' }[days as 90 | 64 | 45],
  },
]);

describe.each(Object.entries(scraped))('scraped with %s', (mode, labelsOf) => {
  const inTenant = (labels: Record<string, string>): Record<string, string> => (mode === 'chartDefaults' ? { ...labels, namespace: 'tenant-acme' } : labels);

  test('renewal overdue: 90-, 64- and 45-day certificates alert only when renewal is overdue by more than 24 hours (another tenant\'s and a never-issued one never)', () => {
    const inputs = RENEWAL_CASES.flatMap((c) => {
      const { renewal, expiry } = certificate(c.days, c.left);
      const labels = labelsOf('tenant-acme', c.name);
      return [
        { series: series('certmanager_certificate_renewal_timestamp_seconds', labels), values: `${renewal}x${STEPS}` },
        { series: series('certmanager_certificate_expiration_timestamp_seconds', labels), values: `${expiry}x${STEPS}` },
      ];
    });
    inputs.push(
      { series: series('certmanager_certificate_renewal_timestamp_seconds', labelsOf('tenant-acme', 'never-issued')), values: `0x${STEPS}` },
      { series: series('certmanager_certificate_renewal_timestamp_seconds', labelsOf('tenant-beta', 'edge-certificate')), values: `${certificate(45, 2 * DAY).renewal}x${STEPS}` },
    );
    const expected = RENEWAL_CASES.filter((c) => c.overdue !== undefined).map((c) => ({
      exp_labels: { ...inTenant(labelsOf('tenant-acme', c.name)), severity: 'warning', tenant: 'acme' },
      exp_annotations: {
        summary: 'A certificate of tenant acme is overdue for renewal by more than 24 hours',
        description: `Certificate ${c.name} in namespace tenant-acme should have been renewed ${c.overdue} ago; check its CertificateRequest and the issuer.`,
      },
    }));
    const r = promtoolTest(inputs, [{ eval_time: `${NOW}s`, alertname: 'TenantCertificateRenewalOverdue', exp_alerts: expected }], '15m');
    expect(r.output).toMatch(/SUCCESS/);
    expect(r.status).toBe(0);
  });

  test('a certificate never issued (timestamps 0, Ready False) raises the not-ready alert only, however long it waits', () => {
    const labels = labelsOf('tenant-acme', 'edge-certificate');
    const r = promtoolTest(
      [
        { series: series('certmanager_certificate_renewal_timestamp_seconds', labels), values: '0x120' },
        { series: series('certmanager_certificate_expiration_timestamp_seconds', labels), values: '0x120' },
        { series: series('certmanager_certificate_ready_status', { ...labels, condition: 'False' }), values: '1x120' },
        { series: series('certmanager_certificate_ready_status', { ...labels, condition: 'True' }), values: '0x120' },
        { series: series('certmanager_certificate_ready_status', { ...labels, condition: 'Unknown' }), values: '0x120' },
      ],
      [
        // 29 hours after the epoch: a renewal time of 0 would be more than 24 hours overdue.
        { eval_time: '29h', alertname: 'TenantCertificateRenewalOverdue', exp_alerts: [] },
        { eval_time: '29h', alertname: 'TenantCertificateNotReady', exp_alerts: [notReadyAlert('edge-certificate')] },
      ],
      '15m',
    );
    expect(r.output).toMatch(/SUCCESS/);
    expect(r.status).toBe(0);
  });

  test('a certificate of the tenant that is not ready fires once per certificate, with the tenant\'s namespace', () => {
    const failing = labelsOf('tenant-acme', 'edge-certificate');
    const healthy = labelsOf('tenant-acme', 'api-tls');
    const inputs = [
      { series: series('certmanager_certificate_ready_status', { ...failing, condition: 'False' }), values: '1x60' },
      { series: series('certmanager_certificate_ready_status', { ...failing, condition: 'True' }), values: '0x60' },
      { series: series('certmanager_certificate_ready_status', { ...failing, condition: 'Unknown' }), values: '0x60' },
      { series: series('certmanager_certificate_ready_status', { ...healthy, condition: 'True' }), values: '1x60' },
      { series: series('certmanager_certificate_ready_status', { ...healthy, condition: 'False' }), values: '0x60' },
      { series: series('certmanager_certificate_ready_status', { ...labelsOf('tenant-beta', 'edge-certificate'), condition: 'False' }), values: '1x60' },
    ];
    const r = promtoolTest(inputs, [
      { eval_time: '30m', alertname: 'TenantCertificateNotReady', exp_alerts: [notReadyAlert('edge-certificate')] },
      { eval_time: '10m', alertname: 'TenantCertificateNotReady', exp_alerts: [] },
    ]);
    expect(r.output).toMatch(/SUCCESS/);
    expect(r.status).toBe(0);
  });
});

function notReadyAlert(name: string): unknown {
  return {
    exp_labels: { name, namespace: 'tenant-acme', severity: 'critical', tenant: 'acme' },
    exp_annotations: {
      summary: 'A certificate of tenant acme is not ready',
      description: `Certificate ${name} in namespace tenant-acme has not been Ready for 15 minutes; its route serves no valid certificate.`,
    },
  };
}

test('another target cannot raise the tenant\'s alerts by claiming its namespace in exported_namespace', () => {
  // With honorLabels: false, a tenant's own exporter in namespace "beta" that publishes
  // namespace="tenant-acme" arrives as {namespace="tenant-beta", exported_namespace="tenant-acme"}.
  const spoofed = { ...ISSUER, name: 'edge-certificate', namespace: 'tenant-beta', exported_namespace: 'tenant-acme', job: 'beta-metrics' };
  const r = promtoolTest(
    [
      { series: series('certmanager_certificate_ready_status', { ...spoofed, condition: 'False' }), values: '1x120' },
      // Due an hour after the epoch: 28 hours overdue at the evaluation.
      { series: series('certmanager_certificate_renewal_timestamp_seconds', spoofed), values: `${HOUR}x120` },
    ],
    [
      { eval_time: '30m', alertname: 'TenantCertificateNotReady', exp_alerts: [] },
      { eval_time: '29h', alertname: 'TenantCertificateRenewalOverdue', exp_alerts: [] },
    ],
    '15m',
  );
  expect(r.output).toMatch(/SUCCESS/);
  expect(r.status).toBe(0);
});

test('promtool fails a test whose expected alert does not fire, so these tests can fail', () => {
  const labels = scraped.honorLabels('tenant-acme', 'x');
  const { renewal } = certificate(45, 20 * DAY);
  const r = promtoolTest(
    [{ series: series('certmanager_certificate_renewal_timestamp_seconds', labels), values: `${renewal}x${STEPS}` }],
    [{ eval_time: `${NOW}s`, alertname: 'TenantCertificateRenewalOverdue', exp_alerts: [{ exp_labels: { ...labels, severity: 'warning', tenant: 'acme' } }] }],
    '15m',
  );
  expect(r.status).not.toBe(0);
  expect(r.output).toMatch(/FAILED/);
});
