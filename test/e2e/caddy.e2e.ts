/** Real Caddy (Debian's caddy 2.6) in front of Portcullis: seed 003's legacy Caddyfile and the recommended one. */
import { caddyLegacy, caddyModern, REMOTE_HEADERS } from './configs.js';
import { proxySuite } from './scenarios.js';

proxySuite({
  name: 'caddy, seed 003 legacy forward_auth /authelia/api/verify?rd=…',
  proxy: 'caddy',
  render: caddyLegacy,
  gateway: 'legacy',
  copies: REMOTE_HEADERS,
  unauthorized: { get: 302, post: 303 },
  portalPath: '/authelia',
});

proxySuite({
  name: 'caddy, forward_auth /api/authz/forward-auth',
  proxy: 'caddy',
  render: caddyModern,
  gateway: 'modern',
  copies: REMOTE_HEADERS,
  unauthorized: { get: 302, post: 303 },
  portalPath: '',
});
