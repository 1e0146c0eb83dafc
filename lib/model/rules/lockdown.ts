import { PathSegment } from '../../input/problems';
import { PlatformContext, Report } from '../context';

/** A setting that breaks under Flux's multi-tenancy lockdown, at the section that lacks it. */
interface LockdownGap {
  /** The section that lacks the field. */
  readonly path: PathSegment[];
  readonly field: 'sourceRef' | 'serviceAccountName';
  /** What goes wrong without it. */
  readonly why: string;
  /** What to set it to. */
  readonly fix: string;
}

/**
 * What the output needs from the platform under Flux's multi-tenancy lockdown
 * (kustomize-controller v1.9.4 with --no-cross-namespace-refs=true and --default-service-account):
 *  - a Kustomization's sourceRef in another namespace is refused (only sources are checked;
 *    dependsOn may cross namespaces), so the Kustomizations tenant-edge puts outside the Flux
 *    namespace (the tcp-proxy ones beside the kubeconfig Secret, the DNS ones) need a source of
 *    their own namespace;
 *  - a Kustomization without serviceAccountName impersonates the default account, also in the
 *    cluster its kubeConfig reaches: the tcp-proxy ones need an account bound in each tenant
 *    cluster. Every other Kustomization and HelmRelease tenant-edge renders names its account.
 */
function lockdownGaps(ctx: PlatformContext): LockdownGap[] {
  const gaps: LockdownGap[] = [];
  const flux = ctx.spec.flux;
  const source = flux.sourceRef.namespace ?? flux.namespace;
  const crossing = (what: string, ns: string): LockdownGap['why'] =>
    `the ${what} Kustomizations in "${ns}" would read the source ${source}/${flux.sourceRef.name} in another namespace, which kustomize-controller refuses under --no-cross-namespace-refs`;
  const ownSource = (ns: string): string => `a Flux source for this repository in "${ns}"`;
  const cp = ctx.spec.controlPlanes;
  if (cp?.tcpProxy) {
    const at: PathSegment[] = ['spec', 'controlPlanes', 'tcpProxy'];
    if (cp.tcpProxy.sourceRef === undefined && source !== cp.namespace) {
      gaps.push({ path: at, field: 'sourceRef', why: crossing('tcp-proxy', cp.namespace), fix: ownSource(cp.namespace) });
    }
    if (cp.tcpProxy.serviceAccountName === undefined) {
      gaps.push({
        path: at,
        field: 'serviceAccountName',
        why: 'kustomize-controller would apply the tcp-proxy inside each tenant cluster as its --default-service-account, which has no rights there',
        fix: `an account bound in every tenant cluster, which must also exist in "${cp.namespace}" here`,
      });
    }
  }
  const dns = ctx.spec.dns;
  if (dns && dns.sourceRef === undefined && source !== dns.namespace) {
    gaps.push({ path: ['spec', 'dns'], field: 'sourceRef', why: crossing('DNS', dns.namespace), fix: ownSource(dns.namespace) });
  }
  return gaps;
}

/** With spec.flux.lockdown: true, each setting that breaks under the lockdown is a problem at its section. */
export function checkLockdown(ctx: PlatformContext, report: Report): void {
  if (ctx.spec.flux.lockdown !== true) return;
  for (const g of lockdownGaps(ctx)) report(g.path, `needs ${g.field} under spec.flux.lockdown: true: ${g.why}; set it to ${g.fix}`, true);
}

/** With spec.flux.lockdown unset, a notice for each setting that would break under the lockdown. */
export function lockdownNotices(ctx: PlatformContext): string[] {
  if (ctx.spec.flux.lockdown !== undefined) return [];
  return lockdownGaps(ctx).map(
    (g) => `notice: ${ctx.file}: ${g.path.join('.')} has no ${g.field}, which Flux's multi-tenancy lockdown needs: ${g.why}; set it to ${g.fix}, or set spec.flux.lockdown: false if Flux runs without the lockdown`,
  );
}
