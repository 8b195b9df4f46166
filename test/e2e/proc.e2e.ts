/** The end-to-end plumbing itself: each proxy starts from our configs, carries traffic to the echo upstream, and stops clean. */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { request } from '../harness/http.js';
import {
  CADDY_TEST_GLOBALS,
  nginxMain,
  type ProxyProcess,
  requireBinary,
  startCaddy,
  startNginx,
} from './proc.js';
import { startUpstream, type Upstream } from './upstream.js';

const caddy = requireBinary('caddy');
const nginx = requireBinary('nginx');

/** A fresh TCP connection (the http agent would reuse a pooled socket and say "socket hang up" instead). */
function connectTo(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const sock = connect({ host: '127.0.0.1', port });
    sock.once('connect', () => {
      sock.destroy();
      resolve();
    });
    sock.once('error', reject);
  });
}

describe('e2e plumbing', () => {
  let upstream: Upstream;
  before(async () => {
    upstream = await startUpstream();
  });
  after(() => upstream.stop());

  async function roundTrip(p: ProxyProcess): Promise<void> {
    const r = await request(p.port, {
      path: '/hello?x=1',
      headers: { host: 'app.example.com', 'x-probe': 'yes' },
    });
    assert.equal(r.status, 200, p.output());
    const echoed = JSON.parse(r.body);
    assert.equal(echoed.url, '/hello?x=1');
    assert.equal(echoed.headers['x-probe'], 'yes');
    assert.equal(echoed.headers.host, 'app.example.com');
  }

  it('runs caddy on a free loopback port and removes its directory on stop', {
    skip: 'skip' in caddy && caddy.skip,
  }, async () => {
    const p = await startCaddy(
      (caddy as { path: string }).path,
      (port) =>
        `${CADDY_TEST_GLOBALS}\nhttp://app.example.com:${port} {\n\tbind 127.0.0.1\n\treverse_proxy 127.0.0.1:${upstream.port}\n}\n`,
    );
    try {
      await roundTrip(p);
    } finally {
      await p.stop();
    }
    assert.equal(existsSync(p.dir), false);
    await assert.rejects(connectTo(p.port), /ECONNREFUSED/);
  });

  it('runs nginx in the foreground inside its prefix and removes it on stop', {
    skip: 'skip' in nginx && nginx.skip,
  }, async () => {
    const p = await startNginx((nginx as { path: string }).path, (port) =>
      nginxMain(
        `  server {\n    listen 127.0.0.1:${port};\n    server_name app.example.com;\n    location / {\n      proxy_pass http://127.0.0.1:${upstream.port};\n      proxy_set_header Host $host;\n    }\n  }`,
      ),
    );
    try {
      await roundTrip(p);
    } finally {
      await p.stop();
    }
    assert.equal(existsSync(p.dir), false);
    await assert.rejects(connectTo(p.port), /ECONNREFUSED/);
  });

  it('fails under CI when a proxy is missing, and only skips elsewhere', () => {
    assert.throws(
      () => requireBinary('caddy', ['/nonexistent'], true),
      /caddy is not installed: run scripts\/test-deps\.sh/,
    );
    assert.deepEqual(requireBinary('nginx', ['/nonexistent'], false), {
      skip: 'nginx is not installed: run scripts/test-deps.sh (apt-get install nginx) to run the end-to-end suite',
    });
  });

  it('reports a broken configuration with the proxy own words', {
    skip: 'skip' in nginx && nginx.skip,
  }, async () => {
    await assert.rejects(
      startNginx((nginx as { path: string }).path, () =>
        nginxMain('  server { listen nonsense-directive; }'),
      ),
      /nginx rejected its configuration:[\s\S]*"nonsense-directive" of the "listen" directive/,
    );
    await assert.rejects(
      startCaddy(
        (caddy as { path: string }).path,
        () => `${CADDY_TEST_GLOBALS}\n:1 {\n\tno_such_directive\n}\n`,
      ),
      /caddy exited with 1[\s\S]*no_such_directive/,
    );
  });
});
