/** `server.tls`: the listener terminates TLS itself, and forward-auth then defaults a missing proto to https. */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { test } from 'node:test';
import { createSelfSignedCertificate } from '../../src/cli/commands/demo-cert.js';
import { startHarness } from '../harness/gateway.js';

function get(port: number, path: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; location: string | undefined }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers, rejectUnauthorized: false }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, location: res.headers.location }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('serves https when server.tls is set', async () => {
  const h = await startHarness({
    modify: (cfg, dir) => {
      const cert = createSelfSignedCertificate(['localhost']);
      writeFileSync(join(dir, 'key.pem'), cert.key);
      writeFileSync(join(dir, 'cert.pem'), cert.cert);
      cfg['server'] = {
        address: 'tcp://127.0.0.1:0/',
        tls: { key: join(dir, 'key.pem'), certificate: join(dir, 'cert.pem') },
      };
    },
  });
  try {
    assert.match(h.url, /^https:/);
    assert.equal((await get(h.port, '/api/health')).status, 200);
    // No X-Forwarded-Proto: on a TLS listener the target scheme defaults to https (Authelia's rule).
    const r = await get(h.port, '/api/authz/forward-auth', {
      'x-forwarded-host': 'app.example.com',
      'x-forwarded-uri': '/',
      'x-forwarded-method': 'GET',
      accept: 'text/html',
    });
    assert.equal(r.status, 302);
    assert.match(String(r.location), /^https:\/\/auth\.example\.com\/\?rd=https%3A%2F%2Fapp\.example\.com/);
  } finally {
    await h.stop();
  }
});
