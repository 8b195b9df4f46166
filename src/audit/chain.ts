/** The hash chain: h[n] = SHA-256(h[n-1] ‖ canonical(event)), with h[0] = 32 zero bytes. */
import { createHash } from 'node:crypto';
import type { AuditRecord } from '../storage/index.js';
import { type Canonicalizable, canonicalJson } from './canonical.js';

export const GENESIS_HASH = '0'.repeat(64);

/** The part of an entry its hash commits to (everything but prev/hash themselves). */
export interface AuditEventBody {
  readonly seq: number;
  readonly at: number;
  readonly type: string;
  readonly username: string;
  readonly ip: string;
  readonly data: Readonly<Record<string, Canonicalizable>>;
}

export function chainHash(prev: string, body: AuditEventBody): string {
  return createHash('sha256')
    .update(Buffer.from(prev, 'hex'))
    .update(
      canonicalJson({
        seq: body.seq,
        at: body.at,
        type: body.type,
        username: body.username,
        ip: body.ip,
        data: body.data,
      }),
    )
    .digest('hex');
}

/** Builds the record that follows `prev` (its hash and seq). */
export function chainRecord(
  prev: { seq: number; hash: string } | undefined,
  body: Omit<AuditEventBody, 'seq'>,
): AuditRecord {
  const seq = (prev?.seq ?? 0) + 1;
  const prevHash = prev?.hash ?? GENESIS_HASH;
  const full: AuditEventBody = { ...body, seq };
  return {
    seq,
    at: body.at,
    type: body.type,
    username: body.username,
    ip: body.ip,
    data: canonicalJson(body.data),
    prev: prevHash,
    hash: chainHash(prevHash, full),
  };
}

/** Recomputes a stored record's hash from its own fields; `undefined` when its data is not a JSON object. */
export function recomputeHash(r: AuditRecord): string | undefined {
  let data: unknown;
  try {
    data = JSON.parse(r.data);
  } catch {
    return undefined;
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return undefined;
  return chainHash(r.prev, { ...r, data: data as Record<string, Canonicalizable> });
}
