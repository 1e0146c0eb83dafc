/**
 * Prop checks the constructs share. A construct refuses props that could only give an object the
 * API server rejects or that does something else than asked; it throws at construction, naming
 * the object, so a mistake in a cdk8s app shows where it was made.
 */

/** DNS-1123 subdomain: what most object names must be. */
const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Throws unless `name` is a valid object name (DNS-1123 subdomain, at most 253 characters). */
export function checkName(kind: string, name: string): void {
  if (typeof name !== 'string' || name.length > 253 || !SUBDOMAIN.test(name)) {
    throw new Error(`${kind} name ${JSON.stringify(name)} is not a valid object name (lower-case letters, digits, '-' and '.', at most 253 characters)`);
  }
}

/** Throws when one of the named lists is empty. */
export function checkNotEmpty(what: string, lists: Record<string, readonly unknown[]>): void {
  for (const [key, list] of Object.entries(lists)) {
    if (list.length === 0) throw new Error(`${what}: ${key} must not be empty`);
  }
}

/** Throws when a rule uses the wildcard: rules name their groups, resources and verbs. */
export function checkNoWildcards(what: string, rules: readonly { readonly apiGroups: readonly string[]; readonly resources: readonly string[]; readonly verbs: readonly string[] }[]): void {
  for (const rule of rules) {
    if ([...rule.apiGroups, ...rule.resources, ...rule.verbs].includes('*')) {
      throw new Error(`${what}: rules must name their groups, resources and verbs; "*" is not allowed`);
    }
  }
}

const IPV4 = /^((25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\.){3}(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])$/;

/** True for an IPv4 address in dotted decimal, or an IPv6 address (what the API server's IP fields accept). */
export function isIpAddress(ip: string): boolean {
  if (IPV4.test(ip)) return true;
  if (!/^[0-9a-fA-F:.]+$/.test(ip) || !ip.includes(':')) return false;
  try {
    new URL(`http://[${ip}]/`);
    return true;
  } catch {
    return false;
  }
}
