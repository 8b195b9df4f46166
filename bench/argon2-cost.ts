/** `npx tsx bench/argon2-cost.ts`: wall and process CPU time of one verification at Authelia's default argon2id cost (m=64 MiB, t=3, p=4). */
import { hash, verify } from '@node-rs/argon2';

const digest = await hash('bench-password', { algorithm: 2, memoryCost: 65536, timeCost: 3, parallelism: 4 });
await verify(digest, 'bench-password');
const n = 10;
const c0 = process.cpuUsage();
const t0 = performance.now();
for (let i = 0; i < n; i++) await verify(digest, 'bench-password');
const c = process.cpuUsage(c0);
const t = performance.now() - t0;
console.log(
  `wall ${(t / n).toFixed(1)} ms, cpu ${((c.user + c.system) / 1000 / n).toFixed(1)} ms per verification`,
);
