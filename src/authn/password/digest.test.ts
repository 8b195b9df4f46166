import assert from 'node:assert/strict';
import { test } from 'node:test';
import { identifyDigest, parseDigest } from './digest.js';
import { verifyPassword } from './verify.js';

test('identifies every accepted family and variant', () => {
  const cases: Array<[string, string, string]> = [
    [
      '$argon2id$v=19$m=65536,t=3,p=2$BpLnfgDsc2WD8F2q$o/vzA4myCqZZ36bUGsDY//8mKUYNZZaR0t4MFFSs+iM',
      'argon2',
      'argon2id',
    ],
    [
      '$argon2i$v=19$m=4096,t=2,p=1$c29tZXNhbHRTT01FU0FMVA$eeLA5ub+/81YKX68HPYoX2Q637rP12I0YeHYpZh+DYA',
      'argon2',
      'argon2i',
    ],
    [
      '$argon2d$v=19$m=4096,t=2,p=2$c29tZXNhbHRTT01FU0FMVA$Zd9MIbJTN+3YwJ0TpcMGVRbb/50n/4FZ',
      'argon2',
      'argon2d',
    ],
    [
      '$scrypt$ln=10,r=8,p=1$33vP+T8HQEjp/X/vHcOY0w$4bHysOyDHfFqOdyqd20wtTj0Hl4nztV1KbDKSx71ei4',
      'scrypt',
      'scrypt',
    ],
    ['$pbkdf2$1000$LkVISam1VipFSCmFEGLMeQ$WXunXAQoT/G9pjkP.TIxqj74UPY', 'pbkdf2', 'sha1'],
    [
      '{PBKDF2-SHA256}1000$5nwPYQxBKGUs5VwLgXCOcQ$KxREgCMzatSEd877obdq3BBeHXRwC9MbtsgkH8hwNcE',
      'pbkdf2',
      'sha256',
    ],
    ['$5$abcdefgh12345678$6lLHSm1Lt6vxyFPrXQLTbgJLARbw8fGEdc37iUWXnI3', 'sha2crypt', 'sha256'],
    [
      '{CRYPT}$6$saltsaltsaltsalt$bcXJ8qxwY5sQ4v8MTl.0B1jeZ0z0JlA9jjmbUoCJZ.1wYXiLTU.q2ILyrDJLm890lyfuF7sWAeli0yjOyFPkf0',
      'sha2crypt',
      'sha512',
    ],
    ['$2y$05$abcdefghijklmnopqrstuuWG29KuyeAicPCJODk1zjyGvyQUU2awu', 'bcrypt', 'standard'],
    [
      '$bcrypt-sha256$v=2,t=2b,r=5$ij2uXOd9WogJkKjDtc6z2O$stlCqxAQgMEMMMGCDg996Fxq.glEAAC',
      'bcrypt',
      'sha256',
    ],
  ];
  for (const [digest, family, variant] of cases)
    assert.deepEqual(identifyDigest(digest), { family, variant }, digest);
});

test('fills in the argon2 costs Authelia defaults (t=1, p=4, m=32768)', () => {
  const d = parseDigest(
    '$argon2id$v=19$k=32$c2FsdHNhbHRzYWx0c2FsdA$476W1Xq7gbgv1lAidu+4eQxtBdosO9z8i9T9GGzrr0k',
  );
  assert.ok(d.family === 'argon2');
  assert.deepEqual([d.m, d.t, d.p], [32768, 1, 4]);
});

test('sha2crypt rounds: omitted means 5000, out-of-range values are clamped like glibc', () => {
  const rounds = (s: string) => {
    const d = parseDigest(s);
    return d.family === 'sha2crypt' ? d.rounds : -1;
  };
  const tail = '$salt$6lLHSm1Lt6vxyFPrXQLTbgJLARbw8fGEdc37iUWXnI3';
  assert.equal(rounds(`$5${tail}`), 5000);
  assert.equal(rounds(`$5$rounds=10${tail}`), 1000);
  assert.equal(rounds(`$5$rounds=7777${tail}`), 7777);
});

const UNKNOWN: Array<[digest: string, mentions: string]> = [
  ['$1$RVG/NTW3$1L1xty1fl1bUA8gAXXFbe0', "'$1$' (md5crypt)"],
  ['$y$j9T$hO46lqVGmdtetin/xoLvL/$6lgrrzZpvfxjj/D5MLt0fiycRJqRh8bm0BgdMWKev.5', "'$y$' (yescrypt"],
  ['$plaintext$hunter2', "'$plaintext$' (plaintext"],
  ['$base64$aHVudGVyMg', "'$base64$'"],
  ['$sha1$40000$jtNX3nZ2$hBNaIXkt4wBI2o5rsi8KejSjNqIq', 'sha1crypt'],
  ['$whatever$x$y', "'$whatever$'"],
  ['', 'empty'],
  ['   ', 'empty'],
  ['hunter2', "must start with '$'"],
  ['abcdefghijklm', 'DES'],
  ['{SSHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=', "'{SSHA}' (LDAP scheme)"],
];

for (const [digest, mentions] of UNKNOWN) {
  test(`refuses ${JSON.stringify(digest)} as ERR_HASH_UNKNOWN_FORMAT naming what it saw`, async () => {
    const check = (e: unknown) => {
      assert.equal((e as { code: string }).code, 'ERR_HASH_UNKNOWN_FORMAT');
      assert.ok((e as Error).message.includes(mentions), (e as Error).message);
      return true;
    };
    assert.throws(() => identifyDigest(digest), check);
    await assert.rejects(verifyPassword('password', digest), check);
  });
}

test('the error never echoes the secret part of a digest', () => {
  assert.throws(
    () => identifyDigest('$plaintext$correct-horse'),
    (e: Error) => !e.message.includes('correct-horse'),
  );
});

const MALFORMED: Array<[digest: string, mentions: string]> = [
  ['$argon2id$v=19$m=65536,t=3,p=2$BpLnfgDsc2WD8F2q', 'expected'],
  [
    '$argon2id$v=16$m=65536,t=3,p=2$BpLnfgDsc2WD8F2q$o/vzA4myCqZZ36bUGsDY//8mKUYNZZaR0t4MFFSs+iM',
    'version 19',
  ],
  [
    '$argon2id$v=19$m=65536,t=3,x=2$BpLnfgDsc2WD8F2q$o/vzA4myCqZZ36bUGsDY//8mKUYNZZaR0t4MFFSs+iM',
    "option 'x'",
  ],
  [
    '$argon2id$v=19$m=6x,t=3,p=2$BpLnfgDsc2WD8F2q$o/vzA4myCqZZ36bUGsDY//8mKUYNZZaR0t4MFFSs+iM',
    'invalid value',
  ],
  ['$argon2id$v=19$m=65540,t=3,p=4$replace_with_your_hashed_password', 'expected'],
  ['$argon2id$v=19$m=65536,t=3,p=2$Bp*nfgDsc2WD8F2q$o/vzA4myCqZZ36bUGsDY//8mKUYNZZaR0t4MFFSs+iM', 'salt'],
  ['$argon2id$v=19$m=65536,t=3,p=2$BpLnfgDsc2WD8F2q$', 'key'],
  ['$scrypt$ln=16,r=8$salt', 'expected'],
  ['$scrypt$ln=0,r=8,p=1$33vP+T8HQEjp/X/vHcOY0w$4bHysOyDHfFqOdyqd20wtTj0Hl4nztV1KbDKSx71ei4', 'ln must be'],
  ['$pbkdf2-sha256$abc$rLX2/n8vJcQY45zTujem9A$zRf34SlEHM', 'iterations'],
  ['$pbkdf2-sha256$1000$rLX2+n8vJcQY45zTujem9A$zRf34SlEHM', 'salt'],
  ['$6$rounds=50000$salt$tooshort', '86 characters'],
  [
    '$6$roundz=50000$salt$bcXJ8qxwY5sQ4v8MTl.0B1jeZ0z0JlA9jjmbUoCJZ.1wYXiLTU.q2ILyrDJLm890lyfuF7sWAeli0yjOyFPkf0',
    'rounds=',
  ],
  ['$2b$05$short', '53 characters'],
  ['$2b$99$iXOxobuzh.DOcKCPo95n1OZe5hok.1Tbnm0FNBeQBv.Nxm9KN.pYy', 'cost'],
  ['$2b$03$iXOxobuzh.DOcKCPo95n1OZe5hok.1Tbnm0FNBeQBv.Nxm9KN.pYy', 'cost'],
  ['$bcrypt-sha256$2a,12$ij2uXOd9WogJkKjDtc6z2O$stlCqxAQgMEMMMGCDg996Fxq.glEAAC', 'v=2'],
  ['$bcrypt-sha256$v=2,t=2b$ij2uXOd9WogJkKjDtc6z2O$stlCqxAQgMEMMMGCDg996Fxq.glEAAC', "'r'"],
];

for (const [digest, mentions] of MALFORMED) {
  test(`refuses ${digest.slice(0, 40)}… as ERR_HASH_MALFORMED`, async () => {
    const check = (e: unknown) => {
      assert.equal((e as { code: string }).code, 'ERR_HASH_MALFORMED');
      assert.ok((e as Error).message.includes(mentions), (e as Error).message);
      return true;
    };
    assert.throws(() => identifyDigest(digest), check);
    await assert.rejects(verifyPassword('password', digest), check);
  });
}
