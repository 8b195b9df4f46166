/**
 * Bounds concurrent password hashing so a login flood queues (up to a limit) and then sheds load,
 * instead of starving the forward-auth checks that share the process.
 */
import { PortcullisError } from '../core/index.js';

export interface Limiter {
  run<T>(fn: () => Promise<T>): Promise<T>;
  readonly active: number;
  readonly queued: number;
  readonly concurrency: number;
}

export function createLimiter(concurrency: number, maxQueue: number): Limiter {
  let active = 0;
  const queue: (() => void)[] = [];
  const release = () => {
    active--;
    const next = queue.shift();
    if (next) {
      active++;
      next();
    }
  };
  return {
    concurrency,
    get active() {
      return active;
    },
    get queued() {
      return queue.length;
    },
    async run<T>(fn: () => Promise<T>): Promise<T> {
      if (active >= concurrency) {
        if (queue.length >= maxQueue)
          throw new PortcullisError('ERR_OVERLOADED', 'too many logins in progress');
        await new Promise<void>((resolve) => queue.push(resolve));
      } else {
        active++;
      }
      try {
        return await fn();
      } finally {
        release();
      }
    },
  };
}
