/**
 * Rendered trees the real-tool checks run over: the committed dist/ (what Flux applies) and a
 * fresh synth of the spec fixture, which covers shapes the bundled example does not.
 */
import * as fs from 'fs';
import * as path from 'path';
import { synthToDir } from '../../lib/commands/synth';
import { SpecFixture } from './spec-fixtures';
import { ROOT, tempDir } from './tree';

export interface RenderedTree {
  readonly name: string;
  readonly dir: string;
}

/**
 * The committed dist/, a fresh render of the spec fixture, and the spec fixture with control
 * planes behind Traefik (IngressRouteTCPs, which the bundled example's nginx does not render),
 * each as a folder on disk.
 */
export function renderedTrees(): RenderedTree[] {
  const render = (fixture: SpecFixture, prefix: string): string => {
    const out = path.join(tempDir(prefix), 'dist');
    synthToDir({ platformFile: fixture.path('platform.yaml'), tenantsDir: fixture.path('tenants'), outDir: out });
    fixture.cleanup();
    return out;
  };
  const traefik = SpecFixture.create();
  traefik.replace('platform.yaml', '  reservedNamespaces: [legacy]\n', `  reservedNamespaces: [legacy]\n  controlPlanes:\n    controller: traefik\n    namespace: ${CONTROL_PLANES_NAMESPACE}\n`);
  traefik.write('tenants/alpha.yaml', `${traefik.read('tenants/alpha.yaml')}  controlPlane:\n    extraSANs: [10.40.0.201]\n`);
  return [
    { name: 'dist/ (the bundled example)', dir: path.join(ROOT, 'dist') },
    { name: 'the spec fixture', dir: render(SpecFixture.create(), 'tenant-edge-fixture-') },
    { name: 'the spec fixture with control planes behind Traefik', dir: render(traefik, 'tenant-edge-traefik-') },
    { name: 'the spec fixture with control planes behind a Gateway', dir: render(gatewayFixture(), 'tenant-edge-gateway-') },
  ];
}

/**
 * The spec fixture with control planes behind a Gateway (TLSRoutes), and tcp-proxies in every
 * shape the bundled example does not show: a tenant's own image, host aliases, an internal
 * endpoint, a CA from a ConfigMap, an unverified upstream, and an account impersonated in the
 * tenant clusters (GATEWAY_REMOTE_ACCOUNT).
 */
export function gatewayFixture(): SpecFixture {
  const f = SpecFixture.create();
  f.replace(
    'platform.yaml',
    '  reservedNamespaces: [legacy]\n',
    [
      '  reservedNamespaces: [legacy]',
      '  controlPlanes:',
      '    controller: gateway',
      `    namespace: ${CONTROL_PLANES_NAMESPACE}`,
      '    className: control-planes',
      '    tcpProxy:',
      '      image: ghcr.io/butlerdotdev/steward-tcp-proxy:0.2.0',
      '      allowedRepositories: [registry.example.com/platform/tcp-proxy]',
      '      sourceRef: { name: tenant-edge }',
      `      serviceAccountName: ${GATEWAY_REMOTE_ACCOUNT}`,
      '      allowInsecureUpstream: true',
      '',
    ].join('\n'),
  );
  f.write(
    'tenants/alpha.yaml',
    `${f.read('tenants/alpha.yaml')}${[
      '  controlPlane:',
      '    extraSANs: [10.40.0.201]',
      '    tcpProxy:',
      '      image: registry.example.com/platform/tcp-proxy@sha256:' + 'a'.repeat(64),
      '      replicas: 3',
      '      resources: { requests: { cpu: 50m, memory: 48Mi }, limits: { cpu: "1", memory: 128Mi } }',
      '      hostAliases:',
      '        - ip: 10.0.0.9',
      '          hostnames: [registry.alpha.dev.example.com]',
      '      internalEndpoint: { address: 10.40.0.201, port: 31443 }',
      '      upstreamCA: { configMap: { name: tenant-ca, key: ca.crt } }',
      '',
    ].join('\n')}`,
  );
  f.write('tenants/bravo.yaml', `${f.read('tenants/bravo.yaml')}  controlPlane:\n    konnectivity: false\n    tcpProxy: { insecureSkipVerify: true }\n`);
  return f;
}

/** The account the gateway fixture's tcp-proxy Kustomizations impersonate in tenant clusters. */
export const GATEWAY_REMOTE_ACCOUNT = 'tenant-edge-applier';

/** Namespace of the control planes in the trees above (the bundled example's too); the operator creates it. */
export const CONTROL_PLANES_NAMESPACE = 'steward-tenants';

/** Every file below `dir`, absolute, sorted. */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else out.push(full);
    }
  };
  walk(dir);
  return out.sort();
}

/** Folders below `dir` (itself included) that hold a kustomization.yaml, sorted. */
export function kustomizeRoots(dir: string): string[] {
  return filesUnder(dir)
    .filter((f) => path.basename(f) === 'kustomization.yaml')
    .map((f) => path.dirname(f))
    .sort();
}
