import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createCredential, getAssertion } from '../../../test/harness/soft-authenticator.js';
import type { WebauthnConfig } from '../../config/index.js';
import { authenticationOptions, responseChallenge, verifyAssertion } from './authentication.js';
import { registrationOptions, verifyRegistration } from './registration.js';

const CFG: WebauthnConfig = {
  disable: false,
  enablePasskeyLogin: true,
  experimentalEnablePasskeyUvTwoFactors: false,
  displayName: 'Portcullis',
  attestationConveyancePreference: 'indirect',
  timeout: 60_000,
  selectionCriteria: {
    attachment: 'cross-platform',
    discoverability: 'preferred',
    userVerification: 'preferred',
  },
  filtering: { prohibitBackupEligibility: false, permittedAaguids: [], prohibitedAaguids: [] },
};
const RP = 'auth.example.com';
const ORIGIN = 'https://auth.example.com';
const USER = {
  username: 'john',
  displayName: 'John',
  handle: Buffer.from('handle-john').toString('base64url'),
};

async function register(cfg = CFG, o = {}) {
  const options = await registrationOptions(cfg, { rpId: RP, user: USER, exclude: [] });
  const { response, credential } = createCredential(options, ORIGIN, o);
  return {
    options,
    response,
    credential,
    verdict: await verifyRegistration(cfg, {
      response,
      challenge: options.challenge,
      origin: ORIGIN,
      rpId: RP,
    }),
  };
}

test('registration options follow the config (attestation, selection criteria, timeout)', async () => {
  const o = await registrationOptions(CFG, {
    rpId: RP,
    user: USER,
    exclude: [{ kid: 'AAAA', transports: ['usb'] }],
  });
  assert.equal(o.rp.id, RP);
  assert.equal(o.attestation, 'indirect');
  assert.equal(o.timeout, 60_000);
  assert.deepEqual(o.authenticatorSelection, {
    authenticatorAttachment: 'cross-platform',
    residentKey: 'preferred',
    requireResidentKey: false,
    userVerification: 'preferred',
  });
  assert.equal(o.excludeCredentials?.[0]?.id, 'AAAA');
  assert.equal(o.user.id, USER.handle);
});

test('register then assert; the counter must advance', async () => {
  const { verdict, credential } = await register();
  assert.ok(verdict.ok, JSON.stringify(verdict));
  const stored = { ...verdict.credential };
  const opts = await authenticationOptions(CFG, { rpId: RP, allow: [stored] });
  const a = getAssertion(credential, opts, ORIGIN);
  assert.equal(responseChallenge(a), opts.challenge);
  const ok = await verifyAssertion(CFG, {
    response: a,
    challenge: opts.challenge,
    origin: ORIGIN,
    rpId: RP,
    credential: stored,
  });
  assert.ok(ok.ok && ok.signCount === 1, JSON.stringify(ok));
  // A replayed or cloned authenticator reports a counter that did not advance.
  const opts2 = await authenticationOptions(CFG, { rpId: RP, allow: [stored] });
  const stale = getAssertion(credential, opts2, ORIGIN, { counter: 1 });
  const r = await verifyAssertion(CFG, {
    response: stale,
    challenge: opts2.challenge,
    origin: ORIGIN,
    rpId: RP,
    credential: { ...stored, signCount: 1 },
  });
  assert.deepEqual(r.ok ? r : r.reason, 'counter');
});

test('a response for another challenge, origin or RP ID is refused', async () => {
  const { verdict, credential } = await register();
  assert.ok(verdict.ok);
  const stored = verdict.credential;
  const opts = await authenticationOptions(CFG, { rpId: RP, allow: [stored] });
  const other = await authenticationOptions(CFG, { rpId: RP, allow: [stored] });
  const base = { challenge: opts.challenge, origin: ORIGIN, rpId: RP, credential: stored };
  assert.equal(
    (await verifyAssertion(CFG, { ...base, response: getAssertion(credential, other, ORIGIN) })).ok,
    false,
  );
  assert.equal(
    (
      await verifyAssertion(CFG, {
        ...base,
        response: getAssertion(credential, opts, 'https://evil.example.net'),
      })
    ).ok,
    false,
  );
  assert.equal(
    (
      await verifyAssertion(CFG, {
        ...base,
        response: getAssertion(credential, { ...opts, rpId: 'example.net' }, ORIGIN),
      })
    ).ok,
    false,
  );
  const reg = await registrationOptions(CFG, { rpId: RP, user: USER, exclude: [] });
  const { response } = createCredential(reg, 'https://evil.example.net');
  assert.equal(
    (await verifyRegistration(CFG, { response, challenge: reg.challenge, origin: ORIGIN, rpId: RP })).ok,
    false,
  );
});

test('filtering: backup eligibility and AAGUID lists', async () => {
  const noBackup = { ...CFG, filtering: { ...CFG.filtering, prohibitBackupEligibility: true } };
  const be = await register(noBackup, { be: true, bs: true });
  assert.deepEqual(be.verdict.ok ? be.verdict : be.verdict.reason, 'backup-eligibility-prohibited');
  const aaguid = '2fc0579f-8113-47ea-b116-bb5a8db9202a';
  const permit = {
    ...CFG,
    filtering: { ...CFG.filtering, permittedAaguids: ['ee882879-721c-4913-9775-3dfcce97072a'] },
  };
  const p = await register(permit, { aaguid });
  assert.deepEqual(p.verdict.ok ? p.verdict : p.verdict.reason, 'aaguid-not-permitted');
  const prohibit = { ...CFG, filtering: { ...CFG.filtering, prohibitedAaguids: [aaguid.toUpperCase()] } };
  const q = await register(prohibit, { aaguid });
  assert.deepEqual(q.verdict.ok ? q.verdict : q.verdict.reason, 'aaguid-prohibited');
  const fine = await register(CFG, { aaguid, be: true, discoverable: true, uv: true });
  assert.ok(fine.verdict.ok);
  assert.equal(fine.verdict.credential.aaguid, aaguid);
  assert.equal(fine.verdict.credential.backupEligible, true);
  assert.equal(fine.verdict.credential.discoverable, true);
  assert.equal(fine.verdict.credential.verified, true);
});

test('a credential cannot change its backup eligibility after registration', async () => {
  const { verdict, credential } = await register();
  assert.ok(verdict.ok);
  const opts = await authenticationOptions(CFG, { rpId: RP, allow: [verdict.credential] });
  const r = await verifyAssertion(CFG, {
    response: getAssertion(credential, opts, ORIGIN, { be: true }),
    challenge: opts.challenge,
    origin: ORIGIN,
    rpId: RP,
    credential: verdict.credential,
  });
  assert.deepEqual(r.ok ? r : r.reason, 'backup-eligibility-changed');
});
