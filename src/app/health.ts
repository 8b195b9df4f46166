/** `/api/health`: each dependency probed (bounded in time, shared by concurrent callers for a moment). */

export interface HealthReport {
  readonly ok: boolean;
  readonly dependencies: Readonly<Record<string, 'up' | 'down'>>;
}

const PROBE_TIMEOUT_MS = 2_000;
/** Proxies' health checks of every instance should not each cost a round trip to every dependency. */
const REUSE_MS = 1_000;

export function createHealthCheck(probes: Readonly<Record<string, () => Promise<void>>>) {
  let last: { at: number; report: Promise<HealthReport> } | undefined;
  const probe = async (fn: () => Promise<void>): Promise<'up' | 'down'> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timeout')), PROBE_TIMEOUT_MS);
    });
    try {
      await Promise.race([fn(), timeout]);
      return 'up';
    } catch {
      return 'down';
    } finally {
      clearTimeout(timer);
    }
  };
  const run = async (): Promise<HealthReport> => {
    const names = Object.keys(probes);
    const states = await Promise.all(names.map((n) => probe(probes[n]!)));
    const dependencies = Object.fromEntries(names.map((n, i) => [n, states[i]!]));
    return { ok: states.every((s) => s === 'up'), dependencies };
  };
  return (): Promise<HealthReport> => {
    const now = Date.now();
    if (!last || now - last.at >= REUSE_MS) last = { at: now, report: run() };
    return last.report;
  };
}
