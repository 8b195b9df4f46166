/**
 * A small, lazily started pool of worker threads for the expensive password hashes (argon2, sha2crypt,
 * bcrypt), so a login never blocks the event loop. Each worker lowers its own scheduling priority
 * (pool-worker.ts): on a small box a login's hash then yields the CPU to forward-auth checks instead of
 * sharing it with them. Idle workers are unref'd: the pool never keeps the process alive on its own.
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { startModuleWorker } from '../../core/index.js';
import type { Argon2Params } from './argon2-native.js';
import type { Sha2Variant } from './sha2crypt.js';

export type Argon2Task = {
  readonly op: 'argon2';
  readonly password: string;
  readonly params: Argon2Params;
};

export type TextTask =
  | {
      readonly op: 'sha2crypt';
      readonly variant: Sha2Variant;
      readonly password: string;
      readonly salt: string;
      readonly rounds: number;
    }
  | { readonly op: 'bcrypt'; readonly password: string; readonly setting: string };

export type PoolTask = Argon2Task | TextTask;

/**
 * How much lower than the process the hashing threads run (nice steps, capped at 19): a check waking up
 * preempts a hash, yet hashes still progress under load.
 */
export const HASH_THREAD_NICE_STEPS = 10;

/** The nice value hashing threads get in a process running at `processNice`. */
export const hashThreadNice = (processNice: number): number =>
  Math.min(19, processNice + HASH_THREAD_NICE_STEPS);

/** The task itself failed (bad parameters, invalid salt), as opposed to the pool or a worker. */
export class HashTaskError extends Error {
  override readonly name = 'HashTaskError';
}

export interface PoolRequest {
  readonly id: number;
  readonly task: PoolTask;
}

export type PoolReply =
  | { id: number; ok: true; value: string | Uint8Array }
  | { id: number; ok: false; error: string };

interface Job {
  readonly id: number;
  readonly task: PoolTask;
  readonly resolve: (v: string | Uint8Array) => void;
  readonly reject: (e: Error) => void;
}

interface Slot {
  readonly worker: Worker;
  job: Job | undefined;
}

export class HashPool {
  readonly size: number;
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;

  constructor(size = Math.max(1, Math.min(4, availableParallelism() - 1))) {
    this.size = size;
  }

  run(task: Argon2Task): Promise<Uint8Array>;
  run(task: TextTask): Promise<string>;
  run(task: PoolTask): Promise<string | Uint8Array> {
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, task, resolve, reject });
      this.pump();
    });
  }

  /** Terminates every worker (tests; the process may also just exit). Queued jobs are rejected. */
  async close(): Promise<void> {
    for (const job of this.queue.splice(0)) job.reject(new Error('hash pool closed'));
    await Promise.all(this.slots.splice(0).map((s) => s.worker.terminate()));
  }

  private pump(): void {
    while (this.queue.length) {
      let slot = this.slots.find((s) => !s.job);
      if (!slot && this.slots.length < this.size) slot = this.spawn();
      if (!slot) return;
      const job = this.queue.shift()!;
      slot.job = job;
      slot.worker.ref();
      slot.worker.postMessage({ id: job.id, task: job.task } satisfies PoolRequest);
    }
  }

  private spawn(): Slot {
    const worker = startModuleWorker(import.meta.url, 'pool-worker');
    const slot: Slot = { worker, job: undefined };
    worker.unref();
    worker.on('message', (reply: PoolReply) => {
      const job = slot.job;
      if (!job || job.id !== reply.id) return;
      slot.job = undefined;
      worker.unref();
      if (reply.ok) job.resolve(reply.value);
      else job.reject(new HashTaskError(reply.error));
      this.pump();
    });
    const fail = (err: Error) => {
      const i = this.slots.indexOf(slot);
      if (i >= 0) this.slots.splice(i, 1);
      slot.job?.reject(err);
      slot.job = undefined;
      this.pump();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`hash worker exited with code ${code}`)));
    this.slots.push(slot);
    return slot;
  }
}

let shared: HashPool | undefined;

/** The process-wide pool, created on first use. */
export function hashPool(): HashPool {
  shared ??= new HashPool();
  return shared;
}
