/** Security events that reach the audit log from flows other than login: regulation bans and revoked sessions. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Harness, startHarness } from '../harness/gateway.js';
import { forwardAuthHeaders, login, request } from '../harness/http.js';
import { auditEntries } from './account-support.js';

describe('audit of regulation bans and revoked sessions', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({
      runtime: { basicFailureDelayMs: 0 },
      modify: (cfg) => {
        cfg['regulation'] = { modes: ['user', 'ip'], max_retries: 3, find_time: '2m', ban_time: '5m' };
      },
    });
  });
  after(() => h.stop());

  it('a regulation ban is audited as ban.added with source regulation, for the user and the IP', async () => {
    for (let i = 0; i < 3; i++) await login(h.port, 'harry', 'wrong');
    const bans = await auditEntries(h, 'ban.added');
    assert.deepEqual(
      bans.map((b) => ({ kind: b.data['kind'], value: b.data['value'], source: b.data['source'] })),
      [
        { kind: 'user', value: 'harry', source: 'regulation' },
        { kind: 'ip', value: '127.0.0.1', source: 'regulation' },
      ],
    );
    assert.equal(bans[0]!.username, 'harry');
    assert.equal(bans[1]!.ip, '127.0.0.1');
    assert.equal(typeof bans[0]!.data['until'], 'number');
  });

  it('a session dropped for a Session-Username mismatch is audited as session.revoked', async () => {
    await h.runtime.storage.bans.unban('ip', '127.0.0.1');
    const { cookie } = await login(h.port, 'john', 'john-password');
    const r = await request(h.port, {
      method: 'GET',
      path: '/api/authz/forward-auth',
      headers: {
        ...forwardAuthHeaders('https://app.example.com/'),
        cookie,
        'session-username': 'mallory',
      },
    });
    assert.notEqual(r.status, 200);
    assert.deepEqual(await auditEntries(h, 'session.revoked'), [
      { username: 'john', ip: '', data: { reason: 'username-mismatch', count: 1 } },
    ]);
  });
});
