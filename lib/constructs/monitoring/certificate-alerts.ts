import { Construct } from 'constructs';
import { nonEmpty, PlainApiObject } from '../api-object';
import { checkName } from '../checks';

export interface CertificateAlertsProps {
  /** Namespace whose certificates are watched (the rule lives there too). */
  readonly namespace: string;
  /** Tenant, added to every alert as the `tenant` label for routing. */
  readonly tenant: string;
  /**
   * Warn when a certificate's renewal is overdue by more than this many hours: cert-manager
   * retries a failed issuance after 1, 2, 4, 8 and 16 hours, so 24 hours is about five failed
   * attempts. @default 24
   */
  readonly renewalGraceHours?: number;
  /** Labels your Prometheus selects rules by, besides the chart's. @default none */
  readonly labels?: Readonly<Record<string, string>>;
  /** PrometheusRule name. @default edge-certificates */
  readonly name?: string;
  /**
   * Namespace cert-manager runs in: with honorLabels: false, cert-manager's series carry it as
   * `namespace`, which tells them from another target's series that merely claim the tenant's
   * namespace in `exported_namespace`. @default cert-manager
   */
  readonly certManagerNamespace?: string;
}

/**
 * The series of a cert-manager metric that describe certificates in `namespace`, with the
 * certificate's namespace in the `namespace` label, however Prometheus scraped cert-manager.
 *
 * cert-manager exports each certificate's namespace as the label `namespace`. Its chart's
 * ServiceMonitor leaves honorLabels at false (deploy/charts/cert-manager/values.yaml,
 * prometheus.servicemonitor.honorLabels, v1.21.1), so Prometheus renames that label to
 * `exported_namespace` and sets `namespace` to the scraped pod's namespace, cert-manager's own;
 * with honorLabels: true (or a scrape config that keeps labels) the label stays `namespace`. The
 * first branch matches the renamed form, only from cert-manager's namespace (a tenant's own
 * exporter could claim any exported_namespace), and moves the value back into `namespace`; the
 * second matches the kept form, which has no `exported_namespace`.
 */
export function namespaceSeries(metric: string, namespace: string, certManagerNamespace: string, matchers = ''): string {
  const exported = `label_replace(${metric}{namespace="${certManagerNamespace}", exported_namespace="${namespace}"${matchers}}, "namespace", "$1", "exported_namespace", "(.+)")`;
  const kept = `${metric}{namespace="${namespace}", exported_namespace=""${matchers}}`;
  return `(${exported} or ${kept})`;
}

/**
 * Alerts on cert-manager's metrics for one namespace: a certificate whose renewal is overdue
 * (renewal is failing) and a certificate that is not Ready (issuance is failing).
 *
 * No alert compares the expiry with a fixed number of days. cert-manager renews at two thirds of
 * a certificate's lifetime unless told otherwise (spec.renewBefore), or when the CA's renewal
 * information says (ACME ARI), and writes that time as status.renewalTime; a fixed threshold
 * above a third of the lifetime (21 days for a 45-day certificate, renewed at 15 days left)
 * fires on every healthy certificate. The renewal time is exported as
 * certmanager_certificate_renewal_timestamp_seconds, and as 0 while the certificate has none
 * (never issued, or its certificate cannot be read), which is the not-ready alert's case
 * (internal/collectors/certificate_collector.go, registered by pkg/metrics/metrics.go, cert-manager v1.21.1).
 */
export class CertificateAlerts extends PlainApiObject {
  constructor(scope: Construct, id: string, props: CertificateAlertsProps) {
    const name = props.name ?? 'edge-certificates';
    checkName('PrometheusRule', name);
    const grace = props.renewalGraceHours ?? 24;
    if (!Number.isInteger(grace) || grace < 1) throw new Error(`CertificateAlerts ${name}: renewalGraceHours must be a whole number of hours, at least 1 (got ${grace})`);
    const certManager = props.certManagerNamespace ?? 'cert-manager';
    const series = (metric: string, matchers = ''): string => namespaceSeries(metric, props.namespace, certManager, matchers);
    const alertLabels = { tenant: props.tenant };
    super(scope, id, {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      metadata: { name, namespace: props.namespace, labels: nonEmpty(props.labels) },
      body: {
      spec: {
        groups: [
          {
            name: `tenant-edge.certificates.${props.namespace}`,
            rules: [
              {
                alert: 'TenantCertificateRenewalOverdue',
                expr: `time() - (${series('certmanager_certificate_renewal_timestamp_seconds')} > 0) > ${grace} * 3600`,
                for: '15m',
                labels: { ...alertLabels, severity: 'warning' },
                annotations: {
                  summary: `A certificate of tenant ${props.tenant} is overdue for renewal by more than ${grace} hours`,
                  description: 'Certificate {{ $labels.name }} in namespace {{ $labels.namespace }} should have been renewed {{ $value | humanizeDuration }} ago; check its CertificateRequest and the issuer.',
                },
              },
              {
                alert: 'TenantCertificateNotReady',
                expr: `max by (namespace, name) (${series('certmanager_certificate_ready_status', ', condition!="True"')}) == 1`,
                for: '15m',
                labels: { ...alertLabels, severity: 'critical' },
                annotations: {
                  summary: `A certificate of tenant ${props.tenant} is not ready`,
                  description: 'Certificate {{ $labels.name }} in namespace {{ $labels.namespace }} has not been Ready for 15 minutes; its route serves no valid certificate.',
                },
              },
            ],
          },
        ],
      },
      },
    });
  }
}
