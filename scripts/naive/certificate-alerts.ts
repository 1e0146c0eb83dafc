// Benchmark baseline (scripts/naive-cdk8s.ts): tenant-edge's construct as it was before the plain-data
// constructs, built on cdk8s's generated classes. Not part of the product; kept for the comparison and
// for test/naive-equivalence.test.ts.
import { Construct } from 'constructs';
import { PrometheusRule, PrometheusRuleSpecGroupsRulesExpr } from '../../imports/monitoring.coreos.com';
import { MANAGED_BY, names, TENANT_LABEL } from '../../lib/model/names';

export interface CertificateAlertsProps {
  /** Namespace whose certificates are watched (the rule lives there too). */
  readonly namespace: string;
  /** Tenant, added to every alert as the `tenant` label for routing. */
  readonly tenant: string;
  /** Warn when a certificate's renewal is overdue by more than this many hours. @default 24 */
  readonly renewalGraceHours?: number;
  /** Labels your Prometheus selects rules by. @default none */
  readonly labels?: Record<string, string>;
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
 */
export class CertificateAlerts extends Construct {
  readonly apiObject: PrometheusRule;

  constructor(scope: Construct, id: string, props: CertificateAlertsProps) {
    super(scope, id);
    const grace = props.renewalGraceHours ?? 24;
    const certManager = props.certManagerNamespace ?? 'cert-manager';
    const series = (metric: string, matchers = ''): string => namespaceSeries(metric, props.namespace, certManager, matchers);
    const alertLabels = { tenant: props.tenant };
    this.apiObject = new PrometheusRule(this, 'Resource', {
      metadata: {
        name: props.name ?? names.certificateAlerts,
        namespace: props.namespace,
        labels: { ...props.labels, ...MANAGED_BY, [TENANT_LABEL]: props.tenant },
      },
      spec: {
        groups: [
          {
            name: `tenant-edge.certificates.${props.namespace}`,
            rules: [
              {
                alert: 'TenantCertificateRenewalOverdue',
                expr: PrometheusRuleSpecGroupsRulesExpr.fromString(
                  `time() - (${series('certmanager_certificate_renewal_timestamp_seconds')} > 0) > ${grace} * 3600`,
                ),
                for: '15m',
                labels: { ...alertLabels, severity: 'warning' },
                annotations: {
                  summary: `A certificate of tenant ${props.tenant} is overdue for renewal by more than ${grace} hours`,
                  description: 'Certificate {{ $labels.name }} in namespace {{ $labels.namespace }} should have been renewed {{ $value | humanizeDuration }} ago; check its CertificateRequest and the issuer.',
                },
              },
              {
                alert: 'TenantCertificateNotReady',
                expr: PrometheusRuleSpecGroupsRulesExpr.fromString(
                  `max by (namespace, name) (${series('certmanager_certificate_ready_status', ', condition!="True"')}) == 1`,
                ),
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
    });
  }
}
