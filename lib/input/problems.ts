/** A problem found in the input, reported as `file:line:col: path: message`. */
export interface Problem {
  /** File the problem is in, as given on the command line (relative paths stay relative). */
  readonly file: string;
  /**
   * 1-based line; a problem of a file as a whole (one refused unread, or named twice) is at 1:1.
   * 0 only for a folder (the tenants folder, a folder inside it), which has no lines.
   */
  readonly line: number;
  /** 1-based column. */
  readonly col: number;
  /** Dotted path inside the document, e.g. `spec.routes[0].hosts[1]`; empty for the document itself. */
  readonly path: string;
  readonly message: string;
}

export function formatProblem(p: Problem): string {
  const where = p.line > 0 ? `${p.file}:${p.line}:${p.col}` : p.file;
  return p.path ? `${where}: ${p.path}: ${p.message}` : `${where}: ${p.message}`;
}

/** Drops exact repeats (same file, position, path and message), keeping the first. */
export function uniqueProblems(problems: readonly Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.file}\0${p.line}\0${p.col}\0${p.path}\0${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Orders problems by file, then position, then text, so reports are stable. */
export function sortProblems(problems: readonly Problem[]): Problem[] {
  return [...problems].sort(
    (a, b) =>
      cmp(a.file, b.file) || a.line - b.line || a.col - b.col || cmp(a.path, b.path) || cmp(a.message, b.message),
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Problems listed per file; past that, one line says how many more there are. */
export const MAX_PROBLEMS_PER_FILE = 100;

/**
 * Keeps the first MAX_PROBLEMS_PER_FILE problems of each file (in order) and adds a closing line
 * per file that had more, so a hostile or broken file cannot flood the log.
 */
export function capProblems(sorted: readonly Problem[]): Problem[] {
  const out: Problem[] = [];
  const counts = new Map<string, number>();
  for (const p of sorted) counts.set(p.file, (counts.get(p.file) ?? 0) + 1);
  const shown = new Map<string, number>();
  for (const p of sorted) {
    const n = (shown.get(p.file) ?? 0) + 1;
    shown.set(p.file, n);
    if (n <= MAX_PROBLEMS_PER_FILE) out.push(p);
    if (n === MAX_PROBLEMS_PER_FILE && counts.get(p.file)! > n) {
      out.push({ file: p.file, line: p.line, col: p.col, path: '', message: `and ${counts.get(p.file)! - n} more problems in this file, not listed; fix these first` });
    }
  }
  return out;
}

/**
 * Thrown when the input is invalid; carries every problem found, never just the first (up to
 * MAX_PROBLEMS_PER_FILE per file). `total` counts them all.
 */
export class InputError extends Error {
  readonly problems: Problem[];
  readonly total: number;

  constructor(problems: readonly Problem[]) {
    const all = sortProblems(problems);
    const sorted = capProblems(all);
    super(sorted.map(formatProblem).join('\n'));
    this.name = 'InputError';
    this.problems = sorted;
    this.total = all.length;
  }
}

/** Path segments as they appear in a parsed document: keys and array indexes. */
export type PathSegment = string | number;

/** Renders `['spec', 'routes', 0, 'hosts']` as `spec.routes[0].hosts`. */
export function formatPath(segments: readonly PathSegment[]): string {
  let out = '';
  for (const seg of segments) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** Quotes a list of allowed values for a message: `a, b or c`. */
export function listOf(values: readonly string[], conj = 'or'): string {
  const quoted = values.map((v) => JSON.stringify(v));
  if (quoted.length <= 1) return quoted.join('');
  return `${quoted.slice(0, -1).join(', ')} ${conj} ${quoted[quoted.length - 1]}`;
}

/** The closest candidate within a small edit distance, for "did you mean" hints. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDist = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDist) {
      bestDist = d;
      best = c;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}
