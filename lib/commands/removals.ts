import * as fs from 'fs';
import * as path from 'path';
import { UsageError } from './plan';

/** Tenants one synth may remove from an environment's output without --allow-removal: one, or this share. */
export const REMOVAL_SHARE = 0.1;

/** Tenants whose output an environment folder holds (from its flux/tenant-<name>.yaml files). */
function tenantsIn(outDir: string, env: string): string[] {
  try {
    return fs
      .readdirSync(path.join(path.resolve(outDir), env, 'flux'))
      .map((f) => /^tenant-(.+)\.yaml$/.exec(f)?.[1])
      .filter((t): t is string => t !== undefined);
  } catch {
    return [];
  }
}

/** Refuses to remove more than REMOVAL_SHARE (at least one) of an environment's tenants in one run. */
export function checkRemovals(outDir: string, environments: readonly { readonly name: string; readonly tenants: readonly string[] }[]): void {
  for (const env of environments) {
    const before = tenantsIn(outDir, env.name);
    const now = new Set(env.tenants);
    const removed = before.filter((t) => !now.has(t)).sort();
    const allowed = Math.max(1, Math.floor(before.length * REMOVAL_SHARE));
    if (removed.length > allowed) {
      const list = removed.length > 10 ? `${removed.slice(0, 10).join(', ')} and ${removed.length - 10} more` : removed.join(', ');
      throw new UsageError(`this run would remove ${removed.length} of the ${before.length} tenants of environment "${env.name}" (${list}), and Flux would prune their objects; more than ${allowed} at once needs --allow-removal`);
    }
  }
}
