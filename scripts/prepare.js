// npm runs `prepare` after `npm ci`: it compiles into build/ (tsc, then the generated validators).
// TypeScript is a dev dependency, so a production install (`npm ci --omit=dev`) has no compiler:
// it then keeps a build/ compiled beforehand (copied in, as a deployment image does), and fails
// with a reason when there is none.
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
let tsc;
try {
  tsc = require.resolve('typescript/bin/tsc', { paths: [root] });
} catch {
  if (fs.existsSync(path.join(root, 'build', 'lib', 'cli.js'))) {
    process.stderr.write('tenant-edge: no TypeScript (dev dependencies omitted); keeping the compiled build/\n');
    process.exit(0);
  }
  process.stderr.write('tenant-edge: no TypeScript to compile build/ (dev dependencies omitted): run `npm ci` with them, or copy a compiled build/ in first\n');
  process.exit(1);
}
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
require('./copy-generated.js');
