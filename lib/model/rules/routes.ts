import { quoted, safeValueProblem } from '../../flavours/annotation-policy';
import { AllowedAnnotations, allowedAnnotations } from '../annotations';
import { FlavourPolicy } from '../../flavours/policy';
import { Loaded } from '../../input/load';
import { PathSegment, Problem, uniqueProblems } from '../../input/problems';
import { inputSchema } from '../../input/schema';
import { Route, Tenant } from '../../input/types';
import type { PolicyLookup, Report } from '../context';
import { forEachDuplicate } from '../domains';
import { LIMITS, names } from '../names';
import { derivedNamesFit, tenantDerivedNames } from './derived-names';

/** The rules of one tenant's routes and annotations, which need at most the platform's flavour and allow-list. */

/**
 * Rules that concern one tenant's routes alone. `environments` is undefined when the platform
 * could not be read; the environment references are then left unchecked.
 */
export function checkRoutes(loaded: Loaded<Tenant>, flavour: FlavourPolicy, allowed: AllowedAnnotations, environments: string[] | undefined, report: Report): void {
  const { value } = loaded;
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
 * The checks that need no platform, for when platform.yaml itself is invalid: the user still
 * sees every problem of the tenant files in the same run. Uses the schema's default flavour.
 */
export function checkTenantsAlone(tenants: readonly Loaded<Tenant>[], policies: PolicyLookup): Problem[] {
  const problems: Problem[] = [];
  const flavour = policies(inputSchema.definitions.PlatformIngress.properties.controller.default);
  for (const t of tenants) {
    const report: Report = (path, message, atKey) => problems.push(t.source.problem(path, message, atKey));
    const name = t.value.metadata.name;
    derivedNamesFit(name, ['metadata', 'name'], tenantDerivedNames(name).filter((d) => d.feature === 'tenant'), report);
    checkRoutes(t, flavour, allowedAnnotations(flavour, undefined), undefined, report);
  }
  return uniqueProblems(problems);
}
