/**
 * Every process the bench starts goes through here, so one registry can kill them all: on normal exit, on an
 * error, on Ctrl-C/SIGTERM, and when the run's global deadline passes.
 */
import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

const live = new Set<ChildProcess>();

/** Kills a child's whole process group (nginx workers, anything a child started) and forgets it. */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    // Children are spawned detached, so each leads its own group: -pid reaches it and its descendants only.
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // Already gone.
    }
  }
}

export function spawnTracked(cmd: string, args: readonly string[], opts: SpawnOptions = {}): ChildProcess {
  const child = spawn(cmd, args, { ...opts, detached: true });
  live.add(child);
  child.once('exit', () => live.delete(child));
  child.once('error', () => live.delete(child));
  return child;
}

/** SIGTERM, then SIGKILL after `graceMs` if it is still there. Resolves once the child has exited. */
export function stopChild(child: ChildProcess, graceMs = 3000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) {
    live.delete(child);
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      live.delete(child);
      resolve();
    });
    killGroup(child, 'SIGTERM');
  });
}

/** Synchronous last resort (process 'exit' handlers cannot wait): SIGKILL whatever is still running. */
export function killAllNow(): void {
  for (const child of live) killGroup(child, 'SIGKILL');
  live.clear();
}

export async function stopAll(): Promise<void> {
  await Promise.all([...live].map((c) => stopChild(c, 2000)));
}

/**
 * Waits for a line starting with `prefix` on the child's stdout and returns the rest of it. Fails on timeout
 * or when the child exits first (its stderr is inherited, so the reason is already on the terminal).
 */
export function waitForLine(
  child: ChildProcess,
  prefix: string,
  timeoutMs: number,
  what: string,
): Promise<string> {
  const out = child.stdout;
  if (!out) return Promise.reject(new Error(`${what}: no stdout pipe`));
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: out });
    const done = (err: Error | undefined, value?: string) => {
      clearTimeout(timer);
      child.off('exit', onExit);
      rl.off('line', onLine);
      if (err) reject(err);
      else resolve(value ?? '');
    };
    const onLine = (line: string) => {
      if (line.startsWith(prefix)) done(undefined, line.slice(prefix.length).trim());
    };
    const onExit = (code: number | null, signal: string | null) =>
      done(new Error(`${what} exited before it was ready (code ${code}, signal ${signal})`));
    const timer = setTimeout(() => done(new Error(`${what} not ready after ${timeoutMs} ms`)), timeoutMs);
    rl.on('line', onLine);
    child.once('exit', onExit);
  });
}

/** Runs a command to completion (bounded by `timeoutMs`) and returns its stdout. */
export function runToEnd(
  cmd: string,
  args: readonly string[],
  timeoutMs: number,
  opts: SpawnOptions = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawnTracked(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    const timer = setTimeout(() => {
      void stopChild(child, 1000);
      reject(new Error(`${cmd} did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(stdout);
      else
        reject(new Error(`${cmd} ${args.join(' ')} failed (code ${code}): ${stderr.trim().slice(0, 500)}`));
    });
  });
}

/**
 * Node children get an IPC channel: when the bench dies without cleaning up (even SIGKILL), the channel
 * closes and the child exits by itself. Call this first thing in every node child.
 */
export function exitWithParent(onExit: () => void = () => process.exit(0)): void {
  if (process.send) process.once('disconnect', onExit);
  process.once('SIGTERM', onExit);
  process.once('SIGINT', onExit);
}

/** In a node child: answer the bench's `cpu` queries with this process's CPU time (user + system, µs). */
export function answerCpuQueries(): void {
  process.on('message', (m) => {
    if (m === 'cpu' && process.send) {
      const u = process.cpuUsage();
      process.send({ cpuUs: u.user + u.system });
    }
  });
}

/** In the bench: CPU time a node child has used so far (µs), via its IPC channel. */
export function cpuOf(child: ChildProcess, timeoutMs = 5000): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.off('message', onMessage);
      reject(new Error('child did not answer the cpu query'));
    }, timeoutMs);
    const onMessage = (m: unknown) => {
      if (typeof m === 'object' && m !== null && 'cpuUs' in m) {
        clearTimeout(timer);
        child.off('message', onMessage);
        resolve(Number((m as { cpuUs: number }).cpuUs));
      }
    };
    child.on('message', onMessage);
    child.send('cpu');
  });
}
