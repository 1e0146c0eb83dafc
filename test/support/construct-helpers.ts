import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { PlatformChart } from '../../lib/charts/platform';
import { TenantChart } from '../../lib/charts/tenant';
import { plan } from '../../lib/commands/plan';
import { ControllerSettings } from '../../lib/flavours/flavour';
import { EnvironmentModel, FluxModel } from '../../lib/model/model';
import { validateManifest } from '../../lib/output/manifest-schemas';
import { synthObjects } from '../../lib/output/render';

/** A rendered Kubernetes object; tests index into it freely. */
export type Manifest = Record<string, any>;

/**
 * A fresh cdk8s App with one Chart to build a construct in. Without `labels` the chart adds no
 * labels of its own, so an object shows exactly the labels its construct gives it; with them,
 * cdk8s merges the chart's labels under the object's own (as PlatformChart and TenantChart do).
 */
export function freshChart(labels?: Record<string, string>): Chart {
  return new Chart(new App(), 'c', labels ? { labels } : {});
}

/** The JSON of one API object, as it is written to the output. */
export function rendered(object: ApiObject): Manifest {
  return object.toJson() as Manifest;
}

/** The JSON of every API object under `scope` (itself included), in construction order. */
export function objectsUnder(scope: IConstruct): Manifest[] {
  return scope.node.findAll().filter((c): c is ApiObject => ApiObject.isApiObject(c)).map((o) => o.toJson() as Manifest);
}

/** Strict-schema problems of every given object, tagged with its kind/name; empty when all are valid. */
export function schemaProblems(objects: readonly Manifest[]): string[] {
  return objects.flatMap((o) => validateManifest(o));
}

/** Objects of one file of a synthObjects() map, or a clear failure when the file is missing. */
export function fileObjects(files: Map<string, Manifest[]>, file: string): Manifest[] {
  const docs = files.get(file);
  if (!docs) throw new Error(`no file ${file}; rendered files: ${[...files.keys()].join(', ')}`);
  return docs;
}

/** All objects of a synthObjects() map, flattened. */
export function allObjects(files: Map<string, Manifest[]>): Manifest[] {
  return [...files.values()].flat();
}

/** Objects of one kind across every file. */
export function ofKind(files: Map<string, Manifest[]>, kind: string): Manifest[] {
  return allObjects(files).filter((o) => o.kind === kind);
}

/** Input specs written into a temporary folder, in the layout the CLI reads. */
export interface SpecDir {
  readonly root: string;
  readonly platformFile: string;
  readonly tenantsDir: string;
  remove(): void;
}

/** Writes platform.yaml and tenants/<name>.yaml into a fresh temp folder. */
export function writeSpecs(platformYaml: string, tenants: Record<string, string>): SpecDir {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tenant-edge-constructs-'));
  const platformFile = path.join(root, 'platform.yaml');
  const tenantsDir = path.join(root, 'tenants');
  fs.mkdirSync(tenantsDir);
  fs.writeFileSync(platformFile, platformYaml);
  for (const [name, text] of Object.entries(tenants)) fs.writeFileSync(path.join(tenantsDir, `${name}.yaml`), text);
  return { root, platformFile, tenantsDir, remove: () => fs.rmSync(root, { recursive: true, force: true }) };
}

/** Environment models from the real pipeline (load, validate, resolve) for the given specs. */
export function environmentsFor(platformYaml: string, tenants: Record<string, string>): Map<string, EnvironmentModel> {
  const dir = writeSpecs(platformYaml, tenants);
  try {
    const { environments } = plan({ platformFile: dir.platformFile, tenantsDir: dir.tenantsDir });
    return new Map(environments.map((e) => [e.name, e]));
  } finally {
    dir.remove();
  }
}

/** Objects of one environment's PlatformChart, grouped by output file. */
export function renderPlatform(env: EnvironmentModel): Map<string, Manifest[]> {
  const app = new App({ outdir: 'unused' });
  new PlatformChart(app, `${env.name}-platform`, { environment: env });
  return synthObjects(app) as Map<string, Manifest[]>;
}

/** Objects of one tenant's TenantChart in one environment, grouped by output file. */
export function renderTenant(env: EnvironmentModel, tenant: string): Map<string, Manifest[]> {
  const model = env.tenants.find((t) => t.name === tenant);
  if (!model) throw new Error(`tenant ${tenant} is not in environment ${env.name} (${env.tenants.map((t) => t.name).join(', ')})`);
  const app = new App({ outdir: 'unused' });
  new TenantChart(app, `${env.name}-${tenant}`, { environment: env, tenant: model });
  return synthObjects(app) as Map<string, Manifest[]>;
}

/** Settings of a dedicated controller for tenant acme, shared by the construct and flavour tests. */
export const DEDICATED_ACME: ControllerSettings = {
  namespace: 'acme',
  releaseName: 'ingress-nginx-acme',
  className: 'nginx-acme',
  controllerValue: 'k8s.io/ingress-nginx-acme',
  replicas: 2,
  namespaced: true,
  cloud: 'generic',
};

/** Flux settings of an environment whose folder is ./dist/prod, with Flux's own service accounts. */
export const FLUX_PROD: FluxModel = {
  namespace: 'flux-system',
  kustomizeServiceAccount: 'kustomize-controller',
  helmServiceAccount: 'helm-controller',
  sourceRef: { kind: 'GitRepository', name: 'flux-system', namespace: 'flux-system' },
  envPath: './dist/prod',
  interval: '10m',
  timeout: '5m',
  retryInterval: '2m',
};
