import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { run } from '../lib/cli';
import { copyExample, readTree } from './support/tree';

const quiet = { out: () => undefined, err: () => undefined };

describe('under `cdk8s synth` (CDK8S_OUTDIR set)', () => {
  afterEach(() => {
    delete process.env.CDK8S_OUTDIR;
  });

  test('writes dist/ as usual and one flat manifest per environment into the cdk8s folder', () => {
    const dir = copyExample();
    const scratch = path.join(dir, 'cdk8s.out');
    process.env.CDK8S_OUTDIR = scratch;
    const args = ['synth', '--platform', path.join(dir, 'platform.yaml'), '--tenants', path.join(dir, 'tenants'), '--out', path.join(dir, 'dist')];
    expect(run(args, quiet)).toBe(0);
    expect(fs.readdirSync(scratch).sort()).toEqual(['dev.k8s.yaml', 'prod.k8s.yaml']);

    const tree = readTree(path.join(dir, 'dist'));
    const manifests = Object.keys(tree).filter((f) => f.startsWith('prod/') && !f.endsWith('kustomization.yaml'));
    const flat = parseAllDocuments(fs.readFileSync(path.join(scratch, 'prod.k8s.yaml'), 'utf8')).map((d) => d.toJS());
    const inDist = manifests.flatMap((f) => parseAllDocuments(tree[f]).map((d) => d.toJS()));
    const sorted = (docs: unknown[]): string[] => docs.map((d) => JSON.stringify(d)).sort();
    expect(sorted(flat)).toEqual(sorted(inDist));
    expect(flat.length).toBeGreaterThan(20);
    expect(flat.some((o) => o.kind === 'Kustomization' && o.apiVersion === 'kustomize.config.k8s.io/v1beta1')).toBe(false);
  });

  test('writes nothing into the cdk8s folder when the input is invalid', () => {
    const dir = copyExample();
    const scratch = path.join(dir, 'cdk8s.out');
    process.env.CDK8S_OUTDIR = scratch;
    fs.writeFileSync(path.join(dir, 'tenants', 'acme.yaml'), fs.readFileSync(path.join(dir, 'tenants', 'acme.yaml'), 'utf8').replace('routes:', 'rotues:'));
    const args = ['synth', '--platform', path.join(dir, 'platform.yaml'), '--tenants', path.join(dir, 'tenants'), '--out', path.join(dir, 'dist')];
    expect(run(args, quiet)).toBe(1);
    expect(fs.existsSync(scratch)).toBe(false);
    expect(fs.existsSync(path.join(dir, 'dist'))).toBe(false);
  });
});
