import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { AcmeIssuer } from '../constructs/cert-manager/acme-issuer';
import { Certificate } from '../constructs/cert-manager/certificate';
import { CERTIFICATE_HEALTH_CHECK, ISSUER_HEALTH_CHECK } from '../constructs/cert-manager/health-checks';
import { ConfigMap } from '../constructs/core/config-map';
import { TenantNamespace } from '../constructs/core/namespace';
import { FluxKustomization } from '../constructs/flux/kustomization';
import { CertificateAlerts } from '../constructs/monitoring/certificate-alerts';
import { placeIn } from '../constructs/placement';
import { NamespaceAccess } from '../constructs/rbac/namespace-access';
import { flavourFor, passthroughFor } from '../flavours/registry';
import { EnvironmentModel, HttpRouteModel, PassthroughRouteModel, RouteModel, TenantModel } from '../model/model';
import { MANAGED_BY, names, TENANT_LABEL, TENANT_ZONE_LABEL_VALUE } from '../model/names';
import { ingressController } from './controller';
import { APPLIED_ONCE } from './dns';

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
    super(scope, id, { disableResourceNameHashes: true, labels: { ...MANAGED_BY, [TENANT_LABEL]: props.tenant.name } });
    const { environment: env, tenant: t } = props;
    const clusterDir = `tenants/${t.name}/cluster`;
    const nsDir = `tenants/${t.name}/namespace`;
    const flavour = flavourFor(env.flavour.id);
    const ns = t.namespace;
    const flux = env.flux;

    placeIn(new TenantNamespace(this, 'Namespace', { name: ns, tenant: t.name }), `${clusterDir}/namespace.yaml`);
    const access = new NamespaceAccess(this, 'Access', {
      serviceAccount: { name: names.tenantServiceAccount(t.name), namespace: flux.namespace },
      namespace: ns,
      clusterRole: names.tenantApplierRole,
      bindingName: names.tenantApplierBinding,
    });
    placeIn(access, `${clusterDir}/access.yaml`);

    if (t.controller) {
      const controller = new Construct(this, 'IngressController');
      placeIn(controller, `${clusterDir}/ingress-controller.yaml`);
      ingressController(controller, t.controller, flavour, flux);
    }

    for (const issuer of t.issuers) {
      placeIn(new AcmeIssuer(this, `Issuer-${issuer.name}`, { ...issuer, accountKeySecret: names.acmeAccountKey(issuer.name) }), `${nsDir}/issuers.yaml`);
    }
    for (const cert of t.certificates) {
      const certificate = new Certificate(this, `Certificate-${cert.name}`, {
        name: cert.name,
        namespace: ns,
        secretName: cert.secretName,
        dnsNames: cert.dnsNames,
        issuer: cert.issuer,
        labels: cert.inTenantZone ? { [names.tenantZoneSolverLabel]: TENANT_ZONE_LABEL_VALUE } : undefined,
      });
      placeIn(certificate, `${nsDir}/certificates.yaml`);
    }
    const routes = new Construct(this, 'Routes');
    placeIn(routes, `${nsDir}/ingresses.yaml`);
    const render: RouteRenderers = {
      http: (scope, route) => flavour.emit.httpRoute(scope, route, { name: names.ingress(route.name), namespace: ns, className: t.className }),
    };
    for (const route of t.routes) renderRoute(routes, route, render);

    if (t.controlPlane) {
      // In the control planes' namespace, which the tenant's own identity cannot write: applied
      // with the platform's rights, like the rest of the cluster folder.
      const cp = t.controlPlane;
      const scope = new Construct(this, 'ControlPlane');
      placeIn(scope, `${clusterDir}/control-plane.yaml`);
      const passthrough = passthroughFor(cp.controller);
      const cpRender: RouteRenderers = { passthrough: (s, route) => passthrough.route(s, route, { className: cp.className, entryPoints: cp.entryPoints, gateway: env.controlPlanes?.gateway }) };
      for (const route of cp.routes) renderRoute(scope, route, cpRender);
      new ConfigMap(scope, 'CertSANs', {
        name: names.controlPlaneSans(t.name),
        namespace: cp.namespace,
        data: {
          apiServerHost: cp.apiServerHost,
          ...(cp.konnectivityHost ? { konnectivityHost: cp.konnectivityHost } : {}),
          certSANs: cp.certSANs.map((s) => `${s}\n`).join(''),
        },
      });
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
      // A tenant zone's Certificates wait for its delegation: a challenge started before the zone
      // is served can stay pending (cert-manager#5284). Only for the first one: once applied, an
      // Azure outage or a record Azure refuses must not hold up the tenant's routes.
      dependsOn: [
        names.tenantClusterKustomization(t.name),
        ...(t.zone && env.dns ? [{ name: names.delegationKustomization(t.name), namespace: env.dns.namespace, readyExpr: APPLIED_ONCE }] : []),
      ],
      serviceAccountName: names.tenantServiceAccount(t.name),
      targetNamespace: ns,
      // Ready only once every Certificate is issued and every Issuer has its ACME account
      // (kstatus alone would pass them before cert-manager has looked at them).
      healthCheckExprs: [...(t.certificates.length > 0 ? [CERTIFICATE_HEALTH_CHECK] : []), ...(t.issuers.length > 0 ? [ISSUER_HEALTH_CHECK] : [])],
    });
    placeIn(namespaced, `flux/tenant-${t.name}.yaml`);
  }
}

/** How a chart renders each kind of route in one place (a kind it does not expect is a bug). */
interface RouteRenderers {
  readonly http?: (scope: Construct, route: HttpRouteModel) => void;
  readonly passthrough?: (scope: Construct, route: PassthroughRouteModel) => void;
}

/** Renders one route; every kind of route has a case here. */
function renderRoute(scope: Construct, route: RouteModel, render: RouteRenderers): void {
  const missing = (): Error => new Error(`no rendering for a ${route.kind} route here (${route.name})`);
  switch (route.kind) {
    case 'http':
      if (!render.http) throw missing();
      render.http(scope, route);
      return;
    case 'passthrough':
      if (!render.passthrough) throw missing();
      render.passthrough(scope, route);
      return;
    default: {
      const unknown: never = route;
      throw new Error(`no rendering for routes of kind ${String((unknown as RouteModel).kind)}`);
    }
  }
}
