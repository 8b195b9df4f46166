import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseAddress } from './address.js';
import { parseCidr } from './networks.js';

test('bare IPs become host networks; CIDRs are masked', () => {
  assert.equal(parseCidr('192.168.1.5'), '192.168.1.5/32');
  assert.equal(parseCidr('10.1.2.3/8'), '10.0.0.0/8');
  assert.equal(parseCidr('::1'), '::1/128');
  assert.equal(parseCidr('2001:db8:1:2::5/48'), '2001:db8:1::/48');
  assert.equal(parseCidr('fc00::/7'), 'fc00::/7');
});

test('anything else is rejected', () => {
  for (const bad of ['10.0.0.0/33', '1.2.3', 'internal', '10.0.0.1/8/9', '::1/129', '', '10.0.0.0/x']) {
    assert.equal(parseCidr(bad), undefined, bad);
  }
});

test('server addresses parse like upstream', () => {
  const a = parseAddress('tcp://:9091/authelia');
  assert.ok(a.ok);
  assert.equal(a.address.port, 9091);
  assert.equal(a.address.host, '');
  assert.equal(a.address.path, '/authelia');
  const bare = parseAddress('0.0.0.0:9091');
  assert.ok(bare.ok && bare.address.scheme === 'tcp' && bare.address.host === '0.0.0.0');
  const sock = parseAddress('/run/portcullis.sock');
  assert.ok(sock.ok && sock.address.scheme === 'unix' && sock.address.path === '/run/portcullis.sock');
  const v6 = parseAddress('tcp://[::1]:9091/');
  assert.ok(v6.ok && v6.address.host === '::1');
  assert.equal(parseAddress('tcp://host:99999').ok, false);
  assert.equal(parseAddress('tcp://host:1/#frag').ok, false);
  assert.equal(parseAddress('unix://relative/path').ok, false);
});

test('an address with user info is refused without echoing the password it may hold', () => {
  const r = parseAddress('tcp://portcullis:s3cret-pass@db.internal:5432');
  assert.equal(r.ok, false);
  if (r.ok) return;
  assert.doesNotMatch(r.error, /s3cret-pass/);
  assert.match(r.error, /tcp:\/\/REDACTED@db\.internal:5432/);
});
