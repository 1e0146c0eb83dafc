import { LinearPattern, linearPattern } from '../input/linear-pattern';

/**
 * Which raw controller annotations a tenant may set, and what their values may look like.
 *
 * The platform owns the list (platform.yaml spec.ingress.tenantAnnotations); a flavour supplies a
 * safe default and a floor of keys no platform may allow. Every value, whatever its key, must also
 * pass the rules every controller-bound value passes (safeValueProblem).
 */

/** Tells whether a whole value is allowed: a built-in RegExp, or a platform pattern (linear-pattern.ts). */
export interface ValueMatcher {
  test(value: string): boolean;
}

/** One annotation a tenant may set. */
export interface AnnotationRule {
  readonly key: string;
  /** Whole-value pattern (anchored when compiled). */
  readonly pattern: ValueMatcher;
  /** What a valid value looks like, for messages. */
  readonly expected: string;
  /** A further check of a value that matched the pattern: why it is wrong, or undefined. */
  readonly check?: (value: string) => string | undefined;
}

/** The longest annotation value a tenant may write. */
export const MAX_ANNOTATION_VALUE = 1024;

/**
 * Characters that end or open an NGINX directive or block, quote, escape, or break a line: a
 * value carrying one could inject configuration wherever a controller writes it unquoted
 * (CVE-2025-1097, CVE-2025-1098, CVE-2025-24514). Only printable ASCII is allowed at all.
 */
const FORBIDDEN = /[;{}'"`\\]/;
const PRINTABLE = /^[\x20-\x7e]*$/;

/**
 * Why a value must not reach a proxy's configuration, or undefined. `blocklist` holds the
 * controller's own annotation-value-word-blocklist: a value containing one of those words makes
 * the controller refuse the whole Ingress, so it is refused here first, with a reason.
 */
export function safeValueProblem(value: string, blocklist: readonly string[]): string | undefined {
  if (value.length > MAX_ANNOTATION_VALUE) return `has ${value.length} characters, over the ${MAX_ANNOTATION_VALUE} allowed`;
  if (!PRINTABLE.test(value)) return 'may hold only printable ASCII characters (no control characters, line breaks or non-ASCII)';
  const bad = FORBIDDEN.exec(value);
  if (bad) return `may not contain ${JSON.stringify(bad[0])}: it could end or open a directive in the proxy's configuration`;
  const word = blocklist.find((w) => value.toLowerCase().includes(w));
  if (word !== undefined) return `may not contain "${word}": the controller refuses every annotation value that does (annotation-value-word-blocklist)`;
  return undefined;
}

/**
 * Compiles a platform-given pattern as a whole-value match, run in time linear in the value
 * (linear-pattern.ts): a platform pattern never meets a tenant's value in a backtracking engine.
 * Throws SyntaxError when it is not a JavaScript regular expression, and PatternError when it is
 * one outside the subset the linear engine accepts.
 */
export function wholeValue(pattern: string): LinearPattern {
  void new RegExp(`^(?:${pattern})$`);
  return linearPattern(pattern);
}

/** A rule for a fixed set of values. */
export function oneOf(key: string, values: readonly string[]): AnnotationRule {
  const allowed = new Set(values);
  return { key, pattern: { test: (v) => allowed.has(v) }, expected: `one of ${values.map((v) => `"${v}"`).join(', ')}` };
}

/** A value quoted for a message, cut to 60 characters, with every non-printable character escaped. */
export function quoted(value: string): string {
  const cut = value.length > 60 ? `${value.slice(0, 60)}...` : value;
  return JSON.stringify(cut).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
