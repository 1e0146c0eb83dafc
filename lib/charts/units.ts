import { App } from 'cdk8s';
import { EnvironmentModel } from '../model/model';
import { PlatformChart } from './platform';
import { TenantChart } from './tenant';

/**
 * One independently rendered part of an environment: a fresh cdk8s App with its chart(s). The
 * output layer renders a list of these without knowing what they hold, so a new part of the
 * output (a tenant cluster's tcp-proxy bundle, DNS delegation) is a new entry here and a chart.
 */
export interface RenderUnit {
  /** Unique in the environment and stable across runs, e.g. `platform` or `tenant/acme`. */
  readonly id: string;
  /** Spec files the unit is rendered from, for the generated-file header; the platform first. */
  readonly sources: readonly string[];
  /** Adds the unit's charts to `app`. */
  build(app: App): void;
}

/** What an environment renders, in a fixed order: the platform part, then each tenant. */
export function environmentUnits(env: EnvironmentModel): RenderUnit[] {
  const units: RenderUnit[] = [
    {
      id: 'platform',
      sources: [env.platformFile],
      build: (app) => new PlatformChart(app, `${env.name}-platform`, { environment: env }),
    },
  ];
  for (const tenant of env.tenants) {
    units.push({
      id: `tenant/${tenant.name}`,
      sources: [env.platformFile, tenant.file],
      build: (app) => new TenantChart(app, `${env.name}-${tenant.name}`, { environment: env, tenant }),
    });
  }
  return units;
}
