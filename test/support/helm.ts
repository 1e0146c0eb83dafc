/**
 * `helm template` of the vendored ingress-nginx chart with exactly the values a rendered
 * HelmRelease carries, as helm-controller would install it.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { ROOT, tempDir } from './tree';
import { runOk, toolPath } from './tools';

export const VENDORED_CHART = path.join(ROOT, 'vendor', 'charts', 'ingress-nginx');
/** The Kubernetes version of the test API server and of schemas/. */
export const KUBE_VERSION = '1.33.13';

export type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [key: string]: unknown;
};

export interface HelmReleaseObject extends K8sObject {
  spec: {
    releaseName: string;
    targetNamespace?: string;
    storageNamespace?: string;
    serviceAccountName?: string;
    chart: { spec: { chart: string; version: string; sourceRef: { kind: string; name: string; namespace?: string } } };
    values: Record<string, unknown>;
  };
}

/** Parses every document of a multi-document YAML text. */
export function parseObjects(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((d) => d.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null && typeof o === 'object');
}

/** Every object of every .yaml file below `dir`, with the file it came from. */
export function objectsUnder(dir: string): { file: string; object: K8sObject }[] {
  const out: { file: string; object: K8sObject }[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.name.endsWith('.yaml') && e.name !== 'kustomization.yaml') {
        for (const object of parseObjects(fs.readFileSync(full, 'utf8'))) out.push({ file: path.relative(dir, full), object });
      }
    }
  };
  walk(dir);
  return out;
}

/** The namespace helm-controller installs a HelmRelease's chart into. */
export function releaseNamespace(hr: HelmReleaseObject): string {
  return hr.spec.targetNamespace ?? hr.metadata.namespace!;
}

/** Renders the vendored chart with the HelmRelease's release name, namespace and values. */
export function helmTemplate(hr: HelmReleaseObject): K8sObject[] {
  const valuesFile = path.join(tempDir('tenant-edge-helm-'), 'values.json');
  fs.writeFileSync(valuesFile, JSON.stringify(hr.spec.values));
  const out = runOk(toolPath('helm'), [
    'template',
    hr.spec.releaseName,
    VENDORED_CHART,
    '--namespace', releaseNamespace(hr),
    '--values', valuesFile,
    '--kube-version', KUBE_VERSION,
    // helm-controller renders against the cluster's API versions; the prometheus-operator CRDs are
    // a prerequisite of monitoring.
    '--api-versions', 'monitoring.coreos.com/v1/ServiceMonitor',
  ]);
  return parseObjects(out);
}

/** The version field of the vendored Chart.yaml. */
export function vendoredChartVersion(): string {
  const chart = parseAllDocuments(fs.readFileSync(path.join(VENDORED_CHART, 'Chart.yaml'), 'utf8'))[0].toJS() as { version: string };
  return chart.version;
}
