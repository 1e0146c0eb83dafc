import { ApiObject, ApiObjectMetadata, App, LazyResolver, ImplicitTokenResolver, NumberStringUnionResolver } from 'cdk8s';
import { Construct } from 'constructs';

const PLAIN = Symbol.for('tenant-edge.PlainApiObject');

/** A Kubernetes object's fields besides apiVersion, kind and metadata, as plain JSON data. */
export type ObjectBody = Record<string, unknown>;

/**
 * An ApiObject whose manifest is plain data, complete when it is constructed.
 *
 * cdk8s serializes an object by resolving every value (tokens, lazy values), deep-copying it with
 * sorted keys and converting it once more through the generated classes. The constructs of this
 * library take plain data and build their objects from it at once, so `toJson` has nothing left
 * to resolve: it returns the body with the metadata cdk8s keeps (the chart's labels and whatever
 * was added through `metadata` after construction). Key order is left to the writer, which sorts.
 *
 * Whatever cdk8s would still have to resolve takes cdk8s's own path: JSON patches
 * (`addJsonPatch`), and an App with resolvers of its own, which may rewrite any value. Both paths
 * give the same object (test/plain-api-object.test.ts).
 */
export class PlainApiObject extends ApiObject {
  /** True when `o` is a PlainApiObject (by a marker, as cdk8s tells ApiObjects apart across copies of the library). */
  static isPlain(o: unknown): o is PlainApiObject {
    return o !== null && typeof o === 'object' && (o as Record<symbol, unknown>)[PLAIN] === true;
  }

  /**
   * `instanceof` as isPlain. ApiObject's own check, which this class would otherwise inherit,
   * answers true for every ApiObject.
   */
  static override [Symbol.hasInstance](o: unknown): o is PlainApiObject {
    return PlainApiObject.isPlain(o);
  }

  private readonly body: ObjectBody;

  constructor(scope: Construct, id: string, props: { apiVersion: string; kind: string; metadata: ApiObjectMetadata; body: ObjectBody }) {
    const body = withoutUndefined(props.body);
    super(scope, id, { apiVersion: props.apiVersion, kind: props.kind, metadata: props.metadata, ...body });
    this.body = body;
    Object.defineProperty(this, PLAIN, { value: true });
  }

  override toJson(): any {
    if (this.needsCdk8s()) return super.toJson();
    // A fresh copy each time, as cdk8s returns: a caller may change what it gets.
    return { apiVersion: this.apiVersion, kind: this.kind, metadata: this.metadata.toJson(), ...withoutUndefined(this.body) };
  }

  /**
   * The manifest as `toJson` gives it, without the copy: its parts are shared with this object
   * and must not be changed. For renderers that only read it (tenant-edge's writer).
   */
  manifest(): Record<string, unknown> {
    if (this.needsCdk8s()) return super.toJson() as Record<string, unknown>;
    return { apiVersion: this.apiVersion, kind: this.kind, metadata: this.metadata.toJson(), ...this.body };
  }

  private needsCdk8s(): boolean {
    return (this as unknown as { patches: readonly unknown[] }).patches.length > 0 || hasCustomResolvers(this);
  }
}

/**
 * A copy of `value` without undefined or null values in objects (cdk8s drops them too); arrays
 * keep their items. Props are plain JSON data, so nothing else needs converting.
 */
export function withoutUndefined<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withoutUndefined) as unknown as T;
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined && v !== null) out[key] = withoutUndefined(v);
  }
  return out as T;
}

/** A copy of `map`, or undefined when it is empty (cdk8s leaves empty maps out of metadata). */
export function nonEmpty(map: Readonly<Record<string, string>> | undefined): Record<string, string> | undefined {
  return map && Object.keys(map).length > 0 ? { ...map } : undefined;
}

/** True when the object's App has resolvers besides cdk8s's built-in ones (App({ resolvers })). */
function hasCustomResolvers(obj: ApiObject): boolean {
  return App.of(obj).resolvers.some((r) => !(r instanceof LazyResolver || r instanceof ImplicitTokenResolver || r instanceof NumberStringUnionResolver));
}
