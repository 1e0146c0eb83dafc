import { isIP } from 'net';

/** Name and address arithmetic shared by the rules and the builders. */

/** `@` is the tenant domain, `*` its wildcard, a bare label a subdomain; dotted names stay as written. */
export function qualify(ref: string, domain: string): string {
  if (ref === '@') return domain;
  if (ref === '*') return `*.${domain}`;
  if (!ref.includes('.')) return `${ref}.${domain}`;
  return ref;
}

/** True when `host` (or the names a wildcard covers) lies in `domain`. */
export function inDomain(host: string, domain: string): boolean {
  const bare = host.startsWith('*.') ? host.slice(2) : host;
  return bare === domain || bare.endsWith(`.${domain}`);
}

/** `name` relative to `zone`, which contains it: `@` for the zone itself. */
export function relativeTo(name: string, zone: string): string {
  return name === zone ? '@' : name.slice(0, -(zone.length + 1));
}

/** A tenant's two control-plane hostnames under an environment's control-plane domain `base`. */
export function controlPlaneHosts(tenant: string, base: string): { readonly apiServer: string; readonly konnectivity: string } {
  return { apiServer: `${tenant}.k8s.${base}`, konnectivity: `${tenant}.konnectivity.${base}` };
}

/** The control planes' wildcard names under `base`: *.k8s.<base> and *.konnectivity.<base>. */
export function controlPlaneWildcards(base: string): string[] {
  return ['k8s', 'konnectivity'].map((family) => `*.${family}.${base}`);
}

export function parentDomain(domain: string): string | undefined {
  const dot = domain.indexOf('.');
  return dot < 0 ? undefined : domain.slice(dot + 1);
}

/** The owner of the closest claimed domain that contains `host`, if any. */
export function ownerOf<T>(host: string, owners: ReadonlyMap<string, T>): T | undefined {
  for (let d: string | undefined = host.startsWith('*.') ? host.slice(2) : host; d; d = parentDomain(d)) {
    const owner = owners.get(d);
    if (owner) return owner;
  }
  return undefined;
}

/**
 * The canonical text of an IP address (IPv6 lower-case and zero-compressed as RFC 5952 writes it),
 * or undefined when `ip` is not an address.
 */
export function canonicalAddress(ip: string | undefined): string | undefined {
  if (ip === undefined) return undefined;
  const family = isIP(ip);
  if (family === 4) return ip;
  if (family !== 6) return undefined;
  try {
    return new URL(`http://[${ip}]/`).hostname.slice(1, -1);
  } catch {
    return undefined; // a zone index (fe80::1%eth0) is no address for a Service
  }
}

/**
 * What kind of address `ip` is, by the IANA special-purpose registries (RFC 6890 and its updates):
 * `unicast` for every address a client may be sent to, private ones included. Undefined when `ip`
 * is no address.
 */
export type AddressClass = 'unicast' | 'unspecified' | 'this-network' | 'loopback' | 'link-local' | 'multicast' | 'broadcast' | 'reserved' | 'ipv4-mapped';

export function addressClass(ip: string): AddressClass | undefined {
  const c = canonicalAddress(ip);
  if (c === undefined) return undefined;
  if (isIP(c) === 4) {
    const [a, b] = c.split('.').map(Number);
    if (c === '0.0.0.0') return 'unspecified';
    if (a === 0) return 'this-network';
    if (a === 127) return 'loopback';
    if (a === 169 && b === 254) return 'link-local';
    if (a >= 224 && a <= 239) return 'multicast';
    if (c === '255.255.255.255') return 'broadcast';
    if (a >= 240) return 'reserved';
    return 'unicast';
  }
  const first = parseInt(c.split(':')[0] || '0', 16);
  if (c === '::') return 'unspecified';
  if (c === '::1') return 'loopback';
  if (c.startsWith('::ffff:')) return 'ipv4-mapped';
  if ((first & 0xffc0) === 0xfe80) return 'link-local';
  if ((first & 0xff00) === 0xff00) return 'multicast';
  return 'unicast';
}

export function forEachDuplicate(values: readonly string[], onDuplicate: (index: number, first: number) => void): void {
  const first = new Map<string, number>();
  values.forEach((v, i) => {
    const f = first.get(v);
    if (f === undefined) first.set(v, i);
    else onDuplicate(i, f);
  });
}
