import assert from 'node:assert/strict';
import { webcrypto } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
// @peculiar/x509 2 resolves its ASN.1 types through tsyringe, which needs the Reflect metadata API.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { limitsConfigSchema } from '../config';
import { createListener } from './listener';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

function pem(label: string, der: ArrayBuffer): string {
  return `-----BEGIN ${label}-----\n${Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n')}\n-----END ${label}-----\n`;
}

async function issue(
  ca: { cert: x509.X509Certificate; keys: webcrypto.CryptoKeyPair } | undefined,
  subject: string,
  extensions: x509.Extension[],
): Promise<{ cert: x509.X509Certificate; keys: webcrypto.CryptoKeyPair; certPem: string; keyPem: string }> {
  const keys = await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify']);
  const validity = { notBefore: new Date(Date.now() - 60_000), notAfter: new Date(Date.now() + 3_600_000) };
  const cert = ca
    ? await x509.X509CertificateGenerator.create({
        serialNumber: '0a',
        subject,
        issuer: ca.cert.subject,
        ...validity,
        publicKey: keys.publicKey,
        signingKey: ca.keys.privateKey,
        signingAlgorithm: alg,
        extensions,
      })
    : await x509.X509CertificateGenerator.createSelfSigned({
        serialNumber: '01',
        name: subject,
        ...validity,
        keys,
        signingAlgorithm: alg,
        extensions,
      });
  return {
    cert,
    keys,
    certPem: pem('CERTIFICATE', cert.rawData),
    keyPem: pem('PRIVATE KEY', await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)),
  };
}

function get(port: number, options: { ca: string; cert?: string; key?: string }): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest({ host: '127.0.0.1', port, path: '/', ...options }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('gateway listener', () => {
  const dir = mkdtempSync(join(tmpdir(), 'medledger-listener-'));
  let caPem = '';
  let client = { certPem: '', keyPem: '' };
  const files = { cert: join(dir, 'server.crt'), key: join(dir, 'server.key'), ca: join(dir, 'ca.crt') };

  before(async () => {
    const ca = await issue(undefined, 'CN=test-ca', [
      new x509.BasicConstraintsExtension(true, undefined, true),
    ]);
    const server = await issue(ca, 'CN=gateway', [
      new x509.SubjectAlternativeNameExtension([{ type: 'ip', value: '127.0.0.1' }]),
    ]);
    client = await issue(ca, 'CN=emr-system', [
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
    ]);
    caPem = ca.certPem;
    writeFileSync(files.cert, server.certPem);
    writeFileSync(files.key, server.keyPem);
    writeFileSync(files.ca, caPem);
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('when TLS requires client certificates, then a system client with one is served and a client without is refused', async () => {
    const { server, scheme } = createListener(
      {
        limits: limitsConfigSchema.parse({}),
        listen: {
          host: '127.0.0.1',
          port: 0,
          tls: { certPath: files.cert, keyPath: files.key, clientCaPath: files.ca, requireClientCert: true },
        },
      },
      (_req, res) => res.end('ok'),
    );
    assert.equal(scheme, 'https');
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      assert.equal(await get(port, { ca: caPem, cert: client.certPem, key: client.keyPem }), 200);
      await assert.rejects(get(port, { ca: caPem }));
    } finally {
      server.close();
    }
  });

  it('when no TLS is configured, then it serves plain HTTP', () => {
    const { server, scheme } = createListener(
      { limits: limitsConfigSchema.parse({}), listen: { host: '127.0.0.1', port: 0 } },
      (_req, res) => res.end('ok'),
    );
    assert.equal(scheme, 'http');
    server.close();
  });
});
