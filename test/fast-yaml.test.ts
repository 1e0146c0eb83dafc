/**
 * The fast YAML reader must agree with the `yaml` library wherever it answers at all:
 *  - a table of texts inside its subset, each compared with the library (values, types, key order);
 *  - a table of texts it must give up on, one or more per rule;
 *  - a differential fuzz: seeded random edits of the example specs and of benchmark tenants, where
 *    for every edited text the reader either gives up or returns exactly the library's data, and
 *    always gives up when the library reports an error or warning or finds more than one document.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { fastParse } from '../lib/input/fast-yaml';
import { generate } from '../scripts/bench';
import { random } from './support/random';

const ROOT = path.resolve(__dirname, '..');
const OPTIONS = { prettyErrors: false, uniqueKeys: false, strict: true } as const;

/**
 * The library's reading of `text`: its data when it holds exactly one document, reports no error
 * or warning and converts to plain data without throwing.
 */
function library(text: string): { clean: true; value: unknown } | { clean: false } {
  const docs = parseAllDocuments(text, OPTIONS);
  if (!Array.isArray(docs) || docs.length !== 1) return { clean: false };
  const doc = docs[0];
  if (doc.errors.length > 0 || doc.warnings.length > 0) return { clean: false };
  // Keys that are collections make the library print a warning while converting; silence it.
  doc.options.logLevel = 'error';
  try {
    return { clean: true, value: doc.toJS() };
  } catch {
    return { clean: false }; // an alias without its anchor, for one
  }
}

/**
 * Where two plain-data values first differ (`undefined` when they do not): primitives by
 * Object.is (so -0 and 0, NaN and NaN are told apart correctly), arrays item by item, objects by
 * prototype and by their keys in order.
 */
function difference(a: unknown, b: unknown, at = '$'): string | undefined {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) {
    return Object.is(a, b) ? undefined : `${at}: ${String(a)} (${typeof a}) vs ${String(b)} (${typeof b})`;
  }
  if (Array.isArray(a) !== Array.isArray(b) || Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return `${at}: different kinds`;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.join('\u0000') !== kb.join('\u0000') || ka.length !== kb.length) return `${at}: keys [${ka.join(', ')}] vs [${kb.join(', ')}]`;
  for (const k of ka) {
    const d = difference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${at}.${k}`);
    if (d) return d;
  }
  return undefined;
}

/** Every object's keys, in order, nested like the data (to compare key order with toEqual). */
function keyOrder(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(keyOrder);
  if (typeof v === 'object' && v !== null) return Object.entries(v).map(([k, x]) => [k, keyOrder(x)]);
  return null;
}

function examples(): Record<string, string> {
  const out: Record<string, string> = { 'platform.yaml': fs.readFileSync(path.join(ROOT, 'platform.yaml'), 'utf8') };
  for (const f of fs.readdirSync(path.join(ROOT, 'tenants')).filter((f) => f.endsWith('.yaml')).sort()) {
    out[`tenants/${f}`] = fs.readFileSync(path.join(ROOT, 'tenants', f), 'utf8');
  }
  return out;
}

/** Benchmark tenants (21 covers every variant of its generator) and its platform. */
function benchSpecs(): Record<string, string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fast-yaml-'));
  try {
    generate(dir, 21);
    const out: Record<string, string> = { 'bench/platform.yaml': fs.readFileSync(path.join(dir, 'platform.yaml'), 'utf8') };
    for (const f of fs.readdirSync(path.join(dir, 'tenants')).sort()) out[`bench/${f}`] = fs.readFileSync(path.join(dir, 'tenants', f), 'utf8');
    return out;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const PARSES: ReadonlyArray<readonly [string, string]> = [
  ['simple mapping', 'a: 1\nb: two\n'],
  ['no final newline', 'a: 1\nb: 2'],
  ['comments everywhere', '# head\n\na: 1 # after\n   # indented comment\n# col 0\nb:   # on the key\n  c: x\n\n#tail'],
  ['blank lines with spaces', 'a:\n  \n  b: 1\n    \nc: 2\n'],
  ['empty values', 'a:\nb: \nc:   # nothing\nd: ~\n'],
  ['nested mappings', 'a:\n  b:\n    c: 1\n    d: 2\n  e: 3\nf: 4\n'],
  ['odd indentation', 'a:\n   b:\n        c: 1\n   d: 2\n'],
  ['indented root', '  a: 1\n  b:\n    c: 2\n'],
  ['sequence under its key', 'a:\n- x\n- y\nb: 1\n'],
  ['indented sequence', 'a:\n  - x\n  -   y\nb: 1\n'],
  ['compact mappings in a sequence', 'routes:\n  - name: a\n    port: 1\n  - name: b\n    hosts: [x, y]\n    tls:\n      secretName: s\n'],
  ['compact mapping with wide dash', 'a:\n-    k: 1\n     l: 2\n'],
  ['sequence under a compact key', 'a:\n- k:\n  - 1\n  - 2\n  m: 3\n- n\n'],
  ['empty sequence items', 'a:\n-\n- # c\n-\n  b: 1\n-\n  - x\nc: 1\n'],
  ['nested sequences', 'a:\n  -\n    - 1\n    - 2\n  -\n    - 3\n'],
  ['flow collections', 'a: { b: 1, c: [x, "y", \'z\'], d: {} , e: [] }\nf: [ [1, 2], {g: h}, [] ]\n'],
  ['flow in sequence items', 'p:\n  - { path: /api, service: api, port: 8080 }\n  - [a, b]\n'],
  ['JSON-like flow', 'a: {"k": "v", "n": [1, 2.5, true, null]}\n'],
  ['flow plain scalars', 'a: [a b, c:d, http://x/y, -1, .5, x#y]\nb: {k: v:w, u: http://h:80/p}\n'],
  ['strings from specs', 'bodySize: 10m\nversion: 4.15.1\nd: 2m\npath: /api\nhosts: ["@", www]\nhost: api.acme.example.com\nip: 10.0.0.5\nemail: ops@example.com\nurl: https://x/y\nannotations:\n  nginx.ingress.kubernetes.io/proxy-buffering: "on"\n'],
  ['plain scalar punctuation', 'a: b#c\nb: x, y\nc: b[1]{2}\nd: a :b\ne: it\'s "q"\nf: -x\ng: a&b*c!d|e>f%g@h`i\nh: url#frag\n'],
  ['plain keys', 'a b: 1\na#b: 2\n-k: 3\n"q k": 4\n\'s k\': 5\nk1  : 6\n"": 7\n'],
  ['quoted key then colon', '"a":\n  b: 1\n\'c\' : 2\n'],
  ['single quotes', "a: 'it''s'\nb: ''\nc: ' # not a comment '\nd: 'x: y'\n"],
  ['double quotes', 'a: "tab\\tnl\\nq\\"bs\\\\sl\\/sp\\ e"\nb: "\\0\\a\\b\\e\\f\\r\\v\\N\\_\\L\\P"\nc: "\\x41\\u00e9\\U0001F600\\uD83D\\uDE00"\nd: ""\ne: "  spaced  "\nf: "#x"\n'],
  ['nulls', 'a: null\nb: Null\nc: NULL\nd: ~\ne:\nf: nULL\ng: none\n'],
  ['booleans', 'a: true\nb: True\nc: TRUE\nd: false\ne: False\nf: FALSE\ng: tRUE\nh: yes\ni: on\nj: off\n'],
  ['integers', 'a: 0\nb: -0\nc: +1\nd: 007\ne: 0o17\nf: 0x1F\ng: 0xff\nh: -42\ni: 9007199254740991\nj: 0o8\nk: 0X1F\nl: 0b101\nm: 1_000\n'],
  ['floats', 'a: 0.\nb: .5\nc: -.5\nd: +1.5\ne: 1e3\nf: -1.5E-3\ng: 1.e2\nh: 12e\ni: 1.2.3\nj: .\nk: 2.50\n'],
  ['infinities and NaN', 'a: .inf\nb: -.Inf\nc: +.INF\nd: .nan\ne: .NaN\nf: .NAN\ng: -.nan\nh: .Nan\n'],
  ['non-string keys', '1: a\ntrue: b\n1.5: c\n0x10: d\n.inf: e\n-0: f\n'],
  ['integer-like keys keep the library order', 'b: 1\n2: 2\na: 3\n1: 4\n'],
  ['leading document marker', '---\na: 1\n'],
  ['leading marker with comment', '# c\n--- # begins\na: 1\n'],
  ['unicode', 'a: café\nb: "日本語"\nc: 😀 ok\nd: \u00a0x\ne: [ü, ß]\n'],
  ['dots and dashes', 'a: ...\nb: .x\nc: -.inf\n'],
  ['key named like a builtin', 'constructor: 1\ntoString: 2\nhasOwnProperty: 3\n'],
];

const BAILS: ReadonlyArray<readonly [string, string]> = [
  ['anchor', 'a: &x 1\n'],
  ['alias', 'a: 1\nb: *x\n'],
  ['tag', 'a: !!str 1\n'],
  ['local tag', 'a: !x 1\n'],
  ['directive', '%YAML 1.2\n---\na: 1\n'],
  ['document end marker', 'a: 1\n...\n'],
  ['second document', 'a: 1\n---\nb: 2\n'],
  ['leading marker with content', '--- a: 1\n'],
  ['leading document end', '...\na: 1\n'],
  ['literal block scalar', 'a: |\n  x\n'],
  ['folded block scalar', 'a: >\n  x\n'],
  ['tab after key', 'a:\t1\n'],
  ['tab as indentation', 'a:\n\tb: 1\n'],
  ['carriage return', 'a: 1\r\nb: 2\r\n'],
  ['explicit key', '? a\n: b\n'],
  ['duplicate key', 'a: 1\nb: 2\na: 3\n'],
  ['duplicate key by value', '1: a\n1.0: b\n'],
  ['duplicate quoted and plain key', '"a": 1\na: 2\n'],
  ['duplicate key in flow', 'a: {b: 1, b: 2}\n'],
  ['null key', '~: a\n'],
  ['merge key', '<<: {a: 1}\n'],
  ['__proto__ key', '__proto__: 1\n'],
  ['flow sequence as key', '[a]: 1\n'],
  ['flow mapping as key', 'a: {[b]: 1}\n'],
  ['key over 1000 characters', `${'k'.repeat(1001)}: 1\n`],
  ['multi-line plain scalar', 'a: b\n  c\n'],
  ['multi-line plain scalar after blank line', 'a: b\n\n  c\n'],
  ['multi-line double-quoted scalar', 'a: "b\n  c"\n'],
  ['multi-line single-quoted scalar', "a: 'b\n  c'\n"],
  ['multi-line flow sequence', 'a: [b,\n  c]\n'],
  ['multi-line flow mapping', 'a: {b: 1,\n  c: 2}\n'],
  ['scalar on the line below its key', 'a:\n  b\n'],
  ['empty text', ''],
  ['only comments', '# nothing\n\n'],
  ['root sequence', '- a\n- b\n'],
  ['root scalar', 'hello\n'],
  ['root flow mapping', '{a: 1}\n'],
  ['nested mapping on one line', 'a: b: c\n'],
  ['value ending in a colon', 'a: b:\n'],
  ['unclosed flow sequence', 'a: [b\n'],
  ['unclosed double quote', 'a: "b\n'],
  ['text after a quoted scalar', 'a: "b" c\n'],
  ['text after a flow collection', 'a: [b] c\n'],
  ['bad indentation', 'a:\n    b: 1\n  c: 2\n'],
  ['sequence item after a value', 'a: 1\n- b\n'],
  ['more indented key', 'a: 1\n  b: 2\n'],
  ['comment without space after a quote', 'a: "b"#c\n'],
  ['comment without space after a flow', 'a: [b]#c\n'],
  ['unknown escape', 'a: "\\q"\n'],
  ['short \\x escape', 'a: "\\x4"\n'],
  ['escape beyond Unicode', 'a: "\\U00110000"\n'],
  ['trailing comma in flow sequence', 'a: [b, c,]\n'],
  ['trailing comma in flow mapping', 'a: {b: 1,}\n'],
  ['empty flow value', 'a: {b: }\n'],
  ['flow key without value', 'a: {b, c: 1}\n'],
  ['pair in flow sequence', 'a: [b: 1]\n'],
  ['adjacent colon in flow mapping', 'a: {"b":1}\n'],
  ['plain scalar starting with @', 'a: @x\n'],
  ['plain scalar starting with backquote', 'a: `x\n'],
  ['plain scalar starting with %', 'a: %x\n'],
  ['plain scalar starting with a comma', 'a: ,x\n'],
  ['plain scalar starting with ]', 'a: ]\n'],
  ['compact nested sequence', 'a:\n- - b\n'],
  ['explicit key in a sequence', 'a:\n- ? b\n'],
  ['integer beyond 2^53', 'a: 9007199254740993\n'],
  ['hex integer beyond 2^53', 'a: 0x20000000000001\n'],
  ['C0 control character', 'a: b\u0001\n'],
  ['DEL', 'a: b\u007f\n'],
  ['C1 control character', 'a: b\u0085c\n'],
  ['line separator', 'a: b\u2028c\n'],
  ['paragraph separator', 'a: b\u2029c\n'],
  ['byte order mark', '\ufeffa: 1\n'],
  ['non-character U+FFFE', 'a: \ufffe\n'],
  ['non-character U+FFFF', 'a: \uffff\n'],
  ['lone high surrogate', 'a: \ud83d\n'],
  ['lone low surrogate', 'a: \ude00\n'],
];

describe('fastParse', () => {
  test.each(PARSES)('reads %s like the library', (_name, text) => {
    const lib = library(text);
    expect(lib.clean).toBe(true);
    const fast = fastParse(text);
    expect(fast).toBeDefined();
    if (!fast || !lib.clean) return;
    expect(fast.value).toEqual(lib.value);
    expect(keyOrder(fast.value)).toEqual(keyOrder(lib.value));
    expect(difference(fast.value, lib.value)).toBeUndefined();
  });

  test.each(BAILS)('gives up on %s', (_name, text) => {
    expect(fastParse(text)).toBeUndefined();
  });

  test('reads the example specs and benchmark tenants without giving up', () => {
    const specs = { ...examples(), ...benchSpecs() };
    expect(Object.keys(specs).length).toBeGreaterThan(20);
    for (const [name, text] of Object.entries(specs)) {
      const fast = fastParse(text);
      const lib = library(text);
      expect({ name, fast: fast !== undefined }).toEqual({ name, fast: true });
      expect({ name, difference: lib.clean ? difference(fast?.value, lib.value) : 'library complains' }).toEqual({ name, difference: undefined });
    }
  });

  test('agrees with the library on thousands of seeded random edits', () => {
    const MUTANTS = 6000;
    const seeds = [...Object.values(examples()), ...Object.values(benchSpecs()), ...PARSES.map(([, text]) => text)];
    const next = random(0x5eed);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)];
    let fast = 0;
    let bailed = 0;
    let libraryComplained = 0;
    const disagreements: string[] = [];
    for (let n = 0; n < MUTANTS; n++) {
      let text = pick(seeds);
      const edits = 1 + Math.floor(next() * 3);
      for (let e = 0; e < edits; e++) text = mutate(text, next);
      const lib = library(text);
      if (!lib.clean) libraryComplained++;
      const got = fastParse(text);
      if (got === undefined) {
        bailed++;
        continue;
      }
      fast++;
      const diff = lib.clean ? difference(got.value, lib.value) : 'the library reports an error, a warning or several documents';
      if (diff && disagreements.length < 10) disagreements.push(`${JSON.stringify(text)}\n  ${diff}`);
      else if (diff) disagreements.push('');
    }
    // Reported so that the split is visible when the suite is run verbosely.
    console.log(`fast-yaml fuzz: ${MUTANTS} mutants, ${fast} read fast, ${bailed} left to the library (which complains about ${libraryComplained}), ${disagreements.length} disagreements`);
    expect(disagreements).toEqual([]);
    // The edits must exercise both outcomes.
    expect(fast).toBeGreaterThan(MUTANTS / 5);
    expect(bailed).toBeGreaterThan(MUTANTS / 5);
  });
});


/** Characters that mean something to YAML, plus a few ordinary and awkward ones. */
const ALPHABET = [...':-#[]{},"\'&*!|>?%@`~. \n\\', ...'aZ09x', '\t', '\r', 'é', '\u0085', '\ufeff'];
/** Fragments that change how a scalar resolves or how a line is read. */
const FRAGMENTS = [
  ': ', '- ', ' #', '#', '"', "'", "''", '\\"', '\\n', '\\x4', '\\u00e9', '{', '}', '[', ']', ', ', '---', '...', '~', 'null', 'True', 'FALSE',
  '-0', '+1', '0o17', '0x1F', '1e3', '.5', '0.', '.inf', '-.Inf', '.nan', '9007199254740993', '1_000', '<<', '__proto__', '&a ', '*a', '!!str ', '? ', '|', '>-',
];

function mutate(text: string, next: () => number): string {
  const at = Math.floor(next() * (text.length + 1));
  const lines = text.split('\n');
  const line = Math.floor(next() * lines.length);
  switch (Math.floor(next() * 8)) {
    case 0: // insert a character
      return text.slice(0, at) + ALPHABET[Math.floor(next() * ALPHABET.length)] + text.slice(at);
    case 1: // delete one to three characters
      return text.slice(0, at) + text.slice(at + 1 + Math.floor(next() * 3));
    case 2: // replace a character
      return text.slice(0, at) + ALPHABET[Math.floor(next() * ALPHABET.length)] + text.slice(at + 1);
    case 3: // insert a fragment
      return text.slice(0, at) + FRAGMENTS[Math.floor(next() * FRAGMENTS.length)] + text.slice(at);
    case 4: // duplicate a line
      lines.splice(line, 0, lines[line]);
      return lines.join('\n');
    case 5: // indent a line further
      lines[line] = ' '.repeat(1 + Math.floor(next() * 2)) + lines[line];
      return lines.join('\n');
    case 6: // indent a line less
      lines[line] = lines[line].replace(/^ {1,2}/, '');
      return lines.join('\n');
    default: {
      // swap a line with the next one
      if (line + 1 < lines.length) [lines[line], lines[line + 1]] = [lines[line + 1], lines[line]];
      return lines.join('\n');
    }
  }
}
