/** Real nginx (Debian's 1.22, auth_request module) in front of Portcullis: seed 003's config and the recommended one. */
import { nginxLegacy, nginxModern, REMOTE_HEADERS } from './configs.js';
import { proxySuite } from './scenarios.js';

proxySuite({
  name: 'nginx, seed 003 legacy auth_request /authelia/api/verify',
  proxy: 'nginx',
  render: nginxLegacy,
  gateway: 'legacy',
  // The seed copies only these two; its unset Remote-Name/Remote-Email pass through from the client.
  copies: ['Remote-User', 'Remote-Groups'],
  // No error_page in the seed, and legacy /api/verify without rd has no portal to name: a plain 401.
  unauthorized: { get: 401, post: 401 },
});

proxySuite({
  name: 'nginx, auth_request /api/authz/auth-request',
  proxy: 'nginx',
  render: nginxModern,
  gateway: 'modern',
  copies: REMOTE_HEADERS,
  // error_page 401 =302 turns every "log in first" into a 302, whatever the method.
  unauthorized: { get: 302, post: 302 },
  portalPath: '',
});
