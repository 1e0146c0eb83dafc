import * as fs from 'fs';
import * as path from 'path';
import { parse, parseAllDocuments } from 'yaml';
import { emitYaml, UNCARRIABLE } from '../lib/output/yaml-emit';
import { kubectlPath, runTool } from './support/tools';
import { renderTree, ROOT, tempDir } from './support/tree';

/** Parses with both YAML 1.2 (core) and 1.1 rules: a bare string must stay a string in both. */
function roundTrips(value: unknown): void {
  const text = emitYaml(value);
  expect([text, parse(text, { version: '1.2' })]).toEqual([text, value]);
  expect([text, parse(text, { version: '1.1' })]).toEqual([text, value]);
}

describe('emitYaml', () => {
  test.each([
    ['plain words', 'hello'],
    ['a path', '/healthz'],
    ['an annotation key', 'nginx.ingress.kubernetes.io/proxy-body-size'],
    ['yaml 1.1 booleans', 'yes'],
    ['capitalised boolean', 'True'],
    ['on/off', 'off'],
    ['null word', 'null'],
    ['tilde', '~'],
    ['integer-like', '8080'],
    ['float-like', '1.1'],
    ['octal-like', '0755'],
    ['hex-like', '0x1F'],
    ['exponent', '1e3'],
    ['inf', '.inf'],
    ['timestamp-like', '2026-11-22'],
    ['sexagesimal (YAML 1.1)', '1:30'],
    ['empty', ''],
    ['leading space', ' x'],
    ['trailing space', 'x '],
    ['colon space', 'a: b'],
    ['trailing colon', 'key:'],
    ['comment marker', 'a #b'],
    ['leading hash', '#x'],
    ['star', '*'],
    ['ampersand', '&anchor'],
    ['braces', '{{ $labels.name }}'],
    ['brackets', '[a]'],
    ['quote', "it's"],
    ['double quote', 'say "hi"'],
    ['backslash', 'a\\b'],
    ['newline', 'line one\nline two'],
    ['tab', 'a\tb'],
    ['unicode', 'zürich – 東京'],
    ['dollar capture', '/$2'],
    ['regex path', '/v1(/|$)(.*)'],
    ['percent', '%x'],
    ['at sign', '@'],
    ['pipe', '| literal'],
    ['greater than', '> folded'],
    ['dash', '-'],
    ['dash space', '- item'],
    ['question', '? key'],
    ['promql', 'max by (namespace, name) (certmanager_certificate_ready_status{namespace="acme", condition!="True"}) == 1'],
    ['double spaces', 'a  b'],
    ['exclamation tag', '!tag'],
    ['backtick', '`x`'],
    ['a duration', '10m'],
    ['a compound duration', '1h30m'],
    ['a version', '4.15.1'],
    ['an IPv4 address', '20.10.0.4'],
    ['a uuid', '00000000-0000-0000-0000-000000000000'],
    ['a relative path', './dist/prod'],
    ['a leading-dot float', '.5'],
    ['a float with exponent', '1.5e-3'],
    ['an underscore int', '1_000'],
    ['octal 1.2', '0o17'],
    ['binary', '0b101'],
    ['a negative number', '-12'],
    ['a date with time', '2026-11-22T10:00:00Z'],
    ['nan', '.NaN'],
    ['a letter-led 1.1 float', 'e2'],
  ])('keeps a string with %s a string', (_name, s) => {
    roundTrips({ key: s, list: [s], [s || 'empty-key']: 1 });
  });

  test.each([
    ['numbers', { a: 1, b: -2.5, c: 0 }],
    ['booleans and null', { a: true, b: false, c: null }],
    ['empty collections', { a: {}, b: [], c: [{}], d: [[]] }],
    ['nested lists', { a: [[1, 2], [3, [4]]] }],
    ['lists of maps', { a: [{ x: 1, y: { z: [1] } }, { x: 2 }] }],
    ['top-level list', [1, 'a', { b: 2 }]],
    ['top-level scalar', 'plain'],
  ])('round-trips %s', (_name, value) => roundTrips(value));

  test('keeps random strings built from YAML-significant characters strings', () => {
    // A seeded generator keeps the test reproducible.
    let seed = 42;
    const next = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const alphabet = '0123456789.eExXoObB_-+:/ #mhns,[]{}&*!|>\'"%@`abcfinTZ$()=<;~?';
    for (let i = 0; i < 20000; i++) {
      const len = 1 + Math.floor(next() * 7);
      let s = '';
      for (let j = 0; j < len; j++) s += alphabet[Math.floor(next() * alphabet.length)];
      roundTrips({ k: s });
    }
  });

  test('leaves common values bare so rendered diffs stay readable', () => {
    expect(emitYaml({ a: '10m', b: '4.15.1', c: '20.10.0.4', d: './dist/prod', e: '/healthz', f: 'x{namespace="a"} < 3' })).toBe(
      'a: 10m\nb: 4.15.1\nc: 20.10.0.4\nd: ./dist/prod\ne: /healthz\nf: x{namespace="a"} < 3\n',
    );
    expect(emitYaml({ a: '8080', b: 'true', c: '2026-11-22', d: '1.5' })).toBe('a: "8080"\nb: "true"\nc: "2026-11-22"\nd: "1.5"\n');
  });

  test('writes maps and lists in block style with two-space indentation', () => {
    expect(emitYaml({ a: { b: [1, { c: 'd', e: 'f' }] }, g: 'h' })).toBe('a:\n  b:\n    - 1\n    - c: d\n      e: f\ng: h\n');
  });

  test('sorts keys by UTF-16 code units whatever order they were added in; apiVersion, kind and metadata lead a document', () => {
    // The emitter leaves keys that are already in order as they are: every order must give the same text.
    const keys = ['b', 'B', 'a', '10', '9', 'é', '\ud83d\ude00', '\uff01', 'metadata', 'kind', 'apiVersion', 'a-b', 'a.b', 'a/b'];
    const sorted = [...keys].sort();
    const leading = ['apiVersion', 'kind', 'metadata'];
    const line = (k: string): string => emitYaml({ [k]: 'v' });
    const map = (order: string[]): Record<string, string> => Object.fromEntries(order.map((k) => [k, 'v']));
    const indented = (order: string[], first: string): string => order.map((k, i) => (i === 0 ? first : '  ') + line(k)).join('');
    let seed = 7;
    const next = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (let i = 0; i < 50; i++) {
      const order = i === 0 ? sorted : [...keys].sort(() => next() - 0.5);
      expect(emitYaml(map(order))).toBe([...leading, ...sorted.filter((k) => !leading.includes(k))].map(line).join(''));
      expect(emitYaml({ x: map(order) })).toBe(`x:\n${indented(sorted, '  ')}`);
      expect(emitYaml([map(order)])).toBe(indented(sorted, '- '));
    }
  });

  test('writes a string the same the first time, when remembered, and after the memory was cleared', () => {
    // The emitter remembers how it wrote keys and short values; a fresh copy of the module has
    // remembered nothing, so its first answer for each string is the unremembered one.
    const fresh = (): typeof emitYaml => {
      let f: typeof emitYaml | undefined;
      jest.isolateModules(() => {
        f = (jest.requireActual('../lib/output/yaml-emit') as { emitYaml: typeof emitYaml }).emitYaml;
      });
      return f as typeof emitYaml;
    };
    let seed = 11;
    const next = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const alphabet = '0123456789.eExXoObB_-+:/ #mhns,[]{}&*!|>\'"%@`abcfinTZ$()=<;~?\\\n\té';
    const strings = ['', 'yes', '8080', 'a: b', 'x ', '2026-11-22', 'nginx.ingress.kubernetes.io/proxy-body-size'];
    // Lengths around the longest value remembered (64), so both sides of that limit are covered.
    for (let i = 0; i < 1000; i++) {
      const len = Math.floor(next() * 80);
      let s = '';
      for (let j = 0; j < len; j++) s += alphabet[Math.floor(next() * alphabet.length)];
      // Near neighbours too, which a memory keyed on less than the whole string would confuse.
      strings.push(s, `${s}:`, `${s} `, `${s}0`, s.slice(1), `x${s}`);
    }
    const write = (emit: typeof emitYaml, s: string): string => emit({ [s]: s, list: [s] });
    const cold = fresh();
    const first = strings.map((s) => write(cold, s));
    expect(strings.map((s) => write(cold, s))).toEqual(first);
    // More distinct strings than either memory keeps, so both are cleared at least once.
    const other = fresh();
    for (let i = 0; i < 50_000; i++) other({ [`key-${i}`]: `value-${i}` });
    expect(strings.map((s) => write(other, s))).toEqual(first);
    expect(strings.map((s) => write(other, s))).toEqual(first);
    for (const [i, s] of strings.entries()) expect(parse(first[i], { version: '1.1' })).toEqual({ [s]: s, list: [s] });
  });

  test('rejects values YAML cannot hold', () => {
    expect(() => emitYaml({ a: NaN })).toThrow('cannot write NaN to YAML');
    expect(() => emitYaml({ a: () => 1 })).toThrow('cannot write a function to YAML');
  });

  test('every object of the bundled example round-trips', () => {
    const { tree, objects } = renderTree(path.join(ROOT, 'platform.yaml'), path.join(ROOT, 'tenants'));
    for (const { object } of objects) roundTrips(object);
    for (const [file, content] of Object.entries(tree)) {
      for (const doc of parseAllDocuments(content)) expect([file, doc.errors, doc.warnings]).toEqual([file, [], []]);
    }
  });
});

describe('emitYaml output, read by go-yaml (kubectl kustomize)', () => {
  /** Every code point 0-0x2ff, the boundaries of YAML's printable set, and characters beyond the BMP. */
  const samples: string[] = [];
  for (let c = 0; c <= 0x2ff; c++) samples.push(String.fromCharCode(c));
  for (const c of [0xd7ff, 0xe000, 0xfeff, 0xfffd, 0xfffe, 0xffff, 0x2028, 0x2029]) samples.push(String.fromCharCode(c));
  samples.push(String.fromCodePoint(0x10000), String.fromCodePoint(0x10ffff), '\ud800', '\udfff');
  const carriable = samples.filter((ch) => !UNCARRIABLE.test(ch));

  test('every other character class passes kustomize and comes back as written', () => {
    expect(samples.length - carriable.length).toBe(37);
    const dir = tempDir();
    const data: Record<string, string> = {};
    carriable.forEach((ch, i) => {
      data[`k${i}`] = `a${ch}b`;
      data[`bare${i}`] = ch;
    });
    const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'chars', namespace: 'x' }, data };
    fs.writeFileSync(path.join(dir, 'chars.yaml'), emitYaml(configMap));
    fs.writeFileSync(path.join(dir, 'kustomization.yaml'), emitYaml({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: ['chars.yaml'] }));
    const r = runTool(kubectlPath(), ['kustomize', dir]);
    expect([r.status, r.stderr]).toEqual([0, '']);
    const back = (parseAllDocuments(r.stdout)[0].toJS() as { data: Record<string, string> }).data;
    for (const [key, value] of Object.entries(data)) {
      // A lone surrogate cannot be held by UTF-8 at all: it comes back as U+FFFD, like any reader's.
      const expected = value.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
      expect([key, back[key]]).toEqual([key, expected]);
    }
  });

  test.each(['\u007f', '\u0080', '\u0084', '\u0085', '\u0086', '\u009f', '\u2028', '\u2029', '\ufffe', '\uffff'].map((c) => [`U+${c.charCodeAt(0).toString(16).padStart(4, '0')}`, c]))(
    '%s, which kustomize refuses or changes even escaped, is refused instead of written',
    (_name, ch) => {
      expect(() => emitYaml({ a: `x${ch}y` })).toThrow(/cannot write U\+[0-9A-F]{4} to YAML that kustomize and Flux read/);
      // kustomize's own verdict on the escaped form: an error, or another value.
      const dir = tempDir();
      fs.writeFileSync(path.join(dir, 'c.yaml'), `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\ndata: { a: "x\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}y" }\n`);
      fs.writeFileSync(path.join(dir, 'kustomization.yaml'), 'resources: [c.yaml]\n');
      const r = runTool(kubectlPath(), ['kustomize', dir]);
      const back = r.status === 0 ? (parseAllDocuments(r.stdout)[0].toJS() as { data: { a: string } }).data.a : undefined;
      expect(back).not.toBe(`x${ch}y`);
    },
  );
});
