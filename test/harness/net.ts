/** Loopback ports for tests: one nobody listens on, whether one accepts connections, waiting until it does. */
import { connect, createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** A port nobody listens on right now (the kernel picks it; there is a small window before someone binds it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ host: '127.0.0.1', port });
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
  });
}

/** Resolves once `port` accepts connections; throws naming `what` after `ms`. */
export async function waitForPort(port: number, what: string, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await portOpen(port))) {
    if (Date.now() > until) throw new Error(`${what} did not listen on port ${port} within ${ms} ms`);
    await sleep(50);
  }
}
