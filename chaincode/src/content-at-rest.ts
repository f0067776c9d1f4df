/**
 * Content encrypted at rest in the custodian's implicit collection. Each version's content gets a
 * random data key (AES-256-GCM or SM4-GCM, after the consortium's profile); the content is sealed
 * with it and the data key is stored wrapped by the custodian's active key-encryption key (KEK),
 * which lives only in its chaincode server's keyring file. A copy of a peer's disk (state database,
 * private data store, blocks) therefore holds ciphertext, wrapped keys and hashes, never content.
 *
 * Determinism: sealing draws a random data key and nonces, so two endorsements of the same staging
 * would differ. Staging and re-wrapping are endorsed by exactly one peer of the custodian (the
 * registry's `custodian` endorsement; the implicit collection needs only that org), so there is one
 * simulation and nothing to agree on. Every transaction endorsed by two orgs (anchoring, erasure)
 * only compares hashes or purges keys, and never encrypts. A deterministic data key (derived from
 * the KEK and the transaction) would let two peers agree, but would survive the purge of its wrapped
 * copy, and crypto-shredding would no longer shred.
 */
import {
  CryptoInputError,
  DecryptionError,
  decryptRecord,
  encryptRecord,
  rewrapDataKey,
  type AeadAlgorithm,
  type EncryptedRecord,
  type Keyring,
  type WrappedDataKey,
} from '@medledger/crypto';
import {
  contentHashHex,
  ErrorCode,
  implicitCollection,
  type ContentEnvelope,
  type StoredAnchor,
} from '@medledger/domain';
import type { KeyringSource } from './custodian-keyring';
import { fail } from './errors';
import type { Ledger } from './ledger/store';
import { versionPart } from './ledger/keys';

/** The associated data both layers are bound to: a sealed content or wrapped key moved elsewhere fails. */
function contextOf(custodian: string, recordId: string, version: number): string {
  return `${implicitCollection(custodian)}\n${recordId}\n${versionPart(version)}`;
}

/** The keyring of the peer running this simulation, which must be the custodian's; `[KEY_UNAVAILABLE]`. */
function custodianKeyring(ledger: Ledger, keyrings: KeyringSource, custodian: string): Keyring {
  if (ledger.peerMsp !== custodian) return fail(ErrorCode.CONTENT_UNAVAILABLE, `peer of ${ledger.peerMsp}`);
  const keyring = keyrings(custodian);
  if (!keyring) return fail(ErrorCode.KEY_UNAVAILABLE, custodian);
  return keyring;
}

/** Seals a version's content under a new data key wrapped by the custodian's active KEK. */
export function sealVersion(
  ledger: Ledger,
  keyrings: KeyringSource,
  target: { custodian: string; recordId: string; version: number; algorithm: AeadAlgorithm },
  plaintext: Uint8Array,
): EncryptedRecord {
  const keyring = custodianKeyring(ledger, keyrings, target.custodian);
  return encryptRecord(
    keyring,
    target.algorithm,
    plaintext,
    contextOf(target.custodian, target.recordId, target.version),
  );
}

/**
 * Opens a version's content inside the custodian's chaincode server. `[KEY_UNAVAILABLE]` when the KEK
 * that wrapped its data key is not held; `[CONTENT_MISMATCH]` when it does not authenticate (altered
 * or moved from another record).
 */
export function openVersion(
  ledger: Ledger,
  keyrings: KeyringSource,
  target: { custodian: string; recordId: string; version: number },
  stored: EncryptedRecord,
): Buffer {
  const keyring = custodianKeyring(ledger, keyrings, target.custodian);
  try {
    return decryptRecord(keyring, stored, contextOf(target.custodian, target.recordId, target.version));
  } catch (err) {
    if (err instanceof CryptoInputError) return fail(ErrorCode.KEY_UNAVAILABLE, stored.wrappedKey.kid);
    if (err instanceof DecryptionError) return fail(ErrorCode.CONTENT_MISMATCH, target.recordId);
    throw err;
  }
}

/**
 * The content of an anchored version as its reader gets it: read from the custodian's collection,
 * decrypted here, inside the custodian's chaincode server, and checked against the anchor's hash under
 * the anchor's own algorithm (an anchor of an earlier profile keeps its algorithm). Every content read
 * goes through here, so none can hand out ciphertext or a wrapped key. Errors as {@link openVersion},
 * `[CONTENT_MISMATCH]` when the plaintext is not what was anchored, NOT_FOUND when it was purged.
 */
export async function readAnchoredContent(
  ledger: Ledger,
  keyrings: KeyringSource,
  anchor: StoredAnchor,
): Promise<ContentEnvelope> {
  const stored = await ledger.readContent(anchor.custodian, anchor.recordId, anchor.version);
  const bytes = openVersion(ledger, keyrings, anchor, stored);
  if (contentHashHex(anchor.hashAlgorithm, bytes) !== anchor.contentHash)
    return fail(ErrorCode.CONTENT_MISMATCH, anchor.recordId);
  return JSON.parse(bytes.toString('utf8')) as ContentEnvelope;
}

/** The id of the custodian's active KEK (public: a key id, never key material). */
export function activeKeyId(ledger: Ledger, keyrings: KeyringSource, custodian: string): string {
  return custodianKeyring(ledger, keyrings, custodian).active.id;
}

/**
 * A version's data key re-wrapped under the custodian's active KEK, or undefined when it is already
 * under it. The content is neither read nor rewritten. Errors as {@link openVersion}.
 */
export function rewrapVersion(
  ledger: Ledger,
  keyrings: KeyringSource,
  target: { custodian: string; recordId: string; version: number },
  wrapped: WrappedDataKey,
): WrappedDataKey | undefined {
  const keyring = custodianKeyring(ledger, keyrings, target.custodian);
  if (wrapped.kid === keyring.active.id) return undefined;
  try {
    return rewrapDataKey(keyring, wrapped, contextOf(target.custodian, target.recordId, target.version));
  } catch (err) {
    if (err instanceof CryptoInputError) return fail(ErrorCode.KEY_UNAVAILABLE, wrapped.kid);
    if (err instanceof DecryptionError) return fail(ErrorCode.CONTENT_MISMATCH, target.recordId);
    throw err;
  }
}
