import { passthroughIngress, PassthroughEmit } from '../passthrough';

/**
 * ingress-nginx (controller-v1.15.1): an Ingress with ssl-passthrough. The controller's TCP proxy
 * matches the SNI exactly against the rule's host and forwards to the Service's ClusterIP on the
 * port the backend names, using only the first location with path "/" of type Prefix
 * (internal/ingress/controller/controller.go, nginx.go, pkg/tcpproxy/tcp.go). It needs
 * --enable-ssl-passthrough, which the shared controller's values turn on (emit.ts); without it the
 * annotation does nothing, and backend-protocol HTTPS at least keeps NGINX from speaking plain
 * HTTP to the API server.
 */
export const nginxPassthrough: PassthroughEmit = {
  type: 'nginx',
  route(scope, route, ctx) {
    passthroughIngress(scope, route, ctx, {
      'nginx.ingress.kubernetes.io/backend-protocol': 'HTTPS',
      'nginx.ingress.kubernetes.io/ssl-passthrough': 'true',
    });
  },
};
