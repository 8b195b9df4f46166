/** Bounded sliding windows: per key, the last `threshold` event times, or the last `threshold` distinct values. */

/** A Map used as an LRU: touching a key moves it to the end; the oldest keys go first when full. */
export class LruMap<K, V> {
  readonly #max: number;
  readonly #m = new Map<K, V>();
  constructor(max: number) {
    this.#max = Math.max(1, max);
  }
  get size(): number {
    return this.#m.size;
  }
  get(key: K): V | undefined {
    const v = this.#m.get(key);
    if (v !== undefined) {
      this.#m.delete(key);
      this.#m.set(key, v);
    }
    return v;
  }
  set(key: K, value: V): void {
    this.#m.delete(key);
    this.#m.set(key, value);
    if (this.#m.size > this.#max) this.#m.delete(this.#m.keys().next().value as K);
  }
  delete(key: K): void {
    this.#m.delete(key);
  }
}

/**
 * Counts events per key within a window. Only the newest `threshold` times are kept per key: the threshold is
 * reached exactly when the oldest of them is still inside the window.
 */
export class CountWindow {
  readonly #times: LruMap<string, number[]>;
  constructor(
    readonly threshold: number,
    readonly windowMs: number,
    maxKeys: number,
  ) {
    this.#times = new LruMap(maxKeys);
  }
  /** Records one event; returns the count in the window when it reaches the threshold (and resets the key). */
  hit(key: string, at: number): number | undefined {
    const list = this.#times.get(key) ?? [];
    list.push(at);
    if (list.length > this.threshold) list.shift();
    const inWindow = list.filter((t) => at - t < this.windowMs).length;
    if (inWindow >= this.threshold) {
      this.#times.delete(key);
      return inWindow;
    }
    this.#times.set(key, list);
    return undefined;
  }
}

/** Counts distinct values per key within a window (users per IP, IPs per user), keeping at most `threshold`. */
export class DistinctWindow {
  readonly #seen: LruMap<string, Map<string, number>>;
  constructor(
    readonly threshold: number,
    readonly windowMs: number,
    maxKeys: number,
  ) {
    this.#seen = new LruMap(maxKeys);
  }
  /** Records `value` under `key`; returns the distinct values in the window once there are `threshold` of them. */
  hit(key: string, value: string, at: number): string[] | undefined {
    const m = this.#seen.get(key) ?? new Map<string, number>();
    m.delete(value);
    m.set(value, at);
    for (const [v, t] of m) {
      if (at - t >= this.windowMs || m.size > this.threshold) m.delete(v);
      else break;
    }
    if (m.size >= this.threshold) {
      this.#seen.delete(key);
      return [...m.keys()];
    }
    this.#seen.set(key, m);
    return undefined;
  }
}
