import { isIP } from 'net';
import { Environment, Tenant } from '../../input/types';
import { PlatformContext, Report } from '../context';
import { inDomain } from '../domains';
import { ControlPlaneModel, PassthroughRouteModel } from '../model';
import { names } from '../names';

/** Names every API server certificate carries for in-cluster clients (kubernetes.default.svc and its forms). */
export const IN_CLUSTER_SANS = ['kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local'] as const;

const MAX_DNS_NAME = 253;
const MAX_LABEL = 63;

/**
 * A tenant's control plane in one environment: its two hostnames under the platform's
 * control-plane domain, the passthrough routes to the Service the operator creates (named by the
 * platform's pattern, never by the tenant), and the names its API server certificate needs.
 * `domains` are the tenant's domains in `env`: an extra name must lie in one of them. Returns
 * undefined when the tenant has no control plane, the platform cannot reach control planes
 * (reported by the tenant rules), or it reported a problem.
 */
export function buildControlPlane(ctx: PlatformContext, tenant: Tenant, env: Environment, domains: readonly string[], report: Report): ControlPlaneModel | undefined {
  const spec = tenant.spec.controlPlane;
  const platform = ctx.spec.controlPlanes;
  const base = ctx.controlPlaneDomain(env);
  if (!spec || !platform || base === undefined) return undefined;
  const name = tenant.metadata.name;
  let ok = true;

  const apiServerHost = `${name}.k8s.${base}`;
  const konnectivityHost = spec.konnectivity ? `${name}.konnectivity.${base}` : undefined;
  for (const host of [apiServerHost, konnectivityHost]) {
    if (host !== undefined && host.length > MAX_DNS_NAME) {
      report(['metadata', 'name'], `the control-plane hostname "${host}" in environment "${env.name}" has ${host.length} characters, over the ${MAX_DNS_NAME} a DNS name may have`);
      ok = false;
    }
  }
  const service = platform.service.name.replace('{tenant}', name);
  if (service.length > MAX_LABEL) {
    report(['metadata', 'name'], `the control plane's Service name "${service}" (spec.controlPlanes.service.name in ${ctx.file}) has ${service.length} characters, over the ${MAX_LABEL} a Service name may have`);
    ok = false;
  }

  const sans: string[] = [apiServerHost, ...(konnectivityHost ? [konnectivityHost] : []), ...IN_CLUSTER_SANS];
  spec.extraSANs.forEach((san, i) => {
    if (isIP(san) === 0 && !domains.some((d) => inDomain(san, d))) {
      report(['spec', 'controlPlane', 'extraSANs', i], `"${san}" lies in none of the tenant's domains in environment "${env.name}" (${domains.join(', ')}); an extra name must be the tenant's own`);
      ok = false;
    }
    if (!sans.includes(san)) sans.push(san);
  });
  if (!ok) return undefined;

  const route = (routeName: string, host: string, port: number): PassthroughRouteModel => ({
    kind: 'passthrough',
    name: routeName,
    host,
    namespace: platform.namespace,
    service: { name: service, port },
  });
  return {
    controller: platform.controller,
    namespace: platform.namespace,
    ...(ctx.controlPlaneClass !== undefined ? { className: ctx.controlPlaneClass } : {}),
    entryPoints: platform.entryPoints,
    routes: [
      route(names.apiServerRoute(name), apiServerHost, platform.service.port),
      ...(konnectivityHost ? [route(names.konnectivityRoute(name), konnectivityHost, platform.service.konnectivityPort)] : []),
    ],
    apiServerHost,
    ...(konnectivityHost ? { konnectivityHost } : {}),
    certSANs: sans,
  };
}
