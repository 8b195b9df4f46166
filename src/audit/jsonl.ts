/** The JSONL form of the audit log (file mirror and export): one entry or checkpoint per line, and its parser. */
import { appendFile } from 'node:fs/promises';
import type { Logger } from '../core/index.js';
import type { AuditCheckpointRecord, AuditRecord } from '../storage/index.js';
import { type Canonicalizable, canonicalJson } from './canonical.js';

/** `data` is written as an object so log shippers can index it; hashing re-canonicalizes it. */
export function entryLine(r: AuditRecord): string {
  return JSON.stringify({
    seq: r.seq,
    at: r.at,
    type: r.type,
    username: r.username,
    ip: r.ip,
    data: JSON.parse(r.data) as unknown,
    prev: r.prev,
    hash: r.hash,
  });
}

export function checkpointLine(cp: AuditCheckpointRecord): string {
  return JSON.stringify({ checkpoint: cp });
}

export type ParsedLine =
  | { readonly kind: 'entry'; readonly record: AuditRecord }
  | { readonly kind: 'checkpoint'; readonly checkpoint: AuditCheckpointRecord }
  | { readonly kind: 'invalid'; readonly error: string };

const isObj = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);
const int = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);
const str = (v: unknown): v is string => typeof v === 'string';

export function parseAuditLine(line: string): ParsedLine {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return { kind: 'invalid', error: 'not valid JSON' };
  }
  if (!isObj(v)) return { kind: 'invalid', error: 'not a JSON object' };
  if ('checkpoint' in v) {
    const c = v['checkpoint'];
    if (
      isObj(c) &&
      int(c['seq']) &&
      str(c['hash']) &&
      int(c['at']) &&
      str(c['keyId']) &&
      str(c['publicKey']) &&
      str(c['signature'])
    ) {
      const { seq, hash, at, keyId, publicKey, signature } = c;
      return { kind: 'checkpoint', checkpoint: { seq, hash, at, keyId, publicKey, signature } };
    }
    return { kind: 'invalid', error: 'malformed checkpoint' };
  }
  const { seq, at, type, username, ip, data, prev, hash } = v;
  if (
    !int(seq) ||
    !int(at) ||
    !str(type) ||
    !str(username) ||
    !str(ip) ||
    !isObj(data) ||
    !str(prev) ||
    !str(hash)
  ) {
    return { kind: 'invalid', error: 'missing or mistyped entry fields' };
  }
  let canonical: string;
  try {
    canonical = canonicalJson(data as Canonicalizable);
  } catch {
    return { kind: 'invalid', error: 'data has no canonical form' };
  }
  return { kind: 'entry', record: { seq, at, type, username, ip, data: canonical, prev, hash } };
}

/**
 * Appends lines to the JSONL mirror. A failed write (full disk, unwritable file) keeps the lines in a bounded
 * buffer and logs an error on every failed attempt; lines beyond the bound are dropped and counted, which
 * `audit verify --from FILE` then reports as missing entries. The storage copy is unaffected.
 */
export class JsonlMirror {
  readonly path: string;
  readonly #logger: Logger;
  readonly #max: number;
  #buffer: string[] = [];
  #dropped = 0;
  #chain: Promise<void> = Promise.resolve();

  constructor(path: string, logger: Logger, maxBufferedLines: number) {
    this.path = path;
    this.#logger = logger;
    this.#max = maxBufferedLines;
  }

  /** Lines not yet on disk, and lines given up on. */
  get backlog(): { buffered: number; dropped: number } {
    return { buffered: this.#buffer.length, dropped: this.#dropped };
  }

  write(lines: readonly string[]): Promise<void> {
    this.#chain = this.#chain.then(() => this.#write(lines));
    return this.#chain;
  }

  async #write(lines: readonly string[]): Promise<void> {
    this.#buffer.push(...lines);
    if (this.#buffer.length > this.#max) {
      const over = this.#buffer.length - this.#max;
      this.#buffer.splice(0, over);
      this.#dropped += over;
    }
    const text = `${this.#buffer.join('\n')}\n`;
    try {
      await appendFile(this.path, text, { mode: 0o600 });
      if (this.#dropped > 0) {
        this.#logger.error(
          { audit_file: this.path, dropped: this.#dropped },
          'audit file mirror lost entries while it could not be written; `portcullis audit verify --from FILE` will report the gap',
        );
        this.#dropped = 0;
      }
      this.#buffer = [];
    } catch (err) {
      this.#logger.error(
        { err, audit_file: this.path, buffered: this.#buffer.length, dropped: this.#dropped },
        'AUDIT FILE WRITE FAILED: lines are buffered (bounded) and retried on the next append; the storage copy is intact',
      );
    }
  }
}
