import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PASSWORD_HASH_DEFAULTS } from '../../config/index.js';
import { verifyPassword } from './verify.js';

// Every digest below was produced by an independent implementation: the reference `argon2` CLI, glibc/libxcrypt
// through `mkpasswd` and Python's crypt module, passlib 1.7.4, or Python's hashlib (pbkdf2 sha224/sha384).
const UNICODE = 'pässwörd✓';
const VECTORS: ReadonlyArray<readonly [name: string, password: string, digest: string]> = [
  // argon2
  [
    'argon2id (Authelia test vector)',
    'password',
    '$argon2id$v=19$m=65536,t=3,p=2$BpLnfgDsc2WD8F2q$o/vzA4myCqZZ36bUGsDY//8mKUYNZZaR0t4MFFSs+iM',
  ],
  [
    'argon2id (argon2 CLI)',
    'password',
    '$argon2id$v=19$m=4096,t=2,p=2$c29tZXNhbHRTT01FU0FMVA$F5d/tyjY6ddTTsZfpOwPwqyz2ouqcjZyGL40dzIb7VY',
  ],
  [
    'argon2i (argon2 CLI)',
    'password',
    '$argon2i$v=19$m=4096,t=2,p=1$c29tZXNhbHRTT01FU0FMVA$eeLA5ub+/81YKX68HPYoX2Q637rP12I0YeHYpZh+DYA',
  ],
  [
    'argon2d, 24-byte key',
    'password',
    '$argon2d$v=19$m=4096,t=2,p=2$c29tZXNhbHRTT01FU0FMVA$Zd9MIbJTN+3YwJ0TpcMGVRbb/50n/4FZ',
  ],
  [
    'argon2id, non-ASCII password',
    UNICODE,
    '$argon2id$v=19$m=1024,t=1,p=1$dW5pY29kZXNhbHRzYWx0MQ$jtZByQEQ2s7D61hCq9GWo29hPt/KQQVEBH7AitosWQo',
  ],
  // Computed by the CLI with t=1,p=4,m=32768, then t and p removed: Authelia's decoder fills those defaults in.
  [
    'argon2id with t and p missing',
    'password',
    '$argon2id$v=19$m=32768$c2FsdHNhbHRzYWx0c2FsdA$476W1Xq7gbgv1lAidu+4eQxtBdosO9z8i9T9GGzrr0k',
  ],
  [
    'argon2id with m and t missing',
    'password',
    '$argon2id$v=19$p=4$c2FsdHNhbHRzYWx0c2FsdA$476W1Xq7gbgv1lAidu+4eQxtBdosO9z8i9T9GGzrr0k',
  ],
  [
    '{ARGON2} LDAP prefix',
    'password',
    '{ARGON2}$argon2i$v=19$m=4096,t=2,p=1$c29tZXNhbHRTT01FU0FMVA$eeLA5ub+/81YKX68HPYoX2Q637rP12I0YeHYpZh+DYA',
  ],
  // scrypt (passlib)
  [
    'scrypt ln=10',
    'password',
    '$scrypt$ln=10,r=8,p=1$33vP+T8HQEjp/X/vHcOY0w$4bHysOyDHfFqOdyqd20wtTj0Hl4nztV1KbDKSx71ei4',
  ],
  [
    'scrypt ln=16 (Authelia defaults, needs maxmem raised)',
    'password',
    '$scrypt$ln=16,r=8,p=1$COGccy7lnJMy5lwLYayVUg$CeSqaK+LZnBUUowXpnVvccAKMB42FYyTAxlUW5X1IvM',
  ],
  [
    'scrypt r=4 p=2, non-ASCII',
    UNICODE,
    '$scrypt$ln=8,r=4,p=2$LUVIqfW+N2bMGeM8Z4xRag$pXRAEpgQ+AZrb/M39yaez4vuTkNvxeqV69EOopGXlQ4',
  ],
  // pbkdf2 (passlib; sha224/sha384 from hashlib.pbkdf2_hmac + passlib's ab64)
  ['pbkdf2 (sha1)', 'password', '$pbkdf2$1000$LkVISam1VipFSCmFEGLMeQ$WXunXAQoT/G9pjkP.TIxqj74UPY'],
  [
    'pbkdf2-sha224',
    'password',
    '$pbkdf2-sha224$1000$MDEyMzQ1Njc4OWFiY2RlZg$kXXYadyUR/dGerpE32gD8smRixbY8TNJMTsCXg',
  ],
  [
    'pbkdf2-sha256',
    'password',
    '$pbkdf2-sha256$1000$rLX2/n8vJcQY45zTujem9A$zRf34SlEHM.GDbcMb/a3gJkABKqX01ifaxDcHGE.ilU',
  ],
  [
    'pbkdf2-sha384',
    'password',
    '$pbkdf2-sha384$1000$MDEyMzQ1Njc4OWFiY2RlZg$EqCMP1c6OhkSipr/3XW4zfcjeEWjyPGQjJ559vdO6H6YSvSVlZaL0ZdiXRM7ru/E',
  ],
  [
    'pbkdf2-sha512',
    'password',
    '$pbkdf2-sha512$1000$OCfk/N87ByAkBGAshZByTg$04JZSmL298wpZo7hJEiR9h6Hw.7l4vKNtqeGHvMXQ6WsxdMWc0J15XBMtZBvRxAcrBxa/tHJSZbEK5JxgAVVlg',
  ],
  [
    'pbkdf2-sha512, non-ASCII',
    UNICODE,
    '$pbkdf2-sha512$1000$r5VS6t1ba40xZozxfs.Zcw$pGMfgw3l6AaWmQrANS/KfR71w5.EABvqmxmslNL3SD3SwDe7P81SFsTHZQvlrccPKdxXBNIvv6Ym.jRKmaf6nA',
  ],
  ['{PBKDF2} LDAP prefix', 'password', '{PBKDF2}1000$PmesVcr5n1MqhbAWQgghhA$MM45iivhj.sC/z/u2IxgeCXFPIQ'],
  [
    '{PBKDF2-SHA256} LDAP prefix',
    'password',
    '{PBKDF2-SHA256}1000$5nwPYQxBKGUs5VwLgXCOcQ$KxREgCMzatSEd877obdq3BBeHXRwC9MbtsgkH8hwNcE',
  ],
  // sha2crypt (mkpasswd / glibc crypt)
  [
    'sha512crypt, rounds omitted (5000)',
    'password',
    '$6$saltsaltsaltsalt$bcXJ8qxwY5sQ4v8MTl.0B1jeZ0z0JlA9jjmbUoCJZ.1wYXiLTU.q2ILyrDJLm890lyfuF7sWAeli0yjOyFPkf0',
  ],
  [
    'sha512crypt rounds=50000',
    'password',
    '$6$rounds=50000$Gm4k2yW8pJ7aVz0Q$2hNfJ/n9a7saL8jyRJ1UZMMrVDrH.GY26NkMhqKYm64XcNJNXXotCgvWPTkSmovNSzmxU0PBWvnxs.IB/1dxO1',
  ],
  [
    'sha512crypt, non-ASCII',
    UNICODE,
    '$6$rounds=1000$shortsalt$oAYTRqxg/bOAAX1fwwWF8KZnG9/rwiNNiRjCDAQLOxRpZDwf/uOQWiHyKXUYk3i9sZ.crNGb1yrNMeKQQBdj4.',
  ],
  [
    'sha512crypt, 200-byte password',
    'x'.repeat(200),
    '$6$rounds=1000$LongPw$.WzFzIjG7stbVqtFpvcLgVGpwQNcwhEqcr26/gg56pwoA7tRAuAwtd1SiAQVCMxMLBEQ/agNiyu6GPK9j/q1n0',
  ],
  ['sha256crypt', 'password', '$5$abcdefgh12345678$6lLHSm1Lt6vxyFPrXQLTbgJLARbw8fGEdc37iUWXnI3'],
  [
    'sha256crypt rounds=10000, short salt',
    'password',
    '$5$rounds=10000$xyz$icfB1fKdZBs1t9ABz6wArQDgWhd0RlTdovGs7ypZeLB',
  ],
  [
    'sha256crypt, non-ASCII',
    UNICODE,
    '$5$rounds=2000$saltysaltysalty1$XTpGwnhC8CZZ5FKh/a8aWF8/fr0HQ1GE.9eFiFtrmX4',
  ],
  [
    '{CRYPT} LDAP prefix',
    'password',
    '{CRYPT}$6$saltsaltsaltsalt$bcXJ8qxwY5sQ4v8MTl.0B1jeZ0z0JlA9jjmbUoCJZ.1wYXiLTU.q2ILyrDJLm890lyfuF7sWAeli0yjOyFPkf0',
  ],
  // bcrypt (mkpasswd, crypt, passlib)
  ['bcrypt $2b$', 'password', '$2b$05$iXOxobuzh.DOcKCPo95n1OZe5hok.1Tbnm0FNBeQBv.Nxm9KN.pYy'],
  ['bcrypt $2a$', 'password', '$2a$05$idm8mB39pkSZ2F8XtPUfwedXKPKlq2Tdj8KFQefN83VH/ysSdCaai'],
  ['bcrypt $2y$', 'password', '$2y$05$abcdefghijklmnopqrstuuWG29KuyeAicPCJODk1zjyGvyQUU2awu'],
  [
    'bcrypt $2x$ (ASCII, equal to $2a$)',
    'password',
    '$2x$05$idm8mB39pkSZ2F8XtPUfwedXKPKlq2Tdj8KFQefN83VH/ysSdCaai',
  ],
  ['bcrypt $2$', 'password', '$2$05$FWgbZFpJrHRV.58FYxVJXe3NSa1fPtA7KcyNqWQ3bY16rQxM8DW4O'],
  ['bcrypt, non-ASCII', UNICODE, '$2b$04$abcdefghijklmnopqrstuulWnwmcE6E8MDasa5F8q7PgXbK/ltg76'],
  [
    'bcrypt-sha256 v2',
    'password',
    '$bcrypt-sha256$v=2,t=2b,r=5$ij2uXOd9WogJkKjDtc6z2O$stlCqxAQgMEMMMGCDg996Fxq.glEAAC',
  ],
  [
    'bcrypt-sha256 v2, 100-byte password',
    'z'.repeat(100),
    '$bcrypt-sha256$v=2,t=2b,r=5$ZWbc4E5WXRffHVRt.VhQz.$NV.Dpxj0QkN8ZkbwqzfjH98cNpV7Bam',
  ],
];

for (const [name, password, digest] of VECTORS) {
  test(`verifies ${name}`, async () => {
    assert.equal(await verifyPassword(password, digest), true, 'right password');
    assert.equal(await verifyPassword(`${password}!`, digest), false, 'wrong password');
    assert.equal(await verifyPassword('', digest), false, 'empty password');
  });
}

test('bcrypt reads only the first 72 bytes of a password (libxcrypt vector of an 80-byte password)', async () => {
  const digest = '$2b$04$abcdefghijklmnopqrstuuwurWIdVVT4m5pTArtqnFNM69nySdHj.';
  assert.equal(await verifyPassword('y'.repeat(80), digest), true);
  assert.equal(await verifyPassword(`${'y'.repeat(72)}anything`, digest), true);
  assert.equal(await verifyPassword('y'.repeat(71), digest), false);
});

test('bcrypt-sha256 has no 72-byte limit', async () => {
  const digest = '$bcrypt-sha256$v=2,t=2b,r=5$ZWbc4E5WXRffHVRt.VhQz.$NV.Dpxj0QkN8ZkbwqzfjH98cNpV7Bam';
  assert.equal(await verifyPassword(`${'z'.repeat(99)}y`, digest), false);
});

test('$2x$ digests never match a non-ASCII password (the bug they mark cannot be reproduced)', async () => {
  assert.equal(
    await verifyPassword(UNICODE, '$2x$04$abcdefghijklmnopqrstuulWnwmcE6E8MDasa5F8q7PgXbK/ltg76'),
    false,
  );
});

test('a tampered key does not verify', async () => {
  const digest = '$pbkdf2-sha256$1000$rLX2/n8vJcQY45zTujem9A$zRf34SlEHM.GDbcMb/a3gJkABKqX02ifaxDcHGE.ilU';
  assert.equal(await verifyPassword('password', digest), false);
});

test('unusable parameters are reported as ERR_HASH_PARAMS, not as a mismatch', async () => {
  await assert.rejects(
    verifyPassword(
      'password',
      '$scrypt$ln=40,r=8,p=1$33vP+T8HQEjp/X/vHcOY0w$4bHysOyDHfFqOdyqd20wtTj0Hl4nztV1KbDKSx71ei4',
    ),
    { code: 'ERR_HASH_PARAMS' },
  );
  await assert.rejects(
    verifyPassword(
      'password',
      '$argon2id$v=19$m=4,t=1,p=1$c29tZXNhbHRTT01FU0FMVA$F5d/tyjY6ddTTsZfpOwPwqyz2ouqcjZyGL40dzIb7VY',
    ),
    {
      code: 'ERR_HASH_PARAMS',
    },
  );
});

test('verifyDummy answers false after spending the work of a real argon2id check at Authelia defaults', async () => {
  const { verifyDummy } = await import('./verify.js');
  const { hashPassword } = await import('./hash.js');
  const real = await hashPassword('password', PASSWORD_HASH_DEFAULTS);
  const time = async (f: () => Promise<unknown>) => {
    const t0 = performance.now();
    await f();
    return performance.now() - t0;
  };
  const realMs = await time(() => verifyPassword('password', real));
  assert.equal(await verifyDummy('password'), false);
  const dummyMs = await time(() => verifyDummy('password'));
  // Loose on purpose (the VM is noisy): a dummy that skipped the work would take well under a millisecond.
  assert.ok(dummyMs > realMs / 4, `dummy ${dummyMs.toFixed(1)} ms vs real ${realMs.toFixed(1)} ms`);
});
