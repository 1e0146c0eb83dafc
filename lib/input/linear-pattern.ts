/**
 * Regular expressions from platform.yaml, matched in time linear in the value whatever the
 * pattern: a subset of JavaScript's syntax is parsed here, compiled to a Thompson NFA, and run by
 * simulating every state at once (Thompson 1968; Russ Cox, "Regular Expression Matching Can Be
 * Simple And Fast", 2007). A value of n characters costs at most n times the number of states,
 * which is bounded, so no pattern (nested quantifiers such as (a+)+$ included) can make a run
 * slow, as a backtracking engine (JavaScript's RegExp) can. Compiling is bounded too: it stops
 * after MAX_PARTS parts written out, whether or not they add states (an empty group repeated).
 *
 * The subset: literal characters; escapes \d \D \w \W \s \S \t \n \r \f \v \0 \xHH \uHHHH and an
 * escaped punctuation character; classes [...] and [^...] with ranges and those escapes; `.`;
 * groups (...), (?:...) and (?<name>...); alternation |; the anchors ^ and $; the quantifiers
 * * + ? {m} {m,} {m,n} (counts up to MAX_COUNT), lazy or not. Not accepted: backreferences,
 * lookahead and lookbehind, \b and \B, and flags. It means what JavaScript's RegExp (no flags)
 * means, which the tests check on random patterns.
 */

/** The largest count of a quantifier {m,n}. */
export const MAX_COUNT = 1000;
/**
 * The most NFA states a pattern may compile to (counts expand into copies). Each character of a
 * value visits each state at most once, so this bounds the steps per character. A tenant spec of
 * 256 KiB holds at most about 256 values of 1024 characters that differ (a value met again is not
 * matched again); at 250 states they cost about a second together on a loaded machine
 * (test/linear-pattern.test.ts measures it).
 */
export const MAX_STATES = 250;
/**
 * The most parts (characters, classes, anchors, groups, repetitions) compiling may write out,
 * counting each copy a count makes: parts that add no state, such as an empty group, count too,
 * so nested counts cannot make compiling slow. A pattern within MAX_STATES needs at most
 * 2 x MAX_STATES of them unless it repeats parts that match nothing.
 */
export const MAX_PARTS = 2 * MAX_STATES;

/** A pattern that is not in the subset, with the 0-based position of the offending character. */
export class PatternError extends Error {
  constructor(readonly position: number, message: string) {
    super(message);
    this.name = 'PatternError';
  }
}

/** Sorted, disjoint ranges of UTF-16 code units, possibly negated. */
interface CharSet {
  readonly ranges: readonly (readonly [number, number])[];
  readonly negated: boolean;
}

type Node =
  | { readonly t: 'set'; readonly set: CharSet }
  | { readonly t: 'cat'; readonly items: readonly Node[] }
  | { readonly t: 'alt'; readonly items: readonly Node[] }
  | { readonly t: 'rep'; readonly item: Node; readonly min: number; readonly max: number | undefined; readonly at: number }
  | { readonly t: 'bol' }
  | { readonly t: 'eol' };

const DIGIT: [number, number][] = [[0x30, 0x39]];
const WORD: [number, number][] = [[0x30, 0x39], [0x41, 0x5a], [0x5f, 0x5f], [0x61, 0x7a]];
// JavaScript's \s: WhiteSpace and LineTerminator (ECMA-262, CharacterClassEscape).
const SPACE: [number, number][] = [
  [0x09, 0x0d], [0x20, 0x20], [0xa0, 0xa0], [0x1680, 0x1680], [0x2000, 0x200a], [0x2028, 0x2029], [0x202f, 0x202f], [0x205f, 0x205f], [0x3000, 0x3000], [0xfeff, 0xfeff],
];
const LINE_TERMINATORS: [number, number][] = [[0x0a, 0x0a], [0x0d, 0x0d], [0x2028, 0x2029]];

const one = (c: number): CharSet => ({ ranges: [[c, c]], negated: false });

function complement(ranges: readonly (readonly [number, number])[]): [number, number][] {
  const out: [number, number][] = [];
  let next = 0;
  for (const [lo, hi] of normalize(ranges)) {
    if (lo > next) out.push([next, lo - 1]);
    next = hi + 1;
  }
  if (next <= 0xffff) out.push([next, 0xffff]);
  return out;
}

function normalize(ranges: readonly (readonly [number, number])[]): [number, number][] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [lo, hi] of sorted) {
    const last = out[out.length - 1];
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}

function inSet(set: CharSet, c: number): boolean {
  let hit = false;
  for (const [lo, hi] of set.ranges) {
    if (c >= lo && c <= hi) {
      hit = true;
      break;
    }
  }
  return hit !== set.negated;
}

/** Parses a pattern of the subset, or throws PatternError. */
class Parser {
  private i = 0;

  constructor(private readonly src: string) {}

  parse(): Node {
    const node = this.alternation();
    if (this.i < this.src.length) {
      // Only an unmatched ) stops an alternation early.
      throw new PatternError(this.i, 'a ) without its (');
    }
    return node;
  }

  private fail(message: string, at = this.i): never {
    throw new PatternError(at, message);
  }

  private peek(): string | undefined {
    return this.src[this.i];
  }

  private alternation(): Node {
    const items = [this.concatenation()];
    while (this.peek() === '|') {
      this.i++;
      items.push(this.concatenation());
    }
    return items.length === 1 ? items[0] : { t: 'alt', items };
  }

  private concatenation(): Node {
    const items: Node[] = [];
    while (this.i < this.src.length && this.peek() !== '|' && this.peek() !== ')') {
      items.push(this.quantified(this.atom()));
    }
    return items.length === 1 ? items[0] : { t: 'cat', items };
  }

  private quantified(atom: Node): Node {
    const c = this.peek();
    let min: number;
    let max: number | undefined;
    const at = this.i;
    if (c === '*') [min, max] = [0, undefined];
    else if (c === '+') [min, max] = [1, undefined];
    else if (c === '?') [min, max] = [0, 1];
    else if (c === '{') [min, max] = this.counts();
    else return atom;
    if (c !== '{') this.i++;
    if (atom.t === 'bol' || atom.t === 'eol') this.fail('an anchor (^ or $) cannot be repeated', at);
    if (this.peek() === '?') this.i++; // lazy: the same matches, as a whole-value test sees them
    const next = this.peek();
    if (next === '*' || next === '+' || next === '?' || next === '{') this.fail('a quantifier cannot follow another; put the first in a group', this.i);
    return { t: 'rep', item: atom, min, max, at };
  }

  /** {m}, {m,} or {m,n} at this.i; this.i ends after the }. */
  private counts(): [number, number | undefined] {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.i));
    if (!m) this.fail('a { that does not start a count {m}, {m,} or {m,n}; write a literal { as \\{');
    const min = Number(m[1]);
    const max = m[2] === undefined ? min : m[3] === '' ? undefined : Number(m[3]);
    if (min > MAX_COUNT || (max !== undefined && max > MAX_COUNT)) this.fail(`a count over ${MAX_COUNT}`);
    if (max !== undefined && max < min) this.fail(`the count {${m[1]},${m[3]}} is out of order`);
    this.i += m[0].length;
    return [min, max];
  }

  private atom(): Node {
    const at = this.i;
    const c = this.src[this.i++];
    switch (c) {
      case '(':
        return this.group(at);
      case '[':
        return { t: 'set', set: this.charClass(at) };
      case '.':
        return { t: 'set', set: { ranges: LINE_TERMINATORS, negated: true } };
      case '^':
        return { t: 'bol' };
      case '$':
        return { t: 'eol' };
      case '\\':
        return { t: 'set', set: this.escape(false) };
      case '*':
      case '+':
      case '?':
        return this.fail('a quantifier with nothing to repeat', at);
      case '{':
        return this.fail(/^\{\d+(,\d*)?\}/.test(this.src.slice(at)) ? 'a quantifier with nothing to repeat' : 'write a literal { as \\{', at);
      case '}':
      case ']':
        return this.fail(`write a literal ${c} as \\${c}`, at);
      default:
        return { t: 'set', set: one(c.charCodeAt(0)) };
    }
  }

  private group(at: number): Node {
    if (this.src.startsWith('?:', this.i)) {
      this.i += 2;
    } else if (this.src.startsWith('?<', this.i) && !this.src.startsWith('?<=', this.i) && !this.src.startsWith('?<!', this.i)) {
      const m = /^\?<([A-Za-z_$][A-Za-z0-9_$]*)>/.exec(this.src.slice(this.i));
      if (!m) this.fail('a group name must be letters, digits, _ or $', at);
      this.i += m[0].length;
    } else if (this.peek() === '?') {
      this.fail('lookahead and lookbehind ((?=, (?!, (?<=, (?<!) are not accepted', at);
    }
    const inner = this.alternation();
    if (this.peek() !== ')') this.fail('a ( without its )', at);
    this.i++;
    // A group may be repeated even when it holds an anchor alone: (?:^)* is JavaScript.
    return inner.t === 'bol' || inner.t === 'eol' ? { t: 'cat', items: [inner] } : inner;
  }

  private charClass(at: number): CharSet {
    let negated = false;
    if (this.peek() === '^') {
      negated = true;
      this.i++;
    }
    const ranges: [number, number][] = [];
    let first = true;
    for (;;) {
      if (this.i >= this.src.length) this.fail('a [ without its ]', at);
      if (this.peek() === ']' && !first) break;
      if (this.peek() === ']') this.fail('an empty class [] (or [^]) matches nothing or anything; write what it means', at);
      first = false;
      const start = this.i;
      const lo = this.classAtom();
      if (this.peek() === '-' && this.src[this.i + 1] !== ']' && this.i + 1 < this.src.length) {
        this.i++;
        const hi = this.classAtom();
        if (lo.single === undefined || hi.single === undefined) this.fail('a range in a class must be between two characters', start);
        if (hi.single < lo.single) this.fail('a range in a class is out of order', start);
        ranges.push([lo.single, hi.single]);
      } else {
        ranges.push(...(lo.set.negated ? complement(lo.set.ranges) : lo.set.ranges.map(([a, b]): [number, number] => [a, b])));
      }
    }
    this.i++;
    return { ranges: normalize(ranges), negated };
  }

  /** One character or escape inside a class: the set it stands for, and its code when it is one character. */
  private classAtom(): { set: CharSet; single?: number } {
    const c = this.src[this.i++];
    if (c === '\\') {
      if (this.peek() === 'b') {
        this.i++;
        return { set: one(8), single: 8 }; // [\b] is backspace
      }
      if (this.peek() === '-') {
        this.i++;
        return { set: one(0x2d), single: 0x2d };
      }
      const set = this.escape(true);
      const single = !set.negated && set.ranges.length === 1 && set.ranges[0][0] === set.ranges[0][1] ? set.ranges[0][0] : undefined;
      return { set, single };
    }
    if (c === '[') this.fail('write a literal [ inside a class as \\[', this.i - 1);
    const code = c.charCodeAt(0);
    return { set: one(code), single: code };
  }

  /** The escape after a backslash at this.i - 1. */
  private escape(inClass: boolean): CharSet {
    const at = this.i - 1;
    if (this.i >= this.src.length) this.fail('a pattern cannot end with \\', at);
    const c = this.src[this.i++];
    switch (c) {
      case 'd':
        return { ranges: DIGIT, negated: false };
      case 'D':
        return { ranges: complement(DIGIT), negated: false };
      case 'w':
        return { ranges: WORD, negated: false };
      case 'W':
        return { ranges: complement(WORD), negated: false };
      case 's':
        return { ranges: SPACE, negated: false };
      case 'S':
        return { ranges: complement(SPACE), negated: false };
      case 't':
        return one(0x09);
      case 'n':
        return one(0x0a);
      case 'r':
        return one(0x0d);
      case 'f':
        return one(0x0c);
      case 'v':
        return one(0x0b);
      case '0':
        if (/[0-9]/.test(this.peek() ?? '')) this.fail('octal escapes are not accepted; write \\xHH', at);
        return one(0);
      case 'x': {
        const m = /^[0-9A-Fa-f]{2}/.exec(this.src.slice(this.i));
        if (!m) this.fail('\\x needs two hexadecimal digits', at);
        this.i += 2;
        return one(parseInt(m[0], 16));
      }
      case 'u': {
        const m = /^[0-9A-Fa-f]{4}/.exec(this.src.slice(this.i));
        if (!m) this.fail('\\u needs four hexadecimal digits', at);
        this.i += 4;
        return one(parseInt(m[0], 16));
      }
      default:
        if (/[1-9]/.test(c) || c === 'k') this.fail('backreferences are not accepted', at);
        if ((c === 'b' || c === 'B') && !inClass) this.fail('word boundaries (\\b, \\B) are not accepted', at);
        if (/[A-Za-z0-9_]/.test(c)) this.fail(`the escape \\${c} is not accepted`, at);
        return one(c.charCodeAt(0));
    }
  }
}

/** NFA states: a character set, a split into two, an anchor, or the match. */
type State =
  | { kind: 'set'; set: CharSet; out: number }
  | { kind: 'split'; out: number; out2: number }
  | { kind: 'bol' | 'eol'; out: number }
  | { kind: 'match' };

/** Compiles the tree to states; each copy of a repeated part gets states of its own. */
class Compiler {
  readonly states: State[] = [];
  private parts = 0;
  /** Positions of the quantifiers being written out, outermost first. */
  private readonly counting: number[] = [];

  constructor(private readonly onTooLarge: (position: number) => never) {}

  private tooLarge(): never {
    return this.onTooLarge(this.counting[0] ?? 0);
  }

  private add(s: State): number {
    if (this.states.length >= MAX_STATES) this.tooLarge();
    this.states.push(s);
    return this.states.length - 1;
  }

  /** Compiles `node` so that it continues at `next`; returns its entry state. */
  compile(node: Node, next: number): number {
    if (++this.parts > MAX_PARTS) this.tooLarge();
    switch (node.t) {
      case 'set':
        return this.add({ kind: 'set', set: node.set, out: next });
      case 'bol':
      case 'eol':
        return this.add({ kind: node.t, out: next });
      case 'cat': {
        let entry = next;
        for (let k = node.items.length - 1; k >= 0; k--) entry = this.compile(node.items[k], entry);
        return entry;
      }
      case 'alt': {
        let entry = this.compile(node.items[node.items.length - 1], next);
        for (let k = node.items.length - 2; k >= 0; k--) {
          const branch = this.compile(node.items[k], next);
          entry = this.add({ kind: 'split', out: branch, out2: entry });
        }
        return entry;
      }
      case 'rep': {
        this.counting.push(node.at);
        let entry = next;
        if (node.max === undefined) {
          // A loop: split into the item (which returns to the split) or on.
          const loop = this.add({ kind: 'split', out: -1, out2: next });
          const body = this.compile(node.item, loop);
          (this.states[loop] as { out: number }).out = body;
          entry = loop;
        } else {
          for (let k = node.max - node.min; k > 0; k--) {
            // Optional copies nest, x{0,2} as (x(x)?)?: each may be skipped to the end.
            const body = this.compile(node.item, entry);
            entry = this.add({ kind: 'split', out: body, out2: next });
          }
        }
        for (let k = 0; k < node.min; k++) entry = this.compile(node.item, entry);
        this.counting.pop();
        return entry;
      }
    }
  }
}

/** A compiled whole-value pattern: `test` is true when the whole value matches. */
export interface LinearPattern {
  readonly source: string;
  test(value: string): boolean;
}

/**
 * Compiles `source` as a whole-value pattern (as if written ^(?:source)$), or throws
 * PatternError with the position of the first character outside the subset.
 */
export function linearPattern(source: string): LinearPattern {
  const tree = new Parser(source).parse();
  const compiler = new Compiler((position) => {
    throw new PatternError(position, `the pattern is too large once its counts are written out (over ${MAX_STATES} states or ${MAX_PARTS} parts); use smaller counts, or * and +`);
  });
  const match = compiler.states.length;
  compiler.states.push({ kind: 'match' });
  const start = compiler.compile(tree, match);
  const machine = new Machine(compiler.states, start);
  // A value met again (a YAML alias, or the same value on many routes) is not matched again.
  const seen = new Map<string, boolean>();
  return {
    source,
    test: (value) => {
      let result = seen.get(value);
      if (result === undefined) {
        result = machine.run(value);
        seen.set(value, result);
      }
      return result;
    },
  };
}

const SPLIT = 0;
const SET = 1;
const BOL = 2;
const EOL = 3;
const MATCH = 4;

/**
 * The states in flat arrays, run over a value holding every live state at once: each character
 * visits each state at most once, O(value length x states). A set's ASCII characters are looked
 * up in a bitmap (tenant values are printable ASCII); other characters search its ranges.
 */
class Machine {
  private readonly kind: Uint8Array;
  private readonly out: Int32Array;
  private readonly out2: Int32Array;
  private readonly ascii: Uint32Array;
  private readonly sets: (CharSet | undefined)[];
  private readonly mark: Int32Array;
  private readonly stack: Int32Array;
  private current: Int32Array;
  private next: Int32Array;

  constructor(states: readonly State[], private readonly start: number) {
    const n = states.length;
    this.kind = new Uint8Array(n);
    this.out = new Int32Array(n);
    this.out2 = new Int32Array(n);
    this.ascii = new Uint32Array(n * 4);
    this.sets = states.map((st) => (st.kind === 'set' ? st.set : undefined));
    states.forEach((st, k) => {
      this.kind[k] = st.kind === 'split' ? SPLIT : st.kind === 'set' ? SET : st.kind === 'bol' ? BOL : st.kind === 'eol' ? EOL : MATCH;
      if (st.kind !== 'match') this.out[k] = st.out;
      if (st.kind === 'split') this.out2[k] = st.out2;
      if (st.kind === 'set') {
        for (const [lo, hi] of st.set.ranges) {
          for (let c = lo; c <= Math.min(hi, 127); c++) this.ascii[k * 4 + (c >> 5)] |= 1 << (c & 31);
        }
        if (st.set.negated) for (let w = k * 4; w < k * 4 + 4; w++) this.ascii[w] = ~this.ascii[w];
      }
    });
    this.mark = new Int32Array(n);
    // A step starts the stack with at most one state per live state (n), and in the closure each
    // state is taken unmarked at most once and pushes at most two: never more than 3n.
    this.stack = new Int32Array(3 * n + 1);
    this.current = new Int32Array(n);
    this.next = new Int32Array(n);
  }

  run(value: string): boolean {
    const n = value.length;
    const { kind, out, out2, ascii, sets, mark, stack } = this;
    mark.fill(-1);
    let current = this.current;
    let next = this.next;
    // The states reached from those on the stack without reading a character, at position `pos`
    // (which also marks them as added), go into `list`; returns how many. Order does not matter:
    // only whether the match state is reached does.
    const closure = (list: Int32Array, top: number, pos: number): number => {
      let length = 0;
      while (top > 0) {
        const k = stack[--top];
        if (mark[k] === pos) continue;
        mark[k] = pos;
        const t = kind[k];
        if (t === SPLIT) {
          stack[top++] = out2[k];
          stack[top++] = out[k];
        } else if (t === BOL) {
          if (pos === 0) stack[top++] = out[k];
        } else if (t === EOL) {
          if (pos === n) stack[top++] = out[k];
        } else {
          list[length++] = k;
        }
      }
      return length;
    };
    stack[0] = this.start;
    let live = closure(current, 1, 0);
    for (let pos = 0; pos < n && live > 0; pos++) {
      const c = value.charCodeAt(pos);
      let top = 0;
      for (let i = 0; i < live; i++) {
        const k = current[i];
        if (kind[k] !== SET) continue;
        const hit = c < 128 ? (ascii[k * 4 + (c >> 5)] >>> (c & 31)) & 1 : inSet(sets[k]!, c) ? 1 : 0;
        if (hit) stack[top++] = out[k];
      }
      live = closure(next, top, pos + 1);
      const swap = current;
      current = next;
      next = swap;
    }
    for (let i = 0; i < live; i++) if (kind[current[i]] === MATCH) return true;
    return false;
  }
}
