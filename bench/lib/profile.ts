/** Reads a V8 `.cpuprofile` (from node --cpu-prof) into self time per function and per area of the code. */
import { readFileSync } from 'node:fs';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface SelfTime {
  readonly name: string;
  readonly where: string;
  readonly area: string;
  readonly selfMs: number;
  /** Share of the busy (non-idle) time. */
  readonly pct: number;
}

export interface ProfileSummary {
  readonly busyMs: number;
  readonly idleMs: number;
  readonly top: readonly SelfTime[];
  readonly areas: readonly { readonly area: string; readonly selfMs: number; readonly pct: number }[];
}

function shortUrl(url: string): string {
  const i = url.indexOf('/src/');
  if (i >= 0) return url.slice(i + 1);
  const j = url.lastIndexOf('/node_modules/');
  if (j >= 0) return url.slice(j + '/node_modules/'.length);
  return url.replace(/^file:\/\//, '');
}

/** Coarse buckets that answer "what is a request made of". */
function areaOf(f: CallFrame): string {
  const u = f.url;
  if (f.functionName === '(garbage collector)') return 'GC';
  if (f.functionName === '(program)') return 'V8/native (program)';
  if (f.functionName === '(idle)') return 'idle';
  const src = /\/src\/(\w+)\//.exec(u);
  if (src) return `portcullis ${src[1]}`;
  if (u.includes('/node_modules/pino') || u.includes('/node_modules/sonic-boom')) return 'logging (pino)';
  if (u.includes('/node_modules/')) return `dependency ${shortUrl(u).split('/')[0]}`;
  if (u.startsWith('node:internal/http') || u.startsWith('node:_http') || u === 'node:http')
    return 'node:http';
  if (u.startsWith('node:internal/url') || u === 'node:url') return 'URL parsing (node)';
  if (u.startsWith('node:net') || u.startsWith('node:internal/stream') || u.startsWith('node:stream'))
    return 'node streams/net';
  if (u.startsWith('node:')) return 'node (other)';
  return u === '' ? 'native/builtins' : 'other';
}

/** Microseconds on the monotonic clock (`process.hrtime`), which V8 also stamps its samples with. */
export const monotonicUs = (): number => Number(process.hrtime.bigint() / 1000n);

/**
 * `window` keeps only the samples taken between two monotonicUs() readings (e.g. the measured load run), so
 * start-up work (config, creating 100k sessions) does not drown the per-request cost.
 */
export function summarizeProfile(
  path: string,
  topN = 25,
  window?: { readonly fromUs: number; readonly toUs: number },
): ProfileSummary {
  const p = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map<number, CallFrame>();
  for (const n of p.nodes) byId.set(n.id, n.callFrame);
  const self = new Map<string, { f: CallFrame; us: number }>();
  let idleUs = 0;
  let busyUs = 0;
  let at = p.startTime;
  for (let i = 0; i < p.samples.length; i++) {
    const dt = p.timeDeltas[i] ?? 0;
    at += dt;
    if (window && (at < window.fromUs || at > window.toUs)) continue;
    const f = byId.get(p.samples[i]!);
    if (!f) continue;
    if (f.functionName === '(idle)') {
      idleUs += dt;
      continue;
    }
    busyUs += dt;
    const key = `${f.functionName}|${f.url}|${f.lineNumber}`;
    const e = self.get(key);
    if (e) e.us += dt;
    else self.set(key, { f, us: dt });
  }
  const pct = (us: number) => Math.round((1000 * us) / Math.max(1, busyUs)) / 10;
  const entries = [...self.values()].sort((a, b) => b.us - a.us);
  const top = entries.slice(0, topN).map(({ f, us }) => ({
    name: f.functionName || '(anonymous)',
    where: f.url ? `${shortUrl(f.url)}:${f.lineNumber + 1}` : '',
    area: areaOf(f),
    selfMs: Math.round(us / 1000),
    pct: pct(us),
  }));
  const areaUs = new Map<string, number>();
  for (const { f, us } of entries) areaUs.set(areaOf(f), (areaUs.get(areaOf(f)) ?? 0) + us);
  const areas = [...areaUs.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([area, us]) => ({ area, selfMs: Math.round(us / 1000), pct: pct(us) }));
  return { busyMs: Math.round(busyUs / 1000), idleMs: Math.round(idleUs / 1000), top, areas };
}
