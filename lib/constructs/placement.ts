import { IConstruct } from 'constructs';

const FILE = Symbol.for('tenant-edge.output-file');

/**
 * Assigns the API objects under `scope` to an output file, relative to the environment folder
 * (e.g. `tenants/acme/ingresses.yaml`). The nearest assignment up the tree wins, so a chart can
 * set a default and a construct inside it can override it.
 */
export function placeIn(scope: IConstruct, file: string): void {
  Object.defineProperty(scope, FILE, { value: file, configurable: true, enumerable: false });
}

/** The file an API object belongs in, or undefined when nothing up the tree placed it. */
export function fileOf(construct: IConstruct): string | undefined {
  for (let c: IConstruct | undefined = construct; c; c = c.node.scope) {
    const file = (c as unknown as Record<symbol, string | undefined>)[FILE];
    if (file !== undefined) return file;
  }
  return undefined;
}
