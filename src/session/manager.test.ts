import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SessionCookieConfig } from '../config/index.js';
import { ManualClock } from '../core/index.js';
import { readSessionCookie } from './cookie.js';
import { SessionManager, type SessionManagerDeps, type UserProfile } from './manager.js';
import { authLevel } from './session.js';
import type { SessionStore } from './store.js';
import { MemorySessionStore } from './stores/memory.js';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
const base: SessionCookieConfig = {
  domain: 'example.com',
  autheliaUrl: 'https://auth.example.com/',
  defaultRedirectionUrl: '',
  name: 'authelia_session',
  sameSite: 'lax',
  expiration: 60 * MIN,
  inactivity: 5 * MIN,
  rememberMe: 30 * DAY,
};
const other: SessionCookieConfig = {
  ...base,
  domain: 'example.org',
  autheliaUrl: 'https://auth.example.org/',
};
const john = { username: 'john', displayName: 'John Doe', groups: ['dev'], emails: ['john@example.com'] };

/** Counts store reads so tests can prove garbage never reaches the store. */
function counting(store: SessionStore) {
  const calls = { get: 0 };
  const wrapped: SessionStore = {
    get: (id) => {
      calls.get++;
      return store.get(id);
    },
    set: (s, t) => store.set(s, t),
    replace: (s, t) => store.replace(s, t),
    delete: (id) => store.delete(id),
    deleteByUser: (u) => store.deleteByUser(u),
    count: () => store.count(),
    list: (f) => store.list(f),
    touch: (id, at) => store.touch(id, at),
    flush: () => store.flush(),
    close: () => store.close(),
  };
  return { wrapped, calls };
}

function setup(over: Partial<SessionManagerDeps> & { cfg?: SessionCookieConfig } = {}) {
  const clock = new ManualClock();
  const memory = new MemorySessionStore({ clock, sweepIntervalMs: 0 });
  const { wrapped, calls } = counting(memory);
  const users = new Map<string, UserProfile>([['john', john]]);
  let refreshCalls = 0;
  const manager = new SessionManager({
    store: wrapped,
    cookies: [over.cfg ?? base, other],
    clock,
    refreshInterval: 5 * MIN,
    refreshUser: async (u) => {
      refreshCalls++;
      return users.get(u);
    },
    ...over,
  });
  return { clock, memory, manager, users, calls, refreshCalls: () => refreshCalls };
}

function cookieOf(setCookie: string, name = 'authelia_session'): string {
  const id = readSessionCookie(setCookie.split(';')[0], name);
  assert.ok(id, setCookie);
  return `${name}=${id}`;
}

test('cookieConfigForHost: the domain itself or a dot-suffix, case-insensitive, first match wins', () => {
  const { manager } = setup();
  assert.equal(manager.cookieConfigForHost('example.com'), base);
  assert.equal(manager.cookieConfigForHost('app.example.com'), base);
  assert.equal(manager.cookieConfigForHost('A.B.Example.COM'), base);
  assert.equal(manager.cookieConfigForHost('app.example.com.'), base);
  assert.equal(manager.cookieConfigForHost('app.example.org'), other);
  assert.equal(manager.cookieConfigForHost('notexample.com'), undefined);
  assert.equal(manager.cookieConfigForHost('example.com.evil.net'), undefined);
  assert.equal(manager.cookieConfigForHost('com'), undefined);
  const mixed = new SessionManager({
    store: new MemorySessionStore({ clock: new ManualClock(), sweepIntervalMs: 0 }),
    cookies: [{ ...base, domain: 'Example.COM' }],
    clock: new ManualClock(),
    refreshInterval: -1,
  });
  assert.equal(mixed.cookieConfigForHost('app.example.com')?.domain, 'Example.COM');
});

test('create: a fresh 32-char id, the expiration lifetime, and a level-1 session that loads back', async () => {
  const { manager, clock } = setup();
  const { session, setCookie } = await manager.create(base, john, { keepMeLoggedIn: false, ip: '192.0.2.1' });
  assert.match(session.id, /^[A-Za-z0-9]{32}$/);
  assert.match(setCookie, /; Max-Age=3600; /);
  assert.match(setCookie, /; Domain=example\.com; /);
  assert.equal(session.cookieDomain, 'example.com');
  assert.equal(session.firstFactorAt, clock.now());
  assert.equal(session.secondFactorAt, 0);
  assert.equal(session.refreshAt, clock.now() + 5 * MIN);
  const loaded = await manager.load(cookieOf(setCookie), base);
  assert.equal(loaded.session?.username, 'john');
  assert.equal(loaded.destroyed, undefined);
  assert.equal(authLevel(loaded.session!), 1);
});

test('login regenerates: always a new id, and the previous session is deleted', async () => {
  const { manager } = setup();
  const first = await manager.create(base, john, { keepMeLoggedIn: false, ip: '192.0.2.1' });
  const second = await manager.create(base, first.session, {
    keepMeLoggedIn: false,
    ip: '192.0.2.1',
    previous: first.session,
    amr: { pwd: true, otp: true },
    firstFactorAt: first.session.firstFactorAt,
  });
  assert.notEqual(second.session.id, first.session.id);
  assert.deepEqual(await manager.load(cookieOf(first.setCookie), base), {});
  const loaded = await manager.load(cookieOf(second.setCookie), base);
  assert.equal(authLevel(loaded.session!), 2);
  assert.ok(loaded.session!.secondFactorAt > 0);
});

test('logout destroys the session and returns an expired cookie', async () => {
  const { manager } = setup();
  const { session, setCookie } = await manager.create(base, john, { keepMeLoggedIn: false, ip: '192.0.2.1' });
  const clear = await manager.destroy(session, base);
  assert.match(
    clear,
    /^authelia_session=; Domain=example\.com; Path=\/; Expires=Thu, 01 Jan 1970 .*Max-Age=0/,
  );
  assert.deepEqual(await manager.load(cookieOf(setCookie), base), {});
});

test('expiration: the deadline slides with activity (as Authelia re-saves), and ends when activity stops', async () => {
  const { manager, clock } = setup({ cfg: { ...base, inactivity: 0 } });
  const cfg = { ...base, inactivity: 0 };
  const { setCookie } = await manager.create(cfg, john, { keepMeLoggedIn: false, ip: '192.0.2.1' });
  const cookie = cookieOf(setCookie);
  for (let i = 0; i < 6; i++) {
    clock.advance(20 * MIN);
    assert.ok((await manager.load(cookie, cfg)).session, `alive after ${(i + 1) * 20} min of activity`);
  }
  clock.advance(60 * MIN);
  assert.deepEqual(await manager.load(cookie, cfg), {});
});

test('expiration: a shortened configured expiration ends older sessions', async () => {
  const { manager, clock } = setup();
  const { setCookie } = await manager.create(base, john, { keepMeLoggedIn: false, ip: '192.0.2.1' });
  clock.advance(2 * MIN);
  const shorter = { ...base, expiration: MIN };
  assert.deepEqual(await manager.load(cookieOf(setCookie), shorter), { destroyed: 'expired' });
  assert.deepEqual(await manager.load(cookieOf(setCookie), base), {});
});

test('inactivity: destroyed once last activity + inactivity is strictly past; each load counts as activity', async () => {
  const { manager, clock } = setup();
  const { setCookie } = await manager.create(base, john, { keepMeLoggedIn: false, ip: '192.0.2.1' });
  const cookie = cookieOf(setCookie);
  clock.advance(5 * MIN);
  const at = clock.now();
  assert.equal((await manager.load(cookie, base)).session?.lastActivity, at);
  clock.advance(5 * MIN);
  assert.ok((await manager.load(cookie, base)).session);
  clock.advance(5 * MIN + 1);
  assert.deepEqual(await manager.load(cookie, base), { destroyed: 'inactive' });
  assert.deepEqual(await manager.load(cookie, base), {});
});

test('remember-me: remember_me lifetime, no inactivity check, no activity bump', async () => {
  const { manager, clock, memory } = setup();
  const { session, setCookie } = await manager.create(base, john, { keepMeLoggedIn: true, ip: '192.0.2.1' });
  assert.equal(session.keepMeLoggedIn, true);
  assert.match(setCookie, new RegExp(`; Max-Age=${30 * 24 * 3600}; `));
  const cookie = cookieOf(setCookie);
  clock.advance(3 * DAY);
  const loaded = await manager.load(cookie, base);
  assert.equal(loaded.session?.lastActivity, session.createdAt);
  assert.equal((await memory.get(session.id))?.lastActivity, session.createdAt);
  clock.advance(27 * DAY - 1);
  assert.ok((await manager.load(cookie, base)).session);
  clock.advance(1);
  assert.equal((await manager.load(cookie, base)).session, undefined);
});

test('remember_me -1 disables remember-me: the flag is ignored and inactivity applies', async () => {
  const cfg = { ...base, rememberMe: -1 };
  const { manager, clock } = setup({ cfg });
  const { session, setCookie } = await manager.create(cfg, john, { keepMeLoggedIn: true, ip: '192.0.2.1' });
  assert.equal(session.keepMeLoggedIn, false);
  assert.match(setCookie, /; Max-Age=3600; /);
  clock.advance(5 * MIN + 1);
  assert.deepEqual(await manager.load(cookieOf(setCookie), cfg), { destroyed: 'inactive' });
});

test('refresh: a user removed from the backend loses the session at the next due refresh', async () => {
  const { manager, clock, users, refreshCalls } = setup();
  const { setCookie } = await manager.create(base, john, { keepMeLoggedIn: false, ip: '192.0.2.1' });
  const cookie = cookieOf(setCookie);
  users.delete('john');
  clock.advance(4 * MIN);
  assert.ok((await manager.load(cookie, base)).session, 'not due yet');
  assert.equal(refreshCalls(), 0);
  clock.advance(MIN);
  assert.deepEqual(await manager.load(cookie, base), { destroyed: 'user-removed' });
  assert.equal(refreshCalls(), 1);
  assert.deepEqual(await manager.load(cookie, base), {});
});

test('refresh: changed groups, emails and name are written back and the next refresh is scheduled', async () => {
  const { manager, clock, users, refreshCalls, memory } = setup();
  const { session, setCookie } = await manager.create(base, john, { keepMeLoggedIn: false, ip: '192.0.2.1' });
  const cookie = cookieOf(setCookie);
  users.set('john', { displayName: 'Johnny', groups: ['dev', 'admins'], emails: ['j@example.com'] });
  clock.advance(5 * MIN);
  const loaded = (await manager.load(cookie, base)).session!;
  assert.deepEqual(loaded.groups, ['dev', 'admins']);
  assert.deepEqual(loaded.emails, ['j@example.com']);
  assert.equal(loaded.displayName, 'Johnny');
  assert.equal(loaded.refreshAt, clock.now() + 5 * MIN);
  const stored = await memory.get(session.id);
  assert.deepEqual(stored?.groups, ['dev', 'admins']);
  assert.equal(stored?.lastActivity, clock.now());
  clock.advance(MIN);
  await manager.load(cookie, base);
  assert.equal(refreshCalls(), 1, 'not due again for 5 minutes');
});

test('refresh: 0 re-reads on every load, -1 never does, a backend error keeps the session', async () => {
  const always = setup({ refreshInterval: 0 });
  const a = await always.manager.create(base, john, { keepMeLoggedIn: false, ip: '192.0.2.1' });
  for (let i = 0; i < 3; i++) await always.manager.load(cookieOf(a.setCookie), base);
  assert.equal(always.refreshCalls(), 3);

  const never = setup({ refreshInterval: -1 });
  const n = await never.manager.create(base, john, { keepMeLoggedIn: false, ip: '192.0.2.1' });
  never.users.delete('john');
  never.clock.advance(8 * MIN);
  assert.ok((await never.manager.load(cookieOf(n.setCookie), { ...base, inactivity: 0 })).session);
  assert.equal(never.refreshCalls(), 0);

  const failing = setup({
    refreshInterval: 0,
    refreshUser: async () => {
      throw new Error('backend down');
    },
  });
  const f = await failing.manager.create(base, john, { keepMeLoggedIn: false, ip: '192.0.2.1' });
  assert.equal((await failing.manager.load(cookieOf(f.setCookie), base)).session?.username, 'john');
});

test('Session-Username header: case-insensitive match passes, mismatch or empty destroys', async () => {
  const { manager } = setup();
  const { setCookie } = await manager.create(base, john, { keepMeLoggedIn: false, ip: '192.0.2.1' });
  const cookie = cookieOf(setCookie);
  assert.ok((await manager.load(cookie, base, { sessionUsernameHeader: 'JOHN' })).session);
  assert.ok((await manager.load(cookie, base, { sessionUsernameHeader: undefined })).session);
  assert.deepEqual(await manager.load(cookie, base, { sessionUsernameHeader: 'jane' }), {
    destroyed: 'username-mismatch',
  });
  assert.deepEqual(await manager.load(cookie, base), {});

  const again = await manager.create(base, john, { keepMeLoggedIn: false, ip: '192.0.2.1' });
  assert.deepEqual(await manager.load(cookieOf(again.setCookie), base, { sessionUsernameHeader: '' }), {
    destroyed: 'username-mismatch',
  });
});

test('domain mismatch: a cookie moved to another cookie domain is destroyed', async () => {
  const { manager } = setup();
  const { setCookie } = await manager.create(base, john, { keepMeLoggedIn: false, ip: '192.0.2.1' });
  const cookie = cookieOf(setCookie);
  assert.deepEqual(await manager.load(cookie, other), { destroyed: 'domain-mismatch' });
  assert.deepEqual(await manager.load(cookie, base), {});
});

test('garbage cookies are no session and never reach the store', async () => {
  const { manager, calls } = setup();
  for (const header of [
    undefined,
    '',
    'authelia_session=',
    'authelia_session=abc',
    `authelia_session=${'x'.repeat(33)}`,
    `authelia_session=${'x'.repeat(31)}%`,
    'authelia_session=../../etc/passwd',
    `other=${'x'.repeat(32)}`,
    ';;;=;',
  ]) {
    assert.deepEqual(await manager.load(header, base), {}, String(header));
  }
  assert.equal(calls.get, 0);
  // Well-formed but unknown: one store read, still no session.
  assert.deepEqual(await manager.load(`authelia_session=${'x'.repeat(32)}`, base), {});
  assert.equal(calls.get, 1);
});

test('update keeps the deadline; revokeUser ends all of a user’s sessions', async () => {
  const { manager, clock, memory } = setup();
  const a = await manager.create(base, john, { keepMeLoggedIn: false, ip: '192.0.2.1' });
  clock.advance(MIN);
  await manager.update({
    ...a.session,
    elevation: { id: 1, expiresAt: clock.now() + 10 * MIN, ip: '192.0.2.1' },
  });
  assert.equal((await memory.get(a.session.id))?.elevation?.id, 1);
  const b = await manager.create(other, john, { keepMeLoggedIn: false, ip: '192.0.2.2' });
  await manager.create(base, { ...john, username: 'jane' }, { keepMeLoggedIn: false, ip: '192.0.2.3' });
  clock.advance(59 * MIN);
  assert.equal(await memory.get(a.session.id), undefined, 'update did not extend the deadline');
  assert.equal(await manager.revokeUser('john'), 1, 'the other john session was still live');
  assert.equal(await memory.get(b.session.id), undefined);
  assert.equal((await memory.list()).length, 1);
});
