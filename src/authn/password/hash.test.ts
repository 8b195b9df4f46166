import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PasswordHashConfig } from '../../config/index.js';
import { parseDigest } from './digest.js';
import { hashPassword } from './hash.js';
import { verifyPassword } from './verify.js';

// Cheap parameters keep the round-trips fast; the defaults are exercised by the CLI and event-loop tests.
const BASE: PasswordHashConfig = {
  algorithm: 'argon2',
  argon2: { variant: 'argon2id', iterations: 1, memory: 1024, parallelism: 2, keyLength: 32, saltLength: 16 },
  scrypt: { variant: 'scrypt', iterations: 10, blockSize: 8, parallelism: 1, keyLength: 32, saltLength: 16 },
  pbkdf2: { variant: 'sha512', iterations: 1000, saltLength: 16 },
  sha2crypt: { variant: 'sha512', iterations: 1000, saltLength: 16 },
  bcrypt: { variant: 'standard', cost: 4 },
};

const CASES: Array<[label: string, cfg: PasswordHashConfig, shape: RegExp]> = [
  ...(['argon2id', 'argon2i', 'argon2d'] as const).map((variant): [string, PasswordHashConfig, RegExp] => [
    variant,
    { ...BASE, algorithm: 'argon2', argon2: { ...BASE.argon2, variant } },
    new RegExp(`^\\$${variant}\\$v=19\\$m=1024,t=1,p=2\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}$`),
  ]),
  [
    'scrypt',
    { ...BASE, algorithm: 'scrypt' },
    /^\$scrypt\$ln=10,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/,
  ],
  ...(
    [
      ['sha1', 'pbkdf2', 27],
      ['sha224', 'pbkdf2-sha224', 38],
      ['sha256', 'pbkdf2-sha256', 43],
      ['sha384', 'pbkdf2-sha384', 64],
      ['sha512', 'pbkdf2-sha512', 86],
    ] as const
  ).map(([variant, id, keyChars]): [string, PasswordHashConfig, RegExp] => [
    `pbkdf2 ${variant}`,
    { ...BASE, algorithm: 'pbkdf2', pbkdf2: { ...BASE.pbkdf2, variant } },
    new RegExp(`^\\$${id}\\$1000\\$[A-Za-z0-9./]{22}\\$[A-Za-z0-9./]{${keyChars}}$`),
  ]),
  [
    'sha2crypt sha512',
    { ...BASE, algorithm: 'sha2crypt' },
    /^\$6\$rounds=1000\$[./0-9A-Za-z]{16}\$[./0-9A-Za-z]{86}$/,
  ],
  [
    'sha2crypt sha256 with an 8-character salt',
    { ...BASE, algorithm: 'sha2crypt', sha2crypt: { variant: 'sha256', iterations: 1000, saltLength: 8 } },
    /^\$5\$rounds=1000\$[./0-9A-Za-z]{8}\$[./0-9A-Za-z]{43}$/,
  ],
  ['bcrypt standard', { ...BASE, algorithm: 'bcrypt' }, /^\$2b\$04\$[./A-Za-z0-9]{53}$/],
  [
    'bcrypt sha256',
    { ...BASE, algorithm: 'bcrypt', bcrypt: { variant: 'sha256', cost: 4 } },
    /^\$bcrypt-sha256\$v=2,t=2b,r=4\$[./A-Za-z0-9]{22}\$[./A-Za-z0-9]{31}$/,
  ],
];

for (const [label, cfg, shape] of CASES) {
  test(`hashPassword ${label}: Authelia's encoding, verifies, salted`, async () => {
    const password = 'correct horse ✓ battery';
    const a = await hashPassword(password, cfg);
    const b = await hashPassword(password, cfg);
    assert.match(a, shape);
    assert.notEqual(a, b, 'a fresh salt each time');
    assert.equal(await verifyPassword(password, a), true);
    assert.equal(await verifyPassword('correct horse battery', a), false);
    assert.equal(await verifyPassword(password, b), true);
  });
}

test('hashPassword honours the argon2 parameters it is given', async () => {
  const d = parseDigest(
    await hashPassword('x', {
      ...BASE,
      argon2: {
        variant: 'argon2id',
        iterations: 2,
        memory: 2048,
        parallelism: 1,
        keyLength: 24,
        saltLength: 12,
      },
    }),
  );
  assert.ok(d.family === 'argon2');
  assert.deepEqual([d.m, d.t, d.p, d.salt.length, d.key.length], [2048, 2, 1, 12, 24]);
});

test('parameters outside what the algorithm can do are ERR_HASH_PARAMS', async () => {
  const bad: PasswordHashConfig[] = [
    { ...BASE, argon2: { ...BASE.argon2, memory: 4 } },
    { ...BASE, argon2: { ...BASE.argon2, iterations: 0 } },
    { ...BASE, algorithm: 'scrypt', scrypt: { ...BASE.scrypt, variant: 'yescrypt' } },
    { ...BASE, algorithm: 'scrypt', scrypt: { ...BASE.scrypt, iterations: 0 } },
    { ...BASE, algorithm: 'pbkdf2', pbkdf2: { ...BASE.pbkdf2, saltLength: 2 } },
    { ...BASE, algorithm: 'sha2crypt', sha2crypt: { ...BASE.sha2crypt, iterations: 999 } },
    { ...BASE, algorithm: 'sha2crypt', sha2crypt: { ...BASE.sha2crypt, saltLength: 17 } },
    { ...BASE, algorithm: 'bcrypt', bcrypt: { variant: 'standard', cost: 32 } },
  ];
  for (const cfg of bad)
    await assert.rejects(hashPassword('x', cfg), { code: 'ERR_HASH_PARAMS' }, JSON.stringify(cfg));
});

test('standard bcrypt refuses to silently truncate a password longer than 72 bytes; sha256 accepts it', async () => {
  const long = 'ä'.repeat(40); // 80 bytes
  await assert.rejects(hashPassword(long, { ...BASE, algorithm: 'bcrypt' }), { code: 'ERR_HASH_PARAMS' });
  const d = await hashPassword(long, {
    ...BASE,
    algorithm: 'bcrypt',
    bcrypt: { variant: 'sha256', cost: 4 },
  });
  assert.equal(await verifyPassword(long, d), true);
  assert.equal(await verifyPassword(`${'ä'.repeat(39)}a`, d), false);
});
