/** Runs Debian's `wrk` (a separate C process) against a loopback URL and parses its `--latency` report. */
import { execFileSync } from 'node:child_process';
import { runToEnd } from './children.js';
import { assertLoopbackUrl } from './loopback.js';

export interface WrkResult {
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly requests: number;
  /** Responses that were neither 2xx nor 3xx (wrk's own count). */
  readonly non2xx3xx: number;
  readonly socketErrors: number;
}

export interface WrkOptions {
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly connections: number;
  readonly threads: number;
  readonly durationS: number;
}

export function wrkAvailable(): boolean {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
    return true;
  } catch (e) {
    // `wrk --version` prints its banner and exits 1; only a missing binary is ENOENT.
    return (e as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

function duration(text: string): number {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(text);
  if (!m) throw new Error(`wrk: cannot read duration '${text}'`);
  return Number(m[1]) * UNIT_MS[m[2]!]!;
}

export function parseWrk(out: string): WrkResult {
  const pick = (re: RegExp, what: string) => {
    const m = re.exec(out);
    if (!m) throw new Error(`wrk: no ${what} in output:\n${out}`);
    return m;
  };
  const rps = Number(pick(/Requests\/sec:\s+([\d.]+)/, 'Requests/sec')[1]);
  const p50 = duration(pick(/^\s+50%\s+(\S+)/m, 'p50 (was --latency given?)')[1]!);
  const p99 = duration(pick(/^\s+99%\s+(\S+)/m, 'p99')[1]!);
  const requests = Number(pick(/(\d+) requests in/, 'request count')[1]);
  const non = /Non-2xx or 3xx responses:\s+(\d+)/.exec(out);
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const socketErrors = sock ? sock.slice(1, 5).reduce((a, b) => a + Number(b), 0) : 0;
  return { rps, p50Ms: p50, p99Ms: p99, requests, non2xx3xx: non ? Number(non[1]) : 0, socketErrors };
}

export async function runWrk(o: WrkOptions): Promise<WrkResult> {
  assertLoopbackUrl(o.url);
  const args = [`-t${o.threads}`, `-c${o.connections}`, `-d${o.durationS}s`, '--latency', '--timeout', '5s'];
  for (const [k, v] of Object.entries(o.headers ?? {})) args.push('-H', `${k}: ${v}`);
  args.push(o.url);
  const out = await runToEnd('wrk', args, (o.durationS + 15) * 1000);
  return parseWrk(out);
}
