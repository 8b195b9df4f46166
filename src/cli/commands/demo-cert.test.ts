import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import { connect, createServer } from 'node:tls';
import { createSelfSignedCertificate, DEMO_CERT_DAYS } from './demo-cert.js';

describe('demo self-signed certificate', () => {
  const hosts = ['portcullis.localhost', '*.portcullis.localhost'];
  const now = new Date('2026-11-22T10:00:00Z');
  const c = createSelfSignedCertificate(hosts, now);
  const x = new X509Certificate(c.cert);

  it('is a valid self-signed X.509 v3 certificate for the demo hosts', () => {
    assert.equal(x.subject, 'CN=Portcullis demo');
    assert.equal(x.issuer, x.subject);
    assert.ok(x.verify(x.publicKey), 'signature verifies with its own key');
    assert.equal(x.subjectAltName, 'DNS:portcullis.localhost, DNS:*.portcullis.localhost');
    assert.equal(x.checkHost('auth.portcullis.localhost'), '*.portcullis.localhost');
    assert.equal(x.checkHost('evil.example.com'), undefined);
    assert.equal(x.ca, false);
    assert.deepEqual(x.keyUsage, ['1.3.6.1.5.5.7.3.1']);
    const days = (Date.parse(x.validTo) - now.getTime()) / 86_400_000;
    assert.ok(days > DEMO_CERT_DAYS - 1 && days <= DEMO_CERT_DAYS, `validity ${days} days`);
  });

  it('reports the SPKI hash Chromium expects', () => {
    const spki = x.publicKey.export({ type: 'spki', format: 'der' });
    assert.equal(c.spkiSha256, createHash('sha256').update(spki).digest('base64'));
  });

  it('completes a TLS handshake that pins it as the only trusted certificate', async () => {
    const server = createServer({ key: c.key, cert: c.cert }, (s) => s.end('hello'));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as { port: number }).port;
    const sock = connect({ host: '127.0.0.1', port, servername: 'auth.portcullis.localhost', ca: [c.cert] });
    await once(sock, 'secureConnect');
    assert.equal(sock.authorized, true, String(sock.authorizationError));
    sock.destroy();
    server.close();
  });
});
