import { UNSAFE_URL_CHARS as UNSAFE } from '../../app/index.js';

/** Strict parsing of the forwarded target: anything a browser or proxy might read differently is refused. */

const METHOD = /^[A-Z]+$/;

export type ParsedTarget = { readonly url: URL; readonly method: string } | { readonly error: string };

export function parseTarget(raw: string, method: string): ParsedTarget {
  if (!METHOD.test(method)) return { error: 'invalid method' };
  if (raw.length === 0 || raw.length > 8192 || UNSAFE.test(raw)) return { error: 'invalid target URL' };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { error: 'invalid target URL' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'wss:')
    return { error: 'target scheme is not https or wss' };
  if (!url.hostname || url.username || url.password) return { error: 'invalid target host' };
  return { url, method };
}
