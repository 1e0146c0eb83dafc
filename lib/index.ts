// Public API.
// The constructs: plain-data props, usable from any cdk8s app. They depend on cdk8s alone.
export * from './constructs/api-object';
export * from './constructs/cert-manager/acme-issuer';
export * from './constructs/cert-manager/certificate';
export * from './constructs/cert-manager/health-checks';
export * from './constructs/core/namespace';
export * from './constructs/flux/annotations';
export * from './constructs/flux/helm-release';
export * from './constructs/flux/helm-repository';
export * from './constructs/flux/kustomization';
export * from './constructs/monitoring/certificate-alerts';
export * from './constructs/networking/ingress';
export * from './constructs/placement';
export * from './constructs/rbac/cluster-role';
export * from './constructs/rbac/namespace-access';
// The pipeline that drives them: input, model, flavours, charts, output.
export { loadInput } from './input/load';
export { InputError, formatProblem } from './input/problems';
export type { Problem } from './input/problems';
export type { Platform, Tenant } from './input/types';
export type { AcmeIssuerModel, FluxModel, MonitoringModel, ControllerModel, RouteTls, CertificateModel, RoutePath, RouteModel, HttpRouteModel, TenantModel, EnvironmentModel } from './model/model';
export { names } from './model/names';
export { resolve, qualify, inDomain } from './model/resolve';
export * from './flavours/registry';
export { PlatformChart } from './charts/platform';
export { TenantChart } from './charts/tenant';
export { environmentUnits } from './charts/units';
export type { RenderUnit } from './charts/units';
export { plan, renderAll, UsageError } from './commands/plan';
export { synthToDir } from './commands/synth';
export { validateManifest, knownKinds } from './output/manifest-schemas';
