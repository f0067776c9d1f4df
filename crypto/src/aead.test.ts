import assert from 'node:assert/strict';
import { createCipheriv } from 'node:crypto';
import { describe, it } from 'node:test';

import {
  AEAD_ALGORITHMS,
  AEAD_NONCE_BYTES,
  AEAD_TAG_BYTES,
  aeadKeyLength,
  aeadOpen,
  aeadSeal,
  decrypt,
  DecryptionError,
  encrypt,
  generateAeadKey,
  isAeadAlgorithm,
} from './aead';
import { CryptoInputError } from './bytes';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

interface Vector {
  key: string;
  nonce: string;
  aad: string;
  plaintext: string;
  ciphertext: string;
  tag: string;
}

// RFC 8998 (ShangMi cipher suites for TLS 1.3), Appendix A.1, SM4-GCM test vector.
const SM4_GCM_RFC8998: Vector = {
  key: '0123456789ABCDEFFEDCBA9876543210',
  nonce: '00001234567800000000ABCD',
  aad: 'FEEDFACEDEADBEEFFEEDFACEDEADBEEFABADDAD2',
  plaintext: `AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBB CCCCCCCCCCCCCCCCDDDDDDDDDDDDDDDD
              EEEEEEEEEEEEEEEEFFFFFFFFFFFFFFFF EEEEEEEEEEEEEEEEAAAAAAAAAAAAAAAA`,
  ciphertext: `17F399F08C67D5EE19D0DC9969C4BB7D 5FD46FD3756489069157B282BB200735
               D82710CA5C22F0CCFA7CBF93D496AC15 A56834CBCF98C397B4024A2691233B8D`,
  tag: '83DE3541E4C2B58177E065A9BF7B62EC',
};

// NIST CAVP GCM test vectors (gcmtestvectors.zip), gcmEncryptExtIV256.rsp,
// [Keylen = 256] [IVlen = 96] [PTlen = 128] [AADlen = 0] [Taglen = 128], Count = 0.
const AES_256_GCM_CAVP: Vector = {
  key: '31bdadd96698c204aa9ce1448ea94ae1fb4a9a0b3c9d773b51bb1822666b8f22',
  nonce: '0d18e06c7c725ac9e362e1ce',
  aad: '',
  plaintext: '2db5168e932556f8089a0622981d017d',
  ciphertext: 'fa4362189661d163fcd6a56d8bf0405a',
  tag: 'd636ac1bbedd5cc3ee727dc2ab4a9489',
};

// McGrew and Viega, "The Galois/Counter Mode of Operation (GCM)", the specification submitted to
// NIST for SP 800-38D, Appendix B, Test Case 16 (AES-256, 60-byte plaintext, 20-byte AAD).
const AES_256_GCM_SPEC_TC16: Vector = {
  key: 'feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308',
  nonce: 'cafebabefacedbaddecaf888',
  aad: 'feedfacedeadbeeffeedfacedeadbeefabaddad2',
  plaintext: `d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72
              1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39`,
  ciphertext: `522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa
               8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662`,
  tag: '76fc6ece0f4e1768cddf8853bb2d551b',
};

function checkVector(algorithm: 'AES-256-GCM' | 'SM4-GCM', v: Vector): void {
  const sealed = aeadSeal(algorithm, hex(v.key), hex(v.nonce), hex(v.plaintext), hex(v.aad));
  assert.equal(sealed.ciphertext.toString('hex'), hex(v.ciphertext).toString('hex'));
  assert.equal(sealed.tag.toString('hex'), hex(v.tag).toString('hex'));
  const opened = aeadOpen(algorithm, hex(v.key), hex(v.nonce), hex(v.ciphertext), hex(v.tag), hex(v.aad));
  assert.equal(opened.toString('hex'), hex(v.plaintext).toString('hex'));
}

describe('SM4 block cipher (GB/T 32907-2016)', () => {
  const key = hex('0123456789abcdeffedcba9876543210');

  function sm4Encrypt(block: Buffer, times: number): Buffer {
    // The standard's examples are raw block encryptions, i.e. ECB on one block without padding.
    const cipher = createCipheriv('sm4-ecb', key, null).setAutoPadding(false);
    let out = block;
    for (let i = 0; i < times; i++) out = cipher.update(out);
    return out;
  }

  // GB/T 32907-2016 Appendix A, example 1: plaintext = key = 0123456789abcdeffedcba9876543210.
  it('when the standard block is encrypted once, then it gives the GB/T 32907 Appendix A.1 ciphertext', () => {
    assert.equal(sm4Encrypt(key, 1).toString('hex'), '681edf34d206965e86b3e94f536e4246');
  });

  // GB/T 32907-2016 Appendix A, example 2: the same block encrypted 1,000,000 times under the same key.
  it('when the standard block is encrypted 1,000,000 times, then it gives the Appendix A.2 ciphertext', () => {
    assert.equal(sm4Encrypt(key, 1_000_000).toString('hex'), '595298c7c6fd271f0402f804c33d3f66');
  });
});

describe('aead', () => {
  it('when SM4-GCM seals the RFC 8998 A.1 vector, then ciphertext and tag match and it opens back', () => {
    checkVector('SM4-GCM', SM4_GCM_RFC8998);
  });

  it('when AES-256-GCM seals the NIST CAVP gcmEncryptExtIV256 vector, then ciphertext and tag match', () => {
    checkVector('AES-256-GCM', AES_256_GCM_CAVP);
  });

  it('when AES-256-GCM seals GCM test case 16 (with AAD), then ciphertext and tag match', () => {
    checkVector('AES-256-GCM', AES_256_GCM_SPEC_TC16);
  });

  for (const algorithm of AEAD_ALGORITHMS) {
    it(`when ${algorithm} content round-trips, then it opens to the plaintext and each sealing differs`, () => {
      const key = generateAeadKey(algorithm);
      assert.equal(key.length, aeadKeyLength(algorithm));
      const plaintext = Buffer.from(`diagnosis canary ${algorithm}`);
      const aad = Buffer.from('record-1/v1');
      const a = encrypt(algorithm, key, plaintext, aad);
      const b = encrypt(algorithm, key, plaintext, aad);
      assert.notDeepEqual(a, b, 'a fresh nonce each time');
      assert.equal(a.length, AEAD_NONCE_BYTES + plaintext.length + AEAD_TAG_BYTES);
      assert.equal(a.includes(plaintext), false);
      assert.deepEqual(decrypt(algorithm, key, a, aad), plaintext);
      assert.deepEqual(decrypt(algorithm, key, b, aad), plaintext);
    });

    it(`when ${algorithm} ciphertext, tag, nonce, AAD or key change, then opening fails`, () => {
      const key = generateAeadKey(algorithm);
      const aad = Buffer.from('record-2/v1');
      const sealed = encrypt(algorithm, key, Buffer.from('lab result'), aad);
      for (const index of [0, AEAD_NONCE_BYTES, sealed.length - 1]) {
        const tampered = Buffer.from(sealed);
        tampered[index] = (tampered[index] ?? 0) ^ 0x01;
        assert.throws(() => decrypt(algorithm, key, tampered, aad), DecryptionError, `byte ${index}`);
      }
      assert.throws(() => decrypt(algorithm, key, sealed, Buffer.from('record-3/v1')), DecryptionError);
      assert.throws(() => decrypt(algorithm, generateAeadKey(algorithm), sealed, aad), DecryptionError);
      assert.throws(() => decrypt(algorithm, key, sealed.subarray(0, 27), aad), DecryptionError);
    });
  }

  it('when a key or nonce has the wrong length, then it is refused before any OpenSSL call', () => {
    assert.throws(
      () => encrypt('SM4-GCM', Buffer.alloc(32), Buffer.from('x'), Buffer.alloc(0)),
      CryptoInputError,
    );
    assert.throws(
      () => encrypt('AES-256-GCM', Buffer.alloc(16), Buffer.from('x'), Buffer.alloc(0)),
      CryptoInputError,
    );
    assert.throws(
      () => aeadSeal('SM4-GCM', Buffer.alloc(16), Buffer.alloc(16), Buffer.from('x'), Buffer.alloc(0)),
      CryptoInputError,
    );
  });

  it('when the two algorithms seal under keys of the same bytes, then neither opens the other', () => {
    const key = generateAeadKey('SM4-GCM');
    const sealed = encrypt('SM4-GCM', key, Buffer.from('x'), Buffer.alloc(0));
    assert.throws(
      () => decrypt('AES-256-GCM', Buffer.concat([key, key]), sealed, Buffer.alloc(0)),
      DecryptionError,
    );
  });

  it('when names are checked, then only the known algorithms pass', () => {
    assert.equal(isAeadAlgorithm('SM4-GCM'), true);
    assert.equal(isAeadAlgorithm('AES-256-GCM'), true);
    for (const name of ['sm4-gcm', 'A256GCM', 'SM4-CBC', 'constructor', undefined]) {
      assert.equal(isAeadAlgorithm(name), false, String(name));
    }
  });
});
