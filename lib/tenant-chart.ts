import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { AcmeIssuer } from './acme-issuer';
import { CertificateAlerts } from './certificate-alerts';
import { FluxKustomization } from './flux-kustomization';
import { IngressController } from './ingress-controller';
import { IngressRoute } from './ingress-route';
import { EnvironmentModel, TenantModel } from './model/model';
import { names, TENANT_LABEL } from './model/names';
import { placeIn } from './output/placement';
import { RouteCertificate } from './route-certificate';
import { TenantNamespace } from './tenant-namespace';

export interface TenantChartProps {
  readonly environment: EnvironmentModel;
  readonly tenant: TenantModel;
}

/**
 * Everything one tenant owns in one environment: namespace, dedicated controller, issuers,
 * certificates, ingresses and alerts, plus the Flux Kustomization that applies them after the
 * platform part is ready.
 */
export class TenantChart extends Chart {
  constructor(scope: Construct, id: string, props: TenantChartProps) {
    super(scope, id, { disableResourceNameHashes: true });
    const { environment: env, tenant: t } = props;
    const dir = `tenants/${t.name}`;
    const labels = { [TENANT_LABEL]: t.name };
    const ns = t.namespace;

    placeIn(new TenantNamespace(this, 'Namespace', { name: ns, tenant: t.name }), `${dir}/namespace.yaml`);

    if (t.controller) {
      const controller = new IngressController(this, 'IngressController', {
        ...t.controller,
        repository: { name: t.controller.repositoryName, namespace: env.flux.namespace },
        interval: env.flux.interval,
        retryInterval: env.flux.retryInterval,
        labels,
      });
      placeIn(controller, `${dir}/ingress-controller.yaml`);
    }

    for (const issuer of t.issuers) {
      placeIn(new AcmeIssuer(this, `Issuer-${issuer.name}`, { ...issuer, labels }), `${dir}/issuers.yaml`);
    }

    let certificates = 0;
    for (const route of t.routes) {
      const scope = new Construct(this, `Route-${route.name}`);
      if (route.tls.mode === 'certManager') {
        certificates++;
        const cert = new RouteCertificate(scope, 'Certificate', {
          name: route.tls.certificateName,
          namespace: ns,
          secretName: route.tls.secretName,
          dnsNames: route.hosts,
          issuer: route.tls.issuer,
          labels,
        });
        placeIn(cert, `${dir}/certificates.yaml`);
      }
      const ingress = new IngressRoute(scope, 'Ingress', {
        name: names.ingress(route.name),
        namespace: ns,
        className: t.className,
        hosts: route.hosts,
        paths: route.paths,
        tlsSecretName: route.tls.mode === 'none' ? undefined : route.tls.secretName,
        annotations: { ...route.annotations, ...env.flavour.routeAnnotations(route.options) },
        labels,
      });
      placeIn(ingress, `${dir}/ingresses.yaml`);
    }

    if (env.monitoring.enabled && certificates > 0) {
      const alerts = new CertificateAlerts(this, 'CertificateAlerts', {
        namespace: ns,
        tenant: t.name,
        expiryWarningDays: env.monitoring.expiryWarningDays,
        labels: env.monitoring.ruleLabels,
      });
      placeIn(alerts, `${dir}/alerts.yaml`);
    }

    const sync = new FluxKustomization(this, 'Sync', {
      name: names.tenantKustomization(t.name),
      namespace: env.flux.namespace,
      path: `${env.flux.envPath}/${dir}`,
      sourceRef: env.flux.sourceRef,
      dependsOn: [names.platformKustomization],
      interval: env.flux.interval,
      retryInterval: env.flux.retryInterval,
      timeout: env.flux.timeout,
      labels,
    });
    placeIn(sync, `flux/tenant-${t.name}.yaml`);
  }
}
