/**
 * A redis-server (or sentinel) of the test's own on a free loopback port, for tests that stop, restart or
 * reconfigure Redis: the shared server on 6379 is never touched by them.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitForPort } from './net.js';

export interface RedisServer {
  readonly port: number;
  readonly dir: string;
  /** Stops it (SIGTERM: with appendonly the data is on disk) and waits for the exit. */
  stop(): Promise<void>;
  /** Starts it again on the same port and directory; resolves once it accepts connections. */
  start(): Promise<void>;
  /** Stops it for good and removes its directory. */
  destroy(): Promise<void>;
}

/**
 * `persist` turns appendonly on (a restart keeps the data); `sentinelOf` makes it a sentinel watching the
 * server on that port under the name `portcullis`.
 */
export async function startRedisServer(
  opts: { persist?: boolean; sentinelOf?: number; args?: readonly string[] } = {},
): Promise<RedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-redis-'));
  let args: string[];
  if (opts.sentinelOf !== undefined) {
    // A sentinel rewrites its config file, so it gets one of its own.
    const conf = join(dir, 'sentinel.conf');
    writeFileSync(
      conf,
      // Quorum 1 and short timeouts: a test's failover takes seconds, not minutes.
      [
        `port ${port}`,
        'bind 127.0.0.1',
        `dir ${dir}`,
        `sentinel monitor portcullis 127.0.0.1 ${opts.sentinelOf} 1`,
        'sentinel down-after-milliseconds portcullis 1000',
        'sentinel failover-timeout portcullis 5000',
        '',
      ].join('\n'),
    );
    args = [conf, '--sentinel'];
  } else {
    args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', ''];
    args.push('--appendonly', opts.persist ? 'yes' : 'no', ...(opts.args ?? []));
  }
  let child: ChildProcess | undefined;
  const server: RedisServer = {
    port,
    dir,
    async start() {
      child = spawn('redis-server', args, { stdio: 'ignore' });
      await waitForPort(port, 'redis-server');
    },
    async stop() {
      const c = child;
      child = undefined;
      if (!c || c.exitCode !== null) return;
      c.kill('SIGTERM');
      await once(c, 'exit');
    },
    async destroy() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}
