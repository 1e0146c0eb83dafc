// Benchmark baseline (scripts/naive-cdk8s.ts): tenant-edge's construct as it was before the plain-data
// constructs, built on cdk8s's generated classes. Not part of the product; kept for the comparison and
// for test/naive-equivalence.test.ts.
import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { AcmeIssuer } from './acme-issuer';
import { CertificateAlerts } from './certificate-alerts';
import { FluxKustomization } from './flux-kustomization';
import { CERTIFICATE_HEALTH_CHECK, ISSUER_HEALTH_CHECK } from '../../lib/constructs/cert-manager/health-checks';
import { IngressController } from './ingress-controller';
import { IngressRoute } from './ingress-route';
import { EnvironmentModel, TenantModel } from '../../lib/model/model';
import { names, TENANT_LABEL } from '../../lib/model/names';
import { NamespaceAccess } from './namespace-access';
import { placeIn } from '../../lib/constructs/placement';
import { flavourFor } from '../../lib/flavours/registry';
import { RouteCertificate } from './route-certificate';
import { TenantNamespace } from './tenant-namespace';

export interface TenantChartProps {
  readonly environment: EnvironmentModel;
  readonly tenant: TenantModel;
}

/**
 * Everything one tenant owns in one environment, in two folders applied by two Flux
 * Kustomizations:
 *  - tenants/<t>/cluster/: the namespace, the service account the tenant's objects are applied
 *    with, and the dedicated controller. Applied with the platform's rights, after the platform.
 *  - tenants/<t>/namespace/: issuers, certificates, ingresses and alerts, all inside the tenant's
 *    namespace. Applied after the cluster part, impersonating the tenant's service account, which
 *    may write only those kinds and only in that namespace.
 */
export class TenantChart extends Chart {
  constructor(scope: Construct, id: string, props: TenantChartProps) {
    super(scope, id, { disableResourceNameHashes: true });
    const { environment: env, tenant: t } = props;
    const clusterDir = `tenants/${t.name}/cluster`;
    const nsDir = `tenants/${t.name}/namespace`;
    const labels = { [TENANT_LABEL]: t.name };
    const ns = t.namespace;
    const flux = env.flux;

    placeIn(new TenantNamespace(this, 'Namespace', { name: ns, tenant: t.name }), `${clusterDir}/namespace.yaml`);
    const access = new NamespaceAccess(this, 'Access', {
      serviceAccount: { name: names.tenantServiceAccount(t.name), namespace: flux.namespace },
      namespace: ns,
      clusterRole: names.tenantApplierRole,
      bindingName: names.tenantApplierBinding,
      labels,
    });
    placeIn(access, `${clusterDir}/access.yaml`);

    if (t.controller) {
      const controller = new IngressController(this, 'IngressController', {
        ...t.controller,
        flavour: flavourFor(env.flavour.id),
        repository: { name: t.controller.repositoryName, namespace: flux.namespace },
        helmReleaseNamespace: flux.namespace,
        serviceAccountName: flux.helmServiceAccount,
        interval: flux.interval,
        retryInterval: flux.retryInterval,
        labels,
      });
      placeIn(controller, `${clusterDir}/ingress-controller.yaml`);
    }

    for (const issuer of t.issuers) {
      placeIn(new AcmeIssuer(this, `Issuer-${issuer.name}`, { ...issuer, labels }), `${nsDir}/issuers.yaml`);
    }
    for (const cert of t.certificates) {
      const certificate = new RouteCertificate(this, `Certificate-${cert.name}`, {
        name: cert.name,
        namespace: ns,
        secretName: cert.secretName,
        dnsNames: cert.dnsNames,
        issuer: cert.issuer,
        labels,
      });
      placeIn(certificate, `${nsDir}/certificates.yaml`);
    }
    for (const route of t.routes) {
      const ingress = new IngressRoute(this, `Route-${route.name}`, {
        name: names.ingress(route.name),
        namespace: ns,
        className: t.className,
        hosts: route.hosts,
        paths: route.paths,
        tlsSecretName: route.tls.mode === 'none' ? undefined : route.tls.secretName,
        annotations: { ...route.annotations, ...env.flavour.routeAnnotations(route.options) },
        labels,
      });
      placeIn(ingress, `${nsDir}/ingresses.yaml`);
    }

    if (env.monitoring.enabled && t.certificates.length > 0) {
      const alerts = new CertificateAlerts(this, 'CertificateAlerts', {
        namespace: ns,
        tenant: t.name,
        renewalGraceHours: env.monitoring.renewalGraceHours,
        certManagerNamespace: env.monitoring.certManagerNamespace,
        labels: env.monitoring.ruleLabels,
      });
      placeIn(alerts, `${nsDir}/alerts.yaml`);
    }

    const common = {
      namespace: flux.namespace,
      sourceRef: flux.sourceRef,
      interval: flux.interval,
      retryInterval: flux.retryInterval,
      timeout: flux.timeout,
      labels,
    };
    const cluster = new FluxKustomization(this, 'ClusterSync', {
      ...common,
      name: names.tenantClusterKustomization(t.name),
      path: `${flux.envPath}/${clusterDir}`,
      dependsOn: [names.platformKustomization],
      serviceAccountName: flux.kustomizeServiceAccount,
    });
    placeIn(cluster, `flux/tenant-${t.name}.yaml`);
    // A tenant without routes or issuers has nothing inside its namespace to apply.
    if (t.routes.length === 0 && t.issuers.length === 0) return;
    const namespaced = new FluxKustomization(this, 'NamespaceSync', {
      ...common,
      name: names.tenantKustomization(t.name),
      path: `${flux.envPath}/${nsDir}`,
      dependsOn: [names.tenantClusterKustomization(t.name)],
      serviceAccountName: names.tenantServiceAccount(t.name),
      targetNamespace: ns,
      healthCheckExprs: [...(t.certificates.length > 0 ? [CERTIFICATE_HEALTH_CHECK] : []), ...(t.issuers.length > 0 ? [ISSUER_HEALTH_CHECK] : [])],
    });
    placeIn(namespaced, `flux/tenant-${t.name}.yaml`);
  }
}
