import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DetectionConfig, DetectionRuleConfig } from '../config/index.js';
import { Detector } from './detector.js';
import { CountWindow, DistinctWindow } from './window.js';

const MIN = 60_000;
const rule = (
  threshold: number,
  window: number,
  actions: DetectionRuleConfig['actions'],
): DetectionRuleConfig => ({
  enabled: true,
  threshold,
  window,
  banDuration: 60 * MIN,
  actions,
});

function config(change: Partial<DetectionConfig> = {}): DetectionConfig {
  return {
    enabled: true,
    trustedNetworks: ['10.0.0.0/8', '2001:db8:aa::/48'],
    maxTrackedKeys: 1000,
    rules: {
      failed_logins: rule(5, 10 * MIN, ['ban_ip']),
      password_spraying: rule(4, 10 * MIN, ['ban_ip', 'alert']),
      credential_stuffing: rule(3, 10 * MIN, ['ban_user', 'alert']),
      repeated_denials: rule(6, MIN, ['alert']),
      new_ip_login: rule(1, 0, ['alert']),
      session_denial_burst: rule(3, MIN, ['alert']),
    },
    alerts: { webhook: undefined },
    ...change,
  };
}

const fail = (at: number, ip: string, username = 'alice') =>
  ({ kind: 'authn', at, ip, username, factor: 'password', result: 'failed' }) as const;

describe('sliding windows', () => {
  it('counts only events inside the window', () => {
    const w = new CountWindow(3, 1000, 10);
    assert.equal(w.hit('k', 0), undefined);
    assert.equal(w.hit('k', 500), undefined);
    assert.equal(w.hit('k', 1200), undefined, 'the first event has left the window');
    assert.equal(w.hit('k', 1300), 3);
    assert.equal(w.hit('k', 1400), undefined, 'the key starts over after it fired');
  });
  it('counts distinct values and forgets the oldest keys beyond the bound', () => {
    const w = new DistinctWindow(3, 1000, 2);
    w.hit('a', 'x', 0);
    w.hit('a', 'x', 10);
    w.hit('a', 'y', 20);
    w.hit('b', 'x', 30);
    w.hit('c', 'x', 40); // evicts 'a'
    assert.equal(w.hit('a', 'z', 50), undefined, "'a' was forgotten, so x and y no longer count");
    w.hit('c', 'y', 60);
    assert.deepEqual(w.hit('c', 'z', 70), ['x', 'y', 'z']);
  });
});

describe('Detector', () => {
  it('bans an IP after 5 failed logins in 10 minutes (the fail2ban jail)', () => {
    const d = new Detector(config());
    const out = [0, 1, 2, 3].flatMap((i) => d.observe(fail(i * MIN, '203.0.113.9')));
    assert.deepEqual(out, []);
    const [hit] = d.observe(fail(9 * MIN, '203.0.113.9'));
    assert.equal(hit?.rule, 'failed_logins');
    assert.deepEqual(hit?.banIps, ['203.0.113.9']);
    assert.deepEqual(hit?.banUsers, []);
    assert.equal(hit?.banDurationMs, 60 * MIN);
    assert.equal(hit?.alert, false);
  });

  it('does not fire when the failures are spread wider than the window', () => {
    const d = new Detector(config());
    const out = [0, 3, 6, 9, 12, 15].flatMap((i) => d.observe(fail(i * MIN, '203.0.113.9')));
    assert.deepEqual(out, []);
  });

  it('detects password spraying: many users failing from one IP', () => {
    const d = new Detector(config());
    const out = ['a', 'b', 'c', 'd'].flatMap((u, i) => d.observe(fail(i * 1000, '198.51.100.4', u)));
    assert.equal(out.length, 1);
    assert.equal(out[0]?.rule, 'password_spraying');
    assert.deepEqual(out[0]?.banIps, ['198.51.100.4']);
    assert.equal(out[0]?.alert, true);
  });

  it('detects credential stuffing and bans the user together with every IP that caused it', () => {
    const d = new Detector(config());
    const ips = ['192.0.2.1', '192.0.2.2', '10.1.1.1', '192.0.2.3'];
    const out = ips.flatMap((ip, i) => d.observe(fail(i * 1000, ip, 'bob')));
    const hit = out.find((x) => x.rule === 'credential_stuffing');
    assert.ok(hit);
    assert.deepEqual(hit.banUsers, ['bob']);
    // The trusted 10.1.1.1 neither counted nor gets banned.
    assert.deepEqual(hit.banIps, ['192.0.2.1', '192.0.2.2', '192.0.2.3']);
  });

  it('never bans trusted admin networks, whatever they do', () => {
    const d = new Detector(config());
    const out = [
      ...Array.from({ length: 20 }, (_, i) => d.observe(fail(i, '10.0.0.5', `u${i}`))).flat(),
      ...Array.from({ length: 20 }, (_, i) => d.observe(fail(i, '::ffff:10.0.0.6', 'carol'))).flat(),
      ...Array.from({ length: 20 }, (_, i) => d.observe(fail(i, '2001:db8:aa::1', 'dave'))).flat(),
    ];
    assert.deepEqual(
      out.flatMap((x) => x.banIps),
      [],
    );
    assert.deepEqual(
      out.flatMap((x) => x.banUsers),
      [],
    );
  });

  it('alerts on a login from an IP never seen for that user, but not on the first login', () => {
    const d = new Detector(config());
    const ok = (ip: string, at: number) =>
      d.observe({ kind: 'authn', at, ip, username: 'erin', factor: 'password', result: 'succeeded' });
    assert.deepEqual(ok('192.0.2.10', 0), []);
    assert.deepEqual(ok('192.0.2.10', 1), []);
    const [hit] = ok('203.0.113.77', 2);
    assert.equal(hit?.rule, 'new_ip_login');
    assert.equal(hit?.alert, true);
    assert.deepEqual(hit?.banIps, []);
    assert.deepEqual(ok('203.0.113.77', 3), []);
  });

  it('alerts on repeated 401/403 from one IP and on a burst of denials for one session', () => {
    const d = new Detector(config());
    const authz = (status: number, at: number, session?: string) =>
      d.observe({ kind: 'authz', at, ip: '192.0.2.50', username: 'frank', status, session });
    const out = [
      ...authz(200, 0, 's1'),
      ...authz(403, 1, 's1'),
      ...authz(403, 2, 's1'),
      ...authz(302, 3, 's1'),
      ...authz(403, 4, 's1'),
    ];
    assert.deepEqual(
      out.map((x) => x.rule),
      ['session_denial_burst'],
    );
    assert.deepEqual(out[0]?.banIps, []);
    const more = [5, 6, 7].flatMap((t) => authz(401, t));
    assert.deepEqual(
      more.map((x) => x.rule),
      ['repeated_denials'],
    );
  });

  it('does nothing when detection or a rule is disabled, and ignores banned attempts', () => {
    const off = new Detector(config({ enabled: false }));
    assert.deepEqual(
      [0, 1, 2, 3, 4, 5].flatMap((i) => off.observe(fail(i, '203.0.113.1'))),
      [],
    );
    const d = new Detector(config());
    const banned = [0, 1, 2, 3, 4, 5].flatMap((i) =>
      d.observe({
        kind: 'authn',
        at: i,
        ip: '203.0.113.1',
        username: 'x',
        factor: 'password',
        result: 'banned',
      }),
    );
    assert.deepEqual(banned, []);
  });

  it('keeps memory bounded under a flood of distinct IPs', () => {
    const d = new Detector(config({ maxTrackedKeys: 100 }));
    for (let i = 0; i < 50_000; i++) d.observe(fail(i, `198.18.${(i >> 8) & 255}.${i & 255}`, `user${i}`));
    // After the flood, an IP that failed 4 times long ago has been forgotten: one more failure does not ban it.
    const d2 = new Detector(config({ maxTrackedKeys: 100 }));
    for (let i = 0; i < 4; i++) d2.observe(fail(i, '203.0.113.200'));
    for (let i = 0; i < 1000; i++) d2.observe(fail(10 + i, `198.18.0.${i % 250}`, `u${i}`));
    assert.equal(d2.observe(fail(2000, '203.0.113.200')).filter((x) => x.rule === 'failed_logins').length, 0);
  });
});
