/**
 * Session store over Redis (ioredis). One hash per session, keyed by SHA-256 of the id and expired by Redis
 * itself; a per-user set for deleteByUser; a bounded read-through cache in front that every instance keeps
 * coherent through pub/sub invalidation; last-activity updates written behind in batches.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { type Clock, PortcullisError } from '../../core/index.js';
import { hashSessionId } from '../id.js';
import type { UserSession } from '../session.js';
import type { SessionFilter, SessionStore } from '../store.js';
import { CACHE_TRUST_MS, SessionCache, slide, TouchBuffer } from './buffers.js';
import { type Mutable, readSession, sessionData } from './codec.js';

export interface RedisSessionStoreOptions {
  /** Runs every command; owned by the caller (not closed here). */
  readonly redis: Redis;
  /** A second connection used only for SUBSCRIBE (a subscribed connection cannot run commands). */
  readonly subscriber: Redis;
  /** Seals each session at rest (AES-256-GCM); the app passes createCipher(session secret). */
  readonly cipher: SessionCipher;
  readonly clock: Clock;
  /** Prepended to every key and to the invalidation channel. Default `portcullis:`. */
  readonly keyPrefix?: string;
  /** How often pending touches are written (one script call); 0 disables the timer. Default 1 s. */
  readonly flushIntervalMs?: number;
  /** Entries kept in the read-through cache (least recently used evicted). Default 10 000. */
  readonly cacheSize?: number;
  /** Upper bound on trusting a cached entry should an invalidation message be lost. Default CACHE_TRUST_MS (1 s). */
  readonly cacheMaxAgeMs?: number;
  /** Where failures of background flushes and resubscribes go (flushes are retried on the next tick). */
  readonly onError?: (err: unknown) => void;
}

/**
 * Authenticated encryption for the blobs: storage's Cipher (createCipher) fits this shape. Declared here
 * because storage/index.ts does not re-export that type and domains may only reach storage through it.
 */
export interface SessionCipher {
  encrypt(plain: Buffer): Buffer;
  decrypt(sealed: Buffer): Buffer;
}

/** A read or write in flight whose result may only be cached if no invalidation overtook it. */
interface Op {
  stale: boolean;
  readonly epoch: number;
}

/** What the encrypted blob holds (besides the session data): bound to its key so blobs cannot be swapped. */
interface Sealed {
  readonly h: string;
  readonly cookieDomain: string;
  readonly username: string;
  readonly createdAt: number;
  readonly lastActivity: number;
  readonly expiresAt: number;
  readonly data: unknown;
}

// Hash fields: d = sealed blob; a / e = last activity / deadline in clear, because touches are written by a
// script that cannot decrypt (a and e only ever grow, and a blob always wins when its own values are newer;
// the deadline read back is the sealed one slid by a's delta, so e only drives Redis's own expiry — someone
// able to write Redis could stretch idle time via a, but could never alter who the session is);
// u = username, so delete and a changed owner can find the user set.

// KEYS[1] session, KEYS[2] user set. ARGV: prefix, hash, blob, lastActivity, expiresAt, username, message,
// mode ('replace' writes only over a session that still exists, so a revocation is never undone).
// A script rather than MULTI because it must read the previous owner to move the member out of that set;
// it publishes the invalidation itself so the write and its announcement are one step.
const SET_LUA = `
if ARGV[8] == 'replace' and redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local old = redis.call('HGET', KEYS[1], 'u')
if old and old ~= ARGV[6] then redis.call('SREM', ARGV[1] .. 'user:' .. old, ARGV[2]) end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'd', ARGV[3], 'a', ARGV[4], 'e', ARGV[5], 'u', ARGV[6])
redis.call('PEXPIREAT', KEYS[1], ARGV[5])
redis.call('SADD', KEYS[2], ARGV[2])
if redis.call('PEXPIRETIME', KEYS[2]) < tonumber(ARGV[5]) then redis.call('PEXPIREAT', KEYS[2], ARGV[5]) end
redis.call('PUBLISH', ARGV[1] .. 'invalidate', ARGV[7])
return 1`;

// KEYS[1] session. ARGV: prefix, hash, message.
const DELETE_LUA = `
local u = redis.call('HGET', KEYS[1], 'u')
redis.call('DEL', KEYS[1])
if u then redis.call('SREM', ARGV[1] .. 'user:' .. u, ARGV[2]) end
redis.call('PUBLISH', ARGV[1] .. 'invalidate', ARGV[3])
return 1`;

// KEYS[1] user set. ARGV: prefix, username, message. Only members still owned by the user are deleted.
const DELETE_USER_LUA = `
local n = 0
for _, h in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local k = ARGV[1] .. 'session:' .. h
  if redis.call('HGET', k, 'u') == ARGV[2] then n = n + redis.call('DEL', k) end
end
redis.call('DEL', KEYS[1])
redis.call('PUBLISH', ARGV[1] .. 'invalidate', ARGV[3])
return n`;

// KEYS: sessions. ARGV[1] prefix, ARGV[i + 1] the new last activity of KEYS[i]. Slides the deadline by the
// same amount as the activity and never moves either backwards; the user set's expiry follows its members.
const TOUCH_LUA = `
local n = 0
for i, k in ipairs(KEYS) do
  local cur = redis.call('HMGET', k, 'a', 'e', 'u')
  local a, e, at = tonumber(cur[1]), tonumber(cur[2]), tonumber(ARGV[i + 1])
  if a and e and at > a then
    local es = string.format('%.0f', e + (at - a))
    redis.call('HSET', k, 'a', ARGV[i + 1], 'e', es)
    redis.call('PEXPIREAT', k, es)
    if cur[3] then
      local uk = ARGV[1] .. 'user:' .. cur[3]
      local ut = redis.call('PEXPIRETIME', uk)
      if ut >= 0 and ut < tonumber(es) then redis.call('PEXPIREAT', uk, es) end
    end
    n = n + 1
  end
end
return n`;

interface Script {
  readonly src: string;
  readonly sha: string;
}
const script = (src: string): Script => ({ src, sha: createHash('sha1').update(src).digest('hex') });
const SET = script(SET_LUA);
const DELETE = script(DELETE_LUA);
const DELETE_USER = script(DELETE_USER_LUA);
const TOUCH = script(TOUCH_LUA);

/** Touches per script call, so one flush never blocks Redis for long. */
const TOUCH_BATCH = 500;

function unavailable(err: unknown): PortcullisError {
  const msg = err instanceof Error ? err.message : String(err);
  return new PortcullisError('ERR_STORAGE_UNAVAILABLE', `redis: ${msg}`, { cause: err });
}

/** SCAN MATCH treats these as glob syntax; a prefix is literal. */
const globEscape = (s: string): string => s.replace(/[*?[\]\\]/g, '\\$&');

export class RedisSessionStore implements SessionStore {
  readonly #redis: Redis;
  readonly #sub: Redis;
  readonly #cipher: SessionCipher;
  readonly #clock: Clock;
  readonly #prefix: string;
  readonly #channel: string;
  readonly #onError: (err: unknown) => void;
  readonly #timer: NodeJS.Timeout | undefined;
  /** Tags our own invalidations so this instance does not drop what it just wrote. */
  readonly #origin = randomBytes(8).toString('hex');
  /** Keyed by hashed id, the form invalidation messages name. */
  readonly #cache: SessionCache<string>;
  /** Pending last-activity writes by hashed id. */
  readonly #dirty = new TouchBuffer<string>();
  /** Bumped by invalidations that cannot name one key (a user, a lost connection). */
  #epoch = 0;
  readonly #ops = new Map<string, Set<Op>>();
  /** True only while the subscription is confirmed: otherwise nothing is served from or put in the cache. */
  #live = false;
  #subscribing = 0;
  #closed = false;

  readonly #onMessage = (channel: string, message: string): void => {
    if (channel !== this.#channel) return;
    const space = message.indexOf(' ');
    if (space < 0 || message.slice(0, space) === this.#origin) return;
    const target = message.slice(space + 1);
    if (target.startsWith('user:')) this.#forgetUser(target.slice(5));
    else this.#forget(target);
  };
  readonly #onReady = (): void => void this.#subscribe();
  readonly #onDown = (): void => {
    // Messages may be missed from here on: stop trusting the cache until resubscribed (then cleared again).
    this.#live = false;
    this.#dropAll();
  };

  constructor(opts: RedisSessionStoreOptions) {
    this.#redis = opts.redis;
    this.#sub = opts.subscriber;
    this.#cipher = opts.cipher;
    this.#clock = opts.clock;
    this.#prefix = opts.keyPrefix ?? 'portcullis:';
    this.#channel = `${this.#prefix}invalidate`;
    this.#cache = new SessionCache(opts.cacheSize ?? 10_000, opts.cacheMaxAgeMs ?? CACHE_TRUST_MS);
    this.#onError = opts.onError ?? (() => {});
    this.#sub.on('message', this.#onMessage);
    this.#sub.on('ready', this.#onReady);
    for (const ev of ['close', 'end', 'reconnecting']) this.#sub.on(ev, this.#onDown);
    if (this.#sub.status === 'ready') void this.#subscribe();
    const every = opts.flushIntervalMs ?? 1_000;
    if (every > 0) {
      this.#timer = setInterval(() => void this.#tick(), every);
      this.#timer.unref();
    }
  }

  /** Touches waiting for the next flush (distinct sessions). */
  get pending(): number {
    return this.#dirty.size;
  }

  /** Whether the cache may currently be used (subscription confirmed). */
  get live(): boolean {
    return this.#live;
  }

  async get(id: string): Promise<UserSession | undefined> {
    const now = this.#clock.now();
    const h = hashSessionId(id);
    const hit = this.#trusted() ? this.#cache.lookup(h, now) : undefined;
    if (hit === 'expired') return undefined;
    if (hit) return { ...hit, id };
    this.#cache.delete(h);
    const op = this.#begin(h);
    let fields: (Buffer | null)[];
    try {
      fields = await this.#cmd(() => this.#redis.hmgetBuffer(this.#key(h), ['d', 'a']));
    } finally {
      this.#end(h, op);
    }
    const decoded = this.#open(h, id, fields);
    if (!decoded) return undefined;
    this.#dirty.applyTo(h, decoded);
    if (decoded.expiresAt <= now) return undefined;
    if (this.#fresh(op)) this.#cache.remember(h, decoded.session, decoded.expiresAt, now);
    return { ...decoded.session };
  }

  async set(session: UserSession, ttlMs: number): Promise<void> {
    await this.#write(session, ttlMs, 'set');
  }

  async replace(session: UserSession, ttlMs: number): Promise<boolean> {
    return this.#write(session, ttlMs, 'replace');
  }

  async #write(session: UserSession, ttlMs: number, mode: 'set' | 'replace'): Promise<boolean> {
    const now = this.#clock.now();
    const expiresAt = now + ttlMs;
    const h = hashSessionId(session.id);
    const sealed: Sealed = {
      h,
      cookieDomain: session.cookieDomain,
      username: session.username,
      createdAt: session.createdAt,
      lastActivity: session.lastActivity,
      expiresAt,
      data: sessionData(session),
    };
    const blob = this.#cipher.encrypt(Buffer.from(JSON.stringify(sealed)));
    this.#cache.delete(h);
    const op = this.#begin(h);
    let written: unknown;
    try {
      written = await this.#cmd(() =>
        this.#eval(
          SET,
          [this.#key(h), this.#userKey(session.username)],
          [
            this.#prefix,
            h,
            blob,
            String(session.lastActivity),
            String(expiresAt),
            session.username,
            this.#message(h),
            mode,
          ],
        ),
      );
    } finally {
      this.#end(h, op);
    }
    if (Number(written) !== 1) return false;
    this.#dirty.written(h, session.lastActivity);
    if (this.#fresh(op)) this.#cache.remember(h, session, expiresAt, now);
    return true;
  }

  async delete(id: string): Promise<void> {
    const h = hashSessionId(id);
    this.#forget(h);
    this.#dirty.delete(h);
    await this.#cmd(() => this.#eval(DELETE, [this.#key(h)], [this.#prefix, h, this.#message(h)]));
    this.#forget(h);
  }

  async deleteByUser(username: string): Promise<number> {
    this.#forgetUser(username);
    const n = Number(
      await this.#cmd(() =>
        this.#eval(
          DELETE_USER,
          [this.#userKey(username)],
          [this.#prefix, username, this.#message(`user:${username}`)],
        ),
      ),
    );
    this.#forgetUser(username);
    return n;
  }

  async list(filter: SessionFilter = {}): Promise<UserSession[]> {
    // Pending touches are keyed by hash in memory too, but writing them first keeps one source of truth.
    await this.flush();
    const out: UserSession[] = [];
    const now = this.#clock.now();
    const collect = async (hashes: string[]): Promise<string[]> => {
      if (hashes.length === 0) return [];
      const pipe = this.#redis.pipeline();
      for (const h of hashes) pipe.hmgetBuffer(this.#key(h), ['d', 'a']);
      const replies = (await pipe.exec()) ?? [];
      const gone: string[] = [];
      replies.forEach(([err, fields], i) => {
        if (err) throw err;
        const h = hashes[i]!;
        const d = this.#open(h, '', fields as (Buffer | null)[]);
        if (!d) {
          if ((fields as (Buffer | null)[])[0] === null) gone.push(h);
          return;
        }
        const s = d.session;
        if (d.expiresAt <= now) return;
        if (filter.username !== undefined && s.username !== filter.username) return;
        if (filter.cookieDomain !== undefined && s.cookieDomain !== filter.cookieDomain) return;
        out.push(s);
      });
      return gone;
    };
    await this.#cmd(async () => {
      if (filter.username !== undefined) {
        const userKey = this.#userKey(filter.username);
        const gone = await collect(await this.#redis.smembers(userKey));
        // Members whose session expired on its own: Redis cannot remove them from the set for us.
        if (gone.length > 0) await this.#redis.srem(userKey, ...gone);
        return;
      }
      await this.#scan(async (hashes) => void (await collect(hashes)));
    });
    return out;
  }

  /** Session keys Redis still holds: it drops each at its deadline, so they are the live ones. */
  async count(): Promise<number> {
    let n = 0;
    await this.#cmd(() =>
      this.#scan(async (hashes) => {
        n += hashes.length;
      }),
    );
    return n;
  }

  /** Every session key's hash, in SCAN batches (never KEYS: it would block Redis). */
  async #scan(batch: (hashes: string[]) => Promise<void>): Promise<void> {
    const match = `${globEscape(this.#prefix)}session:*`;
    const strip = this.#prefix.length + 'session:'.length;
    let cursor = '0';
    do {
      const [next, keys] = await this.#redis.scan(cursor, 'MATCH', match, 'COUNT', 500);
      cursor = next;
      await batch(keys.map((k) => k.slice(strip)));
    } while (cursor !== '0');
  }

  touch(id: string, lastActivity: number): void {
    const h = hashSessionId(id);
    this.#cache.slide(h, lastActivity);
    this.#dirty.add(h, lastActivity);
  }

  /** Re-sending an already applied chunk after a failure is harmless: the script ignores values not newer. */
  async flush(): Promise<void> {
    await this.#dirty.flush((batch) =>
      this.#cmd(async () => {
        for (let i = 0; i < batch.length; i += TOUCH_BATCH) {
          const chunk = batch.slice(i, i + TOUCH_BATCH);
          await this.#eval(
            TOUCH,
            chunk.map(([h]) => this.#key(h)),
            [this.#prefix, ...chunk.map(([, at]) => String(at))],
          );
        }
      }),
    );
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer) clearInterval(this.#timer);
    try {
      await this.flush();
    } finally {
      this.#sub.off('message', this.#onMessage);
      this.#sub.off('ready', this.#onReady);
      for (const ev of ['close', 'end', 'reconnecting']) this.#sub.off(ev, this.#onDown);
      this.#live = false;
      this.#cache.clear();
      if (this.#sub.status === 'ready') await this.#sub.unsubscribe(this.#channel).catch(this.#onError);
    }
  }

  async #tick(): Promise<void> {
    try {
      await this.flush();
    } catch (err) {
      this.#onError(err);
    }
  }

  async #subscribe(): Promise<void> {
    if (this.#closed) return;
    const attempt = ++this.#subscribing;
    try {
      await this.#sub.subscribe(this.#channel);
    } catch (err) {
      this.#onError(unavailable(err));
      return;
    }
    if (attempt !== this.#subscribing || this.#closed || this.#sub.status !== 'ready') return;
    // Whatever was published while we were away is lost: start from an empty cache.
    this.#dropAll();
    this.#live = true;
  }

  /** The cache is usable only while both connections are up and the subscription is confirmed. */
  #trusted(): boolean {
    return this.#live && this.#sub.status === 'ready' && this.#redis.status === 'ready';
  }

  /** Runs Redis I/O, failing fast while the connection is known to be down and mapping errors. */
  async #cmd<T>(fn: () => Promise<T>): Promise<T> {
    const status = this.#redis.status;
    if (status === 'reconnecting' || status === 'close' || status === 'end') {
      throw unavailable(new Error(`connection is ${status}`));
    }
    try {
      return await fn();
    } catch (err) {
      throw err instanceof PortcullisError ? err : unavailable(err);
    }
  }

  /** EVALSHA, loading the script on NOSCRIPT (a restarted server forgets scripts). */
  async #eval(s: Script, keys: string[], args: (string | Buffer)[]): Promise<unknown> {
    try {
      return await this.#redis.evalsha(s.sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return await this.#redis.eval(s.src, keys.length, ...keys, ...args);
    }
  }

  /** `<origin> <hashed id | user:name>`: the origin lets this instance skip its own announcements. */
  #message(target: string): string {
    return `${this.#origin} ${target}`;
  }

  #key(h: string): string {
    return `${this.#prefix}session:${h}`;
  }

  #userKey(username: string): string {
    return `${this.#prefix}user:${username}`;
  }

  /** Decrypts and validates a stored session; anything unreadable or not sealed for this key is no session. */
  #open(
    h: string,
    id: string,
    fields: (Buffer | null)[],
  ): { session: Mutable<UserSession>; expiresAt: number } | undefined {
    const [blob, a] = fields;
    if (!blob) return undefined;
    let s: Partial<Sealed>;
    try {
      s = JSON.parse(this.#cipher.decrypt(blob).toString('utf8')) as Partial<Sealed>;
    } catch {
      return undefined;
    }
    if (
      typeof s !== 'object' ||
      s === null ||
      s.h !== h ||
      typeof s.cookieDomain !== 'string' ||
      typeof s.username !== 'string' ||
      typeof s.createdAt !== 'number' ||
      typeof s.lastActivity !== 'number' ||
      typeof s.expiresAt !== 'number'
    ) {
      return undefined;
    }
    const cols = {
      cookieDomain: s.cookieDomain,
      username: s.username,
      createdAt: s.createdAt,
      lastActivity: s.lastActivity,
    };
    const session = readSession(id, cols, s.data);
    if (!session) return undefined;
    const stored = { session, expiresAt: s.expiresAt };
    // Touches written since the blob: slide by the activity delta from the sealed values.
    const touched = a ? Number(a.toString()) : Number.NaN;
    if (Number.isFinite(touched)) slide(stored, touched);
    return stored;
  }

  #begin(h: string): Op {
    const op: Op = { stale: false, epoch: this.#epoch };
    let set = this.#ops.get(h);
    if (!set) {
      set = new Set();
      this.#ops.set(h, set);
    }
    set.add(op);
    return op;
  }

  #end(h: string, op: Op): void {
    const set = this.#ops.get(h);
    set?.delete(op);
    if (set?.size === 0) this.#ops.delete(h);
  }

  /** Whether a finished op's result may be cached: no invalidation overtook it and the cache is trusted. */
  #fresh(op: Op): boolean {
    return !op.stale && op.epoch === this.#epoch && this.#trusted();
  }

  #forget(h: string): void {
    this.#cache.delete(h);
    const ops = this.#ops.get(h);
    if (ops) for (const op of ops) op.stale = true;
  }

  #forgetUser(username: string): void {
    // In-flight reads do not know their owner yet, so they are all made uncacheable.
    this.#epoch++;
    this.#cache.deleteUser(username);
  }

  #dropAll(): void {
    this.#epoch++;
    this.#cache.clear();
  }
}
