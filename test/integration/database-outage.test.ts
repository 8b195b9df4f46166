/**
 * The database goes away under a running gateway (a TCP relay in front of the real server is cut) and comes
 * back: checks never answer 200 meanwhile, /api/health names storage, and service resumes with no restart.
 */
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';
import { after, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { type FreshDatabase, freshDatabase } from '../harness/databases.js';
import { type Harness, startHarness } from '../harness/gateway.js';
import { forwardAuthHeaders, login, request } from '../harness/http.js';
import { until } from '../harness/net.js';

/** A loopback TCP relay to `target` that the test can cut (every connection dropped) and restore. */
async function relay(target: number) {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server = createServer((client) => {
        const upstream = tcpConnect(target, '127.0.0.1');
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('close', () => sockets.delete(s));
          s.on('error', () => {
            client.destroy();
            upstream.destroy();
          });
        }
        client.pipe(upstream).pipe(client);
      });
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        port = (server!.address() as { port: number }).port;
        resolve();
      });
    });
  await listen();
  return {
    get port() {
      return port;
    },
    async cut() {
      await new Promise<void>((resolve) => {
        server!.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
    },
    restore: listen,
  };
}

const check = (port: number, cookie: string) =>
  request(port, {
    path: '/api/authz/forward-auth',
    headers: forwardAuthHeaders('https://app.example.com/', 'GET', { cookie }),
  });

for (const engine of ['postgres', 'mysql'] as const) {
  describe(`the ${engine} database goes away and comes back`, () => {
    let db: FreshDatabase;
    let gw: Harness;
    let link: Awaited<ReturnType<typeof relay>>;
    after(async () => {
      await gw?.stop();
      await link?.cut();
      await db?.drop();
    });

    test('fail closed while it is away, recover by itself', async () => {
      db = await freshDatabase(engine);
      link = await relay(engine === 'postgres' ? 5432 : 3306);
      const section = db.yaml({ address: `tcp://127.0.0.1:${link.port}`, timeout: '1s' });
      gw = await startHarness({
        modify: (cfg) => {
          cfg['storage'] = { encryption_key: cfg['storage'].encryption_key, ...section };
        },
      });
      const { cookie } = await login(gw.port, 'john', 'john-password');
      assert.equal((await check(gw.port, cookie)).status, 200);
      assert.equal((await request(gw.port, { path: '/api/health' })).status, 200);

      await link.cut();
      await sleep(1_100); // past the 1 s a cached session may be trusted
      const statuses: number[] = [];
      for (let i = 0; i < 10; i++) statuses.push((await check(gw.port, cookie)).status);
      assert.ok(
        statuses.every((s) => s >= 500),
        `every check with the database away must fail closed (5xx): ${statuses.join(' ')}`,
      );
      const health = await request(gw.port, { path: '/api/health' });
      assert.equal(health.status, 503);
      assert.deepEqual(JSON.parse(health.body), { status: 'KO', dependencies: { storage: 'down' } });
      assert.notEqual(
        (await login(gw.port, 'bob', 'bob-password')).res.status,
        200,
        'no login without storage',
      );

      await link.restore();
      await until(
        'the same session to work again without a restart',
        async () => (await check(gw.port, cookie)).status === 200,
        10_000,
        100,
      );
      // The health report is shared for a second: poll rather than guess.
      await until(
        '/api/health to recover',
        async () => (await request(gw.port, { path: '/api/health' })).status === 200,
        5_000,
        100,
      );
    });
  });
}
