/**
 * Names derived from a tenant's name against every limit of what reads them
 * (lib/model/rules/derived-names.ts), per feature and per way of switching it on: the longest
 * accepted name renders a tree in which every name fits every limit, and one character more is
 * refused with the exact message.
 *
 * Upstream facts pinned here: kustomize-controller v1.9.4 labels every object it applies with
 * kustomize.toolkit.fluxcd.io/name: <Kustomization name> (SetOwnerLabels in
 * internal/controller/kustomization_controller.go); helm-controller v1.6.3 labels what it
 * installs with helm.toolkit.fluxcd.io/name: <HelmRelease name> (NewOriginLabels in
 * internal/postrender/build.go); a label value has at most 63 characters, a Helm release name 53.
 */
import { parse } from 'yaml';
import { nginxPolicy } from '../lib/flavours/nginx/policy';
import { problemsOf, renderFixture, SpecFixture } from './support/spec-fixtures';

type Doc = Record<string, any>;

const P = 'platform.yaml';
const IMAGE = 'ghcr.io/butlerdotdev/steward-tcp-proxy:0.2.0';
const SUB = '00000000-0000-0000-0000-000000000000';
const PLATFORM_DNS = `  dns:\n    provider: azure\n    azure:\n      subscriptionID: ${SUB}\n      resourceGroup: tenant-zones\n`;
const ROUTE = '  routes:\n    - { name: web, hosts: ["@", www], paths: [{ path: /, service: web, port: 80 }] }\n';
/** A control-plane domain of 199 characters: <t>.konnectivity.<it> fits 253 up to 40 characters of <t>. */
const LONG_CP_DOMAIN = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(59)}.example.net`;
/** An environment domain of 207 characters: <t>.<it> fits 253 up to 45 characters of <t>. */
const LONG_ENV_DOMAIN = `${'d'.repeat(63)}.${'e'.repeat(63)}.${'f'.repeat(63)}.dev.example.com`;

const KUSTOMIZATION_LABEL = 'a label value may have, and kustomize-controller labels every object it applies with the Kustomization\'s name (kustomize.toolkit.fluxcd.io/name)';

interface Case {
  readonly name: string;
  /** Changes to the platform of the valid fixture. */
  readonly platform?: (f: SpecFixture) => void;
  /** The tenant's spec (the lines under `spec:`). */
  readonly spec: string;
  /** The longest tenant name accepted. */
  readonly longest: number;
  /** A rendered object name that only the feature renders, for tenant `t`. */
  readonly rendered: (t: string) => string;
  /** The message for a name one character longer. */
  readonly message: (t: string) => string;
}

const addPlatform = (f: SpecFixture, lines: string): void => {
  f.replace(P, '  reservedNamespaces: [legacy]\n', `  reservedNamespaces: [legacy]\n${lines}`);
};

const kustomizationMessage = (feature: string, name: string, max: number): string =>
  `${feature}: its Flux Kustomization "${name}" would have 64 characters, over the 63 ${KUSTOMIZATION_LABEL}; use at most ${max} characters`;

const dedicatedMessage = (t: string): string =>
  `too long for a dedicated controller: its Helm release "ingress-nginx-${t}" would have ${14 + t.length} characters, over the 46 the ingress-nginx chart copes with (it adds its own suffixes to the release name); use at most 32 characters`;

const zoneMessage = (t: string): string => kustomizationMessage('too long for a zone', `edge-delegation-${t}`, 47);
const baseMessage = (t: string): string => kustomizationMessage('too long', `edge-namespace-${t}`, 48);

const cases: Case[] = [
  {
    name: 'a tenant on the shared controller (its two Kustomizations)',
    spec: `  ingress:\n    dedicated: false\n${ROUTE}`,
    longest: 48,
    rendered: (t) => `edge-cluster-${t}`,
    message: baseMessage,
  },
  {
    name: 'a dedicated controller from the environment\'s default (dedicatedIngress)',
    spec: `  environments: [prod]\n${ROUTE}`,
    longest: 32,
    rendered: (t) => `ingress-nginx-${t}`,
    message: dedicatedMessage,
  },
  {
    name: 'a dedicated controller from the tenant\'s setting',
    spec: `  environments: [dev]\n  ingress:\n    dedicated: true\n${ROUTE}`,
    longest: 32,
    rendered: (t) => `ingress-nginx-${t}`,
    message: dedicatedMessage,
  },
  {
    name: 'a dedicated controller from a per-environment override',
    spec: `  ingress:\n    dedicated: false\n  overrides:\n    dev:\n      ingress:\n        dedicated: true\n${ROUTE}`,
    longest: 32,
    rendered: (t) => `ingress-nginx-${t}`,
    message: dedicatedMessage,
  },
  {
    name: 'a zone from the environment\'s default (tenantZones; no dns key in the tenant)',
    platform: (f) => {
      addPlatform(f, PLATFORM_DNS);
      f.replace(P, '        loadBalancerIP: 10.0.0.1\n', '        loadBalancerIP: 10.0.0.1\n      dns:\n        tenantZones: true\n');
    },
    spec: `  environments: [prod]\n  ingress:\n    dedicated: false\n${ROUTE}`,
    longest: 47,
    rendered: (t) => `edge-delegation-${t}`,
    message: zoneMessage,
  },
  {
    name: 'a zone from the tenant\'s setting (dns.zone)',
    platform: (f) => {
      addPlatform(f, PLATFORM_DNS);
      f.replace(P, '        loadBalancerIP: 10.0.0.1\n', '        loadBalancerIP: 10.0.0.1\n      dns: {}\n');
    },
    spec: `  environments: [prod]\n  ingress:\n    dedicated: false\n  dns:\n    zone: true\n${ROUTE}`,
    longest: 47,
    rendered: (t) => `edge-zone-${t}`,
    message: zoneMessage,
  },
  {
    name: 'a control plane whose Service name pattern adds 18 characters',
    platform: (f) => addPlatform(f, '  controlPlanes:\n    controller: traefik\n    namespace: steward-tenants\n    service: { name: "control-plane-{tenant}-api" }\n'),
    spec: `  ingress:\n    dedicated: false\n  controlPlane: {}\n${ROUTE}`,
    longest: 45,
    rendered: (t) => `edge-konnectivity-${t}`,
    message: (t) => `too long for a control plane: its Service "control-plane-${t}-api" would have 64 characters, over the 63 a Service name may have; use at most 45 characters`,
  },
  {
    name: 'a control plane under a long control-plane domain (its hostnames)',
    platform: (f) => {
      addPlatform(f, '  controlPlanes:\n    controller: traefik\n    namespace: steward-tenants\n');
      f.replace(P, '      domain: prod.example.com\n', `      domain: prod.example.com\n      controlPlaneDomain: ${LONG_CP_DOMAIN}\n`);
    },
    spec: `  ingress:\n    dedicated: false\n  controlPlane: {}\n${ROUTE}`,
    longest: 40,
    rendered: (t) => `edge-apiserver-${t}`,
    message: (t) => `too long for a control plane: its hostname "${t}.konnectivity.${LONG_CP_DOMAIN}" in environment "prod" would have 254 characters, over the 253 a DNS name may have; use at most 40 characters`,
  },
  {
    name: 'a tcp-proxy (its Kustomization is as long as the tenant\'s own)',
    platform: (f) => addPlatform(f, `  controlPlanes:\n    controller: nginx\n    namespace: steward-tenants\n    tcpProxy:\n      image: ${IMAGE}\n`),
    spec: `  ingress:\n    dedicated: false\n  controlPlane: {}\n${ROUTE}`,
    longest: 48,
    rendered: (t) => `edge-tcp-proxy-${t}`,
    message: baseMessage,
  },
  {
    name: 'a tenant domain under a long environment domain',
    platform: (f) => f.replace(P, '      domain: dev.example.com\n', `      domain: ${LONG_ENV_DOMAIN}\n`),
    spec: '  environments: [dev]\n  ingress:\n    dedicated: false\n',
    longest: 45,
    rendered: (t) => `edge-cluster-${t}`,
    message: (t) => `too long: its domain "${t}.${LONG_ENV_DOMAIN}" in environment "dev" would have 254 characters, over the 253 a DNS name may have; use at most 45 characters`,
  },
];

function fixture(c: Case, t: string): SpecFixture {
  const f = SpecFixture.create();
  c.platform?.(f);
  f.write(`tenants/${t}.yaml`, `apiVersion: tenant-edge.dev/v1alpha1\nkind: Tenant\nmetadata:\n  name: ${t}\nspec:\n${c.spec}`);
  return f;
}

/** Every name in a rendered document that breaks a limit of what reads it, described. */
function overLimits(doc: Doc, file: string): string[] {
  const out: string[] = [];
  const id = `${file}: ${doc.kind}/${doc.metadata?.name}`;
  const over = (what: string, value: unknown, max: number): void => {
    if (typeof value === 'string' && value.length > max) out.push(`${id}: ${what} "${value}" has ${value.length} characters, over ${max}`);
  };
  const dnsName = (what: string, value: unknown): void => {
    if (typeof value !== 'string') return;
    over(what, value, 253);
    for (const label of value.split('.')) over(`${what} label`, label, 63);
  };
  const name = doc.metadata?.name;
  over('metadata.name', name, 253);
  if (['Namespace', 'Service'].includes(doc.kind)) over('metadata.name', name, 63);
  // Flux writes these names into label values of everything they apply.
  if (typeof doc.apiVersion === 'string' && /^(kustomize|helm)\.toolkit\.fluxcd\.io\//.test(doc.apiVersion)) over(`${doc.kind} name (a label value)`, name, 63);
  if (doc.kind === 'HelmRelease') {
    over('spec.releaseName', doc.spec.releaseName, 53);
    over('spec.releaseName (the chart\'s suffixes)', doc.spec.releaseName, nginxPolicy.maxReleaseNameLength);
  }
  if (typeof doc.apiVersion === 'string' && doc.apiVersion.startsWith('network.azure.com/')) dnsName('spec.azureName', doc.spec?.azureName);
  for (const rule of doc.kind === 'Ingress' ? doc.spec.rules ?? [] : []) dnsName('host', rule.host);
  for (const h of doc.kind === 'Certificate' ? doc.spec.dnsNames : []) dnsName('dnsName', h);
  for (const h of doc.spec?.hostnames ?? []) dnsName('hostname', h);
  // Label values anywhere: metadata, selectors, pod templates.
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) {
        if ((k === 'labels' || k === 'matchLabels') && v && typeof v === 'object' && !Array.isArray(v)) {
          for (const [key, value] of Object.entries(v)) over(`label ${key}`, value, 63);
        }
        walk(v);
      }
    }
  };
  walk(doc);
  return out;
}

describe.each(cases)('$name', (c) => {
  const accepted = 'n'.repeat(c.longest);
  const refused = 'n'.repeat(c.longest + 1);

  test(`the longest accepted name (${c.longest} characters) renders, and every name in the tree fits every limit`, () => {
    expect(problemsOf(fixture(c, accepted))).toEqual([]);
    const { tree } = renderFixture(fixture(c, accepted));
    const docs = Object.entries(tree)
      .filter(([file]) => file.endsWith('.yaml'))
      .flatMap(([file, text]) => text.split(/^---$/m).map((d) => [file, parse(d)] as [string, Doc]))
      .filter(([, d]) => d && d.kind !== undefined && d.apiVersion !== 'kustomize.config.k8s.io/v1beta1');
    expect(docs.some(([, d]) => d.metadata?.name === c.rendered(accepted))).toBe(true);
    expect(docs.flatMap(([file, d]) => overLimits(d, file))).toEqual([]);
  });

  test('one character more is refused with the exact message', () => {
    expect(problemsOf(fixture(c, refused))).toEqual([`tenants/${refused}.yaml:4:9: metadata.name: ${c.message(refused)}`]);
  });
});

test('the scan finds what it looks for (a 64-character Kustomization name, label value and host label)', () => {
  const long = 'x'.repeat(64);
  expect(overLimits({ apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name: long, labels: { a: long } } }, 'f')).toEqual([
    `f: Kustomization/${long}: Kustomization name (a label value) "${long}" has 64 characters, over 63`,
    `f: Kustomization/${long}: label a "${long}" has 64 characters, over 63`,
  ]);
  expect(overLimits({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'i' }, spec: { rules: [{ host: `${long}.example.com` }] } }, 'f')).toEqual([
    `f: Ingress/i: host label "${long}" has 64 characters, over 63`,
  ]);
});
