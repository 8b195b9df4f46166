import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cidrContains, parseCidr, parseIp } from './networks.js';

function inside(cidr: string, ip: string): boolean {
  const net = parseCidr(cidr);
  const addr = parseIp(ip);
  assert.ok(net, cidr);
  return addr !== undefined && cidrContains(net, addr);
}

test('IPv4 CIDRs', () => {
  assert.equal(inside('10.0.0.0/8', '10.255.1.2'), true);
  assert.equal(inside('10.0.0.0/8', '11.0.0.1'), false);
  assert.equal(inside('192.168.1.0/24', '192.168.1.77'), true);
  assert.equal(inside('192.168.1.0/24', '192.168.2.1'), false);
  assert.equal(inside('0.0.0.0/0', '8.8.8.8'), true);
  assert.equal(inside('10.0.0.1', '10.0.0.1'), true);
  assert.equal(inside('10.0.0.1', '10.0.0.2'), false);
  assert.equal(inside('172.16.0.0/12', '172.31.255.255'), true);
  assert.equal(inside('172.16.0.0/12', '172.32.0.0'), false);
});

test('IPv6 CIDRs', () => {
  assert.equal(inside('fd00::/8', 'fd12:3456::1'), true);
  assert.equal(inside('fd00::/8', 'fe80::1'), false);
  assert.equal(inside('2001:db8::1', '2001:db8:0:0::1'), true);
  assert.equal(inside('2001:db8::/33', '2001:db8:7fff::1'), true);
  assert.equal(inside('2001:db8::/33', '2001:db8:8000::1'), false);
});

test('IPv4-mapped IPv6 clients compare as IPv4, as Go To4() does', () => {
  assert.equal(inside('10.0.0.0/8', '::ffff:10.0.0.1'), true);
  assert.equal(inside('10.0.0.0/8', '::ffff:a00:1'), true);
  assert.equal(inside('10.0.0.0/8', '::ffff:11.0.0.1'), false);
  assert.equal(inside('::ffff:10.0.0.0/104', '10.1.2.3'), true);
});

test('address families never mix and unparseable clients are in no network', () => {
  assert.equal(inside('::/0', '10.0.0.1'), false);
  assert.equal(inside('0.0.0.0/0', '2001:db8::1'), false);
  assert.equal(parseIp(''), undefined);
  assert.equal(parseIp('10.0.0.1:80'), undefined);
  assert.equal(parseIp('fe80::1%eth0'), undefined);
  assert.equal(parseCidr('10.0.0.0/33'), undefined);
  assert.equal(parseCidr('nope'), undefined);
});
