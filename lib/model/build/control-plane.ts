import { isIP } from 'net';
import { Environment, Tenant } from '../../input/types';
import { PlatformContext, Report } from '../context';
import { AddressClass, addressClass, canonicalAddress, controlPlaneHosts, inDomain } from '../domains';
import { ControlPlaneModel, PassthroughRouteModel, TcpProxyModel } from '../model';
import { names } from '../names';
import { hasTcpProxy } from '../rules/derived-names';
import { EnvironmentClaims } from '../rules/tenant';

/** Names every API server certificate carries for in-cluster clients (kubernetes.default.svc and its forms). */
export const IN_CLUSTER_SANS = ['kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local'] as const;


/**
 * A tenant's control plane in one environment: its two hostnames under the platform's
 * control-plane domain, the passthrough routes to the Service the operator creates (named by the
 * platform's pattern, never by the tenant), and the names its API server certificate needs.
 * `domains` are the tenant's domains in `env`: an extra name must lie in one of them. `claims`
 * give its domains in all its environments, which its proxy's host aliases may name with its
 * control-plane hostnames there (harmless in another environment, and never another tenant's). Returns
 * undefined when the tenant has no control plane, the platform cannot reach control planes
 * (reported by the tenant rules), or it reported a problem.
 */
export function buildControlPlane(
  ctx: PlatformContext,
  tenant: Tenant,
  env: Environment,
  domains: readonly string[],
  report: Report,
  claims: readonly EnvironmentClaims[],
): ControlPlaneModel | undefined {
  const spec = tenant.spec.controlPlane;
  const platform = ctx.spec.controlPlanes;
  const base = ctx.controlPlaneDomain(env);
  if (!spec || !platform || base === undefined) return undefined;
  const name = tenant.metadata.name;
  let ok = true;

  // The hostnames and the Service name are held to their limits with every derived name (rules/derived-names.ts).
  const hosts = controlPlaneHosts(name, base);
  const apiServerHost = hosts.apiServer;
  const konnectivityHost = spec.konnectivity ? hosts.konnectivity : undefined;
  const service = platform.service.name.replace('{tenant}', name);

  const sans: string[] = [apiServerHost, ...(konnectivityHost ? [konnectivityHost] : []), ...IN_CLUSTER_SANS];
  spec.extraSANs.forEach((san, i) => {
    if (isIP(san) === 0 && !domains.some((d) => inDomain(san, d))) {
      report(['spec', 'controlPlane', 'extraSANs', i], `"${san}" lies in none of the tenant's domains in environment "${env.name}" (${domains.join(', ')}); an extra name must be the tenant's own`);
      ok = false;
    }
    if (!sans.includes(san)) sans.push(san);
  });
  const tcpProxy = buildTcpProxy(ctx, tenant, env, apiServerHost, service, () => ownNames(ctx, name, claims), report);
  if (!ok || tcpProxy === null) return undefined;

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
    ...(tcpProxy ? { tcpProxy } : {}),
  };
}


/** The names a tenant owns in all its environments: its control-plane hostnames, then its domains, per environment. */
function ownNames(ctx: PlatformContext, tenant: string, claims: readonly EnvironmentClaims[]): string[] {
  return claims.flatMap((e) => {
    const base = ctx.controlPlaneDomain(ctx.envByName.get(e.environment)!);
    const hosts = base === undefined ? [] : Object.values(controlPlaneHosts(tenant, base));
    return [...hosts, ...e.domains.map((d) => d.domain)];
  });
}

/**
 * Addresses a proxy on the host network may dial: unicast ones (addressClass, which the DNS
 * record rule uses too). Link-local addresses are the node's own link, where 169.254.169.254 is
 * the cloud's metadata service, which hands out the node's credentials.
 */
function unusableAddress(ip: string): string | undefined {
  const why: Record<Exclude<AddressClass, 'unicast'>, string> = {
    unspecified: 'is the unspecified address, which names no host',
    'ipv4-mapped': 'is an IPv4-mapped IPv6 address; write the IPv4 address',
    loopback: 'is a loopback address: the proxy runs on the node\'s network, where it is the node itself',
    'link-local': 'is a link-local address, which the node answers itself (the cloud\'s metadata service is one); the proxy dials unicast addresses only',
    multicast: 'is a multicast address; the proxy dials unicast addresses only',
    broadcast: 'is the broadcast address; the proxy dials unicast addresses only',
    reserved: 'is a reserved address (240.0.0.0/4); the proxy dials unicast addresses only',
    'this-network': 'is a reserved address (0.0.0.0/8, "this network"); the proxy dials unicast addresses only',
  };
  const kind = addressClass(ip);
  if (kind === undefined) return `"${ip}" is not an IPv4 or IPv6 address`;
  return kind === 'unicast' ? undefined : `"${ip}" ${why[kind]}`;
}

/**
 * The tenant cluster's tcp-proxy in `env`: undefined when it gets none, null when a setting is
 * refused (reported). Host aliases may only name the tenant's own names (`owned`, computed only
 * when there are aliases to check); the internal endpoint becomes the alias of the API server hostname, so
 * the proxy dials that address and still names and verifies the hostname.
 */
function buildTcpProxy(
  ctx: PlatformContext,
  tenant: Tenant,
  env: Environment,
  apiServerHost: string,
  service: string,
  owned: () => readonly string[],
  report: Report,
): TcpProxyModel | undefined | null {
  if (!hasTcpProxy(ctx, tenant)) return undefined;
  const platform = ctx.spec.controlPlanes!.tcpProxy!;
  const spec = tenant.spec.controlPlane!.tcpProxy;
  // What this environment overrides (each environment is a cluster of its own, with its own addresses).
  const override = tenant.spec.overrides[env.name]?.tcpProxy;
  const base = ['spec', 'controlPlane', 'tcpProxy'];
  const overridden = ['spec', 'overrides', env.name, 'tcpProxy'];
  let ok = true;
  // /etc/hosts entries by canonical address: the API server takes each address once.
  const byIp = new Map<string, string[]>();
  const alias = (ip: string, host: string): void => {
    const hosts = byIp.get(ip) ?? [];
    if (!hosts.includes(host)) hosts.push(host);
    byIp.set(ip, hosts);
  };
  const endpoint = override?.internalEndpoint ?? spec.internalEndpoint;
  const endpointAt = override?.internalEndpoint ? overridden : base;
  const endpointIp = endpoint ? canonicalAddress(endpoint.address) : undefined;
  if (endpoint) {
    const why = unusableAddress(endpoint.address);
    if (why) {
      report([...endpointAt, 'internalEndpoint', 'address'], why);
      ok = false;
    } else alias(endpointIp!, apiServerHost);
  }
  const hostAliases = override?.hostAliases ?? spec.hostAliases;
  const aliasesAt = override?.hostAliases ? overridden : base;
  const names = hostAliases.length > 0 ? owned() : [];
  hostAliases.forEach((a, i) => {
    const why = unusableAddress(a.ip);
    if (why) {
      report([...aliasesAt, 'hostAliases', i, 'ip'], why);
      ok = false;
    }
    a.hostnames.forEach((host, j) => {
      if (endpoint && host === apiServerHost) {
        report([...aliasesAt, 'hostAliases', i, 'hostnames', j], `"${host}" is where internalEndpoint already points the proxy; keep one of them`);
        ok = false;
      } else if (!names.some((d) => inDomain(host, d))) {
        report([...aliasesAt, 'hostAliases', i, 'hostnames', j], `"${host}" is not the tenant's own: a host alias names one of its control-plane hostnames or a name in its domains (${[...new Set(names)].join(', ')})`);
        ok = false;
      } else if (!why) alias(canonicalAddress(a.ip)!, host);
    });
  });
  // The platform's address for the API server hostname, unless the tenant points it elsewhere.
  const address = canonicalAddress(ctx.controlPlaneAddress(env));
  const aliases = [...byIp].map(([ip, hostnames]) => ({ ip, hostnames }));
  if (address !== undefined && !endpoint && !hostAliases.some((a) => a.hostnames.includes(apiServerHost))) {
    const same = aliases.find((a) => a.ip === address);
    if (same) same.hostnames.unshift(apiServerHost);
    else aliases.unshift({ ip: address, hostnames: [apiServerHost] });
  }
  // Named after the control plane, as the operator names it: the Service name is the control plane's.
  const secretName = `${service}${platform.kubeConfig.suffix}`;
  if (secretName.length > 253) {
    report(['metadata', 'name'], `the kubeconfig Secret name "${secretName}" (the control plane's name and spec.controlPlanes.tcpProxy.kubeConfig.suffix in ${ctx.file}) is over 253 characters`);
    ok = false;
  }
  if (!ok) return null;
  const flux = ctx.spec.flux;
  const cpNamespace = ctx.spec.controlPlanes!.namespace;
  return {
    image: spec.image ?? platform.image,
    replicas: spec.replicas,
    resources: { requests: { ...spec.resources.requests }, limits: { ...spec.resources.limits } },
    upstream: { host: apiServerHost, port: endpoint?.port ?? 443 },
    hostAliases: aliases,
    verification: spec.insecureSkipVerify
      ? { kind: 'insecure' }
      : spec.upstreamCA
        ? { kind: 'config-map', name: spec.upstreamCA.configMap.name, key: spec.upstreamCA.configMap.key }
        : { kind: 'cluster-ca' },
    tlsSecretName: platform.tlsSecretName,
    kubeConfig: { secretName, key: platform.kubeConfig.key },
    sourceRef: platform.sourceRef
      ? { kind: platform.sourceRef.kind, name: platform.sourceRef.name, namespace: cpNamespace }
      : { kind: flux.sourceRef.kind, name: flux.sourceRef.name, namespace: flux.sourceRef.namespace ?? flux.namespace },
    ...(platform.serviceAccountName !== undefined ? { serviceAccountName: platform.serviceAccountName } : {}),
  };
}
