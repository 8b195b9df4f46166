import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { type Logger, ManualClock, type SecurityEvent } from '../core/index.js';
import type { AuditCheckpointRecord, AuditHead, AuditRecord, AuditStore } from '../storage/index.js';
import { canonicalJson } from './canonical.js';
import { chainRecord, GENESIS_HASH } from './chain.js';
import { createCheckpointSigner, generateSigningKey } from './checkpoint.js';
import { JsonlMirror, parseAuditLine } from './jsonl.js';
import { AuditLog } from './log.js';
import { type VerifyItem, verifyAuditLog } from './verify.js';

/** An in-memory AuditStore (the dependency, not the thing tested); `failing` makes writes throw like a full disk. */
class MemoryAuditStore implements AuditStore {
  rows: AuditRecord[] = [];
  cps: AuditCheckpointRecord[] = [];
  failing = false;
  key: string | undefined;
  async head(): Promise<AuditHead | undefined> {
    const r = this.rows.at(-1);
    return r ? { seq: r.seq, hash: r.hash } : undefined;
  }
  async append(build: (h: AuditHead | undefined) => readonly AuditRecord[]) {
    if (this.failing)
      throw Object.assign(new Error('SQLITE_FULL: database or disk is full'), { code: 'SQLITE_FULL' });
    const out = build(await this.head());
    this.rows.push(...out);
    return out;
  }
  async list(o: { afterSeq?: number; sinceMs?: number; limit: number }) {
    return this.rows.filter((r) => r.seq > (o.afterSeq ?? 0) && r.at >= (o.sinceMs ?? 0)).slice(0, o.limit);
  }
  async addCheckpoint(cp: AuditCheckpointRecord) {
    this.cps.push(cp);
  }
  async checkpoints() {
    return [...this.cps];
  }
  async signingKey(generate: () => string) {
    this.key ??= generate();
    return this.key;
  }
}

function captureLogger(): Logger & { lines: { level: string; msg: string; obj: object }[] } {
  const lines: { level: string; msg: string; obj: object }[] = [];
  const mk = (level: string) => (obj: object, msg?: string) => {
    lines.push({ level, msg: msg ?? '', obj });
  };
  const l = {
    lines,
    error: mk('error'),
    warn: mk('warn'),
    info: mk('info'),
    debug: mk('debug'),
    child: () => l,
  };
  return l;
}

const KEY = generateSigningKey();
const signer = createCheckpointSigner(KEY);

function ev(i: number, clock: ManualClock): SecurityEvent {
  return {
    type: i % 2 ? 'authn.password.failed' : 'authn.password.succeeded',
    at: clock.now(),
    ip: `203.0.113.${i % 250}`,
    username: `user${i}`,
    detail: { method: 'POST', n: i },
  };
}

/** A chain of n entries with checkpoints at the given seqs. */
function build(n: number, checkpointAt: number[]) {
  const clock = new ManualClock();
  const rows: AuditRecord[] = [];
  const cps: AuditCheckpointRecord[] = [];
  for (let i = 1; i <= n; i++) {
    clock.advance(1000);
    const e = ev(i, clock);
    const r = chainRecord(rows.at(-1), {
      at: e.at,
      type: e.type,
      username: e.username!,
      ip: e.ip!,
      data: { ...e.detail },
    });
    rows.push(r);
    if (checkpointAt.includes(i)) cps.push(signer.sign(r, clock.now()));
  }
  return { rows, cps };
}

const items = (rows: readonly AuditRecord[]): VerifyItem[] =>
  rows.map((r, i) => ({ where: `line ${i + 1}`, record: r }));

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops undefined members', () => {
    assert.equal(
      canonicalJson({ b: 1, a: { d: [1, 'x'], c: null }, u: undefined }),
      '{"a":{"c":null,"d":[1,"x"]},"b":1}',
    );
    assert.equal(canonicalJson({ z: 'é"', a: true }), canonicalJson({ a: true, z: 'é"' }));
  });
  it('refuses values JSON cannot carry', () => {
    assert.throws(() => canonicalJson({ a: Number.NaN }), TypeError);
  });
});

describe('audit verify', () => {
  it('accepts an intact log and reports what the checkpoints cover', () => {
    const { rows, cps } = build(10, [5, 8]);
    const r = verifyAuditLog(items(rows), cps, signer.publicKeyPem);
    assert.equal(r.ok, true, r.problems.join('\n'));
    assert.equal(r.entries, 10);
    assert.equal(rows[0]!.prev, GENESIS_HASH);
    assert.deepEqual(r.coverage, [
      'seqs 1..8 are sealed by a valid signed checkpoint',
      'seqs 9..10 (2 entries) are hash-chained but not yet signed: a truncation after seq 8 could not be detected',
    ]);
  });

  it('names an edited entry', () => {
    const { rows, cps } = build(10, [10]);
    rows[3] = { ...rows[3]!, username: 'mallory' };
    const r = verifyAuditLog(items(rows), cps, signer.publicKeyPem);
    assert.equal(r.ok, false);
    assert.equal(r.firstBad, 'entry seq 4 (line 4): edited, its content does not match its hash');
    assert.equal(r.problems.length, 1);
  });

  it('names a deleted entry', () => {
    const { rows, cps } = build(10, [10]);
    rows.splice(5, 1);
    const r = verifyAuditLog(items(rows), cps, signer.publicKeyPem);
    assert.equal(r.firstBad, 'entry seq 7 (line 6): seq 6 is missing (deleted) before this entry');
  });

  it('names a reordered entry', () => {
    const { rows, cps } = build(10, [10]);
    [rows[2], rows[3]] = [rows[3]!, rows[2]!];
    const r = verifyAuditLog(items(rows), cps, signer.publicKeyPem);
    assert.equal(r.firstBad, 'entry seq 4 (line 3): seq 3 is missing (deleted) before this entry');
    assert.ok(
      r.problems.includes(
        'entry seq 3 (line 4): out of order, it comes after seq 4 (reordered, duplicated or inserted)',
      ),
    );
  });

  it('names an inserted entry that reuses the next seq', () => {
    const { rows, cps } = build(10, [10]);
    const forged = chainRecord(rows[4], {
      at: rows[4]!.at + 1,
      type: 'authn.password.succeeded',
      username: 'mallory',
      ip: '198.51.100.1',
      data: {},
    });
    rows.splice(5, 0, forged);
    const r = verifyAuditLog(items(rows), cps, signer.publicKeyPem);
    assert.equal(
      r.firstBad,
      'entry seq 6 (line 7): out of order, it comes after seq 6 (reordered, duplicated or inserted)',
    );
  });

  it('catches an insertion whose whole tail was re-chained, through the signed checkpoint', () => {
    const { rows, cps } = build(10, [10]);
    const out = rows.slice(0, 5);
    out.push(
      chainRecord(out.at(-1), {
        at: 1,
        type: 'authn.password.succeeded',
        username: 'mallory',
        ip: '198.51.100.1',
        data: {},
      }),
    );
    for (const r of rows.slice(5, 9)) out.push(chainRecord(out.at(-1), { ...r, data: JSON.parse(r.data) }));
    const r = verifyAuditLog(items(out), cps, signer.publicKeyPem);
    assert.equal(r.ok, false);
    assert.match(
      r.firstBad ?? '',
      /^checkpoint at seq 10 \(signed .*\) does not match entry seq 10: the log up to seq 10 was rewritten/,
    );
  });

  it('catches a truncated tail below the last checkpoint', () => {
    const { rows, cps } = build(10, [5, 10]);
    const r = verifyAuditLog(items(rows.slice(0, 7)), cps, signer.publicKeyPem);
    assert.equal(r.ok, false);
    assert.match(
      r.firstBad ?? '',
      /^log truncated: the checkpoint signed .* vouches for entries up to seq 10, but the log ends at seq 7$/,
    );
    assert.deepEqual(r.coverage, [
      'seqs 1..5 are sealed by a valid signed checkpoint',
      'seqs 6..7 (2 entries) are hash-chained but not yet signed: a truncation after seq 5 could not be detected',
    ]);
  });

  it('says a truncation past the last checkpoint is not covered rather than claiming the log is whole', () => {
    const { rows, cps } = build(10, [5]);
    const r = verifyAuditLog(items(rows.slice(0, 8)), cps, signer.publicKeyPem);
    assert.equal(r.ok, true);
    assert.equal(
      r.coverage[1],
      'seqs 6..8 (3 entries) are hash-chained but not yet signed: a truncation after seq 5 could not be detected',
    );
  });

  it('rejects checkpoints signed by another key and forged signatures', () => {
    const { rows, cps } = build(4, [4]);
    const other = createCheckpointSigner(generateSigningKey());
    const r1 = verifyAuditLog(items(rows), cps, other.publicKeyPem);
    assert.equal(
      r1.firstBad,
      `checkpoint at seq 4: signed by key ${signer.keyId}, not by the given key ${other.keyId}`,
    );
    const forged = { ...cps[0]!, at: cps[0]!.at + 1 };
    const r2 = verifyAuditLog(items(rows), [forged]);
    assert.equal(r2.firstBad, 'checkpoint at seq 4: signature invalid');
    assert.match(r2.notes[0] ?? '', /no --pubkey given/);
  });

  it('reports an unreadable line and a head deletion', () => {
    const { rows } = build(4, []);
    const rest = rows.slice(1).map((record, i) => ({ where: `line ${i + 2}`, record }));
    const r = verifyAuditLog([{ where: 'line 1', error: 'not valid JSON' }, ...rest], []);
    assert.equal(r.firstBad, 'line 1: unreadable entry (not valid JSON)');
    assert.deepEqual(r.problems, [
      'line 1: unreadable entry (not valid JSON)',
      'entry seq 2 (line 2): seq 1 is missing (deleted) before this entry',
    ]);
    assert.match(r.coverage[0]!, /no signed checkpoint covers any entry/);
  });
});

describe('AuditLog', () => {
  it('chains events in order and seals a checkpoint every N entries', async () => {
    const clock = new ManualClock();
    const store = new MemoryAuditStore();
    const log = new AuditLog({
      store,
      signer,
      clock,
      logger: captureLogger(),
      checkpointEvery: 3,
      checkpointIntervalMs: 0,
      maxQueue: 100,
    });
    for (let i = 1; i <= 7; i++) log.append(ev(i, clock));
    await log.flush();
    assert.deepEqual(
      store.rows.map((r) => r.username),
      ['user1', 'user2', 'user3', 'user4', 'user5', 'user6', 'user7'],
    );
    assert.ok(store.cps.length >= 1);
    await log.close();
    assert.equal(store.cps.at(-1)!.seq, 7);
    const r = verifyAuditLog(items(store.rows), store.cps, log.publicKeyPem);
    assert.equal(r.ok, true, r.problems.join('\n'));
    assert.deepEqual(r.coverage, ['seqs 1..7 are sealed by a valid signed checkpoint']);
  });

  it('keeps events queued with a loud error while storage fails, bounds the queue, and records the loss', async () => {
    const clock = new ManualClock();
    const store = new MemoryAuditStore();
    const logger = captureLogger();
    const log = new AuditLog({
      store,
      signer,
      clock,
      logger,
      checkpointEvery: 1000,
      checkpointIntervalMs: 0,
      maxQueue: 5,
      retryMs: 60_000,
    });
    store.failing = true;
    for (let i = 1; i <= 8; i++) log.append(ev(i, clock));
    await assert.rejects(log.flush(), /SQLITE_FULL/);
    assert.deepEqual(log.backlog, { queued: 5, dropped: 3 });
    assert.ok(logger.lines.some((l) => l.level === 'error' && l.msg.startsWith('AUDIT LOG WRITE FAILED')));
    assert.ok(logger.lines.some((l) => l.level === 'error' && l.msg.startsWith('AUDIT QUEUE FULL')));
    assert.equal(store.rows.length, 0);

    store.failing = false;
    await log.flush();
    assert.deepEqual(log.backlog, { queued: 0, dropped: 0 });
    const types = store.rows.map((r) => r.type);
    assert.equal(types[0], 'audit.dropped');
    assert.equal(JSON.parse(store.rows[0]!.data).count, 3);
    assert.equal(types.length, 6);
    assert.ok(logger.lines.some((l) => l.level === 'warn' && l.msg === 'audit log writes recovered'));
    assert.equal(verifyAuditLog(items(store.rows), []).ok, true);
    await log.close();
  });

  it('mirrors to a JSONL file that verifies on its own, and survives a full disk on the mirror', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'audit-'));
    const file = join(dir, 'audit.jsonl');
    const clock = new ManualClock();
    const store = new MemoryAuditStore();
    const logger = captureLogger();
    const log = new AuditLog({
      store,
      signer,
      clock,
      logger,
      mirror: new JsonlMirror(file, logger, 100),
      checkpointEvery: 2,
      checkpointIntervalMs: 0,
      maxQueue: 100,
    });
    for (let i = 1; i <= 5; i++) log.append(ev(i, clock));
    await log.close();
    const parsed = readFileSync(file, 'utf8').trimEnd().split('\n').map(parseAuditLine);
    const entries = parsed.flatMap((p, i) =>
      p.kind === 'entry' ? [{ where: `line ${i + 1}`, record: p.record }] : [],
    );
    const cps = parsed.flatMap((p) => (p.kind === 'checkpoint' ? [p.checkpoint] : []));
    assert.equal(entries.length, 5);
    assert.equal(verifyAuditLog(entries, cps, log.publicKeyPem).ok, true);

    // /dev/full fails every write with ENOSPC, as a full disk does.
    const full = new JsonlMirror('/dev/full', logger, 3);
    const log2 = new AuditLog({
      store,
      signer,
      clock,
      logger,
      mirror: full,
      checkpointEvery: 100,
      checkpointIntervalMs: 0,
      maxQueue: 100,
    });
    for (let i = 6; i <= 9; i++) log2.append(ev(i, clock));
    await log2.flush();
    assert.equal(store.rows.length, 9, 'storage still gets every event');
    assert.ok(logger.lines.some((l) => l.level === 'error' && l.msg.startsWith('AUDIT FILE WRITE FAILED')));
    assert.deepEqual(full.backlog, { buffered: 3, dropped: 1 });
    writeFileSync(join(dir, 'unused'), '');
  });

  it('keeps memory bounded under a flood while storage is down', async () => {
    const clock = new ManualClock();
    const store = new MemoryAuditStore();
    store.failing = true;
    const log = new AuditLog({
      store,
      signer,
      clock,
      logger: captureLogger(),
      checkpointEvery: 1000,
      checkpointIntervalMs: 0,
      maxQueue: 1000,
      retryMs: 60_000,
    });
    for (let i = 0; i < 100_000; i++) log.append(ev(i, clock));
    assert.deepEqual(log.backlog, { queued: 1000, dropped: 99_000 });
    await assert.rejects(log.flush());
    await log.close();
  });
});

describe('docs/events.md', () => {
  it('documents every audit event type, and nothing else', async () => {
    const { AUDIT_EVENT_TYPES } = await import('./events.js');
    const doc = readFileSync('docs/events.md', 'utf8');
    const documented = [...doc.matchAll(/^\| `([a-z.]+)` \|/gm)].map((m) => m[1]);
    assert.deepEqual([...documented].sort(), [...AUDIT_EVENT_TYPES].sort());
  });
});

describe('verifyAuditFile', () => {
  it('catches each kind of tampering in a JSONL file the log wrote', async () => {
    const { verifyAuditFile } = await import('./sources.js');
    const dir = mkdtempSync(join(tmpdir(), 'audit-file-'));
    const file = join(dir, 'audit.jsonl');
    const clock = new ManualClock();
    const logger = captureLogger();
    const log = new AuditLog({
      store: new MemoryAuditStore(),
      signer,
      clock,
      logger,
      mirror: new JsonlMirror(file, logger, 100),
      checkpointEvery: 4,
      checkpointIntervalMs: 0,
      maxQueue: 100,
    });
    for (let i = 1; i <= 8; i++) {
      log.append(ev(i, clock));
      await log.flush(); // one batch per event, so checkpoints land after seq 4 and seq 8
    }
    await log.close();
    const original = readFileSync(file, 'utf8').trimEnd().split('\n');
    // 8 entries + checkpoints after seq 4 and seq 8.
    assert.equal(original.length, 10);
    const check = async (lines: string[]) => {
      writeFileSync(file, `${lines.join('\n')}\n`);
      return verifyAuditFile(file, log.publicKeyPem);
    };
    assert.equal((await check(original)).ok, true);

    const edited = [...original];
    edited[1] = edited[1]!.replace('"username":"user2"', '"username":"admin"');
    assert.equal(
      (await check(edited)).firstBad,
      'entry seq 2 (line 2): edited, its content does not match its hash',
    );

    const deleted = original.filter((_, i) => i !== 2);
    assert.equal(
      (await check(deleted)).firstBad,
      'entry seq 4 (line 3): seq 3 is missing (deleted) before this entry',
    );

    const swapped = [...original];
    [swapped[5], swapped[6]] = [swapped[6]!, swapped[5]!];
    assert.match((await check(swapped)).firstBad ?? '', /^entry seq 6 \(line 6\): seq 5 is missing/);

    const inserted = [...original];
    inserted.splice(2, 0, original[1]!);
    assert.equal(
      (await check(inserted)).firstBad,
      'entry seq 2 (line 3): out of order, it comes after seq 2 (reordered, duplicated or inserted)',
    );

    // Tail cut after seq 6, checkpoint lines kept: the seq-8 checkpoint exposes it.
    const cut = original.filter((l) => !/"seq":(7|8),"at"/.test(l));
    assert.match(
      (await check(cut)).firstBad ?? '',
      /^log truncated: .* vouches for entries up to seq 8, but the log ends at seq 6$/,
    );

    // Tail and its checkpoint both cut: nothing proves the loss, and the report says exactly that.
    const r = await check(original.slice(0, 7));
    assert.equal(r.ok, true);
    assert.deepEqual(r.coverage, [
      'seqs 1..4 are sealed by a valid signed checkpoint',
      'seqs 5..6 (2 entries) are hash-chained but not yet signed: a truncation after seq 4 could not be detected',
    ]);

    await assert.rejects(verifyAuditFile(join(dir, 'missing.jsonl')), /ERR_AUDIT_UNAVAILABLE|cannot read/);
  });
});
