import { names } from '../model/names';
import { Io } from './io';
import { plan, SynthOptions } from './plan';

/**
 * Prints, per environment and tenant with a control plane, the TenantControlPlane settings tenant-
 * edge's routes rely on, as the spec fields that take them, ready to paste:
 *  - controlPlane.ingress: the hostname, which Steward writes into kubeconfigs, kubeadm's
 *    control-plane endpoint and the konnectivity agent's address (<t>.konnectivity.<domain>:443),
 *    with controllerType generic (no passthrough annotations, no IngressRouteTCP) and the class no
 *    controller serves, so Steward's own Ingress (k8s_ingress_resource.go) routes nothing and
 *    collides with nothing;
 *  - networkProfile.certSANs: the names its API server certificate needs. The operator adds the
 *    endpoint hostname by itself at best, never the konnectivity one or the tenant's extras, so a
 *    missing name is a common failure.
 * Returns how many it listed.
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
      io.out('controlPlane:');
      io.out('  ingress:');
      io.out(`    hostname: ${JSON.stringify(cp.apiServerHost)}`);
      io.out('    controllerType: generic');
      io.out(`    ingressClassName: ${names.unroutedIngressClass}`);
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
