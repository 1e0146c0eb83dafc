import { Construct } from 'constructs';
import { Ingress } from '../constructs/networking/ingress';
import { ControlPlanesModel, PassthroughControllerType, PassthroughRouteModel } from '../model/model';

/** Where a passthrough route goes: the controller's class or entry points, from platform.spec.controlPlanes. */
export interface PassthroughContext {
  /** IngressClass of Ingress-based routes; Traefik's spec.ingressClassName when set. */
  readonly className?: string;
  /** Traefik entry points. */
  readonly entryPoints: readonly string[];
  /** The Gateway TLSRoutes attach to, in the route's namespace (gateway). */
  readonly gateway?: string;
}

/**
 * How one controller type routes TLS by SNI without opening it (platform.spec.controlPlanes
 * .controller). Each lives in flavours/<type>/passthrough.ts and is listed once in
 * flavours/registry.ts.
 */
export interface PassthroughEmit {
  readonly type: PassthroughControllerType;
  /** Builds the objects that send connections for `route.host` to its Service, inside `scope`. */
  route(scope: Construct, route: PassthroughRouteModel, ctx: PassthroughContext): void;
  /**
   * Builds what the environment's routes share, inside `scope`, rendered once per environment
   * with the platform (the Gateway of the gateway type). @default nothing
   */
  shared?(scope: Construct, env: ControlPlanesModel): void;
}

/**
 * The Ingress the Ingress-based types share: the route's one host and a single "/" Prefix path to
 * the Service port by number (controllers match the SNI against the rule's host and take the
 * port from the backend), no tls block (the connection is never opened), and the type's
 * annotations.
 */
export function passthroughIngress(scope: Construct, route: PassthroughRouteModel, ctx: PassthroughContext, annotations?: Readonly<Record<string, string>>): void {
  if (ctx.className === undefined) throw new Error(`passthrough route ${route.name}: an Ingress needs a class`);
  new Ingress(scope, route.name, {
    name: route.name,
    namespace: route.namespace,
    className: ctx.className,
    hosts: [route.host],
    paths: [{ path: '/', pathType: 'Prefix', service: route.service.name, port: route.service.port }],
    annotations,
  });
}
