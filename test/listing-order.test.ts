import * as path from 'path';
import { renderTree, ROOT } from './support/tree';

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
