/**
 * The audit log: events are chained and appended in order through one drain loop, mirrored to JSONL, and
 * periodically sealed by a signed checkpoint. Storage failures never lose events silently: they wait in a
 * bounded queue with a loud error; beyond the bound they are counted and recorded as an `audit.dropped` entry.
 */
import { type Clock, type Logger, publishAuditAppend, type SecurityEvent } from '../core/index.js';
import type { AuditCheckpointRecord, AuditHead, AuditRecord, AuditStore } from '../storage/index.js';
import type { Canonicalizable } from './canonical.js';
import { chainRecord } from './chain.js';
import type { CheckpointSigner } from './checkpoint.js';
import { checkpointLine, entryLine, type JsonlMirror } from './jsonl.js';

export interface AuditLogOptions {
  readonly store: AuditStore;
  readonly signer: CheckpointSigner;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly mirror?: JsonlMirror | undefined;
  /** Seal a checkpoint after this many entries… */
  readonly checkpointEvery: number;
  /** …or this often (ms) when anything was appended since the last one. 0 disables the timer. */
  readonly checkpointIntervalMs: number;
  /** Events held in memory while storage is failing. */
  readonly maxQueue: number;
  /** First retry delay after a failed write (doubles up to 30 s). */
  readonly retryMs?: number;
}

const BATCH = 256;

interface Dropped {
  count: number;
  firstAt: number;
  lastAt: number;
}

export class AuditLog {
  readonly #o: AuditLogOptions;
  #queue: SecurityEvent[] = [];
  #dropped: Dropped | undefined;
  #draining: Promise<void> | undefined;
  #retry: NodeJS.Timeout | undefined;
  #retryDelay: number;
  #lastError: unknown;
  #sinceCheckpoint = 0;
  #lastCheckpointSeq = 0;
  #head: AuditHead | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(o: AuditLogOptions) {
    this.#o = o;
    this.#retryDelay = o.retryMs ?? 500;
    if (o.checkpointIntervalMs > 0) {
      this.#timer = setInterval(() => {
        if (this.#sinceCheckpoint > 0) this.checkpoint().catch((err: unknown) => this.#checkpointFailed(err));
      }, o.checkpointIntervalMs);
      this.#timer.unref();
    }
  }

  get publicKeyPem(): string {
    return this.#o.signer.publicKeyPem;
  }

  /** Events waiting for storage, and events given up on since the last successful write. */
  get backlog(): { queued: number; dropped: number } {
    return { queued: this.#queue.length, dropped: this.#dropped?.count ?? 0 };
  }

  /** Queues an event; never throws and never blocks the caller. */
  append(event: SecurityEvent): void {
    if (this.#queue.length >= this.#o.maxQueue) {
      if (!this.#dropped) {
        this.#dropped = { count: 0, firstAt: event.at, lastAt: event.at };
        this.#o.logger.error(
          { queued: this.#queue.length, type: event.type },
          'AUDIT QUEUE FULL: storage has not accepted audit events for a while; further events are counted as dropped until it recovers',
        );
      }
      this.#dropped.count++;
      this.#dropped.lastAt = event.at;
      publishAuditAppend({ type: event.type, ok: false });
      return;
    }
    this.#queue.push(event);
    if (!this.#retry) this.#kick();
  }

  /** Resolves once everything queued is stored; rejects with the storage error if it still fails. */
  async flush(): Promise<void> {
    if (this.#retry) {
      clearTimeout(this.#retry);
      this.#retry = undefined;
    }
    this.#kick();
    await this.#draining;
    if (this.#queue.length > 0 || this.#dropped) throw this.#lastError;
  }

  /** Signs the current head if it moved since the last checkpoint. */
  async checkpoint(): Promise<AuditCheckpointRecord | undefined> {
    const head = await this.#o.store.head();
    if (!head || head.seq === this.#lastCheckpointSeq) return undefined;
    const cp = this.#o.signer.sign(head, this.#o.clock.now());
    await this.#o.store.addCheckpoint(cp);
    this.#lastCheckpointSeq = head.seq;
    this.#sinceCheckpoint = 0;
    await this.#o.mirror?.write([checkpointLine(cp)]);
    return cp;
  }

  /** Stores what is queued (best effort), seals a last checkpoint and stops the timers. */
  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    try {
      await this.flush();
      await this.checkpoint();
    } catch (err) {
      this.#o.logger.error(
        { err, queued: this.#queue.length, dropped: this.#dropped?.count ?? 0 },
        'AUDIT LOG NOT FULLY WRITTEN AT SHUTDOWN: queued events are lost',
      );
    } finally {
      if (this.#retry) clearTimeout(this.#retry);
      this.#retry = undefined;
    }
  }

  #kick(): void {
    if (this.#draining) return;
    // Start on the next turn of the event loop, so the events of every request handled in this turn share
    // one transaction (one transaction per event cost ~1/2 of an anonymous forward-auth check under load).
    this.#draining = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.#drain())
      .finally(() => {
        this.#draining = undefined;
      });
  }

  async #drain(): Promise<void> {
    while (this.#queue.length > 0 || this.#dropped) {
      const batch = this.#queue.slice(0, BATCH);
      const dropped = this.#dropped;
      this.#dropped = undefined;
      let records: readonly AuditRecord[];
      try {
        records = await this.#o.store.append((head) => {
          const out: AuditRecord[] = [];
          let prev = head;
          const push = (body: Parameters<typeof chainRecord>[1]) => {
            const r = chainRecord(prev, body);
            out.push(r);
            prev = r;
          };
          if (dropped) {
            push({
              at: this.#o.clock.now(),
              type: 'audit.dropped',
              username: '',
              ip: '',
              data: { count: dropped.count, first_at: dropped.firstAt, last_at: dropped.lastAt },
            });
          }
          for (const e of batch) push(bodyOf(e));
          return out;
        });
      } catch (err) {
        if (dropped) this.#restoreDropped(dropped);
        this.#fail(err);
        return;
      }
      this.#queue.splice(0, batch.length);
      if (this.#lastError !== undefined) {
        this.#o.logger.warn({ stored: records.length }, 'audit log writes recovered');
        this.#lastError = undefined;
        this.#retryDelay = this.#o.retryMs ?? 500;
      }
      this.#head = records.at(-1) ?? this.#head;
      this.#sinceCheckpoint += records.length;
      for (const r of records) publishAuditAppend({ type: r.type, ok: true });
      await this.#o.mirror?.write(records.map(entryLine));
      if (this.#sinceCheckpoint >= this.#o.checkpointEvery) {
        await this.checkpoint().catch((err: unknown) => this.#checkpointFailed(err));
      }
    }
  }

  #restoreDropped(d: Dropped): void {
    const now = this.#dropped;
    this.#dropped = now ? { count: d.count + now.count, firstAt: d.firstAt, lastAt: now.lastAt } : { ...d };
  }

  #fail(err: unknown): void {
    this.#lastError = err;
    this.#o.logger.error(
      { err, queued: this.#queue.length, max_queue: this.#o.maxQueue, retry_ms: this.#retryDelay },
      'AUDIT LOG WRITE FAILED: events stay queued in memory (bounded) and are retried',
    );
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      this.#kick();
    }, this.#retryDelay);
    this.#retry.unref();
    this.#retryDelay = Math.min(this.#retryDelay * 2, 30_000);
  }

  #checkpointFailed(err: unknown): void {
    this.#o.logger.error({ err, head: this.#head?.seq }, 'audit checkpoint could not be stored; will retry');
  }
}

function bodyOf(e: SecurityEvent): Omit<Parameters<typeof chainRecord>[1], never> {
  const data: Record<string, Canonicalizable> = {};
  if (e.detail) for (const [k, v] of Object.entries(e.detail)) data[k] = v;
  return { at: e.at, type: e.type, username: e.username ?? '', ip: e.ip ?? '', data };
}
