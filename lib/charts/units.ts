import { App } from 'cdk8s';
import { EnvironmentModel, TenantModel } from '../model/model';
import { PlatformChart } from './platform';
import { TenantChart } from './tenant';
import { TenantClusterChart } from './tenant-cluster';
import { TenantDnsChart } from './dns';

/**
 * One independently rendered part of an environment: a fresh cdk8s App with its chart(s). The
 * output layer renders a list of these without knowing what they hold, so a new part of the
 * output (a tenant cluster's tcp-proxy bundle, DNS delegation) is a new entry here and a chart.
 *
 * A unit's output depends on its `sources` and `facts` and nothing else (with the same
 * tenant-edge): an incremental synth renders a unit again only when one of them changed, so a
 * unit that reads other tenants' facts must list their files or state those facts.
 */
export interface RenderUnit {
  /** Unique in the environment and stable across runs, e.g. `platform` or `tenant/acme`. */
  readonly id: string;
  /** Spec files the unit is rendered from (names as in the model), for the generated-file header; the platform first. */
  readonly sources: readonly string[];
  /**
   * What else the output depends on, as text, for the incremental synth's key: facts derived from
   * other tenants' claims (whether the shared controller is used). @default none
   */
  readonly facts?: readonly string[];
  /** Adds the unit's charts to `app`. */
  build(app: App): void;
}

/** A tenant to render, whose model may be built only when the unit is rendered. */
export interface TenantToRender {
  readonly name: string;
  /** Its spec file's name, as TenantModel.file. */
  readonly file: string;
  model(): TenantModel;
}

/**
 * What an environment renders, in a fixed order: the platform part, then each tenant (by default
 * the environment's tenant models; an incremental synth passes tenants whose models it builds
 * only for the units it renders).
 */
export function environmentUnits(env: EnvironmentModel, tenants: readonly TenantToRender[] = env.tenants.map(eager)): RenderUnit[] {
  const units: RenderUnit[] = [
    {
      id: 'platform',
      sources: [env.platformFile],
      facts: [env.sharedController ? 'shared controller' : 'no shared controller'],
      build: (app) => new PlatformChart(app, `${env.name}-platform`, { environment: env }),
    },
  ];
  for (const tenant of tenants) {
    units.push({
      id: `tenant/${tenant.name}`,
      sources: [env.platformFile, tenant.file],
      build: (app) => {
        const model = tenant.model();
        new TenantChart(app, `${env.name}-${tenant.name}`, { environment: env, tenant: model });
        const cp = model.controlPlane;
        if (cp?.tcpProxy) new TenantClusterChart(app, `${env.name}-${tenant.name}-cluster`, { environment: env, tenant: model, namespace: cp.namespace, tcpProxy: cp.tcpProxy });
        if (model.zone && env.dns) new TenantDnsChart(app, `${env.name}-${tenant.name}-dns`, { environment: env, tenant: model, dns: env.dns, zone: model.zone });
      },
    });
  }
  return units;
}

function eager(t: TenantModel): TenantToRender {
  return { name: t.name, file: t.file, model: () => t };
}
