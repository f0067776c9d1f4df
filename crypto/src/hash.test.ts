import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { digest, digestHex, HASH_ALGORITHMS, HASH_LENGTH, isHashAlgorithm } from './hash';

describe('hash', () => {
  // GB/T 32905-2016 (SM3) Appendix A, example 1: the 3-byte message "abc".
  it('when SM3 hashes "abc", then it gives the GB/T 32905 Appendix A.1 digest', () => {
    assert.equal(digestHex('SM3', 'abc'), '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0');
  });

  // GB/T 32905-2016 Appendix A, example 2: "abcd" repeated 16 times (64 bytes, two blocks with padding).
  it('when SM3 hashes the 64-byte "abcd..." message, then it gives the GB/T 32905 Appendix A.2 digest', () => {
    assert.equal(
      digestHex('SM3', 'abcd'.repeat(16)),
      'debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732',
    );
  });

  // FIPS 180-2 Appendix B.1 (SHA-256 of "abc").
  it('when SHA-256 hashes "abc", then it gives the FIPS 180-2 Appendix B.1 digest', () => {
    assert.equal(
      digestHex('SHA-256', 'abc'),
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });

  it('when a message is hashed in parts, then the digest is that of the parts joined', () => {
    for (const algorithm of HASH_ALGORITHMS) {
      const parts = [Buffer.from('salt-'), 'record ', Buffer.from([0, 1, 2, 255])];
      const joined = Buffer.concat(parts.map((p) => Buffer.from(p)));
      assert.deepEqual(digest(algorithm, ...parts), digest(algorithm, joined));
      assert.equal(digest(algorithm, joined).length, HASH_LENGTH);
    }
  });

  it('when the two algorithms hash the same message, then the digests differ', () => {
    assert.notEqual(digestHex('SM3', 'abc'), digestHex('SHA-256', 'abc'));
  });

  it('when names are checked, then only the known algorithms pass', () => {
    assert.equal(isHashAlgorithm('SM3'), true);
    assert.equal(isHashAlgorithm('SHA-256'), true);
    for (const name of ['sm3', 'sha256', 'MD5', '', 'toString', '__proto__', 3, null]) {
      assert.equal(isHashAlgorithm(name), false, String(name));
    }
  });
});
