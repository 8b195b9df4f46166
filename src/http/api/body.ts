/** Reads a small JSON body; state-changing endpoints demand application/json, which a cross-site form cannot send. */
import type { IncomingMessage } from 'node:http';

export const MAX_BODY = 64 * 1024;

export type BodyResult =
  | { readonly ok: true; readonly value: Record<string, unknown> }
  | { readonly ok: false; readonly status: 400 | 413 | 415 };

export async function readJson(req: IncomingMessage): Promise<BodyResult> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') {
    req.resume();
    return { ok: false, status: 415 };
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) return { ok: false, status: 413 };
    chunks.push(chunk);
  }
  try {
    const value: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    if (value === null || typeof value !== 'object' || Array.isArray(value))
      return { ok: false, status: 400 };
    return { ok: true, value: value as Record<string, unknown> };
  } catch {
    return { ok: false, status: 400 };
  }
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
