/** server (address, TLS files, authz endpoints, rate limits, trusted_proxies) and telemetry (upstream validator/server.go). */
import { statSync } from 'node:fs';
import { parseAddress } from '../address.js';
import { joinAnd } from '../deprecations.js';
import { parseCidr } from '../networks.js';
import { arr, joinOr, obj, type Rule, type RuleContext, rawAt } from './context.js';

const HTTP_SCHEMES = ['tcp', 'tcp4', 'tcp6', 'unix', 'fd'];
const IMPLEMENTATIONS = ['AuthRequest', 'ForwardAuth', 'ExtAuthz', 'Legacy'];
const STRATEGIES = [
  'CookieSession',
  'HeaderAuthorization',
  'HeaderProxyAuthorization',
  'HeaderAuthRequestProxyAuthorization',
  'HeaderLegacy',
];
const HEADER_STRATEGIES = STRATEGIES.slice(1, 4);
const SCHEMES = ['basic', 'bearer'];
const ENDPOINT_NAME = /^[a-zA-Z](([a-zA-Z0-9/._-]*)([a-zA-Z]))?$/;

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

function fileMustExist(ctx: RuleContext, path: string, option: string, file: string): void {
  try {
    if (statSync(file).isDirectory()) {
      ctx.error(
        path,
        `server: tls: option '${option}' with path '${file}' refers to a directory but it should refer to a file`,
      );
    }
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    ctx.error(
      path,
      err.code === 'ENOENT'
        ? `server: tls: option '${option}' with path '${file}' refers to a file that doesn't exist`
        : `server: tls: option '${option}' with path '${file}' could not be verified due to a file system error: ${err.message}`,
    );
  }
}

const address: Rule = (ctx) => {
  const value = rawAt(ctx.raw, 'server.address');
  if (typeof value !== 'string' || value === '') return;
  const r = parseAddress(value);
  if (!r.ok) {
    ctx.error('server.address', `server: option 'address' with value '${value}' is invalid: ${r.error}`);
    return;
  }
  const a = r.address;
  if (!HTTP_SCHEMES.includes(a.scheme)) {
    ctx.error(
      'server.address',
      `server: option 'address' with value '${value}' is invalid: scheme must be one of 'tcp', 'tcp4', 'tcp6', 'unix', or 'fd' but is configured as '${a.scheme}'`,
    );
  }
  const sub = a.scheme === 'unix' || a.scheme === 'fd' ? `/${a.query.get('path') ?? ''}` : a.path;
  if (sub === '' || sub === '/') return;
  const p = sub.slice(1);
  if (p.includes('/')) {
    ctx.error(
      'server.address',
      `server: option 'address' must be a single subpath (i.e. '/${p.split('/')[0]}'), but '${sub}' contains multiple segments`,
    );
  } else if (!/^[a-zA-Z0-9]+$/.test(p)) {
    ctx.error(
      'server.address',
      `server: option 'address' must have a path with only alphanumeric characters but it's configured as '${sub}'`,
    );
  }
};

const tls: Rule = (ctx) => {
  const { key, certificate, clientCertificates } = ctx.config.server.tls;
  if (key !== '' && certificate === '') {
    ctx.error('server.tls', "server: tls: option 'key' must also be accompanied by option 'certificate'");
  } else if (key === '' && certificate !== '') {
    ctx.error('server.tls', "server: tls: option 'certificate' must also be accompanied by option 'key'");
  }
  if (key !== '') fileMustExist(ctx, 'server.tls.key', 'key', key);
  if (certificate !== '') fileMustExist(ctx, 'server.tls.certificate', 'certificate', certificate);
  if (key === '' && certificate === '' && clientCertificates.length > 0) {
    ctx.error(
      'server.tls.client_certificates',
      'server: tls: client authentication cannot be configured if no server certificate and key are provided',
    );
  }
  clientCertificates.forEach((file, i) => {
    fileMustExist(ctx, `server.tls.client_certificates[${i}]`, 'client_certificates', file);
  });
};

const assetPath: Rule = (ctx) => {
  const dir = ctx.config.server.assetPath;
  if (dir === '') return;
  try {
    statSync(dir);
  } catch {
    ctx.error(
      'server.asset_path',
      `server: asset_path: error occurred reading the '${dir}' directory: the directory does not exist`,
    );
  }
};

function checkStrategies(
  ctx: RuleContext,
  name: string,
  endpoint: Record<string, unknown>,
  path: string,
): void {
  const names: string[] = [];
  arr(endpoint['authn_strategies']).forEach((item, i) => {
    const st = obj(item);
    const p = `${path}.authn_strategies[${i}]`;
    const strategy = str(st['name']);
    const schemes = arr(st['schemes']).filter((x): x is string => typeof x === 'string');
    if (strategy !== '' && names.includes(strategy)) {
      ctx.error(
        p,
        `server: endpoints: authz: ${name}: authn_strategies: duplicate strategy name detected with name '${strategy}'`,
      );
    }
    names.push(strategy);
    const cache = st['scheme_basic_cache_lifespan'];
    if (typeof cache === 'number' && cache > 0 && !schemes.some((x) => x.toLowerCase() === 'basic')) {
      ctx.error(
        p,
        `server: endpoints: authz: ${name}: authn_strategies: strategy #${i + 1}: option 'scheme_basic_cache_lifespan' can't be configured unless the 'basic' scheme is configured but only the ${joinAnd(schemes)} schemes are configured`,
      );
    }
    if (strategy === '') {
      ctx.error(
        p,
        `server: endpoints: authz: ${name}: authn_strategies: strategy #${i + 1}: option 'name' must be configured`,
      );
    } else if (!STRATEGIES.includes(strategy)) {
      ctx.error(
        `${p}.name`,
        `server: endpoints: authz: ${name}: authn_strategies: option 'name' must be one of ${joinOr(STRATEGIES)} but it's configured as '${strategy}'`,
      );
    } else if (HEADER_STRATEGIES.includes(strategy)) {
      for (const scheme of schemes) {
        if (!SCHEMES.includes(scheme.toLowerCase())) {
          ctx.error(
            `${p}.schemes`,
            `server: endpoints: authz: ${name}: authn_strategies: strategy #${i + 1} (${strategy}): option 'schemes' must only include the values ${joinOr(SCHEMES)} but has '${scheme}'`,
          );
        }
      }
    } else if (schemes.length) {
      ctx.error(
        `${p}.schemes`,
        `server: endpoints: authz: ${name}: authn_strategies: strategy #${i + 1} (${strategy}): option 'schemes' is not valid for the strategy`,
      );
    }
  });
}

const endpoints: Rule = (ctx) => {
  const e = obj(rawAt(ctx.raw, 'server.endpoints'));
  if (e['enable_expvars'] === true) {
    ctx.warn(
      'server.endpoints.enable_expvars',
      "server: endpoints: option 'enable_expvars' should not be enabled in production",
    );
  }
  if (e['enable_pprof'] === true) {
    ctx.warn(
      'server.endpoints.enable_pprof',
      "server: endpoints: option 'enable_pprof' should not be enabled in production",
    );
  }
  const authz = obj(e['authz']);
  const names = Object.keys(authz).sort();
  for (const name of names) {
    const endpoint = obj(authz[name]);
    const path = `server.endpoints.authz.${name}`;
    const impl = str(endpoint['implementation']);
    if (name === 'legacy') {
      if (impl !== '' && impl !== 'Legacy') {
        ctx.error(
          `${path}.implementation`,
          IMPLEMENTATIONS.includes(impl)
            ? `server: endpoints: authz: ${name}: option 'implementation' is invalid: the endpoint with the name 'legacy' must use the 'Legacy' implementation`
            : `server: endpoints: authz: ${name}: option 'implementation' must be one of ${joinOr(IMPLEMENTATIONS)} but it's configured as '${impl}'`,
        );
      }
    } else if (!IMPLEMENTATIONS.includes(impl)) {
      ctx.error(
        path,
        `server: endpoints: authz: ${name}: option 'implementation' must be one of ${joinOr(IMPLEMENTATIONS)} but it's configured as '${impl}'`,
      );
    }
    if (!ENDPOINT_NAME.test(name))
      ctx.error(path, `server: endpoints: authz: ${name}: contains invalid characters`);
    for (const other of names) {
      if (other === name || other === 'legacy') continue;
      const otherImpl = str(obj(authz[other])['implementation']);
      if ((otherImpl === 'Legacy' || otherImpl === 'ExtAuthz') && name.startsWith(`${other}/`)) {
        ctx.error(
          path,
          `server: endpoints: authz: ${name}: endpoint starts with the same prefix as the '${other}' endpoint with the '${otherImpl}' implementation which accepts prefixes as part of its implementation`,
        );
      }
    }
    checkStrategies(ctx, name, endpoint, path);
  }
};

const rateLimits: Rule = (ctx) => {
  for (const [name, value] of Object.entries(obj(rawAt(ctx.raw, 'server.endpoints.rate_limits')))) {
    arr(obj(value)['buckets']).forEach((item, i) => {
      const bucket = obj(item);
      const path = `server.endpoints.rate_limits.${name}.buckets[${i}]`;
      const period = typeof bucket['period'] === 'number' ? bucket['period'] : 0;
      const requests = typeof bucket['requests'] === 'number' ? bucket['requests'] : 0;
      if (period === 0) {
        ctx.error(
          path,
          `server: endpoints: rate_limits: ${name}: bucket ${i + 1}: option 'period' must have a value`,
        );
      } else if (period < 10_000) {
        ctx.error(
          path,
          `server: endpoints: rate_limits: ${name}: bucket ${i + 1}: option 'period' has a value of '${period / 1000}s' but it must be greater than 10 seconds`,
        );
      }
      if (requests <= 0) {
        ctx.error(
          path,
          `server: endpoints: rate_limits: ${name}: bucket ${i + 1}: option 'requests' has a value of '${requests}' but it must be greater than 1`,
        );
      }
    });
  }
};

const trustedProxies: Rule = (ctx) => {
  arr(rawAt(ctx.raw, 'server.trusted_proxies')).forEach((v, i) => {
    if (typeof v === 'string' && parseCidr(v)) return;
    ctx.error(
      `server.trusted_proxies[${i}]`,
      `server: option 'trusted_proxies' has the value '${String(v)}' which is not a valid IP or CIDR notation`,
    );
  });
};

const telemetry: Rule = (ctx) => {
  const value = rawAt(ctx.raw, 'telemetry.metrics.address');
  if (typeof value !== 'string' || value === '') return;
  const r = parseAddress(value);
  const problem = !r.ok
    ? r.error
    : HTTP_SCHEMES.includes(r.address.scheme)
      ? undefined
      : `scheme must be one of 'tcp', 'tcp4', 'tcp6', 'unix', or 'fd' but is configured as '${r.address.scheme}'`;
  if (problem)
    ctx.error(
      'telemetry.metrics.address',
      `telemetry: metrics: option 'address' with value '${value}' is invalid: ${problem}`,
    );
};

export const serverRules: readonly Rule[] = [
  address,
  tls,
  assetPath,
  endpoints,
  rateLimits,
  trustedProxies,
  telemetry,
];
