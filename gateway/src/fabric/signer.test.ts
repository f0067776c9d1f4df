import assert from 'node:assert/strict';
import { generateKeyPairSync, randomBytes, sign, verify } from 'node:crypto';
import { describe, it } from '../testing/node-test';

import { P256_ORDER, encodeDerSignature, newOpenSslSigner, parseDerSignature, toLowS } from './signer';

describe('OpenSSL signer', () => {
  it('when signing many messages with P-256, then every signature verifies and has s <= n/2', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const signer = newOpenSslSigner(privateKey);
    for (let i = 0; i < 200; i++) {
      const message = randomBytes(64);
      const signature = await signer(message);
      const { s } = parseDerSignature(signature);
      assert.ok(s <= P256_ORDER >> 1n, 'low S');
      assert.ok(verify('sha256', message, { key: publicKey, dsaEncoding: 'der' }, signature));
    }
  });

  it('when a signature has a high S, then toLowS flips it and it still verifies', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const message = randomBytes(32);
    // Build a high-S twin of a valid signature: (r, n - s) verifies too, and must be normalized back.
    const der = sign('sha256', message, { key: privateKey, dsaEncoding: 'der' });
    const { r, s } = parseDerSignature(der);
    const high = s > P256_ORDER >> 1n ? s : P256_ORDER - s;
    const highDer = encodeDerSignature(r, high);
    assert.ok(verify('sha256', message, { key: publicKey, dsaEncoding: 'der' }, highDer));
    const low = toLowS(highDer, P256_ORDER);
    assert.equal(parseDerSignature(low).s, P256_ORDER - high);
    assert.ok(verify('sha256', message, { key: publicKey, dsaEncoding: 'der' }, low));
  });

  it('when the key is not EC, then creating a signer throws', () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    assert.throws(() => newOpenSslSigner(privateKey));
  });
});
