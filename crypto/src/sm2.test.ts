import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { describe, it } from 'node:test';

import fc from 'fast-check';

import { bigIntToBytes } from './bytes';
import { digest } from './hash';
import { sm2, SM2_DEFAULT_ID, sm2OnCurve, SM2_RECOMMENDED_CURVE, type Sm2CurveParameters } from './sm2';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const big = (s: string): bigint => BigInt(`0x${s.replace(/\s+/g, '')}`);
const MESSAGE = Buffer.from('message digest');

/**
 * GB/T 32918.5-2017 (SM2 part 5, parameter definition) Annex A, the same example as GM/T
 * 0003.5-2012 Annex A: signature on the recommended curve with the default identifier.
 */
const RECOMMENDED = {
  id: '1234567812345678',
  d: '3945208F 7B2144B1 3F36E38A C6D39F95 88939369 2860B51A 42FB81EF 4DF7C5B8',
  publicKey: `04 09F9DF31 1E5421A1 50DD7D16 1E4BC5C6 72179FAD 1833FC07 6BB08FF3 56F35020
                 CCEA490C E26775A5 2DC6EA71 8CC1AA60 0AED05FB F35E084A 6632F607 2DA9AD13`,
  z: 'B2E14C5C 79C6DF5B 85F4FE7E D8DB7A26 2B9DA7E0 7CCB0EA9 F4747B8C CDA8A4F3',
  e: 'F0B43E94 BA45ACCA ACE692ED 534382EB 17E6AB5A 19CE7B31 F4486FDF C0D28640',
  k: '59276E27 D506861A 16680F3A D9C02DCC EF3CC1FA 3CDBE4CE 6D54B80D EAC1BC21',
  r: 'F5A03B06 48D2C463 0EEAC513 E1BB81A1 5944DA38 27D5B741 43AC7EAC EEE720B3',
  s: 'B1B6AA29 DF212FD8 763182BC 0D421CA1 BB9038FD 1F7F42D4 840B69C4 85BBC1AA',
};

/**
 * GB/T 32918.2-2016 (SM2 part 2, digital signature) Appendix A, the same example as GM/T
 * 0003.2-2012 Appendix A and draft-shen-sm2-ecdsa-02 Appendix A: a 256-bit test curve over F_p,
 * identifier ALICE123@YAHOO.COM.
 */
const TEST_CURVE: Sm2CurveParameters = {
  p: big('8542D69E 4C044F18 E8B92435 BF6FF7DE 45728391 5C45517D 722EDB8B 08F1DFC3'),
  a: big('787968B4 FA32C3FD 2417842E 73BBFEFF 2F3C848B 6831D7E0 EC65228B 3937E498'),
  b: big('63E4C6D3 B23B0C84 9CF84241 484BFE48 F61D59A5 B16BA06E 6E12D1DA 27C5249A'),
  n: big('8542D69E 4C044F18 E8B92435 BF6FF7DD 29772063 0485628D 5AE74EE7 C32E79B7'),
  Gx: big('421DEBD6 1B62EAB6 746434EB C3CC315E 32220B3B ADD50BDC 4C4E6C14 7FEDD43D'),
  Gy: big('0680512B CBB42C07 D47349D2 153B70C4 E5D7FDFC BFA36EA1 A85841B9 E46E09A2'),
};
const APPENDIX_A = {
  id: 'ALICE123@YAHOO.COM',
  d: '128B2FA8 BD433C6C 068C8D80 3DFF7979 2A519A55 171B1B65 0C23661D 15897263',
  publicKey: `04 0AE4C779 8AA0F119 471BEE11 825BE462 02BB79E2 A5844495 E97C04FF 4DF2548A
                 7C0240F8 8F1CD4E1 6352A73C 17B7F16F 07353E53 A176D684 A9FE0C6B B798E857`,
  z: 'F4A38489 E32B45B6 F876E3AC 2168CA39 2362DC8F 23459C1D 1146FC3D BFB7BC9A',
  e: 'B524F552 CD82B8B0 28476E00 5C377FB1 9A87E6FC 682D48BB 5D42E3D9 B9EFFE76',
  k: '6CB28D99 385C175C 94F94E93 4817663F C176D925 DD72B727 260DBAAE 1FB2F96F',
  r: '40F1EC59 F793D9F4 9E09DCEF 49130D41 94F79FB1 EED2CAA5 5BACDB49 C4E755D1',
  s: '6FC6DAC3 2C5D5CF1 0C77DFB2 0F7C2EB6 67A45787 2FB09EC5 6327A67E C7DEEBE7',
};

/** DER `SEQUENCE { INTEGER r, INTEGER s }` to `r || s` (OpenSSL speaks DER). */
function derToRaw(der: Buffer): Buffer {
  const ints: Buffer[] = [];
  let offset = 2;
  for (let i = 0; i < 2; i++) {
    const length = der[offset + 1] ?? 0;
    ints.push(der.subarray(offset + 2, offset + 2 + length));
    offset += 2 + length;
  }
  return Buffer.concat(ints.map((v) => Buffer.concat([Buffer.alloc(32), v]).subarray(-32)));
}

/** `r || s` to DER. */
function rawToDer(raw: Buffer): Buffer {
  const int = (v: Buffer): Buffer => {
    let body = v.subarray(v.findIndex((b) => b !== 0));
    if ((body[0] ?? 0) & 0x80) body = Buffer.concat([Buffer.from([0]), body]);
    return Buffer.concat([Buffer.from([0x02, body.length]), body]);
  };
  const seq = Buffer.concat([int(raw.subarray(0, 32)), int(raw.subarray(32))]);
  return Buffer.concat([Buffer.from([0x30, seq.length]), seq]);
}

/** An SM2 key (OID 1.2.156.10197.1.301) as OpenSSL reads it: with it OpenSSL signs SM2, not ECDSA. */
function openSslSm2Keys(
  d: Buffer,
  publicKey: Buffer,
): { privateKey: ReturnType<typeof createPrivateKey> } & {
  publicKey: ReturnType<typeof createPublicKey>;
} {
  const algorithm = hex('301306072a8648ce3d020106082a811ccf5501822d');
  const ecPrivateKey = Buffer.concat([
    hex('30770201010420'),
    d,
    hex('a00a06082a811ccf5501822da144034200'),
    publicKey,
  ]);
  const body = Buffer.concat([
    hex('020100'),
    algorithm,
    Buffer.from([0x04, ecPrivateKey.length]),
    ecPrivateKey,
  ]);
  const spkiBody = Buffer.concat([algorithm, hex('034200'), publicKey]);
  return {
    privateKey: createPrivateKey({
      key: Buffer.concat([Buffer.from([0x30, 0x81, body.length]), body]),
      format: 'der',
      type: 'pkcs8',
    }),
    publicKey: createPublicKey({
      key: Buffer.concat([Buffer.from([0x30, spkiBody.length]), spkiBody]),
      format: 'der',
      type: 'spki',
    }),
  };
}

/** The identifier OpenSSL hashes when none is set: empty before 4.0, the GM/T 0009 default from 4.0. */
const OPENSSL_DEFAULT_ID = Number(process.versions.openssl.split('.')[0]) < 4 ? '' : SM2_DEFAULT_ID;

describe('SM2 on the recommended curve (GB/T 32918.5 Annex A)', () => {
  const fixedK = sm2OnCurve(SM2_RECOMMENDED_CURVE, () => big(RECOMMENDED.k));
  const d = hex(RECOMMENDED.d);
  const publicKey = hex(RECOMMENDED.publicKey);

  it('when the example private key is given, then its public key is the example one', () => {
    assert.equal(sm2.publicKeyOf(d).toString('hex'), publicKey.toString('hex'));
  });

  it('when Z_A and e are computed, then they equal the example values', () => {
    const z = sm2.identityHash(publicKey, RECOMMENDED.id);
    assert.equal(z.toString('hex'), hex(RECOMMENDED.z).toString('hex'));
    assert.equal(digest('SM3', z, MESSAGE).toString('hex'), hex(RECOMMENDED.e).toString('hex'));
    assert.deepEqual(sm2.identityHash(publicKey), z, 'the default identifier is 1234567812345678');
  });

  it('when "message digest" is signed with the example k, then r and s are the example ones', () => {
    const signature = fixedK.sign(d, publicKey, MESSAGE, RECOMMENDED.id);
    assert.equal(signature.toString('hex'), hex(RECOMMENDED.r + RECOMMENDED.s).toString('hex'));
  });

  it('when the example signature is verified, then it holds, and fails for another message or identifier', () => {
    const signature = hex(RECOMMENDED.r + RECOMMENDED.s);
    assert.equal(sm2.verify(publicKey, MESSAGE, signature), true);
    assert.equal(sm2.verify(publicKey, MESSAGE, signature, RECOMMENDED.id), true);
    assert.equal(sm2.verify(publicKey, Buffer.from('message digesT'), signature), false);
    assert.equal(sm2.verify(publicKey, MESSAGE, signature, 'ALICE123@YAHOO.COM'), false);
    assert.equal(sm2.verify(publicKey, MESSAGE, signature, ''), false);
  });

  it('when r or s is out of range, zero, or sums to n, then verification fails without throwing', () => {
    const n = SM2_RECOMMENDED_CURVE.n;
    const r = big(RECOMMENDED.r);
    const s = big(RECOMMENDED.s);
    const raw = (a: bigint, b: bigint): Buffer => Buffer.concat([bigIntToBytes(a, 32), bigIntToBytes(b, 32)]);
    const max = 2n ** 256n - 1n;
    for (const [a, b] of [
      [0n, s],
      [r, 0n],
      [n, s],
      [r, n],
      [max, s],
      [r, max],
      [r, n - r],
    ] as const) {
      assert.equal(
        sm2.verify(publicKey, MESSAGE, raw(a, b)),
        false,
        `r=${a.toString(16)} s=${b.toString(16)}`,
      );
    }
    const signature = hex(RECOMMENDED.r + RECOMMENDED.s);
    assert.equal(sm2.verify(publicKey, MESSAGE, signature.subarray(0, 63)), false);
    assert.equal(sm2.verify(publicKey, MESSAGE, Buffer.concat([signature, Buffer.from([0])])), false);
    for (let i = 0; i < 64; i += 9) {
      const flipped = Buffer.from(signature);
      flipped[i] = (flipped[i] ?? 0) ^ 0x40;
      assert.equal(sm2.verify(publicKey, MESSAGE, flipped), false, `byte ${i}`);
    }
  });

  it('when the public key is not an uncompressed point on the curve, then verification fails', () => {
    const signature = hex(RECOMMENDED.r + RECOMMENDED.s);
    const offCurve = Buffer.from(publicKey);
    offCurve[64] = (offCurve[64] ?? 0) ^ 0x01;
    const compressed = Buffer.concat([Buffer.from([0x03]), publicKey.subarray(1, 33)]);
    const pAsX = Buffer.concat([
      Buffer.from([0x04]),
      bigIntToBytes(SM2_RECOMMENDED_CURVE.p, 32),
      publicKey.subarray(33),
    ]);
    for (const key of [offCurve, compressed, pAsX, Buffer.alloc(65), Buffer.alloc(0)]) {
      assert.equal(sm2.verify(key, MESSAGE, signature), false);
      assert.throws(() => {
        sm2.assertPublicKey(key);
      });
    }
  });

  it('when a private key is 0, n-1 or not 32 bytes, then signing refuses it; n-2 is a valid key', () => {
    const n = SM2_RECOMMENDED_CURVE.n;
    for (const bad of [
      Buffer.alloc(32),
      bigIntToBytes(n - 1n, 32),
      bigIntToBytes(n, 32),
      Buffer.alloc(31, 1),
    ]) {
      assert.throws(() => sm2.publicKeyOf(bad));
    }
    const last = bigIntToBytes(n - 2n, 32);
    const lastPublic = sm2.publicKeyOf(last);
    assert.equal(sm2.verify(lastPublic, MESSAGE, sm2.sign(last, lastPublic, MESSAGE)), true);
  });

  it('when the nonce source fails, then signing fails and verification still works', () => {
    const broken = sm2OnCurve(SM2_RECOMMENDED_CURVE, () => {
      throw new Error('no entropy');
    });
    assert.throws(() => broken.sign(d, publicKey, MESSAGE), /no entropy/);
    assert.equal(broken.verify(publicKey, MESSAGE, hex(RECOMMENDED.r + RECOMMENDED.s)), true);
  });

  it('when random keys sign random messages, then each verifies and fails for any other message', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.uint8Array({ minLength: 1, maxLength: 16 }),
        (m, other) => {
          const key = sm2.generatePrivateKey();
          const pub = sm2.publicKeyOf(key);
          const signature = sm2.sign(key, pub, m);
          const changed = Buffer.concat([m, other]);
          return sm2.verify(pub, m, signature) && !sm2.verify(pub, changed, signature);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('when two signatures are made of one message, then k differs and both verify', () => {
    const a = sm2.sign(d, publicKey, MESSAGE);
    const b = sm2.sign(d, publicKey, MESSAGE);
    assert.notDeepEqual(a, b);
    assert.equal(sm2.verify(publicKey, MESSAGE, a) && sm2.verify(publicKey, MESSAGE, b), true);
  });
});

describe('SM2 on the GB/T 32918.2 Appendix A test curve', () => {
  const curve = sm2OnCurve(TEST_CURVE, () => big(APPENDIX_A.k));
  const d = hex(APPENDIX_A.d);
  const publicKey = hex(APPENDIX_A.publicKey);

  it('when the example is worked, then the public key, Z_A, e, r and s are the appendix values', () => {
    assert.equal(curve.publicKeyOf(d).toString('hex'), publicKey.toString('hex'));
    const z = curve.identityHash(publicKey, APPENDIX_A.id);
    assert.equal(z.toString('hex'), hex(APPENDIX_A.z).toString('hex'));
    assert.equal(digest('SM3', z, MESSAGE).toString('hex'), hex(APPENDIX_A.e).toString('hex'));
    const signature = curve.sign(d, publicKey, MESSAGE, APPENDIX_A.id);
    assert.equal(signature.toString('hex'), hex(APPENDIX_A.r + APPENDIX_A.s).toString('hex'));
    assert.equal(curve.verify(publicKey, MESSAGE, signature, APPENDIX_A.id), true);
    assert.equal(curve.verify(publicKey, MESSAGE, signature), false, 'not under the default identifier');
  });
});

describe('SM2 against Node’s OpenSSL', () => {
  it('when OpenSSL makes an SM2 key pair, then the public key derived here is OpenSSL’s', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'SM2' });
    const sec1 = privateKey.export({ format: 'der', type: 'sec1' });
    const d = sec1.subarray(7, 39);
    const expected = publicKey.export({ format: 'der', type: 'spki' }).subarray(-65);
    assert.equal(sm2.publicKeyOf(d).toString('hex'), expected.toString('hex'));
  });

  it('when OpenSSL signs with an SM2 key, then it verifies here under the identifier OpenSSL hashes', () => {
    const d = sm2.generatePrivateKey();
    const publicKey = sm2.publicKeyOf(d);
    const keys = openSslSm2Keys(d, publicKey);
    const message = Buffer.from('patient consent, signed by OpenSSL');
    const signature = derToRaw(sign('sm3', message, keys.privateKey));
    assert.equal(sm2.verify(publicKey, message, signature, OPENSSL_DEFAULT_ID), true);
    assert.equal(sm2.verify(publicKey, Buffer.from('another message'), signature, OPENSSL_DEFAULT_ID), false);
  });

  it('when this module signs, then OpenSSL verifies the signature as SM2', () => {
    const d = sm2.generatePrivateKey();
    const publicKey = sm2.publicKeyOf(d);
    const keys = openSslSm2Keys(d, publicKey);
    const message = Buffer.from('patient consent, signed here');
    const signature = rawToDer(sm2.sign(d, publicKey, message, OPENSSL_DEFAULT_ID));
    assert.equal(verify('sm3', message, keys.publicKey, signature), true);
    assert.equal(verify('sm3', Buffer.from('tampered'), keys.publicKey, signature), false);
  });
});
