/**
 * The proxy configurations under test, rendered two ways from one template: production-shaped (https sites, the
 * names users have, as printed in docs/proxies.md) and test-shaped (plain http on a loopback port, upstream
 * addresses of this run, the forwarded scheme pinned to https). Only addresses and the scheme differ.
 */

/** Where things are. Production: `localhost:9091` etc.; tests: the ports of this run. */
export interface Deployment {
  /** Portcullis, host:port. */
  readonly gateway: string;
  /** The protected application, host:port. */
  readonly upstream: string;
  /** Absent in production; in tests the one loopback port every site shares. */
  readonly testPort?: number;
}

export const PRODUCTION: Deployment = { gateway: 'localhost:9091', upstream: 'localhost:8080' };

/** The four identity headers Portcullis sends on 200, in the order the configs copy them. */
export const REMOTE_HEADERS = ['Remote-User', 'Remote-Groups', 'Remote-Name', 'Remote-Email'] as const;
export type RemoteHeader = (typeof REMOTE_HEADERS)[number];

/* ------------------------------------------------------------------------------------------------ Caddy */

function caddySite(d: Deployment, host: string, body: string[]): string {
  // In production Caddy serves `host` over https with its own certificate; the test instance has auto_https off.
  const address = d.testPort === undefined ? host : `http://${host}:${d.testPort}`;
  const lines = d.testPort === undefined ? body : ['bind 127.0.0.1', ...body];
  return `${address} {\n${lines.map((l) => (l ? `\t${l}` : '')).join('\n')}\n}\n`;
}

/** Behind a plain-http test listener Caddy would forward `X-Forwarded-Proto: http`, which Portcullis refuses. */
function caddyForwardAuth(d: Deployment, uri: string): string[] {
  return [
    `forward_auth ${d.gateway} {`,
    `\turi ${uri}`,
    `\tcopy_headers ${REMOTE_HEADERS.join(' ')}`,
    ...(d.testPort === undefined ? [] : ['\theader_up X-Forwarded-Proto https']),
    '}',
  ];
}

/**
 * Seed 003's Caddyfile (Authelia's legacy `/api/verify?rd=…` behind `server.address: …/authelia`), with a wildcard
 * site for every app as in seed 000. Its `copy_headers` overwrite client-sent Remote-* headers only because
 * Portcullis always answers all four; prefer the modern form below.
 */
export function caddyLegacy(d: Deployment): string {
  return [
    caddySite(d, '*.example.com', [
      ...caddyForwardAuth(d, '/authelia/api/verify?rd=https://auth.example.com'),
      `reverse_proxy ${d.upstream}`,
    ]),
    caddySite(d, 'auth.example.com', [`reverse_proxy ${d.gateway}`]),
  ].join('\n');
}

/**
 * The recommended Caddyfile: `/api/authz/forward-auth`, and client-sent identity headers removed first. The
 * `route` keeps the written order: by default Caddy runs `request_header` after `forward_auth`, which would
 * delete the headers Portcullis just set.
 */
export function caddyModern(d: Deployment): string {
  return [
    caddySite(d, '*.example.com', [
      'route {',
      ...REMOTE_HEADERS.map((h) => `\trequest_header -${h}`),
      ...caddyForwardAuth(d, '/api/authz/forward-auth').map((l) => `\t${l}`),
      `\treverse_proxy ${d.upstream}`,
      '}',
    ]),
    caddySite(d, 'auth.example.com', [`reverse_proxy ${d.gateway}`]),
  ].join('\n');
}

/* ------------------------------------------------------------------------------------------------ nginx */

function indent(lines: string[], by = '    '): string {
  return lines.map((l) => (l ? `${by}${l}` : '')).join('\n');
}

function nginxServer(d: Deployment, serverName: string, body: string[]): string {
  const listen =
    d.testPort === undefined
      ? [
          'listen 443 ssl;',
          'ssl_certificate     /etc/ssl/example.com/fullchain.pem;',
          'ssl_certificate_key /etc/ssl/example.com/privkey.pem;',
        ]
      : [`listen 127.0.0.1:${d.testPort};`];
  return `server {\n${indent([...listen, `server_name ${serverName};`, '', ...body])}\n}\n`;
}

/** `$scheme` in production (the site is https); pinned to https behind the plain-http test listener. */
function scheme(d: Deployment): string {
  return d.testPort === undefined ? '$scheme' : 'https';
}

/**
 * Seed 003's nginx config (legacy `auth_request /authelia/api/verify`), plus the one line without which it cannot
 * work with Authelia either: `X-Original-URL`, so the gateway knows which URL is asked for (without it the
 * subrequest describes itself, `http://authelia/authelia/api/verify`, and is refused). It has no `error_page`, so
 * anonymous users get a 401 rather than a redirect, and it copies only Remote-User and Remote-Groups.
 */
export function nginxLegacy(d: Deployment): string {
  return [
    `upstream authelia {\n    server ${d.gateway};\n}\n`,
    nginxServer(d, '*.example.com', [
      'location / {',
      '    auth_request /authelia/api/verify;',
      '    auth_request_set $user $upstream_http_remote_user;',
      '    auth_request_set $groups $upstream_http_remote_groups;',
      `    proxy_pass http://${d.upstream};`,
      '    proxy_set_header Remote-User $user;',
      '    proxy_set_header Remote-Groups $groups;',
      '}',
      '',
      'location /authelia {',
      '    proxy_pass http://authelia;',
      `    proxy_set_header X-Original-URL ${scheme(d)}://$http_host$request_uri;`,
      '}',
    ]),
  ].join('\n');
}

/**
 * The recommended nginx config: `/api/authz/auth-request` from an internal location, the 401 + Location answer
 * turned into the redirect, all four identity headers set (which also replaces any a client sent).
 */
export function nginxModern(d: Deployment): string {
  const s = scheme(d);
  return [
    nginxServer(d, 'auth.example.com', [
      'location / {',
      `    proxy_pass http://${d.gateway};`,
      '    proxy_set_header Host $host;',
      `    proxy_set_header X-Forwarded-Proto ${s};`,
      '    proxy_set_header X-Forwarded-Host $http_host;',
      '    proxy_set_header X-Forwarded-For $remote_addr;',
      '}',
    ]),
    nginxServer(d, '*.example.com', [
      'location = /internal/portcullis/authz {',
      '    internal;',
      `    proxy_pass http://${d.gateway}/api/authz/auth-request;`,
      '    proxy_pass_request_body off;',
      '    proxy_set_header Content-Length "";',
      '    proxy_set_header X-Original-Method $request_method;',
      `    proxy_set_header X-Original-URL ${s}://$http_host$request_uri;`,
      '    proxy_set_header X-Forwarded-For $remote_addr;',
      '}',
      '',
      'location / {',
      '    auth_request /internal/portcullis/authz;',
      ...REMOTE_HEADERS.map(
        (h) => `    auth_request_set $${varName(h)} $upstream_http_${h.toLowerCase().replace('-', '_')};`,
      ),
      '    auth_request_set $redirection_url $upstream_http_location;',
      '    error_page 401 =302 $redirection_url;',
      '',
      ...REMOTE_HEADERS.map((h) => `    proxy_set_header ${h} $${varName(h)};`),
      '    proxy_set_header Host $host;',
      `    proxy_set_header X-Forwarded-Proto ${s};`,
      '    proxy_set_header X-Forwarded-For $remote_addr;',
      `    proxy_pass http://${d.upstream};`,
      '}',
    ]),
  ].join('\n');
}

function varName(h: RemoteHeader): string {
  return h === 'Remote-User' ? 'user' : h.slice('Remote-'.length).toLowerCase();
}
