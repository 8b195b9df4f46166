/** Go's url.Values.Encode (sorted keys, QueryEscape) so our redirect URLs are byte-identical to Authelia's. */

export function goQueryEscape(s: string): string {
  return encodeURIComponent(s)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

/** Returns `portal` with `params` set (replacing same-named keys), all keys sorted as Go does. */
export function withQuery(portal: URL, params: Readonly<Record<string, string>>): string {
  const values = new Map<string, string[]>();
  for (const [k, v] of portal.searchParams) {
    const list = values.get(k);
    if (list) list.push(v);
    else values.set(k, [v]);
  }
  for (const [k, v] of Object.entries(params)) values.set(k, [v]);
  const encoded = [...values.keys()]
    .sort()
    .flatMap((k) => values.get(k)!.map((v) => `${goQueryEscape(k)}=${goQueryEscape(v)}`))
    .join('&');
  const base = `${portal.protocol}//${portal.host}${portal.pathname || '/'}`;
  return encoded ? `${base}?${encoded}` : base;
}
