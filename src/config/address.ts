/** Authelia's address syntax: `[<scheme>://]<host>[:<port>][/<path>]`, `unix:///socket?umask=0700&path=x`, `fd://3`. */

export interface Address {
  readonly scheme: string;
  /** Host without brackets; '' = all interfaces. */
  readonly host: string;
  /** 0 when absent. */
  readonly port: number;
  /** URL path for tcp; socket path for unix. */
  readonly path: string;
  readonly query: URLSearchParams;
}

export type AddressParse =
  | { readonly ok: true; readonly address: Address }
  | { readonly ok: false; readonly error: string };

const HAS_SCHEME = /^[-+.a-zA-Z\d]*(:\/\/|:$)/;
const SOCKET_SCHEMES = new Set(['unix', 'ldapi']);

/** Parses like upstream's NewAddressDefault: no scheme → `defaultScheme`, or `unix` when the value starts with '/'. */
export function parseAddress(value: string, defaultScheme = 'tcp'): AddressParse {
  const full = HAS_SCHEME.test(value)
    ? value
    : value.startsWith('/')
      ? `unix://${value}`
      : `${defaultScheme}://${value}`;
  const m = /^([^:/?#]*):\/\/([^/?#]*)([^?#]*)(?:\?([^#]*))?(#.*)?$/.exec(full);
  if (!m) {
    return {
      ok: false,
      error: `could not parse string '${value}' as address: expected format is [<scheme>://]<hostname>[:<port>]`,
    };
  }
  const [, scheme = '', authority = '', path = '', rawQuery, fragment] = m;
  const socket = SOCKET_SCHEMES.has(scheme);
  if (fragment) {
    return {
      ok: false,
      error: `error validating the address: the url '${full}' appears to have a fragment but this is not valid for addresses`,
    };
  }
  if (rawQuery !== undefined && !socket && scheme !== 'fd') {
    return {
      ok: false,
      error: `error validating the address: the url '${full}' appears to have a query but this is not valid for addresses with the '${scheme}' scheme`,
    };
  }
  if (authority.includes('@')) {
    return {
      ok: false,
      // The user info may hold a password: it is not echoed (Authelia's message prints the whole URL).
      error: `error validating the address: the url '${full.replace(/\/\/[^/?#]*@/, '//REDACTED@')}' appears to have user info but this is not valid for addresses`,
    };
  }
  let host = authority;
  let portText = '';
  const v6 = /^\[([^\]]*)\](?::(.*))?$/.exec(authority);
  if (v6) {
    host = v6[1] ?? '';
    portText = v6[2] ?? '';
  } else if (authority.includes(':')) {
    host = authority.slice(0, authority.lastIndexOf(':'));
    portText = authority.slice(authority.lastIndexOf(':') + 1);
  }
  const query = new URLSearchParams(rawQuery ?? '');
  if (scheme === 'fd') {
    if (!/^\d+$/.test(authority)) {
      return {
        ok: false,
        error: `failed to parse file descriptor: strconv.ParseUint: parsing "${authority}": invalid syntax`,
      };
    }
    return { ok: true, address: { scheme, host: authority, port: 0, path, query } };
  }
  if (socket) {
    if (path === '' && scheme === 'unix') {
      return {
        ok: false,
        error: `error validating the unix socket address: could not determine path from '${full}'`,
      };
    }
    if (host !== '') {
      return {
        ok: false,
        error: `error validating the unix socket address: the url '${full}' appears to have a hostname but this is not valid for unix sockets: this may occur if you omit the leading forward slash from the socket path`,
      };
    }
    return { ok: true, address: { scheme, host: '', port: 0, path, query } };
  }
  let port = 0;
  if (portText !== '') {
    if (!/^\d+$/.test(portText) || Number(portText) > 65535) {
      return {
        ok: false,
        error: `failed to parse port: strconv.ParseUint: parsing "${portText}": invalid syntax`,
      };
    }
    port = Number(portText);
  }
  return { ok: true, address: { scheme, host, port, path, query } };
}

/** Renders an address back in upstream's canonical form (`tcp://host:port/path`). */
export function formatAddress(a: Address): string {
  if (SOCKET_SCHEMES.has(a.scheme) || a.scheme === 'fd') {
    const q = a.query.toString();
    return `${a.scheme}://${a.scheme === 'fd' ? a.host : ''}${a.path}${q ? `?${q}` : ''}`;
  }
  const host = a.host.includes(':') ? `[${a.host}]` : a.host;
  return `${a.scheme}://${host}${a.port ? `:${a.port}` : ''}${a.path}`;
}
