/** IP / CIDR parsing as upstream's ParseHostCIDR: a bare IP means /32 (IPv4) or /128 (IPv6); results are masked networks. */
import { isIPv4, isIPv6 } from 'node:net';

function maskV4(ip: string, bits: number): string {
  const n = ip.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
  // Float arithmetic: JS bitwise operators are 32-bit signed.
  const masked = n - (n % 2 ** (32 - bits));
  return [24, 16, 8, 0].map((s) => Math.floor(masked / 2 ** s) % 256).join('.');
}

/** The eight 16-bit groups of an IPv6 address (node:net has already checked its syntax). */
function expandV6(ip: string): number[] {
  // An embedded dotted IPv4 tail becomes two hex groups first.
  const text = ip.replace(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/, (_, a, b, c, d) =>
    [((Number(a) << 8) | Number(b)).toString(16), ((Number(c) << 8) | Number(d)).toString(16)].join(':'),
  );
  const [head = '', rest] = text.split('::');
  const parse = (part: string): number[] =>
    part === '' ? [] : part.split(':').map((h) => Number.parseInt(h, 16));
  const a = parse(head);
  const b = rest === undefined ? [] : parse(rest);
  return [...a, ...new Array<number>(8 - a.length - b.length).fill(0), ...b];
}

function maskV6(ip: string, bits: number): string {
  const out = expandV6(ip).map((g, i) => {
    const keep = Math.max(0, Math.min(16, bits - i * 16));
    return keep === 0 ? 0 : g & (0xffff << (16 - keep)) & 0xffff;
  });
  // URL parsing yields the canonical compressed lower-case text of an IPv6 address.
  return new URL(`http://[${out.map((g) => g.toString(16)).join(':')}]/`).hostname.slice(1, -1);
}

/** `10.1.2.3/8` → `10.0.0.0/8`, `192.168.1.5` → `192.168.1.5/32`; undefined when not an IP or CIDR. */
export function parseCidr(text: string): string | undefined {
  const parts = text.split('/');
  if (parts.length > 2) return undefined;
  const [ip = '', bitsText] = parts;
  if (bitsText !== undefined && !/^\d{1,3}$/.test(bitsText)) return undefined;
  if (isIPv4(ip)) {
    const bits = bitsText === undefined ? 32 : Number(bitsText);
    return bits > 32 ? undefined : `${maskV4(ip, bits)}/${bits}`;
  }
  if (isIPv6(ip) && !ip.includes('%')) {
    const bits = bitsText === undefined ? 128 : Number(bitsText);
    if (bits > 128) return undefined;
    return `${maskV6(ip, bits)}/${bits}`;
  }
  return undefined;
}
