// Copies the precompiled validators (plain JavaScript, committed under lib/*/generated/) next to
// the compiled TypeScript in build/, where the compiled modules load them from. Part of `npm run build`.
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
for (const layer of ['input', 'output']) {
  const from = path.join(root, 'lib', layer, 'generated');
  const to = path.join(root, 'build', 'lib', layer, 'generated');
  fs.rmSync(to, { recursive: true, force: true });
  fs.mkdirSync(to, { recursive: true });
  for (const name of fs.readdirSync(from)) fs.copyFileSync(path.join(from, name), path.join(to, name));
}
