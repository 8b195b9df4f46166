import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { TotpConfig } from '../../config/index.js';
import { ManualClock } from '../../core/index.js';
import { createCipher } from '../../storage/crypto.js';
import { migrateUp } from '../../storage/migrate.js';
import { SQLITE_MIGRATIONS } from '../../storage/migrations/sqlite.js';
import { createTotpStore } from '../../storage/repositories.js';
import { openSqlite } from '../../storage/sqlite.js';
import type { TotpRecord } from '../../storage/types.js';
import { newTotpRecord, secretFromBase32, totpCode, totpSecretBase32, totpUri, verifyTotp } from './totp.js';

const dir = mkdtempSync(join(tmpdir(), 'portcullis-totp-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

const CONFIG: TotpConfig = {
  disable: false,
  issuer: 'Portcullis',
  algorithm: 'SHA1',
  digits: 6,
  period: 30,
  skew: 1,
  secretSize: 32,
  allowedAlgorithms: ['SHA1'],
  allowedDigits: [6],
  allowedPeriods: [30],
  disableReuseSecurityPolicy: false,
};

const record = (over: Partial<TotpRecord> = {}): TotpRecord => ({
  username: 'john',
  issuer: 'Portcullis',
  algorithm: 'SHA1',
  digits: 6,
  period: 30,
  secret: Buffer.from('12345678901234567890'),
  createdAt: 0,
  lastUsedAt: undefined,
  ...over,
});

// RFC 6238 appendix B: each algorithm has its own seed (20, 32 and 64 bytes of the ASCII digits).
const SEEDS = {
  SHA1: '12345678901234567890',
  SHA256: '12345678901234567890123456789012',
  SHA512: '1234567890123456789012345678901234567890123456789012345678901234',
} as const;
const VECTORS: [number, Record<keyof typeof SEEDS, string>][] = [
  [59, { SHA1: '94287082', SHA256: '46119246', SHA512: '90693936' }],
  [1111111109, { SHA1: '07081804', SHA256: '68084774', SHA512: '25091201' }],
  [1111111111, { SHA1: '14050471', SHA256: '67062674', SHA512: '99943326' }],
  [1234567890, { SHA1: '89005924', SHA256: '91819424', SHA512: '93441116' }],
  [2000000000, { SHA1: '69279037', SHA256: '90698825', SHA512: '38618901' }],
  [20000000000, { SHA1: '65353130', SHA256: '77737706', SHA512: '47863826' }],
];

test('totpCode matches the RFC 6238 test vectors (SHA1, SHA256, SHA512, 8 digits)', () => {
  for (const [seconds, codes] of VECTORS) {
    for (const alg of ['SHA1', 'SHA256', 'SHA512'] as const) {
      const r = record({ algorithm: alg, digits: 8, secret: Buffer.from(SEEDS[alg]) });
      assert.equal(totpCode(r, seconds * 1000), codes[alg], `${alg} @${seconds}`);
    }
  }
});

async function setup(config: Partial<TotpConfig> = {}, rec: TotpRecord = record()) {
  const sql = openSqlite(join(dir, `db-${n++}.sqlite3`));
  await migrateUp(sql, SQLITE_MIGRATIONS);
  const store = createTotpStore(sql, createCipher('an_encryption_key_that_is_long_enough_0123456789'));
  await store.save(rec);
  // The middle of a 30 s step, so ±1 period never crosses into a neighbour by rounding.
  const clock = new ManualClock(30_000 * 59_000_000 + 15_000);
  const deps = { store, clock, config: { ...CONFIG, ...config } };
  return { sql, store, clock, deps, rec };
}

test('verifyTotp: the current code is accepted, ±1 period with skew 1, ±2 periods refused', async () => {
  const t = await setup({ disableReuseSecurityPolicy: true });
  const now = t.clock.now();
  const at = (deltaSteps: number) => totpCode(t.rec, now + deltaSteps * 30_000);
  assert.equal(await verifyTotp(t.deps, 'john', at(0)), 'ok');
  assert.equal(await verifyTotp(t.deps, 'john', at(-1)), 'ok');
  assert.equal(await verifyTotp(t.deps, 'john', at(1)), 'ok');
  assert.equal(await verifyTotp(t.deps, 'john', at(-2)), 'invalid');
  assert.equal(await verifyTotp(t.deps, 'john', at(2)), 'invalid');
  await t.sql.close();
});

test('verifyTotp: skew 0 accepts only the current step', async () => {
  const t = await setup({ skew: 0, disableReuseSecurityPolicy: true });
  const now = t.clock.now();
  assert.equal(await verifyTotp(t.deps, 'john', totpCode(t.rec, now)), 'ok');
  assert.equal(await verifyTotp(t.deps, 'john', totpCode(t.rec, now - 30_000)), 'invalid');
  assert.equal(await verifyTotp(t.deps, 'john', totpCode(t.rec, now + 30_000)), 'invalid');
  await t.sql.close();
});

test('verifyTotp: a code works once; the next step’s code works; a skewed reuse is caught too', async () => {
  const t = await setup();
  const now = t.clock.now();
  const code = totpCode(t.rec, now);
  assert.equal(await verifyTotp(t.deps, 'john', code), 'ok');
  assert.equal(await verifyTotp(t.deps, 'john', code), 'reused');
  // 30 s later the same code is still inside the skew window, but its step was used.
  t.clock.advance(30_000);
  assert.equal(await verifyTotp(t.deps, 'john', code), 'reused');
  assert.equal(await verifyTotp(t.deps, 'john', totpCode(t.rec, t.clock.now())), 'ok');
  assert.ok((await t.store.get('john'))?.lastUsedAt === t.clock.now());
  await t.sql.close();
});

test('verifyTotp: disable_reuse_security_policy lets a code be used again', async () => {
  const t = await setup({ disableReuseSecurityPolicy: true });
  const code = totpCode(t.rec, t.clock.now());
  assert.equal(await verifyTotp(t.deps, 'john', code), 'ok');
  assert.equal(await verifyTotp(t.deps, 'john', code), 'ok');
  await t.sql.close();
});

test('verifyTotp: wrong length, non-digits and a wrong code are invalid; an unknown user is not registered', async () => {
  const t = await setup();
  const code = totpCode(t.rec, t.clock.now());
  const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
  for (const bad of [
    code.slice(1),
    `${code}0`,
    '',
    `${code.slice(0, 5)}a`,
    ` ${code.slice(1)}`,
    '１２３４５６',
  ]) {
    assert.equal(await verifyTotp(t.deps, 'john', bad), 'invalid', JSON.stringify(bad));
  }
  assert.equal(await verifyTotp(t.deps, 'john', wrong), 'invalid');
  assert.equal(await verifyTotp(t.deps, 'nobody', code), 'not-registered');
  // None of those consumed the real code.
  assert.equal(await verifyTotp(t.deps, 'john', code), 'ok');
  await t.sql.close();
});

test('verifyTotp honours the record’s own algorithm, digits and period', async () => {
  const rec = record({ algorithm: 'SHA512', digits: 8, period: 60, secret: Buffer.from(SEEDS.SHA512) });
  const t = await setup({ skew: 0 }, rec);
  const code = totpCode(rec, t.clock.now());
  assert.equal(code.length, 8);
  assert.equal(await verifyTotp(t.deps, 'john', code), 'ok');
  await t.sql.close();
});

test('newTotpRecord: config defaults, choices override, random secret of secret_size bytes', () => {
  const a = newTotpRecord('john', CONFIG, 42);
  assert.equal(a.secret.length, 32);
  assert.deepEqual(
    { ...a, secret: undefined },
    {
      ...record({ createdAt: 42 }),
      secret: undefined,
    },
  );
  const b = newTotpRecord('john', CONFIG, 42, { algorithm: 'SHA256', digits: 8, period: 60 });
  assert.deepEqual([b.algorithm, b.digits, b.period], ['SHA256', 8, 60]);
  assert.notDeepEqual(newTotpRecord('john', CONFIG, 1).secret, a.secret);
  const given = Buffer.from('given-secret-bytes-20');
  assert.equal(newTotpRecord('john', CONFIG, 1, {}, given).secret, given);
});

test('base32 secrets round-trip; invalid base32 is refused; the URI carries every parameter', () => {
  const rec = record();
  const b32 = totpSecretBase32(rec);
  assert.equal(b32, 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
  assert.deepEqual(secretFromBase32(b32), rec.secret);
  assert.deepEqual(secretFromBase32(' gezd gnbv gy3t qojq gezd gnbv gy3t qojq== '), rec.secret);
  assert.equal(secretFromBase32('not base32!'), undefined);
  assert.equal(secretFromBase32('ABC1'), undefined);

  const uri = new URL(totpUri(record({ algorithm: 'SHA256', digits: 8, period: 60 })));
  assert.equal(uri.protocol, 'otpauth:');
  assert.equal(uri.host, 'totp');
  assert.equal(decodeURIComponent(uri.pathname), '/Portcullis:john');
  assert.equal(uri.searchParams.get('issuer'), 'Portcullis');
  assert.equal(uri.searchParams.get('secret'), b32);
  assert.equal(uri.searchParams.get('algorithm'), 'SHA256');
  assert.equal(uri.searchParams.get('digits'), '8');
  assert.equal(uri.searchParams.get('period'), '60');
});
