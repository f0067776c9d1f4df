import assert from 'node:assert/strict';
import { createPublicKey, verify } from 'node:crypto';
import { describe, it } from 'node:test';

import { CryptoInputError, toBase64Url } from './bytes';
import {
  algorithmOfCurve,
  generateKeyPair,
  parsePublicJwk,
  SIGNATURE_ALGORITHMS,
  signBytes,
  sm2JwkFromPublicKey,
  sm2PublicKeyFromJwk,
  verifyBytes,
  type EcPublicJwk,
} from './signature';
import { sm2 } from './sm2';

describe('signature', () => {
  for (const algorithm of SIGNATURE_ALGORITHMS) {
    it(`when a fresh ${algorithm} key signs, then its public JWK verifies and parses, and a changed byte fails`, () => {
      const { publicJwk, privateJwk } = generateKeyPair(algorithm);
      assert.equal(algorithmOfCurve(publicJwk.crv), algorithm);
      assert.deepEqual(parsePublicJwk({ ...publicJwk }), publicJwk);
      const data = Buffer.from(`consent ${algorithm}`);
      const signature = signBytes(algorithm, privateJwk, data);
      assert.equal(signature.length, 64);
      assert.equal(verifyBytes(algorithm, publicJwk, data, signature), true);
      assert.equal(verifyBytes(algorithm, publicJwk, Buffer.from(`consent ${algorithm}!`), signature), false);
      assert.equal(verifyBytes(algorithm, generateKeyPair(algorithm).publicJwk, data, signature), false);
    });
  }

  it('when an ES256 signature is made here, then Node verifies it as ECDSA P-256 with SHA-256 (JWS r || s)', () => {
    const { publicJwk, privateJwk } = generateKeyPair('ES256');
    const data = Buffer.from('header.payload');
    const signature = signBytes('ES256', privateJwk, data);
    const key = createPublicKey({ key: { ...publicJwk }, format: 'jwk' });
    assert.equal(verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, signature), true);
  });

  it('when a key is used under the other algorithm, then signing refuses and verification fails', () => {
    const p256 = generateKeyPair('ES256');
    const sm = generateKeyPair('SM2SM3');
    const data = Buffer.from('x');
    assert.throws(() => signBytes('SM2SM3', p256.privateJwk, data), CryptoInputError);
    assert.throws(() => signBytes('ES256', sm.privateJwk, data), CryptoInputError);
    const smSignature = signBytes('SM2SM3', sm.privateJwk, data);
    assert.equal(verifyBytes('ES256', { ...sm.publicJwk, crv: 'P-256' }, data, smSignature), false);
    assert.equal(verifyBytes('ES256', sm.publicJwk, data, smSignature), false);
  });

  it('when an SM2 JWK is converted to SEC1 bytes and back, then it is the same key', () => {
    const { publicJwk } = generateKeyPair('SM2SM3');
    const bytes = sm2PublicKeyFromJwk(publicJwk);
    sm2.assertPublicKey(bytes);
    assert.deepEqual(sm2JwkFromPublicKey(bytes), publicJwk);
    assert.throws(() => sm2PublicKeyFromJwk(generateKeyPair('ES256').publicJwk), CryptoInputError);
  });

  it('when a public JWK is malformed, private, padded or off its curve, then parsing refuses it', () => {
    const sm = generateKeyPair('SM2SM3');
    const p256 = generateKeyPair('ES256');
    const offCurve = (jwk: EcPublicJwk): EcPublicJwk => {
      const y = Buffer.from(jwk.y, 'base64url');
      y[31] = (y[31] ?? 0) ^ 0x01;
      return { ...jwk, y: toBase64Url(y) };
    };
    const bad: unknown[] = [
      null,
      [],
      'jwk',
      sm.privateJwk,
      p256.privateJwk,
      { ...sm.publicJwk, alg: 'SM2SM3' },
      { ...sm.publicJwk, kty: 'OKP' },
      { ...sm.publicJwk, crv: 'secp256k1' },
      { ...sm.publicJwk, x: `${sm.publicJwk.x}=` },
      { ...sm.publicJwk, x: sm.publicJwk.x.slice(1) },
      { ...sm.publicJwk, x: Buffer.alloc(33, 1).toString('base64url') },
      { ...sm.publicJwk, x: 42 },
      offCurve(sm.publicJwk),
      offCurve(p256.publicJwk),
      { ...sm.publicJwk, crv: 'P-256' },
      { ...p256.publicJwk, crv: 'SM2' },
    ];
    for (const value of bad)
      assert.throws(() => parsePublicJwk(value), CryptoInputError, JSON.stringify(value));
  });

  it('when a refusal message is built, then it carries no key material', () => {
    const { privateJwk } = generateKeyPair('SM2SM3');
    try {
      parsePublicJwk(privateJwk);
      assert.fail('a private JWK was accepted as public');
    } catch (err) {
      assert.ok(err instanceof CryptoInputError);
      assert.equal(err.message.includes(privateJwk.d), false);
      assert.equal(err.message.includes(privateJwk.x), false);
    }
  });
});
