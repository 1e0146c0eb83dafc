#!/usr/bin/env node
// Runs the compiled CLI; `npm ci` (prepare) or `npm run build` compiles it into build/.
'use strict';
let cli;
try {
  cli = require('../build/lib/cli.js');
} catch (err) {
  if (err && err.code === 'MODULE_NOT_FOUND') {
    process.stderr.write('tenant-edge: not compiled yet; run `npm ci` or `npm run build` first\n');
    process.exit(2);
  }
  throw err;
}
// A reader that stops early (`tenant-edge sans | head`) is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err && err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}
process.exitCode = cli.run(process.argv.slice(2));
