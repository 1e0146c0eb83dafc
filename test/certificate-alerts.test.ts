/**
 * The rendered certificate alerts, evaluated by Prometheus itself (`promtool test rules`, built
 * from the pinned prometheus module) on series shaped as cert-manager exports them
 * (internal/collectors/certificate_collector.go, cert-manager v1.21.1: labels name, namespace,
 * issuer_name, issuer_kind, issuer_group, and condition on the ready status), scraped both ways:
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

function promtoolTest(inputSeries: { series: string; values: string }[], alertTests: unknown[]): { status: number; output: string } {
  const dir = tempDir('tenant-edge-promtool-');
  fs.writeFileSync(path.join(dir, 'rules.yaml'), stringify({ groups: rule.spec.groups }));
  fs.writeFileSync(
    path.join(dir, 'test.yaml'),
    stringify({ rule_files: ['rules.yaml'], evaluation_interval: '1m', tests: [{ interval: '1m', input_series: inputSeries, alert_rule_test: alertTests }] }),
  );
  const check = runTool(toolPath('promtool'), ['check', 'rules', path.join(dir, 'rules.yaml')]);
  if (check.status !== 0) return { status: check.status, output: check.stdout + check.stderr };
  const r = runTool(toolPath('promtool'), ['test', 'rules', path.join(dir, 'test.yaml')], { cwd: dir });
  return { status: r.status, output: r.stdout + r.stderr };
}

function expiringAlert(labels: Record<string, string>, name: string): unknown {
  return {
    exp_labels: { ...labels, severity: 'warning', tenant: 'acme' },
    exp_annotations: {
      summary: 'A certificate of tenant acme expires in less than 21 days',
      description: `Certificate ${name} in namespace tenant-acme has not been renewed; check its CertificateRequest and the issuer.`,
    },
  };
}

describe.each(Object.entries(scraped))('scraped with %s', (mode, labelsOf) => {
  test('a certificate of the tenant close to expiry fires; another tenant\'s, a healthy one and an unissued one do not', () => {
    const soon = labelsOf('tenant-acme', 'edge-certificate');
    const r = promtoolTest(
      [
        // Expires 10 days after the epoch the test starts at.
        { series: series('certmanager_certificate_expiration_timestamp_seconds', soon), values: `${10 * DAY}x180` },
        { series: series('certmanager_certificate_expiration_timestamp_seconds', labelsOf('tenant-acme', 'fresh-tls')), values: `${80 * DAY}x180` },
        { series: series('certmanager_certificate_expiration_timestamp_seconds', labelsOf('tenant-acme', 'pending-tls')), values: '0x180' },
        { series: series('certmanager_certificate_expiration_timestamp_seconds', labelsOf('tenant-beta', 'edge-certificate')), values: `${10 * DAY}x180` },
      ],
      [
        {
          eval_time: '2h',
          alertname: 'TenantCertificateExpiringSoon',
          exp_alerts: [expiringAlert(mode === 'chartDefaults' ? { ...soon, namespace: 'tenant-acme' } : soon, 'edge-certificate')],
        },
      ],
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
      {
        eval_time: '30m',
        alertname: 'TenantCertificateNotReady',
        exp_alerts: [
          {
            exp_labels: { name: 'edge-certificate', namespace: 'tenant-acme', severity: 'critical', tenant: 'acme' },
            exp_annotations: {
              summary: 'A certificate of tenant acme is not ready',
              description: 'Certificate edge-certificate in namespace tenant-acme has not been Ready for 15 minutes; its route serves no valid certificate.',
            },
          },
        ],
      },
      { eval_time: '10m', alertname: 'TenantCertificateNotReady', exp_alerts: [] },
    ]);
    expect(r.output).toMatch(/SUCCESS/);
    expect(r.status).toBe(0);
  });
});

test('another target cannot raise the tenant\'s alerts by claiming its namespace in exported_namespace', () => {
  // With honorLabels: false, a tenant's own exporter in namespace "beta" that publishes
  // namespace="tenant-acme" arrives as {namespace="tenant-beta", exported_namespace="tenant-acme"}.
  const spoofed = { ...ISSUER, name: 'edge-certificate', namespace: 'tenant-beta', exported_namespace: 'tenant-acme', job: 'beta-metrics' };
  const r = promtoolTest(
    [
      { series: series('certmanager_certificate_ready_status', { ...spoofed, condition: 'False' }), values: '1x60' },
      { series: series('certmanager_certificate_expiration_timestamp_seconds', spoofed), values: `${10 * DAY}x180` },
    ],
    [
      { eval_time: '30m', alertname: 'TenantCertificateNotReady', exp_alerts: [] },
      { eval_time: '2h', alertname: 'TenantCertificateExpiringSoon', exp_alerts: [] },
    ],
  );
  expect(r.output).toMatch(/SUCCESS/);
  expect(r.status).toBe(0);
});

test('promtool fails a test whose expected alert does not fire, so these tests can fail', () => {
  const r = promtoolTest(
    [{ series: series('certmanager_certificate_expiration_timestamp_seconds', scraped.honorLabels('tenant-acme', 'x')), values: `${80 * DAY}x180` }],
    [{ eval_time: '2h', alertname: 'TenantCertificateExpiringSoon', exp_alerts: [expiringAlert(scraped.honorLabels('tenant-acme', 'x'), 'x')] }],
  );
  expect(r.status).not.toBe(0);
  expect(r.output).toMatch(/FAILED/);
});
