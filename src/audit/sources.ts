/** Reading a whole audit log back, from a JSONL file or from storage, page by page so memory stays bounded. */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { PortcullisError } from '../core/index.js';
import type { AuditCheckpointRecord, AuditRecord, AuditStore } from '../storage/index.js';
import { entryLine, parseAuditLine } from './jsonl.js';
import { AuditVerifier, type VerifyReport } from './verify.js';

const PAGE = 1000;

async function* lines(path: string): AsyncGenerator<string> {
  const stream = createReadStream(path, { encoding: 'utf8' });
  const failed = new Promise<never>((_, reject) =>
    stream.once('error', (e) =>
      reject(new PortcullisError('ERR_AUDIT_UNAVAILABLE', `cannot read ${path}: ${e.message}`, { cause: e })),
    ),
  );
  failed.catch(() => {});
  const rl = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  const it = rl[Symbol.asyncIterator]();
  while (true) {
    const next = await Promise.race([it.next(), failed]);
    if (next.done) return;
    yield next.value;
  }
}

/** Two passes over the file: checkpoints first (few), then the entries streamed through the verifier. */
export async function verifyAuditFile(path: string, publicKey?: string): Promise<VerifyReport> {
  const checkpoints: AuditCheckpointRecord[] = [];
  for await (const line of lines(path)) {
    if (line.trim() === '') continue;
    const p = parseAuditLine(line);
    if (p.kind === 'checkpoint') checkpoints.push(p.checkpoint);
  }
  const v = new AuditVerifier(checkpoints, publicKey);
  let n = 0;
  for await (const line of lines(path)) {
    n++;
    if (line.trim() === '') continue;
    const p = parseAuditLine(line);
    if (p.kind === 'entry') v.entry({ where: `line ${n}`, record: p.record });
    else if (p.kind === 'invalid') v.entry({ where: `line ${n}`, error: p.error });
  }
  return v.finish();
}

async function* storeEntries(store: AuditStore, sinceMs = 0): AsyncGenerator<AuditRecord> {
  let after = 0;
  while (true) {
    const page = await store.list({ afterSeq: after, sinceMs, limit: PAGE });
    for (const r of page) yield r;
    if (page.length < PAGE) return;
    after = page.at(-1)!.seq;
  }
}

export async function verifyAuditStore(store: AuditStore, publicKey?: string): Promise<VerifyReport> {
  const v = new AuditVerifier(await store.checkpoints(), publicKey);
  let row = 0;
  for await (const r of storeEntries(store)) v.entry({ where: `row ${++row}`, record: r });
  return v.finish();
}

/** Entries at or after `sinceMs`, one JSON line each (the mirror's format), for Loki/SIEM shipping. */
export async function* exportAuditStore(store: AuditStore, sinceMs: number): AsyncGenerator<string> {
  for await (const r of storeEntries(store, sinceMs)) yield entryLine(r);
}

export async function* exportAuditFile(path: string, sinceMs: number): AsyncGenerator<string> {
  for await (const line of lines(path)) {
    const p = parseAuditLine(line);
    if (p.kind === 'entry' && p.record.at >= sinceMs) yield line;
  }
}
