/**
 * The benchmark's baseline: the same input rendered the way a plain cdk8s app would, with one App
 * per environment, one chart per tenant, and cdk8s's own app.synth() writing the YAML. It uses
 * tenant-edge's input handling and model, and the charts and constructs of tenant-edge 0.1
 * (scripts/naive/), which build every object through cdk8s's generated classes. Only the
 * rendering differs, and the baseline stays fixed while the product's constructs change.
 *
 * node build/scripts/naive-cdk8s.js --platform FILE --tenants DIR --out DIR
 */
import { App } from 'cdk8s';
import * as path from 'path';
import { parseArgs } from 'util';
import { PlatformChart } from './naive/platform-chart';
import { plan } from '../lib/commands/plan';
import { TenantChart } from './naive/tenant-chart';

function main(): void {
  const { values } = parseArgs({ options: { platform: { type: 'string' }, tenants: { type: 'string' }, out: { type: 'string' } } });
  if (!values.platform || !values.tenants || !values.out) {
    console.error('usage: naive-cdk8s --platform FILE --tenants DIR --out DIR');
    process.exit(2);
  }
  const { environments } = plan({ platformFile: values.platform, tenantsDir: values.tenants });
  for (const env of environments) {
    const app = new App({ outdir: path.join(values.out, env.name) });
    new PlatformChart(app, `${env.name}-platform`, { environment: env });
    for (const tenant of env.tenants) new TenantChart(app, `${env.name}-${tenant.name}`, { environment: env, tenant });
    app.synth();
  }
}

main();
