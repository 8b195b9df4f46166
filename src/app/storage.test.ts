import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { type FreshDatabase, freshDatabase } from '../../test/harness/databases.js';
import { freePort } from '../../test/harness/net.js';
import type { StorageConfig } from '../config/index.js';
import { isPortcullisError, ManualClock } from '../core/index.js';
import { SQLITE_MIGRATIONS } from '../storage/migrations/sqlite.js';
import { openStorage } from './storage.js';

const dir = mkdtempSync(join(tmpdir(), 'portcullis-app-storage-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const KEY = 'an_encryption_key_that_is_long_enough_0123456789';

const cfg = (path: string, encryptionKey = KEY): StorageConfig => ({
  encryptionKey,
  local: { path },
  postgres: undefined,
  mysql: undefined,
});

test('a database opens again with the same key, already migrated, and keeps its data', async () => {
  const path = join(dir, `db-${n++}.sqlite3`);
  const clock = new ManualClock();
  const first = await openStorage(cfg(path), { clock });
  await first.bans.ban('ip', '192.0.2.7', clock.now() + 60_000, 'test');
  await first.close();

  const second = await openStorage(cfg(path), { clock });
  assert.equal((await second.bans.active('ip', '192.0.2.7'))?.reason, 'test');
  const rows = await second.sql.all<{ version: number }>('SELECT version FROM migrations ORDER BY version');
  assert.deepEqual(
    rows.map((r) => r.version),
    SQLITE_MIGRATIONS.map((m) => m.version),
  );
  await second.close();
});

test('a different key refuses to open, with a message that says what to do', async () => {
  const path = join(dir, `db-${n++}.sqlite3`);
  await (await openStorage(cfg(path))).close();
  await assert.rejects(openStorage(cfg(path, 'a_different_key_that_is_long_enough_987654')), (e) => {
    assert.ok(isPortcullisError(e));
    assert.equal(e.code, 'ERR_STORAGE_ENCRYPTION_KEY');
    assert.match(e.message, /storage encryption key does not match/);
    assert.match(e.message, /set storage\.encryption_key back to the original value/);
    return true;
  });
  // The refusal closed its connection and changed nothing: the right key still works.
  await (await openStorage(cfg(path))).close();
});

test('a TOTP secret is stored encrypted (not in clear) and reads back with the key', async () => {
  const path = join(dir, `db-${n++}.sqlite3`);
  const s = await openStorage(cfg(path));
  const secret = Buffer.from('0123456789abcdefghij0123456789AB');
  await s.totp.save({
    username: 'john',
    issuer: 'Portcullis',
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
    secret,
    createdAt: 1,
    lastUsedAt: undefined,
  });
  await s.close();

  const raw = new Database(path, { readonly: true });
  const row = raw.prepare('SELECT secret FROM totp_configurations WHERE username = ?').get('john') as {
    secret: Buffer;
  };
  raw.close();
  assert.ok(Buffer.isBuffer(row.secret));
  assert.equal(row.secret.indexOf(secret), -1, 'the raw secret bytes appear in the stored BLOB');
  assert.equal(row.secret.indexOf(secret.subarray(0, 8)), -1);
  // nonce (12) ‖ ciphertext (same length as the secret) ‖ tag (16)
  assert.equal(row.secret.length, 12 + secret.length + 16);

  const again = await openStorage(cfg(path));
  assert.deepEqual((await again.totp.get('john'))?.secret, secret);
  await again.close();
});

for (const engine of ['postgres', 'mysql'] as const) {
  describe(`openStorage on ${engine}`, () => {
    const fresh: FreshDatabase[] = [];
    after(async () => {
      for (const f of fresh) await f.drop();
    });
    const database = async () => {
      const f = await freshDatabase(engine);
      fresh.push(f);
      return f;
    };

    test('two instances starting together both open it; data and the key check are shared', async () => {
      const f = await database();
      const [a, b] = await Promise.all([openStorage(f.config(KEY)), openStorage(f.config(KEY))]);
      await a.bans.ban('user', 'john', Date.now() + 60_000, 'test');
      assert.equal((await b.bans.active('user', 'john'))?.reason, 'test');
      const versions = await a.sql.all<{ version: number }>(
        'SELECT version FROM migrations ORDER BY version',
      );
      assert.deepEqual(
        versions.map((v) => Number(v.version)),
        SQLITE_MIGRATIONS.map((m) => m.version),
        'each migration applied once',
      );
      await Promise.all([a.close(), b.close()]);
      await assert.rejects(
        openStorage(f.config('a_different_key_that_is_long_enough_987654')),
        (e) => isPortcullisError(e) && e.code === 'ERR_STORAGE_ENCRYPTION_KEY',
      );
    });

    test('a schema newer than this release is refused with ERR_STORAGE_MIGRATION', async () => {
      const f = await database();
      const s = await openStorage(f.config(KEY));
      await s.sql.run('INSERT INTO migrations (version, name, applied_at) VALUES (?, ?, ?)', [
        999,
        'future',
        1,
      ]);
      await s.close();
      await assert.rejects(
        openStorage(f.config(KEY)),
        (e) => isPortcullisError(e) && e.code === 'ERR_STORAGE_MIGRATION' && /version 999/.test(e.message),
      );
    });

    test('tls against a server without TLS is refused at start-up, not downgraded', async () => {
      const f = await database();
      const base = f.config(KEY);
      const tls = {
        serverName: '',
        skipVerify: false,
        minimumVersion: 'TLS1.2',
        maximumVersion: '',
        certificateChain: '',
        privateKey: '',
      };
      const cfg: StorageConfig =
        engine === 'postgres'
          ? { ...base, postgres: { ...base.postgres!, tls } }
          : { ...base, mysql: { ...base.mysql!, tls } };
      await assert.rejects(openStorage(cfg), (e) => {
        assert.ok(isPortcullisError(e) && e.code === 'ERR_STORAGE_UNAVAILABLE', String(e));
        assert.match(e.message, /SSL|secure connection/i);
        return true;
      });
    });

    test('an unreachable server is refused at once with ERR_STORAGE_UNAVAILABLE naming it', async () => {
      const f = await database();
      const port = await freePort();
      const base = f.config(KEY);
      const cfgFor = (address: string): StorageConfig =>
        engine === 'postgres'
          ? { ...base, postgres: { ...base.postgres!, address } }
          : { ...base, mysql: { ...base.mysql!, address } };
      await assert.rejects(
        openStorage(cfgFor(`tcp://127.0.0.1:${port}`)),
        (e) =>
          isPortcullisError(e) &&
          e.code === 'ERR_STORAGE_UNAVAILABLE' &&
          e.message.includes(`127.0.0.1:${port}`),
      );
    });
  });
}

test('postgres: an unreachable primary falls back to the next of `servers`', async () => {
  const f = await freshDatabase('postgres');
  try {
    const base = f.config(KEY);
    const pg = base.postgres!;
    const s = await openStorage({
      ...base,
      postgres: {
        ...pg,
        address: `tcp://127.0.0.1:${await freePort()}`,
        servers: [{ address: pg.address, tls: undefined }],
      },
    });
    await s.preferences.setSecondFactorMethod('john', 'totp');
    assert.equal(await s.preferences.getSecondFactorMethod('john'), 'totp');
    await s.close();
  } finally {
    await f.drop();
  }
});

test('mysql: a wrong password is refused at start-up with the server’s reason', async () => {
  const f = await freshDatabase('mysql');
  try {
    const base = f.config(KEY);
    await assert.rejects(
      openStorage({ ...base, mysql: { ...base.mysql!, password: 'not-the-password' } }),
      (e) => isPortcullisError(e) && e.code === 'ERR_STORAGE_UNAVAILABLE' && /Access denied/i.test(e.message),
    );
  } finally {
    await f.drop();
  }
});
