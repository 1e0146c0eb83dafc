import { IngressRouteTcp } from '../../constructs/traefik/ingress-route-tcp';
import { PassthroughEmit } from '../passthrough';

/**
 * Traefik v3: an IngressRouteTCP per host, HostSNI on the tenant's own hostname only (never the
 * generic kubernetes* names, which every tenant would claim on a shared Traefik), tls.passthrough,
 * in the Service's own namespace (the CRD provider refuses other namespaces unless
 * allowCrossNamespace is on). An HTTPS router with the same Host would win over it
 * (pkg/server/router/tcp/router.go): host ownership keeps tenants' HTTP routes off these names.
 *
 * Plain HTTP never reaches the Service: a router with tls.passthrough joins the entry point's TLS
 * muxer only (pkg/server/router/tcp/manager.go, v3.7.9), and ServeTCP hands a connection that
 * does not open with a ClientHello to the non-TLS TCP routers or the HTTP routers, never to the
 * TLS muxer (router.go). No HTTP router may name these hosts (the same host ownership).
 */
export const traefikPassthrough: PassthroughEmit = {
  type: 'traefik',
  route(scope, route, ctx) {
    new IngressRouteTcp(scope, route.name, {
      name: route.name,
      namespace: route.namespace,
      host: route.host,
      entryPoints: ctx.entryPoints,
      service: route.service.name,
      port: route.service.port,
      className: ctx.className,
    });
  },
};
