import { Construct } from 'constructs';
import { RoleRule } from '../constructs/rbac/cluster-role';
import { HttpRouteModel } from '../model/model';
import { ControllerSettings } from './policy';

/** Where an HTTP route's objects go and which controller serves them. */
export interface HttpRouteContext {
  /** Name of the route's main object (names.ingress). */
  readonly name: string;
  /** The tenant's namespace. */
  readonly namespace: string;
  /** IngressClass of the controller that serves the tenant. */
  readonly className: string;
}

/**
 * The emit half of a controller flavour: how the controller is installed and how routes reach
 * it. Charts call it; it builds objects with the constructs. A flavour whose routes are not
 * Ingresses (Traefik's IngressRouteTCP, Gateway API routes) emits those here.
 */
export interface FlavourEmit {
  /** Helm values for one controller. */
  values(settings: ControllerSettings): Record<string, unknown>;
  /**
   * Cluster-scoped rules a namespace-scoped (dedicated) controller needs and its chart does not
   * grant in that mode; the tenant chart binds them to the controller's service account.
   */
  readonly scopedClusterRules: readonly RoleRule[];
  /** Builds the objects that serve one HTTP route, inside `scope`. */
  httpRoute(scope: Construct, route: HttpRouteModel, ctx: HttpRouteContext): void;
}
