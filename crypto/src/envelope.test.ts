import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';

import { AEAD_ALGORITHMS, aeadKeyLength, DecryptionError, generateAeadKey, type AeadAlgorithm } from './aead';
import { CryptoInputError, toBase64Url } from './bytes';
import {
  addKeyringKey,
  decryptRecord,
  encryptRecord,
  keyringFromJson,
  openContent,
  parseSealedContent,
  parseWrappedDataKey,
  rewrapDataKey,
  unwrapDataKey,
  wrapDataKey,
  type KeyEncryptionKey,
  type Keyring,
} from './envelope';

function kek(algorithm: AeadAlgorithm): KeyEncryptionKey {
  return { id: `kek-${randomBytes(4).toString('hex')}`, algorithm, key: generateAeadKey(algorithm) };
}

function keyring(active: KeyEncryptionKey, ...older: KeyEncryptionKey[]): Keyring {
  const all = new Map([active, ...older].map((k) => [k.id, k]));
  return { active, get: (id) => all.get(id), ids: () => [...all.keys()] };
}

function context(): string {
  return `_implicit_org_Hospital1MSP/record-${randomBytes(6).toString('hex')}/1`;
}

describe('envelope encryption', () => {
  for (const algorithm of AEAD_ALGORITHMS) {
    it(`when a record is encrypted with ${algorithm}, then its stored form holds no plaintext and decrypts back`, () => {
      const ring = keyring(kek(algorithm));
      const ctx = context();
      const canary = `CANARY-${randomBytes(8).toString('hex')}`;
      const plaintext = Buffer.from(JSON.stringify({ resourceType: 'Condition', note: canary }));
      const record = encryptRecord(ring, algorithm, plaintext, ctx);
      const stored = JSON.stringify(record);
      assert.equal(stored.includes(canary), false);
      assert.equal(stored.includes(toBase64Url(ring.active.key)), false);
      assert.equal(record.wrappedKey.kid, ring.active.id);
      assert.equal(record.content.alg, algorithm);
      const parsed = {
        wrappedKey: parseWrappedDataKey(JSON.parse(JSON.stringify(record.wrappedKey))),
        content: parseSealedContent(JSON.parse(JSON.stringify(record.content))),
      };
      assert.deepEqual(decryptRecord(ring, parsed, ctx), plaintext);
    });
  }

  it('when the KEK rotates, then data keys are re-wrapped, content is untouched, and the old KEK can go', () => {
    const oldKek = kek('SM4-GCM');
    const newKek = kek('SM4-GCM');
    const ctx = context();
    const plaintext = Buffer.from('allergy: penicillin');
    const record = encryptRecord(keyring(oldKek), 'SM4-GCM', plaintext, ctx);
    const rotating = keyring(newKek, oldKek);
    const rewrapped = rewrapDataKey(rotating, record.wrappedKey, ctx);
    assert.equal(rewrapped.kid, newKek.id);
    assert.notEqual(rewrapped.wrapped, record.wrappedKey.wrapped);
    assert.equal(rewrapDataKey(rotating, rewrapped, ctx), rewrapped, 'already under the active KEK');
    const afterRetirement = keyring(newKek);
    assert.deepEqual(
      decryptRecord(afterRetirement, { wrappedKey: rewrapped, content: record.content }, ctx),
      plaintext,
    );
    assert.throws(() => decryptRecord(afterRetirement, record, ctx), /key-encryption key not held/);
  });

  it('when the wrapped data key is destroyed, then no keyring opens the content (crypto-shredding)', () => {
    const ring = keyring(kek('AES-256-GCM'));
    const ctx = context();
    const record = encryptRecord(ring, 'AES-256-GCM', Buffer.from('discharge summary'), ctx);
    // What survives erasure elsewhere (a backup, another copy) is the sealed content alone; the KEK
    // opens only data keys, so it does not open content, nor does any other key.
    assert.throws(() => openContent(ring.active.key, record.content, ctx), DecryptionError);
    assert.throws(() => openContent(generateAeadKey('AES-256-GCM'), record.content, ctx), DecryptionError);
  });

  it('when wrapped key or content is moved to another record, relabelled, or the layers are swapped, then opening fails', () => {
    const ring = keyring(kek('SM4-GCM'));
    const ctx = context();
    const record = encryptRecord(ring, 'SM4-GCM', Buffer.from('x-ray report'), ctx);
    const dataKey = unwrapDataKey(ring, record.wrappedKey, ctx);
    assert.throws(() => unwrapDataKey(ring, record.wrappedKey, context()), DecryptionError);
    assert.throws(() => openContent(dataKey, record.content, context()), DecryptionError);
    // The layers use distinct associated data, so a wrapped key cannot pass for content or back.
    const asContent = { v: 1 as const, alg: 'SM4-GCM' as const, sealed: record.wrappedKey.wrapped };
    assert.throws(() => openContent(ring.active.key, asContent, ctx), DecryptionError);
    const relabelled = { ...record.content, alg: 'AES-256-GCM' as const };
    assert.throws(
      () => decryptRecord(ring, { wrappedKey: record.wrappedKey, content: relabelled }, ctx),
      DecryptionError,
    );
    const otherRecord = encryptRecord(ring, 'SM4-GCM', Buffer.from('other'), ctx);
    assert.throws(
      () => decryptRecord(ring, { wrappedKey: otherRecord.wrappedKey, content: record.content }, ctx),
      DecryptionError,
    );
  });

  it('when a data key of the wrong length is wrapped, or the context is empty or huge, then it is refused', () => {
    const k = kek('SM4-GCM');
    assert.throws(() => wrapDataKey(k, Buffer.alloc(32), 'SM4-GCM', context()), CryptoInputError);
    assert.throws(() => wrapDataKey(k, Buffer.alloc(16), 'SM4-GCM', ''), CryptoInputError);
    assert.throws(() => wrapDataKey(k, Buffer.alloc(16), 'SM4-GCM', 'c'.repeat(513)), CryptoInputError);
    const wrapped = wrapDataKey(k, Buffer.alloc(aeadKeyLength('AES-256-GCM')), 'AES-256-GCM', 'ctx');
    assert.equal(unwrapDataKey(keyring(k), wrapped, 'ctx').length, 32);
  });

  it('when stored envelopes are malformed, then parsing refuses them', () => {
    for (const value of [
      null,
      [],
      { v: 2, alg: 'SM4-GCM', sealed: 'AA' },
      { v: 1, alg: 'SM4-CBC', sealed: 'AA' },
      { v: 1, alg: 'SM4-GCM' },
    ]) {
      assert.throws(() => parseSealedContent(value), CryptoInputError);
    }
    for (const value of [
      { v: 1, alg: 'SM4-GCM', wrapped: 'AA' },
      { v: 1, alg: 'SM4-GCM', wrapped: 'AA', kid: 'bad kid!' },
    ]) {
      assert.throws(() => parseWrappedDataKey(value), CryptoInputError);
    }
  });

  it('when a keyring document is read, then the active key wraps and the others unwrap', () => {
    const sm4 = generateAeadKey('SM4-GCM');
    const aes = generateAeadKey('AES-256-GCM');
    const ring = keyringFromJson(
      JSON.stringify({
        active: 'hospital1-kek-2',
        keys: [
          { id: 'hospital1-kek-1', alg: 'AES-256-GCM', key: toBase64Url(aes) },
          { id: 'hospital1-kek-2', alg: 'SM4-GCM', key: toBase64Url(sm4) },
        ],
      }),
    );
    assert.equal(ring.active.id, 'hospital1-kek-2');
    assert.deepEqual(ring.active.key, sm4);
    assert.deepEqual(ring.get('hospital1-kek-1')?.key, aes);
    assert.equal(ring.get('hospital1-kek-3'), undefined);
  });

  it('when a keyring document is malformed, then it is refused without echoing key material', () => {
    const secret = toBase64Url(generateAeadKey('SM4-GCM'));
    const docs = [
      'not json',
      '{}',
      JSON.stringify({ active: 'a', keys: [] }),
      JSON.stringify({ active: 'b', keys: [{ id: 'a', alg: 'SM4-GCM', key: secret }] }),
      JSON.stringify({ active: 'a', keys: [{ id: 'a', alg: 'AES-256-GCM', key: secret }] }),
      JSON.stringify({ active: 'a', keys: [{ id: 'a', alg: 'SM4', key: secret }] }),
      JSON.stringify({ active: 'a', keys: [{ id: 'a b', alg: 'SM4-GCM', key: secret }] }),
      JSON.stringify({ active: 'a', keys: [{ id: 'a', alg: 'SM4-GCM', key: `${secret}=` }] }),
      JSON.stringify({
        active: 'a',
        keys: [
          { id: 'a', alg: 'SM4-GCM', key: secret },
          { id: 'a', alg: 'SM4-GCM', key: secret },
        ],
      }),
    ];
    for (const doc of docs) {
      assert.throws(
        () => keyringFromJson(doc),
        (err: unknown) => err instanceof CryptoInputError && !err.message.includes(secret),
        doc,
      );
    }
  });

  it('when a keyring is created and then rotated, then the new key is active and the old one still unwraps', () => {
    const first = addKeyringKey(undefined, 'hospital1-kek-1', 'SM4-GCM');
    const ring1 = keyringFromJson(first);
    const ctx = context();
    const record = encryptRecord(ring1, 'SM4-GCM', Buffer.from('vaccination'), ctx);
    const second = keyringFromJson(addKeyringKey(first, 'hospital1-kek-2', 'SM4-GCM'));
    assert.equal(second.active.id, 'hospital1-kek-2');
    assert.deepEqual(second.ids().sort(), ['hospital1-kek-1', 'hospital1-kek-2']);
    assert.notDeepEqual(second.active.key, ring1.active.key);
    assert.deepEqual(decryptRecord(second, record, ctx), Buffer.from('vaccination'));
    assert.equal(rewrapDataKey(second, record.wrappedKey, ctx).kid, 'hospital1-kek-2');
    assert.throws(() => addKeyringKey(first, 'hospital1-kek-1', 'SM4-GCM'), /duplicate/);
    assert.throws(() => addKeyringKey(first, 'bad id', 'SM4-GCM'), CryptoInputError);
  });
});
