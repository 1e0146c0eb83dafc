// The cdk8s app: `cdk8s synth` (see cdk8s.yaml) and `npm run synth` run this file, compiled.
// It checks platform.yaml and tenants/ and writes dist/; the CLI (bin/tenant-edge.js) takes options.
import { run } from './lib/cli';

process.exitCode = run(['synth', ...process.argv.slice(2)]);
