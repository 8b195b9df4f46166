/** The request target as the rules see it: Authelia's resource string (path.Clean of the decoded path) and host. */

/** What access-control rules are matched against; `path` is the raw (percent-encoded) path, as in `URL.pathname`. */
export interface AccessTarget {
  readonly host: string;
  readonly path: string;
  /** Query string without the `?`, exactly as received. */
  readonly rawQuery: string;
  readonly method: string;
}

const ESCAPE_RUN = /(?:%[0-9a-fA-F]{2})+/g;

/** Decodes runs of %XX as UTF-8 bytes (as Go's unescape builds a byte string); malformed escapes stay literal. */
export function percentDecode(text: string): string {
  if (!text.includes('%')) return text;
  return text.replace(ESCAPE_RUN, (run) => Buffer.from(run.replaceAll('%', ''), 'hex').toString('utf8'));
}

/** Go's path.Clean: drops empty and `.` segments, resolves `..`, never climbs above a rooted `/`; `''` → `.`. */
export function goPathClean(p: string): string {
  if (p === '') return '.';
  const rooted = p.charCodeAt(0) === 47;
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
      continue;
    }
    out.push(seg);
  }
  const joined = (rooted ? '/' : '') + out.join('/');
  return joined === '' ? '.' : joined;
}

/**
 * Authelia's URLPathFullClean without the query: path.Clean of the decoded path, with the trailing `/` put back
 * when the decoded path is longer than one character and ended with one. Decoding first is what turns
 * `/bypass/..%2f/x` into `/x` before the rules see it.
 */
export function cleanPath(rawPath: string): string {
  const decoded = percentDecode(rawPath);
  const cleaned = goPathClean(decoded);
  return decoded.length > 1 && decoded.endsWith('/') ? `${cleaned}/` : cleaned;
}

/** The string `resources` regexes run against: the cleaned path plus `?` and the raw query when there is one. */
export function resourceString(target: Pick<AccessTarget, 'path' | 'rawQuery'>): string {
  const path = cleanPath(target.path);
  return target.rawQuery === '' ? path : `${path}?${target.rawQuery}`;
}

/** Go's URL.Hostname(): the host without port and without the brackets around an IPv6 literal. */
export function bareHost(hostname: string): string {
  return hostname.charCodeAt(0) === 91 && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
}

/** The rule-matching view of a parsed URL; the path stays raw because the engine cleans it exactly once. */
export function targetFromUrl(url: URL, method: string): AccessTarget {
  return {
    host: bareHost(url.hostname),
    path: url.pathname,
    rawQuery: url.search.length > 1 ? url.search.slice(1) : '',
    method,
  };
}
