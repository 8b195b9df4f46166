/**
 * Detection alerts by email through the configured notifier, rate-limited: the first detection after a quiet
 * `interval` is mailed at once; later ones are held and mailed together as one digest when the interval is over,
 * so an attack that fires hundreds of detections sends one mail per interval, not hundreds.
 */
import type { Clock, Logger } from '../core/index.js';
import type { Detection } from '../detection/index.js';
import type { Notifier } from '../notify/index.js';

export interface EmailAlertsDeps {
  readonly notifier: Notifier;
  readonly recipients: readonly string[];
  /** Minimum ms between two alert mails. */
  readonly intervalMs: number;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Detections described one by one in a digest; beyond that they are only counted per rule (bounded memory). */
  readonly maxListed?: number;
}

export interface EmailAlerts {
  /** Mails `d` now, or holds it for the next digest; never rejects (a failed send is logged). */
  alert(d: Detection, actions: readonly string[]): Promise<void>;
  /** Sends what is held (shutdown); the rate limit still counts it as a mail. */
  close(): Promise<void>;
}

interface Held {
  readonly d: Detection;
  readonly actions: readonly string[];
}

function duration(ms: number): string {
  if (ms > 0 && ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms > 0 && ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${Math.round(ms / 1000)}s`;
}

/** One detection as the lines of the mail: the rule, who (IP/user), what was done. */
function describe(h: Held): string {
  const { d } = h;
  const until = new Date(d.at + d.banDurationMs).toISOString();
  return [
    `Rule:         ${d.rule}`,
    `Key:          ${d.key}`,
    `Count:        ${d.count}${d.windowMs > 0 ? ` within ${duration(d.windowMs)}` : ''}`,
    `At:           ${new Date(d.at).toISOString()}`,
    `Actions:      ${h.actions.join(', ') || 'none'}`,
    `Banned IPs:   ${d.banIps.length ? `${d.banIps.join(', ')} (until ${until})` : 'none'}`,
    `Banned users: ${d.banUsers.length ? `${d.banUsers.join(', ')} (until ${until})` : 'none'}`,
    `Message:      ${d.message}`,
  ].join('\n');
}

export function createEmailAlerts(deps: EmailAlertsDeps): EmailAlerts {
  const maxListed = deps.maxListed ?? 50;
  const log = deps.logger.child({ component: 'alert-mail' });
  let lastSentAt = Number.NEGATIVE_INFINITY;
  let held: Held[] = [];
  // Detections beyond maxListed, counted by rule (a handful of keys at most).
  let overflow = new Map<string, number>();
  let timer: NodeJS.Timeout | undefined;

  async function send(batch: readonly Held[], extra: ReadonlyMap<string, number>): Promise<void> {
    const more = [...extra.values()].reduce((a, b) => a + b, 0);
    const total = batch.length + more;
    const first = batch[0]!.d;
    const title =
      total === 1
        ? `Detection: ${first.rule} (${first.key})`
        : `Detections: ${total} (${[...new Set(batch.map((h) => h.d.rule))].join(', ')})`;
    const summary =
      total === 1
        ? first.message
        : `${total} detections since the last alert mail${more ? `; ${more} of them are only counted below` : ''}.`;
    const details = [
      ...batch.map(describe),
      ...(more ? [`Not listed: ${[...extra].map(([rule, n]) => `${rule} ×${n}`).join(', ')}`] : []),
    ].join('\n\n');
    const values = { Summary: summary, Details: details, Interval: duration(deps.intervalMs) };
    const results = await Promise.allSettled(
      deps.recipients.map((address) =>
        deps.notifier.send({ to: { address, name: '' }, title, template: 'DetectionAlert', values }),
      ),
    );
    results.forEach((r, i) => {
      if (r.status === 'rejected')
        log.error({ err: r.reason, recipient: deps.recipients[i], detections: total }, 'alert email failed');
    });
  }

  function flush(): Promise<void> {
    timer = undefined;
    if (held.length === 0) return Promise.resolve();
    const batch = held;
    const extra = overflow;
    held = [];
    overflow = new Map();
    lastSentAt = deps.clock.now();
    return send(batch, extra);
  }

  return {
    alert(d, actions) {
      const now = deps.clock.now();
      if (timer === undefined && now - lastSentAt >= deps.intervalMs) {
        lastSentAt = now;
        return send([{ d, actions }], new Map());
      }
      if (held.length < maxListed) held.push({ d, actions });
      else overflow.set(d.rule, (overflow.get(d.rule) ?? 0) + 1);
      timer ??= setTimeout(() => void flush(), Math.max(0, lastSentAt + deps.intervalMs - now)).unref();
      return Promise.resolve();
    },
    close() {
      if (timer) clearTimeout(timer);
      return flush();
    },
  };
}
