import * as path from 'path';
import { listFiles, readRegularFile } from '../output/safe-read';
import { README } from '../output/write';
import { describe, renderAll } from './plan';
import { Io } from './io';

/**
 * Renders in memory and compares with the output folder: every file synth would write must be
 * there with the same bytes, and nothing else may be. With --env only that environment's folder
 * is compared, as synth --env leaves the rest alone.
 */
export function checkCommand(opts: { platformFile: string; tenantsDir: string; outDir: string; env?: string }, io: Io): 'ok' | 'stale' {
  const expected = new Map<string, string>();
  const summary = renderAll(opts, (f) => expected.set(f.path, f.content));
  if (opts.env === undefined) expected.set('README.md', README);
  for (const notice of summary.notices) io.err(notice);
  const outDir = path.resolve(opts.outDir);
  const differences: { file: string; what: 'missing' | 'differs' | 'extra' }[] = [];
  for (const [file, content] of expected) {
    // A file larger than the expected one, or that is no regular file (a FIFO, a link to
    // /dev/zero), is not what synth writes: it differs, and is never read to its end.
    const expectedBytes = Buffer.from(content);
    const actual = readRegularFile(path.join(outDir, file), expectedBytes.length);
    if ('missing' in actual) differences.push({ file, what: 'missing' });
    else if (!('bytes' in actual) || !actual.bytes.equals(expectedBytes)) differences.push({ file, what: 'differs' });
  }
  const present = opts.env === undefined ? listFiles(outDir) : listFiles(path.join(outDir, opts.env)).map((f) => `${opts.env}/${f}`);
  for (const file of present) {
    if (!expected.has(file)) differences.push({ file, what: 'extra' });
  }
  if (differences.length === 0) {
    io.out(`up to date: ${opts.outDir} matches ${describe(summary)}`);
    return 'ok';
  }
  differences.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  for (const d of differences) io.err(`${opts.outDir}/${d.file}: ${d.what}`);
  io.err(`${opts.outDir} is out of date (${differences.length} file${differences.length === 1 ? '' : 's'}); run \`npx tenant-edge synth\` and commit the result`);
  return 'stale';
}
