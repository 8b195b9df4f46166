/** session: legacy vs cookies, cookie domains and portal URLs, redis (upstream validator/session.go). */
import { isIP } from 'node:net';
import { domainWithin } from '../normalize.js';
import { arr, joinOr, obj, type Rule, type RuleContext, rawAt } from './context.js';

const SAME_SITE = ['none', 'lax', 'strict'];
const DOMAIN_CHARS = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/;
/** Below this a secret is guessable; upstream only enforces it for storage.encryption_key. */
export const MIN_SECRET_LENGTH = 20;

interface CookieRaw {
  readonly domain: string;
  readonly autheliaUrl: string | undefined;
  readonly redirectUrl: string | undefined;
  readonly sameSite: string | undefined;
  readonly legacy: boolean;
  /** Path of the cookie entry and of each option, for positions. */
  readonly at: (option: string) => string;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function cookiesOf(raw: Record<string, unknown>): CookieRaw[] {
  const session = obj(raw['session']);
  const list = arr(session['cookies']).map(obj);
  const legacyDomain = str(session['domain']) ?? '';
  if (list.length === 0 && legacyDomain !== '') {
    return [
      {
        domain: legacyDomain,
        autheliaUrl: undefined,
        redirectUrl: str(raw['default_redirection_url']),
        sameSite: undefined,
        legacy: true,
        at: (o) => (o === 'default_redirection_url' ? 'default_redirection_url' : `session.${o}`),
      },
    ];
  }
  return list.map((c, i) => ({
    domain: str(c['domain']) ?? '',
    autheliaUrl: str(c['authelia_url']),
    redirectUrl: str(c['default_redirection_url']),
    sameSite: str(c['same_site']),
    legacy: false,
    at: (o) => `session.cookies[${i}]${o ? `.${o}` : ''}`,
  }));
}

function parseUrl(u: string): URL | undefined {
  try {
    return new URL(u);
  } catch {
    return undefined;
  }
}

/** Go's EqualURLs: scheme and host case-insensitive, path and query exact. */
function equalUrls(a: URL, b: URL): boolean {
  return (
    a.protocol.toLowerCase() === b.protocol.toLowerCase() &&
    a.host.toLowerCase() === b.host.toLowerCase() &&
    a.pathname === b.pathname &&
    a.search === b.search
  );
}

function checkUrl(
  ctx: RuleContext,
  c: CookieRaw,
  desc: string,
  option: 'authelia_url' | 'default_redirection_url',
  value: string,
): URL | undefined {
  const url = parseUrl(value);
  const path = c.at(option);
  if (!url) {
    ctx.error(
      path,
      `session: domain config ${desc}: option '${option}' is not absolute with a value of '${value}'`,
    );
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'wss:') {
    ctx.error(
      path,
      `session: domain config ${desc}: option '${option}' does not have a secure scheme with a value of '${value}'`,
    );
  }
  if (c.domain !== '' && !domainWithin(url.hostname, c.domain)) {
    const message = `session: domain config ${desc}: option '${option}' does not share a cookie scope with domain '${c.domain}' with a value of '${value}'`;
    // The legacy form drops an out-of-scope redirection URL with a warning instead of failing.
    if (c.legacy && option === 'default_redirection_url') ctx.warn(path, message);
    else ctx.error(path, message);
  }
  return url;
}

function checkDomain(ctx: RuleContext, c: CookieRaw, desc: string): void {
  const d = c.domain;
  const path = c.at('domain');
  if (d.startsWith('.')) {
    ctx.warn(
      path,
      `session: domain config ${desc}: option 'domain' has a prefix of '.' which is not supported or intended behavior: you can use this at your own risk but we recommend removing it`,
    );
  }
  const port = /^(.*):(\d+)$/.exec(d);
  if (port && !isIP(d)) {
    ctx.warn(
      path,
      `session: domain config ${desc}: option 'domain' with value '${d}' should probably have value '${port[1]}' as it appears to include a port which is not supported and will likely fail to start and is otherwise unsupported`,
    );
  }
  if (d === '') ctx.error(c.at(''), `session: domain config ${desc}: option 'domain' is required`);
  else if (d.startsWith('*.')) {
    ctx.error(
      path,
      `session: domain config ${desc}: option 'domain' must be the domain you wish to protect not a wildcard domain but it's configured as '${d}'`,
    );
  } else if (isIP(d)) {
    // IP addresses are valid cookie domains.
  } else if (!d.includes('.')) {
    ctx.error(
      path,
      `session: domain config ${desc}: option 'domain' is not a valid cookie domain: must have at least a single period or be an ip address`,
    );
  } else if (!DOMAIN_CHARS.test(d)) {
    ctx.error(
      path,
      `session: domain config ${desc}: option 'domain' does not appear to be a valid cookie domain or an ip address`,
    );
  }
}

const session: Rule = (ctx) => {
  const { raw } = ctx;
  const s = obj(raw['session']);
  const sameSite = str(s['same_site']);
  if (sameSite !== undefined && !SAME_SITE.includes(sameSite)) {
    ctx.error(
      'session.same_site',
      `session: option 'same_site' must be one of ${joinOr(SAME_SITE)} but it's configured as '${sameSite}'`,
    );
  }
  const cookieCount = arr(s['cookies']).length;
  const legacy = str(s['domain']) ?? '';
  if (cookieCount !== 0 && rawAt(raw, 'default_redirection_url') !== undefined) {
    ctx.error(
      'default_redirection_url',
      "session: option 'cookies' must be configured with the per cookie option 'default_redirection_url' but the global one is configured which is not supported",
    );
  }
  if (cookieCount === 0 && legacy !== '') {
    ctx.warn(
      'session.domain',
      "session: option 'domain' is deprecated in v4.38.0 and has been replaced by a multi-domain configuration: this has automatically been mapped for you but you will need to adjust your configuration to remove this message and receive the latest messages",
    );
    if (rawAt(raw, 'default_redirection_url') !== undefined) {
      // Portcullis addition: upstream folds this into the session.domain warning without naming the new key.
      ctx.warn(
        'default_redirection_url',
        "configuration key 'default_redirection_url' is deprecated in 4.38.0 and has been replaced by 'session.cookies[].default_redirection_url': you are not required to make any changes as this has been automatically mapped for you, but to stop this warning being logged you will need to adjust your configuration, and this configuration key and auto-mapping is likely to be removed in 5.0.0",
      );
    }
  } else if (cookieCount !== 0 && legacy !== '') {
    ctx.error(
      'session.domain',
      "session: option 'domain' and option 'cookies' can't be specified at the same time",
    );
  }

  const cookies = cookiesOf(raw);
  if (cookies.length === 0) ctx.error('session', "session: option 'cookies' is required");
  const seen: string[] = [];
  cookies.forEach((c, i) => {
    const desc = `#${i + 1} (domain '${c.domain}')`;
    checkDomain(ctx, c, desc);
    // Upstream only checks a later domain against earlier ones; we check both directions (a.com after x.a.com too).
    const clash =
      c.domain !== '' && seen.includes(c.domain)
        ? c.domain
        : seen.find(
            (other) => c.domain !== '' && (domainWithin(c.domain, other) || domainWithin(other, c.domain)),
          );
    if (clash !== undefined) {
      ctx.error(
        c.at('domain'),
        clash === c.domain
          ? `session: domain config ${desc}: option 'domain' is a duplicate value for another configured session domain`
          : `session: domain config ${desc}: option 'domain' shares the same cookie scope as another configured session domain ('${clash}')`,
      );
    }
    seen.push(c.domain);

    let portal: URL | undefined;
    if (c.autheliaUrl === undefined) {
      if (!c.legacy && c.domain !== '')
        ctx.error(c.at(''), `session: domain config ${desc}: option 'authelia_url' is required`);
    } else {
      portal = checkUrl(ctx, c, desc, 'authelia_url', c.autheliaUrl);
    }
    if (c.redirectUrl !== undefined) {
      const redirect = checkUrl(ctx, c, desc, 'default_redirection_url', c.redirectUrl);
      const portalNormalized = portal && parseUrl(ctx.config.session.cookies[i]?.autheliaUrl ?? '');
      if (redirect && portalNormalized && equalUrls(portalNormalized, redirect)) {
        ctx.error(
          c.at('default_redirection_url'),
          `session: domain config ${desc}: option 'default_redirection_url' with value '${c.redirectUrl}' is effectively equal to option 'authelia_url' with value '${c.autheliaUrl}' which is not permitted`,
        );
      }
    }
    if (c.sameSite !== undefined && !SAME_SITE.includes(c.sameSite)) {
      ctx.error(
        c.at('same_site'),
        `session: domain config ${desc}: option 'same_site' must be one of ${joinOr(SAME_SITE)} but it's configured as '${c.sameSite}'`,
      );
    }
  });
};

const redis: Rule = (ctx) => {
  const r = rawAt(ctx.raw, 'session.redis');
  if (r === undefined) return;
  const redisRaw = obj(r);
  const ha = redisRaw['high_availability'];
  const host = str(redisRaw['host']) ?? '';
  const port = typeof redisRaw['port'] === 'number' ? redisRaw['port'] : 0;
  if ((str(rawAt(ctx.raw, 'session.secret')) ?? '') === '') {
    ctx.error('session.redis', "session: option 'secret' is required when using the 'redis' provider");
  }
  if (port !== 0 && (port < 1 || port > 65535) && !(ha === undefined && host.startsWith('/'))) {
    ctx.error(
      'session.redis.port',
      `session: redis: option 'port' must be between 1 and 65535 but it's configured as '${port}'`,
    );
  }
  if (ha === undefined) {
    if (host === '') ctx.error('session.redis', "session: redis: option 'host' is required");
    return;
  }
  const h = obj(ha);
  if ((str(h['sentinel_name']) ?? '') === '') {
    ctx.error(
      'session.redis.high_availability',
      "session: redis: high_availability: option 'sentinel_name' is required",
    );
  }
  const nodes = arr(h['nodes']).map(obj);
  if (host === '' && nodes.length === 0) {
    ctx.error(
      'session.redis',
      "session: redis: option 'host' or the 'high_availability' option 'nodes' is required",
    );
  }
  if (nodes.some((n) => (str(n['host']) ?? '') === '')) {
    ctx.error(
      'session.redis.high_availability.nodes',
      "session: redis: high_availability: option 'nodes': option 'host' is required for each node but one or more nodes are missing this",
    );
  }
};

const secret: Rule = ({ raw, warn }) => {
  const value = str(rawAt(raw, 'session.secret'));
  if (value !== undefined && value !== '' && value.length < MIN_SECRET_LENGTH) {
    warn(
      'session.secret',
      `session: option 'secret' is only ${value.length} characters long: use at least ${MIN_SECRET_LENGTH} random characters (64 recommended)`,
    );
  }
};

export const sessionRules: readonly Rule[] = [session, redis, secret];
