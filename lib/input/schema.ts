import type { ErrorObject, ValidateFunction } from 'ajv';
import schemaJson from './tenant-edge.schema.json';
import { closest, listOf, PathSegment, Problem, uniqueProblems } from './problems';
import { Platform, Tenant } from './types';
import { SourceLocator } from './yaml-source';

/** The input contract, as shipped in lib/input/tenant-edge.schema.json. */
export const inputSchema = schemaJson;

type SchemaNode = {
  properties?: Record<string, unknown>;
  'x-expected'?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
};

let validators: { platform: ValidateFunction; tenant: ValidateFunction } | undefined;

/**
 * The Platform and Tenant validators, compiled ahead of time from the schema by
 * scripts/gen-validators.ts (ajv with allErrors, useDefaults, strict, verbose): no run compiles
 * the schema.
 */
function compile(): { platform: ValidateFunction; tenant: ValidateFunction } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  validators ??= require('./generated/spec-validators') as { platform: ValidateFunction; tenant: ValidateFunction };
  return validators;
}

/**
 * Validates a parsed document against the Platform or Tenant definition. Fills in defaults in
 * place. Returns the typed value when valid, and every problem with its position otherwise.
 */
export function validateDocument<K extends 'platform' | 'tenant'>(
  kind: K,
  source: SourceLocator,
  data: unknown,
): { value?: K extends 'platform' ? Platform : Tenant; problems: Problem[] } {
  const validate = compile()[kind];
  // Control characters first, alone: the schema's messages would echo them.
  const control = controlCharacterProblems(source, data);
  if (control.length > 0) return { problems: control };
  if (validate(data)) return { value: data as K extends 'platform' ? Platform : Tenant, problems: [] };
  return { problems: translate(source, validate.errors ?? []) };
}

/**
 * Every key and string of a spec must be free of control characters: the C0 set (tab included),
 * DEL and the C1 set cannot reach a proxy's configuration safely, and some of them cannot pass
 * through kustomize at all (go-yaml refuses them), so Flux could not apply the output.
 */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufffe\uffff]/;

function controlCharacterProblems(source: SourceLocator, data: unknown): Problem[] {
  const problems: Problem[] = [];
  const describe = (c: string): string => `U+${c.charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()}`;
  // One path, extended and shortened as the walk goes, copied only for a problem: a spec has
  // hundreds of values and nearly always nothing to report.
  const at: PathSegment[] = [];
  const walk = (value: unknown): void => {
    if (problems.length >= 100) return;
    if (typeof value === 'string') {
      const bad = CONTROL.exec(value);
      if (bad) problems.push(source.problem(at.slice(), `contains the control character ${describe(bad[0])}; specs may hold only printable characters`));
    } else if (Array.isArray(value)) {
      // Parsed lists have no holes (forEach would skip one; walking undefined reports nothing).
      for (let i = 0; i < value.length; i++) {
        at.push(i);
        walk(value[i]);
        at.pop();
      }
    } else if (value !== null && typeof value === 'object') {
      const map = value as Record<string, unknown>;
      // for...in with an own-property check visits Object.entries' keys, in its order, without
      // building the pairs.
      for (const k in map) {
        if (!Object.prototype.hasOwnProperty.call(map, k)) continue;
        at.push(k);
        const bad = CONTROL.exec(k);
        if (bad) problems.push(source.problem(at.slice(), `key contains the control character ${describe(bad[0])}; specs may hold only printable characters`, true));
        walk(map[k]);
        at.pop();
      }
    }
  };
  walk(data);
  return problems;
}

function pointer(instancePath: string): PathSegment[] {
  if (!instancePath) return [];
  return instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^(0|[1-9][0-9]*)$/.test(s) ? Number(s) : s));
}

const TYPE_NAMES: Record<string, string> = {
  object: 'a mapping',
  array: 'a list',
  string: 'a string',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
  null: 'null',
};

function show(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Turns ajv's errors into one readable problem per mistake (in time linear in the errors). */
function translate(source: SourceLocator, errors: ErrorObject[]): Problem[] {
  const context = errorContext(errors);
  const kept = errors.filter((e) => !coveredByAnyOf(e, context) && !followsFromTypo(e, context) && e.keyword !== 'if');
  // A bad key inside propertyNames comes twice: as the inner keyword at the map, and as
  // `propertyNames` naming the key. Keep the latter, which can point at the key.
  return uniqueProblems(kept.filter((e) => !e.schemaPath.includes('/propertyNames/')).map((e) => translateOne(source, e)));
}

/** What the filters below need to know about all errors, indexed once. */
interface ErrorContext {
  /** anyOf errors whose schema carries an x-expected summary. */
  readonly summaries: ReadonlySet<ErrorObject>;
  /** Instance paths that have such a summary. */
  readonly summaryPaths: ReadonlySet<string>;
  /** Instance paths with an error at a deeper path. */
  readonly hasDeeper: ReadonlySet<string>;
  /** Unknown keys, by the instance path of their mapping. */
  readonly unknownKeys: ReadonlyMap<string, ErrorObject[]>;
}

function errorContext(errors: readonly ErrorObject[]): ErrorContext {
  const summaries = new Set(errors.filter((a) => a.keyword === 'anyOf' && (a.parentSchema as SchemaNode)?.['x-expected']));
  const hasDeeper = new Set<string>();
  const unknownKeys = new Map<string, ErrorObject[]>();
  for (const o of errors) {
    for (let p = o.instancePath; p.length > 0; ) {
      p = p.slice(0, p.lastIndexOf('/'));
      if (hasDeeper.has(p)) break;
      hasDeeper.add(p);
    }
    if (o.keyword === 'additionalProperties') {
      const list = unknownKeys.get(o.instancePath);
      if (list) list.push(o);
      else unknownKeys.set(o.instancePath, [o]);
    }
  }
  return { summaries, summaryPaths: new Set([...summaries].map((a) => a.instancePath)), hasDeeper, unknownKeys };
}

/**
 * An anyOf with an `x-expected` text speaks for its branches: errors at its own value fold into
 * it. When a branch got further and found a mistake deeper inside the value, that precise error
 * is reported instead and the summary is dropped.
 */
function coveredByAnyOf(e: ErrorObject, c: ErrorContext): boolean {
  if (c.summaries.has(e)) return c.hasDeeper.has(e.instancePath);
  return c.summaryPaths.has(e.instancePath);
}

/** A misspelt required key shows up as "unknown key" with a hint; "missing key" would repeat it. */
function followsFromTypo(e: ErrorObject, c: ErrorContext): boolean {
  if (e.keyword !== 'required') return false;
  const missing = String(e.params.missingProperty);
  return (c.unknownKeys.get(e.instancePath) ?? []).some((o) => {
    const allowed = Object.keys(((o.parentSchema ?? {}) as SchemaNode).properties ?? {});
    return closest(String(o.params.additionalProperty), allowed) === missing;
  });
}

function translateOne(source: SourceLocator, e: ErrorObject): Problem {
  const path = pointer(e.instancePath);
  const parent = (e.parentSchema ?? {}) as SchemaNode;
  const expected = parent['x-expected'];
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(e.params.additionalProperty);
      const allowed = Object.keys(parent.properties ?? {});
      const hint = closest(key, allowed);
      const suggestion = hint ? ` (did you mean "${hint}"?)` : '';
      return source.problem([...path, key], `unknown key "${key}"${suggestion}; allowed keys: ${allowed.join(', ')}`, true);
    }
    case 'required':
      return source.problem(path, `missing required key "${e.params.missingProperty}"`);
    case 'propertyNames': {
      const key = String(e.params.propertyName);
      const keyExpected = ((e.schema ?? {}) as SchemaNode)['x-expected'] ?? 'a valid key';
      return source.problem([...path, key], `key ${show(key)} is not ${keyExpected}`, true);
    }
    case 'enum':
      return source.problem(path, `${show(e.data)} is not allowed; must be one of ${listOf((e.params.allowedValues as unknown[]).map(String))}`);
    case 'const':
      return source.problem(path, `must be ${show(e.params.allowedValue)} (got ${show(e.data)})`);
    case 'type': {
      const types = String(e.params.type).split(',');
      return source.problem(path, `must be ${types.map((t) => TYPE_NAMES[t] ?? t).join(' or ')} (got ${show(e.data)})`);
    }
    case 'pattern':
    case 'format':
      return source.problem(path, `${show(e.data)} is not ${expected ?? `valid (pattern ${e.params.pattern})`}`);
    case 'anyOf':
      return source.problem(path, `${show(e.data)} is not ${expected}`);
    case 'minimum':
      return source.problem(path, `must be at least ${e.params.limit} (got ${show(e.data)})`);
    case 'maximum':
      return source.problem(path, `must be at most ${e.params.limit} (got ${show(e.data)})`);
    case 'minLength':
      return source.problem(path, e.params.limit === 1 ? 'must not be empty' : `must be at least ${e.params.limit} characters long`);
    case 'maxLength':
      return source.problem(path, `must be at most ${e.params.limit} characters long (got ${String(e.data).length})`);
    case 'minItems':
      return source.problem(path, `must list at least ${e.params.limit} item${e.params.limit === 1 ? '' : 's'}`);
    case 'uniqueItems': {
      // ajv names the later item j and the earlier one i.
      const later = e.params.j as number;
      return source.problem([...path, later], `duplicate of item ${e.params.i}: ${show((e.data as unknown[])[later])}`);
    }
    case 'minProperties':
      return source.problem(path, `must set at least one of: ${Object.keys(parent.properties ?? {}).join(', ')}`);
    default:
      return source.problem(path, e.message ?? `fails ${e.keyword}`);
  }
}
