/**
 * Who is the client and may we believe its forwarded headers: only peers inside `server.trusted_proxies`
 * may set X-Forwarded-*; from anyone else those headers are ignored (Authelia trusts every peer).
 */
import { BlockList, isIP } from 'node:net';

export interface TrustedProxies {
  /** True when `peer` (the TCP remote address) is a configured trusted proxy. */
  trusts(peer: string): boolean;
  /** The client IP: the right-most X-Forwarded-For entry that is not itself a trusted proxy, when the peer is trusted. */
  clientIp(peer: string, xff: string | undefined): string;
}

/** '::ffff:10.0.0.1' → '10.0.0.1' so IPv4 rules match dual-stack sockets. */
export function normalizeIp(ip: string): string {
  if (ip.startsWith('::ffff:') && ip.includes('.')) return ip.slice(7);
  return ip;
}

export function createTrustedProxies(cidrs: readonly string[]): TrustedProxies {
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [addr = '', bits] = cidr.split('/');
    const family = isIP(addr);
    if (family === 0) throw new TypeError(`invalid trusted proxy '${cidr}'`);
    const type = family === 4 ? 'ipv4' : 'ipv6';
    list.addSubnet(addr, bits === undefined ? (family === 4 ? 32 : 128) : Number(bits), type);
  }
  // BlockList.check builds a native SocketAddress per call (~3 µs, three calls per forward-auth request), and
  // the peers asking are a handful of proxies: remember answers, bounded so spoofed XFF hops cannot grow it.
  const known = new Map<string, boolean>();
  const trusts = (ip: string): boolean => {
    let answer = known.get(ip);
    if (answer === undefined) {
      const n = normalizeIp(ip);
      const family = isIP(n);
      answer = family !== 0 && list.check(n, family === 4 ? 'ipv4' : 'ipv6');
      if (known.size >= 1024) known.clear();
      known.set(ip, answer);
    }
    return answer;
  };
  return {
    trusts,
    clientIp(peer, xff) {
      const p = normalizeIp(peer);
      if (!xff || !trusts(p)) return p;
      const hops = xff.split(',');
      for (let i = hops.length - 1; i >= 0; i--) {
        const hop = normalizeIp(hops[i]!.trim());
        if (isIP(hop) === 0) return p;
        if (!trusts(hop)) return hop;
      }
      // Every hop is a trusted proxy: the left-most is the closest thing to a client we have.
      return normalizeIp(hops[0]!.trim());
    },
  };
}
