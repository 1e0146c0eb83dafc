import { Tenant } from '../../input/types';
import { PlatformContext, Report } from '../context';
import { imageRepository, movingTag } from '../images';

/**
 * The rules of a tenant's tcp-proxy settings that need no environment: the platform must deploy
 * proxies at all, the image comes from an allowed repository and is pinned, requests fit under
 * limits, and verification is either configured or explicitly off. Returns the notices the
 * settings deserve (an unverified upstream), which synth prints as warnings.
 */
export function checkTcpProxy(ctx: PlatformContext, tenant: Tenant, file: string, report: Report): string[] {
  const cp = tenant.spec.controlPlane;
  const platform = ctx.spec.controlPlanes;
  if (!cp || !platform) return [];
  const spec = cp.tcpProxy;
  const at = ['spec', 'controlPlane', 'tcpProxy'];
  const deployed = platform.tcpProxy !== undefined && spec.enabled !== false;
  for (const [env, override] of Object.entries(tenant.spec.overrides)) {
    if (override.tcpProxy && !deployed) report(['spec', 'overrides', env, 'tcpProxy'], 'the tenant gets no tcp-proxy, so this has no effect; remove it', true);
  }
  if (!platform.tcpProxy) {
    if (spec.enabled === true) report([...at, 'enabled'], `needs spec.controlPlanes.tcpProxy in ${ctx.file}, which says which image the proxies run and how they reach tenant clusters`);
    return [];
  }
  if (spec.enabled === false) return [];
  if (spec.image !== undefined) {
    const allowed = [imageRepository(platform.tcpProxy.image), ...platform.tcpProxy.allowedRepositories];
    const repo = imageRepository(spec.image);
    if (!allowed.includes(repo)) {
      report([...at, 'image'], `the repository "${repo}" is not one the platform allows for the tcp-proxy; allowed: ${allowed.join(', ')} (spec.controlPlanes.tcpProxy in ${ctx.file})`);
    }
    const moving = movingTag(spec.image);
    if (moving) report([...at, 'image'], moving);
  }
  for (const resource of ['cpu', 'memory'] as const) {
    const request = spec.resources.requests[resource];
    const limit = spec.resources.limits[resource];
    if (quantity(request) > quantity(limit)) {
      report([...at, 'resources', 'requests', resource], `the ${resource} request ${request} is above its limit ${limit}; the API server refuses such a pod`);
    }
  }
  if (spec.insecureSkipVerify && spec.upstreamCA) {
    report([...at, 'insecureSkipVerify'], 'insecureSkipVerify turns off the verification that upstreamCA configures; keep one of them');
  } else if (spec.insecureSkipVerify && !platform.tcpProxy.allowInsecureUpstream) {
    report([...at, 'insecureSkipVerify'], `the platform does not let tenants turn off the proxy's verification (spec.controlPlanes.tcpProxy.allowInsecureUpstream in ${ctx.file}); configure upstreamCA instead`);
  } else if (spec.insecureSkipVerify) {
    return [`warning: ${file}: the tcp-proxy of tenant "${tenant.metadata.name}" does not verify its API server (spec.controlPlane.tcpProxy.insecureSkipVerify); whoever can answer for its hostname on the way gets the requests and tokens of its in-cluster clients`];
  }
  return [];
}

/** A CPU or memory quantity as the schema admits it (m; Mi, Gi; or whole and decimal cores), in comparable units. */
export function quantity(q: string): number {
  const n = parseFloat(q);
  if (q.endsWith('m')) return n / 1000;
  if (q.endsWith('Mi')) return n * 2 ** 20;
  if (q.endsWith('Gi')) return n * 2 ** 30;
  return n;
}
