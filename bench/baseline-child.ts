/**
 * The baseline: a bare node:http server answering every request with 200 and a fixed header, the ceiling any
 * node:http gateway can reach on this machine. Also the upstream app behind the proxies in S7.
 */
import { createServer } from 'node:http';
import { answerCpuQueries, exitWithParent } from './lib/children.js';
import { assertLoopbackHost } from './lib/loopback.js';

exitWithParent();
answerCpuQueries();
const host = process.env['BENCH_HOST'] ?? '127.0.0.1';
assertLoopbackHost(host);

const server = createServer((_req, res) => {
  res.writeHead(200, {
    'remote-user': 'bench',
    'content-type': 'text/plain; charset=utf-8',
    'content-length': 6,
  });
  res.end('200 OK');
});
server.keepAliveTimeout = 65_000;
server.listen(0, host, () => {
  const a = server.address();
  const port = typeof a === 'object' && a ? a.port : 0;
  process.stdout.write(`READY ${JSON.stringify({ port })}\n`);
});
