/**
 * The scenarios every real-proxy suite runs: a real Portcullis (the in-process harness), a real caddy or nginx in
 * front of it with one of the configs from configs.ts, and the echo upstream behind. Requests go to the proxy's
 * port with the Host a browser would send; what the upstream received is the evidence.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DEFAULT_USERS, type Harness, startHarness } from '../harness/gateway.js';
import { cookieFrom, login, type RawResponse, request } from '../harness/http.js';
import { type Deployment, PRODUCTION, type RemoteHeader } from './configs.js';
import {
  CADDY_TEST_GLOBALS,
  nginxMain,
  type ProxyProcess,
  requireBinary,
  startCaddy,
  startNginx,
} from './proc.js';
import { type Echoed, startUpstream, type Upstream } from './upstream.js';

export interface ProxySpec {
  readonly name: string;
  readonly proxy: 'caddy' | 'nginx';
  /** The site/server blocks; the same function renders the docs/proxies.md snippet with PRODUCTION. */
  readonly render: (d: Deployment) => string;
  /**
   * `legacy`: seed 003's Portcullis side, `server.address: tcp://…/authelia` and the single `session.domain` form
   * (no `authelia_url`). `modern`: `session.cookies[]` with `authelia_url: https://auth.example.com/`.
   */
  readonly gateway: 'legacy' | 'modern';
  /** Which identity headers the config hands to the upstream. */
  readonly copies: readonly RemoteHeader[];
  /**
   * How the proxy answers a browser that must log in: `302`/`303` redirects (GET / other methods), or `401`
   * when the config has no portal to send it to (seed 003's nginx has no `error_page`).
   */
  readonly unauthorized: { readonly get: 302 | 401; readonly post: 302 | 303 | 401 };
  /** Path of the portal API on the proxy's auth.example.com site; absent when the config has no portal site. */
  readonly portalPath?: string;
}

const BROWSER = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };
const PAGE = '/some/page?x=1';
const PORTAL_FOR_PAGE =
  'https://auth.example.com/?rd=https%3A%2F%2Fapp.example.com%2Fsome%2Fpage%3Fx%3D1&rm=GET';
const PORTAL_FOR_FORM = 'https://auth.example.com/?rd=https%3A%2F%2Fapp.example.com%2Fform&rm=POST';
const PORTAL_FOR_SECURE = 'https://auth.example.com/?rd=https%3A%2F%2Fsecure.example.com%2F&rm=GET';
const SPOOFED: Record<RemoteHeader, string> = {
  'Remote-User': 'admin',
  'Remote-Groups': 'admins',
  'Remote-Name': 'Administrator',
  'Remote-Email': 'admin@example.com',
};

/** What each user's identity headers must say at the upstream (harness DEFAULT_USERS). */
function identity(username: keyof typeof DEFAULT_USERS): Record<RemoteHeader, string> {
  const u = DEFAULT_USERS[username]!;
  return {
    'Remote-User': username,
    'Remote-Groups': (u.groups ?? []).join(','),
    'Remote-Name': u.displayname ?? username,
    'Remote-Email': u.email ?? '',
  };
}

interface Stack {
  readonly gateway: Harness;
  readonly upstream: Upstream;
  readonly proxy: ProxyProcess;
  stop(): Promise<void>;
}

function legacyGateway(cfg: Record<string, Record<string, unknown>>): void {
  cfg['server']!['address'] = 'tcp://127.0.0.1:0/authelia';
  cfg['session'] = { secret: cfg['session']!['secret'], domain: 'example.com' };
}

async function startStack(spec: ProxySpec, bin: string): Promise<Stack> {
  const started: { stop(): Promise<void> }[] = [];
  const stopAll = async () => {
    const results = await Promise.allSettled(started.reverse().map((s) => s.stop()));
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
  };
  try {
    const gateway = await startHarness(spec.gateway === 'legacy' ? { modify: legacyGateway } : {});
    started.push(gateway);
    const upstream = await startUpstream();
    started.push(upstream);
    const deployment = (port: number): Deployment => ({
      gateway: `127.0.0.1:${gateway.port}`,
      upstream: `127.0.0.1:${upstream.port}`,
      testPort: port,
    });
    const proxy =
      spec.proxy === 'caddy'
        ? await startCaddy(bin, (port) => `${CADDY_TEST_GLOBALS}\n${spec.render(deployment(port))}`)
        : await startNginx(bin, (port) => nginxMain(spec.render(deployment(port))));
    started.push(proxy);
    return { gateway, upstream, proxy, stop: stopAll };
  } catch (e) {
    await stopAll().catch(() => undefined);
    throw e;
  }
}

/** docs/proxies.md must print exactly what the suites run (production-shaped). */
export function docsShow(spec: ProxySpec): void {
  it(`${spec.name}: docs/proxies.md shows this configuration`, () => {
    const docs = readFileSync(fileURLToPath(new URL('../../docs/proxies.md', import.meta.url)), 'utf8');
    assert.ok(docs.includes(spec.render(PRODUCTION)), `docs/proxies.md lacks:\n${spec.render(PRODUCTION)}`);
  });
}

export function proxySuite(spec: ProxySpec): void {
  docsShow(spec);
  const bin = requireBinary(spec.proxy);
  describe(spec.name, { skip: 'skip' in bin ? bin.skip : false }, () => {
    let s: Stack;
    let john = '';
    let harry = '';
    let bob = '';
    before(async () => {
      s = await startStack(spec, (bin as { path: string }).path);
      john = (await logIn('john', 'john-password')).cookie;
      harry = (await logIn('harry', 'harry-password')).cookie;
      bob = (await logIn('bob', 'bob-password')).cookie;
      assert.ok(john && harry && bob, 'the test users could not log in');
    });
    after(() => s?.stop());

    let sentToApps = 0;
    const via = (host: string, path: string, headers: Record<string, string> = {}, method = 'GET') => {
      sentToApps++;
      return request(s.proxy.port, { method, path, headers: { host, ...BROWSER, ...headers } });
    };

    /** Logs in through the proxy's portal site when the config has one, else straight at Portcullis. */
    async function logIn(username: string, password: string, extra: Record<string, unknown> = {}) {
      if (spec.portalPath === undefined) {
        return login(s.gateway.port, username, password, extra, spec.gateway === 'legacy' ? '/authelia' : '');
      }
      const res = await request(s.proxy.port, {
        method: 'POST',
        path: `${spec.portalPath}/api/firstfactor`,
        headers: { host: 'auth.example.com', 'content-type': 'application/json' },
        body: JSON.stringify({ username, password, ...extra }),
      });
      return { res, cookie: res.status === 200 ? cookieFrom(res) : '' };
    }

    /** Runs `send` and returns its answer plus what reached the upstream meanwhile. */
    async function watch(send: () => Promise<RawResponse>): Promise<{ res: RawResponse; reached: Echoed[] }> {
      const before = s.upstream.seen.length;
      const res = await send();
      return { res, reached: s.upstream.seen.slice(before) };
    }

    function fromUpstream(res: RawResponse): Echoed {
      assert.equal(
        res.status,
        200,
        `expected the upstream's answer, got ${res.status} ${res.body}\n${s.proxy.output()}`,
      );
      assert.equal(res.headers['x-upstream'], 'echo');
      return JSON.parse(res.body) as Echoed;
    }

    function assertMustLogIn(res: RawResponse, status: number, location: string): void {
      assert.equal(res.status, status, `${res.status} ${res.body}`);
      if (status === 401) assert.equal(res.headers.location, undefined);
      else assert.equal(res.headers.location, location);
    }

    it('sends an anonymous browser to the portal with the exact rd, and nothing reaches the app', async () => {
      const { res, reached } = await watch(() => via('app.example.com', PAGE));
      assertMustLogIn(res, spec.unauthorized.get, PORTAL_FOR_PAGE);
      assert.deepEqual(reached, []);
    });

    it('sends an anonymous form post to the portal with rm=POST', async () => {
      const { res, reached } = await watch(() =>
        via('app.example.com', '/form', { 'content-type': 'application/x-www-form-urlencoded' }, 'POST'),
      );
      assertMustLogIn(res, spec.unauthorized.post, PORTAL_FOR_FORM);
      assert.deepEqual(reached, []);
    });

    it('treats a garbage session cookie as no session', async () => {
      const { res, reached } = await watch(() =>
        via('app.example.com', PAGE, { cookie: 'authelia_session=not-a-session-%00-at-all' }),
      );
      assertMustLogIn(res, spec.unauthorized.get, PORTAL_FOR_PAGE);
      assert.deepEqual(reached, []);
    });

    it('logs in through the API and redirects to the safe target', async () => {
      const { res, cookie } = await logIn('john', 'john-password', {
        targetURL: `https://app.example.com${PAGE}`,
        requestMethod: 'GET',
      });
      assert.equal(res.status, 200, res.body);
      assert.deepEqual(JSON.parse(res.body), {
        status: 'OK',
        data: { redirect: `https://app.example.com${PAGE}` },
      });
      assert.match(cookie, /^authelia_session=.{32,}$/);
      const setCookie = String(res.headers['set-cookie']);
      assert.match(setCookie, /Domain=example\.com/i);
      assert.match(setCookie, /Secure/);
      assert.match(setCookie, /HttpOnly/i);
    });

    it('refuses a wrong password with Authelia message', async () => {
      const { res, cookie } = await logIn('bob', 'not-the-password');
      assert.equal(res.status, 401);
      assert.deepEqual(JSON.parse(res.body), {
        status: 'KO',
        message: 'Authentication failed. Check your credentials.',
      });
      assert.equal(cookie, '');
    });

    it('hands the logged-in identity to the upstream', async () => {
      const echoed = fromUpstream(await via('app.example.com', PAGE, { cookie: john }));
      assert.equal(echoed.url, PAGE);
      const want = identity('john');
      for (const h of spec.copies) assert.equal(echoed.headers[h.toLowerCase()], want[h], h);
    });

    it('answers 403 on a deny rule, with or without a session', async () => {
      for (const cookie of ['', john]) {
        const { res, reached } = await watch(() => via('deny.example.com', '/', cookie ? { cookie } : {}));
        assert.equal(res.status, 403, `cookie=${cookie !== ''}: ${res.body}`);
        assert.deepEqual(reached, []);
      }
    });

    it('lets a bypass app through without a login and without identity', async () => {
      const echoed = fromUpstream(await via('public.example.com', '/'));
      for (const h of spec.copies)
        assert.ok(!echoed.headers[h.toLowerCase()], `${h}: ${echoed.headers[h.toLowerCase()]}`);
    });

    it('never lets a client-sent Remote-User act as identity', async () => {
      // Anonymous, on an app that needs a login: the spoofed headers buy nothing.
      const denied = await watch(() => via('app.example.com', PAGE, SPOOFED));
      assertMustLogIn(denied.res, spec.unauthorized.get, PORTAL_FOR_PAGE);
      assert.deepEqual(denied.reached, []);
      // Anonymous, on a bypass app: the request passes, the spoofed identity does not.
      const anon = fromUpstream(await via('public.example.com', '/', SPOOFED));
      for (const h of spec.copies)
        assert.ok(!anon.headers[h.toLowerCase()], `${h}: ${anon.headers[h.toLowerCase()]}`);
      // Logged in as bob: the upstream hears bob, not the header bob typed.
      const asBob = fromUpstream(await via('app.example.com', '/', { ...SPOOFED, cookie: bob }));
      const want = identity('bob');
      for (const h of spec.copies) assert.equal(asBob.headers[h.toLowerCase()], want[h], h);
    });

    it('sends a one-factor session to the portal for a two_factor app', async () => {
      const { res, reached } = await watch(() => via('secure.example.com', '/', { cookie: john }));
      assertMustLogIn(res, spec.unauthorized.get, PORTAL_FOR_SECURE);
      assert.deepEqual(reached, []);
    });

    it('answers 403 to a logged-in user outside the group a rule requires', async () => {
      for (const cookie of [harry, bob]) {
        const { res, reached } = await watch(() => via('admin.example.com', '/', { cookie }));
        assert.equal(res.status, 403, res.body);
        assert.deepEqual(reached, []);
      }
    });

    it('applies a resource deny on the path the upstream would serve, dot-segments included', async () => {
      for (const path of ['/private', '/private/x?y=1', '/public/../private', '/public/%2e%2e/private']) {
        const { res, reached } = await watch(() => via('dev.example.com', path, { cookie: bob }));
        assert.equal(res.status, 403, `${path}: ${res.status} ${res.body}`);
        assert.deepEqual(reached, [], path);
      }
      fromUpstream(await via('dev.example.com', '/public', { cookie: bob }));
    });

    it('asked the gateway once per request, always with a well-described https target, no error (runs last)', () => {
      const events = s.gateway.logs.map((l) => JSON.parse(l) as Record<string, unknown>);
      const decisions = events.filter((e) => e['event'] === 'authz.decision');
      assert.equal(decisions.length, sentToApps);
      for (const d of decisions) {
        assert.notEqual(d['outcome'], 'bad-request', JSON.stringify(d));
        assert.match(String(d['url']), /^https:\/\/[a-z]+\.example\.com\//, JSON.stringify(d));
      }
      const errors = events.filter((e) => e['level'] === 'error' || e['level'] === 'fatal');
      assert.deepEqual(errors, []);
    });
  });
}
