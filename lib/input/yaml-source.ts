import { isMap, isPair, isScalar, isSeq, LineCounter, Node, Pair, parseAllDocuments, Document, visit, YAMLMap } from 'yaml';
import { PathSegment, Problem, formatPath } from './problems';

/** Most aliases a spec may use. */
const MAX_ALIASES = 100;

/** Where problems found in a file's data are located: at the line and column of a path in it. */
export interface SourceLocator {
  readonly file: string;
  /**
   * Builds a problem located at the value under `segments`, or at its key when `atKey` is set.
   * Where the path does not exist (a missing key), the nearest existing ancestor is used.
   */
  problem(segments: readonly PathSegment[], message: string, atKey?: boolean): Problem;
}

/**
 * A file read through the fast path (fast-yaml.ts), which keeps no positions: the first problem
 * reported parses the text again with positions. Valid files, the vast majority, never pay for it.
 */
export class LazySource implements SourceLocator {
  private parsed?: YamlSource;

  constructor(
    readonly file: string,
    private readonly text: string,
  ) {}

  problem(segments: readonly PathSegment[], message: string, atKey = false): Problem {
    this.parsed ??= YamlSource.parse(this.file, this.text).source;
    return this.parsed.problem(segments, message, atKey);
  }
}

/** A parsed YAML file that can point back at the line and column of any value or key in it. */
export class YamlSource implements SourceLocator {
  /** Parses `text`; syntax problems are returned with the source rather than thrown. */
  static parse(file: string, text: string): { source: YamlSource; problems: Problem[] } {
    const lineCounter = new LineCounter();
    // Duplicate keys are found below, in one pass: the library's own check compares every key with
    // every earlier one, which is quadratic in a mapping's size.
    const docs = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: false, strict: true });
    const problems: Problem[] = [];
    const list = Array.isArray(docs) ? docs : [];
    const content = list.filter((d) => d.contents !== null);
    const source = new YamlSource(file, lineCounter, content[0] ?? list[0]);
    for (const doc of list) {
      // After the first syntax error the parser reports every later token too; those say nothing new.
      const first = [...doc.errors, ...doc.warnings].sort((a, b) => a.pos[0] - b.pos[0])[0];
      if (first) {
        const [line, col] = source.lineCol(first.pos[0]);
        problems.push({ file, line, col, path: '', message: yamlMessage(first.code, first.message) });
        continue;
      }
      visit(doc, {
        Map(_key, map) {
          const seen = new Set<string>();
          for (const pair of map.items) {
            if (!isScalar(pair.key)) {
              // An alias or a collection as a key hides which key it is from a reviewer (and from
              // the duplicate check); specs spell their keys out.
              const [line, col] = source.lineCol((pair.key as Node | null)?.range?.[0] ?? 0);
              problems.push({ file, line, col, path: '', message: 'a key must be written out, not given by an alias or as a list or mapping' });
              continue;
            }
            const key = String(pair.key.value);
            if (seen.has(key)) {
              const [line, col] = source.lineCol(pair.key.range?.[0] ?? 0);
              problems.push({ file, line, col, path: '', message: 'duplicate key; each key may appear once in a mapping' });
            }
            seen.add(key);
          }
        },
        Alias(_key, alias) {
          if (alias.resolve(doc) === undefined) {
            const [line, col] = source.lineCol(alias.range?.[0] ?? 0);
            problems.push({ file, line, col, path: '', message: `YAML syntax: alias *${alias.source} refers to no anchor; define &${alias.source} before it` });
          }
        },
      });
    }
    if (content.length > 1) {
      const [line, col] = source.lineCol(content[1].range[0]);
      problems.push({ file, line, col, path: '', message: 'a file holds exactly one document; move the second one to its own file' });
    }
    if (content.length === 0 && problems.length === 0) {
      problems.push({ file, line: 1, col: 1, path: '', message: 'the file is empty' });
    }
    return { source, problems };
  }

  private constructor(
    readonly file: string,
    private readonly lineCounter: LineCounter,
    private readonly doc: Document | undefined,
  ) {}

  /**
   * The document as plain data (undefined when the file has no content), or a problem located at
   * the alias that makes it too large: at most 100 aliases, and at most `maxChars` characters of
   * data once they are expanded (a few aliases to large nodes can otherwise multiply a small file).
   */
  expand(maxChars: number): { data: unknown } | { problem: Problem } {
    if (!this.doc) return { data: undefined };
    let aliases = 0;
    let firstAlias: number | undefined;
    visit(this.doc, {
      Alias(_key, alias) {
        aliases++;
        firstAlias ??= alias.range?.[0];
      },
    });
    const at = (): [number, number] => this.lineCol(firstAlias ?? 0);
    if (aliases > MAX_ALIASES) {
      const [line, col] = at();
      return { problem: { file: this.file, line, col, path: '', message: `YAML: ${aliases} aliases, over the ${MAX_ALIASES} a spec may use; write the values out` } };
    }
    let data: unknown;
    try {
      data = this.doc.toJS({ maxAliasCount: MAX_ALIASES });
    } catch (err) {
      const [line, col] = at();
      return { problem: { file: this.file, line, col, path: '', message: `YAML: ${(err as Error).message.split('\n')[0]}` } };
    }
    if (aliases > 0) {
      const size = JSON.stringify(data)?.length ?? 0;
      if (size > maxChars) {
        const [line, col] = at();
        return { problem: { file: this.file, line, col, path: '', message: `YAML: the aliases expand the spec to ${size} characters, over the ${maxChars} allowed; write the values out` } };
      }
    }
    return { data };
  }

  /**
   * Builds a problem located at the value under `segments`, or at its key when `atKey` is set.
   * Where the path does not exist (a missing key), the nearest existing ancestor is used.
   */
  problem(segments: readonly PathSegment[], message: string, atKey = false): Problem {
    const offset = this.offsetOf(segments, atKey);
    const [line, col] = offset === undefined ? [0, 0] : this.lineCol(offset);
    return { file: this.file, line, col, path: formatPath(segments), message };
  }

  /** True when the document has a node at `segments` (used to tell explicit values from defaults). */
  has(segments: readonly PathSegment[]): boolean {
    return this.walk(segments).found;
  }

  private offsetOf(segments: readonly PathSegment[], atKey: boolean): number | undefined {
    const { node, keyNode, found } = this.walk(segments);
    const target = found && atKey && keyNode ? keyNode : node;
    return target?.range?.[0];
  }

  private walk(segments: readonly PathSegment[]): { node?: Node; keyNode?: Node; found: boolean } {
    let node = (this.doc?.contents ?? undefined) as Node | undefined;
    let keyNode: Node | undefined;
    for (const seg of segments) {
      let next: Node | undefined;
      let nextKey: Node | undefined;
      if (isMap(node)) {
        const pair = this.pairsOf(node).get(String(seg));
        if (pair) {
          nextKey = pair.key as Node;
          next = (pair.value ?? pair.key) as Node;
        }
      } else if (isSeq(node) && typeof seg === 'number') {
        next = node.items[seg] as Node | undefined;
      }
      if (!next) return { node, keyNode, found: false };
      node = next;
      keyNode = nextKey;
    }
    return { node, keyNode, found: true };
  }

  /** The scalar-keyed pairs of a mapping by key, built once per mapping (problems look keys up often). */
  private pairsOf(map: YAMLMap): Map<string, Pair> {
    let index = this.pairIndex.get(map);
    if (!index) {
      index = new Map();
      for (const p of map.items) {
        if (isPair(p) && isScalar(p.key) && !index.has(String(p.key.value))) index.set(String(p.key.value), p as Pair);
      }
      this.pairIndex.set(map, index);
    }
    return index;
  }

  private readonly pairIndex = new WeakMap<YAMLMap, Map<string, Pair>>();

  private lineCol(offset: number): [number, number] {
    const pos = this.lineCounter.linePos(offset);
    return [pos.line, pos.col];
  }
}

function yamlMessage(code: string, message: string): string {
  if (code === 'DUPLICATE_KEY') return 'duplicate key; each key may appear once in a mapping';
  // The library's messages carry a source excerpt after the first line; keep the sentence only.
  const first = message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
  return `YAML syntax: ${first.charAt(0).toLowerCase()}${first.slice(1)}`;
}
