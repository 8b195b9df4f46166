/**
 * S7's real proxies, each in the foreground with its own temp prefix: one listener proxies straight to the
 * upstream app, a second asks Portcullis first (Caddy `forward_auth`, nginx `auth_request`).
 */
import { type ChildProcess, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnTracked } from './children.js';
import { LOOPBACK } from './loopback.js';
import { freePort, waitForPort } from './net.js';

export interface RunningProxy {
  readonly name: 'caddy' | 'nginx';
  readonly plainPort: number;
  readonly authPort: number;
  readonly child: ChildProcess;
}

export interface ProxyPorts {
  readonly upstream: number;
  readonly gateway: number;
}

const IDENTITY = ['Remote-User', 'Remote-Groups', 'Remote-Name', 'Remote-Email'];

function which(cmd: string, fallback: string): string | undefined {
  try {
    return execFileSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return existsSync(fallback) ? fallback : undefined;
  }
}

export const caddyPath = () => which('caddy', '/usr/bin/caddy');
export const nginxPath = () => which('nginx', '/usr/sbin/nginx');

export async function startCaddy(dir: string, ports: ProxyPorts): Promise<RunningProxy> {
  const bin = caddyPath();
  if (!bin) throw new Error('caddy is not installed (scripts/bench-deps.sh installs it)');
  const plainPort = await freePort();
  const authPort = await freePort();
  mkdirSync(join(dir, 'xdg'), { recursive: true });
  // route{} keeps forward_auth before reverse_proxy; X-Forwarded-Proto is pinned to https because the bench
  // speaks plain http to Caddy while Portcullis (like Authelia) only authorizes https targets.
  const caddyfile = `{
\tadmin off
\tauto_https off
}
http://:${plainPort} {
\tbind ${LOOPBACK}
\treverse_proxy ${LOOPBACK}:${ports.upstream}
}
http://:${authPort} {
\tbind ${LOOPBACK}
\troute {
\t\tforward_auth ${LOOPBACK}:${ports.gateway} {
\t\t\turi /api/authz/forward-auth
\t\t\theader_up X-Forwarded-Proto https
\t\t\tcopy_headers ${IDENTITY.join(' ')}
\t\t}
\t\treverse_proxy ${LOOPBACK}:${ports.upstream}
\t}
}
`;
  const file = join(dir, 'Caddyfile');
  writeFileSync(file, caddyfile);
  const child = spawnTracked(bin, ['run', '--config', file, '--adapter', 'caddyfile'], {
    stdio: ['ignore', 'ignore', 'ignore'],
    env: { ...process.env, XDG_CONFIG_HOME: join(dir, 'xdg'), XDG_DATA_HOME: join(dir, 'xdg') },
  });
  await waitForPort(plainPort, 10_000, 'caddy');
  await waitForPort(authPort, 10_000, 'caddy');
  return { name: 'caddy', plainPort, authPort, child };
}

export async function startNginx(dir: string, ports: ProxyPorts): Promise<RunningProxy> {
  const bin = nginxPath();
  if (!bin) throw new Error('nginx is not installed (scripts/bench-deps.sh installs it)');
  const plainPort = await freePort();
  const authPort = await freePort();
  for (const d of ['logs', 'tmp']) mkdirSync(join(dir, d), { recursive: true });
  const keepalive = 'proxy_http_version 1.1;\n      proxy_set_header Connection "";';
  const setIdentity = IDENTITY.map(
    (
      h,
    ) => `auth_request_set $pc_${h.slice(7).toLowerCase()} $upstream_http_${h.toLowerCase().replace('-', '_')};
      proxy_set_header ${h} $pc_${h.slice(7).toLowerCase()};`,
  ).join('\n      ');
  // One worker, like the single gateway process: the machine has 2 cores shared with wrk.
  const conf = `worker_processes 1;
daemon off;
pid nginx.pid;
error_log logs/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path tmp/body;
  proxy_temp_path tmp/proxy;
  fastcgi_temp_path tmp/fastcgi;
  uwsgi_temp_path tmp/uwsgi;
  scgi_temp_path tmp/scgi;
  upstream app { server ${LOOPBACK}:${ports.upstream}; keepalive 64; }
  upstream portcullis { server ${LOOPBACK}:${ports.gateway}; keepalive 64; }
  server {
    listen ${LOOPBACK}:${plainPort};
    location / {
      proxy_pass http://app;
      ${keepalive}
    }
  }
  server {
    listen ${LOOPBACK}:${authPort};
    location = /internal/authz {
      internal;
      proxy_pass http://portcullis/api/authz/auth-request;
      ${keepalive}
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
      proxy_set_header X-Original-Method $request_method;
      proxy_set_header X-Original-URL https://$http_host$request_uri;
      proxy_set_header X-Forwarded-For $remote_addr;
    }
    location / {
      auth_request /internal/authz;
      ${setIdentity}
      auth_request_set $redirection_url $upstream_http_location;
      error_page 401 =302 $redirection_url;
      proxy_pass http://app;
      ${keepalive}
    }
  }
}
`;
  writeFileSync(join(dir, 'nginx.conf'), conf);
  const child = spawnTracked(bin, ['-p', `${dir}/`, '-c', join(dir, 'nginx.conf')], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await waitForPort(plainPort, 10_000, 'nginx');
  await waitForPort(authPort, 10_000, 'nginx');
  return { name: 'nginx', plainPort, authPort, child };
}
