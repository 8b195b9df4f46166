/** Stub listener until the forward-auth server lands: answers GET /api/health. */
import { createServer } from 'node:http';

export async function runServe(_configFiles: string[]): Promise<void> {
  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/api/health') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"OK"}');
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(9091, r));
  console.log('portcullis: listening on :9091');
}
