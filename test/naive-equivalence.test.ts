/**
 * tenant-edge's constructs build plain objects and skip cdk8s's resolve-and-convert pass
 * (lib/constructs/api-object.ts). The benchmark baseline (scripts/naive/) renders the same model
 * the ordinary way, through cdk8s's generated classes and their toJson. Both must produce the same
 * objects in the same files, for the bundled example and for the spec fixture.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { plan, renderAll } from '../lib/commands/plan';
import { synthObjects } from '../lib/output/render';
import { PlatformChart } from '../scripts/naive/platform-chart';
import { TenantChart } from '../scripts/naive/tenant-chart';
import { SpecFixture } from './support/spec-fixtures';
import { ROOT } from './support/tree';
import { sortedDeep } from './support/json';

type Json = unknown;

/** A copy with every object's keys sorted, so that only content is compared. */
const sorted = sortedDeep;

function productObjects(platformFile: string, tenantsDir: string): Map<string, Json[]> {
  const byFile = new Map<string, Json[]>();
  renderAll({ platformFile, tenantsDir }, () => undefined, ({ file, object }) => byFile.set(file, [...(byFile.get(file) ?? []), sorted(object)]));
  return byFile;
}

function naiveObjects(platformFile: string, tenantsDir: string): Map<string, Json[]> {
  const byFile = new Map<string, Json[]>();
  for (const env of plan({ platformFile, tenantsDir }).environments) {
    const units: App[] = [];
    const platform = new App({ outdir: 'unused' });
    new PlatformChart(platform, `${env.name}-platform`, { environment: env });
    units.push(platform);
    for (const tenant of env.tenants) {
      const app = new App({ outdir: 'unused' });
      new TenantChart(app, `${env.name}-${tenant.name}`, { environment: env, tenant });
      units.push(app);
    }
    for (const app of units) {
      for (const [file, docs] of synthObjects(app)) byFile.set(`${env.name}/${file}`, docs.map(sorted));
    }
  }
  return byFile;
}

describe('the plain-data constructs give the objects cdk8s\'s generated classes give', () => {
  test('for the bundled example, without the control planes and DNS the baseline predates', () => {
    const f = SpecFixture.create({});
    const withoutDns = (text: string): string => text.replace(/^( *)dns:.*\n(^\1  .*\n)+/gm, '');
    try {
      f.write('platform.yaml', withoutDns(fs.readFileSync(path.join(ROOT, 'platform.yaml'), 'utf8').replace(/^  controlPlanes:.*\n(^    .*\n)+/m, '')));
      for (const name of fs.readdirSync(path.join(ROOT, 'tenants'))) {
        const text = fs.readFileSync(path.join(ROOT, 'tenants', name), 'utf8');
        if (!text.includes('controlPlane:')) f.write(`tenants/${name}`, withoutDns(text));
      }
      expect(f.read('platform.yaml')).not.toContain('controlPlanes');
      expect(f.read('platform.yaml')).not.toMatch(/dns:\s*$/m);
      compareForExample(f.path('platform.yaml'), f.path('tenants'));
    } finally {
      f.cleanup();
    }
  });

  function compareForExample(platformFile: string, tenantsDir: string): void {
    const product = productObjects(platformFile, tenantsDir);
    expect(product.size).toBeGreaterThan(20);
    expect(product).toEqual(naiveObjects(platformFile, tenantsDir));
  }

  test('for the spec fixture', () => {
    const fixture = SpecFixture.create();
    try {
      const product = productObjects(fixture.path('platform.yaml'), fixture.path('tenants'));
      expect(product.size).toBeGreaterThan(10);
      expect(product).toEqual(naiveObjects(fixture.path('platform.yaml'), fixture.path('tenants')));
    } finally {
      fixture.cleanup();
    }
  });

  test('the comparison sees a difference in one field', () => {
    const platformFile = path.join(ROOT, 'platform.yaml');
    const tenantsDir = path.join(ROOT, 'tenants');
    const product = productObjects(platformFile, tenantsDir);
    const [file, docs] = [...product.entries()].find(([f]) => f.endsWith('ingresses.yaml'))!;
    const changed = new Map(product);
    changed.set(file, docs.map((d, i) => (i === 0 ? { ...(d as object), spec: {} } : d)));
    expect(changed).not.toEqual(naiveObjects(platformFile, tenantsDir));
  });
});
