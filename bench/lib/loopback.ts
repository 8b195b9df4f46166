/** The bench sends load only to 127.0.0.1: every address and URL it uses is checked here first. */

export const LOOPBACK = '127.0.0.1';

export function assertLoopbackHost(host: string): void {
  if (host !== LOOPBACK) {
    throw new Error(`refusing to benchmark '${host}': the bench only sends load to ${LOOPBACK}`);
  }
}

export function assertLoopbackUrl(url: string): void {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`refusing to benchmark '${url}': not a URL`);
  }
  if (u.protocol !== 'http:') throw new Error(`refusing to benchmark '${url}': only plain http on loopback`);
  assertLoopbackHost(u.hostname);
}
