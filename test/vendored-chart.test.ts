import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { nginxFlavour } from '../lib/flavours/registry';
import { vendoredChartVersion, VENDORED_CHART } from './support/helm';
import { ROOT } from './support/tree';

/** Files below `dir`, as ./relative paths, in byte order (LC_ALL=C sort). */
function files(dir: string, prefix = '.'): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name), `${prefix}/${e.name}`) : [`${prefix}/${e.name}`]))
    .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}

describe('the vendored ingress-nginx chart', () => {
  test('is byte-for-byte the upstream chart recorded in vendor/charts/SOURCES.md', () => {
    const lines = files(VENDORED_CHART)
      .filter((f) => f !== './LICENSE.upstream')
      .map((f) => `${createHash('sha256').update(fs.readFileSync(path.join(VENDORED_CHART, f))).digest('hex')}  ${f}\n`);
    expect(lines).toHaveLength(228);
    const digest = createHash('sha256').update(lines.join('')).digest('hex');
    const sources = fs.readFileSync(path.join(ROOT, 'vendor', 'charts', 'SOURCES.md'), 'utf8');
    expect(sources).toContain(`\`${digest}\``);
  });

  test('carries the upstream license', () => {
    expect(fs.readFileSync(path.join(VENDORED_CHART, 'LICENSE.upstream'), 'utf8')).toMatch(/Apache License\s+Version 2\.0/);
  });

  test('is the version the nginx flavour installs by default', () => {
    expect(vendoredChartVersion()).toBe(nginxFlavour.policy.defaultChart.version);
  });
});
