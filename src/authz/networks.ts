/** The `networks` criterion: CIDR containment with Go's net.IPNet semantics (IPv4-mapped IPv6 compares as IPv4). */
import { isIPv4, isIPv6 } from 'node:net';

/** An address as Go keeps it after To4(): 4 bytes for IPv4 (and IPv4-mapped IPv6), 16 bytes otherwise. */
export type IpBytes = Uint8Array;

export interface Cidr {
  readonly text: string;
  readonly bytes: IpBytes;
  readonly bits: number;
}

function v4Bytes(text: string): IpBytes {
  const out = new Uint8Array(4);
  const parts = text.split('.');
  for (let i = 0; i < 4; i++) out[i] = Number(parts[i]);
  return out;
}

function v6Bytes(text: string): IpBytes {
  let head = text;
  let tail4: IpBytes | undefined;
  const lastColon = text.lastIndexOf(':');
  if (text.indexOf('.', lastColon) > 0) {
    tail4 = v4Bytes(text.slice(lastColon + 1));
    head = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const [left = '', right] = head.split('::');
  const parse = (part: string): number[] =>
    part === '' ? [] : part.split(':').map((h) => Number.parseInt(h, 16));
  const a = parse(left);
  const b = right === undefined ? [] : parse(right);
  const groups = [...a, ...new Array<number>(8 - a.length - b.length).fill(0), ...b];
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    out[i * 2] = g >> 8;
    out[i * 2 + 1] = g & 0xff;
  });
  if (tail4) out.set(tail4, 12);
  return out;
}

function isV4Mapped(b: IpBytes): boolean {
  if (b.length !== 16) return false;
  for (let i = 0; i < 10; i++) if (b[i] !== 0) return false;
  return b[10] === 0xff && b[11] === 0xff;
}

/** Go's net.ParseIP followed by To4(); undefined for anything else (zones, ports, empty). */
export function parseIp(text: string): IpBytes | undefined {
  if (isIPv4(text)) return v4Bytes(text);
  if (!isIPv6(text) || text.includes('%')) return undefined;
  const b = v6Bytes(text);
  return isV4Mapped(b) ? b.subarray(12) : b;
}

/** `a.b.c.d/n`, `x::/n` or a bare address (/32, /128); undefined when unparseable. */
export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  const ipText = slash < 0 ? text : text.slice(0, slash);
  const bitsText = slash < 0 ? undefined : text.slice(slash + 1);
  let bytes: IpBytes;
  if (isIPv4(ipText)) bytes = v4Bytes(ipText);
  else if (isIPv6(ipText) && !ipText.includes('%')) bytes = v6Bytes(ipText);
  else return undefined;
  const max = bytes.length * 8;
  if (bitsText !== undefined && !/^\d{1,3}$/.test(bitsText)) return undefined;
  let bits = bitsText === undefined ? max : Number(bitsText);
  if (bits > max) return undefined;
  bytes = masked(bytes, bits);
  // Go: a masked network that is IPv4-mapped is an IPv4 network (::ffff:10.0.0.0/104 ≡ 10.0.0.0/8).
  if (isV4Mapped(bytes)) {
    bytes = bytes.subarray(12);
    bits -= 96;
  }
  return { text, bytes, bits };
}

function masked(b: IpBytes, bits: number): IpBytes {
  const out = new Uint8Array(b);
  for (let i = 0; i < out.length; i++) {
    const keep = Math.max(0, Math.min(8, bits - i * 8));
    out[i] = (out[i] ?? 0) & ((0xff << (8 - keep)) & 0xff);
  }
  return out;
}

/** Different address families never match, as in Go (an IPv4 client is outside ::/0). */
export function cidrContains(net: Cidr, ip: IpBytes): boolean {
  if (ip.length !== net.bytes.length) return false;
  let bits = net.bits;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if (((ip[i] ?? 0) & mask) !== net.bytes[i]) return false;
  }
  return true;
}
