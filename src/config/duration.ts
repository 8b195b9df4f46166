/**
 * Authelia's duration syntax → milliseconds: bare integers are seconds; strings such as `5m`, `1h30m`,
 * `90d`, `1M` (month), `1y`, `5 minutes`, `1 week and 2 days`.
 */

const MS_PER_HOUR = 3_600_000;

/** Units Go's time.ParseDuration knows, in ms. */
const STANDARD_UNITS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: MS_PER_HOUR,
};

/** Authelia's extra units, all expressed in hours upstream (a month is 30 days, a year 365). */
const EXTRA_UNITS: Readonly<Record<string, number>> = {
  d: 24 * MS_PER_HOUR,
  w: 7 * 24 * MS_PER_HOUR,
  M: 30 * 24 * MS_PER_HOUR,
  y: 365 * 24 * MS_PER_HOUR,
  millisecond: 1,
  milliseconds: 1,
  second: 1000,
  seconds: 1000,
  minute: 60_000,
  minutes: 60_000,
  hour: MS_PER_HOUR,
  hours: MS_PER_HOUR,
  day: 24 * MS_PER_HOUR,
  days: 24 * MS_PER_HOUR,
  week: 7 * 24 * MS_PER_HOUR,
  weeks: 7 * 24 * MS_PER_HOUR,
  month: 30 * 24 * MS_PER_HOUR,
  months: 30 * 24 * MS_PER_HOUR,
  year: 365 * 24 * MS_PER_HOUR,
  years: 365 * 24 * MS_PER_HOUR,
};

export type DurationParse =
  | { readonly ok: true; readonly ms: number }
  | { readonly ok: false; readonly error: string };

/** Parses a duration and explains failures in Authelia's words. */
export function parseDurationDetailed(v: string | number): DurationParse {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return { ok: false, error: `could not parse '${v}' as a duration` };
    // Go rounds float seconds to whole seconds before multiplying.
    return { ok: true, ms: Math.round(v) * 1000 };
  }
  if (/^\d+$/.test(v)) return { ok: true, ms: Number(v) * 1000 };
  if (v === '') return { ok: true, ms: 0 };
  // Upstream drops every "and" and every space, then takes each <number><unit> pair it can find.
  const compact = v.replaceAll('and', '').replaceAll(' ', '');
  const pairs = [...compact.matchAll(/([1-9]\d*?)([^\d\s]+)/g)];
  if (pairs.length === 0) return { ok: false, error: `could not parse '${v}' as a duration` };
  let ms = 0;
  for (const [whole, qty, unit] of pairs) {
    const factor = STANDARD_UNITS[unit as string] ?? EXTRA_UNITS[unit as string];
    if (factor === undefined) {
      return {
        ok: false,
        error: `could not parse the units portion of '${whole}' in duration string '${v}': the unit '${unit}' is not valid`,
      };
    }
    ms += Number(qty) * factor;
  }
  return { ok: true, ms };
}

/** Duration in milliseconds, or undefined when the value is not one of Authelia's duration forms. */
export function parseDuration(v: string | number): number | undefined {
  const r = parseDurationDetailed(v);
  return r.ok ? r.ms : undefined;
}
