import * as fs from 'fs';
import * as path from 'path';
import { formatProblem, InputError } from '../lib/input/problems';
import { plan } from '../lib/commands/plan';
import { copyExample, renderTree, ROOT } from './support/tree';

// The file system decides the order readdir lists files in; render with the order reversed.
let reverse = false;
let reversedListings = 0;
jest.mock('fs', () => {
  const actual = jest.requireActual('fs');
  return {
    ...actual,
    readdirSync: (...args: unknown[]) => {
      const entries = actual.readdirSync(...args);
      if (!reverse) return entries;
      reversedListings++;
      return [...entries].reverse();
    },
  };
});

test('the order in which the file system lists tenant files does not change the output', () => {
  const platformFile = path.join(ROOT, 'platform.yaml');
  const tenantsDir = path.join(ROOT, 'tenants');
  const expected = renderTree(platformFile, tenantsDir).tree;
  reverse = true;
  try {
    expect(renderTree(platformFile, tenantsDir).tree).toEqual(expected);
    expect(reversedListings).toBeGreaterThan(0);
  } finally {
    reverse = false;
  }
});

test('the order in which the file system lists tenant files does not change which tenant a conflict is reported on', () => {
  const dir = copyExample();
  // beta takes acme's namespace: the report must name the same file whatever the listing order.
  const beta = path.join(dir, 'tenants', 'beta.yaml');
  fs.writeFileSync(beta, fs.readFileSync(beta, 'utf8').replace('spec:\n', 'spec:\n  namespace: tenant-acme\n'));
  const report = (): string[] => {
    try {
      plan({ platformFile: path.join(dir, 'platform.yaml'), tenantsDir: path.join(dir, 'tenants') });
    } catch (err) {
      if (err instanceof InputError) return err.problems.map(formatProblem);
      throw err;
    }
    throw new Error('expected the conflict to be reported');
  };
  const expected = report();
  expect(expected).toEqual([expect.stringMatching(/beta\.yaml:\d+:\d+: spec\.namespace: namespace "tenant-acme" is already used by tenant "acme"/)]);
  reverse = true;
  try {
    expect(report()).toEqual(expected);
  } finally {
    reverse = false;
  }
});
