/** Canonical JSON: sorted keys, no whitespace, so equal values always hash to equal bytes. */

export type Canonicalizable =
  | string
  | number
  | boolean
  | null
  | readonly Canonicalizable[]
  | { readonly [k: string]: Canonicalizable | undefined };

/**
 * Like RFC 8785 for the values audit events hold: object keys sorted by code unit, `undefined` members omitted,
 * strings and integers as JSON.stringify writes them. Non-finite numbers have no JSON form and are refused.
 */
export function canonicalJson(value: Canonicalizable): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: ${value} has no JSON form`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(',')}]`;
  const obj = value as { readonly [k: string]: Canonicalizable | undefined };
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k] as Canonicalizable)}`).join(',')}}`;
}
