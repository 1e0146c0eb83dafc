import { ApiObject, App } from 'cdk8s';
import { IConstruct } from 'constructs';
import { PlainApiObject } from '../constructs/api-object';
import { fileOf } from '../constructs/placement';
import { InputError, Problem } from '../input/problems';
import { emitYaml } from './yaml-emit';

/**
 * Largest object rendered, in bytes of YAML. etcd stores at most 1.5 MiB per object by default
 * (--max-request-bytes), and Flux keeps objects in memory and in its inventory: 1 MiB leaves
 * room for the fields the API server adds.
 */
export const MAX_OBJECT_BYTES = 1024 * 1024;

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
 * lands in one cluster, so two with the same identity would overwrite each other there (a bug in
 * the names tenant-edge derives); and objects over the size limit are collected, to be reported
 * together.
 */
export class EnvironmentRender {
  private readonly identities = new Map<string, string>();
  readonly oversized: Problem[] = [];

  constructor(readonly name: string) {}

  /** Records an object rendered elsewhere (by another thread) under the same rule: one identity, one object. */
  claim(id: string, file: string): void {
    const first = this.identities.get(id);
    if (first !== undefined) throw new Error(`${id} is rendered twice in environment "${this.name}": in ${first} and ${file}`);
    this.identities.set(id, file);
  }

  /** Identities of the objects rendered here so far, with their files (for another thread's claim). */
  claimed(): [string, string][] {
    return [...this.identities];
  }

  /**
   * Synthesizes one unit in an App of its own and serializes it at once, so time and memory grow
   * linearly with the number of units: cdk8s's App.synth() re-validates the whole app for every
   * chart, which is quadratic when there is a chart per tenant.
   */
  unit(unit: UnitToRender, sink: RenderSink): UnitResult {
    const app = new App({ outdir: 'unused' });
    unit.build(app);
    const byFile = synthObjects(app);
    const env = this.name;
    const files: string[] = [];
    const entries: string[] = [];
    const folders = new Map<string, string[]>();
    let objects = 0;
    for (const [file, docs] of byFile) {
      const rel = `${env}/${file}`;
      for (const object of docs) {
        const meta = (object.metadata ?? {}) as { name?: string; namespace?: string };
        const id = `${String(object.apiVersion).split('/').slice(0, -1).join('/')}/${String(object.kind)} ${meta.namespace ?? ''}/${meta.name ?? ''}`;
        this.claim(id, rel);
        sink.object?.({ file: rel, object });
      }
      objects += docs.length;
      const texts = docs.map(emitYaml);
      texts.forEach((text, i) => {
        if (text.length > MAX_OBJECT_BYTES) {
          const meta = docs[i].metadata as { name?: string; namespace?: string };
          this.oversized.push({
            file: unit.sources[unit.sources.length - 1],
            line: 0,
            col: 0,
            path: '',
            message: `renders ${String(docs[i].kind)} ${meta.namespace ? `${meta.namespace}/` : ''}${meta.name} in environment "${env}" with ${text.length} bytes, over the ${MAX_OBJECT_BYTES} an object may have; spread its hosts and paths over more routes`,
          });
        }
      });
      sink.file({ path: rel, content: header(unit.sources) + texts.join('---\n') });
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

/** Runs construct validations once, then serializes every API object, grouped by output file. */
export function synthObjects(root: IConstruct): Map<string, Record<string, unknown>[]> {
  const all = root.node.findAll();
  const errors: string[] = [];
  for (const c of all) for (const e of c.node.validate()) errors.push(`${c.node.path}: ${e}`);
  if (errors.length > 0) throw new Error(`construct validation failed:\n  ${errors.join('\n  ')}`);

  const byFile = new Map<string, Record<string, unknown>[]>();
  for (const c of all) {
    if (!ApiObject.isApiObject(c)) continue;
    const file = fileOf(c);
    if (file === undefined) throw new Error(`${c.node.path}: no output file was assigned (use placeIn)`);
    const docs = byFile.get(file) ?? [];
    docs.push(PlainApiObject.isPlain(c) ? c.manifest() : (c.toJson() as Record<string, unknown>));
    byFile.set(file, docs);
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

function header(sources: readonly string[]): string {
  return `# Generated by tenant-edge from ${sources.join(' and ')}. Do not edit: change the\n# specs and run \`npx tenant-edge synth\`.\n`;
}

function kustomization(files: readonly string[], sources: readonly string[], note?: string): string {
  const body = emitYaml({
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: [...files].sort(),
  });
  return header(sources) + (note ? `# ${note}\n` : '') + body;
}
