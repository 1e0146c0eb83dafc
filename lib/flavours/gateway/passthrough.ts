import { PassthroughGateway } from '../../constructs/gateway/passthrough-gateway';
import { TlsRoute } from '../../constructs/gateway/tls-route';
import { controlPlaneWildcards } from '../../model/domains';
import { PassthroughEmit } from '../passthrough';

/**
 * Gateway API v1.6: one Gateway per environment in the control planes' namespace, with a TLS
 * listener in Passthrough mode for each hostname family (*.k8s.<domain>, *.konnectivity.<domain>)
 * that admits TLSRoutes of its own namespace only; and a TLSRoute v1 per host (the CRDs no longer
 * serve v1alpha2). A route attaches to the listener whose hostname covers its host.
 * The Gateway has no HTTP or HTTPS listener, so nothing it carries answers plain HTTP for these
 * hosts; a TLS listener in Passthrough mode routes by the ClientHello's SNI (Gateway API v1.6,
 * GatewayTLSConfig), which a plain-HTTP request does not send.
 */
export const gatewayPassthrough: PassthroughEmit = {
  type: 'gateway',
  route(scope, route, ctx) {
    if (ctx.gateway === undefined) throw new Error(`passthrough route ${route.name}: a TLSRoute needs its Gateway`);
    new TlsRoute(scope, route.name, {
      name: route.name,
      namespace: route.namespace,
      gateway: ctx.gateway,
      hostnames: [route.host],
      service: route.service.name,
      port: route.service.port,
    });
  },
  shared(scope, env) {
    if (env.gateway === undefined || env.className === undefined) throw new Error('the control planes\' Gateway needs a name and a GatewayClass');
    // Their length is checked against platform.yaml (gatewayListenersFit in rules/platform.ts).
    const [apiserver, konnectivity] = controlPlaneWildcards(env.domain);
    new PassthroughGateway(scope, 'ControlPlaneGateway', {
      name: env.gateway,
      namespace: env.namespace,
      gatewayClassName: env.className,
      listeners: { apiserver, konnectivity },
    });
  },
};
