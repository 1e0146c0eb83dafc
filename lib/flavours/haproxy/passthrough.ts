import { passthroughIngress, PassthroughEmit } from '../passthrough';

/**
 * HAProxy Kubernetes Ingress (haproxytech/kubernetes-ingress v3.2): the first Ingress with
 * haproxy.org/ssl-passthrough makes the controller open its TCP frontend and map the rule's host
 * (SNI) to a TCP backend on the Service port the path names (pkg/ingress/ingress.go,
 * pkg/route/route.go). No controller setting is needed; ssl-passthrough in the controller's
 * ConfigMap would make every Ingress passthrough. Routes are built per path, so the rule keeps
 * one "/" path.
 *
 * Plain HTTP: AddHostPathRoute (pkg/route/route.go, v3.2.11) also writes the host and path into
 * the HTTP frontend's maps, so a request on port 80 is switched to the same backend. An Ingress
 * without a tls block gets no automatic redirect (tlsEnabled in
 * pkg/annotations/ingress/httpsRedirect.go). ssl-redirect "true" adds an http-request redirect
 * to the HTTP frontend, limited to this Ingress's host and path by its rule id (addRules in
 * pkg/ingress/ingress.go, pkg/haproxy/rules/reqRequestRedirect.go); http-request rules run
 * before the backend is chosen, so the request is answered and never proxied. The redirect's
 * port defaults to the controller's own 8443 (DefaultValues in pkg/annotations/common/main.go);
 * clients reach passthrough on 443.
 */
const HAPROXY_PASSTHROUGH_ANNOTATIONS: Readonly<Record<string, string>> = {
  'haproxy.org/ssl-passthrough': 'true',
  'haproxy.org/ssl-redirect': 'true',
  'haproxy.org/ssl-redirect-port': '443',
};

export const haproxyPassthrough: PassthroughEmit = {
  type: 'haproxy',
  route(scope, route, ctx) {
    passthroughIngress(scope, route, ctx, HAPROXY_PASSTHROUGH_ANNOTATIONS);
  },
};
