/**
 * Browser-test plumbing: Debian's Chromium through playwright-core, the demo TLS front (or real Caddy) in front of
 * an in-process gateway on *.portcullis.localhost, a real SMTP listener for the portal's mail, a CDP virtual
 * authenticator, TOTP codes, and screenshots under test-artifacts/screenshots/.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as OTPAuth from 'otpauth';
import { type Browser, type BrowserContext, type CDPSession, chromium, type Page } from 'playwright-core';
import { createSelfSignedCertificate } from '../../src/cli/commands/demo-cert.js';
import { createDemoFront } from '../../src/cli/commands/demo-front.js';
import { type Harness, startHarness, type TestUser } from '../harness/gateway.js';
import { type Mail, type Mailbox, startMailbox as startHarnessMailbox } from '../harness/mailbox.js';
import { freePort } from '../harness/net.js';

export type { Mail, Mailbox };
export { freePort };

export const DOMAIN = 'portcullis.localhost';
export const PORTAL_HOST = `auth.${DOMAIN}`;
export const APP_HOST = `app.${DOMAIN}`;
const ARTIFACTS = join(process.cwd(), 'test-artifacts', 'screenshots');

export function chromiumPath(): string {
  const r = spawnSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], {
    encoding: 'utf8',
  });
  const path = r.stdout.trim();
  if (!path) throw new Error('chromium is not installed (scripts/test-deps.sh installs it)');
  return path;
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

export interface VirtualAuthenticator {
  readonly cdp: CDPSession;
  readonly authenticatorId: string;
  /** The credentials the authenticator holds (resident or not), as CDP reports them. */
  credentials(): Promise<{ credentialId: string; isResidentCredential: boolean; rpId?: string }[]>;
}

/** A CDP virtual authenticator (ctap2, internal, resident keys, user verification) attached to `page`. */
export async function withAuthenticator(context: BrowserContext, page: Page): Promise<VirtualAuthenticator> {
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      // Answers at once: no simulated touch to wait for.
      automaticPresenceSimulation: true,
    },
  });
  return {
    cdp,
    authenticatorId,
    async credentials() {
      return (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials;
    },
  };
}

/**
 * Saves `name-light.png` and `name-dark.png` of the current page (theme `auto` follows the emulated scheme); with
 * `phone`, also `name-phone-light.png` / `name-phone-dark.png` at 390×844, then restores the viewport.
 */
export async function screenshots(page: Page, name: string, opts: { phone?: boolean } = {}): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const shoot = async (suffix: string) => {
    // A modal's backdrop covers the viewport only: a full-page capture would show the page below it unveiled.
    const fullPage = (await page.locator('dialog[open]').count()) === 0;
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      // Transitions finished: a theme switch must not be caught half-way between light and dark colours.
      await page.screenshot({
        path: join(ARTIFACTS, `${name}${suffix}-${scheme}.png`),
        fullPage,
        animations: 'disabled',
      });
    }
  };
  await shoot('');
  const viewport = page.viewportSize();
  if (opts.phone && viewport && viewport.width !== 390) {
    await page.setViewportSize({ width: 390, height: 844 });
    await shoot('-phone');
    await page.setViewportSize(viewport);
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

/** Fills the sign-in form and submits it. */
export async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

/** Opens the portal's security settings and signs in there (the page asks first, then shows them). */
export async function signInToSettings(
  page: Page,
  portalUrl: string,
  username: string,
  password: string,
): Promise<void> {
  await page.goto(`${portalUrl}settings`);
  await signIn(page, username, password);
  await page.getByRole('heading', { name: 'Security settings' }).waitFor();
}

/** The TOTP code for a base32 secret at `at` (ms), with Authelia's defaults unless told. */
export function totpCode(
  secret: string,
  at: number,
  o: { algorithm?: string; digits?: number; period?: number } = {},
): string {
  return new OTPAuth.TOTP({
    secret: OTPAuth.Secret.fromBase32(secret.replace(/\s+/g, '')),
    algorithm: o.algorithm ?? 'SHA1',
    digits: o.digits ?? 6,
    period: o.period ?? 30,
  }).generate({ timestamp: at });
}

/** The real SMTP listener the browser tests read their mail from, sending as the demo domain. */
export const startMailbox = () => startHarnessMailbox({ sender: `Portcullis <auth@${DOMAIN}>` });

/** The password reset link in a mail, if it carries one. */
export function resetLinkIn(m: Mail): string | undefined {
  return /(https:\/\/\S+\/reset-password\/step2\?token=[\w.-]+)/.exec(m.text)?.[1];
}

/** The elevation one-time code in a mail, if it is one. */
export function elevationCodeIn(m: Mail): string | undefined {
  return /one-time code in the portal:\s+([A-Z0-9]+)/.exec(m.text)?.[1];
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

/** A browser, a real SMTP listener and the portal behind real Caddy sending its mail there: the mailed flows' setup. */
export interface MailedPortal {
  readonly stack: Stack;
  readonly browser: Browser;
  readonly mailbox: Mailbox;
  close(): Promise<void>;
}

export async function startMailedPortal(
  modify?: (cfg: Record<string, unknown>) => void,
): Promise<MailedPortal> {
  const mailbox = await startMailbox();
  const stack = await startStack({
    proxy: 'caddy',
    modify: (cfg) => {
      cfg['notifier'] = mailbox.notifier;
      modify?.(cfg);
    },
  });
  const browser = await launch(stack.spki);
  return {
    stack,
    browser,
    mailbox,
    async close() {
      await browser.close();
      await stack.stop();
      await mailbox.close();
    },
  };
}

/** Answers the "Confirm it's you" dialog with the elevation code mailed to `to` after the first `skip` mails. */
export async function elevate(page: Page, mailbox: Mailbox, to: string, skip: number): Promise<Mail> {
  const dialog = page.getByRole('dialog', { name: 'Confirm it’s you' });
  await dialog.waitFor();
  const mail = await mailbox.next((m) => elevationCodeIn(m) !== undefined && m.to.includes(to), skip);
  await dialog.getByLabel('One-time code').fill(elevationCodeIn(mail)!);
  await dialog.getByRole('button', { name: 'Confirm' }).click();
  await dialog.waitFor({ state: 'detached' });
  return mail;
}
