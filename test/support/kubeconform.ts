/**
 * kubeconform over rendered files, with schemas laid out from the project's strict schemas
 * (schemas/, derived from the vendored crds/ and Kubernetes v1.33 definitions). Nothing is fetched.
 *
 * kubeconform v0.7.0 expands `-schema-location` templates in pkg/registry/registry.go (schemaPath):
 * for apiVersion "networking.k8s.io/v1", `.Group` is "networking.k8s.io" and `.ResourceAPIVersion`
 * is "v1"; for "v1", both are "v1"; `.ResourceKind` is the lower-cased kind. With `-strict` it also
 * parses every document with yaml.UnmarshalStrict (pkg/validator/validator.go), which refuses
 * duplicate keys.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ROOT, tempDir } from './tree';
import { runTool, RunResult, toolPath } from './tools';

type Json = Record<string, unknown>;

const SCHEMAS = path.join(ROOT, 'schemas');
const LOCATION = '{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json';

let laidOut: string | undefined;

/** One self-contained schema file per apiVersion/kind of schemas/index.json, in kubeconform's layout. */
export function kubeconformSchemaDir(): string {
  if (laidOut) return laidOut;
  const dir = tempDir('tenant-edge-kubeconform-');
  const index = JSON.parse(fs.readFileSync(path.join(SCHEMAS, 'index.json'), 'utf8')) as { kinds: Record<string, string> };
  const k8s = JSON.parse(fs.readFileSync(path.join(SCHEMAS, 'k8s-v1.33.json'), 'utf8')) as { definitions: Json };
  for (const [gvk, location] of Object.entries(index.kinds)) {
    const parts = gvk.split('/');
    const kind = parts.pop()!;
    const version = parts.pop()!;
    const group = parts.length > 0 ? parts.join('/') : version;
    const [file, pointer] = location.split('#');
    let schema: Json;
    if (file === 'k8s-v1.33.json') {
      schema = { $ref: `#${pointer}`, definitions: k8s.definitions };
    } else {
      const text = fs.readFileSync(path.join(SCHEMAS, file), 'utf8').replace(/"(?:\.\.\/)+k8s-v1\.33\.json#/g, '"#');
      schema = { ...(JSON.parse(text) as Json), definitions: k8s.definitions };
    }
    const out = path.join(dir, group, `${kind.toLowerCase()}_${version}.json`);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, JSON.stringify(schema));
  }
  laidOut = dir;
  return dir;
}

/** Runs `kubeconform -strict` on files; Kustomize's own kustomization.yaml files are left out. */
export function kubeconform(targets: readonly string[]): RunResult {
  const schemas = kubeconformSchemaDir();
  return runTool(toolPath('kubeconform'), [
    '-strict',
    '-summary',
    '-output', 'text',
    '-kubernetes-version', '1.33.0',
    '-schema-location', path.join(schemas, LOCATION),
    ...targets.filter((t) => !t.endsWith('kustomization.yaml')),
  ]);
}
