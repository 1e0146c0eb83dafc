/**
 * derive-schemas: builds the strict JSON Schemas in schemas/ that lib/output/manifest-schemas.ts uses to
 * validate every rendered manifest (unknown fields are errors).
 *
 * Inputs (vendored, read-only; upstream origin, versions and checksums are recorded in crds/SOURCES.md):
 *  - crds/k8s-v1.33-definitions.json: the Kubernetes v1.33 swagger `definitions` as used by cdk8s
 *    (cdk8s-plus-28 / `cdk8s import k8s` flavour: IntOrString and Quantity are `oneOf`, `kind` has an enum).
 *  - crds/*.crds.yaml: concatenated CustomResourceDefinitions (cert-manager, Flux, prometheus-operator,
 *    Traefik, external-dns, Gateway API, Azure Service Operator). Each file's header comment and the
 *    `# Source: <repo>@<tag>:<path>` line in front of every document name the upstream artifact.
 *
 * Outputs (generated, committed; never edit by hand):
 *  - schemas/k8s-v1.33.json: the definitions reachable from the core kinds in CORE_KINDS, plus `kinds`
 *    (apiVersion/kind -> definition name).
 *  - schemas/crds/<group>/<kind lowercase>_<version>.json: each served CRD version's openAPIV3Schema.
 *  - schemas/index.json: apiVersion/kind -> schema location (path relative to schemas/, optional #pointer).
 *
 * Regenerate with `npm run schemas` (compiles, then runs this file's main block). test/schemas.test.ts
 * fails when the committed files differ from deriveSchemas().
 */
import * as fs from 'fs';
import * as path from 'path';
import { projectRoot } from '../lib/project-root';
import { parseAllDocuments } from 'yaml';

export type Json = null | boolean | number | string | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json;
}

export const REGENERATE_COMMAND = 'npm run schemas';
export const K8S_SCHEMA_FILE = 'k8s-v1.33.json';
const K8S_DEFINITIONS_INPUT = 'crds/k8s-v1.33-definitions.json';
const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

/** Core kinds whose definitions (and everything they reference) go into schemas/k8s-v1.33.json. */
export const CORE_KINDS: ReadonlyArray<{ apiVersion: string; kind: string }> = [
  { apiVersion: 'v1', kind: 'Namespace' },
  { apiVersion: 'v1', kind: 'Service' },
  { apiVersion: 'v1', kind: 'ConfigMap' },
  { apiVersion: 'v1', kind: 'Secret' },
  { apiVersion: 'v1', kind: 'ServiceAccount' },
  { apiVersion: 'apps/v1', kind: 'Deployment' },
  { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress' },
  { apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass' },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role' },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding' },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole' },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding' },
  { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget' },
  { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicy' },
  { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicyBinding' },
];

/**
 * Enums that the upstream Kubernetes v1.33 OpenAPI (api/openapi-spec, "Possible enum values") declares
 * but the cdk8s-flavoured definitions file lost. Re-added so that e.g. a misspelt Ingress pathType fails.
 * deriveSchemas() refuses to run if a listed field is missing or already carries a different enum.
 */
const K8S_ENUM_OVERLAY: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  'io.k8s.api.networking.v1.HTTPIngressPath': { pathType: ['Exact', 'ImplementationSpecific', 'Prefix'] },
  'io.k8s.api.core.v1.ServiceSpec': {
    type: ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'],
    externalTrafficPolicy: ['Cluster', 'Local'],
    internalTrafficPolicy: ['Cluster', 'Local'],
    sessionAffinity: ['ClientIP', 'None'],
    ipFamilyPolicy: ['PreferDualStack', 'RequireDualStack', 'SingleStack'],
  },
  'io.k8s.api.core.v1.ServicePort': { protocol: ['SCTP', 'TCP', 'UDP'] },
  'io.k8s.api.core.v1.ContainerPort': { protocol: ['SCTP', 'TCP', 'UDP'] },
  'io.k8s.api.core.v1.Container': {
    imagePullPolicy: ['Always', 'IfNotPresent', 'Never'],
    terminationMessagePolicy: ['FallbackToLogsOnError', 'File'],
  },
  'io.k8s.api.core.v1.PodSpec': {
    restartPolicy: ['Always', 'Never', 'OnFailure'],
    dnsPolicy: ['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None'],
  },
  'io.k8s.api.apps.v1.DeploymentStrategy': { type: ['Recreate', 'RollingUpdate'] },
  'io.k8s.api.policy.v1.PodDisruptionBudgetSpec': { unhealthyPodEvictionPolicy: ['AlwaysAllow', 'IfHealthyBudget'] },
};

/** JSON Schema keywords copied unchanged (their values are not schemas). */
const VALUE_KEYWORDS = new Set([
  '$ref', 'type', 'enum', 'const', 'format', 'pattern', 'minLength', 'maxLength', 'minimum', 'maximum',
  'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf', 'minItems', 'maxItems', 'uniqueItems',
  'minProperties', 'maxProperties', 'required', 'default',
]);
/** Keywords whose value is one schema. */
const SCHEMA_KEYWORDS = new Set(['items', 'additionalProperties', 'not']);
/** Keywords whose value is an array of schemas. */
const SCHEMA_ARRAY_KEYWORDS = new Set(['anyOf', 'oneOf', 'allOf']);
/** Keywords whose value maps names to schemas (the names are data, not keywords). */
const SCHEMA_MAP_KEYWORDS = new Set(['properties', 'patternProperties', 'definitions']);
/** Documentation-only keywords, dropped to keep schemas/ small. Vendor keys (x-*) are dropped too. */
const DROPPED_KEYWORDS = new Set(['description', 'title', 'example', 'externalDocs']);

export interface StrictifyOptions {
  /** CRD schemas only: `x-kubernetes-list-type: set` becomes `uniqueItems: true` (the API server enforces it). */
  crd: boolean;
}

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asSchema(value: Json, where: string): JsonObject {
  if (!isObject(value)) throw new Error(`${where}: expected a schema object, got ${JSON.stringify(value)}`);
  return value;
}

function clone<T extends Json>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/**
 * Rewrites one OpenAPI (swagger 2 or CRD structural v3) schema into a strict JSON Schema (draft-07):
 *  - objects with `properties` and no `additionalProperties` / `x-kubernetes-preserve-unknown-fields: true`
 *    get `additionalProperties: false` (not inside anyOf/oneOf/allOf/not branches, see transform());
 *  - `x-kubernetes-int-or-string: true` / `format: int-or-string`, and `anyOf`/`oneOf` lists of bare
 *    types, become a `type` union (e.g. ["integer", "string"]);
 *  - `nullable: true` adds `null` to `type` (and `enum`), or wraps a type-less schema in `anyOf [null, ...]`;
 *  - OpenAPI 3.0 boolean `exclusiveMinimum`/`exclusiveMaximum` become draft-07 numbers;
 *  - descriptions and vendor keys (x-kubernetes-*, x-go-*, ...) are dropped. Any other unknown keyword is
 *    an error, so a new upstream keyword cannot silently weaken validation.
 */
export function strictify(input: JsonObject, options: StrictifyOptions, where = '#'): JsonObject {
  return transform(input, options, where, false);
}

/**
 * `junctor` is true below anyOf/oneOf/allOf/not. Structural schemas only put value validations there
 * (their `properties` restate fields the enclosing schema declares, e.g. "type must not be IPAddress"),
 * so no additionalProperties: false is added there: the enclosing schema already closes the object, and a
 * closed branch would reject the fields the branch does not mention.
 */
function transform(input: JsonObject, options: StrictifyOptions, where: string, junctor: boolean): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(input)) {
    const at = `${where}/${key}`;
    if (key.startsWith('x-') || DROPPED_KEYWORDS.has(key) || key === 'nullable') continue;
    if (VALUE_KEYWORDS.has(key)) {
      out[key] = clone(value);
    } else if (SCHEMA_KEYWORDS.has(key)) {
      out[key] = typeof value === 'boolean' ? value : transform(asSchema(value, at), options, at, junctor || key === 'not');
    } else if (SCHEMA_ARRAY_KEYWORDS.has(key)) {
      if (!Array.isArray(value)) throw new Error(`${at}: expected an array of schemas`);
      out[key] = value.map((branch, i) => transform(asSchema(branch, `${at}/${i}`), options, `${at}/${i}`, true));
    } else if (SCHEMA_MAP_KEYWORDS.has(key)) {
      const map: JsonObject = {};
      for (const [name, sub] of Object.entries(asSchema(value, at))) {
        map[name] = transform(asSchema(sub, `${at}/${name}`), options, `${at}/${name}`, junctor);
      }
      out[key] = map;
    } else {
      throw new Error(`${at}: unsupported schema keyword "${key}" (teach scripts/derive-schemas.ts about it)`);
    }
  }

  if (input['x-kubernetes-int-or-string'] === true || input.format === 'int-or-string') {
    if (out.format === 'int-or-string') delete out.format;
    for (const combinator of ['anyOf', 'oneOf']) {
      const branches = out[combinator];
      if (Array.isArray(branches) && typeUnion(branches, combinator)?.join() === 'integer,string') delete out[combinator];
    }
    out.type = ['integer', 'string'];
  }

  for (const combinator of ['anyOf', 'oneOf']) {
    const branches = out[combinator];
    const union = out.type === undefined && Array.isArray(branches) ? typeUnion(branches, combinator) : undefined;
    if (union) {
      delete out[combinator];
      out.type = union.length === 1 ? union[0] : union;
    }
  }

  for (const [exclusive, bound] of [['exclusiveMinimum', 'minimum'], ['exclusiveMaximum', 'maximum']] as const) {
    if (typeof out[exclusive] === 'boolean') {
      if (out[exclusive] === true && typeof out[bound] === 'number') {
        out[exclusive] = out[bound];
        delete out[bound];
      } else {
        delete out[exclusive];
      }
    }
  }

  if (!junctor && isObject(out.properties) && out.additionalProperties === undefined
    && input['x-kubernetes-preserve-unknown-fields'] !== true) {
    out.additionalProperties = false;
  }

  if (options.crd && input['x-kubernetes-list-type'] === 'set') out.uniqueItems = true;

  if (input.nullable === true) return nullable(out);
  return out;
}

/** Types of an anyOf/oneOf whose every branch is exactly `{type: <one type>}`; undefined otherwise. */
function typeUnion(branches: Json[], combinator: string): string[] | undefined {
  const types: string[] = [];
  for (const branch of branches) {
    if (!isObject(branch) || Object.keys(branch).length !== 1 || typeof branch.type !== 'string') return undefined;
    types.push(branch.type);
  }
  // oneOf [number, integer] rejects integers; it is not the same as a type union.
  if (combinator === 'oneOf' && types.includes('number') && types.includes('integer')) return undefined;
  const unique = [...new Set(types)].sort();
  return unique.length > 0 ? unique : undefined;
}

function nullable(schema: JsonObject): JsonObject {
  if (typeof schema.type === 'string' || Array.isArray(schema.type)) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    if (!types.includes('null')) schema.type = [...types, 'null'];
    if (Array.isArray(schema.enum) && !schema.enum.includes(null)) schema.enum = [...schema.enum, null];
    return schema;
  }
  return { anyOf: [{ type: 'null' }, schema] };
}

/** Deep copy with object keys sorted, for deterministic output. */
function sortKeys(value: Json): Json {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const key of Object.keys(value).sort()) out[key] = sortKeys(value[key]);
  return out;
}

export function serialize(value: JsonObject): string {
  return `${JSON.stringify(sortKeys(value), null, 2)}\n`;
}

function generatedComment(from: string): string {
  return `GENERATED by scripts/derive-schemas.ts from ${from}. Do not edit; regenerate with \`${REGENERATE_COMMAND}\`.`;
}

function apiVersionOf(group: string, version: string): string {
  return group === '' ? version : `${group}/${version}`;
}

function collectRefs(value: Json, refs: Set<string>): void {
  if (Array.isArray(value)) {
    value.forEach((item) => collectRefs(item, refs));
  } else if (isObject(value)) {
    for (const [key, sub] of Object.entries(value)) {
      if (key === '$ref' && typeof sub === 'string') refs.add(sub);
      else collectRefs(sub, refs);
    }
  }
}

interface KindEntry {
  apiVersion: string;
  kind: string;
  /** Location relative to schemas/, with an optional JSON pointer fragment. */
  location: string;
}

function deriveK8s(projectRoot: string): { file: JsonObject; entries: KindEntry[] } {
  const raw = JSON.parse(fs.readFileSync(path.join(projectRoot, K8S_DEFINITIONS_INPUT), 'utf8')) as JsonObject;
  const definitions = asSchema(raw.definitions, K8S_DEFINITIONS_INPUT);

  const byGvk = new Map<string, string>();
  for (const [name, def] of Object.entries(definitions)) {
    const gvks = asSchema(def, name)['x-kubernetes-group-version-kind'];
    if (!Array.isArray(gvks)) continue;
    for (const gvk of gvks) {
      if (!isObject(gvk)) continue;
      const key = `${apiVersionOf(String(gvk.group), String(gvk.version))}/${String(gvk.kind)}`;
      if (byGvk.has(key) && byGvk.get(key) !== name) throw new Error(`${key} is declared by ${byGvk.get(key)} and ${name}`);
      byGvk.set(key, name);
    }
  }

  const kinds: JsonObject = {};
  const entries: KindEntry[] = [];
  const pending: string[] = [];
  for (const { apiVersion, kind } of CORE_KINDS) {
    const name = byGvk.get(`${apiVersion}/${kind}`);
    if (!name) throw new Error(`${K8S_DEFINITIONS_INPUT}: no definition for apiVersion ${apiVersion} kind ${kind}`);
    kinds[`${apiVersion}/${kind}`] = name;
    entries.push({ apiVersion, kind, location: `${K8S_SCHEMA_FILE}#/definitions/${name}` });
    pending.push(name);
  }
  pending.push(OBJECT_META);

  const reachable = new Set<string>();
  while (pending.length > 0) {
    const name = pending.pop() as string;
    if (reachable.has(name)) continue;
    if (!(name in definitions)) throw new Error(`${K8S_DEFINITIONS_INPUT}: missing definition ${name}`);
    reachable.add(name);
    const refs = new Set<string>();
    collectRefs(definitions[name], refs);
    for (const ref of refs) {
      if (!ref.startsWith('#/definitions/')) throw new Error(`${name}: unsupported $ref ${ref}`);
      pending.push(ref.slice('#/definitions/'.length));
    }
  }

  const strictDefinitions: JsonObject = {};
  for (const name of [...reachable].sort()) {
    const def = clone(asSchema(definitions[name], name));
    applyEnumOverlay(name, def);
    strictDefinitions[name] = strictify(def, { crd: false }, `#/definitions/${name}`);
  }
  for (const name of Object.keys(K8S_ENUM_OVERLAY)) {
    if (!reachable.has(name)) throw new Error(`K8S_ENUM_OVERLAY names ${name}, which no core kind reaches`);
  }

  return {
    file: {
      $comment: generatedComment(`${K8S_DEFINITIONS_INPUT} (definitions reachable from the core kinds in \`kinds\`)`),
      kinds,
      definitions: strictDefinitions,
    },
    entries,
  };
}

function applyEnumOverlay(name: string, def: JsonObject): void {
  const overlay = K8S_ENUM_OVERLAY[name];
  if (!overlay) return;
  const properties = asSchema(def.properties, `${name}.properties`);
  for (const [property, values] of Object.entries(overlay)) {
    const schema = properties[property];
    if (!isObject(schema) || schema.type !== 'string') {
      throw new Error(`K8S_ENUM_OVERLAY: ${name}.${property} is not a string property`);
    }
    if (schema.enum !== undefined && JSON.stringify(schema.enum) !== JSON.stringify(values)) {
      throw new Error(`K8S_ENUM_OVERLAY: ${name}.${property} already has enum ${JSON.stringify(schema.enum)}`);
    }
    schema.enum = [...values];
  }
}

function sourceLines(comment: string | null | undefined): string[] {
  return (comment ?? '').split('\n')
    .map((line) => /^\s*Source:\s*(\S.*)$/.exec(line)?.[1]?.trim())
    .filter((line): line is string => line !== undefined);
}

function deriveCrds(projectRoot: string): { files: Map<string, JsonObject>; entries: KindEntry[] } {
  const files = new Map<string, JsonObject>();
  const entries: KindEntry[] = [];
  const crdDir = path.join(projectRoot, 'crds');
  const inputs = fs.readdirSync(crdDir).filter((f) => f.endsWith('.crds.yaml')).sort();
  for (const input of inputs) {
    const inputPath = `crds/${input}`;
    const docs = parseAllDocuments(fs.readFileSync(path.join(crdDir, input), 'utf8'));
    if (!Array.isArray(docs)) continue; // empty stream
    for (const doc of docs) {
      if (doc.errors.length > 0) throw new Error(`${inputPath}: ${doc.errors.map((e) => e.message).join('; ')}`);
      const crd = doc.toJS({ maxAliasCount: -1 }) as Json;
      if (crd === null || crd === undefined) continue;
      if (!isObject(crd) || crd.kind !== 'CustomResourceDefinition' || crd.apiVersion !== 'apiextensions.k8s.io/v1') {
        throw new Error(`${inputPath}: expected apiextensions.k8s.io/v1 CustomResourceDefinition documents only`);
      }
      const crdName = String(asSchema(crd.metadata, inputPath).name);
      const spec = asSchema(crd.spec, crdName);
      const group = String(spec.group);
      const kind = String(asSchema(spec.names, crdName).kind);
      // The `# Source:` line after `---` is attached to the document's root node, not to the document.
      const sources = sourceLines(`${doc.commentBefore ?? ''}\n${doc.contents?.commentBefore ?? ''}`);
      const origin = `${inputPath}${sources.length > 0 ? ` (Source: ${sources.join(', ')})` : ''}`;
      if (!Array.isArray(spec.versions)) throw new Error(`${crdName}: spec.versions missing`);
      for (const versionJson of spec.versions) {
        const version = asSchema(versionJson, crdName);
        if (version.served !== true) continue;
        const versionName = String(version.name);
        const where = `${crdName} ${versionName}`;
        const openApi = asSchema(asSchema(version.schema, where).openAPIV3Schema, where);
        const schema = strictify(openApi, { crd: true }, `${crdName}/${versionName}`);
        replaceMetadata(schema, openApi, where);
        const relative = `crds/${group}/${kind.toLowerCase()}_${versionName}.json`;
        if (files.has(relative)) throw new Error(`${where}: duplicate output ${relative}`);
        schema.$comment = generatedComment(
          `${origin}, CustomResourceDefinition ${crdName}, version ${versionName} (openAPIV3Schema)`);
        files.set(relative, schema);
        entries.push({ apiVersion: `${group}/${versionName}`, kind, location: relative });
      }
    }
  }
  return { files, entries };
}

/** CRDs declare metadata as a bare object; validate it as a strict Kubernetes ObjectMeta instead. */
function replaceMetadata(schema: JsonObject, original: JsonObject, where: string): void {
  const originalMetadata = isObject(original.properties) ? original.properties.metadata : undefined;
  if (!isObject(originalMetadata)) throw new Error(`${where}: openAPIV3Schema has no properties.metadata`);
  const extra = Object.keys(originalMetadata).filter((k) => k !== 'type' && k !== 'description');
  if (originalMetadata.type !== 'object' || extra.length > 0) {
    throw new Error(`${where}: metadata schema constrains ${extra.join(', ')}; merge it with ObjectMeta in derive-schemas`);
  }
  // Relative to schemas/crds/<group>/; the validator registers every file under a base URI mirroring schemas/.
  asSchema(schema.properties, where).metadata = { $ref: `../../${K8S_SCHEMA_FILE}#/definitions/${OBJECT_META}` };
}

/**
 * Computes every file of schemas/ from the vendored inputs under projectRoot.
 * Keys are paths relative to projectRoot ("schemas/..."), values the exact file contents.
 */
export function deriveSchemas(projectRoot: string): Map<string, string> {
  const k8s = deriveK8s(projectRoot);
  const crds = deriveCrds(projectRoot);

  const index: JsonObject = {};
  for (const entry of [...k8s.entries, ...crds.entries]) {
    const key = `${entry.apiVersion}/${entry.kind}`;
    if (key in index) throw new Error(`${key} is defined twice (${String(index[key])}, ${entry.location})`);
    index[key] = entry.location;
  }

  const out = new Map<string, string>();
  out.set('schemas/index.json', serialize({
    $comment: generatedComment(`${K8S_DEFINITIONS_INPUT} and crds/*.crds.yaml`)
      + ' Maps apiVersion/kind to a schema location relative to schemas/.',
    kinds: index,
  }));
  out.set(`schemas/${K8S_SCHEMA_FILE}`, serialize(k8s.file));
  for (const relative of [...crds.files.keys()].sort()) {
    out.set(`schemas/${relative}`, serialize(crds.files.get(relative) as JsonObject));
  }
  return out;
}

/** Every file currently under schemas/, as paths relative to projectRoot (for staleness checks). */
export function listSchemaFiles(projectRoot: string): string[] {
  const found: string[] = [];
  const walk = (relative: string): void => {
    const absolute = path.join(projectRoot, relative);
    if (!fs.existsSync(absolute)) return;
    for (const entry of fs.readdirSync(absolute, { withFileTypes: true })) {
      const child = `${relative}/${entry.name}`;
      if (entry.isDirectory()) walk(child);
      else found.push(child);
    }
  };
  walk('schemas');
  return found.sort();
}

if (require.main === module) {
  const root = projectRoot();
  const files = deriveSchemas(root);
  for (const stale of listSchemaFiles(root)) {
    if (!files.has(stale)) fs.rmSync(path.join(root, stale));
  }
  let bytes = 0;
  for (const [relative, content] of files) {
    fs.mkdirSync(path.dirname(path.join(root, relative)), { recursive: true });
    fs.writeFileSync(path.join(root, relative), content);
    bytes += Buffer.byteLength(content);
  }
  // Remove directories left empty by deleted kinds.
  const prune = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) prune(path.join(dir, entry.name));
    }
    if (fs.readdirSync(dir).length === 0) fs.rmdirSync(dir);
  };
  prune(path.join(root, 'schemas'));
  console.log(`derive-schemas: wrote ${files.size} files (${(bytes / 1024).toFixed(0)} KiB) to ${path.join(root, 'schemas')}`);
}
