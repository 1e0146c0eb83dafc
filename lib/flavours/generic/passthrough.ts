import { passthroughIngress, PassthroughEmit } from '../passthrough';

/**
 * Any other controller that passes TLS through for the Ingresses of its class: a plain Ingress,
 * one host and a "/" path to the Service port, with no controller annotations. Whether that
 * passes TLS through is the controller's business (README: cluster prerequisites), and so is what
 * it does with plain HTTP for the same host: it must refuse or redirect it, never proxy it to the
 * Service (README: the control-plane table).
 */
export const genericPassthrough: PassthroughEmit = {
  type: 'generic',
  route(scope, route, ctx) {
    passthroughIngress(scope, route, ctx);
  },
};
