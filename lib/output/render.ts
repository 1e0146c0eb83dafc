import { ApiObject, App } from 'cdk8s';
import { IConstruct } from 'constructs';
import { PlainApiObject } from '../constructs/api-object';
import { placementOf } from '../constructs/placement';
import { InputError, Problem } from '../input/problems';
import { header, kustomization, ObjectFile, objectFileText } from './serialize';

export { MAX_OBJECT_BYTES } from './serialize';
export type { ObjectFile } from './serialize';

/** One rendered file, its path relative to the output root (always with forward slashes). */
export interface OutputFile {
  readonly path: string;
  readonly content: string;
}

/** A rendered Kubernetes object and the file it goes to (used by validation and tests). */
export interface RenderedObject {
  readonly file: string;
  readonly object: Record<string, unknown>;
}

export interface RenderSink {
  file(file: OutputFile): void;
  /** Called for every object before it is serialized. */
  object?(rendered: RenderedObject): void;
  /**
   * Takes each file of objects as it is, to be checked and serialized elsewhere (the writer
   * thread, output/file-writer.ts). Without it, the unit serializes the file and hands the text
   * to `file`.
   */
  objects?(file: ObjectFile): void;
}

/** A part of an environment rendered on its own (charts/units.ts lists them). */
export interface UnitToRender {
  /** Unique in the environment, e.g. `tenant/acme`. */
  readonly id: string;
  /** Spec files it comes from, for the generated-file header; the last one is blamed for an oversized object. */
  readonly sources: readonly string[];
  /** Adds the unit's charts to a fresh App. */
  build(app: App): void;
}

/** An environment to render: its folder name and its units. */
export interface EnvironmentToRender {
  readonly name: string;
  readonly platformFile: string;
  readonly units: readonly UnitToRender[];
}

/**
 * Files under this folder of an environment are its entry points: the environment's
 * kustomization.yaml lists them, and Flux applies the folders they name.
 */
export const ENTRY_FOLDER = 'flux';

/** What rendering a unit produced, besides its files. */
export interface UnitResult {
  /** Paths (relative to the output root) of the unit's files, its folders' kustomization.yaml included. */
  readonly files: readonly string[];
  /** Its files in the environment's entry folder, which the environment's kustomization.yaml lists (relative to the environment). */
  readonly entries: readonly string[];
  readonly objects: number;
}

/**
 * State shared by the units of one environment while they render: every object of an environment
 * lands in its cluster (or the other cluster its file is placed in, such as a tenant's own), so two
 * with the same identity there would overwrite each other (a bug in the names tenant-edge derives); and objects over the size limit are collected, to be reported
 * together.
 */
export class EnvironmentRender {
  private readonly identities = new Map<string, string>();
  readonly oversized: Problem[] = [];

  constructor(readonly name: string) {}

  /** Records an object's identity: one identity, one object per environment. */
  private claim(id: string, file: string): void {
    const first = this.identities.get(id);
    if (first !== undefined) throw new Error(`${id} is rendered twice in environment "${this.name}": in ${first} and ${file}`);
    this.identities.set(id, file);
  }

  /**
   * Synthesizes one unit in an App of its own and hands its files to the sink at once, so time
   * and memory grow linearly with the number of units: cdk8s's App.synth() re-validates the whole
   * app for every chart, which is quadratic when there is a chart per tenant.
   */
  unit(unit: UnitToRender, sink: RenderSink): UnitResult {
    const app = new App({ outdir: 'unused' });
    unit.build(app);
    const clusters = new Map<string, string>();
    const byFile = synthObjects(app, clusters);
    const env = this.name;
    const files: string[] = [];
    const entries: string[] = [];
    const folders = new Map<string, string[]>();
    let objects = 0;
    for (const [file, docs] of byFile) {
      const rel = `${env}/${file}`;
      const cluster = clusters.get(file);
      for (const object of docs) {
        const meta = (object.metadata ?? {}) as { name?: string; namespace?: string };
        const apiVersion = String(object.apiVersion);
        const id = `${apiVersion.slice(0, Math.max(apiVersion.lastIndexOf('/'), 0))}/${String(object.kind)} ${meta.namespace ?? ''}/${meta.name ?? ''}${cluster === undefined ? '' : ` (in cluster ${cluster})`}`;
        this.claim(id, rel);
        sink.object?.({ file: rel, object });
      }
      objects += docs.length;
      const objectFile: ObjectFile = { path: rel, env, header: header(unit.sources), blame: unit.sources[unit.sources.length - 1], objects: docs };
      if (sink.objects) {
        sink.objects(objectFile);
      } else {
        const { content, oversized } = objectFileText(objectFile);
        this.oversized.push(...oversized);
        sink.file({ path: rel, content });
      }
      files.push(rel);
      const slash = file.lastIndexOf('/');
      const folder = file.slice(0, slash);
      if (folder === ENTRY_FOLDER) {
        entries.push(file);
      } else {
        const listed = folders.get(folder) ?? [];
        listed.push(file.slice(slash + 1));
        folders.set(folder, listed);
      }
    }
    for (const [folder, listed] of folders) {
      const rel = `${env}/${folder}/kustomization.yaml`;
      sink.file({ path: rel, content: kustomization(listed, unit.sources) });
      files.push(rel);
    }
    return { files, entries, objects };
  }

  /** Throws every oversized object of the units rendered so far as input problems. */
  throwIfOversized(): void {
    if (this.oversized.length > 0) throw new InputError(this.oversized);
  }
}

/** The environment's entry point, kustomization.yaml, which lists its entry files (`entries`, relative to the environment). */
export function environmentEntry(env: string, platformFile: string, entries: readonly string[]): OutputFile {
  return {
    path: `${env}/kustomization.yaml`,
    content: kustomization(entries, [platformFile, 'the tenant specs'], 'Entry point for Flux: the Kustomizations below each apply one folder.'),
  };
}

/** Renders one environment: every unit, then its entry point. `onUnit` sees what each unit produced. */
export function renderEnvironment(env: EnvironmentToRender, sink: RenderSink, onUnit?: (unit: UnitToRender, result: UnitResult) => void): { objects: number } {
  const render = new EnvironmentRender(env.name);
  let objects = 0;
  const entries: string[] = [];
  for (const unit of env.units) {
    const result = render.unit(unit, sink);
    onUnit?.(unit, result);
    objects += result.objects;
    entries.push(...result.entries);
  }
  render.throwIfOversized();
  sink.file(environmentEntry(env.name, env.platformFile, entries));
  return { objects };
}

/**
 * Runs construct validations once, then serializes every API object, grouped by output file.
 * `clusters`, when given, receives the files applied to another cluster (placeInCluster) and
 * which; a file's objects all go to one cluster.
 */
export function synthObjects(root: IConstruct, clusters?: Map<string, string>): Map<string, Record<string, unknown>[]> {
  const all = root.node.findAll();
  const errors: string[] = [];
  for (const c of all) for (const e of c.node.validate()) errors.push(`${c.node.path}: ${e}`);
  if (errors.length > 0) throw new Error(`construct validation failed:\n  ${errors.join('\n  ')}`);

  const byFile = new Map<string, Record<string, unknown>[]>();
  for (const c of all) {
    if (!ApiObject.isApiObject(c)) continue;
    const { file, cluster } = placementOf(c);
    if (file === undefined) throw new Error(`${c.node.path}: no output file was assigned (use placeIn)`);
    let docs = byFile.get(file);
    if (clusters) {
      if (docs && clusters.get(file) !== cluster) throw new Error(`${c.node.path}: ${file} mixes objects for two clusters`);
      if (cluster !== undefined) clusters.set(file, cluster);
    }
    if (!docs) byFile.set(file, (docs = []));
    docs.push(PlainApiObject.isPlain(c) ? c.manifest() : (c.toJson() as Record<string, unknown>));
  }
  for (const docs of byFile.values()) docs.sort(compareObjects);
  return new Map([...byFile.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Namespaces first, then by kind, namespace and name: independent of construction order. */
function compareObjects(a: Record<string, unknown>, b: Record<string, unknown>): number {
  const key = (o: Record<string, unknown>): string => {
    const meta = (o.metadata ?? {}) as { name?: string; namespace?: string };
    return `${o.kind === 'Namespace' ? 0 : 1}\0${o.kind}\0${meta.namespace ?? ''}\0${meta.name ?? ''}`;
  };
  const ka = key(a);
  const kb = key(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}
