import { passthroughIngress, PassthroughEmit } from '../passthrough';

/**
 * HAProxy Kubernetes Ingress (haproxytech/kubernetes-ingress v3.2): the first Ingress with
 * haproxy.org/ssl-passthrough makes the controller open its TCP frontend and map the rule's host
 * (SNI) to a TCP backend on the Service port the path names (pkg/ingress/ingress.go,
 * pkg/route/route.go). No controller setting is needed; ssl-passthrough in the controller's
 * ConfigMap would make every Ingress passthrough. Routes are built per path, so the rule keeps
 * one "/" path.
 */
export const haproxyPassthrough: PassthroughEmit = {
  type: 'haproxy',
  route(scope, route, ctx) {
    passthroughIngress(scope, route, ctx, { 'haproxy.org/ssl-passthrough': 'true' });
  },
};
