import { ApiObject, ApiObjectMetadata, ApiObjectMetadataDefinition, App, LazyResolver, ImplicitTokenResolver, NumberStringUnionResolver } from 'cdk8s';
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
    return { apiVersion: this.apiVersion, kind: this.kind, metadata: metadataJson(this.metadata), ...withoutUndefined(this.body) };
  }

  /**
   * The manifest as `toJson` gives it, without the copy: its parts are shared with this object
   * and must not be changed. For renderers that only read it (tenant-edge's writer).
   */
  manifest(): Record<string, unknown> {
    if (this.needsCdk8s()) return super.toJson() as Record<string, unknown>;
    return { apiVersion: this.apiVersion, kind: this.kind, metadata: metadataJson(this.metadata), ...this.body };
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

/** The fields of cdk8s's ApiObjectMetadataDefinition that its toJson reads (private in its types). */
interface MetadataFields {
  readonly name?: string;
  readonly namespace?: string;
  readonly labels: unknown;
  readonly annotations: unknown;
  readonly finalizers: unknown;
  readonly ownerReferences: unknown;
  readonly _additionalAttributes: Record<string, unknown>;
}

/** The fields metadata.toJson() sets over the additional attributes, sorted. */
const METADATA_FIELDS = ['annotations', 'finalizers', 'labels', 'name', 'namespace', 'ownerReferences'] as const;

/**
 * `metadata.toJson()` without cdk8s's resolve: with only the built-in resolvers (needsCdk8s) and
 * plain data, resolving copies the data unchanged, so what is left is sanitizeValue with the
 * options cdk8s's toJson gives it: keys sorted, null and undefined dropped, and empty maps and
 * lists too. Anything else (a token, a Lazy, an instance of a class) goes to cdk8s.
 */
function metadataJson(metadata: ApiObjectMetadataDefinition): Record<string, unknown> {
  const m = metadata as unknown as MetadataFields;
  const extra = m._additionalAttributes;
  if (!primitivesArePlain() || Object.getPrototypeOf(extra) !== Object.prototype) return metadata.toJson() as Record<string, unknown>;
  // cdk8s sanitizes { ...extra, annotations, finalizers, labels, name, namespace, ownerReferences }.
  const keys = Object.keys(extra);
  for (const field of METADATA_FIELDS) if (!Object.prototype.hasOwnProperty.call(extra, field)) keys.push(field);
  const json = sanitizedMap(keys, (key) => (isMetadataField(key) ? m[key] : extra[key]));
  return (json === NOT_PLAIN ? metadata.toJson() : json) as Record<string, unknown>;
}

function isMetadataField(key: string): key is (typeof METADATA_FIELDS)[number] {
  return (METADATA_FIELDS as readonly string[]).includes(key);
}

/**
 * True when strings, numbers and booleans cannot look like tokens or number-or-string unions to
 * cdk8s's resolvers: nothing added a `resolve` or `value` to their prototypes (or Object's).
 */
function primitivesArePlain(): boolean {
  for (const proto of [String.prototype, Number.prototype, Boolean.prototype]) {
    if ('resolve' in proto || 'value' in proto) return false;
  }
  return true;
}

/** What `sanitized` returns for data it leaves to cdk8s. */
const NOT_PLAIN = Symbol('not plain');

/**
 * cdk8s's sanitizeValue(resolve(value), { filterEmptyArrays: true, filterEmptyObjects: true }) for
 * plain data, or NOT_PLAIN. Plain is what cdk8s's three built-in resolvers leave alone: strings,
 * numbers, booleans (primitivesArePlain), null and undefined, arrays and Object-prototype maps (no
 * `resolve` function, which would make it a token; on an array no string or number `value`, which
 * would make it a number-or-string union), and no key that resolve's or sanitize's copies would
 * take as something else ("constructor", "__proto__").
 */
function sanitized(value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  const type = typeof value;
  if (type === 'string' || type === 'number' || type === 'boolean') return value;
  if (type !== 'object') return NOT_PLAIN;
  if (Array.isArray(value)) {
    const v = value as { resolve?: unknown; value?: unknown };
    const inner = typeof v.value;
    if (Object.getPrototypeOf(value) !== Array.prototype || typeof v.resolve === 'function' || inner === 'string' || inner === 'number') return NOT_PLAIN;
    if (value.length === 0) return undefined;
    // map, as cdk8s's: holes stay holes, null items become undefined.
    const items = value.map(sanitized);
    return items.includes(NOT_PLAIN) ? NOT_PLAIN : items;
  }
  // A `resolve` function of a map's own is one of its values, and not plain.
  if (Object.getPrototypeOf(value) !== Object.prototype) return NOT_PLAIN;
  const map = value as Record<string, unknown>;
  return sanitizedMap(Object.keys(map), (key) => map[key]);
}

/** `sanitized` of a map with these own keys (in any order) and values. */
function sanitizedMap(keys: string[], valueOf: (key: string) => unknown): unknown {
  // Sorted as sanitizeValue sorts; most maps already are.
  for (let i = 1; i < keys.length; i++) {
    if (keys[i - 1] > keys[i]) {
      keys.sort();
      break;
    }
  }
  const out: Record<string, unknown> = {};
  let empty = true;
  for (const key of keys) {
    if (key === 'constructor' || key === '__proto__') return NOT_PLAIN;
    const item = sanitized(valueOf(key));
    if (item === NOT_PLAIN) return NOT_PLAIN;
    if (item !== undefined) {
      out[key] = item;
      empty = false;
    }
  }
  return empty ? undefined : out;
}

/** True when the object's App has resolvers besides cdk8s's built-in ones (App({ resolvers })). */
function hasCustomResolvers(obj: ApiObject): boolean {
  return App.of(obj).resolvers.some((r) => !(r instanceof LazyResolver || r instanceof ImplicitTokenResolver || r instanceof NumberStringUnionResolver));
}
