/**
 * Verifies an audit log: the chain entry by entry (edits, deletions, reorders, insertions), then the signed
 * checkpoints (rewrites and a truncated tail), and says exactly which entries a signature covers.
 */
import type { KeyObject } from 'node:crypto';
import type { AuditCheckpointRecord, AuditRecord } from '../storage/index.js';
import { GENESIS_HASH, recomputeHash } from './chain.js';
import { checkpointSignatureValid, keyIdOf, parsePublicKey } from './checkpoint.js';

export interface VerifyItem {
  /** Where the entry came from, for messages: 'line 12' or 'row 12'. */
  readonly where: string;
  readonly record?: AuditRecord | undefined;
  /** Set when the line could not be read as an entry at all. */
  readonly error?: string | undefined;
}

export interface VerifyReport {
  readonly ok: boolean;
  readonly entries: number;
  readonly lastSeq: number;
  /** The first problem found, naming the entry. */
  readonly firstBad: string | undefined;
  readonly problems: readonly string[];
  /** What the signatures vouch for, and what they do not. */
  readonly coverage: readonly string[];
  readonly notes: readonly string[];
}

interface Pinned {
  readonly key: KeyObject;
  readonly keyId: string;
}

/** Checkpoints are read before entries (a small list), so entries can be streamed with bounded memory. */
export class AuditVerifier {
  readonly #problems: string[] = [];
  readonly #notes: string[] = [];
  readonly #checkpoints: Map<number, AuditCheckpointRecord[]> = new Map();
  readonly #matched = new Set<AuditCheckpointRecord>();
  readonly #pinned: Pinned | undefined;
  #firstBad: string | undefined;
  #entries = 0;
  #lastSeq = 0;
  #lastHash = GENESIS_HASH;

  constructor(checkpoints: readonly AuditCheckpointRecord[], publicKey?: string) {
    if (publicKey !== undefined) {
      const key = parsePublicKey(publicKey);
      this.#pinned = { key, keyId: keyIdOf(key) };
    } else if (checkpoints.length) {
      this.#notes.push(
        'no --pubkey given: signatures were checked against the key stored with each checkpoint, which proves integrity only if that key is the one you expect',
      );
    }
    for (const cp of checkpoints) {
      const list = this.#checkpoints.get(cp.seq) ?? [];
      list.push(cp);
      this.#checkpoints.set(cp.seq, list);
    }
  }

  #bad(msg: string): void {
    this.#problems.push(msg);
    this.#firstBad ??= msg;
  }

  entry(item: VerifyItem): void {
    const r = item.record;
    if (!r) {
      this.#bad(`${item.where}: unreadable entry (${item.error ?? 'invalid'})`);
      return;
    }
    this.#entries++;
    const name = `entry seq ${r.seq} (${item.where})`;
    const expected = this.#lastSeq + 1;
    let chained = true;
    if (r.seq > expected) {
      const range = r.seq - 1 === expected ? `seq ${expected} is` : `seqs ${expected}..${r.seq - 1} are`;
      this.#bad(`${name}: ${range} missing (deleted) before this entry`);
      chained = false;
    } else if (r.seq < expected) {
      this.#bad(
        `${name}: out of order, it comes after seq ${this.#lastSeq} (reordered, duplicated or inserted)`,
      );
      return;
    }
    const recomputed = recomputeHash(r);
    if (recomputed !== r.hash) {
      this.#bad(`${name}: edited, its content does not match its hash`);
    } else if (chained && r.prev !== this.#lastHash) {
      this.#bad(
        `${name}: does not chain to seq ${this.#lastSeq} (its prev hash differs): an entry was inserted or replaced here`,
      );
    }
    // Continue from the stored hash so one bad entry is reported once, not once per following entry.
    this.#lastSeq = r.seq;
    this.#lastHash = r.hash;
    for (const cp of this.#checkpoints.get(r.seq) ?? []) this.#checkpointAt(cp, r);
  }

  #signatureOk(cp: AuditCheckpointRecord): boolean {
    if (this.#pinned) {
      if (cp.keyId !== this.#pinned.keyId) {
        this.#bad(
          `checkpoint at seq ${cp.seq}: signed by key ${cp.keyId}, not by the given key ${this.#pinned.keyId}`,
        );
        return false;
      }
      if (!checkpointSignatureValid(cp, this.#pinned.key)) {
        this.#bad(`checkpoint at seq ${cp.seq}: signature invalid`);
        return false;
      }
      return true;
    }
    let key: KeyObject;
    try {
      key = parsePublicKey(cp.publicKey);
    } catch {
      this.#bad(`checkpoint at seq ${cp.seq}: its public key is unreadable`);
      return false;
    }
    if (keyIdOf(key) !== cp.keyId || !checkpointSignatureValid(cp, key)) {
      this.#bad(`checkpoint at seq ${cp.seq}: signature invalid`);
      return false;
    }
    return true;
  }

  #checkpointAt(cp: AuditCheckpointRecord, r: AuditRecord): void {
    if (!this.#signatureOk(cp)) return;
    if (cp.hash !== r.hash) {
      this.#bad(
        `checkpoint at seq ${cp.seq} (signed ${new Date(cp.at).toISOString()}) does not match entry seq ${r.seq}: the log up to seq ${cp.seq} was rewritten after it was signed`,
      );
      return;
    }
    this.#matched.add(cp);
  }

  finish(): VerifyReport {
    const coverage: string[] = [];
    let covered = 0;
    for (const [seq, list] of this.#checkpoints) {
      if (seq <= this.#lastSeq) continue;
      for (const cp of list) {
        if (!this.#signatureOk(cp)) continue;
        this.#bad(
          `log truncated: the checkpoint signed ${new Date(cp.at).toISOString()} vouches for entries up to seq ${seq}, but the log ends at seq ${this.#lastSeq}`,
        );
      }
    }
    for (const cp of this.#matched) covered = Math.max(covered, cp.seq);
    if (this.#entries === 0) {
      coverage.push('the log is empty');
    } else if (covered === 0) {
      coverage.push(
        `no signed checkpoint covers any entry: seqs 1..${this.#lastSeq} are only hash-chained, so deleting entries from the end could not be detected`,
      );
    } else {
      coverage.push(`seqs 1..${covered} are sealed by a valid signed checkpoint`);
      if (this.#lastSeq > covered) {
        coverage.push(
          `seqs ${covered + 1}..${this.#lastSeq} (${this.#lastSeq - covered} entries) are hash-chained but not yet signed: a truncation after seq ${covered} could not be detected`,
        );
      }
    }
    return {
      ok: this.#problems.length === 0,
      entries: this.#entries,
      lastSeq: this.#lastSeq,
      firstBad: this.#firstBad,
      problems: [...this.#problems],
      coverage,
      notes: [...this.#notes],
    };
  }
}

/** Convenience for in-memory logs (tests, small exports). */
export function verifyAuditLog(
  items: Iterable<VerifyItem>,
  checkpoints: readonly AuditCheckpointRecord[],
  publicKey?: string,
): VerifyReport {
  const v = new AuditVerifier(checkpoints, publicKey);
  for (const i of items) v.entry(i);
  return v.finish();
}
