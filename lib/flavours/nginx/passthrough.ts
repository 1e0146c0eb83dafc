import { passthroughIngress, PassthroughEmit } from '../passthrough';

/**
 * ingress-nginx (controller-v1.15.1): an Ingress with ssl-passthrough. The controller's TCP proxy
 * matches the SNI exactly against the rule's host and forwards to the Service's ClusterIP on the
 * port the backend names, using only the first location with path "/" of type Prefix
 * (internal/ingress/controller/controller.go, nginx.go, pkg/tcpproxy/tcp.go). It needs
 * --enable-ssl-passthrough, which the shared controller's values turn on (emit.ts); without it the
 * annotation does nothing, and backend-protocol HTTPS at least keeps NGINX from speaking plain
 * HTTP to the API server.
 *
 * Plain HTTP: the host is also an ordinary NGINX server (createServers and getBackendServers in
 * controller.go), listening on port 80 with a location "/" that proxies to the same Service. The
 * ssl-redirect default redirects only a host that has a certificate
 * (rootfs/etc/nginx/lua/lua_ingress.lua: redirect_to_https calls
 * certificate.configured_for_current_request), and a passthrough host has none, so
 * http://<t>.k8s.<domain>/ would reach the API server. force-ssl-redirect (rewrite parser,
 * internal/ingress/annotations/rewrite/main.go, risk Medium, within the pinned
 * annotations-risk-level) sets $force_ssl_redirect in the location (locationConfigForLua,
 * internal/ingress/controller/template/template.go), and lua_ingress.rewrite(), run by
 * rewrite_by_lua in every location (nginx.tmpl), answers a request whose scheme is http with a
 * redirect before the proxy phase, certificate or not. The scheme is the connection's own as
 * long as use-forwarded-headers is off (emit.ts pins it), and the location "/" is not in
 * no-tls-redirect-locations (default /.well-known/acme-challenge, matched as a prefix of the
 * location's path).
 */
const NGINX_PASSTHROUGH_ANNOTATIONS: Readonly<Record<string, string>> = {
  'nginx.ingress.kubernetes.io/backend-protocol': 'HTTPS',
  'nginx.ingress.kubernetes.io/force-ssl-redirect': 'true',
  'nginx.ingress.kubernetes.io/ssl-passthrough': 'true',
};

export const nginxPassthrough: PassthroughEmit = {
  type: 'nginx',
  route(scope, route, ctx) {
    passthroughIngress(scope, route, ctx, NGINX_PASSTHROUGH_ANNOTATIONS);
  },
};
