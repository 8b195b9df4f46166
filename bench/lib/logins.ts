/**
 * S4's second load client: password logins (POST /api/firstfactor) at a fixed rate, open loop — a new login
 * starts every 1/rate s whether or not earlier ones have finished, as a login flood would.
 */
import { Agent, request } from 'node:http';
import { LOOPBACK } from './loopback.js';
import { percentile } from './stats.js';

export interface LoginStats {
  readonly started: number;
  readonly completed: number;
  readonly statuses: Record<string, number>;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Logins not started because too many were still in flight (the client's own bound). */
  readonly skipped: number;
}

export interface LoginLoad {
  stop(): Promise<LoginStats>;
}

const MAX_IN_FLIGHT = 200;

export function startLoginLoad(o: {
  port: number;
  perSecond: number;
  username: string;
  password: string;
}): LoginLoad {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const body = JSON.stringify({ username: o.username, password: o.password, keepMeLoggedIn: false });
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let started = 0;
  let skipped = 0;
  let inFlight = 0;
  let drained: (() => void) | undefined;

  const one = () => {
    if (inFlight >= MAX_IN_FLIGHT) {
      skipped++;
      return;
    }
    started++;
    inFlight++;
    const t0 = performance.now();
    const finish = (status: string) => {
      latencies.push(performance.now() - t0);
      statuses[status] = (statuses[status] ?? 0) + 1;
      inFlight--;
      if (inFlight === 0) drained?.();
    };
    const req = request(
      {
        host: LOOPBACK,
        port: o.port,
        path: '/api/firstfactor',
        method: 'POST',
        agent,
        timeout: 30_000,
        headers: {
          host: 'auth.example.com',
          'x-forwarded-proto': 'https',
          'x-forwarded-host': 'auth.example.com',
          'x-forwarded-for': '192.168.1.60',
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => finish(String(res.statusCode)));
      },
    );
    req.once('timeout', () => req.destroy(new Error('timeout')));
    req.once('error', () => finish('error'));
    req.end(body);
  };

  const timer = setInterval(one, 1000 / o.perSecond);
  one();
  return {
    async stop() {
      clearInterval(timer);
      if (inFlight > 0) {
        await new Promise<void>((resolve) => {
          drained = resolve;
          setTimeout(resolve, 30_000).unref();
        });
      }
      agent.destroy();
      const sorted = [...latencies].sort((a, b) => a - b);
      return {
        started,
        completed: latencies.length,
        statuses,
        p50Ms: percentile(sorted, 0.5),
        p99Ms: percentile(sorted, 0.99),
        skipped,
      };
    },
  };
}
