/** Serializes async work per key: attempts for one user (or one IP) run one after another, never interleaved. */

export class KeyedMutex {
  readonly #tails = new Map<string, Promise<void>>();

  async run<T>(keys: readonly string[], fn: () => Promise<T>): Promise<T> {
    // A fixed order of acquisition means two callers holding overlapping key sets cannot deadlock.
    const sorted = [...new Set(keys)].sort();
    const releases: (() => void)[] = [];
    try {
      for (const k of sorted) releases.push(await this.#acquire(k));
      return await fn();
    } finally {
      for (const r of releases.reverse()) r();
    }
  }

  async #acquire(key: string): Promise<() => void> {
    const prev = this.#tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((r) => {
      release = r;
    });
    const tail = prev.then(() => mine);
    this.#tails.set(key, tail);
    await prev;
    return () => {
      release();
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    };
  }
}
