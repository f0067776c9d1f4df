/**
 * Envelope encryption for content at rest in a custodian's private collection.
 *
 * Each record gets its own random data key; its content is sealed with that key, and the data key is
 * stored only wrapped (sealed) by a key-encryption key (KEK) that the custodian's chaincode server
 * holds outside the ledger. So:
 * - a copy of a peer's disk holds ciphertext and wrapped keys, and no KEK;
 * - rotating the KEK re-wraps data keys ({@link rewrapDataKey}) and never touches content;
 * - destroying a record's wrapped data key (purging it) leaves its content undecryptable everywhere it
 *   was copied to (crypto-shredding), which is why a data key is random and never derived from a KEK.
 *
 * The associated data of both layers names the layer, the algorithm and a caller context (for
 * example the collection, record id and version), so a wrapped key or a sealed content moved to
 * another record, relabelled with another algorithm, or swapped between the layers fails to open.
 */
import {
  decrypt,
  encrypt,
  generateAeadKey,
  isAeadAlgorithm,
  aeadKeyLength,
  DecryptionError,
  type AeadAlgorithm,
} from './aead';
import { CryptoInputError, fromBase64Url, toBase64Url } from './bytes';

/** A custodian's key-encryption key. Never written to the ledger, events, logs or errors. */
export interface KeyEncryptionKey {
  /** Opaque key id, stored beside each data key it wraps (e.g. `hospital1-kek-2026-01`). */
  readonly id: string;
  readonly algorithm: AeadAlgorithm;
  readonly key: Buffer;
}

/** The KEKs a custodian holds: the active one wraps new data keys, older ones still unwrap. */
export interface Keyring {
  readonly active: KeyEncryptionKey;
  get(id: string): KeyEncryptionKey | undefined;
  /** The ids of every key held, the active one included. */
  ids(): string[];
}

/** A data key wrapped by a KEK, as stored (JSON) apart from the content it opens. */
export interface WrappedDataKey {
  readonly v: 1;
  /** Id of the KEK that wrapped it. */
  readonly kid: string;
  /** The algorithm the data key is for (its content's). */
  readonly alg: AeadAlgorithm;
  /** base64url of `nonce || wrapped key || tag` under the KEK. */
  readonly wrapped: string;
}

/** Content sealed with a data key, as stored (JSON). */
export interface SealedContent {
  readonly v: 1;
  readonly alg: AeadAlgorithm;
  /** base64url of `nonce || ciphertext || tag`. */
  readonly sealed: string;
}

/** A record's content at rest: the sealed content and its wrapped data key, stored under separate keys. */
export interface EncryptedRecord {
  readonly wrappedKey: WrappedDataKey;
  readonly content: SealedContent;
}

const MAX_CONTEXT_LENGTH = 512;
const KID = /^[A-Za-z0-9._:-]{1,128}$/;

function associatedData(layer: 'data-key' | 'content', alg: AeadAlgorithm, context: string): Buffer {
  if (context.length === 0 || context.length > MAX_CONTEXT_LENGTH) {
    throw new CryptoInputError('envelope context: empty or too long');
  }
  return Buffer.from(`medledger/${layer}/v1\n${alg}\n${context}`, 'utf8');
}

/** A fresh random data key for content sealed with `algorithm`. */
export function generateDataKey(algorithm: AeadAlgorithm): Buffer {
  return generateAeadKey(algorithm);
}

/** Overwrites a key's bytes once it is no longer needed (best effort: JavaScript may hold copies). */
export function destroyKey(key: Buffer): void {
  key.fill(0);
}

/** Wraps `dataKey` (for content sealed with `algorithm`) under `kek`, bound to `context`. */
export function wrapDataKey(
  kek: KeyEncryptionKey,
  dataKey: Uint8Array,
  algorithm: AeadAlgorithm,
  context: string,
): WrappedDataKey {
  if (dataKey.length !== aeadKeyLength(algorithm)) throw new CryptoInputError('data key: wrong length');
  const sealed = encrypt(kek.algorithm, kek.key, dataKey, associatedData('data-key', algorithm, context));
  return { v: 1, kid: kek.id, alg: algorithm, wrapped: toBase64Url(sealed) };
}

/**
 * Unwraps a data key with the KEK of the keyring it names. Throws {@link CryptoInputError} when that
 * KEK is not held (retired and destroyed, or another custodian's) and {@link DecryptionError} when
 * the wrapped key does not authenticate for `context`.
 */
export function unwrapDataKey(keyring: Keyring, wrapped: WrappedDataKey, context: string): Buffer {
  const kek = keyring.get(wrapped.kid);
  if (!kek) throw new CryptoInputError(`key-encryption key not held: ${wrapped.kid}`);
  const dataKey = decrypt(
    kek.algorithm,
    kek.key,
    fromBase64Url(wrapped.wrapped, 'wrapped key'),
    associatedData('data-key', wrapped.alg, context),
  );
  if (dataKey.length !== aeadKeyLength(wrapped.alg)) throw new DecryptionError('data key: wrong length');
  return dataKey;
}

/**
 * Re-wraps a data key under the keyring's active KEK (key rotation). The content it opens is not
 * read or rewritten; a key already under the active KEK is returned as is.
 */
export function rewrapDataKey(keyring: Keyring, wrapped: WrappedDataKey, context: string): WrappedDataKey {
  if (wrapped.kid === keyring.active.id) return wrapped;
  const dataKey = unwrapDataKey(keyring, wrapped, context);
  try {
    return wrapDataKey(keyring.active, dataKey, wrapped.alg, context);
  } finally {
    destroyKey(dataKey);
  }
}

/** Seals `plaintext` with `dataKey` under `algorithm`, bound to `context`. */
export function sealContent(
  algorithm: AeadAlgorithm,
  dataKey: Uint8Array,
  plaintext: Uint8Array,
  context: string,
): SealedContent {
  const sealed = encrypt(algorithm, dataKey, plaintext, associatedData('content', algorithm, context));
  return { v: 1, alg: algorithm, sealed: toBase64Url(sealed) };
}

/** Opens sealed content; throws {@link DecryptionError} unless it authenticates under `dataKey` and `context`. */
export function openContent(dataKey: Uint8Array, content: SealedContent, context: string): Buffer {
  return decrypt(
    content.alg,
    dataKey,
    fromBase64Url(content.sealed, 'sealed content'),
    associatedData('content', content.alg, context),
  );
}

/** Encrypts a record's content under a new data key wrapped by the keyring's active KEK. */
export function encryptRecord(
  keyring: Keyring,
  algorithm: AeadAlgorithm,
  plaintext: Uint8Array,
  context: string,
): EncryptedRecord {
  const dataKey = generateDataKey(algorithm);
  try {
    return {
      wrappedKey: wrapDataKey(keyring.active, dataKey, algorithm, context),
      content: sealContent(algorithm, dataKey, plaintext, context),
    };
  } finally {
    destroyKey(dataKey);
  }
}

/** Decrypts what {@link encryptRecord} produced; throws as {@link unwrapDataKey} and {@link openContent}. */
export function decryptRecord(keyring: Keyring, record: EncryptedRecord, context: string): Buffer {
  if (record.wrappedKey.alg !== record.content.alg)
    throw new DecryptionError('data key is for another algorithm');
  const dataKey = unwrapDataKey(keyring, record.wrappedKey, context);
  try {
    return openContent(dataKey, record.content, context);
  } finally {
    destroyKey(dataKey);
  }
}

function parseStored(value: unknown, what: string, member: 'wrapped' | 'sealed'): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CryptoInputError(`${what}: not an object`);
  }
  const record = value as Record<string, unknown>;
  if (record.v !== 1 || !isAeadAlgorithm(record.alg) || typeof record[member] !== 'string') {
    throw new CryptoInputError(`${what}: malformed`);
  }
  return record;
}

/** Reads a stored {@link WrappedDataKey} (parsed JSON); throws {@link CryptoInputError} when malformed. */
export function parseWrappedDataKey(value: unknown): WrappedDataKey {
  const record = parseStored(value, 'wrapped key', 'wrapped');
  if (typeof record.kid !== 'string' || !KID.test(record.kid))
    throw new CryptoInputError('wrapped key: bad kid');
  return { v: 1, kid: record.kid, alg: record.alg as AeadAlgorithm, wrapped: record.wrapped as string };
}

/** Reads a stored {@link SealedContent} (parsed JSON); throws {@link CryptoInputError} when malformed. */
export function parseSealedContent(value: unknown): SealedContent {
  const record = parseStored(value, 'sealed content', 'sealed');
  return { v: 1, alg: record.alg as AeadAlgorithm, sealed: record.sealed as string };
}

/**
 * A keyring from its JSON document, as a custodian keeps it outside the ledger (a file only its
 * chaincode server can read, or a secret store):
 * `{"active": "<kid>", "keys": [{"id": "<kid>", "alg": "SM4-GCM" | "AES-256-GCM", "key": "<base64url>"}]}`.
 * Throws {@link CryptoInputError} on any malformed entry (never echoing key material).
 */
export function keyringFromJson(text: string): Keyring {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new CryptoInputError('keyring: not JSON');
  }
  if (typeof doc !== 'object' || doc === null) throw new CryptoInputError('keyring: not an object');
  const { active, keys } = doc as { active?: unknown; keys?: unknown };
  if (!Array.isArray(keys) || keys.length === 0) throw new CryptoInputError('keyring: no keys');
  const byId = new Map<string, KeyEncryptionKey>();
  for (const entry of keys as unknown[]) {
    const { id, alg, key } = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<
      string,
      unknown
    >;
    if (typeof id !== 'string' || !KID.test(id)) throw new CryptoInputError('keyring: bad key id');
    if (!isAeadAlgorithm(alg)) throw new CryptoInputError(`keyring: ${id}: unknown alg`);
    if (typeof key !== 'string') throw new CryptoInputError(`keyring: ${id}: no key`);
    const bytes = fromBase64Url(key, `keyring: ${id}: key`);
    if (bytes.length !== aeadKeyLength(alg))
      throw new CryptoInputError(`keyring: ${id}: key of wrong length`);
    if (byId.has(id)) throw new CryptoInputError(`keyring: ${id}: duplicate`);
    byId.set(id, { id, algorithm: alg, key: bytes });
  }
  const activeKey = typeof active === 'string' ? byId.get(active) : undefined;
  if (!activeKey) throw new CryptoInputError('keyring: active key not among keys');
  return { active: activeKey, get: (id) => byId.get(id), ids: () => [...byId.keys()] };
}

/**
 * A keyring document (see {@link keyringFromJson}) with a new random KEK `id` of `algorithm` as its
 * active key. The keys of `previous`, when given, are kept: they still unwrap the data keys they
 * wrapped until {@link rewrapDataKey} has moved every one to the new key and an operator removes them.
 */
export function addKeyringKey(previous: string | undefined, id: string, algorithm: AeadAlgorithm): string {
  if (!KID.test(id)) throw new CryptoInputError('keyring: bad key id');
  const old = previous === undefined ? undefined : keyringFromJson(previous);
  if (old?.get(id)) throw new CryptoInputError(`keyring: ${id}: duplicate`);
  const keys = (old?.ids() ?? []).flatMap((kid) => {
    const kek = old?.get(kid);
    return kek ? [{ id: kid, alg: kek.algorithm, key: toBase64Url(kek.key) }] : [];
  });
  keys.push({ id, alg: algorithm, key: toBase64Url(generateAeadKey(algorithm)) });
  return `${JSON.stringify({ active: id, keys }, null, 2)}\n`;
}
