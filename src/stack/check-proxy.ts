/** Reverse-proxy checks: every route behind forward-auth, identity headers copied and not spoofable, no portal loop. */

import type { CaddySite } from './caddy.js';
import { walk } from './caddy.js';
import type { Sink } from './findings.js';
import type { Directive, Route } from './types.js';

const PORTAL_UPSTREAM = /authelia|portcullis|:9091\b/i;
const PORTAL_HOST = /^(auth|login|sso|authelia|portcullis)\./i;
const IDENTITY = 'remote-user';

const isPortal = (host: string, upstreams: readonly string[]) =>
  PORTAL_HOST.test(host) || upstreams.some((u) => PORTAL_UPSTREAM.test(u));

/** `publicLines`: lines carrying a `# portcullis: public` marker, which exempt the site on that or the next line. */
export function checkCaddy(
  sites: readonly CaddySite[],
  publicLines: ReadonlySet<number>,
  sink: Sink,
): Route[] {
  const routes: Route[] = [];
  for (const site of sites) {
    const all = walk(site.body);
    const host = site.addresses.join(', ');
    const at = { file: site.file, line: site.line };
    const auth = all.filter((d) => d.name === 'forward_auth');
    const upstreams = all
      .filter((d) => d.name === 'reverse_proxy')
      .flatMap((d) => d.args.filter((a) => !/^[@/*]/.test(a)));
    const portal = site.addresses.some((a) => isPortal(a.replace(/^https?:\/\//, ''), upstreams));
    const isPublic = publicLines.has(site.line) || publicLines.has(site.line - 1);
    if (upstreams.length)
      routes.push({
        proxy: 'caddy',
        host,
        path: '/',
        upstreams,
        protected: auth.length > 0,
        exempt: portal ? 'portal' : isPublic ? 'public' : undefined,
        at,
      });
    if (upstreams.length && !auth.length && !portal && !isPublic) {
      sink.add(
        'proxy.unprotected-route',
        'high',
        at,
        host,
        `site ${host} proxies to ${upstreams.join(' ')} without forward_auth`,
        'anyone who reaches the proxy reaches the app without logging in',
        'add `forward_auth <portal>:9091 { uri /api/authz/forward-auth  copy_headers Remote-User Remote-Groups Remote-Name Remote-Email }` before reverse_proxy, or mark it `# portcullis: public` if it is meant to be open',
      );
    }
    if (auth.length && portal) {
      sink.add(
        'proxy.portal-behind-auth',
        'high',
        at,
        host,
        `the auth portal ${host} is itself behind forward_auth`,
        'the login page asks the portal whether you are logged in before showing the login page: a redirect loop',
        'remove forward_auth from the portal site',
      );
    }
    const handlers = all.some((d) =>
      /^(reverse_proxy|file_server|respond|redir|php_fastcgi|static_response|error|abort)$/.test(d.name),
    );
    if (auth.length && !handlers) {
      sink.add(
        'proxy.forward-auth-no-upstream',
        'medium',
        at,
        host,
        `site ${host} has forward_auth but nothing to serve`,
        'after a successful login Caddy answers an empty 200: the site looks broken, and a copied wildcard block hides which hosts are really served',
        'add a reverse_proxy (or respond/redir) to the site, or remove the site block',
      );
    }
    for (const fa of auth) {
      const copies = walk(fa.block ?? [])
        .filter((d) => d.name === 'copy_headers')
        .flatMap((d) => [...d.args, ...(d.block ?? []).map((x) => x.name)]);
      if (!copies.some((h) => h.toLowerCase().split('>')[0] === IDENTITY)) {
        sink.add(
          'proxy.forward-auth-no-copy-headers',
          'medium',
          fa,
          host,
          'forward_auth does not copy Remote-User/Remote-Groups',
          'the app never learns who logged in; a Remote-User header the client sent itself reaches the app unchanged',
          'add `copy_headers Remote-User Remote-Groups Remote-Name Remote-Email` inside forward_auth',
        );
      }
    }
  }
  return routes;
}

const find = (ds: readonly Directive[] | undefined, name: string) =>
  (ds ?? []).filter((d) => d.name === name);

/** nginx: each location that passes traffic upstream, with auth_request inherited from server/http as nginx does. */
export function checkNginx(top: readonly Directive[], sink: Sink): Route[] {
  const routes: Route[] = [];
  const upstreamNames = new Map<string, string[]>();
  for (const u of walk(top).filter((d) => d.name === 'upstream')) {
    upstreamNames.set(
      u.args[0] ?? '',
      find(u.block, 'server').map((s) => s.args[0] ?? ''),
    );
  }
  const servers = walk(top).filter((d) => d.name === 'server' && d.block);
  for (const server of servers) {
    const host =
      find(server.block, 'server_name')
        .flatMap((d) => d.args)
        .join(' ') || '_';
    const serverAuth = lastAuth(server.block, undefined);
    const authTargets = new Set(
      walk(server.block ?? [])
        .filter((d) => d.name === 'auth_request')
        .map((d) => d.args[0] ?? ''),
    );
    const reported = new Set<string>();
    const visit = (
      ds: readonly Directive[],
      inherited: Directive | undefined,
      scopes: (readonly Directive[])[],
    ) => {
      for (const loc of find(ds, 'location')) {
        const body = loc.block ?? [];
        const authDir = lastAuth(body, inherited);
        const path = loc.args.join(' ');
        const pass = [
          ...find(body, 'proxy_pass'),
          ...find(body, 'fastcgi_pass'),
          ...find(body, 'uwsgi_pass'),
          ...find(body, 'grpc_pass'),
        ];
        const scope = [body, ...scopes];
        visit(body, authDir, scope);
        if (!pass.length) continue;
        const target = pass[0]?.args[0] ?? '';
        const name = /^\w+:\/\/([^/:]+)/.exec(target)?.[1] ?? '';
        const upstreams = [target, ...(upstreamNames.get(name) ?? [])];
        const at = { file: loc.file, line: loc.line };
        const subject = `${host} ${path}`;
        const endpoint =
          authTargets.has(loc.args[loc.args.length - 1] ?? '') || find(body, 'internal').length > 0;
        const portal = isPortal(host, upstreams) || PORTAL_UPSTREAM.test(name);
        routes.push({
          proxy: 'nginx',
          host,
          path,
          upstreams: [target],
          protected: authDir !== undefined,
          exempt: portal || endpoint ? 'portal' : undefined,
          at,
        });
        if (!authDir && !portal && !endpoint) {
          sink.add(
            'proxy.unprotected-route',
            'high',
            at,
            subject,
            `location ${path} on ${host} proxies to ${target} without auth_request`,
            'anyone who reaches the proxy reaches the app without logging in',
            "add `auth_request /internal/authz;` (pointing at the portal's /api/authz/auth-request) to the server or location",
          );
          continue;
        }
        if (!authDir) continue;
        if (portal || endpoint) {
          sink.add(
            'proxy.portal-behind-auth',
            'high',
            at,
            subject,
            `the auth portal location ${path} is itself behind auth_request`,
            'the portal must answer without a session, otherwise login redirects forever',
            'add `auth_request off;` to the portal location',
          );
          continue;
        }
        const inScope = (n: string) =>
          scope.some((b) => find(b, n).length > 0) || find(server.block, n).length > 0;
        const has = (n: string, pred: (d: Directive) => boolean) =>
          [...scope, server.block ?? [], top].some((b) => find(b, n).some(pred));
        if (!has('error_page', (d) => d.args.includes('401')) && !reported.has('401')) {
          reported.add('401');
          sink.add(
            'proxy.nginx-no-401-redirect',
            'medium',
            authDir,
            host,
            'auth_request is used without `error_page 401 =302 …`',
            'unauthenticated visitors get a bare 401 page instead of being sent to the login portal',
            'add `auth_request_set $redirection_url $upstream_http_location;` and `error_page 401 =302 $redirection_url;`',
          );
        }
        if (!has('auth_request_set', (d) => /\$upstream_http_remote_user/i.test(d.args[1] ?? ''))) {
          sink.add(
            'proxy.forward-auth-no-copy-headers',
            'medium',
            authDir,
            subject,
            'auth_request does not capture Remote-User',
            'the app never learns who logged in',
            'add `auth_request_set $user $upstream_http_remote_user;` and `proxy_set_header Remote-User $user;` (same for Remote-Groups/Name/Email)',
          );
        }
        if (
          !inScope('proxy_set_header') ||
          !has('proxy_set_header', (d) => d.args[0]?.toLowerCase() === IDENTITY)
        ) {
          sink.add(
            'proxy.spoofable-identity-header',
            'high',
            at,
            subject,
            'the upstream receives whatever Remote-User header the client sent',
            'a client can claim to be any user by sending Remote-User itself',
            "set it explicitly in the location: `proxy_set_header Remote-User $user;` (nginx then replaces the client's value)",
          );
        }
      }
    };
    visit(server.block ?? [], serverAuth, []);
  }
  return routes;
}

function lastAuth(
  ds: readonly Directive[] | undefined,
  inherited: Directive | undefined,
): Directive | undefined {
  const a = find(ds, 'auth_request').at(-1);
  if (!a) return inherited;
  return a.args[0] === 'off' ? undefined : a;
}
