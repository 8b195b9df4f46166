/**
 * Real proxy processes for the end-to-end suites: Debian's caddy and nginx on loopback, each in its own temp
 * directory, started on a free port, awaited until they accept connections, and killed and removed on stop.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, portOpen } from '../harness/net.js';

export { freePort };

export interface ProxyProcess {
  readonly name: string;
  readonly port: number;
  readonly dir: string;
  /** What the process wrote to stdout/stderr (and nginx's error log), for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

/** Where the proxies are looked for: PATH, plus the sbin/bin directories Debian installs them to (nginx is in /usr/sbin, often not on PATH). */
export function binaryDirs(): string[] {
  return [...(process.env['PATH'] ?? '').split(':').filter(Boolean), '/usr/sbin', '/usr/bin'];
}

/** The binary's path, or undefined when it is not installed. */
export function findBinary(name: string, dirs: readonly string[] = binaryDirs()): string | undefined {
  for (const dir of dirs) {
    if (existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/**
 * Which binary to use, or why the suite cannot run. Under CI a missing proxy is a failure (scripts/test-deps.sh
 * installs both), elsewhere the suite is skipped with the same message.
 */
export function requireBinary(
  name: string,
  dirs: readonly string[] = binaryDirs(),
  ci = process.env['CI'] === 'true' || process.env['CI'] === '1',
): { path: string } | { skip: string } {
  const path = findBinary(name, dirs);
  if (path) return { path };
  const msg = `${name} is not installed: run scripts/test-deps.sh (apt-get install ${name}) to run the end-to-end suite`;
  if (ci) throw new Error(msg);
  return { skip: msg };
}

function spawnProxy(
  name: string,
  bin: string,
  args: string[],
  dir: string,
  port: number,
  extraOutput: () => string,
): Promise<ProxyProcess> {
  const child: ChildProcess = spawn(bin, args, {
    cwd: dir,
    env: {
      ...process.env,
      HOME: dir,
      XDG_CONFIG_HOME: join(dir, 'config'),
      XDG_DATA_HOME: join(dir, 'data'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (c: Buffer) => {
    out += c.toString('utf8');
  });
  child.stderr?.on('data', (c: Buffer) => {
    out += c.toString('utf8');
  });
  let exited: string | undefined;
  const exitedPromise = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = `exited with ${signal ?? code}`;
      resolve();
    });
    child.once('error', (err) => {
      exited = `failed to start: ${err.message}`;
      resolve();
    });
  });
  const output = () => `${out}${extraOutput()}`;

  const proc: ProxyProcess = {
    name,
    port,
    dir,
    output,
    async stop() {
      if (exited === undefined && child.pid !== undefined) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
        await exitedPromise;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };

  return (async () => {
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      if (exited !== undefined) break;
      if (await portOpen(port)) return proc;
      await new Promise((r) => setTimeout(r, 50));
    }
    const why = exited ?? 'did not accept connections within 15 s';
    await proc.stop();
    throw new Error(`${name} ${why} (port ${port}); its output:\n${output()}`);
  })();
}

/** Starts `caddy run` on a Caddyfile whose text is built for the chosen port (global `admin off`, `auto_https off`). */
export async function startCaddy(bin: string, caddyfile: (port: number) => string): Promise<ProxyProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-caddy-'));
  const port = await freePort();
  writeFileSync(join(dir, 'Caddyfile'), caddyfile(port));
  return spawnProxy(
    'caddy',
    bin,
    ['run', '--config', join(dir, 'Caddyfile'), '--adapter', 'caddyfile'],
    dir,
    port,
    () => '',
  );
}

/**
 * Starts nginx in the foreground with every path inside its own prefix directory. `-e` sends the start-up error
 * log there too, so nothing is written outside DIR (and a non-root user can run it).
 */
export async function startNginx(bin: string, nginxConf: (port: number) => string): Promise<ProxyProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-nginx-'));
  mkdirSync(join(dir, 'logs'));
  mkdirSync(join(dir, 'tmp'));
  const port = await freePort();
  const conf = join(dir, 'nginx.conf');
  writeFileSync(conf, nginxConf(port));
  const errorLog = join(dir, 'logs', 'error.log');
  const check = spawnSync(bin, ['-t', '-q', '-p', `${dir}/`, '-e', errorLog, '-c', conf], {
    encoding: 'utf8',
  });
  if (check.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`nginx rejected its configuration:\n${check.stderr}${check.stdout}`);
  }
  return spawnProxy('nginx', bin, ['-p', `${dir}/`, '-e', errorLog, '-c', conf], dir, port, () =>
    existsSync(errorLog) ? readFileSync(errorLog, 'utf8') : '',
  );
}

/** The nginx.conf around the server blocks: foreground, pid and temp paths inside the prefix, loopback only. */
export function nginxMain(servers: string): string {
  // As root, workers would drop to `nobody`, which cannot enter the 0700 temp directory.
  const user = process.getuid?.() === 0 ? 'user root;\n' : '';
  return `${user}worker_processes 1;
daemon off;
pid nginx.pid;
error_log logs/error.log info;
events { worker_connections 256; }
http {
  access_log logs/access.log;
  client_body_temp_path tmp/body;
  proxy_temp_path tmp/proxy;
  fastcgi_temp_path tmp/fastcgi;
  uwsgi_temp_path tmp/uwsgi;
  scgi_temp_path tmp/scgi;

${servers}
}
`;
}

/**
 * The Caddyfile's global options for a test instance: no admin endpoint, no certificates. Caddy 2.6 has no
 * `persist_config`; its autosave goes to XDG_CONFIG_HOME, which points inside DIR.
 */
export const CADDY_TEST_GLOBALS = `{
	admin off
	auto_https off
}
`;
