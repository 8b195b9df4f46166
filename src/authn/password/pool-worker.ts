/** Worker-thread entry of the hashing pool: runs the CPU-bound hashes (argon2, sha2crypt, bcrypt) off the event loop. */
import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import bcrypt from 'bcryptjs';
import { argon2KeySync } from './argon2-native.js';
import { hashThreadNice, type PoolReply, type PoolRequest, type PoolTask } from './pool.js';
import { sha2cryptChecksum } from './sha2crypt.js';

/**
 * Lowers this thread's priority (Linux: setpriority on the thread id, which /proc/thread-self names).
 * Threads the native argon2 code starts from here inherit it. A user may always lower its own priority;
 * where there is no /proc (other systems) the worker simply runs at normal priority.
 */
function lowerOwnPriority(): void {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    // Relative to the thread's current value: a service already niced stays ordered the same way, and a
    // privileged one is never raised.
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, hashThreadNice(getPriority(tid)));
  } catch {
    // Not Linux, or /proc not mounted: correctness does not depend on it.
  }
}

function run(task: PoolTask): string | Uint8Array {
  switch (task.op) {
    case 'argon2':
      return argon2KeySync(task.password, task.params);
    case 'sha2crypt':
      return sha2cryptChecksum(task.variant, task.password, task.salt, task.rounds);
    case 'bcrypt':
      return bcrypt.hashSync(task.password, task.setting);
  }
}

lowerOwnPriority();
parentPort?.on('message', (msg: PoolRequest) => {
  let reply: PoolReply;
  try {
    reply = { id: msg.id, ok: true, value: run(msg.task) };
  } catch (e) {
    reply = { id: msg.id, ok: false, error: e instanceof Error ? e.message : String(e) };
  }
  parentPort?.postMessage(reply);
});
