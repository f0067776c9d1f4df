import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { DecryptionError } from './aead';
import { CryptoInputError } from './bytes';
import { digestHex } from './hash';
import { CRYPTO_PROFILES, cryptoProfile, isCryptoProfileName } from './profile';
import { generateKeyPair } from './signature';

describe('crypto profiles', () => {
  it('when the profiles are described, then each names its algorithms and the SM2 identifier', () => {
    assert.deepEqual(cryptoProfile('international').describe(), {
      profile: 'international',
      hash: 'SHA-256',
      signature: 'ES256',
      acceptedSignatures: ['ES256'],
      aead: 'AES-256-GCM',
      sm2DistinguishingId: '1234567812345678',
    });
    assert.deepEqual(cryptoProfile('sm').describe(), {
      profile: 'sm',
      hash: 'SM3',
      signature: 'SM2SM3',
      acceptedSignatures: ['SM2SM3', 'ES256'],
      aead: 'SM4-GCM',
      sm2DistinguishingId: '1234567812345678',
    });
  });

  it('when a description is changed by its reader, then the profile is not', () => {
    const described = CRYPTO_PROFILES.sm.describe();
    (described.acceptedSignatures as string[]).push('none');
    assert.deepEqual(CRYPTO_PROFILES.sm.acceptedSignatureAlgorithms, ['SM2SM3', 'ES256']);
    assert.equal(Object.isFrozen(CRYPTO_PROFILES.sm), true);
  });

  it('when a profile hashes, then it uses its own algorithm', () => {
    assert.equal(CRYPTO_PROFILES.sm.hashHex('abc'), digestHex('SM3', 'abc'));
    assert.equal(CRYPTO_PROFILES.international.hashHex('a', 'bc'), digestHex('SHA-256', 'abc'));
    assert.equal(CRYPTO_PROFILES.sm.hash('abc').length, 32);
  });

  it('when each profile makes a signing key, then it is of its algorithm and signs and verifies', () => {
    for (const profile of Object.values(CRYPTO_PROFILES)) {
      const { publicJwk, privateJwk } = profile.generateSigningKey();
      assert.equal(publicJwk.crv, profile.signatureAlgorithm === 'SM2SM3' ? 'SM2' : 'P-256');
      const data = Buffer.from(`audit ${profile.name}`);
      assert.equal(profile.verify(publicJwk, data, profile.sign(privateJwk, data)), true);
    }
  });

  it('when the international profile meets an SM2 key, then it neither signs nor verifies with it', () => {
    const { publicJwk, privateJwk } = generateKeyPair('SM2SM3');
    const data = Buffer.from('x');
    assert.throws(() => CRYPTO_PROFILES.international.sign(privateJwk, data), CryptoInputError);
    const signature = CRYPTO_PROFILES.sm.sign(privateJwk, data);
    assert.equal(CRYPTO_PROFILES.sm.verify(publicJwk, data, signature), true);
    assert.equal(CRYPTO_PROFILES.international.verify(publicJwk, data, signature), false);
  });

  it('when each profile encrypts, then its own key size applies and the other profile cannot decrypt', () => {
    const { sm, international } = CRYPTO_PROFILES;
    const smKey = sm.generateDataKey();
    const intlKey = international.generateDataKey();
    assert.equal(smKey.length, 16);
    assert.equal(intlKey.length, 32);
    const aad = Buffer.from('ctx');
    const plaintext = Buffer.from('ward 7');
    assert.deepEqual(sm.decrypt(smKey, sm.encrypt(smKey, plaintext, aad), aad), plaintext);
    assert.deepEqual(
      international.decrypt(intlKey, international.encrypt(intlKey, plaintext, aad), aad),
      plaintext,
    );
    const sealed = sm.encrypt(smKey, plaintext, aad);
    assert.throws(() => international.decrypt(Buffer.concat([smKey, smKey]), sealed, aad), DecryptionError);
  });

  it('when an unknown profile is named, then it is refused', () => {
    for (const name of ['SM', 'gm', '', 'constructor', '__proto__']) {
      assert.equal(isCryptoProfileName(name), false);
      assert.throws(() => cryptoProfile(name), CryptoInputError);
    }
  });
});
