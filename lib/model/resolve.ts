import { isIP } from 'net';
import { ChartRef, FlavourPolicy } from '../flavours/policy';
import { AnnotationRule, oneOf, quoted, safeValueProblem, wholeValue } from '../flavours/annotation-policy';
import { Loaded } from '../input/load';
import { inputSchema } from '../input/schema';
import { PathSegment, Problem, uniqueProblems } from '../input/problems';
import { Environment, Issuer, Platform, Route, Tenant } from '../input/types';
import { SourceLocator } from '../input/yaml-source';
import {
  AcmeIssuerModel,
  CertificateModel,
  ControllerModel,
  EnvironmentModel,
  FluxModel,
  IssuerRef,
  MonitoringModel,
  RouteModel,
  RouteTls,
  TenantModel,
} from './model';
import { BUILTIN_RESERVED_NAMESPACES, BUILTIN_RESERVED_TENANT_NAMES, LIMITS, longestTenantDerivedName, MANAGED_BY, names, TENANT_LABEL } from './names';

export const ACME_SERVERS: Record<string, string> = {
  production: 'https://acme-v02.api.letsencrypt.org/directory',
  staging: 'https://acme-staging-v02.api.letsencrypt.org/directory',
};

const DEFAULT_DEDICATED_REPLICAS = 2;

/** Labels tenant-edge puts on what it renders; no platform setting may set them to something else. */
const OWN_LABELS: readonly string[] = [...Object.keys(MANAGED_BY), TENANT_LABEL];

export interface Resolution {
  readonly environments: EnvironmentModel[];
  readonly problems: Problem[];
  /** One-line notices for the user (not problems), e.g. a retired controller. */
  readonly notices: string[];
}

/**
 * Checks every rule that spans fields or files and builds one model per environment.
 * Problems are collected, never thrown: the caller reports them all at once.
 */
export function resolve(platform: Loaded<Platform>, tenants: readonly Loaded<Tenant>[], policies: PolicyLookup): Resolution {
  return new Resolver(platform, tenants, policies).run();
}

/** The policy half of the flavour a platform names (flavours/registry.ts supplies it). */
export type PolicyLookup = (id: string) => FlavourPolicy;

/** Where a value came from, so a problem about it points at the right line. */
interface Origin {
  readonly source: SourceLocator;
  readonly path: PathSegment[];
}

/**
 * The issuer of a tenant's certificates in one environment: none named anywhere, named but
 * unusable (already reported where the name is written), or usable.
 */
type IssuerChoice =
  | { readonly status: 'unnamed' }
  | { readonly status: 'invalid' }
  | { readonly status: 'ok'; readonly ref: IssuerRef; readonly issuer: Issuer; readonly local?: AcmeIssuerModel };

/** Per-tenant facts that do not depend on the environment. */
interface TenantFacts {
  readonly loaded: Loaded<Tenant>;
  readonly name: string;
  readonly namespace: string;
  readonly environments: string[];
  /** Secrets tenant-edge derives in the tenant's namespace, with what writes each. */
  readonly derivedSecrets: ReadonlyMap<string, string>;
  /** Indexes of spec.extraDomains that are the tenant's to claim (the others are reported). */
  readonly claimableExtraDomains: readonly number[];
}

class Resolver {
  private readonly problems: Problem[] = [];
  private readonly spec: Platform['spec'];
  private readonly psrc: SourceLocator;
  private readonly flavour: FlavourPolicy;
  private readonly chart: ChartRef;
  private readonly envByName = new Map<string, Environment>();
  private readonly issuerByName = new Map<string, Issuer>();
  /** Issuer name to the environments it is rendered in. */
  private readonly issuerEnvs = new Map<string, Set<string>>();
  private readonly sharedNamespace: string;
  private readonly reserved: Set<string>;
  private readonly reservedTenantNames: ReadonlySet<string>;
  private readonly allowed: AllowedAnnotations;

  constructor(
    private readonly platform: Loaded<Platform>,
    private readonly tenants: readonly Loaded<Tenant>[],
    policies: PolicyLookup,
  ) {
    this.spec = platform.value.spec;
    this.psrc = platform.source;
    this.flavour = policies(this.spec.ingress.controller);
    this.chart = { ...this.flavour.defaultChart, ...this.spec.ingress.chart };
    this.sharedNamespace = this.spec.ingress.sharedNamespace ?? this.flavour.defaultSharedNamespace;
    this.allowed = allowedAnnotations(this.flavour, this.spec, (path, message) => this.report(this.psrc, path, message));
    this.reservedTenantNames = new Set<string>([...BUILTIN_RESERVED_TENANT_NAMES, ...this.spec.reservedTenantNames]);
    this.reserved = new Set<string>([
      ...BUILTIN_RESERVED_NAMESPACES,
      ...this.spec.reservedNamespaces,
      this.spec.monitoring.certManagerNamespace,
      this.spec.flux.namespace,
      this.spec.flux.sourceRef.namespace ?? this.spec.flux.namespace,
      this.sharedNamespace,
    ]);
  }

  run(): Resolution {
    this.checkPlatform();
    const facts = this.tenants.map((t) => this.checkTenant(t));
    this.checkNamespacesUnique(facts);

    const environments: EnvironmentModel[] = [];
    for (const env of this.spec.environments) {
      if (this.envByName.get(env.name) !== env) continue; // a duplicate, already reported
      const present = facts.filter((f) => f.environments.includes(env.name));
      const owners = this.checkDomainsDisjoint(env, present);
      const models = present.map((f) => this.resolveTenant(f, env, owners)).filter((m): m is TenantModel => m !== undefined);
      this.checkStaticAddresses(env, present);
      environments.push(this.environmentModel(env, models));
    }
    return {
      environments,
      problems: uniqueProblems(this.problems),
      notices: [
        ...(this.flavour.notice ? [this.flavour.notice] : []),
        ...(this.spec.tenantNamespacePrefix === ''
          ? [`notice: ${this.platform.file} sets no spec.tenantNamespacePrefix, so only the reserved names keep tenants out of other teams' namespaces; set one (a namespace rename for existing tenants)`]
          : []),
      ],
    };
  }

  // ---------------------------------------------------------------- platform

  private checkPlatform(): void {
    const spec = this.spec;
    forEachDuplicate(spec.environments.map((e) => e.name), (i, first) =>
      this.report(this.psrc, ['spec', 'environments', i, 'name'], `duplicate environment "${spec.environments[i].name}" (first at spec.environments[${first}])`),
    );
    for (const env of spec.environments) if (!this.envByName.has(env.name)) this.envByName.set(env.name, env);
    const envNames = [...this.envByName.keys()];

    forEachDuplicate(spec.issuers.map((i) => i.name), (i, first) =>
      this.report(this.psrc, ['spec', 'issuers', i, 'name'], `duplicate issuer "${spec.issuers[i].name}" (first at spec.issuers[${first}])`),
    );
    spec.issuers.forEach((issuer, i) => {
      if (!this.issuerByName.has(issuer.name)) this.issuerByName.set(issuer.name, issuer);
      const at: PathSegment[] = ['spec', 'issuers', i];
      const solvers = [issuer.acme.http01 && 'http01', issuer.acme.dns01 && 'dns01'].filter(Boolean);
      if (solvers.length !== 1) {
        this.report(this.psrc, [...at, 'acme'], `set exactly one solver, http01 or dns01 (got ${solvers.length === 0 ? 'none' : 'both'})`);
      }
      (issuer.environments ?? []).forEach((e, j) => {
        if (!this.envByName.has(e)) {
          this.report(this.psrc, [...at, 'environments', j], `unknown environment "${e}"; environments: ${envNames.join(', ')}`);
        }
      });
      if (this.issuerByName.get(issuer.name) === issuer) this.issuerEnvs.set(issuer.name, new Set(issuer.environments ?? envNames));
    });

    spec.environments.forEach((env, i) => {
      if (env.issuer !== undefined) {
        const why = this.issuerProblem(env.issuer, env.name);
        if (why) this.report(this.psrc, ['spec', 'environments', i, 'issuer'], why);
      }
      this.checkAddress(this.psrc, ['spec', 'environments', i, 'sharedIngress', 'loadBalancerIP'], env.sharedIngress.loadBalancerIP);
      if (env.sharedIngress.loadBalancerIP && !env.sharedIngress.enabled) {
        this.report(this.psrc, ['spec', 'environments', i, 'sharedIngress', 'loadBalancerIP'], 'the shared controller is disabled (enabled: false), so it has no address to set');
      }
    });

    // The rule labels land on tenants' PrometheusRules and the controllers' ServiceMonitors, beside
    // the labels tenant-edge owns: the shared controller's webhook selects on managed-by, and Flux
    // reads the tenant label.
    for (const key of Object.keys(spec.monitoring.ruleLabels)) {
      if (OWN_LABELS.includes(key)) {
        this.report(this.psrc, ['spec', 'monitoring', 'ruleLabels', key], `"${key}" is a label tenant-edge sets itself; choose another key`, true);
      }
    }
  }

  /** A static address must be an IPv4 or IPv6 address (the schema's pattern only shapes it). */
  private checkAddress(source: SourceLocator, at: PathSegment[], ip: string | undefined): void {
    if (ip !== undefined && canonicalAddress(ip) === undefined) {
      this.report(source, at, `"${ip}" is not an IPv4 or IPv6 address`);
    }
  }

  /** Why `name` cannot be used in environment `env`, or undefined when it can. */
  private issuerProblem(name: string, env: string): string | undefined {
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

  // ---------------------------------------------------------------- tenants

  private checkTenant(loaded: Loaded<Tenant>): TenantFacts {
    const { source, value } = loaded;
    const spec = value.spec;
    const name = value.metadata.name;
    const allEnvs = [...this.envByName.keys()];

    const environments: string[] = [];
    if (spec.environments) {
      spec.environments.forEach((e, i) => {
        if (this.envByName.has(e)) environments.push(e);
        else this.report(source, ['spec', 'environments', i], `unknown environment "${e}"; platform environments: ${allEnvs.join(', ')}`);
      });
    } else {
      environments.push(...allEnvs);
    }
    for (const key of Object.keys(spec.overrides)) {
      if (!environments.includes(key)) {
        this.report(source, ['spec', 'overrides', key], `"${key}" is not one of the tenant's environments (${environments.join(', ')})`, true);
      }
    }

    if (this.reservedTenantNames.has(name)) {
      this.report(source, ['metadata', 'name'], `tenant name "${name}" is reserved for the platform: the tenant's domain would be ${name}.<environment domain>; choose another name`);
    }
    // The platform's prefix is the allow-list: a tenant namespace always starts with it, so no
    // tenant can adopt a namespace the platform or another team created. The reserved names
    // stay as a second line, and the only one without a prefix.
    const prefix = this.spec.tenantNamespacePrefix;
    const namespace = spec.namespace ?? `${prefix}${name}`;
    const nsPath: PathSegment[] = spec.namespace !== undefined ? ['spec', 'namespace'] : ['metadata', 'name'];
    if (!namespace.startsWith(prefix)) {
      this.report(source, nsPath, `namespace "${namespace}" does not start with "${prefix}", which the platform requires of tenant namespaces (spec.tenantNamespacePrefix in ${this.platform.file})`);
    } else if (namespace.length > LIMITS.label) {
      this.report(source, nsPath, `namespace "${namespace}" has ${namespace.length} characters, over the ${LIMITS.label} a namespace may have`);
    } else if (this.reserved.has(namespace) || namespace.startsWith('kube-')) {
      this.report(source, nsPath, `namespace "${namespace}" is reserved for the platform; set spec.namespace to another name`);
    }

    this.checkAddress(source, ['spec', 'ingress', 'loadBalancerIP'], spec.ingress.loadBalancerIP);
    for (const [env, ov] of Object.entries(spec.overrides)) {
      this.checkAddress(source, ['spec', 'overrides', env, 'ingress', 'loadBalancerIP'], ov.ingress?.loadBalancerIP);
    }
    this.checkRoutes(loaded, environments);
    this.checkDeadIngressSettings(loaded, environments);
    // Whether a name belongs to the platform does not depend on the environment: judged once.
    const claimableExtraDomains = spec.extraDomains
      .map((d, i) => (this.platformClaimProblem(name, d, { source, path: ['spec', 'extraDomains', i] }, 'extra domain') === undefined ? i : -1))
      .filter((i) => i >= 0);
    return { loaded, name, namespace, environments, derivedSecrets: derivedSecretNames(value, this.spec.issuers.map((i) => i.name)), claimableExtraDomains };
  }

  private checkRoutes(loaded: Loaded<Tenant>, environments: string[]): void {
    checkRoutes(loaded, this.flavour, this.allowed, environments, (path, message, atKey) => this.report(loaded.source, path, message, atKey));
  }

  /** Ingress settings that apply in no environment are mistakes, not preferences. */
  private checkDeadIngressSettings(loaded: Loaded<Tenant>, environments: string[]): void {
    const { source, value } = loaded;
    const spec = value.spec;
    const dedicatedIn = environments.filter((e) => this.isDedicated(value, e));
    for (const key of ['loadBalancerIP', 'replicas'] as const) {
      if (spec.ingress[key] !== undefined && dedicatedIn.length === 0) {
        this.report(source, ['spec', 'ingress', key], `applies only to a dedicated controller, and the tenant has none in ${environments.join(', ')}; set ingress.dedicated: true or remove it`);
      }
      for (const [env, ov] of Object.entries(spec.overrides)) {
        if (ov.ingress?.[key] !== undefined && environments.includes(env) && !dedicatedIn.includes(env)) {
          this.report(source, ['spec', 'overrides', env, 'ingress', key], `applies only to a dedicated controller, and the tenant has none in ${env}`);
        }
      }
    }
    if (dedicatedIn.length > 0) {
      const release = this.flavour.dedicatedReleaseName(value.metadata.name);
      if (release.length > this.flavour.maxReleaseNameLength) {
        const room = this.flavour.maxReleaseNameLength - release.length + value.metadata.name.length;
        this.report(source, ['metadata', 'name'], `too long for a dedicated controller: its Helm release "${release}" would have ${release.length} characters and the ${this.chart.name} chart copes with ${this.flavour.maxReleaseNameLength}; use at most ${room} characters`);
      }
      const cls = this.flavour.dedicatedClassName(value.metadata.name);
      if (cls === this.spec.ingress.sharedClass) {
        this.report(source, ['metadata', 'name'], `the dedicated IngressClass "${cls}" would collide with the shared class; rename the tenant or platform.spec.ingress.sharedClass`);
      }
    }
  }

  private isDedicated(tenant: Tenant, env: string): boolean {
    return tenant.spec.overrides[env]?.ingress?.dedicated ?? tenant.spec.ingress.dedicated ?? this.envByName.get(env)!.dedicatedIngress;
  }

  private checkNamespacesUnique(facts: TenantFacts[]): void {
    const owner = new Map<string, TenantFacts>();
    for (const f of facts) {
      const other = owner.get(f.namespace);
      if (other) {
        const at: PathSegment[] = f.loaded.value.spec.namespace !== undefined ? ['spec', 'namespace'] : ['metadata', 'name'];
        this.report(f.loaded.source, at, `namespace "${f.namespace}" is already used by tenant "${other.name}" (${other.loaded.file})`);
      } else {
        owner.set(f.namespace, f);
      }
    }
  }

  // ---------------------------------------------------------------- per environment

  private tenantDomain(f: TenantFacts, env: Environment): { domain: string; origin: Origin } {
    const { source, value } = f.loaded;
    const override = value.spec.overrides[env.name]?.domain;
    if (override !== undefined) return { domain: override, origin: { source, path: ['spec', 'overrides', env.name, 'domain'] } };
    return { domain: `${f.name}.${env.domain}`, origin: { source, path: ['metadata', 'name'] } };
  }

  private resolveTenant(f: TenantFacts, env: Environment, owners: Map<string, TenantFacts>): TenantModel | undefined {
    const { source, value } = f.loaded;
    const spec = value.spec;
    const override = spec.overrides[env.name] ?? {};
    const before = this.problems.length;
    const { domain } = this.tenantDomain(f, env);
    const domains = [domain, ...spec.extraDomains];

    const dedicated = this.isDedicated(value, env.name);
    if (!dedicated && !env.sharedIngress.enabled) {
      const at: PathSegment[] = override.ingress?.dedicated !== undefined ? ['spec', 'overrides', env.name, 'ingress', 'dedicated'] : ['spec', 'ingress', 'dedicated'];
      this.report(source, at, `environment "${env.name}" has no shared controller (sharedIngress.enabled: false); the tenant needs ingress.dedicated: true there`);
    }
    const controller = dedicated ? this.dedicatedController(f, env) : undefined;
    const className = controller ? controller.className : this.spec.ingress.sharedClass;

    const issuer = this.tenantIssuer(f, env, controller);
    const routes: RouteModel[] = [];
    const certificates = new CertificateCollector((path, message) => this.report(source, path, message));
    const claimed = new Map<string, string>();
    spec.routes.forEach((route, i) => {
      if (route.environments && !route.environments.includes(env.name)) return;
      const at: PathSegment[] = ['spec', 'routes', i];
      const hosts = route.hosts.map((ref, j) => {
        const host = qualify(ref, domain);
        const bare = host.startsWith('*.') ? host.slice(2) : host;
        if (isIP(bare) !== 0) {
          this.report(source, [...at, 'hosts', j], `"${host}" is an IP address; an Ingress host must be a DNS name`);
          return host;
        }
        if (host.length > 253) {
          this.report(source, [...at, 'hosts', j], `"${host}" has ${host.length} characters, over the 253 a host name may have`);
          return host;
        }
        if (!domains.some((d) => inDomain(host, d))) {
          const owner = ownerOf(host, owners);
          const why = owner && owner.name !== f.name ? `it belongs to tenant "${owner.name}" (${owner.loaded.file})` : 'add its domain to spec.extraDomains if the tenant owns it';
          this.report(source, [...at, 'hosts', j], `"${host}" is outside the tenant's domains in environment "${env.name}" (${domains.join(', ')}); ${why}`);
        }
        return host;
      });
      for (const host of hosts) {
        route.paths.forEach((p, j) => {
          const key = `${host}${p.path}`;
          const first = claimed.get(key);
          if (first && first !== route.name) {
            this.report(source, [...at, 'paths', j, 'path'], `"${p.path}" on host "${host}" is already routed by route "${first}"`);
          }
          claimed.set(key, route.name);
        });
      }
      const tls = this.routeTls(f, env, route, at, hosts, issuer, certificates);
      routes.push({
        kind: 'http',
        name: route.name,
        hosts,
        tls,
        paths: route.paths.map((p) => ({ path: p.path, pathType: p.pathType, service: p.service, port: p.port })),
        options: route.options,
        annotations: route.annotations,
      });
    });
    this.checkPlainHttpOnTlsHosts(source, env, spec.routes, routes);
    if (this.problems.length > before) return undefined;

    return {
      name: f.name,
      file: f.loaded.name,
      namespace: f.namespace,
      domain,
      className,
      controller,
      issuers: issuer?.status === 'ok' && issuer.local ? [issuer.local] : [],
      routes,
      certificates: certificates.models(),
    };
  }

  /**
   * ingress-nginx serves every Ingress of a host from one server block, and once any of them gives
   * the host TLS, plain-HTTP requests for every path of that host are redirected to HTTPS unless
   * the path's own Ingress says ssl-redirect: "false". A tls: none route on such a host would
   * never be served over HTTP, so it must say so with options.sslRedirect: false.
   */
  private checkPlainHttpOnTlsHosts(source: SourceLocator, env: Environment, specs: readonly Route[], routes: readonly RouteModel[]): void {
    const tlsHosts = new Set(routes.filter((r) => r.tls.mode !== 'none').flatMap((r) => r.hosts));
    for (const r of routes) {
      if (r.tls.mode !== 'none' || r.options.sslRedirect === false) continue;
      const shared = r.hosts.filter((h) => tlsHosts.has(h));
      if (shared.length === 0) continue;
      const i = specs.findIndex((spec) => spec.name === r.name);
      this.report(
        source,
        ['spec', 'routes', i, 'tls'],
        `tls: none on ${shared.map((h) => `"${h}"`).join(', ')}, which another route serves with TLS in environment "${env.name}": ingress-nginx redirects every plain-HTTP request for a TLS host to HTTPS, so this route would only be reached over HTTPS; set options.sslRedirect: false to serve it over plain HTTP, or give it TLS`,
      );
    }
  }

  private dedicatedController(f: TenantFacts, env: Environment): ControllerModel {
    const spec = f.loaded.value.spec;
    const ov = spec.overrides[env.name]?.ingress ?? {};
    return {
      ...this.controllerBase(),
      namespace: f.namespace,
      releaseName: this.flavour.dedicatedReleaseName(f.name),
      className: this.flavour.dedicatedClassName(f.name),
      controllerValue: this.flavour.dedicatedControllerValue(f.name),
      replicas: ov.replicas ?? spec.ingress.replicas ?? DEFAULT_DEDICATED_REPLICAS,
      namespaced: true,
      loadBalancerIP: canonicalAddress(ov.loadBalancerIP ?? spec.ingress.loadBalancerIP),
    };
  }

  private controllerBase(): Pick<ControllerModel, 'chart' | 'repositoryName' | 'cloud' | 'resourceGroup' | 'serviceMonitorLabels'> {
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

  /**
   * The issuer a tenant's certificates use in one environment. HTTP-01 through a dedicated
   * controller needs a namespaced Issuer whose solver uses the tenant's own class: the shared
   * controller does not receive traffic for the tenant's hosts.
   */
  private tenantIssuer(f: TenantFacts, env: Environment, controller: ControllerModel | undefined): IssuerChoice | undefined {
    const { source, value } = f.loaded;
    const needs = value.spec.routes.some((r) => r.tls === 'certManager' && (!r.environments || r.environments.includes(env.name)));
    if (!needs) return undefined;
    const fromOverride = value.spec.overrides[env.name]?.tls?.issuer;
    const own = value.spec.tls.issuer;
    const name = fromOverride ?? own ?? env.issuer;
    if (name === undefined) return { status: 'unnamed' };
    const why = this.issuerProblem(name, env.name);
    if (why) {
      // A bad environment issuer was reported in the platform file already.
      if (fromOverride !== undefined) this.report(source, ['spec', 'overrides', env.name, 'tls', 'issuer'], why);
      else if (own !== undefined) this.report(source, ['spec', 'tls', 'issuer'], why);
      return { status: 'invalid' };
    }
    const issuer = this.issuerByName.get(name)!;
    if (issuer.acme.http01 && controller) {
      const local = this.issuerModel(issuer, controller.className, f.namespace);
      return { status: 'ok', ref: { kind: 'Issuer', name }, issuer, local };
    }
    return { status: 'ok', ref: { kind: 'ClusterIssuer', name }, issuer };
  }

  private routeTls(
    f: TenantFacts,
    env: Environment,
    route: Route,
    at: PathSegment[],
    hosts: string[],
    choice: IssuerChoice | undefined,
    certificates: CertificateCollector,
  ): RouteTls {
    const source = f.loaded.source;
    if (route.tls === 'none') return { mode: 'none' };
    if (typeof route.tls === 'object' && 'secretName' in route.tls) {
      const owner = f.derivedSecrets.get(route.tls.secretName);
      if (owner !== undefined) {
        this.report(source, [...at, 'tls', 'secretName'], `"${route.tls.secretName}" is the Secret that ${owner} writes; name another Secret`);
      }
      return { mode: 'secret', secretName: route.tls.secretName };
    }
    const name = ownsCertificate(f.loaded.value, route) ? names.certificate(route.name) : names.tenantCertificate;
    if (choice?.status !== 'ok') {
      if (choice?.status === 'unnamed') {
        this.report(source, [...at, 'tls'], `needs an issuer in environment "${env.name}": set spec.tls.issuer (or spec.overrides.${env.name}.tls.issuer), or give the environment an issuer in ${this.platform.file}`);
      }
      // The model is discarded: the tenant has a problem on record.
      return { mode: 'certManager', secretName: name };
    }
    const acme = choice.issuer.acme;
    // An issuer with both solvers or none is reported on the issuer; its hosts are not judged.
    const solvable = !acme.http01 !== !acme.dns01;
    hosts.forEach((h, j) => {
      if (!solvable) return;
      if (acme.http01 && h.startsWith('*.')) {
        this.report(source, [...at, 'hosts', j], `wildcard "${h}" needs a DNS-01 issuer; "${choice.ref.name}" solves HTTP-01`);
      }
      const zone = acme.dns01?.azureDNS.hostedZoneName;
      if (zone !== undefined && !inDomain(h, zone)) {
        this.report(
          source,
          [...at, 'hosts', j],
          `"${h}" is outside the DNS zone "${zone}" where issuer "${choice.ref.name}" answers DNS-01 challenges: cert-manager would write the challenge record into that zone under a name no resolver asks for, and the certificate would never be issued; use an issuer for the host's zone (spec.tls.issuer) or tls: {secretName: <existing secret>}`,
        );
      }
    });
    certificates.add(name, hosts, choice.ref, [...at, 'hosts']);
    return { mode: 'certManager', secretName: name };
  }

  /**
   * Domains claimed in one environment must not be equal or nested. Default domains are claimed
   * first, so a conflict lands on the tenant that wrote the explicit claim. Returns the owners.
   */
  private checkDomainsDisjoint(env: Environment, present: TenantFacts[]): Map<string, TenantFacts> {
    interface Claim { tenant: TenantFacts; origin: Origin }
    const defaults: { domain: string; claim: Claim }[] = [];
    const explicit: { domain: string; claim: Claim }[] = [];
    for (const f of present) {
      const { domain, origin } = this.tenantDomain(f, env);
      const isDefault = f.loaded.value.spec.overrides[env.name]?.domain === undefined;
      if (isDefault ? this.defaultDomainProblem(domain, origin) === undefined : this.platformClaimProblem(f.name, domain, origin, 'domain') === undefined) {
        (isDefault ? defaults : explicit).push({ domain, claim: { tenant: f, origin } });
      }
      for (const i of f.claimableExtraDomains) {
        const claim = { tenant: f, origin: { source: f.loaded.source, path: ['spec', 'extraDomains', i] } };
        explicit.push({ domain: f.loaded.value.spec.extraDomains[i], claim });
      }
    }
    const claims = [...defaults, ...explicit];
    const owner = new Map<string, Claim>();
    for (const { domain, claim } of claims) {
      const other = owner.get(domain);
      if (other && other.tenant !== claim.tenant) {
        this.report(claim.origin.source, claim.origin.path, `domain "${domain}" is already claimed by tenant "${other.tenant.name}" in environment "${env.name}" (${other.tenant.loaded.file})`);
      } else if (!other) {
        owner.set(domain, claim);
      }
    }
    // A nested claim is reported on both sides: either tenant's file may hold the mistake.
    for (const { domain, claim } of claims) {
      for (let parent = parentDomain(domain); parent; parent = parentDomain(parent)) {
        const other = owner.get(parent);
        if (other && other.tenant !== claim.tenant) {
          this.report(claim.origin.source, claim.origin.path, `domain "${domain}" lies inside "${parent}", claimed by tenant "${other.tenant.name}" in environment "${env.name}" (${other.tenant.loaded.file})`);
          this.report(other.origin.source, other.origin.path, `domain "${parent}" contains "${domain}", claimed by tenant "${claim.tenant.name}" in environment "${env.name}" (${claim.tenant.loaded.file})`);
          break;
        }
      }
    }
    return new Map([...owner].map(([d, c]) => [d, c.tenant]));
  }

  /**
   * Names under an environment domain belong to the platform, except each tenant's own part,
   * <tenant>.<environment domain>: a tenant may not claim the apex, a sibling such as
   * www.<environment domain>, or a parent of an environment domain, in any environment.
   * Reports and returns the problem, or returns undefined when the claim is the tenant's to make.
   */
  private platformClaimProblem(tenant: string, claim: string, origin: Origin, what: string): string | undefined {
    for (const env of this.envByName.values()) {
      const own = `${tenant}.${env.domain}`;
      let why: string | undefined;
      if (inDomain(env.domain, claim)) {
        why = `${what} "${claim}" contains the domain of environment "${env.name}" (${env.domain}); a tenant may claim only its own part, ${own}`;
      } else if (inDomain(claim, env.domain) && !inDomain(claim, own)) {
        why = `${what} "${claim}" lies under the domain of environment "${env.name}" (${env.domain}), whose names belong to the platform; a tenant may claim only its own part, ${own}`;
      } else if (what === 'extra domain' && inDomain(claim, own)) {
        why = `${what} "${claim}" lies inside the tenant's own domain in environment "${env.name}" (${own}), which it has already; remove it`;
      }
      if (why) {
        this.report(origin.source, origin.path, why);
        return why;
      }
    }
    return undefined;
  }

  /** A tenant's default domain, <tenant>.<environment domain>, must not be or hold another environment's domain. */
  private defaultDomainProblem(domain: string, origin: Origin): string | undefined {
    for (const env of this.envByName.values()) {
      if (inDomain(env.domain, domain)) {
        const why = `the tenant's domain "${domain}" is (or contains) the domain of environment "${env.name}" (${env.domain}); rename the tenant`;
        this.report(origin.source, origin.path, why);
        return why;
      }
    }
    return undefined;
  }

  private checkStaticAddresses(env: Environment, present: TenantFacts[]): void {
    // Compared in canonical form: 2001:DB8::1 and 2001:db8:0::1 are one address.
    const owner = new Map<string, string>();
    const shared = env.sharedIngress.enabled ? canonicalAddress(env.sharedIngress.loadBalancerIP) : undefined;
    if (shared) owner.set(shared, 'the shared controller');
    for (const f of present) {
      const spec = f.loaded.value.spec;
      if (!this.isDedicated(f.loaded.value, env.name)) continue;
      const fromOverride = spec.overrides[env.name]?.ingress?.loadBalancerIP;
      const written = fromOverride ?? spec.ingress.loadBalancerIP;
      const ip = canonicalAddress(written);
      if (!ip) continue;
      const other = owner.get(ip);
      if (other) {
        const at: PathSegment[] = fromOverride ? ['spec', 'overrides', env.name, 'ingress', 'loadBalancerIP'] : ['spec', 'ingress', 'loadBalancerIP'];
        this.report(f.loaded.source, at, `address ${written} is already used by ${other} in environment "${env.name}"${written === ip ? '' : ` (both are ${ip})`}`);
      } else {
        owner.set(ip, `tenant "${f.name}"`);
      }
    }
  }

  // ---------------------------------------------------------------- models

  private issuerModel(issuer: Issuer, http01Class: string, namespace?: string): AcmeIssuerModel {
    const acme = issuer.acme;
    const solver = acme.dns01
      ? { dns01: { azureDNS: { ...acme.dns01.azureDNS } } }
      : { http01: { ingressClassName: http01Class } };
    return {
      name: issuer.name,
      namespace,
      server: ACME_SERVERS[acme.server] ?? acme.server,
      email: acme.email,
      solver,
    };
  }

  private environmentModel(env: Environment, tenants: TenantModel[]): EnvironmentModel {
    const spec = this.spec;
    const flux: FluxModel = {
      namespace: spec.flux.namespace,
      sourceRef: {
        kind: spec.flux.sourceRef.kind,
        name: spec.flux.sourceRef.name,
        namespace: spec.flux.sourceRef.namespace ?? spec.flux.namespace,
      },
      kustomizeServiceAccount: spec.flux.serviceAccounts.kustomize,
      helmServiceAccount: spec.flux.serviceAccounts.helm,
      envPath: `${spec.flux.path.replace(/\/+$/, '')}/${env.name}`,
      interval: spec.flux.interval,
      timeout: spec.flux.timeout,
      retryInterval: spec.flux.retryInterval,
    };
    const monitoring: MonitoringModel = { ...spec.monitoring };
    const issuers = spec.issuers
      .filter((i) => this.issuerByName.get(i.name) === i && this.issuerEnvs.get(i.name)!.has(env.name))
      .map((i) => this.issuerModel(i, i.acme.http01?.ingressClassName ?? spec.ingress.sharedClass))
      .sort((a, b) => (a.name < b.name ? -1 : 1));
    const sharedController: ControllerModel | undefined = env.sharedIngress.enabled
      ? {
          ...this.controllerBase(),
          namespace: this.sharedNamespace,
          releaseName: this.flavour.sharedReleaseName,
          className: spec.ingress.sharedClass,
          controllerValue: this.flavour.sharedControllerValue,
          replicas: env.sharedIngress.replicas,
          namespaced: false,
          loadBalancerIP: canonicalAddress(env.sharedIngress.loadBalancerIP),
        }
      : undefined;
    return {
      name: env.name,
      domain: env.domain,
      flavour: this.flavour,
      platformFile: this.platform.name,
      flux,
      monitoring,
      issuers,
      repositories: [{ name: this.chart.name, url: this.chart.repository }],
      sharedController,
      tenants,
    };
  }

  private report(source: SourceLocator, path: PathSegment[], message: string, atKey = false): void {
    this.problems.push(source.problem(path, message, atKey));
  }
}

type Report = (path: PathSegment[], message: string, atKey?: boolean) => void;

/**
 * Rules that concern one tenant's routes alone. `environments` is undefined when the platform
 * could not be read; the environment references are then left unchecked.
 */
function checkRoutes(loaded: Loaded<Tenant>, flavour: FlavourPolicy, allowed: AllowedAnnotations, environments: string[] | undefined, report: Report): void {
  const { value } = loaded;
  const name = value.metadata.name;
  const kustomization = longestTenantDerivedName(name);
  if (kustomization.length > LIMITS.label) {
    report(['metadata', 'name'], `too long: the Flux Kustomization "${kustomization}" would have ${kustomization.length} characters, over the ${LIMITS.label} Kubernetes allows in labels; use at most ${LIMITS.label - kustomization.length + name.length} characters`);
  }
  const routes = value.spec.routes;
  forEachDuplicate(routes.map((r) => r.name), (i, first) =>
    report(['spec', 'routes', i, 'name'], `duplicate route "${routes[i].name}" (first at spec.routes[${first}])`),
  );
  routes.forEach((route, i) => {
    const at: PathSegment[] = ['spec', 'routes', i];
    const certificate = names.certificate(route.name);
    if (certificate.length > LIMITS.label) {
      report([...at, 'name'], `too long: its Certificate "${certificate}" would have ${certificate.length} characters, and cert-manager copies that name into ${LIMITS.label}-character labels; use at most ${LIMITS.label - certificate.length + route.name.length}`);
    }
    if (environments) {
      (route.environments ?? []).forEach((e, j) => {
        if (!environments.includes(e)) report([...at, 'environments', j], `"${e}" is not one of the tenant's environments (${environments.join(', ')})`);
      });
    }
    checkRouteOptions(route, at, flavour, allowed, report);
  });
}

/** The raw annotations tenants may set, by key. */
type AllowedAnnotations = ReadonlyMap<string, AnnotationRule>;

function checkRouteOptions(route: Route, at: PathSegment[], flavour: FlavourPolicy, allowed: AllowedAnnotations, report: Report): void {
  const options = route.options;
  route.paths.forEach((p, j) => {
    const why = flavour.refusePath(p.path, p.pathType, options);
    if (why) report([...at, 'paths', j, 'path'], why);
  });
  forEachDuplicate(route.paths.map((p) => p.path), (j) =>
    report([...at, 'paths', j, 'path'], `path "${route.paths[j].path}" is listed twice in this route`),
  );
  const cors = options.cors;
  if (cors?.allowCredentials && cors.allowOrigins.includes('*')) {
    report([...at, 'options', 'cors', 'allowCredentials'], 'browsers refuse credentials with origin "*"; list the allowed origins instead');
  }
  const managed = new Map(Object.entries(flavour.routeAnnotations(options)));
  // The options' values are typed, but they reach the proxy too: the same rules apply.
  for (const [key, value] of managed) {
    const why = safeValueProblem(value, flavour.valueBlocklist);
    if (why) report([...at, 'options'], `renders ${key}: ${quoted(value)}, which ${why}`);
  }
  for (const [key, value] of Object.entries(route.annotations)) {
    const floor = flavour.refuseAnnotation(key);
    if (floor) {
      report([...at, 'annotations', key], `${key} is never allowed: ${floor}`, true);
    } else if (managed.has(key)) {
      report([...at, 'annotations', key], 'also set by the route\'s options; keep only the option', true);
    } else {
      const rule = allowed.get(key);
      if (!rule) {
        const keys = [...allowed.keys()].sort();
        report([...at, 'annotations', key], `${key} is not allowed on routes; the platform allows ${keys.length === 0 ? 'none' : keys.join(', ')} (platform.yaml spec.ingress.tenantAnnotations)`, true);
        continue;
      }
      const why = safeValueProblem(value, flavour.valueBlocklist) ?? (rule.pattern.test(value) ? rule.check?.(value) : `must be ${rule.expected}`);
      if (why) report([...at, 'annotations', key], `${quoted(value)} ${why.startsWith('"') ? `is wrong: ${why}` : why}`);
    }
  }
}

/**
 * The raw annotations tenants may set: the platform's list, or the flavour's default. Entries
 * the flavour refuses whatever the platform says, and patterns that do not compile, are reported
 * (through `report`, when given) and left out.
 */
function allowedAnnotations(flavour: FlavourPolicy, spec: Platform['spec'] | undefined, report?: (path: PathSegment[], message: string) => void): AllowedAnnotations {
  const builtin = new Map(flavour.defaultTenantAnnotations.map((r) => [r.key, r]));
  const given = spec?.ingress.tenantAnnotations;
  if (given === undefined) return builtin;
  const allowed = new Map<string, AnnotationRule>();
  given.forEach((entry, i) => {
    const at: PathSegment[] = ['spec', 'ingress', 'tenantAnnotations', i];
    const floor = flavour.refuseAnnotation(entry.key);
    if (floor) {
      report?.([...at, 'key'], `${entry.key} cannot be given to tenants: ${floor}`);
      return;
    }
    if (entry.values && entry.pattern !== undefined) {
      report?.(at, 'set values or pattern, not both');
      return;
    }
    if (entry.values) {
      const unsafe = entry.values.find((v) => safeValueProblem(v, flavour.valueBlocklist) !== undefined);
      if (unsafe !== undefined) {
        report?.([...at, 'values', entry.values.indexOf(unsafe)], `${quoted(unsafe)} ${safeValueProblem(unsafe, flavour.valueBlocklist)}`);
        return;
      }
      allowed.set(entry.key, oneOf(entry.key, entry.values));
    } else if (entry.pattern !== undefined) {
      try {
        allowed.set(entry.key, { key: entry.key, pattern: wholeValue(entry.pattern), expected: `a value matching ${entry.pattern}` });
      } catch (err) {
        report?.([...at, 'pattern'], `not a regular expression: ${(err as Error).message}`);
      }
    } else {
      const rule = builtin.get(entry.key);
      if (rule) allowed.set(entry.key, rule);
      else report?.(at, `tenant-edge has no built-in rule for ${entry.key}; give its values or a pattern`);
    }
  });
  return allowed;
}

/**
 * The checks that need no platform, for when platform.yaml itself is invalid: the user still
 * sees every problem of the tenant files in the same run. Uses the schema's default flavour.
 */
export function checkTenantsAlone(tenants: readonly Loaded<Tenant>[], policies: PolicyLookup): Problem[] {
  const problems: Problem[] = [];
  const flavour = policies(inputSchema.definitions.PlatformIngress.properties.controller.default);
  for (const t of tenants) {
    checkRoutes(t, flavour, allowedAnnotations(flavour, undefined), undefined, (path, message, atKey) => problems.push(t.source.problem(path, message, atKey)));
  }
  return uniqueProblems(problems);
}

/**
 * The canonical text of an IP address (IPv6 lower-case and zero-compressed as RFC 5952 writes it),
 * or undefined when `ip` is not an address.
 */
export function canonicalAddress(ip: string | undefined): string | undefined {
  if (ip === undefined) return undefined;
  const family = isIP(ip);
  if (family === 4) return ip;
  if (family !== 6) return undefined;
  try {
    return new URL(`http://[${ip}]/`).hostname.slice(1, -1);
  } catch {
    return undefined; // a zone index (fe80::1%eth0) is no address for a Service
  }
}

/** A Certificate may hold at most this many names: Let's Encrypt refuses orders with more. */
export const MAX_CERTIFICATE_NAMES = 100;

/** Gathers the hosts of a tenant's certManager routes into its Certificates, in one environment. */
class CertificateCollector {
  private readonly byName = new Map<string, { hosts: Set<string>; issuer: IssuerRef; reported: boolean }>();

  constructor(private readonly report: (path: PathSegment[], message: string) => void) {}

  add(name: string, hosts: readonly string[], issuer: IssuerRef, at: PathSegment[]): void {
    let cert = this.byName.get(name);
    if (!cert) {
      cert = { hosts: new Set(), issuer, reported: false };
      this.byName.set(name, cert);
    }
    for (const h of hosts) cert.hosts.add(h);
    if (cert.reported) return;
    const count = withoutCovered(cert.hosts).length;
    if (count > MAX_CERTIFICATE_NAMES) {
      cert.reported = true;
      const remedy = name === names.tenantCertificate
        ? 'give some routes a certificate of their own (tls: {ownCertificate: true}) or cover subdomains with the wildcard host "*"'
        : 'split the route, or cover subdomains with the wildcard host "*"';
      this.report(at, `certificate "${name}" would hold ${count} names, over the ${MAX_CERTIFICATE_NAMES} a certificate may have; ${remedy}`);
    }
  }

  models(): CertificateModel[] {
    return [...this.byName.entries()]
      .map(([name, c]) => ({ name, secretName: name, dnsNames: withoutCovered(c.hosts), issuer: c.issuer }))
      .sort((a, b) => (a.name < b.name ? -1 : 1));
  }
}

/**
 * The names a certificate must list, sorted: a name that a wildcard of the same certificate covers
 * is left out, because Let's Encrypt refuses an order that lists both ("Domain name ... is
 * redundant with a wildcard domain in the same request", boulder's ra.go). The Ingress still lists
 * the host, and the certificate still covers it.
 */
function withoutCovered(hosts: ReadonlySet<string>): string[] {
  return [...hosts]
    .filter((h) => {
      const parent = parentDomain(h);
      return h.startsWith('*.') || parent === undefined || !hosts.has(`*.${parent}`);
    })
    .sort();
}

/**
 * Secrets tenant-edge derives in a tenant's namespace, each with what writes it. A route that
 * names one of them as its existing Secret would be overwritten, or serve a certificate that does
 * not cover its hosts.
 */
function derivedSecretNames(tenant: Tenant, issuers: readonly string[]): Map<string, string> {
  const derived = new Map<string, string>([[names.tenantCertificate, 'the tenant\'s shared Certificate']]);
  // A namespaced Issuer keeps its ACME account key in the tenant's namespace.
  for (const issuer of issuers) derived.set(names.acmeAccountKey(issuer), `issuer "${issuer}" (its ACME account key)`);
  for (const r of tenant.spec.routes) {
    if (ownsCertificate(tenant, r)) derived.set(names.tlsSecret(r.name), `the Certificate of route "${r.name}"`);
  }
  return derived;
}

/** True when a route's TLS comes from a Certificate of its own rather than the tenant's shared one. */
function ownsCertificate(tenant: Tenant, route: Route): boolean {
  if (route.tls === 'certManager') return tenant.spec.tls.certificates === 'perRoute';
  return typeof route.tls === 'object' && 'ownCertificate' in route.tls;
}

/** The tenant whose claimed domain contains `host`, if any. */
function ownerOf<T>(host: string, owners: Map<string, T>): T | undefined {
  for (let d: string | undefined = host.startsWith('*.') ? host.slice(2) : host; d; d = parentDomain(d)) {
    const owner = owners.get(d);
    if (owner) return owner;
  }
  return undefined;
}

/** `@` is the tenant domain, `*` its wildcard, a bare label a subdomain; dotted names stay as written. */
export function qualify(ref: string, domain: string): string {
  if (ref === '@') return domain;
  if (ref === '*') return `*.${domain}`;
  if (!ref.includes('.')) return `${ref}.${domain}`;
  return ref;
}

/** True when `host` (or the names a wildcard covers) lies in `domain`. */
export function inDomain(host: string, domain: string): boolean {
  const bare = host.startsWith('*.') ? host.slice(2) : host;
  return bare === domain || bare.endsWith(`.${domain}`);
}

function parentDomain(domain: string): string | undefined {
  const dot = domain.indexOf('.');
  return dot < 0 ? undefined : domain.slice(dot + 1);
}

function forEachDuplicate(values: readonly string[], onDuplicate: (index: number, first: number) => void): void {
  const first = new Map<string, number>();
  values.forEach((v, i) => {
    const f = first.get(v);
    if (f === undefined) first.set(v, i);
    else onDuplicate(i, f);
  });
}
