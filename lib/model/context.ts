import { ChartRef, FlavourPolicy } from '../flavours/policy';
import { Loaded } from '../input/load';
import { PathSegment } from '../input/problems';
import { Environment, Issuer, Platform, Tenant } from '../input/types';
import { AcmeIssuerModel, ControllerModel } from './model';
import { BUILTIN_RESERVED_NAMESPACES, BUILTIN_RESERVED_TENANT_NAMES } from './names';
import { AllowedAnnotations, allowedAnnotations } from './annotations';

/** The policy half of the flavour a platform names (flavours/registry.ts supplies it). */
export type PolicyLookup = (id: string) => FlavourPolicy;

/** Reports a problem at a path of the file a rule or builder is looking at. */
export type Report = (path: PathSegment[], message: string, atKey?: boolean) => void;

export const ACME_SERVERS: Record<string, string> = {
  production: 'https://acme-v02.api.letsencrypt.org/directory',
  staging: 'https://acme-staging-v02.api.letsencrypt.org/directory',
};

/**
 * What every rule and builder reads from platform.yaml, derived once: the environments and
 * issuers by name (the first of duplicates; rules/platform.ts reports the others), the flavour's
 * policy, and the names tenants may not take. It depends on platform.yaml alone, so a tenant's
 * rules and models depend on the platform and that tenant's own file only.
 */
export class PlatformContext {
  readonly spec: Platform['spec'];
  /** platform.yaml as the user reads it. */
  readonly file: string;
  /** platform.yaml's machine-independent name, for generated-file headers. */
  readonly name: string;
  readonly flavour: FlavourPolicy;
  readonly chart: ChartRef;
  readonly envByName = new Map<string, Environment>();
  /** The environments rendered, in the platform's order (duplicates left out). */
  readonly environments: readonly Environment[];
  readonly issuerByName = new Map<string, Issuer>();
  /** Issuer name to the environments it is rendered in. */
  readonly issuerEnvs = new Map<string, Set<string>>();
  readonly sharedNamespace: string;
  /** Namespaces no tenant may use. */
  readonly reserved: ReadonlySet<string>;
  /** IngressClass of the control planes' passthrough routes, when the platform has control planes and a class for them. */
  readonly controlPlaneClass?: string;
  readonly reservedTenantNames: ReadonlySet<string>;
  /** Base domain of the control-plane hostnames in `env`, when the platform has control planes. */
  controlPlaneDomain(env: Environment): string | undefined {
    return this.spec.controlPlanes ? (env.controlPlaneDomain ?? env.domain) : undefined;
  }

  /**
   * Address of the controller carrying passthrough in `env`: the platform's, or the shared
   * controller's static one when that controller carries it.
   */
  controlPlaneAddress(env: Environment): string | undefined {
    const cp = this.spec.controlPlanes;
    if (!cp) return undefined;
    if (env.controlPlaneAddress !== undefined) return env.controlPlaneAddress;
    const shared = cp.controller === 'nginx' && this.controlPlaneClass === this.spec.ingress.sharedClass && env.sharedIngress.enabled;
    return shared ? env.sharedIngress.loadBalancerIP : undefined;
  }

  /** The raw annotations tenants may set, by key. */
  readonly allowed: AllowedAnnotations;

  /** `report` receives the problems of platform.yaml met while deriving (the tenant annotation list). */
  constructor(platform: Loaded<Platform>, policies: PolicyLookup, report: Report) {
    const spec = platform.value.spec;
    this.spec = spec;
    this.file = platform.file;
    this.name = platform.name;
    this.flavour = policies(spec.ingress.controller);
    this.chart = { ...this.flavour.defaultChart, ...spec.ingress.chart };
    this.sharedNamespace = spec.ingress.sharedNamespace ?? this.flavour.defaultSharedNamespace;
    this.allowed = allowedAnnotations(this.flavour, spec, report);
    this.reservedTenantNames = new Set<string>([...BUILTIN_RESERVED_TENANT_NAMES, ...spec.reservedTenantNames]);
    this.reserved = new Set<string>([
      ...BUILTIN_RESERVED_NAMESPACES,
      ...spec.reservedNamespaces,
      spec.monitoring.certManagerNamespace,
      spec.flux.namespace,
      spec.flux.sourceRef.namespace ?? spec.flux.namespace,
      this.sharedNamespace,
      ...(spec.controlPlanes ? [spec.controlPlanes.namespace] : []),
      ...(spec.dns ? [spec.dns.namespace] : []),
    ]);
    const cp = spec.controlPlanes;
    this.controlPlaneClass = cp && (cp.className ?? (cp.controller === 'nginx' ? spec.ingress.sharedClass : cp.controller === 'haproxy' ? 'haproxy' : undefined));
    for (const env of spec.environments) if (!this.envByName.has(env.name)) this.envByName.set(env.name, env);
    this.environments = spec.environments.filter((e) => this.envByName.get(e.name) === e);
    const envNames = [...this.envByName.keys()];
    for (const issuer of spec.issuers) {
      if (this.issuerByName.has(issuer.name)) continue;
      this.issuerByName.set(issuer.name, issuer);
      this.issuerEnvs.set(issuer.name, new Set(issuer.environments ?? envNames));
    }
  }

  /** The namespaces of the platform's own parts, with whose they are: no other part may take one. */
  platformNamespaces(): [string, string][] {
    return [
      [this.spec.flux.namespace, 'Flux'],
      [this.sharedNamespace, 'the shared ingress controller'],
      [this.spec.monitoring.certManagerNamespace, 'cert-manager'],
    ];
  }

  /** Why issuer `name` cannot be used in environment `env`, or undefined when it can. */
  issuerProblem(name: string, env: string): string | undefined {
    if (!this.issuerByName.has(name)) {
      const known = [...this.issuerByName.keys()];
      return known.length === 0
        ? `issuer "${name}" is not defined: platform.yaml defines no issuers`
        : `issuer "${name}" is not defined; platform issuers: ${known.join(', ')}`;
    }
    const envs = this.issuerEnvs.get(name)!;
    if (!envs.has(env)) return `issuer "${name}" is not rendered in environment "${env}" (its environments: ${[...envs].join(', ')})`;
    return undefined;
  }

  /** True when the tenant has a controller of its own in `env`. */
  isDedicated(tenant: Tenant, env: string): boolean {
    return tenant.spec.overrides[env]?.ingress?.dedicated ?? tenant.spec.ingress.dedicated ?? this.envByName.get(env)!.dedicatedIngress;
  }

  /** What every controller of the platform shares. */
  controllerBase(): Pick<ControllerModel, 'chart' | 'repositoryName' | 'cloud' | 'resourceGroup' | 'serviceMonitorLabels'> {
    const lb = this.spec.ingress.loadBalancer;
    const mon = this.spec.monitoring;
    return {
      chart: this.chart,
      repositoryName: this.chart.name,
      cloud: lb.cloud,
      resourceGroup: lb.resourceGroup,
      serviceMonitorLabels: mon.enabled ? mon.ruleLabels : undefined,
    };
  }

  /** An ACME issuer; HTTP-01 solves through `http01Class`. */
  issuerModel(issuer: Issuer, http01Class: string, namespace?: string): AcmeIssuerModel {
    const acme = issuer.acme;
    const solver = acme.dns01 ? { dns01: { azureDNS: { ...acme.dns01.azureDNS } } } : { http01: { ingressClassName: http01Class } };
    return {
      name: issuer.name,
      namespace,
      server: ACME_SERVERS[acme.server] ?? acme.server,
      email: acme.email,
      solver,
    };
  }
}
