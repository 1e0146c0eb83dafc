import { IConstruct } from 'constructs';

const FILE = Symbol.for('tenant-edge.output-file');
const CLUSTER = Symbol.for('tenant-edge.output-cluster');

/** Sets a placement mark on `scope`; the nearest mark up the tree wins (nearest()). */
function mark(scope: IConstruct, key: symbol, value: string): void {
  Object.defineProperty(scope, key, { value, configurable: true, enumerable: false });
}

/** The nearest mark of `key` from `construct` up the tree, or undefined when none is set. */
function nearest(construct: IConstruct, key: symbol): string | undefined {
  for (let c: IConstruct | undefined = construct; c; c = c.node.scope) {
    const value = (c as unknown as Record<symbol, string | undefined>)[key];
    if (value !== undefined) return value;
  }
  return undefined;
}

/**
 * Assigns the API objects under `scope` to an output file, relative to the environment folder
 * (e.g. `tenants/acme/ingresses.yaml`). The nearest assignment up the tree wins, so a chart can
 * set a default and a construct inside it can override it.
 */
export function placeIn(scope: IConstruct, file: string): void {
  mark(scope, FILE, file);
}

/** The file an API object belongs in, or undefined when nothing up the tree placed it. */
export function fileOf(construct: IConstruct): string | undefined {
  return nearest(construct, FILE);
}

/**
 * Marks the API objects under `scope` as applied to another cluster than the environment's own
 * (e.g. `tenant/acme`, a tenant's cluster reached through a kubeconfig): their names need to be
 * unique there only. The nearest mark up the tree wins.
 */
export function placeInCluster(scope: IConstruct, cluster: string): void {
  mark(scope, CLUSTER, cluster);
}

/** The other cluster an API object is applied to, or undefined for the environment's own. */
export function clusterOf(construct: IConstruct): string | undefined {
  return nearest(construct, CLUSTER);
}

/**
 * Where an API object goes: its file (fileOf) and the other cluster it is applied to, if any
 * (clusterOf), in one walk up the tree.
 */
export function placementOf(construct: IConstruct): { readonly file?: string; readonly cluster?: string } {
  let file: string | undefined;
  let cluster: string | undefined;
  for (let c: IConstruct | undefined = construct; c && (file === undefined || cluster === undefined); c = c.node.scope) {
    const marks = c as unknown as Record<symbol, string | undefined>;
    file ??= marks[FILE];
    cluster ??= marks[CLUSTER];
  }
  return { file, cluster };
}
