import * as net from 'net';
import { Format } from 'ajv';

/**
 * The formats and regular-expression engine the manifest schemas are compiled with. They live in
 * a module of their own because the precompiled validators (lib/output/generated/) call them.
 */

/**
 * Go (RE2) patterns may start with the inline flag `(?i)` (also seen as `^(?i)...`), which JavaScript
 * rejects; since the flag applies to the whole pattern, drop it and compile with the `i` flag instead.
 */
export function goRegExp(pattern: string, flags: string): RegExp {
  const inline = /^(\^?)\(\?i\)/.exec(pattern);
  if (inline) return new RegExp(inline[1] + pattern.slice(inline[0].length), `${flags}i`);
  return new RegExp(pattern, flags);
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|[+-](\d{2}):(\d{2}))$/;
const FULL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function validDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  return day <= days;
}

/** The OpenAPI / Kubernetes formats met in the schemas. An unknown format fails compilation (ajv strict). */
export const FORMATS: Record<string, Format> = {
  int32: { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -2147483648 && n <= 2147483647 },
  // Beyond 2^53 JavaScript cannot tell; any integer is accepted.
  int64: { type: 'number', validate: (n: number) => Number.isInteger(n) },
  float: { type: 'number', validate: (n: number) => Number.isFinite(n) },
  double: { type: 'number', validate: (n: number) => Number.isFinite(n) },
  // Go's encoding/base64 (used for []byte) ignores line breaks.
  byte: { type: 'string', validate: (s: string) => BASE64.test(s.replace(/[\r\n]/g, '')) },
  'date-time': {
    type: 'string',
    validate: (s: string) => {
      const m = RFC3339.exec(s);
      if (!m) return false;
      const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
      const offsetOk = m[7] === undefined || (Number(m[7]) <= 23 && Number(m[8]) <= 59);
      return validDate(year, month, day) && hour <= 23 && minute <= 59 && second <= 60 && offsetOk;
    },
  },
  date: {
    type: 'string',
    validate: (s: string) => {
      const m = FULL_DATE.exec(s);
      return m !== null && validDate(Number(m[1]), Number(m[2]), Number(m[3]));
    },
  },
  ipv4: { type: 'string', validate: (s: string) => net.isIPv4(s) },
  ipv6: { type: 'string', validate: (s: string) => net.isIPv6(s) },
};

