/** Worker-thread entry of the hashing pool: runs the CPU-bound pure-JS algorithms (sha2crypt, bcrypt) off the event loop. */
import { parentPort } from 'node:worker_threads';
import bcrypt from 'bcryptjs';
import type { PoolRequest, PoolTask } from './pool.js';
import { sha2cryptChecksum } from './sha2crypt.js';

function run(task: PoolTask): string {
  switch (task.op) {
    case 'sha2crypt':
      return sha2cryptChecksum(task.variant, task.password, task.salt, task.rounds);
    case 'bcrypt':
      return bcrypt.hashSync(task.password, task.setting);
  }
}

parentPort?.on('message', (msg: PoolRequest) => {
  try {
    parentPort?.postMessage({ id: msg.id, ok: true, value: run(msg.task) });
  } catch (e) {
    parentPort?.postMessage({ id: msg.id, ok: false, error: e instanceof Error ? e.message : String(e) });
  }
});
