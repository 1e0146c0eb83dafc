import * as fs from 'fs';
import * as path from 'path';
import { Problem } from './problems';
import { validateDocument } from './schema';
import { Platform, Tenant } from './types';
import { YamlSource } from './yaml-source';

/** A validated document and the source it came from. */
export interface Loaded<T> {
  /** File name as the user should read it (relative to the working directory when possible). */
  readonly file: string;
  /**
   * Machine-independent name for generated-file headers: the path relative to the folder that
   * holds platform.yaml, with forward slashes (e.g. tenants/acme.yaml).
   */
  readonly name: string;
  readonly source: YamlSource;
  readonly value: T;
}

export interface LoadResult {
  /** Undefined when platform.yaml is missing or invalid. */
  readonly platform?: Loaded<Platform>;
  /** Valid tenants, sorted by name. */
  readonly tenants: Loaded<Tenant>[];
  /** Number of tenant files read, valid or not. */
  readonly tenantFiles: number;
  readonly problems: Problem[];
}

export interface LoadOptions {
  readonly platformFile: string;
  readonly tenantsDir: string;
}

/** Reads and validates platform.yaml and every tenants/*.yaml; never throws for bad input. */
export function loadInput(opts: LoadOptions): LoadResult {
  const problems: Problem[] = [];
  const base = path.dirname(path.resolve(opts.platformFile));
  const platformDoc = readDocument(opts.platformFile, 'platform', problems, base);

  const tenants: Loaded<Tenant>[] = [];
  const files = listTenantFiles(opts.tenantsDir, problems);
  const byName = new Map<string, string>();
  for (const file of files) {
    const loaded = readDocument(file, 'tenant', problems, base);
    const stem = path.basename(file).replace(/\.ya?ml$/, '');
    const earlier = byName.get(stem);
    if (earlier !== undefined) {
      problems.push({ file, line: 0, col: 0, path: '', message: `tenant file name "${stem}" is also used by ${earlier}; keep one file per tenant` });
      continue;
    }
    byName.set(stem, file);
    if (!loaded) continue;
    if (loaded.value.metadata.name !== stem) {
      problems.push(
        loaded.source.problem(['metadata', 'name'], `must equal the file name "${stem}" (got "${loaded.value.metadata.name}"); rename the file or the tenant`),
      );
      continue;
    }
    tenants.push(loaded);
  }
  tenants.sort((a, b) => (a.value.metadata.name < b.value.metadata.name ? -1 : 1));
  return { platform: platformDoc, tenants, tenantFiles: files.length, problems };
}

function display(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

function readDocument<K extends 'platform' | 'tenant'>(
  file: string,
  kind: K,
  problems: Problem[],
  base: string,
): Loaded<K extends 'platform' ? Platform : Tenant> | undefined {
  const shown = display(file);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : String((err as Error).message);
    problems.push({ file: shown, line: 0, col: 0, path: '', message: `cannot read ${kind === 'platform' ? 'the platform spec' : 'the tenant spec'}: ${why}` });
    return undefined;
  }
  const { source, problems: syntax } = YamlSource.parse(shown, text);
  if (syntax.length > 0) {
    problems.push(...syntax);
    return undefined;
  }
  let data: unknown;
  try {
    data = source.toJS();
  } catch (err) {
    problems.push({ file: shown, line: 0, col: 0, path: '', message: `YAML: ${(err as Error).message.split('\n')[0]}` });
    return undefined;
  }
  const { value, problems: invalid } = validateDocument(kind, source, data);
  if (!value) {
    problems.push(...invalid);
    return undefined;
  }
  const name = path.relative(base, path.resolve(file)).split(path.sep).join('/');
  return { file: shown, name, source, value };
}

function listTenantFiles(dir: string, problems: Problem[]): string[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      problems.push({ file: display(dir), line: 0, col: 0, path: '', message: 'cannot read the tenants folder: no such directory' });
    } else {
      problems.push({ file: display(dir), line: 0, col: 0, path: '', message: `cannot read the tenants folder: ${(err as Error).message}` });
    }
    return [];
  }
  const files = entries.filter((e) => (e.isFile() || e.isSymbolicLink()) && !e.name.startsWith('.')).map((e) => e.name);
  // A spec saved as .YAML or .json would otherwise be skipped without a word.
  for (const name of files.filter((n) => !/\.ya?ml$/.test(n) && /\.(ya?ml|json)$/i.test(n)).sort()) {
    problems.push({ file: display(path.join(dir, name)), line: 0, col: 0, path: '', message: 'tenant specs are read only from files ending in .yaml or .yml; rename this file' });
  }
  return files
    .filter((n) => /\.ya?ml$/.test(n))
    .sort()
    .map((name) => path.join(dir, name));
}
