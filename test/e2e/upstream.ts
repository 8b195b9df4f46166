/** The protected application of the end-to-end suites: answers every request with the request it received, as JSON. */
import { createServer, type IncomingHttpHeaders } from 'node:http';

export interface Echoed {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
}

export interface Upstream {
  readonly port: number;
  /** Every request that reached the upstream, in order: a test can prove something did NOT get through. */
  readonly seen: Echoed[];
  stop(): Promise<void>;
}

export async function startUpstream(): Promise<Upstream> {
  const seen: Echoed[] = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const echoed: Echoed = { method: req.method ?? '', url: req.url ?? '', headers: req.headers };
      seen.push(echoed);
      const body = JSON.stringify(echoed);
      res.writeHead(200, { 'content-type': 'application/json', 'x-upstream': 'echo' });
      res.end(body);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    port,
    seen,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
