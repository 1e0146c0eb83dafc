import { PathSegment } from '../../input/problems';
import { movingTag } from '../images';
import { PlatformContext, Report } from '../context';
import { canonicalAddress, controlPlaneWildcards, forEachDuplicate } from '../domains';
import { isClusterNamespace, MANAGED_BY, TENANT_LABEL } from '../names';
import { checkPlatformDns } from './dns';
import { checkLockdown } from './lockdown';

/** Labels tenant-edge puts on what it renders; no platform setting may set them to something else. */
const OWN_LABELS: readonly string[] = [...Object.keys(MANAGED_BY), TENANT_LABEL];

/** The rules of platform.yaml alone, each reported at the field that breaks it. */
export function checkPlatform(ctx: PlatformContext, report: Report): void {
  environmentsUnique(ctx, report);
  issuersWellFormed(ctx, report);
  environmentSettings(ctx, report);
  ruleLabelsNotOwn(ctx, report);
  controlPlanesReachable(ctx, report);
  checkPlatformDns(ctx, report);
  checkLockdown(ctx, report);
}

function environmentsUnique(ctx: PlatformContext, report: Report): void {
  const envs = ctx.spec.environments;
  forEachDuplicate(envs.map((e) => e.name), (i, first) =>
    report(['spec', 'environments', i, 'name'], `duplicate environment "${envs[i].name}" (first at spec.environments[${first}])`),
  );
}

/** Unique names, exactly one solver, and only known environments. */
function issuersWellFormed(ctx: PlatformContext, report: Report): void {
  const issuers = ctx.spec.issuers;
  const envNames = [...ctx.envByName.keys()];
  forEachDuplicate(issuers.map((i) => i.name), (i, first) =>
    report(['spec', 'issuers', i, 'name'], `duplicate issuer "${issuers[i].name}" (first at spec.issuers[${first}])`),
  );
  issuers.forEach((issuer, i) => {
    const at: PathSegment[] = ['spec', 'issuers', i];
    const solvers = [issuer.acme.http01 && 'http01', issuer.acme.dns01 && 'dns01'].filter(Boolean);
    if (solvers.length !== 1) {
      report([...at, 'acme'], `set exactly one solver, http01 or dns01 (got ${solvers.length === 0 ? 'none' : 'both'})`);
    }
    (issuer.environments ?? []).forEach((e, j) => {
      if (!ctx.envByName.has(e)) report([...at, 'environments', j], `unknown environment "${e}"; environments: ${envNames.join(', ')}`);
    });
  });
}

/** An environment's issuer must be usable there; the shared controller's address must be an address it can have. */
function environmentSettings(ctx: PlatformContext, report: Report): void {
  ctx.spec.environments.forEach((env, i) => {
    if (env.issuer !== undefined) {
      const why = ctx.issuerProblem(env.issuer, env.name);
      if (why) report(['spec', 'environments', i, 'issuer'], why);
    }
    checkAddress(report, ['spec', 'environments', i, 'sharedIngress', 'loadBalancerIP'], env.sharedIngress.loadBalancerIP);
    if (env.sharedIngress.loadBalancerIP && !env.sharedIngress.enabled) {
      report(['spec', 'environments', i, 'sharedIngress', 'loadBalancerIP'], 'the shared controller is disabled (enabled: false), so it has no address to set');
    }
  });
}

/**
 * The rule labels land on tenants' PrometheusRules and the controllers' ServiceMonitors, beside
 * the labels tenant-edge owns: the shared controller's webhook selects on managed-by, and Flux
 * reads the tenant label.
 */
function ruleLabelsNotOwn(ctx: PlatformContext, report: Report): void {
  for (const key of Object.keys(ctx.spec.monitoring.ruleLabels)) {
    if (OWN_LABELS.includes(key)) report(['spec', 'monitoring', 'ruleLabels', key], `"${key}" is a label tenant-edge sets itself; choose another key`, true);
  }
}

/**
 * The control planes' routes need a controller that will serve them: generic names its class;
 * nginx through the shared class needs the shared controller (which then carries passthrough)
 * in every environment; and the control planes' namespace is not another part of the platform.
 */
function controlPlanesReachable(ctx: PlatformContext, report: Report): void {
  const cp = ctx.spec.controlPlanes;
  if (!cp) return;
  const at: PathSegment[] = ['spec', 'controlPlanes'];
  if (cp.controller === 'generic' && cp.className === undefined) {
    report([...at, 'controller'], 'generic needs spec.controlPlanes.className: the IngressClass of the controller that does TLS passthrough');
  }
  if (cp.controller === 'gateway' && cp.className === undefined) {
    report([...at, 'controller'], 'gateway needs spec.controlPlanes.className: the GatewayClass of the Gateway that carries the control planes');
  }
  if (cp.controller === 'gateway') gatewayListenersFit(ctx, report);
  if (cp.tcpProxy) {
    const moving = movingTag(cp.tcpProxy.image);
    if (moving) report([...at, 'tcpProxy', 'image'], moving);
  }
  if (cp.controller === 'nginx' && ctx.controlPlaneClass === ctx.spec.ingress.sharedClass) {
    ctx.spec.environments.forEach((env, i) => {
      if (!env.sharedIngress.enabled) {
        report(['spec', 'environments', i, 'sharedIngress', 'enabled'], `controlPlanes.controller nginx routes control planes through the shared controller (class "${ctx.spec.ingress.sharedClass}"), which environment "${env.name}" does not run; enable it, or set controlPlanes.className to a controller you run yourself`);
      }
    });
  }
  const taken = ctx.platformNamespaces().find(([namespace]) => namespace === cp.namespace);
  if (taken) {
    report([...at, 'namespace'], `"${cp.namespace}" is the namespace of ${taken[1]}; the control planes need their own`);
  } else if (isClusterNamespace(cp.namespace)) {
    // With kube-system, a tenant named like a system Service (kube-dns) would route to it.
    report([...at, 'namespace'], `"${cp.namespace}" belongs to the cluster or to an add-on; the control planes need a namespace of their own`);
  }
}

/** A static address must be an IPv4 or IPv6 address (the schema's pattern only shapes it). */
/**
 * The gateway controller's Gateway has a listener for each control-plane wildcard of every
 * environment, whatever its tenants set; a listener hostname is a DNS name (gateway-api
 * `Hostname`, at most 253 characters).
 */
function gatewayListenersFit(ctx: PlatformContext, report: Report): void {
  ctx.spec.environments.forEach((env, i) => {
    const base = ctx.controlPlaneDomain(env);
    if (base === undefined) return;
    const longest = controlPlaneWildcards(base).reduce((a, b) => (b.length > a.length ? b : a));
    if (longest.length <= 253) return;
    report(
      ['spec', 'environments', i, env.controlPlaneDomain !== undefined ? 'controlPlaneDomain' : 'domain'],
      `too long for the control planes' Gateway: its listener hostname "${longest.slice(0, 40)}…" would have ${longest.length} characters, over the 253 a DNS name may have`,
    );
  });
}

export function checkAddress(report: Report, at: PathSegment[], ip: string | undefined): void {
  if (ip !== undefined && canonicalAddress(ip) === undefined) report(at, `"${ip}" is not an IPv4 or IPv6 address`);
}
