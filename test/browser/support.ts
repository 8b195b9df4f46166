/**
 * Browser-test plumbing: Debian's Chromium through playwright-core, the demo TLS front (or real Caddy) in front of
 * an in-process gateway on *.portcullis.localhost, and screenshots under test-artifacts/portal/.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { createSelfSignedCertificate } from '../../src/cli/commands/demo-cert.js';
import { createDemoFront } from '../../src/cli/commands/demo-front.js';
import { type Harness, startHarness, type TestUser } from '../harness/gateway.js';

export const DOMAIN = 'portcullis.localhost';
export const PORTAL_HOST = `auth.${DOMAIN}`;
export const APP_HOST = `app.${DOMAIN}`;
const ARTIFACTS = join(process.cwd(), 'test-artifacts', 'portal');

export function chromiumPath(): string {
  const r = spawnSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], {
    encoding: 'utf8',
  });
  const path = r.stdout.trim();
  if (!path) throw new Error('chromium is not installed (scripts/test-deps.sh installs it)');
  return path;
}

export async function freePort(): Promise<number> {
  const s = createNetServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

export async function launch(spki: string): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      // Trusts exactly the test certificate, so WebAuthn and Secure cookies behave as on a real site.
      `--ignore-certificate-errors-spki-list=${spki}`,
    ],
  });
}

/** A context with a CDP virtual authenticator (ctap2, resident keys, user verification). */
export async function withAuthenticator(context: BrowserContext, page: Page): Promise<void> {
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
    },
  });
}

/** Saves `name-light.png` and `name-dark.png` of the current page (theme `auto` follows the emulated scheme). */
export async function screenshots(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.screenshot({ path: join(ARTIFACTS, `${name}-${scheme}.png`), fullPage: true });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

export interface Stack {
  readonly harness: Harness;
  readonly port: number;
  readonly portalUrl: string;
  readonly appUrl: string;
  readonly spki: string;
  stop(): Promise<void>;
}

/** A tiny upstream that shows who the proxy says the user is. */
function startUpstream(): Promise<Server> {
  const s = createHttpServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(
      `<!doctype html><title>app</title><h1 id="greeting">Hello, ${String(req.headers['remote-name'] ?? '').replace(/[<>&]/g, '')}</h1>`,
    );
  });
  return new Promise((r) => s.listen(0, '127.0.0.1', () => r(s)));
}

/**
 * The gateway (harness) on *.portcullis.localhost with theme auto, behind either the demo's TLS front or real
 * Caddy (`proxy: 'caddy'`), which then protects a small upstream through forward_auth.
 */
export async function startStack(
  opts: {
    proxy?: 'front' | 'caddy';
    users?: Record<string, TestUser>;
    modify?: (cfg: Record<string, any>, dir: string) => void;
  } = {},
): Promise<Stack> {
  const port = await freePort();
  const portalUrl = `https://${PORTAL_HOST}:${port}/`;
  const appUrl = `https://${APP_HOST}:${port}/`;
  const harness = await startHarness({
    ...(opts.users ? { users: opts.users } : {}),
    runtime: { basicFailureDelayMs: 0 },
    modify: (cfg, dir) => {
      cfg['theme'] = 'auto';
      cfg['server']['trusted_proxies'] = ['127.0.0.1/32', '::1/128'];
      cfg['session']['cookies'] = [
        { domain: DOMAIN, authelia_url: portalUrl, default_redirection_url: appUrl },
      ];
      cfg['access_control'] = {
        default_policy: 'deny',
        rules: [
          { domain: APP_HOST, resources: ['^/secure([/?].*)?$'], policy: 'two_factor' },
          { domain: APP_HOST, policy: 'one_factor' },
        ],
      };
      cfg['webauthn'] = { display_name: 'Portcullis test', enable_passkey_login: true };
      cfg['totp'] = { issuer: 'Portcullis test' };
      opts.modify?.(cfg, dir);
    },
  });
  const cert = createSelfSignedCertificate([DOMAIN, `*.${DOMAIN}`]);
  if (opts.proxy === 'caddy') {
    const upstream = await startUpstream();
    const upPort = (upstream.address() as { port: number }).port;
    const caddy = await startCaddy({ port, cert, gatewayPort: harness.port, upstreamPort: upPort });
    return {
      harness,
      port,
      portalUrl,
      appUrl,
      spki: cert.spkiSha256,
      async stop() {
        await caddy.stop();
        upstream.close();
        await harness.stop();
      },
    };
  }
  const front = createDemoFront({
    key: cert.key,
    cert: cert.cert,
    portalHost: PORTAL_HOST,
    appHost: APP_HOST,
    publicPort: port,
    gateway: { host: '127.0.0.1', port: harness.port },
  });
  await new Promise<void>((r) => front.listen(port, '127.0.0.1', r));
  return {
    harness,
    port,
    portalUrl,
    appUrl,
    spki: cert.spkiSha256,
    async stop() {
      front.closeAllConnections();
      await new Promise<void>((r) => front.close(() => r()));
      await harness.stop();
    },
  };
}

async function startCaddy(o: {
  port: number;
  cert: { key: string; cert: string };
  gatewayPort: number;
  upstreamPort: number;
}): Promise<{ stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-caddy-'));
  writeFileSync(join(dir, 'tls.crt'), o.cert.cert);
  writeFileSync(join(dir, 'tls.key'), o.cert.key);
  // Caddy 2.6: identity headers stripped inside route{} so the order is kept (../shared/docs/machine.md).
  const caddyfile = `{
	admin off
	auto_https off
}

https://${PORTAL_HOST}:${o.port} {
	bind 127.0.0.1
	tls ${dir}/tls.crt ${dir}/tls.key
	reverse_proxy 127.0.0.1:${o.gatewayPort}
}

https://${APP_HOST}:${o.port} {
	bind 127.0.0.1
	tls ${dir}/tls.crt ${dir}/tls.key
	route {
		request_header -Remote-User
		request_header -Remote-Groups
		request_header -Remote-Email
		request_header -Remote-Name
		forward_auth 127.0.0.1:${o.gatewayPort} {
			uri /api/authz/forward-auth
			copy_headers Remote-User Remote-Groups Remote-Email Remote-Name
		}
		reverse_proxy 127.0.0.1:${o.upstreamPort}
	}
}
`;
  writeFileSync(join(dir, 'Caddyfile'), caddyfile);
  const child = spawn('caddy', ['run', '--config', join(dir, 'Caddyfile'), '--adapter', 'caddyfile'], {
    env: { ...process.env, XDG_CONFIG_HOME: join(dir, 'cfg'), XDG_DATA_HOME: join(dir, 'data') },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr.on('data', (c: Buffer) => {
    log += c.toString();
  });
  const deadline = Date.now() + 10_000;
  while (!/serving initial configuration|server running/.test(log)) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`caddy did not start:\n${log}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    async stop() {
      child.kill('SIGTERM');
      if (child.exitCode === null) await new Promise((r) => child.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
