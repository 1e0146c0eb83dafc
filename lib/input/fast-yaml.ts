/**
 * A fast reader for the everyday shape of a spec file, used in front of the `yaml` library.
 *
 * The library builds a token stream, a concrete syntax tree and a document model before it hands
 * back plain data; for a 2 KB spec that is most of the cost of loading it. Specs are nearly always
 * written in a small, regular part of YAML, so this module reads that part directly into plain
 * data in one pass over the text, and gives up (returns `undefined`) on anything else. The caller
 * then parses the file again with the library, which stays the only source of error messages and
 * positions. Giving up is always safe; producing data that differs from the library's is a bug.
 *
 * What is read (the subset):
 *  - one document whose root is a block mapping, optionally introduced by a `---` line of its own
 *    (a comment may follow it) before which only blank and comment lines appear;
 *  - block mappings and block sequences at any consistent indentation, including a sequence
 *    indented like its parent's key (`key:\n- a`) and a mapping opened on a sequence item's line
 *    (`- name: a\n  port: 1`);
 *  - flow sequences and flow mappings (`[a, 'b']`, `{ a: 1, b: [x] }`, nested) that start and end
 *    on the same line, with every flow-mapping entry written `key: value`;
 *  - plain scalars, single-quoted scalars and double-quoted scalars that fit on one line, the
 *    latter with every escape the library knows (`\x`, `\u` and `\U` included);
 *  - keys that are plain or quoted scalars, each at most once per mapping;
 *  - empty values (`key:` and a bare `-`), which are null;
 *  - comments on lines of their own and after a value (with white space before the `#`);
 *  - the YAML 1.2 core schema for plain scalars: null, booleans, decimal, octal (`0o`) and
 *    hexadecimal (`0x`) integers, floats, infinities and NaN, with exactly the library's patterns
 *    and conversions.
 *
 * Everything else makes it give up, among others: tabs and carriage returns anywhere; control
 * characters, U+007F–U+009F, U+2028/U+2029, byte order marks, U+FFFE/U+FFFF and unpaired
 * surrogates; anchors, aliases, tags and directives; `---` and `...` lines other than the leading
 * marker; block scalars (`|`, `>`); explicit keys (`?`); scalars or flow collections that continue
 * on a later line; a flow sequence holding `key: value` pairs; empty flow entries and trailing
 * commas; collections as keys; null keys, `<<` and `__proto__` as keys, keys longer than 1000
 * characters and keys repeated in one mapping (the caller reports those from the library's tree);
 * integers beyond ±(2^53 − 1); a `#` straight after a quoted scalar or a flow collection; plain
 * scalars starting with an indicator character (other than a `-` followed by a letter, digit or
 * `.`); empty documents, several documents and documents that are not block mappings; and any
 * text the subset's rules do not account for.
 */

/** Thrown internally to abandon the fast path; never escapes {@link fastParse}. */
const BAIL: unique symbol = Symbol('bail');

/** Deeper nesting than this is left to the library (and keeps recursion shallow). */
const MAX_DEPTH = 100;

/** The library rejects implicit keys over 1024 characters; stay clear of the limit. */
const MAX_KEY_CHARS = 1000;

const SPACE = 0x20;
const NL = 0x0a;
const HASH = 0x23;
const COLON = 0x3a;
const DASH = 0x2d;
const DOT = 0x2e;
const DQUOTE = 0x22;
const SQUOTE = 0x27;
const BACKSLASH = 0x5c;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const COMMA = 0x2c;

/** Only the line feed, printable ASCII and nothing else: the common case, checked first. */
const NOT_PLAIN_ASCII = /[^\n\x20-\x7e]/;
/**
 * A character outside line feeds, printable ASCII and non-control Unicode, or an unpaired
 * surrogate. Refused: C0 and C1 controls (tab and carriage return among them), DEL,
 * U+2028/U+2029 (line breaks to some readers), U+FEFF (byte order mark) and the non-characters
 * U+FFFE/U+FFFF.
 */
const FORBIDDEN_CHAR =
  /[^\n\x20-\x7e\u00a0-\u2027\u202a-\ufefe\uff00-\ufffd]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Characters that may not start a plain scalar here: YAML's indicators. (`-` is allowed when a
 * letter, digit or `.` follows it; see {@link Reader.plainStartOk}.)
 */
const INDICATOR = new Uint8Array(128);
for (const ch of '-?:,[]{}#&*!|>\'"%@`') INDICATOR[ch.charCodeAt(0)] = 1;

/** `,[]{}`: they end a plain scalar inside a flow collection. */
const FLOW_INDICATOR = new Uint8Array(128);
for (const ch of ',[]{}') FLOW_INDICATOR[ch.charCodeAt(0)] = 1;

/** The library's single-character escapes in double-quoted scalars (see its resolve-flow-scalar). */
const ESCAPES: Readonly<Record<string, string>> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  e: '\x1b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  N: '\u0085',
  _: '\u00a0',
  L: '\u2028',
  P: '\u2029',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
};

// The core schema's patterns, in the order the library tries them (yaml/dist/schema/core/).
const NULL_RE = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL_RE = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const INT_OCT_RE = /^0o[0-7]+$/;
const INT_RE = /^[-+]?[0-9]+$/;
const INT_HEX_RE = /^0x[0-9a-fA-F]+$/;
const FLOAT_NAN_RE = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const FLOAT_EXP_RE = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const FLOAT_RE = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;

/** An integer as the library converts it, or a bail when it would not be exact. */
function safeInt(value: number): number {
  if (!(Math.abs(value) <= Number.MAX_SAFE_INTEGER)) throw BAIL;
  return value;
}

/** What the library's core schema makes of a plain scalar's text. */
function resolvePlain(str: string): unknown {
  switch (str.charCodeAt(0)) {
    case 0x7e: // ~
    case 0x6e: // n
    case 0x4e: // N
      return NULL_RE.test(str) ? null : str;
    case 0x74: // t
    case 0x54: // T
    case 0x66: // f
    case 0x46: // F
      return BOOL_RE.test(str) ? str.charCodeAt(0) === 0x74 || str.charCodeAt(0) === 0x54 : str;
    case 0x2b: // +
    case DASH:
    case DOT:
    case 0x30:
    case 0x31:
    case 0x32:
    case 0x33:
    case 0x34:
    case 0x35:
    case 0x36:
    case 0x37:
    case 0x38:
    case 0x39:
      if (INT_OCT_RE.test(str)) return safeInt(parseInt(str.substring(2), 8));
      if (INT_RE.test(str)) return safeInt(parseInt(str, 10));
      if (INT_HEX_RE.test(str)) return safeInt(parseInt(str.substring(2), 16));
      if (FLOAT_NAN_RE.test(str)) {
        return str.slice(-3).toLowerCase() === 'nan' ? NaN : str.charCodeAt(0) === DASH ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
      }
      if (FLOAT_EXP_RE.test(str) || FLOAT_RE.test(str)) return parseFloat(str);
      return str;
    default:
      return str;
  }
}

/** Adds a key to a mapping under construction, giving up on keys the library would treat specially. */
function setKey(map: Record<string, unknown>, key: unknown, value: unknown): void {
  // The library turns scalar keys into property names with String(), null into ''; the caller's
  // duplicate check uses String() for all of them. Null keys are left out so that both agree.
  if (key === null) throw BAIL;
  const name = typeof key === 'string' ? key : String(key);
  if (name === '__proto__' || name === '<<' || Object.prototype.hasOwnProperty.call(map, name)) throw BAIL;
  map[name] = value;
}

/**
 * The reader: a cursor over the text that always stands on a "content line" (one that is neither
 * blank nor only a comment) or at the end of the text.
 */
class Reader {
  /** Start of the current content line. */
  private lineStart = 0;
  /** Its indentation (leading spaces); -1 at the end of the text. */
  private indent = -1;
  /** Its first non-space character. */
  private content = 0;
  /** Its end: the index of its line feed, or the text's length. */
  private lineEnd = 0;
  /** Scratch result of the scalar readers: the scalar's value... */
  private value: unknown = null;
  /** ...and whether it was plain (so its type is resolved) or quoted (a string). */
  private plain = false;
  /** The items of the sequences being read, innermost last, below `top` (see {@link takeItems}). */
  private readonly items: unknown[] = [];
  private top = 0;

  constructor(private readonly s: string) {}

  /** Reads the whole text as one block mapping. */
  document(): unknown {
    const s = this.s;
    this.seek(0, true);
    if (this.indent === 0 && s.startsWith('---', this.content)) {
      // A leading document-start marker, alone on its line or followed by a comment.
      let i = this.content + 3;
      if (i < this.lineEnd && s.charCodeAt(i) !== SPACE) throw BAIL;
      while (i < this.lineEnd && s.charCodeAt(i) === SPACE) i++;
      if (i < this.lineEnd && s.charCodeAt(i) !== HASH) throw BAIL;
      this.seek(this.lineEnd + 1, false);
    }
    if (this.indent < 0 || this.isSeqItem()) throw BAIL;
    const root = this.blockMap(this.indent, this.content, 0);
    if (this.indent >= 0) throw BAIL;
    return root;
  }

  /**
   * Moves to the first content line at or after `from` (a line start), skipping blank lines and
   * comment lines. A line starting with `---` or `...` gives up, except for a `---` when
   * `markerAllowed` (the first content line, where the caller reads the leading marker).
   */
  private seek(from: number, markerAllowed: boolean): void {
    const s = this.s;
    const n = s.length;
    let p = from;
    while (p < n) {
      let i = p;
      while (i < n && s.charCodeAt(i) === SPACE) i++;
      if (i === n) break;
      const c = s.charCodeAt(i);
      if (c === NL) {
        p = i + 1;
        continue;
      }
      let end = s.indexOf('\n', i);
      if (end < 0) end = n;
      if (c === HASH) {
        p = end + 1;
        continue;
      }
      if (i === p && (c === DASH || c === DOT) && (s.startsWith('...', i) || (!markerAllowed && s.startsWith('---', i)))) throw BAIL;
      this.lineStart = p;
      this.indent = i - p;
      this.content = i;
      this.lineEnd = end;
      return;
    }
    this.indent = -1;
    this.content = n;
    this.lineStart = n;
    this.lineEnd = n;
  }

  /** Whether the current line starts with a block sequence indicator (`-` then a space or the end). */
  private isSeqItem(): boolean {
    const s = this.s;
    const c = this.content;
    return s.charCodeAt(c) === DASH && (c + 1 === this.lineEnd || s.charCodeAt(c + 1) === SPACE);
  }

  /** A block collection whose first line is the current one, at indentation `indent`. */
  private blockNode(indent: number, depth: number): unknown {
    if (depth > MAX_DEPTH) throw BAIL;
    return this.isSeqItem() ? this.blockSeq(indent, depth) : this.blockMap(indent, this.content, depth);
  }

  /**
   * A block mapping at column `col` whose first key starts at `start` on the current line (after
   * a `- ` when the mapping is a sequence item's; every later key starts a line).
   */
  private blockMap(col: number, start: number, depth: number): Record<string, unknown> {
    if (depth > MAX_DEPTH) throw BAIL;
    const s = this.s;
    const map: Record<string, unknown> = {};
    let p = start;
    for (;;) {
      // The key, then `:` and a space or the end of the line.
      const colon = this.keyEnd(p);
      if (colon < 0 || colon - p > MAX_KEY_CHARS) throw BAIL;
      const key = this.plain ? resolvePlain(this.value as string) : this.value;
      let i = colon + 1;
      while (i < this.lineEnd && s.charCodeAt(i) === SPACE) i++;
      let value: unknown;
      if (i === this.lineEnd || s.charCodeAt(i) === HASH) {
        // Nothing more on the line: the value is on the lines below, or null.
        this.seek(this.lineEnd + 1, false);
        if (this.indent > col) value = this.blockNode(this.indent, depth + 1);
        else if (this.indent === col && this.isSeqItem()) value = this.blockSeq(col, depth + 1);
        else value = null;
      } else {
        value = this.inlineValue(i, depth);
        this.seek(this.lineEnd + 1, false);
      }
      setKey(map, key, value);
      if (this.indent < col) return map;
      if (this.indent > col || this.isSeqItem()) throw BAIL;
      p = this.content;
    }
  }

  /** A block sequence at column `col`, starting on the current line. */
  private blockSeq(col: number, depth: number): unknown[] {
    if (depth > MAX_DEPTH) throw BAIL;
    const s = this.s;
    const start = this.top;
    for (;;) {
      let i = this.content + 1;
      while (i < this.lineEnd && s.charCodeAt(i) === SPACE) i++;
      if (i === this.lineEnd || s.charCodeAt(i) === HASH) {
        this.seek(this.lineEnd + 1, false);
        this.pushItem(this.indent > col ? this.blockNode(this.indent, depth + 1) : null);
      } else {
        const c = s.charCodeAt(i);
        if (c === LBRACKET || c === LBRACE) {
          this.pushItem(this.inlineValue(i, depth));
          this.seek(this.lineEnd + 1, false);
        } else if (this.keyEnd(i) >= 0) {
          // `- key: value`: a mapping whose keys line up under this first one.
          this.pushItem(this.blockMap(i - this.lineStart, i, depth + 1));
        } else {
          this.pushItem(this.inlineValue(i, depth));
          this.seek(this.lineEnd + 1, false);
        }
      }
      if (this.indent < col) return this.takeItems(start);
      if (this.indent > col) throw BAIL;
      if (!this.isSeqItem()) return this.takeItems(start);
    }
  }

  /**
   * The items pushed onto {@link items} since `start`, as an array of their exact number. Spec
   * data is kept for the whole run, and an array grown by push holds room for 17 items or more:
   * most of a spec's lists hold one to four.
   */
  private takeItems(start: number): unknown[] {
    const seq = this.items.slice(start, this.top);
    // Kept at its size (shrinking it would free and regrow its storage); `top` marks the end.
    this.top = start;
    return seq;
  }

  /** A call, not `items[top++] = ...` in place: reading the item may push and take items itself, so `top` is read after. */
  private pushItem(item: unknown): void {
    this.items[this.top++] = item;
  }

  /**
   * If a key (a plain or quoted scalar followed by `:` and a space or the end of the line) starts
   * at `p`, leaves it in `value`/`plain` and returns the index of its `:`; otherwise -1. Gives up
   * on text that can be neither a key nor a scalar value.
   */
  private keyEnd(p: number): number {
    const s = this.s;
    const c = s.charCodeAt(p);
    let i: number;
    if (c === DQUOTE || c === SQUOTE) {
      i = c === DQUOTE ? this.doubleQuoted(p) : this.singleQuoted(p);
      while (i < this.lineEnd && s.charCodeAt(i) === SPACE) i++;
      if (i < this.lineEnd && s.charCodeAt(i) === COLON && (i + 1 === this.lineEnd || s.charCodeAt(i + 1) === SPACE)) return i;
      return -1;
    }
    if (!this.plainStartOk(p)) throw BAIL;
    const end = this.plainBlockEnd(p);
    if (end < this.lineEnd && s.charCodeAt(end) === COLON) {
      this.value = s.slice(p, trimEnd(s, p, end));
      this.plain = true;
      return end;
    }
    return -1;
  }

  /**
   * A value written on the key's or the item's line from `p`: a flow collection or a scalar,
   * followed by nothing but white space and a comment.
   */
  private inlineValue(p: number, depth: number): unknown {
    const s = this.s;
    const c = s.charCodeAt(p);
    let i: number;
    let value: unknown;
    if (c === LBRACKET || c === LBRACE) {
      i = this.flowNode(p, depth + 1);
      value = this.value;
    } else if (c === DQUOTE || c === SQUOTE) {
      i = c === DQUOTE ? this.doubleQuoted(p) : this.singleQuoted(p);
      value = this.value;
    } else {
      if (!this.plainStartOk(p)) throw BAIL;
      i = this.plainBlockEnd(p);
      // The scalar stopped at a `: `, which would start a mapping on the same line.
      if (i < this.lineEnd && s.charCodeAt(i) === COLON) throw BAIL;
      value = resolvePlain(s.slice(p, trimEnd(s, p, i)));
    }
    this.lineRest(i);
    return value;
  }

  /** Checks that only spaces, then possibly a comment after a space, remain on the line from `i`. */
  private lineRest(i: number): void {
    const s = this.s;
    const from = i;
    while (i < this.lineEnd && s.charCodeAt(i) === SPACE) i++;
    if (i === this.lineEnd) return;
    if (s.charCodeAt(i) === HASH && i > from) return;
    throw BAIL;
  }

  /**
   * Whether a plain scalar may start at `p`: not at the end of the line, and not with an indicator,
   * except `-` followed by a letter, digit or `.` (so `-1`, `-.5` and `-x` are read).
   */
  private plainStartOk(p: number): boolean {
    if (p >= this.lineEnd) return false;
    const s = this.s;
    const c = s.charCodeAt(p);
    if (c >= 128 || INDICATOR[c] === 0) return true;
    if (c !== DASH || p + 1 >= this.lineEnd) return false;
    const d = s.charCodeAt(p + 1);
    return (d >= 0x30 && d <= 0x39) || (d >= 0x41 && d <= 0x5a) || (d >= 0x61 && d <= 0x7a) || d === DOT;
  }

  /**
   * Where a plain scalar starting at `p` in block context stops: at the end of the line, at a `:`
   * followed by a space or the end of the line, or at a space followed by `#`.
   */
  private plainBlockEnd(p: number): number {
    const s = this.s;
    const end = this.lineEnd;
    for (let i = p + 1; i < end; i++) {
      const c = s.charCodeAt(i);
      if (c === COLON) {
        if (i + 1 === end || s.charCodeAt(i + 1) === SPACE) return i;
      } else if (c === SPACE && s.charCodeAt(i + 1) === HASH) {
        return i;
      }
    }
    return end;
  }

  /**
   * Where a plain scalar starting at `p` inside a flow collection stops: as in block context, and
   * also at `,[]{}` and at a `:` followed by one of them.
   */
  private plainFlowEnd(p: number): number {
    const s = this.s;
    const end = this.lineEnd;
    for (let i = p + 1; i < end; i++) {
      const c = s.charCodeAt(i);
      if (c === COLON) {
        if (i + 1 === end) return i;
        const d = s.charCodeAt(i + 1);
        if (d === SPACE || (d < 128 && FLOW_INDICATOR[d] === 1)) return i;
      } else if (c === SPACE) {
        if (s.charCodeAt(i + 1) === HASH) return i;
      } else if (c < 128 && FLOW_INDICATOR[c] === 1) {
        return i;
      }
    }
    return end;
  }

  /**
   * A flow collection or scalar starting at `p` inside a flow collection (or a flow collection
   * starting a block value); leaves it in `value` and returns the index after it.
   */
  private flowNode(p: number, depth: number): number {
    if (depth > MAX_DEPTH) throw BAIL;
    const s = this.s;
    if (p >= this.lineEnd) throw BAIL;
    const c = s.charCodeAt(p);
    if (c === LBRACKET) return this.flowSeq(p, depth);
    if (c === LBRACE) return this.flowMap(p, depth);
    if (c === DQUOTE) return this.doubleQuoted(p);
    if (c === SQUOTE) return this.singleQuoted(p);
    if (!this.plainStartOk(p)) throw BAIL;
    const end = this.plainFlowEnd(p);
    this.value = resolvePlain(s.slice(p, trimEnd(s, p, end)));
    return end;
  }

  /** `[a, b, ...]` on one line, starting at `p`; leaves the array in `value`. */
  private flowSeq(p: number, depth: number): number {
    const s = this.s;
    let i = this.skipSpaces(p + 1);
    if (i < this.lineEnd && s.charCodeAt(i) === RBRACKET) {
      this.value = [];
      return i + 1;
    }
    const start = this.top;
    for (;;) {
      i = this.skipSpaces(this.flowNode(i, depth + 1));
      this.pushItem(this.value);
      if (i >= this.lineEnd) throw BAIL;
      const c = s.charCodeAt(i);
      if (c === RBRACKET) {
        this.value = this.takeItems(start);
        return i + 1;
      }
      if (c !== COMMA) throw BAIL;
      i = this.skipSpaces(i + 1);
      if (i < this.lineEnd && s.charCodeAt(i) === RBRACKET) throw BAIL; // trailing comma
    }
  }

  /** `{ k: v, ... }` on one line, starting at `p`; leaves the object in `value`. */
  private flowMap(p: number, depth: number): number {
    const s = this.s;
    const map: Record<string, unknown> = {};
    let i = this.skipSpaces(p + 1);
    if (i < this.lineEnd && s.charCodeAt(i) === RBRACE) {
      this.value = map;
      return i + 1;
    }
    for (;;) {
      if (i >= this.lineEnd) throw BAIL;
      const start = i;
      const c = s.charCodeAt(i);
      let key: unknown;
      if (c === DQUOTE || c === SQUOTE) {
        i = c === DQUOTE ? this.doubleQuoted(i) : this.singleQuoted(i);
        key = this.value;
      } else {
        if (!this.plainStartOk(i)) throw BAIL;
        const end = this.plainFlowEnd(i);
        key = resolvePlain(s.slice(i, trimEnd(s, i, end)));
        i = end;
      }
      i = this.skipSpaces(i);
      // `:` then a space, and a value before the next `,` or `}`.
      if (i + 1 >= this.lineEnd || s.charCodeAt(i) !== COLON || s.charCodeAt(i + 1) !== SPACE) throw BAIL;
      if (i - start > MAX_KEY_CHARS) throw BAIL;
      i = this.skipSpaces(i + 2);
      if (i >= this.lineEnd) throw BAIL;
      const v = s.charCodeAt(i);
      if (v === COMMA || v === RBRACE) throw BAIL;
      i = this.skipSpaces(this.flowNode(i, depth + 1));
      setKey(map, key, this.value);
      if (i >= this.lineEnd) throw BAIL;
      const d = s.charCodeAt(i);
      if (d === RBRACE) {
        this.value = map;
        return i + 1;
      }
      if (d !== COMMA) throw BAIL;
      i = this.skipSpaces(i + 1);
      if (i < this.lineEnd && s.charCodeAt(i) === RBRACE) throw BAIL; // trailing comma
    }
  }

  private skipSpaces(i: number): number {
    const s = this.s;
    while (i < this.lineEnd && s.charCodeAt(i) === SPACE) i++;
    return i;
  }

  /** `'...'` closing on the same line, `''` standing for `'`; leaves the string in `value`. */
  private singleQuoted(p: number): number {
    const s = this.s;
    let out = '';
    let from = p + 1;
    for (;;) {
      const q = s.indexOf("'", from);
      if (q < 0 || q >= this.lineEnd) throw BAIL;
      if (q + 1 < this.lineEnd && s.charCodeAt(q + 1) === SQUOTE) {
        out += s.slice(from, q + 1);
        from = q + 2;
        continue;
      }
      out += s.slice(from, q);
      this.value = out;
      this.plain = false;
      return q + 1;
    }
  }

  /** `"..."` closing on the same line, escapes decoded as the library does; leaves it in `value`. */
  private doubleQuoted(p: number): number {
    const s = this.s;
    const end = this.lineEnd;
    let out = '';
    let from = p + 1;
    for (let i = from; i < end; i++) {
      const c = s.charCodeAt(i);
      if (c === DQUOTE) {
        this.value = out + s.slice(from, i);
        this.plain = false;
        return i + 1;
      }
      if (c !== BACKSLASH) continue;
      out += s.slice(from, i);
      if (i + 1 >= end) throw BAIL;
      const e = s[i + 1];
      const simple = ESCAPES[e];
      if (simple !== undefined) {
        out += simple;
        i += 1;
      } else {
        const digits = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
        if (digits === 0 || i + 2 + digits > end) throw BAIL;
        const hex = s.slice(i + 2, i + 2 + digits);
        if (!/^[0-9a-fA-F]+$/.test(hex)) throw BAIL;
        const code = parseInt(hex, 16);
        if (code > 0x10ffff) throw BAIL;
        out += String.fromCodePoint(code);
        i += 1 + digits;
      }
      from = i + 1;
    }
    throw BAIL;
  }
}

/** The index after the last non-space character of `s` in `[from, to)`. */
function trimEnd(s: string, from: number, to: number): number {
  while (to > from && s.charCodeAt(to - 1) === SPACE) to--;
  return to;
}

/**
 * Parses `text` when it lies within the subset described at the top of this file, returning
 * `{ value }` with exactly what
 * `parseAllDocuments(text, { prettyErrors: false, uniqueKeys: false, strict: true })[0].toJS()`
 * would return: the same values and types, and keys in the same order.
 *
 * Returns `undefined` for anything else, including every text the library would report an error
 * or warning for, and texts with repeated keys; the caller then parses with the library, which
 * also explains what is wrong. A result of `undefined` says nothing about whether the text is
 * valid.
 */
export function fastParse(text: string): { value: unknown } | undefined {
  if (NOT_PLAIN_ASCII.test(text) && FORBIDDEN_CHAR.test(text)) return undefined;
  try {
    return { value: new Reader(text).document() };
  } catch (err) {
    if (err === BAIL) return undefined;
    throw err;
  }
}
