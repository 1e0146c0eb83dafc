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
process.exitCode = cli.run(process.argv.slice(2));
