import { Io } from './io';
import { plan, SynthOptions } from './plan';

/**
 * Prints, per environment and tenant with a control plane, the names its API server certificate
 * needs, as the TenantControlPlane field that takes them (networkProfile.certSANs), ready to
 * paste. The operator adds the endpoint hostname by itself at best, never the konnectivity one
 * or the tenant's extras, so a missing name is a common failure. Returns how many it listed.
 */
export function sansCommand(opts: SynthOptions, io: Io): number {
  const p = plan(opts);
  let listed = 0;
  for (const env of p.environments) {
    for (const t of env.tenants) {
      const cp = t.controlPlane;
      if (!cp) continue;
      if (listed > 0) io.out('');
      io.out(`# environment ${env.name}, tenant ${t.name}: TenantControlPlane ${cp.namespace}/${cp.routes[0].service.name}`);
      io.out('networkProfile:');
      io.out('  certSANs:');
      for (const san of cp.certSANs) io.out(`    - ${JSON.stringify(san)}`);
      listed++;
    }
  }
  for (const notice of p.notices) io.err(notice);
  if (listed === 0) io.err('no tenant has a control plane (spec.controlPlane)');
  return listed;
}
