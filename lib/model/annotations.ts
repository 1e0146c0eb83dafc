import { AnnotationRule, oneOf, safeValueProblem, quoted, wholeValue } from '../flavours/annotation-policy';
import { FlavourPolicy } from '../flavours/policy';
import { PatternError } from '../input/linear-pattern';
import { PathSegment } from '../input/problems';
import { Platform } from '../input/types';

/** The raw annotations tenants may set, by key. */
export type AllowedAnnotations = ReadonlyMap<string, AnnotationRule>;

/**
 * The raw annotations tenants may set: the platform's list, or the flavour's default. Entries
 * the flavour refuses whatever the platform says, and patterns that do not compile, are reported
 * (through `report`, when given) and left out.
 */
export function allowedAnnotations(flavour: FlavourPolicy, spec: Platform['spec'] | undefined, report?: (path: PathSegment[], message: string) => void): AllowedAnnotations {
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
        if (err instanceof PatternError) {
          report?.([...at, 'pattern'], `${err.message} (at character ${err.position + 1}); platform patterns use a subset of JavaScript's regular expressions, matched in time linear in the value (see the README, Raw annotations)`);
        } else {
          report?.([...at, 'pattern'], `not a regular expression: ${(err as Error).message}`);
        }
      }
    } else {
      const rule = builtin.get(entry.key);
      if (rule) allowed.set(entry.key, rule);
      else report?.(at, `tenant-edge has no built-in rule for ${entry.key}; give its values or a pattern`);
    }
  });
  return allowed;
}
