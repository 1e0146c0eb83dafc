import { execFileSync } from 'child_process';
import * as fs from 'fs';
import { run } from '../lib/cli';
import { nginxFlavour } from '../lib/flavours/registry';
import { ALPHA_YAML, captureIo, SpecFixture, snapshotTree } from './support/spec-fixtures';

const ALPHA_BYTES = Buffer.byteLength(ALPHA_YAML);
/** The fixture's one raw annotation. */
const KEEP = 'nginx.ingress.kubernetes.io/proxy-buffering: "on"';
/** The keys of the nginx flavour's default allow-list, as messages list them. */
const DEFAULT_KEYS = nginxFlavour.policy.defaultTenantAnnotations.map((r) => r.key).sort().join(', ');

/**
 * Every case starts from the valid fixture of test/support/spec-fixtures.ts (its line numbers are
 * listed there), breaks it in one way and lists the exact problems, `file:line:col: path:
 * message`, that one run must report. File names are relative because the fixture folder is the
 * working directory while the input is loaded.
 *
 * A case with `failing` set documents behaviour that is wrong today: `expected` holds what the
 * run should report, and the test is marked test.failing until the code is fixed (then remove
 * `failing`, and jest will say so by failing the test).
 */
interface Case {
  readonly name: string;
  readonly modify: (f: SpecFixture) => void;
  readonly expected: readonly string[];
  /** Why the current behaviour is wrong; the case then runs as test.failing. */
  readonly failing?: string;
}

const P = 'platform.yaml';
const A = 'tenants/alpha.yaml';
const B = 'tenants/bravo.yaml';
const C = 'tenants/charlie.yaml';

/** The problems `plan` reports for the fixture, formatted; [] when it accepts the input. */
function problemsOf(f: SpecFixture): string[] {
  return f.problems();
}

function withFixture<T>(fn: (f: SpecFixture) => T): T {
  const f = SpecFixture.create();
  try {
    return fn(f);
  } finally {
    f.cleanup();
  }
}

function runCase(c: Case): void {
  withFixture((f) => {
    c.modify(f);
    expect(problemsOf(f)).toEqual(c.expected);
  });
}

/** A tenant file with the given name and body (the lines under `spec:`). */
function tenant(name: string, spec: string): string {
  return `apiVersion: tenant-edge.dev/v1alpha1\nkind: Tenant\nmetadata:\n  name: ${name}\nspec:\n${spec}`;
}

const TLS_EXPECTED = 'certManager, none, {ownCertificate: true} or {secretName: <existing secret>}';
const PORT_EXPECTED = 'a port number (1-65535) or a port name such as http';
const ROUTE_KEYS = 'name, hosts, environments, tls, paths, options, annotations';
const OPTION_KEYS = 'sslRedirect, bodySize, timeouts, websocket, rateLimit, cors, affinity, rewriteTarget, backendProtocol';

// ------------------------------------------------------------------------------ files and YAML

const fileCases: Case[] = [
  {
    name: 'fails if a tenant file is not valid YAML (unclosed flow sequence)',
    modify: (f) => f.replace(A, 'hosts: ["@", www]', 'hosts: ["@", www'),
    expected: [`${A}:13:7: YAML syntax: flow sequence in block collection must be sufficiently indented and end with a ]`],
  },
  {
    name: 'fails with one problem if a YAML syntax error derails the rest of the file (stray "]")',
    modify: (f) => f.replace(A, 'hosts: ["@", www]', 'hosts: ["@", www]]'),
    expected: [`${A}:12:24: YAML syntax: unexpected flow-seq-end token in YAML stream: "]"`],
  },
  {
    name: 'fails with one problem if a line is indented with a tab',
    modify: (f) => f.replace(A, '    - name: status', '\t- name: status'),
    expected: [`${A}:19:1: YAML syntax: tabs are not allowed as indentation`],
  },
  {
    name: 'fails, without reading it, if a tenant spec is a symbolic link to a file outside the folder',
    modify: (f) => {
      f.write('secret.txt', 'TOKEN=hunter2\n');
      fs.symlinkSync(f.path('secret.txt'), f.path('tenants/delta.yaml'));
    },
    expected: ['tenants/delta.yaml:1:1: cannot read the tenant spec: it is a symbolic link; tenant specs must be files in the tenants folder itself'],
  },
  {
    name: 'fails if a tenant spec is a symbolic link to a file inside the folder',
    modify: (f) => fs.symlinkSync('alpha.yaml', f.path('tenants/delta.yaml')),
    expected: ['tenants/delta.yaml:1:1: cannot read the tenant spec: it is a symbolic link; tenant specs must be files in the tenants folder itself'],
  },
  {
    name: 'fails without blocking if a tenant spec is a FIFO',
    modify: (f) => execFileSync('mkfifo', [f.path('tenants/delta.yaml')]),
    expected: ['tenants/delta.yaml:1:1: cannot read the tenant spec: it is not a regular file'],
  },
  {
    name: 'fails if the tenants folder holds a folder (its specs would be dropped without a word)',
    modify: (f) => f.write('tenants/team-x/echo.yaml', tenant('echo', '  ingress:\n    dedicated: false\n')),
    expected: ['tenants/team-x: tenant specs are read only from the tenants folder itself, not from folders inside it; move its files up or remove it'],
  },
  {
    name: 'fails at the first byte that is not UTF-8, instead of replacing it',
    modify: (f) => {
      const [head, tail] = f.read(A).split('bodySize: 10m');
      fs.writeFileSync(f.path(A), Buffer.concat([Buffer.from(`${head}bodySize: 10m # caf`), Buffer.from([0xe9]), Buffer.from(tail)]));
    },
    expected: [`${A}:17:28: cannot read the tenant spec: byte 0xe9 is not UTF-8; save the file as UTF-8`],
  },
  {
    name: 'fails, before parsing, if a tenant spec is larger than 256 KiB',
    modify: (f) => f.write(A, `${f.read(A)}${'#'.repeat(256 * 1024)}\n`),
    expected: [`${A}:1:1: cannot read the tenant spec: it has ${ALPHA_BYTES + 256 * 1024 + 1} bytes, over the 262144 a tenant spec may have`],
  },
  {
    name: 'fails at the first alias if aliases expand a small spec far beyond its size',
    modify: (f) =>
      f.write(
        'tenants/delta.yaml',
        `${tenant('delta', `  ingress:\n    dedicated: false\n  routes:\n    - name: a\n      hosts: [a]\n      paths: [{ path: /, service: a, port: 80 }]\n      annotations: &big\n${Array.from({ length: 40 }, (_, i) => `        k${i}/x: "${'v'.repeat(1000)}"`).join('\n')}\n`)}${Array.from({ length: 60 }, (_, i) => `    - { name: r${i}, hosts: [r${i}], paths: [{ path: /, service: a, port: 80 }], annotations: *big }`).join('\n')}\n`,
      ),
    expected: ['tenants/delta.yaml:53:89: YAML: the aliases expand the spec to 2472075 characters, over the 1048576 allowed; write the values out'],
  },
  {
    name: 'fails at the first alias if a spec uses more than 100 aliases',
    modify: (f) =>
      f.write('tenants/delta.yaml', `${tenant('delta', `  environments: &e [prod]\n  ingress:\n    dedicated: false\n`)}  x: [${Array.from({ length: 101 }, () => '*e').join(', ')}]\n`),
    expected: ['tenants/delta.yaml:9:7: YAML: 101 aliases, over the 100 a spec may use; write the values out'],
  },
  ...(['\\u007f', '\\u0085', '\\t', '\\u2028', '\\uffff'] as const).map(
    (escape): Case => ({
      name: `fails if a string holds a control character (${escape})`,
      modify: (f) => f.replace(B, 'allowOrigins: [https://bravo.example.org]', `allowOrigins: ["https://bravo.example.org${escape}"]`),
      expected: [`${B}:19:26: spec.routes[0].options.cors.allowOrigins[0]: contains the control character U+${JSON.parse(`"${escape}"`).charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()}; specs may hold only printable characters`],
    }),
  ),
  {
    name: 'fails if a key holds a control character',
    modify: (f) => f.replace(C, KEEP, '"nginx.ingress.kubernetes.io/proxy-buffering\\u007f": "on"'),
    expected: [`${C}:15:9: spec.routes[0].annotations["nginx.ingress.kubernetes.io/proxy-buffering\u007f"]: key contains the control character U+007F; specs may hold only printable characters`],
  },
  {
    name: 'fails (and does not crash) if an alias names no anchor',
    modify: (f) => f.replace(A, 'bodySize: 10m', 'bodySize: *size'),
    expected: [`${A}:17:19: YAML syntax: alias *size refers to no anchor; define &size before it`],
  },
  {
    name: 'fails if a key is repeated in a mapping',
    modify: (f) => f.replace(P, '    interval: 10m\n', '    interval: 10m\n    interval: 5m\n'),
    expected: [`${P}:39:5: duplicate key; each key may appear once in a mapping`],
  },
  {
    name: 'fails if a key is repeated in a flow mapping',
    modify: (f) => f.replace(A, '{ path: /, service: web, port: 8080 }', '{ path: /, service: web, port: 8080, port: 80 }'),
    expected: [`${A}:14:48: duplicate key; each key may appear once in a mapping`],
  },
  {
    name: 'fails if a file holds two documents',
    modify: (f) => f.write(B, `${f.read(B)}---\n${f.read(C)}`),
    expected: [`${B}:21:1: a file holds exactly one document; move the second one to its own file`],
  },
  {
    name: 'fails if a tenant file is empty',
    modify: (f) => f.write('tenants/delta.yaml', ''),
    expected: ['tenants/delta.yaml:1:1: the file is empty'],
  },
  {
    name: 'fails if a tenant file holds only comments',
    modify: (f) => f.write('tenants/delta.yaml', '# nothing yet\n'),
    expected: ['tenants/delta.yaml:1:1: the file is empty'],
  },
  {
    name: 'fails if platform.yaml is missing',
    modify: (f) => f.remove(P),
    expected: [`${P}:1:1: cannot read the platform spec: no such file`],
  },
  {
    name: 'fails if platform.yaml is missing, and still reports the tenant files',
    modify: (f) => f.remove(P).replace(A, 'name: alpha', 'name: alfa'),
    expected: [
      `${P}:1:1: cannot read the platform spec: no such file`,
      `${A}:4:9: metadata.name: must equal the file name "alpha" (got "alfa"); rename the file or the tenant`,
    ],
  },
  {
    name: 'fails if the tenants folder is missing',
    modify: (f) => f.remove('tenants'),
    expected: ['tenants: cannot read the tenants folder: no such directory'],
  },
  {
    name: 'fails if two tenant files have the same name (.yaml and .yml)',
    modify: (f) => f.write('tenants/alpha.yml', f.read(A)),
    expected: ['tenants/alpha.yml:1:1: tenant file name "alpha" is also used by tenants/alpha.yaml; keep one file per tenant'],
  },
  {
    name: 'fails if a tenant spec is saved with an extension that is not read (.YAML, .json)',
    modify: (f) => f.write('tenants/delta.YAML', f.read(A)).write('tenants/echo.json', '{}').write('tenants/README.md', '# notes'),
    expected: [
      'tenants/delta.YAML:1:1: tenant specs are read only from files ending in .yaml or .yml; rename this file',
      'tenants/echo.json:1:1: tenant specs are read only from files ending in .yaml or .yml; rename this file',
    ],
  },
];

// ----------------------------------------------------------------------------------------- schema

const schemaCases: Case[] = [
  {
    name: 'fails if the top level of a tenant has an unknown key',
    modify: (f) => f.replace(A, 'kind: Tenant\n', 'kind: Tenant\nlabels: {}\n'),
    expected: [`${A}:3:1: labels: unknown key "labels"; allowed keys: apiVersion, kind, metadata, spec`],
  },
  {
    name: 'fails with one problem if a top-level key is misspelt (did you mean)',
    modify: (f) => f.replace(P, 'apiVersion:', 'apiversion:'),
    expected: [`${P}:1:1: apiversion: unknown key "apiversion" (did you mean "apiVersion"?); allowed keys: apiVersion, kind, metadata, spec`],
  },
  {
    name: 'fails if the tenant spec has an unknown key',
    modify: (f) => f.replace(B, '  extraDomains:', '  extraDomain:'),
    expected: [
      `${B}:7:3: spec.extraDomain: unknown key "extraDomain" (did you mean "extraDomains"?); allowed keys: environments, namespace, extraDomains, ingress, tls, routes, overrides, controlPlane, dns`,
    ],
  },
  {
    name: 'fails if the platform spec has an unknown key',
    modify: (f) => f.replace(P, '  reservedNamespaces:', '  reservedNamespace:'),
    expected: [
      `${P}:36:3: spec.reservedNamespace: unknown key "reservedNamespace" (did you mean "reservedNamespaces"?); allowed keys: environments, issuers, ingress, flux, monitoring, controlPlanes, dns, reservedNamespaces, tenantNamespacePrefix, reservedTenantNames, tenantCertificates`,
    ],
  },
  {
    name: 'fails if a route has an unknown key',
    modify: (f) => f.replace(C, '      environments: [prod]', '      environment: [prod]'),
    expected: [`${C}:18:7: spec.routes[1].environment: unknown key "environment" (did you mean "environments"?); allowed keys: ${ROUTE_KEYS}`],
  },
  {
    name: 'fails if route options have an unknown key',
    modify: (f) => f.replace(A, 'bodySize: 10m', 'bodysize: 10m'),
    expected: [`${A}:17:9: spec.routes[0].options.bodysize: unknown key "bodysize" (did you mean "bodySize"?); allowed keys: ${OPTION_KEYS}`],
  },
  {
    name: 'fails if an unknown key resembles no allowed key (no hint)',
    modify: (f) => f.replace(A, 'bodySize: 10m', 'compression: gzip'),
    expected: [`${A}:17:9: spec.routes[0].options.compression: unknown key "compression"; allowed keys: ${OPTION_KEYS}`],
  },
  {
    name: 'fails if a string is given for an integer',
    modify: (f) => f.replace(A, 'timeouts: { read: 300 }', 'timeouts: { read: "300" }'),
    expected: [`${A}:18:27: spec.routes[0].options.timeouts.read: must be a whole number (got "300")`],
  },
  {
    name: 'fails if a scalar is given for a list',
    modify: (f) => f.replace(A, 'hosts: [status]', 'hosts: status'),
    expected: [`${A}:20:14: spec.routes[1].hosts: must be a list (got "status")`],
  },
  {
    name: 'fails if spec is empty',
    modify: (f) => f.write('tenants/delta.yaml', tenant('delta', '')),
    expected: ['tenants/delta.yaml:5:6: spec: must be a mapping (got null)'],
  },
  {
    name: 'fails if a number is out of range',
    modify: (f) => f.replace(A, 'timeouts: { read: 300 }', 'timeouts: { read: 0 }'),
    expected: [`${A}:18:27: spec.routes[0].options.timeouts.read: must be at least 1 (got 0)`],
  },
  {
    name: 'fails if pathType is not one of the allowed values',
    modify: (f) => f.replace(A, 'pathType: Exact', 'pathType: Regex'),
    expected: [`${A}:24:21: spec.routes[1].paths[0].pathType: "Regex" is not allowed; must be one of "Prefix", "Exact" or "ImplementationSpecific"`],
  },
  {
    name: 'fails if apiVersion is not tenant-edge.dev/v1alpha1',
    modify: (f) => f.replace(B, 'apiVersion: tenant-edge.dev/v1alpha1', 'apiVersion: tenant-edge.dev/v1'),
    expected: [`${B}:1:13: apiVersion: must be "tenant-edge.dev/v1alpha1" (got "tenant-edge.dev/v1")`],
  },
  {
    name: 'fails if platform.yaml has kind Tenant',
    modify: (f) => f.replace(P, 'kind: Platform', 'kind: Tenant'),
    expected: [`${P}:2:7: kind: must be "Platform" (got "Tenant")`],
  },
  {
    name: 'fails if a host is not a lower-case host name',
    modify: (f) => f.replace(A, 'hosts: ["@", www]', 'hosts: ["@", WWW]'),
    expected: [`${A}:12:20: spec.routes[0].hosts[1]: "WWW" is not "@", a lower-case label such as "api", "*" or a host name such as api.example.com`],
  },
  {
    name: 'fails if an environment domain has one label',
    modify: (f) => f.replace(P, 'domain: dev.example.com', 'domain: dev'),
    expected: [`${P}:8:15: spec.environments[0].domain: "dev" is not a lower-case domain name with at least two labels, such as example.com`],
  },
  {
    name: 'fails if an issuer e-mail is not an e-mail address',
    modify: (f) => f.replace(P, 'email: ops@example.com\n        dns01', 'email: ops.example.com\n        dns01'),
    expected: [`${P}:20:16: spec.issuers[0].acme.email: "ops.example.com" is not an e-mail address`],
  },
  {
    name: 'fails if a Flux interval is not a duration',
    modify: (f) => f.replace(P, 'interval: 10m', 'interval: 10 minutes'),
    expected: [`${P}:38:15: spec.flux.interval: "10 minutes" is not a Go duration such as 30s, 10m or 1h`],
  },
  {
    name: 'fails if the chart version is a range',
    modify: (f) => f.replace(P, 'version: 4.15.1', 'version: ^4.15.0'),
    expected: [`${P}:35:16: spec.ingress.chart.version: "^4.15.0" is not an exact version such as 4.15.1`],
  },
  {
    name: 'fails if a loadBalancerIP is not an address',
    modify: (f) => f.replace(A, 'loadBalancerIP: 10.0.0.2', 'loadBalancerIP: 10.0.0.256'),
    expected: [`${A}:9:25: spec.overrides.prod.ingress.loadBalancerIP: "10.0.0.256" is not an IPv4 or IPv6 address`],
  },
  {
    name: 'fails if an Azure subscription is not a UUID',
    modify: (f) => f.replace(P, 'subscriptionID: 00000000-0000-0000-0000-000000000000', 'subscriptionID: my-subscription'),
    expected: [`${P}:23:29: spec.issuers[0].acme.dns01.azureDNS.subscriptionID: "my-subscription" is not a UUID such as 00000000-0000-0000-0000-000000000000`],
  },
  {
    name: 'fails with one problem if an annotation key is not an annotation key',
    modify: (f) => f.replace(C, 'nginx.ingress.kubernetes.io/proxy-buffering:', '"nginx.ingress.kubernetes.io/proxy buffering":'),
    expected: [
      `${C}:15:9: spec.routes[0].annotations["nginx.ingress.kubernetes.io/proxy buffering"]: key "nginx.ingress.kubernetes.io/proxy buffering" is not an annotation key such as nginx.ingress.kubernetes.io/proxy-buffering`,
    ],
  },
  {
    name: 'fails if metadata.name is not a DNS label',
    modify: (f) => f.replace(P, 'name: demo', 'name: Demo'),
    expected: [
      `${P}:4:9: metadata.name: "Demo" is not a DNS label: lower-case letters, digits and '-', at most 63 characters, starting and ending with a letter or digit`,
    ],
  },
  {
    name: 'fails if a route lists no hosts',
    modify: (f) => f.replace(A, 'hosts: [status]', 'hosts: []'),
    expected: [`${A}:20:14: spec.routes[1].hosts: must list at least 1 item`],
  },
  {
    name: 'fails if a route lists no paths',
    modify: (f) => f.replace(B, '      paths:\n        - { path: /, service: shop, port: 80 }\n', '      paths: []\n'),
    expected: [`${B}:15:14: spec.routes[0].paths: must list at least 1 item`],
  },
  {
    name: 'fails at the second occurrence if a route lists a host twice',
    modify: (f) => f.replace(A, 'hosts: ["@", www]', 'hosts: ["@", www, www]'),
    expected: [`${A}:12:25: spec.routes[0].hosts[2]: duplicate of item 1: "www"`],
  },
  {
    name: 'fails with one problem if tls is a misspelt mode',
    modify: (f) => f.replace(A, 'tls: none', 'tls: certmanager'),
    expected: [`${A}:21:12: spec.routes[1].tls: "certmanager" is not ${TLS_EXPECTED}`],
  },
  {
    name: 'fails with one problem if tls is a mapping without secretName',
    modify: (f) => f.replace(C, 'tls: { secretName: legacy-tls }', 'tls: { secret: legacy-tls }'),
    expected: [`${C}:19:12: spec.routes[1].tls: {"secret":"legacy-tls"} is not ${TLS_EXPECTED}`],
  },
  {
    name: 'fails with one problem if tls.secretName is not a DNS name',
    modify: (f) => f.replace(C, 'tls: { secretName: legacy-tls }', 'tls: { secretName: Legacy_TLS }'),
    expected: [`${C}:19:26: spec.routes[1].tls.secretName: "Legacy_TLS" is not a lower-case DNS name such as api-tls`],
  },
  {
    name: 'fails if a port is neither a number nor a port name',
    modify: (f) => f.replace(A, 'port: http }', 'port: HTTP }'),
    expected: [`${A}:15:45: spec.routes[0].paths[1].port: "HTTP" is not ${PORT_EXPECTED}`],
  },
  {
    name: 'fails if a port is a quoted number',
    modify: (f) => f.replace(A, 'port: 8080 }', 'port: "8080" }'),
    expected: [`${A}:14:42: spec.routes[0].paths[0].port: "8080" is not ${PORT_EXPECTED}`],
  },
  {
    name: 'fails if a port number is out of range',
    modify: (f) => f.replace(A, 'port: 8080 }', 'port: 70000 }'),
    expected: [`${A}:14:42: spec.routes[0].paths[0].port: must be at most 65535 (got 70000)`],
  },
  {
    name: 'fails if a required key is missing',
    modify: (f) => f.replace(A, '          service: status\n', ''),
    expected: [`${A}:23:11: spec.routes[1].paths[0]: missing required key "service"`],
  },
];

// ------------------------------------------------------------------------------ cross-file rules

const RESERVED = ['kube-system', 'default', 'flux-system', 'ingress-nginx', 'kube-extra', 'legacy'] as const;

const crossCases: Case[] = [
  {
    name: 'fails if metadata.name differs from the file name',
    modify: (f) => f.replace(A, 'name: alpha', 'name: alfa'),
    expected: [`${A}:4:9: metadata.name: must equal the file name "alpha" (got "alfa"); rename the file or the tenant`],
  },
  {
    name: 'fails if an environment is listed twice',
    modify: (f) => f.replace(P, '  issuers:\n', '    - name: dev\n      domain: dev2.example.com\n  issuers:\n'),
    expected: [`${P}:16:13: spec.environments[2].name: duplicate environment "dev" (first at spec.environments[0])`],
  },
  {
    name: 'fails if an issuer is listed twice (and the first definition still counts)',
    modify: (f) =>
      f.replace(
        P,
        '  ingress:\n',
        '    - name: le-dns\n      environments: [prod]\n      acme:\n        server: staging\n        email: ops@example.com\n        http01: {}\n  ingress:\n',
      ),
    expected: [`${P}:33:13: spec.issuers[2].name: duplicate issuer "le-dns" (first at spec.issuers[0])`],
  },
  {
    name: 'fails if an issuer has no solver',
    modify: (f) => f.replace(P, '        http01: {}\n', ''),
    expected: [`${P}:30:9: spec.issuers[1].acme: set exactly one solver, http01 or dns01 (got none)`],
  },
  {
    name: 'fails if an issuer has both solvers',
    modify: (f) =>
      f.replace(
        P,
        '        http01: {}\n',
        '        http01: {}\n        dns01:\n          azureDNS:\n            subscriptionID: 00000000-0000-0000-0000-000000000000\n            resourceGroupName: dns\n            hostedZoneName: example.com\n            managedIdentityClientID: 11111111-1111-1111-1111-111111111111\n',
      ),
    expected: [`${P}:30:9: spec.issuers[1].acme: set exactly one solver, http01 or dns01 (got both)`],
  },
  {
    name: 'fails if an issuer names an unknown environment',
    modify: (f) => f.replace(P, 'environments: [prod]', 'environments: [prod, staging]'),
    expected: [`${P}:28:28: spec.issuers[1].environments[1]: unknown environment "staging"; environments: dev, prod`],
  },
  {
    name: 'fails if an environment names an issuer that is not defined',
    modify: (f) => f.replace(P, 'domain: dev.example.com\n      issuer: le-dns', 'domain: dev.example.com\n      issuer: le-nope'),
    expected: [`${P}:9:15: spec.environments[0].issuer: issuer "le-nope" is not defined; platform issuers: le-dns, le-http`],
  },
  {
    name: 'fails if an environment names an issuer not rendered in it',
    modify: (f) => f.replace(P, 'domain: dev.example.com\n      issuer: le-dns', 'domain: dev.example.com\n      issuer: le-http'),
    expected: [`${P}:9:15: spec.environments[0].issuer: issuer "le-http" is not rendered in environment "dev" (its environments: prod)`],
  },
  {
    name: 'fails if a tenant names an unknown environment',
    modify: (f) => f.replace(B, 'environments: [prod]', 'environments: [prod, qa]'),
    expected: [`${B}:6:24: spec.environments[1]: unknown environment "qa"; platform environments: dev, prod`],
  },
  {
    name: 'fails if an override key is not one of the tenant environments',
    modify: (f) => f.replace(B, '  routes:\n', '  overrides:\n    dev:\n      domain: bravo.example.net\n  routes:\n'),
    expected: [`${B}:13:5: spec.overrides.dev: "dev" is not one of the tenant's environments (prod)`],
  },
  {
    name: 'fails if an override key is no environment at all',
    modify: (f) => f.replace(A, '    prod:\n', '    prd:\n'),
    expected: [`${A}:7:5: spec.overrides.prd: "prd" is not one of the tenant's environments (dev, prod)`],
  },
  ...RESERVED.map(
    (ns): Case => ({
      name: `fails if a tenant namespace is reserved (${ns})`,
      modify: (f) => f.replace(C, 'namespace: team-charlie', `namespace: ${ns}`),
      expected: [`${C}:6:14: spec.namespace: namespace "${ns}" is reserved for the platform; set spec.namespace to another name`],
    }),
  ),
  {
    name: 'fails if the platform\'s rule labels set a label tenant-edge owns (managed-by, the Flux tenant label)',
    modify: (f) => f.replace(P, '  flux:\n', '  monitoring:\n    ruleLabels:\n      release: prom\n      app.kubernetes.io/managed-by: helm\n      toolkit.fluxcd.io/tenant: someone-else\n  flux:\n'),
    expected: [
      'platform.yaml:40:7: spec.monitoring.ruleLabels["app.kubernetes.io/managed-by"]: "app.kubernetes.io/managed-by" is a label tenant-edge sets itself; choose another key',
      'platform.yaml:41:7: spec.monitoring.ruleLabels["toolkit.fluxcd.io/tenant"]: "toolkit.fluxcd.io/tenant" is a label tenant-edge sets itself; choose another key',
    ],
  },
  {
    name: 'fails if the renewal grace is out of range, or lockdown is not a boolean',
    modify: (f) => f.replace(P, '  flux:\n    interval: 10m\n', '  monitoring:\n    renewalGraceHours: 0\n  flux:\n    interval: 10m\n    lockdown: yes\n'),
    expected: [
      `${P}:38:24: spec.monitoring.renewalGraceHours: must be at least 1 (got 0)`,
      `${P}:41:15: spec.flux.lockdown: must be true or false (got "yes")`,
    ],
  },
  {
    name: 'fails if a tenant namespace is where the platform runs cert-manager (monitoring.certManagerNamespace)',
    modify: (f) => f.replace(P, '  flux:\n', '  monitoring:\n    certManagerNamespace: certs\n  flux:\n').replace(C, 'namespace: team-charlie', 'namespace: certs'),
    expected: [`${C}:6:14: spec.namespace: namespace "certs" is reserved for the platform; set spec.namespace to another name`],
  },
  {
    name: 'with a namespace prefix, a tenant namespace must start with it, and the default has it',
    modify: (f) => f.replace(P, '  reservedNamespaces: [legacy]\n', '  reservedNamespaces: [legacy]\n  tenantNamespacePrefix: team-\n').replace(A, 'spec:\n', 'spec:\n  namespace: velero\n'),
    expected: [`${A}:6:14: spec.namespace: namespace "velero" does not start with "team-", which the platform requires of tenant namespaces (spec.tenantNamespacePrefix in platform.yaml)`],
  },
  {
    name: 'fails if a tenant is named like a host the platform keeps (www.<environment domain>)',
    modify: (f) => f.write('tenants/www.yaml', tenant('www', '  ingress:\n    dedicated: false\n')),
    expected: ['tenants/www.yaml:4:9: metadata.name: tenant name "www" is reserved for the platform: the tenant\'s domain would be www.<environment domain>; choose another name'],
  },
  {
    name: 'fails if a tenant name is on the platform\'s own reserved list',
    modify: (f) => f.replace(P, '  reservedNamespaces: [legacy]\n', '  reservedNamespaces: [legacy]\n  reservedTenantNames: [shop]\n').write('tenants/shop.yaml', tenant('shop', '  ingress:\n    dedicated: false\n')),
    expected: ['tenants/shop.yaml:4:9: metadata.name: tenant name "shop" is reserved for the platform: the tenant\'s domain would be shop.<environment domain>; choose another name'],
  },
  {
    name: 'fails if a tenant\'s domain would be another environment\'s domain',
    modify: (f) => f.replace(P, 'domain: prod.example.com', 'domain: example.com').replace(P, 'domain: dev.example.com', 'domain: dev.example.com').write('tenants/dev.yaml', tenant('dev', '  ingress:\n    dedicated: false\n  environments: [prod]\n')),
    expected: ['tenants/dev.yaml:4:9: metadata.name: the tenant\'s domain "dev.example.com" is (or contains) the domain of environment "dev" (dev.example.com); rename the tenant'],
  },
  {
    name: 'fails if a key is given by an alias (a reviewer could not tell which key it is)',
    modify: (f) => f.replace(C, '  namespace: team-charlie\n', '  &k namespace: team-charlie\n  *k : other\n'),
    expected: [`${C}:7:3: a key must be written out, not given by an alias or as a list or mapping`],
  },
  {
    name: 'fails if a route names an issuer\'s ACME account key as its Secret',
    modify: (f) => f.replace(C, 'secretName: legacy-tls', 'secretName: le-http-account-key'),
    expected: [`${C}:19:26: spec.routes[1].tls.secretName: "le-http-account-key" is the Secret that issuer "le-http" (its ACME account key) writes; name another Secret`],
  },
  {
    name: 'fails if a tenant without spec.namespace is named like a reserved namespace',
    modify: (f) => f.write('tenants/monitoring.yaml', tenant('monitoring', '  ingress:\n    dedicated: false\n')),
    expected: ['tenants/monitoring.yaml:4:9: metadata.name: namespace "monitoring" is reserved for the platform; set spec.namespace to another name'],
  },
  {
    name: 'fails if two tenants use the same namespace',
    modify: (f) => f.replace(A, 'spec:\n', 'spec:\n  namespace: team-charlie\n'),
    expected: [`${C}:6:14: spec.namespace: namespace "team-charlie" is already used by tenant "alpha" (tenants/alpha.yaml)`],
  },
  {
    name: "fails if a tenant's namespace is another tenant's default namespace",
    modify: (f) => f.replace(C, 'namespace: team-charlie', 'namespace: alpha'),
    expected: [`${C}:6:14: spec.namespace: namespace "alpha" is already used by tenant "alpha" (tenants/alpha.yaml)`],
  },
  {
    name: 'fails if two routes have the same name',
    modify: (f) => f.replace(A, '- name: status', '- name: web'),
    expected: [`${A}:19:13: spec.routes[1].name: duplicate route "web" (first at spec.routes[0])`],
  },
  {
    name: 'fails if a route names an environment the tenant is not in',
    modify: (f) => f.replace(B, '    - name: shop\n', '    - name: shop\n      environments: [dev]\n'),
    expected: [`${B}:14:22: spec.routes[0].environments[0]: "dev" is not one of the tenant's environments (prod)`],
  },
  {
    name: 'fails if a host lies outside the tenant domains',
    modify: (f) => f.replace(A, 'hosts: [status]', 'hosts: [status.example.net]'),
    expected: [
      `${A}:20:15: spec.routes[1].hosts[0]: "status.example.net" is outside the tenant's domains in environment "dev" (alpha.dev.example.com); add its domain to spec.extraDomains if the tenant owns it`,
      `${A}:20:15: spec.routes[1].hosts[0]: "status.example.net" is outside the tenant's domains in environment "prod" (alpha.prod.example.com); add its domain to spec.extraDomains if the tenant owns it`,
    ],
  },
  {
    name: "fails if a host lies in another tenant's domain",
    modify: (f) => f.replace(A, 'hosts: [status]', 'hosts: [status.charlie.prod.example.com]'),
    expected: [
      `${A}:20:15: spec.routes[1].hosts[0]: "status.charlie.prod.example.com" is outside the tenant's domains in environment "dev" (alpha.dev.example.com); add its domain to spec.extraDomains if the tenant owns it`,
      `${A}:20:15: spec.routes[1].hosts[0]: "status.charlie.prod.example.com" is outside the tenant's domains in environment "prod" (alpha.prod.example.com); it belongs to tenant "charlie" (tenants/charlie.yaml)`,
    ],
  },
  {
    name: "fails if a host lies in another tenant's extra domain",
    modify: (f) => f.replace(A, 'hosts: [status]', 'hosts: [status.bravo.example.org]'),
    expected: [
      `${A}:20:15: spec.routes[1].hosts[0]: "status.bravo.example.org" is outside the tenant's domains in environment "dev" (alpha.dev.example.com); add its domain to spec.extraDomains if the tenant owns it`,
      `${A}:20:15: spec.routes[1].hosts[0]: "status.bravo.example.org" is outside the tenant's domains in environment "prod" (alpha.prod.example.com); it belongs to tenant "bravo" (tenants/bravo.yaml)`,
    ],
  },
  {
    name: 'fails if two tenants claim the same extra domain',
    modify: (f) => f.replace(C, 'spec:\n', 'spec:\n  extraDomains: [bravo.example.org]\n'),
    expected: [`${C}:6:18: spec.extraDomains[0]: domain "bravo.example.org" is already claimed by tenant "bravo" in environment "prod" (tenants/bravo.yaml)`],
  },
  {
    name: "fails if an extra domain lies inside another tenant's extra domain",
    modify: (f) => f.replace(C, 'spec:\n', 'spec:\n  extraDomains: [shop.bravo.example.org]\n'),
    expected: [
      `${B}:7:18: spec.extraDomains[0]: domain "bravo.example.org" contains "shop.bravo.example.org", claimed by tenant "charlie" in environment "prod" (tenants/charlie.yaml)`,
      `${C}:6:18: spec.extraDomains[0]: domain "shop.bravo.example.org" lies inside "bravo.example.org", claimed by tenant "bravo" in environment "prod" (tenants/bravo.yaml)`,
    ],
  },
  {
    name: "fails if an extra domain lies inside another tenant's default domain",
    modify: (f) => f.replace(C, 'spec:\n', 'spec:\n  extraDomains: [x.alpha.prod.example.com]\n'),
    expected: [
      `${C}:6:18: spec.extraDomains[0]: extra domain "x.alpha.prod.example.com" lies under the domain of environment "prod" (prod.example.com) and belongs to tenant "alpha" (tenants/alpha.yaml); a tenant may claim only its own part, charlie.prod.example.com`,
    ],
  },
  ...['www.example.com', 'mail.example.com', 'x.y.example.com'].map(
    (claim): Case => ({
      name: `fails if an extra domain (${claim}) lies in a DNS-01 issuer's zone that holds the environment domains, outside the tenant's own part`,
      modify: (f) => f.replace(B, 'extraDomains: [bravo.example.org]', `extraDomains: [bravo.example.org, "${claim}"]`),
      expected: [
        `${B}:7:37: spec.extraDomains[1]: extra domain "${claim}" lies in the zone "example.com" where issuer "le-dns" answers DNS-01 challenges, which holds the domain of environment "dev" (dev.example.com): its names belong to the platform; a tenant may claim only its own part, bravo.dev.example.com or bravo.prod.example.com`,
      ],
    }),
  ),
  // An issuer zone that holds no environment domain is the platform's all the same: the issuer
  // answers challenges there with the platform's identity, so a tenant that claimed its apex would
  // get a certificate for it. The issuer is rendered in prod only; its zone is refused everywhere.
  ...['example.net', 'www.example.net', 'mail.example.net'].map(
    (claim): Case => ({
      name: `fails if an extra domain (${claim}) lies in a DNS-01 issuer's zone that holds no environment domain`,
      modify: (f) =>
        f
          .replace(
            P,
            '  ingress:\n',
            '    - name: le-net\n      environments: [prod]\n      acme:\n        server: staging\n        email: ops@example.com\n        dns01:\n          azureDNS:\n            subscriptionID: 00000000-0000-0000-0000-000000000000\n            resourceGroupName: dns\n            hostedZoneName: example.net\n            managedIdentityClientID: 11111111-1111-1111-1111-111111111111\n  ingress:\n',
          )
          .replace(B, 'extraDomains: [bravo.example.org]', `extraDomains: [bravo.example.org, "${claim}"]`),
      expected: [
        `${B}:7:37: spec.extraDomains[1]: extra domain "${claim}" lies in the zone "example.net" where issuer "le-net" answers DNS-01 challenges, which holds no environment domain: its names belong to the platform; a tenant may claim none of them`,
      ],
    }),
  ),
  {
    name: "fails if a domain override lies in a DNS-01 issuer's zone outside the tenant's own part",
    modify: (f) => f.replace(A, '    prod:\n', '    prod:\n      domain: alpha.example.com\n'),
    expected: [
      `${A}:8:15: spec.overrides.prod.domain: domain "alpha.example.com" lies in the zone "example.com" where issuer "le-dns" answers DNS-01 challenges, which holds the domain of environment "dev" (dev.example.com): its names belong to the platform; a tenant may claim only its own part, alpha.dev.example.com or alpha.prod.example.com`,
    ],
  },
  {
    name: 'fails if an extra domain contains the environment domain',
    modify: (f) => f.replace(B, 'extraDomains: [bravo.example.org]', 'extraDomains: [bravo.example.org, example.com]'),
    expected: [`${B}:7:37: spec.extraDomains[1]: extra domain "example.com" contains the domain of environment "dev" (dev.example.com); a tenant may claim only its own part, bravo.dev.example.com`],
  },
  {
    name: "fails at the override if a domain override takes another tenant's default domain",
    modify: (f) => f.replace(A, '    prod:\n', '    prod:\n      domain: charlie.prod.example.com\n'),
    expected: [
      `${A}:8:15: spec.overrides.prod.domain: domain "charlie.prod.example.com" lies under the domain of environment "prod" (prod.example.com) and belongs to tenant "charlie" (tenants/charlie.yaml); a tenant may claim only its own part, alpha.prod.example.com`,
    ],
  },
  {
    name: "fails, naming the owner as a route's host does, if an extra domain is another tenant's default domain",
    modify: (f) => f.replace(C, 'spec:\n', 'spec:\n  extraDomains: [bravo.prod.example.com]\n'),
    expected: [
      `${C}:6:18: spec.extraDomains[0]: extra domain "bravo.prod.example.com" lies under the domain of environment "prod" (prod.example.com) and belongs to tenant "bravo" (tenants/bravo.yaml); a tenant may claim only its own part, charlie.prod.example.com`,
    ],
  },
  {
    name: 'fails, naming no tenant, if an extra domain is the default domain of a tenant absent from that environment',
    modify: (f) => f.replace(C, 'spec:\n', 'spec:\n  extraDomains: [bravo.dev.example.com]\n'),
    expected: [
      `${C}:6:18: spec.extraDomains[0]: extra domain "bravo.dev.example.com" lies under the domain of environment "dev" (dev.example.com), whose names belong to the platform; a tenant may claim only its own part, charlie.dev.example.com`,
    ],
  },
  {
    name: 'fails if two routes serve the same host and path',
    modify: (f) => f.replace(A, 'hosts: [status]', 'hosts: [www]').replace(A, '      tls: none\n', '      tls: none\n      options: { sslRedirect: false }\n'),
    expected: [
      `${A}:24:17: spec.routes[1].paths[0].path: "/" on host "www.alpha.dev.example.com" is already routed by route "web"`,
      `${A}:24:17: spec.routes[1].paths[0].path: "/" on host "www.alpha.prod.example.com" is already routed by route "web"`,
    ],
  },
  {
    name: 'fails if a plain-HTTP route shares a host with a TLS route without turning the redirect off',
    modify: (f) => f.replace(A, 'hosts: [status]', 'hosts: [www]').replace(A, '- path: /\n', '- path: /status\n'),
    expected: [
      `${A}:21:12: spec.routes[1].tls: tls: none on "www.alpha.dev.example.com", which another route serves with TLS in environment "dev": ingress-nginx redirects every plain-HTTP request for a TLS host to HTTPS, so this route would only be reached over HTTPS; set options.sslRedirect: false to serve it over plain HTTP, or give it TLS`,
      `${A}:21:12: spec.routes[1].tls: tls: none on "www.alpha.prod.example.com", which another route serves with TLS in environment "prod": ingress-nginx redirects every plain-HTTP request for a TLS host to HTTPS, so this route would only be reached over HTTPS; set options.sslRedirect: false to serve it over plain HTTP, or give it TLS`,
    ],
  },
  {
    name: 'accepts a plain-HTTP route on a TLS host that turns the redirect off',
    modify: (f) => f.replace(A, 'hosts: [status]', 'hosts: [www]').replace(A, '- path: /\n', '- path: /status\n').replace(A, '      tls: none\n', '      tls: none\n      options: { sslRedirect: false }\n'),
    expected: [],
  },
  {
    name: 'fails if a host is an IP address',
    modify: (f) => f.replace(B, 'hosts: [shop.bravo.example.org, "@"]', 'hosts: [1.2.3.4, "@"]'),
    expected: [`${B}:14:15: spec.routes[0].hosts[0]: "1.2.3.4" is an IP address; an Ingress host must be a DNS name`],
  },
  {
    name: 'fails if a host qualified with the tenant domain is longer than 253 characters',
    modify: (f) =>
      f
        .replace(A, '    prod:\n', `    prod:\n      domain: ${'x'.repeat(63)}.${'y'.repeat(63)}.${'z'.repeat(63)}.alpha.prod.example.com\n`)
        .replace(A, 'hosts: [status]', `hosts: [${'s'.repeat(50)}]`),
    expected: [
      `${A}:21:15: spec.routes[1].hosts[0]: "${'s'.repeat(50)}.${'x'.repeat(63)}.${'y'.repeat(63)}.${'z'.repeat(63)}.alpha.prod.example.com" has 265 characters, over the 253 a host name may have`,
    ],
  },
  {
    name: 'fails if a static address is not an address, or two spellings of one address are used twice',
    modify: (f) =>
      f
        .replace(P, 'loadBalancerIP: 10.0.0.1', 'loadBalancerIP: "2001:DB8::1"')
        .replace(A, 'loadBalancerIP: 10.0.0.2', 'loadBalancerIP: "2001:db8:0:0::1"')
        .write('tenants/delta.yaml', tenant('delta', '  environments: [prod]\n  ingress:\n    loadBalancerIP: ":::::"\n')),
    expected: [
      `${A}:9:25: spec.overrides.prod.ingress.loadBalancerIP: address 2001:db8:0:0::1 is already used by the shared controller in environment "prod" (both are 2001:db8::1)`,
      `tenants/delta.yaml:8:21: spec.ingress.loadBalancerIP: ":::::" is not an IPv4 or IPv6 address`,
    ],
  },
  {
    name: 'fails if a backend Service name is not a DNS-1035 label',
    modify: (f) => f.replace(B, 'service: shop', 'service: 1shop'),
    expected: [`${B}:16:31: spec.routes[0].paths[0].service: "1shop" is not a Service name: lower-case letters, digits and '-', at most 63 characters, starting with a letter and ending with a letter or digit`],
  },
  {
    name: 'fails if a host label is longer than 63 characters',
    modify: (f) => f.replace(A, 'hosts: [status]', `hosts: [${'s'.repeat(64)}]`),
    expected: [`${A}:20:15: spec.routes[1].hosts[0]: "${'s'.repeat(56)}... is not "@", a lower-case label such as "api", "*" or a host name such as api.example.com`],
  },
  {
    name: 'fails if an extra domain or a domain override claims the apex or a sibling under an environment domain',
    modify: (f) =>
      f
        .replace(B, 'extraDomains: [bravo.example.org]', 'extraDomains: [bravo.example.org, www.prod.example.com]')
        .replace(A, '    prod:\n', '    prod:\n      domain: prod.example.com\n'),
    expected: [
      `${A}:8:15: spec.overrides.prod.domain: domain "prod.example.com" contains the domain of environment "prod" (prod.example.com); a tenant may claim only its own part, alpha.prod.example.com`,
      `${B}:7:37: spec.extraDomains[1]: extra domain "www.prod.example.com" lies under the domain of environment "prod" (prod.example.com), whose names belong to the platform; a tenant may claim only its own part, bravo.prod.example.com`,
    ],
  },
  {
    name: 'fails if a route lists a path twice',
    modify: (f) => f.replace(A, '{ path: /api, service: api, port: http }', '{ path: /, service: api, port: http }'),
    expected: [`${A}:15:19: spec.routes[0].paths[1].path: path "/" is listed twice in this route`],
  },
  {
    name: 'fails if a wildcard host uses an HTTP-01 issuer',
    modify: (f) => f.replace(B, 'hosts: [shop.bravo.example.org, "@"]', 'hosts: [shop.bravo.example.org, "@", "*"]'),
    expected: [`${B}:14:44: spec.routes[0].hosts[2]: wildcard "*.bravo.prod.example.com" needs a DNS-01 issuer; "le-http" solves HTTP-01`],
  },
  {
    name: 'fails if a certManager route has no issuer anywhere',
    modify: (f) => f.replace(P, 'domain: dev.example.com\n      issuer: le-dns\n', 'domain: dev.example.com\n'),
    expected: [
      `${A}:11:7: spec.routes[0].tls: needs an issuer in environment "dev": set spec.tls.issuer (or spec.overrides.dev.tls.issuer), or give the environment an issuer in platform.yaml`,
      `${C}:10:7: spec.routes[0].tls: needs an issuer in environment "dev": set spec.tls.issuer (or spec.overrides.dev.tls.issuer), or give the environment an issuer in platform.yaml`,
    ],
  },
  {
    name: 'fails if the tenant tls.issuer is not defined',
    modify: (f) => f.replace(B, 'issuer: le-http', 'issuer: le-nope'),
    expected: [`${B}:11:13: spec.tls.issuer: issuer "le-nope" is not defined; platform issuers: le-dns, le-http`],
  },
  {
    name: 'fails if the tenant tls.issuer is not rendered in one of its environments',
    modify: (f) => f.replace(A, 'spec:\n', 'spec:\n  tls:\n    issuer: le-http\n'),
    expected: [`${A}:7:13: spec.tls.issuer: issuer "le-http" is not rendered in environment "dev" (its environments: prod)`],
  },
  {
    name: 'fails if an override tls.issuer is not defined',
    modify: (f) => f.replace(A, '      ingress:\n        loadBalancerIP', '      tls: { issuer: le-nope }\n      ingress:\n        loadBalancerIP'),
    expected: [`${A}:8:22: spec.overrides.prod.tls.issuer: issuer "le-nope" is not defined; platform issuers: le-dns, le-http`],
  },
  {
    name: 'fails if a route sets a snippet annotation',
    modify: (f) => f.replace(C, 'nginx.ingress.kubernetes.io/proxy-buffering: "on"', 'nginx.ingress.kubernetes.io/configuration-snippet: "return 200;"'),
    expected: [
      `${C}:15:9: spec.routes[0].annotations["nginx.ingress.kubernetes.io/configuration-snippet"]: nginx.ingress.kubernetes.io/configuration-snippet is never allowed: snippet annotations inject raw NGINX configuration and let the route read every Secret the controller can (CVE-2021-25742)`,
    ],
  },
  {
    name: 'fails if an annotation duplicates a route option',
    modify: (f) =>
      f.replace(A, '        timeouts: { read: 300 }\n', '        timeouts: { read: 300 }\n      annotations:\n        nginx.ingress.kubernetes.io/proxy-body-size: 20m\n'),
    expected: [
      `${A}:20:9: spec.routes[0].annotations["nginx.ingress.kubernetes.io/proxy-body-size"]: also set by the route's options; keep only the option`,
    ],
  },
  ...(
    [
      ['reaches another tenant\'s hosts', 'nginx.ingress.kubernetes.io/server-alias: "beta.matih.ai"', 'nginx.ingress.kubernetes.io/server-alias is never allowed: server-alias would let the route answer for other hosts, including other tenants\''],
      ['calls a service of any namespace', 'nginx.ingress.kubernetes.io/auth-url: "http://admin.kube-system.svc/"', 'nginx.ingress.kubernetes.io/auth-url is never allowed: authentication annotations name Secrets and services (possibly in other namespaces) and external URLs the controller calls'],
      ['reads another namespace\'s Secret', 'nginx.ingress.kubernetes.io/auth-tls-secret: "kube-system/ca"', 'nginx.ingress.kubernetes.io/auth-tls-secret is never allowed: authentication annotations name Secrets and services (possibly in other namespaces) and external URLs the controller calls'],
      ['reads another namespace\'s Secret for the upstream', 'nginx.ingress.kubernetes.io/proxy-ssl-secret: "kube-system/x"', 'nginx.ingress.kubernetes.io/proxy-ssl-secret is never allowed: proxy-ssl annotations name Secrets, possibly in other namespaces'],
      ['mirrors traffic elsewhere', 'nginx.ingress.kubernetes.io/mirror-target: "https://evil.example.com"', 'nginx.ingress.kubernetes.io/mirror-target is never allowed: mirror and modsecurity annotations send traffic elsewhere or carry raw configuration'],
      ['keeps the Ingress alive when the tenant is removed', 'kustomize.toolkit.fluxcd.io/prune: disabled', 'kustomize.toolkit.fluxcd.io/prune is never allowed: annotations under kustomize.toolkit.fluxcd.io/ steer Flux, not the route'],
      ['points another tenant\'s DNS at itself', 'external-dns.alpha.kubernetes.io/hostname: "beta.matih.ai"', 'external-dns.alpha.kubernetes.io/hostname is never allowed: annotations under external-dns.alpha.kubernetes.io/ steer another controller, not the route'],
      ['redirects with an unchecked target', 'nginx.ingress.kubernetes.io/permanent-redirect: "https://x;}"', 'nginx.ingress.kubernetes.io/permanent-redirect is never allowed: redirect targets are written unquoted into the configuration'],
    ] as const
  ).map(
    ([what, line, message]): Case => ({
      name: `fails if an annotation ${what}`,
      modify: (f) => f.replace(C, KEEP, line),
      expected: [`${C}:15:9: spec.routes[0].annotations["${line.split(':')[0]}"]: ${message}`],
    }),
  ),
  {
    name: 'fails if an annotation is not on the allow-list, and lists what is',
    modify: (f) => f.replace(C, KEEP, 'nginx.ingress.kubernetes.io/proxy-max-temp-file-size: "0"'),
    expected: [`${C}:15:9: spec.routes[0].annotations["nginx.ingress.kubernetes.io/proxy-max-temp-file-size"]: nginx.ingress.kubernetes.io/proxy-max-temp-file-size is not allowed on routes; the platform allows ${DEFAULT_KEYS} (platform.yaml spec.ingress.tenantAnnotations)`],
  },
  {
    name: 'fails with the allow-list, not a false reason, for a key named like an object property',
    modify: (f) => f.replace(C, KEEP, 'toString: x'),
    expected: [`${C}:15:9: spec.routes[0].annotations.toString: toString is not allowed on routes; the platform allows ${DEFAULT_KEYS} (platform.yaml spec.ingress.tenantAnnotations)`],
  },
  ...(
    [
      ['ends a directive', '"on;"', '"on;" may not contain ";": it could end or open a directive in the proxy\'s configuration'],
      ['opens a block', '"on {"', '"on {" may not contain "{": it could end or open a directive in the proxy\'s configuration'],
      ['breaks the line', '"on\\n}"', 'contains the control character U+000A; specs may hold only printable characters'],
      ['carries a control character', '"on\\u007f"', 'contains the control character U+007F; specs may hold only printable characters'],
      ['is not one of the values', '"maybe"', '"maybe" must be one of "on", "off"'],
    ] as const
  ).map(
    ([what, value, message]): Case => ({
      name: `fails if an allowed annotation's value ${what}`,
      modify: (f) => f.replace(C, KEEP, `nginx.ingress.kubernetes.io/proxy-buffering: ${value}`),
      expected: [`${C}:15:54: spec.routes[0].annotations["nginx.ingress.kubernetes.io/proxy-buffering"]: ${message}`],
    }),
  ),
  {
    name: 'fails if an allowed address list holds something that is no address',
    modify: (f) => f.replace(C, KEEP, 'nginx.ingress.kubernetes.io/allowlist-source-range: "10.0.0.0/8, 10.0.0.0/33"'),
    expected: [`${C}:15:61: spec.routes[0].annotations["nginx.ingress.kubernetes.io/allowlist-source-range"]: "10.0.0.0/8, 10.0.0.0/33" is wrong: "10.0.0.0/33" is not an address or CIDR range`],
  },
  {
    name: 'fails if a typed option renders a value the controller would refuse (a blocklisted word)',
    modify: (f) => f.replace(B, 'allowOrigins: [https://bravo.example.org]', 'allowOrigins: [https://location.example.org]'),
    expected: [`${B}:18:9: spec.routes[0].options: renders nginx.ingress.kubernetes.io/cors-allow-origin: "https://location.example.org", which may not contain "location": the controller refuses every annotation value that does (annotation-value-word-blocklist)`],
  },
  {
    name: 'fails if a rewrite target carries configuration syntax',
    modify: (f) => f.replace(C, 'rewriteTarget: /$2', 'rewriteTarget: "/$1;} location /x {"'),
    expected: [`${C}:23:24: spec.routes[1].options.rewriteTarget: "/$1;} location /x {" is not a path starting with / that may use $1, $2 ... for captured groups (letters, digits and - . _ ~ / : $ only)`],
  },
  {
    name: 'fails if a regular-expression path carries configuration syntax',
    modify: (f) => f.replace(C, 'path: "/v1(/|$)(.*)"', 'path: "/x;} location /y {"'),
    expected: [`${C}:21:19: spec.routes[1].paths[0].path: "/x;} location /y {" may hold only letters, digits and / _ . ~ % - ^ $ [ ] ( ) * + ? | & = : , @ ! (no quotes, braces, semicolons, backslashes, spaces or control characters: the path is written into NGINX's configuration)`],
  },
  {
    name: 'fails if a CORS origin carries configuration syntax',
    modify: (f) => f.replace(B, 'allowOrigins: [https://bravo.example.org]', 'allowOrigins: ["https://a;}{evil"]'),
    expected: [`${B}:19:26: spec.routes[0].options.cors.allowOrigins[0]: "https://a;}{evil" is not "*" or an origin such as https://app.example.com (scheme, host and optional port; a leading *. is allowed)`],
  },
  {
    name: 'the platform decides which annotations tenants may set, and may not give away what reaches elsewhere',
    modify: (f) =>
      f
        .replace(P, '  ingress:\n', '  ingress:\n    tenantAnnotations:\n      - key: nginx.ingress.kubernetes.io/proxy-max-temp-file-size\n        pattern: "[0-9]+[km]?"\n      - key: nginx.ingress.kubernetes.io/auth-url\n        pattern: ".*"\n      - key: nginx.ingress.kubernetes.io/load-balance\n      - key: example.com/mode\n      - key: example.com/broken\n        pattern: "(["\n')
        .replace(C, KEEP, 'nginx.ingress.kubernetes.io/proxy-max-temp-file-size: "1g"'),
    expected: [
      `${P}:37:14: spec.ingress.tenantAnnotations[1].key: nginx.ingress.kubernetes.io/auth-url cannot be given to tenants: authentication annotations name Secrets and services (possibly in other namespaces) and external URLs the controller calls`,
      `${P}:40:9: spec.ingress.tenantAnnotations[3]: tenant-edge has no built-in rule for example.com/mode; give its values or a pattern`,
      `${P}:42:18: spec.ingress.tenantAnnotations[4].pattern: not a regular expression: Invalid regular expression: /^(?:([)$/: Unterminated character class`,
      `${C}:15:63: spec.routes[0].annotations["nginx.ingress.kubernetes.io/proxy-max-temp-file-size"]: "1g" must be a value matching [0-9]+[km]?`,
    ],
  },
  {
    name: 'a platform pattern with nested quantifiers judges a tenant\'s 60-character value at once (linear-time matching)',
    modify: (f) =>
      f
        .replace(P, '  ingress:\n', '  ingress:\n    tenantAnnotations:\n      - key: example.com/mode\n        pattern: "(a+)+$"\n')
        .replace(C, KEEP, `example.com/mode: "${'a'.repeat(59)}!"`),
    expected: [`${C}:15:27: spec.routes[0].annotations["example.com/mode"]: "${'a'.repeat(59)}!" must be a value matching (a+)+$`],
  },
  ...([
    ['(a)\\\\1', 'backreferences are not accepted (at character 4)'],
    ['(?!x)[a-z]+', 'lookahead and lookbehind ((?=, (?!, (?<=, (?<!) are not accepted (at character 1)'],
    ['[0-9]{1,5000}', 'a count over 1000 (at character 6)'],
    // An empty group adds no state; compiling counts the parts it writes out, so this is refused at once.
    ['(?:(?:(?:(?:){1000}){1000}){1000}){1000}', 'the pattern is too large once its counts are written out (over 250 states or 500 parts); use smaller counts, or * and + (at character 35)'],
    ['(?:.*){0,900}', 'the pattern is too large once its counts are written out (over 250 states or 500 parts); use smaller counts, or * and + (at character 7)'],
  ] as const).map(
    ([pattern, why]): Case => ({
      name: `fails if a platform pattern is outside the accepted subset: ${pattern}`,
      modify: (f) => f.replace(P, '  ingress:\n', `  ingress:\n    tenantAnnotations:\n      - key: example.com/mode\n        pattern: "${pattern}"\n`),
      expected: [
        `${P}:36:18: spec.ingress.tenantAnnotations[0].pattern: ${why}; platform patterns use a subset of JavaScript's regular expressions, matched in time linear in the value (see the README, Raw annotations)`,
        `${C}:15:9: spec.routes[0].annotations["nginx.ingress.kubernetes.io/proxy-buffering"]: nginx.ingress.kubernetes.io/proxy-buffering is not allowed on routes; the platform allows none (platform.yaml spec.ingress.tenantAnnotations)`,
      ],
    }),
  ),
  {
    name: 'fails if an annotation sets the ingress class',
    modify: (f) => f.replace(C, 'nginx.ingress.kubernetes.io/proxy-buffering: "on"', 'kubernetes.io/ingress.class: nginx'),
    expected: [
      `${C}:15:9: spec.routes[0].annotations["kubernetes.io/ingress.class"]: kubernetes.io/ingress.class is never allowed: the ingress class is chosen by tenant-edge (dedicated or shared controller)`,
    ],
  },
  {
    name: 'fails if an annotation sets the cert-manager issuer',
    modify: (f) => f.replace(C, 'nginx.ingress.kubernetes.io/proxy-buffering: "on"', 'cert-manager.io/cluster-issuer: le-dns'),
    expected: [
      `${C}:15:9: spec.routes[0].annotations["cert-manager.io/cluster-issuer"]: cert-manager.io/cluster-issuer is never allowed: certificates are rendered as Certificate objects; use the route's tls setting`,
    ],
  },
  {
    name: 'fails if a regex path uses pathType Prefix',
    modify: (f) => f.replace(A, '{ path: /api, service: api, port: http }', '{ path: "/api/v[0-9]+", service: api, port: http }'),
    expected: [
      `${A}:15:19: spec.routes[0].paths[1].path: "/api/v[0-9]+" is not a plain path; ingress-nginx refuses regular expressions in Prefix paths (use pathType: ImplementationSpecific)`,
    ],
  },
  {
    name: 'fails if rewriteTarget is used with a Prefix path',
    modify: (f) => f.replace(C, 'pathType: ImplementationSpecific, ', ''),
    expected: [`${C}:21:19: spec.routes[1].paths[0].path: rewriteTarget turns paths into regular expressions; set pathType: ImplementationSpecific (got Prefix)`],
  },
  {
    name: 'fails if CORS allows credentials for origin "*"',
    modify: (f) => f.replace(B, 'allowOrigins: [https://bravo.example.org]', 'allowOrigins: ["*"]'),
    expected: [`${B}:20:29: spec.routes[0].options.cors.allowCredentials: browsers refuse credentials with origin "*"; list the allowed origins instead`],
  },
  {
    name: 'fails if a tenant sets loadBalancerIP but is dedicated nowhere',
    modify: (f) => f.replace(C, '    dedicated: false\n', '    dedicated: false\n    loadBalancerIP: 10.0.0.9\n'),
    expected: [
      `${C}:9:21: spec.ingress.loadBalancerIP: applies only to a dedicated controller, and the tenant has none in dev, prod; set ingress.dedicated: true or remove it`,
    ],
  },
  {
    name: 'fails if a tenant sets replicas but is dedicated nowhere',
    modify: (f) => f.replace(B, '    dedicated: false\n', '    dedicated: false\n    replicas: 3\n'),
    expected: [`${B}:10:15: spec.ingress.replicas: applies only to a dedicated controller, and the tenant has none in prod; set ingress.dedicated: true or remove it`],
  },
  {
    name: 'fails if an override sets loadBalancerIP where the tenant is not dedicated',
    modify: (f) => f.replace(A, '  overrides:\n', '  overrides:\n    dev:\n      ingress: { loadBalancerIP: 10.1.0.2 }\n'),
    expected: [`${A}:8:34: spec.overrides.dev.ingress.loadBalancerIP: applies only to a dedicated controller, and the tenant has none in dev`],
  },
  {
    name: 'fails if a tenant is not dedicated where there is no shared controller',
    modify: (f) => f.replace(P, '      sharedIngress:\n        loadBalancerIP: 10.0.0.1\n', '      sharedIngress:\n        enabled: false\n'),
    expected: [
      `${B}:9:16: spec.ingress.dedicated: environment "prod" has no shared controller (sharedIngress.enabled: false); the tenant needs ingress.dedicated: true there`,
      `${C}:8:16: spec.ingress.dedicated: environment "prod" has no shared controller (sharedIngress.enabled: false); the tenant needs ingress.dedicated: true there`,
    ],
  },
  {
    name: 'fails if a disabled shared controller has an address',
    modify: (f) =>
      f
        .replace(P, '      sharedIngress:\n', '      sharedIngress:\n        enabled: false\n')
        .replace(B, 'dedicated: false', 'dedicated: true')
        .replace(C, 'spec:\n', 'spec:\n  environments: [dev]\n')
        .replace(C, 'environments: [prod]', 'environments: [dev]'),
    expected: [`${P}:16:25: spec.environments[1].sharedIngress.loadBalancerIP: the shared controller is disabled (enabled: false), so it has no address to set`],
  },
  {
    name: 'fails if two tenants use the same static address in one environment',
    modify: (f) => f.replace(B, '    dedicated: false\n', '    dedicated: true\n    loadBalancerIP: 10.0.0.2\n'),
    expected: [`${B}:10:21: spec.ingress.loadBalancerIP: address 10.0.0.2 is already used by tenant "alpha" in environment "prod"`],
  },
  {
    name: "fails if a tenant uses the shared controller's static address",
    modify: (f) => f.replace(A, 'loadBalancerIP: 10.0.0.2', 'loadBalancerIP: 10.0.0.1'),
    expected: [`${A}:9:25: spec.overrides.prod.ingress.loadBalancerIP: address 10.0.0.1 is already used by the shared controller in environment "prod"`],
  },
  {
    name: 'fails if the dedicated IngressClass of a tenant is the shared class',
    modify: (f) => f.replace(P, '  ingress:\n', '  ingress:\n    sharedClass: nginx-alpha\n'),
    expected: [
      `${A}:4:9: metadata.name: the dedicated IngressClass "nginx-alpha" would collide with the shared class; rename the tenant or platform.spec.ingress.sharedClass`,
    ],
  },
  {
    name: 'fails if a tenant name is too long for its dedicated Helm release',
    modify: (f) => f.write(`tenants/${'d'.repeat(33)}.yaml`, tenant('d'.repeat(33), '  environments: [prod]\n')),
    expected: [
      `tenants/${'d'.repeat(33)}.yaml:4:9: metadata.name: too long for a dedicated controller: its Helm release "ingress-nginx-${'d'.repeat(33)}" would have 47 characters, over the 46 the ingress-nginx chart copes with (it adds its own suffixes to the release name); use at most 32 characters`,
    ],
  },
  {
    name: 'accepts a tenant name of exactly the longest length for a dedicated Helm release',
    modify: (f) => f.write(`tenants/${'d'.repeat(32)}.yaml`, tenant('d'.repeat(32), '  environments: [prod]\n')),
    expected: [],
  },
  {
    name: 'fails if a tenant name is too long for its Flux Kustomization',
    modify: (f) => f.write(`tenants/${'k'.repeat(49)}.yaml`, tenant('k'.repeat(49), '  ingress:\n    dedicated: false\n')),
    expected: [
      `tenants/${'k'.repeat(49)}.yaml:4:9: metadata.name: too long: its Flux Kustomization "edge-namespace-${'k'.repeat(49)}" would have 64 characters, over the 63 a label value may have, and kustomize-controller labels every object it applies with the Kustomization's name (kustomize.toolkit.fluxcd.io/name); use at most 48 characters`,
    ],
  },
  {
    name: 'accepts a tenant name of exactly the longest length for its Flux Kustomizations',
    modify: (f) => f.write(`tenants/${'k'.repeat(48)}.yaml`, tenant('k'.repeat(48), '  ingress:\n    dedicated: false\n')),
    expected: [],
  },
  // cert-manager v1.21.1, pkg/issuer/acme/dns/azuredns/azuredns.go: getHostedZoneName returns
  // hostedZoneName as given, and trimFqdn only strips the zone when the challenge name ends in it,
  // so for a host outside the zone the TXT record lands at _acme-challenge.<host>.<zone>, the
  // propagation check (pkg/issuer/acme/dns/dns.go) never sees it, and the order never completes.
  {
    name: 'fails if a DNS-01 host lies outside the zone the issuer writes challenges into',
    modify: (f) => f.replace(B, 'issuer: le-http', 'issuer: le-dns'),
    expected: [
      `${B}:14:15: spec.routes[0].hosts[0]: "shop.bravo.example.org" is outside the DNS zone "example.com" where issuer "le-dns" answers DNS-01 challenges: cert-manager would write the challenge record into that zone under a name no resolver asks for, and the certificate would never be issued; use an issuer for the host's zone (spec.tls.issuer) or tls: {secretName: <existing secret>}`,
    ],
  },
  {
    name: 'fails if a DNS-01 host only ends like the zone (a label boundary counts)',
    modify: (f) => f.replace(B, 'issuer: le-http', 'issuer: le-dns').replace(B, 'extraDomains: [bravo.example.org]', 'extraDomains: [bravo.example.org, bravoexample.com]').replace(B, 'shop.bravo.example.org', 'shop.bravoexample.com'),
    expected: [
      `${B}:14:15: spec.routes[0].hosts[0]: "shop.bravoexample.com" is outside the DNS zone "example.com" where issuer "le-dns" answers DNS-01 challenges: cert-manager would write the challenge record into that zone under a name no resolver asks for, and the certificate would never be issued; use an issuer for the host's zone (spec.tls.issuer) or tls: {secretName: <existing secret>}`,
    ],
  },
  // cert-manager v1.21.1 writes the DNS-01 record at _acme-challenge.<host> (for *.x, at
  // _acme-challenge.x): pkg/issuer/acme/dns/util/dns.go, DNS01LookupFQDN. Each case has a host
  // whose challenge name has exactly 253 characters (accepted) and one with 254 (refused).
  ...(['', '*.'] as const).map((star): Case => {
    const name = (d: number): string => `${star}${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(d)}.alpha.prod.example.com`;
    const [fits, over] = [name(22), name(23)];
    return {
      name: `fails if a ${star ? 'wildcard ' : ''}host's DNS-01 challenge name would be over 253 characters (and accepts one of exactly 253)`,
      modify: (f) =>
        f.replace(A, '    - name: status\n', `    - name: long\n      environments: [prod]\n      hosts: ["${fits}", "${over}"]\n      paths: [{ path: /, service: web, port: 80 }]\n    - name: status\n`),
      expected: [
        `${A}:21:${15 + fits.length + 4}: spec.routes[1].hosts[1]: "${over}" is too long for a DNS-01 challenge: cert-manager writes its record at ${star ? '_acme-challenge.<host without *.>' : '_acme-challenge.<host>'}, which would have 254 characters, over the 253 a DNS name may have, and the certificate would never be issued; use a host of at most ${star ? 239 : 237} characters, an HTTP-01 issuer (spec.tls.issuer) or tls: {secretName: <existing secret>}`,
      ],
    };
  }),
  {
    name: 'fails if the tenant certificate would hold more than 100 names',
    modify: (f) =>
      f.write(
        'tenants/delta.yaml',
        tenant('delta', `  ingress:\n    dedicated: false\n  routes:\n    - name: a\n      hosts: [${Array.from({ length: 60 }, (_, i) => `a${i}`).join(', ')}]\n      paths: [{ path: /, service: a, port: 80 }]\n    - name: b\n      hosts: [${Array.from({ length: 41 }, (_, i) => `b${i}`).join(', ')}]\n      paths: [{ path: /, service: b, port: 80 }]\n`),
      ),
    expected: [
      'tenants/delta.yaml:13:14: spec.routes[1].hosts: certificate "edge-certificate" would hold 101 names, over the 100 a certificate may have; give some routes a certificate of their own (tls: {ownCertificate: true}) or cover subdomains with the wildcard host "*"',
    ],
  },
  {
    name: 'fails if a route names the Secret of the tenant certificate as its existing Secret',
    modify: (f) => f.replace(C, 'secretName: legacy-tls', 'secretName: edge-certificate'),
    expected: [`${C}:19:26: spec.routes[1].tls.secretName: "edge-certificate" is the Secret that the tenant's shared Certificate writes; name another Secret`],
  },
  {
    name: "fails if a route names the Secret of another route's own certificate",
    modify: (f) => f.replace(C, '      hosts: ["*"]\n', '      hosts: ["*"]\n      tls: { ownCertificate: true }\n').replace(C, 'secretName: legacy-tls', 'secretName: app-tls'),
    expected: [`${C}:20:26: spec.routes[1].tls.secretName: "app-tls" is the Secret that the Certificate of route "app" writes; name another Secret`],
  },
  {
    name: 'fails if a route name is too long for its Certificate',
    modify: (f) => f.replace(A, '- name: web', `- name: ${'r'.repeat(60)}`),
    expected: [`${A}:11:13: spec.routes[0].name: too long: its Certificate "${'r'.repeat(60)}-tls" would have 64 characters, and cert-manager copies that name into 63-character labels; use at most 59`],
  },
];

describe('the valid fixture', () => {
  test('is accepted', () => {
    withFixture((f) => expect(problemsOf(f)).toEqual([]));
  });
});

describe.each([
  ['files and YAML', fileCases],
  ['schema', schemaCases],
  ['cross-file rules', crossCases],
])('invalid input (%s)', (_group, cases) => {
  for (const c of cases) {
    (c.failing ? test.failing : test)(c.name, () => runCase(c));
  }
});

describe('many mistakes at once', () => {
  test('fails with every problem of platform.yaml and several tenant files, sorted by file, line and column', () => {
    withFixture((f) => {
      f.replace(P, 'domain: dev.example.com\n      issuer: le-dns', 'domain: dev.example.com\n      issuer: le-nope')
        .replace(P, 'environments: [prod]', 'environments: [prod, staging]')
        .replace(A, '- name: status', '- name: web')
        .replace(A, '        timeouts: { read: 300 }\n', '        timeouts: { read: 300 }\n      annotations:\n        nginx.ingress.kubernetes.io/server-snippet: "deny all;"\n')
        .replace(B, '  extraDomains:', '  extraDomain:')
        .replace(C, 'namespace: team-charlie', 'namespace: kube-system')
        .replace(C, 'pathType: ImplementationSpecific, ', '')
        .write('tenants/delta.yaml', '')
        .write('tenants/echo.yaml', tenant('ekko', '  ingress:\n    dedicated: false\n'))
        .write('tenants/foxtrot.yaml', 'apiVersion: tenant-edge.dev/v1alpha1\nkind: Tenant\nmetadata:\n  name: foxtrot\nspec:\n  routes: [\n');
      expect(problemsOf(f)).toEqual([
        `${P}:9:15: spec.environments[0].issuer: issuer "le-nope" is not defined; platform issuers: le-dns, le-http`,
        `${P}:28:28: spec.issuers[1].environments[1]: unknown environment "staging"; environments: dev, prod`,
        `${A}:20:9: spec.routes[0].annotations["nginx.ingress.kubernetes.io/server-snippet"]: nginx.ingress.kubernetes.io/server-snippet is never allowed: snippet annotations inject raw NGINX configuration and let the route read every Secret the controller can (CVE-2021-25742)`,
        `${A}:21:13: spec.routes[1].name: duplicate route "web" (first at spec.routes[0])`,
        `${B}:7:3: spec.extraDomain: unknown key "extraDomain" (did you mean "extraDomains"?); allowed keys: environments, namespace, extraDomains, ingress, tls, routes, overrides, controlPlane, dns`,
        `${C}:6:14: spec.namespace: namespace "kube-system" is reserved for the platform; set spec.namespace to another name`,
        `${C}:21:19: spec.routes[1].paths[0].path: rewriteTarget turns paths into regular expressions; set pathType: ImplementationSpecific (got Prefix)`,
        'tenants/delta.yaml:1:1: the file is empty',
        'tenants/echo.yaml:4:9: metadata.name: must equal the file name "echo" (got "ekko"); rename the file or the tenant',
        'tenants/foxtrot.yaml:7:1: YAML syntax: flow sequence in block collection must be sufficiently indented and end with a ]',
      ]);
    });
  });

  test('a schema error in platform.yaml does not hide the rules that concern one tenant alone', () => {
    // Today plan() stops after loading when platform.yaml is invalid, so a second run reveals the
    // duplicate route: the problems come in two rounds instead of all at once.
    withFixture((f) => {
      f.replace(P, 'version: 4.15.1', 'version: ^4.15.0').replace(A, '- name: status', '- name: web');
      expect(problemsOf(f)).toEqual([
        `${P}:35:16: spec.ingress.chart.version: "^4.15.0" is not an exact version such as 4.15.1`,
        `${A}:19:13: spec.routes[1].name: duplicate route "web" (first at spec.routes[0])`,
      ]);
    });
  });
});

describe('nothing is written when the input is invalid', () => {
  test('synth exits 1, keeps the previous output byte for byte and leaves no staging folder', () => {
    withFixture((f) => {
      f.inDir(() => {
        const first = captureIo();
        expect(run(['synth', '--out', 'out/dist'], first.io)).toBe(0);
        const before = snapshotTree(f.path('out/dist'));
        expect(before.size).toBeGreaterThan(1);
        expect(before.has('README.md')).toBe(true);

        f.replace(A, '- name: status', '- name: web').replace(C, 'namespace: team-charlie', 'namespace: default');
        const second = captureIo();
        expect(run(['synth', '--out', 'out/dist'], second.io)).toBe(1);
        expect(second.out).toEqual([]);
        expect(second.err).toEqual([
          `${A}:19:13: spec.routes[1].name: duplicate route "web" (first at spec.routes[0])`,
          `${C}:6:14: spec.namespace: namespace "default" is reserved for the platform; set spec.namespace to another name`,
          '2 problems found; nothing was written',
        ]);

        expect(snapshotTree(f.path('out/dist'))).toEqual(before);
        // The output and the first run's cache, nothing else.
        expect(fs.readdirSync(f.path('out')).sort()).toEqual(['.dist.cache', 'dist']);
        expect(fs.readdirSync(f.path('out')).filter((n) => n.startsWith('.dist.staging-'))).toEqual([]);
      });
    });
  });

  test('synth into a folder that does not exist yet creates nothing', () => {
    withFixture((f) => {
      f.replace(A, 'name: alpha', 'name: alfa');
      const io = captureIo();
      expect(f.inDir(() => run(['synth', '--out', 'fresh/dist'], io.io))).toBe(1);
      expect(fs.existsSync(f.path('fresh/dist'))).toBe(false);
      const parent = f.path('fresh');
      const leftovers = fs.existsSync(parent) ? fs.readdirSync(parent) : [];
      expect(leftovers).toEqual([]);
      expect(io.err[io.err.length - 1]).toBe('1 problem found; nothing was written');
    });
  });
});
