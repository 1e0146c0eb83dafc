import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { RenderedObject } from '../output/render';
import { listFiles, readRegularFile } from '../output/safe-read';
import { UsageError } from './plan';

/**
 * The removal guard: what Flux deletes when it applies this run's output over the previous one,
 * whatever causes it, and whether the run may do that without --allow-removal.
 *
 * kustomize-controller deletes an object when it leaves the build of the Kustomization that
 * applied it (garbage collection of its inventory), and deletes the whole inventory when the
 * Kustomization itself goes (its finalizer), unless the object in the cluster carries
 * `kustomize.toolkit.fluxcd.io/prune: disabled` (or `reconcile: disabled`, `ssa: ignore`) as a
 * label or an annotation, the value compared without case: kustomize-controller v1.9.4
 * `internal/controller/kustomization_controller.go` (deleteObjects, used by prune and finalize:
 * DeleteOptions.Exclusions), fluxcd/pkg ssa v0.76.1 (its go.mod) `ssa/manager_delete.go` (Delete
 * skips an object for which AnyInMetadata holds) and `ssa/utils/meta.go` (AnyInMetadata,
 * strings.EqualFold).
 * So an object is deleted when its identity (group, kind, namespace, name, and the cluster it is
 * applied to) is in the previous output of an environment and in none of the new output's files
 * there; an object that moves to another file of the environment is not counted.
 *
 * The rule: no change deletes what a tenant owns without the explicit flag.
 *  - Removing whole tenants from an environment is allowed for one of them, or a tenth
 *    (REMOVAL_SHARE), whichever is more.
 *  - A tenant's objects may be deleted by an edit of that tenant's own spec (a route removed).
 *    Only the incremental synth knows which specs changed since the previous output (from its
 *    cache); a full synth has no record of the previous input, so for it every deletion of a
 *    staying tenant's objects needs the flag.
 *  - Everything else needs the flag: a staying tenant's objects deleted by platform.yaml (spec.dns
 *    removed, a new tenantNamespacePrefix) or by another tenant-edge (a renamed object), and
 *    every object of the platform part, which serves all tenants (a DNS parent zone whose
 *    deletion takes every delegation with it, the shared controller, the issuers).
 */

/** Tenants one synth may remove from an environment's output without --allow-removal: one, or this share. */
export const REMOVAL_SHARE = 0.1;

/**
 * Largest previous output file the guard reads: far more than tenant-edge writes from input
 * within its limits (its largest object file for 10,000 bench tenants has a few KB); a larger one
 * is not its output (see readPrevious).
 */
export const PREVIOUS_FILE_MAX_BYTES = 64 * 1024 * 1024;

/** Tenants whose output an environment folder holds (from its flux/tenant-<name>.yaml files). */
function tenantsIn(outDir: string, env: string): string[] {
  try {
    return fs
      .readdirSync(path.join(path.resolve(outDir), env, 'flux'))
      .map((f) => /^tenant-(.+)\.yaml$/.exec(f)?.[1])
      .filter((t): t is string => t !== undefined);
  } catch {
    return [];
  }
}

/** The tenant whose output a file is (relative to its environment folder), or undefined for the platform part. */
export function ownerOf(envRel: string): string | undefined {
  return /^tenants\/([^/]+)\//.exec(envRel)?.[1] ?? /^flux\/tenant-(.+)\.yaml$/.exec(envRel)?.[1];
}

/**
 * An object's identity in an environment: group, kind, namespace and name, and the cluster it is
 * applied to. Files in a tenant's `tenant-cluster` folder go to the tenant's own cluster
 * (charts/tenant-cluster.ts); all others to the environment's.
 */
function identity(envRel: string, apiVersion: string, kind: string, namespace: string, name: string): string {
  const group = apiVersion.slice(0, Math.max(apiVersion.lastIndexOf('/'), 0));
  const cluster = /^tenants\/([^/]+)\/tenant-cluster\//.exec(envRel)?.[1];
  return `${group}/${kind} ${namespace}/${name}${cluster === undefined ? '' : ` in the cluster of tenant ${cluster}`}`;
}

/** Splits an output path into its environment and the path inside it. */
function splitEnv(rel: string): [string, string] {
  const slash = rel.indexOf('/');
  return [rel.slice(0, slash), rel.slice(slash + 1)];
}

/** The identities of the objects a run renders, by environment: fed by the render sink's `object`. */
export class RenderedIdentities {
  private readonly byEnv = new Map<string, Set<string>>();

  readonly add = ({ file, object }: RenderedObject): void => {
    const [env, envRel] = splitEnv(file);
    const meta = (object.metadata ?? {}) as { name?: string; namespace?: string };
    let ids = this.byEnv.get(env);
    if (!ids) this.byEnv.set(env, (ids = new Set()));
    ids.add(identity(envRel, String(object.apiVersion), String(object.kind), meta.namespace ?? '', meta.name ?? ''));
  };

  has(env: string, id: string): boolean {
    return this.byEnv.get(env)?.has(id) ?? false;
  }
}

/** An object of a previous output file, as far as the guard needs it. */
interface PreviousObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  /** Carries kustomize.toolkit.fluxcd.io/prune: disabled (or another exclusion): Flux leaves it in the cluster. */
  readonly kept: boolean;
}

/** A plain scalar as tenant-edge writes names, kinds and API versions; anything else goes to the YAML parser. */
const PLAIN = /^[A-Za-z0-9][A-Za-z0-9._:/@-]*$/;
/** Plain scalars YAML reads as something other than a string. */
const NOT_STRING = /^(?:[-+]?[0-9][0-9_.]*(?:e[-+]?[0-9]+)?|0x[0-9a-f]+|0o[0-7]+|true|false|null|yes|no|on|off|y|n)$/i;
/** kustomize-controller's exclusions from deletion: key and value (deleteObjects, v1.9.4). */
const EXCLUSIONS: readonly (readonly [string, string])[] = [
  ['kustomize.toolkit.fluxcd.io/prune', 'disabled'],
  ['kustomize.toolkit.fluxcd.io/reconcile', 'disabled'],
  ['kustomize.toolkit.fluxcd.io/ssa', 'ignore'],
];
const FLUX_KEY_LINE = '    kustomize.toolkit.fluxcd.io/';
/** A line that starts with a character of a document marker (`---`, `...`) or a directive (`%`). */
const MARKER = /\n[-.%]/g;

/** Whether a label or annotation keeps its object in the cluster when Flux prunes. */
function excluded(key: string, value: string): boolean {
  return EXCLUSIONS.some(([k, v]) => k === key && value.toLowerCase() === v);
}

/**
 * Reads the objects of a file the way tenant-edge writes them (block style, two-space indents,
 * documents separated by `---` lines, plain names), looking only at `apiVersion`, `kind` and
 * `metadata` of each document and skipping the rest of it. Returns undefined for anything it
 * does not expect, for the YAML parser to read.
 */
export function scanObjects(text: string): PreviousObject[] | undefined {
  // Lines end in \n alone, so that `\n---\n` finds every next document.
  if (text.includes('\r')) return undefined;
  const objects: PreviousObject[] = [];
  let pos = 0;
  while (pos < text.length) {
    let apiVersion: string | undefined;
    let kind: string | undefined;
    let name: string | undefined;
    let namespace = '';
    let kept = false;
    let inMetadata = false;
    let sawMetadata = false;
    /** The metadata key of the current block (labels, annotations). */
    let block = '';
    while (pos < text.length) {
      let eol = text.indexOf('\n', pos);
      if (eol < 0) eol = text.length;
      const line = text.slice(pos, eol);
      pos = eol + 1;
      if (line === '---') break;
      if (line === '' || line.startsWith('#')) continue;
      const c = line.charCodeAt(0);
      if (c !== 0x20) {
        // A key of the document: `key: value` or `key:`.
        const colon = line.indexOf(':');
        if (colon <= 0 || !/^[A-Za-z][A-Za-z0-9]*$/.test(line.slice(0, colon))) return undefined;
        const key = line.slice(0, colon);
        const value = line.slice(colon + 1).trim();
        if (inMetadata && apiVersion !== undefined && kind !== undefined) {
          // Everything of interest is read: the rest of the document holds no identity.
          if (key === 'apiVersion' || key === 'kind' || key === 'metadata') return undefined;
          // The next line that could be a document marker or directive (tenant-edge writes no
          // other line starting with one of these): exactly `---` starts the next document;
          // anything else (`--- # note`, `...`, `%YAML`) goes to the YAML parser.
          MARKER.lastIndex = eol;
          const marker = MARKER.exec(text);
          if (!marker) {
            pos = text.length;
            break;
          }
          let end = text.indexOf('\n', marker.index + 1);
          if (end < 0) end = text.length;
          if (text.slice(marker.index + 1, end) !== '---') return undefined;
          pos = end + 1;
          break;
        }
        inMetadata = key === 'metadata';
        if (inMetadata) {
          if (value !== '' || sawMetadata) return undefined;
          sawMetadata = true;
        } else if (key === 'apiVersion' || key === 'kind') {
          if (!PLAIN.test(value) || NOT_STRING.test(value)) return undefined;
          if (key === 'apiVersion') {
            if (apiVersion !== undefined) return undefined;
            apiVersion = value;
          } else {
            if (kind !== undefined) return undefined;
            kind = value;
          }
        }
        continue;
      }
      if (!inMetadata) continue;
      if (line.charCodeAt(1) !== 0x20) return undefined;
      if (line.charCodeAt(2) !== 0x20) {
        // A key of metadata.
        const colon = line.indexOf(':');
        if (colon <= 2) return undefined;
        const key = line.slice(2, colon);
        const value = line.slice(colon + 1).trim();
        block = key;
        if (key === 'name' || key === 'namespace') {
          if (!PLAIN.test(value) || NOT_STRING.test(value)) return undefined;
          if (key === 'name') name = value;
          else namespace = value;
        } else if (value !== '' && (key === 'labels' || key === 'annotations')) {
          return undefined;
        }
        continue;
      }
      // A value of labels or annotations: four spaces, all on one line (tenant-edge folds no line).
      if ((block !== 'labels' && block !== 'annotations') || line.charCodeAt(4) === 0x20) return undefined;
      if (line.startsWith(FLUX_KEY_LINE)) {
        const colon = line.indexOf(':', FLUX_KEY_LINE.length);
        const value = line.slice(colon + 1).trim().replace(/^(["'])(.*)\1$/, '$2');
        if (colon < 0 || value === '' || /^[|>&*!"']/.test(value) || /\s#/.test(value)) return undefined;
        if (excluded(line.slice(4, colon), value)) kept = true;
      }
    }
    if (apiVersion === undefined && kind === undefined && !sawMetadata) continue;
    if (apiVersion === undefined || kind === undefined || name === undefined) return undefined;
    objects.push({ apiVersion, kind, namespace, name, kept });
  }
  return objects;
}

/** The objects of a file as the YAML parser reads it, or undefined when it is no YAML of objects. */
function parseObjects(text: string): PreviousObject[] | undefined {
  const objects: PreviousObject[] = [];
  try {
    for (const doc of parseAllDocuments(text)) {
      if (doc.errors.length > 0) return undefined;
      const value = doc.toJS({ maxAliasCount: 100 }) as unknown;
      if (value === null || value === undefined) continue;
      if (typeof value !== 'object' || Array.isArray(value)) return undefined;
      const o = value as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown; namespace?: unknown; labels?: unknown; annotations?: unknown } };
      const meta = o.metadata;
      if (typeof o.apiVersion !== 'string' || typeof o.kind !== 'string' || typeof meta !== 'object' || meta === null || typeof meta.name !== 'string') return undefined;
      const disabled = (m: unknown): boolean => typeof m === 'object' && m !== null && Object.entries(m).some(([k, v]) => typeof v === 'string' && excluded(k, v));
      objects.push({
        apiVersion: o.apiVersion,
        kind: o.kind,
        namespace: typeof meta.namespace === 'string' ? meta.namespace : '',
        name: meta.name,
        kept: disabled(meta.labels) || disabled(meta.annotations),
      });
    }
  } catch {
    return undefined;
  }
  return objects;
}

/**
 * The objects of a previous output file. A file the guard cannot read as objects (no regular
 * file, larger than PREVIOUS_FILE_MAX_BYTES, not YAML of objects) holds none: Flux could not
 * have built it either, so the cluster holds what an earlier version of it applied, which no
 * run can see; this run replaces it.
 */
function readPrevious(file: string): PreviousObject[] {
  const read = readRegularFile(file, PREVIOUS_FILE_MAX_BYTES);
  if (!('bytes' in read)) return [];
  const text = read.bytes.toString('utf8');
  return scanObjects(text) ?? parseObjects(text) ?? [];
}

/** Whether an output file holds objects: a kustomization.yaml lists files and holds none. */
export function isObjectFile(rel: string): boolean {
  return rel.endsWith('.yaml') && !rel.endsWith('/kustomization.yaml') && rel !== 'kustomization.yaml';
}

/** Files of objects below an environment folder (relative to it), without following links; kustomization.yaml files hold none. */
export function objectFiles(envDir: string): string[] {
  return listFiles(envDir).filter((f) => isObjectFile(path.posix.basename(f)));
}

/** An object Flux would delete: its environment, kind and owner (a tenant, or undefined for the platform part). */
export interface Deletion {
  readonly env: string;
  readonly kind: string;
  readonly tenant: string | undefined;
}

/**
 * The objects of `files` (paths relative to the output folder) in the previous output that the
 * new output holds nowhere in their environment; objects kept on prune are not counted.
 */
export function deletedObjects(outDir: string, files: Iterable<string>, rendered: RenderedIdentities): Deletion[] {
  const out = path.resolve(outDir);
  const deletions: Deletion[] = [];
  for (const rel of files) {
    const [env, envRel] = splitEnv(rel);
    for (const o of readPrevious(path.join(out, ...rel.split('/')))) {
      if (o.kept || rendered.has(env, identity(envRel, o.apiVersion, o.kind, o.namespace, o.name))) continue;
      deletions.push({ env, kind: o.kind, tenant: ownerOf(envRel) });
    }
  }
  return deletions;
}

/** The object files of the previous output of `environments`, relative to the output folder. */
export function previousFiles(outDir: string, environments: readonly string[]): string[] {
  const out = path.resolve(outDir);
  return environments.flatMap((env) => objectFiles(path.join(out, env)).map((f) => `${env}/${f}`));
}

/** "3 Ingress, 2 Certificate and 1 Kustomization": counts by kind, most first. */
function countsByKind(deletions: readonly Deletion[]): string {
  const counts = new Map<string, number>();
  for (const d of deletions) counts.set(d.kind, (counts.get(d.kind) ?? 0) + 1);
  const parts = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([kind, n]) => `${n} ${kind}`);
  return parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}` : parts[0];
}

/** "acme, beta, orbit and 4 more": the first few names. */
function firstFew(names: readonly string[]): string {
  return names.length > 5 ? `${names.slice(0, 5).join(', ')} and ${names.length - 5} more` : names.join(', ');
}

/**
 * Refuses a run that would make Flux delete what needs --allow-removal (see the top of this
 * file), saying what, where and whose. `edited(env, tenant)` tells whether the tenant's spec
 * changed since the previous output; a full synth does not know and passes none.
 */
export function checkDeletions(
  outDir: string,
  environments: readonly { readonly name: string; readonly tenants: readonly string[] }[],
  deletions: readonly Deletion[],
  edited: (env: string, tenant: string) => boolean = () => false,
): void {
  const parts: string[] = [];
  let total = 0;
  for (const env of environments) {
    const mine = deletions.filter((d) => d.env === env.name);
    const now = new Set(env.tenants);
    const before = new Set([...tenantsIn(outDir, env.name), ...mine.flatMap((d) => (d.tenant === undefined ? [] : [d.tenant]))]);
    const removed = [...before].filter((t) => !now.has(t)).sort();
    const allowed = Math.max(1, Math.floor(before.size * REMOVAL_SHARE));
    const said: string[] = [];
    if (removed.length > allowed) {
      const gone = new Set(removed);
      const theirs = mine.filter((d) => d.tenant !== undefined && gone.has(d.tenant));
      total += theirs.length;
      const what = theirs.length > 0 ? `${countsByKind(theirs)} of ` : 'the objects of ';
      said.push(`${what}${removed.length} removed tenants (${firstFew(removed)}), more than the ${allowed} of ${before.size} a run may remove`);
    }
    const staying = mine.filter((d) => d.tenant !== undefined && now.has(d.tenant) && !edited(env.name, d.tenant));
    if (staying.length > 0) {
      const tenants = [...new Set(staying.map((d) => d.tenant!))].sort();
      total += staying.length;
      said.push(`${countsByKind(staying)} of ${tenants.length === 1 ? 'tenant' : `${tenants.length} tenants`} ${firstFew(tenants)}, which ${tenants.length === 1 ? 'stays' : 'stay'}`);
    }
    const platform = mine.filter((d) => d.tenant === undefined);
    if (platform.length > 0) {
      total += platform.length;
      said.push(`${countsByKind(platform)} of the platform part`);
    }
    if (said.length > 0) parts.push(`in environment "${env.name}", ${said.join('; ')}`);
  }
  if (parts.length === 0) return;
  throw new UsageError(
    `this run would make Flux delete ${total} object${total === 1 ? '' : 's'}: ${parts.join('; ')}. Without --allow-removal, a run deletes a tenant's objects only when it removes the tenant (one, or a tenth of an environment's tenants) or when that tenant's own spec changed (known only through the synth cache), and no object of the platform part; pass --allow-removal if that is what you want`,
  );
}
