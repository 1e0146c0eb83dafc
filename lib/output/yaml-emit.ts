/**
 * A small block-style YAML emitter for plain JSON data (what ApiObject.toJson returns). It is
 * several times faster than a general YAML library and its output is stable: keys sorted
 * (apiVersion, kind and metadata first in a document), two-space indentation, no line folding, no anchors. A string is written bare only when
 * no YAML 1.1 or 1.2 parser could read it as anything but that string; otherwise it is written
 * double-quoted with JSON escapes, which are valid YAML escapes.
 */
export function emitYaml(value: unknown): string {
  if (value !== null && typeof value === 'object') {
    if (Array.isArray(value)) {
      if (value.length > 0) return sequence(value, 0, false);
    } else {
      const keys = sortedKeys(value as Record<string, Json>);
      if (keys.length > 0) return mapping(value as Record<string, Json>, leadingFirst(value as Record<string, Json>, keys), 0, false);
    }
  }
  return `${scalar(value)}\n`;
}

type Json = unknown;

/**
 * Bare strings start with a letter or "/" and use characters with no YAML meaning inside a
 * block-context plain scalar; the checks below rule out the few sequences that still have one.
 */
const PLAIN = /^[A-Za-z/][-A-Za-z0-9_./@%+=~:,;()<>{}[\]$|*!?"' ]*$/;
/** Words some YAML version reads as booleans, null or (1.1, loosely) a float such as e2. */
const KEYWORDS = /^(true|false|yes|no|on|off|y|n|null|~|[eE][-+]?[0-9][0-9_]*)$/i;
/** Strings that start with a digit or "." and are still bare: durations, versions, addresses, ids. */
const DIGIT_LED = /^[0-9.][-A-Za-z0-9_./]*$/;
/** YAML 1.1 dates (a plain 2026-11-22 is a timestamp there). */
const DATE = /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}$/;

/**
 * True when a string that starts with a digit or "." cannot be read as a number (any base, with
 * underscores or exponent), .inf/.nan or a date by YAML 1.1 or 1.2.
 */
function digitLedIsString(s: string): boolean {
  if (!DIGIT_LED.test(s)) return false;
  if (s.includes('/')) return true; // no number or date has a slash
  if (/^\.(inf|nan)$/i.test(s)) return false;
  if (/[g-np-wyzG-NP-WYZ]/.test(s)) return true; // letters no numeric form uses (hex digits, x, o, e; .inf/.nan aside)
  if (!/[A-Za-z]/.test(s) && (s.match(/\./g) ?? []).length >= 2) return true; // 4.15.1, 20.10.0.4
  if (/[0-9][_.]?-|[^eE0-9]-/.test(s.slice(1)) && !DATE.test(s) && !/[eE][-+]/.test(s)) return true; // uuids
  return false;
}

/**
 * Keys written so far and how they were written: the same few hundred keys repeat in every
 * object. Bounded, so that input with many distinct keys cannot grow it without end.
 */
const writtenKeys = new Map<string, string>();
const MAX_REMEMBERED_KEYS = 10_000;

function quoteKey(s: string): string {
  return remembered(writtenKeys, MAX_REMEMBERED_KEYS, s);
}

/**
 * Short string values written so far and how they were written: names, namespaces, labels and
 * hosts repeat across a tenant's objects, and many values across tenants. Bounded in count, like
 * writtenKeys, and it keeps only short strings: long ones (rules, certificates) rarely repeat.
 */
const writtenValues = new Map<string, string>();
const MAX_REMEMBERED_VALUES = 20_000;
const MAX_REMEMBERED_LENGTH = 64;

function quoteValue(s: string): string {
  return remembered(writtenValues, MAX_REMEMBERED_VALUES, s);
}

/** quoteIfNeeded(s) through `memo`, which is emptied when it reaches `max` entries. */
function remembered(memo: Map<string, string>, max: number, s: string): string {
  const known = memo.get(s);
  if (known !== undefined) return known;
  const text = quoteIfNeeded(s);
  if (memo.size >= max) memo.clear();
  memo.set(s, text);
  return text;
}

function quoteIfNeeded(s: string): string {
  const bare =
    (PLAIN.test(s) && !KEYWORDS.test(s)) || digitLedIsString(s);
  if (
    bare &&
    !s.endsWith(' ') &&
    !s.endsWith(':') &&
    !s.includes(': ') &&
    !s.includes(' #') &&
    !s.includes('  ')
  ) {
    return s;
  }
  const bad = UNCARRIABLE.exec(s);
  if (bad) throw new Error(`cannot write U+${bad[0].charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()} to YAML that kustomize and Flux read: ${JSON.stringify(s)}`);
  // A lone surrogate cannot be written in UTF-8 or escaped in YAML: it becomes U+FFFD, as a UTF-8
  // encoder would write it anyway.
  return JSON.stringify(s.replace(LONE_SURROGATE, '\ufffd')).replace(/\ufeff/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Characters outside YAML's printable set that no escape gets through kustomize: go-yaml reads
 * their escapes but refuses them when kustomize writes the built objects out ("control characters
 * are not allowed"), so Flux could not apply the file. NEL (U+0085) and the line and paragraph separators
 * (U+2028, U+2029) come back as other whitespace. Checked with kubectl kustomize over every
 * code point up to U+02FF and the set's boundaries (test/yaml-emit.test.ts). Input validation keeps
 * them out of every spec; meeting one here is a bug.
 */
export const UNCARRIABLE = /[\u007f-\u009f\u2028\u2029\ufffe\uffff]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function scalar(v: Json): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return v.length <= MAX_REMEMBERED_LENGTH ? quoteValue(v) : quoteIfNeeded(v);
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`cannot write ${v} to YAML`);
    return String(v);
  }
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (Array.isArray(v)) return '[]';
  if (typeof v === 'object') return '{}';
  throw new Error(`cannot write a ${typeof v} to YAML`);
}

/** Keys that lead a Kubernetes object, in this order; every other key follows, sorted. */
const LEADING_KEYS = ['apiVersion', 'kind', 'metadata'];

/** The sorted keys of a document's top mapping with apiVersion, kind and metadata first. */
function leadingFirst(v: Record<string, Json>, keys: string[]): string[] {
  const leading = LEADING_KEYS.filter((k) => k in v);
  return leading.length === 0 ? keys : [...leading, ...keys.filter((k) => !LEADING_KEYS.includes(k))];
}

/**
 * The keys of a mapping in the order they are written: sorted by UTF-16 code units, as cdk8s
 * sorts them (apiVersion, kind and metadata lead a document: leadingFirst). The order never
 * depends on how the data was built. Most mappings (cdk8s's metadata, most bodies) come already
 * sorted, and checking that is cheaper than sorting; `>` compares as sort() does.
 */
function sortedKeys(v: Record<string, Json>): string[] {
  const keys = Object.keys(v);
  for (let i = 1; i < keys.length; i++) {
    if (keys[i - 1] > keys[i]) return keys.sort();
  }
  return keys;
}

/** Indentation by depth, so that a block does not build its padding each time. */
const PADS: string[] = [];
function pad(indent: number): string {
  return PADS[indent] ?? (PADS[indent] = ' '.repeat(indent));
}

/**
 * A value after "key:" or "- " (whose line `inline` says it continues): a non-empty collection as
 * a block at `indent`, anything else as a scalar on the same line. Under a key, the block starts
 * on the next line; under "- ", on the same.
 */
function item(v: Json, indent: number, inline: boolean): string {
  if (v !== null && typeof v === 'object') {
    if (Array.isArray(v)) {
      if (v.length > 0) return inline ? sequence(v, indent, true) : `\n${sequence(v, indent, false)}`;
    } else {
      const keys = sortedKeys(v as Record<string, Json>);
      if (keys.length > 0) return inline ? mapping(v as Record<string, Json>, keys, indent, true) : `\n${mapping(v as Record<string, Json>, keys, indent, false)}`;
    }
  }
  return inline ? `${scalar(v)}\n` : ` ${scalar(v)}\n`;
}

/**
 * A non-empty sequence; its first line starts at the current position when `inlineFirst`. Built
 * by concatenation: cheaper than collecting the parts and joining them.
 */
function sequence(v: Json[], indent: number, inlineFirst: boolean): string {
  const p = pad(indent);
  let out = inlineFirst ? '- ' : `${p}- `;
  out += item(v[0], indent + 2, true);
  for (let i = 1; i < v.length; i++) out += `${p}- ${item(v[i], indent + 2, true)}`;
  return out;
}

/** A non-empty mapping, its keys in `keys` (in the order written); its first line as in `sequence`. */
function mapping(v: Record<string, Json>, keys: readonly string[], indent: number, inlineFirst: boolean): string {
  const p = pad(indent);
  let out = '';
  let first = inlineFirst;
  for (const key of keys) {
    const value = v[key];
    if (value === undefined) continue;
    // Sequences under a key are indented one step, like the maps are.
    out += `${first ? '' : p}${quoteKey(key)}:${item(value, indent + 2, false)}`;
    first = false;
  }
  return out;
}
