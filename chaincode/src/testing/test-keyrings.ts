import { addKeyringKey, keyringFromJson, type AeadAlgorithm, type Keyring } from '@medledger/crypto';
import { orgSlugOf } from '@medledger/domain';
import type { KeyringSource } from '../custodian-keyring';

/**
 * The keyring files of each org's chaincode server, for unit tests: one keyring document per org,
 * made on first use with a random key-encryption key, read afresh on every use as the server reads
 * its file. Tests rotate a KEK, retire an old one or take the file away, as an operator would.
 */
export class TestKeyrings {
  readonly #docs = new Map<string, string>();
  readonly #algorithm: AeadAlgorithm;
  #serial = 0;

  constructor(algorithm: AeadAlgorithm = 'AES-256-GCM') {
    this.#algorithm = algorithm;
  }

  /** What the chaincode server of `peerMsp` holds. */
  readonly source: KeyringSource = (peerMsp) => {
    const doc = this.#doc(peerMsp);
    return doc === undefined ? undefined : keyringFromJson(doc);
  };

  #doc(mspId: string): string | undefined {
    if (!this.#docs.has(mspId))
      this.#docs.set(mspId, addKeyringKey(undefined, this.#nextId(mspId), this.#algorithm));
    const doc = this.#docs.get(mspId);
    return doc === '' ? undefined : doc;
  }

  #nextId(mspId: string): string {
    this.#serial += 1;
    return `${orgSlugOf(mspId)}-kek-${String(this.#serial)}`;
  }

  /** Adds a new active KEK to the org's keyring (the old ones still unwrap); returns its id. */
  rotate(mspId: string): string {
    const id = this.#nextId(mspId);
    this.#docs.set(mspId, addKeyringKey(this.#doc(mspId), id, this.#algorithm));
    return id;
  }

  /** Keeps only the active KEK (an operator retiring the old ones after re-wrapping). */
  retireOld(mspId: string): void {
    const keyring: Keyring | undefined = this.source(mspId);
    if (!keyring) return;
    const active = keyring.active;
    this.#docs.set(
      mspId,
      JSON.stringify({
        active: active.id,
        keys: [{ id: active.id, alg: active.algorithm, key: active.key.toString('base64url') }],
      }),
    );
  }

  /** The org's chaincode server loses its keyring file. */
  remove(mspId: string): void {
    this.#docs.set(mspId, '');
  }
}

/** The keyrings of harnesses that do not bring their own (a cloned ledger's harness shares them). */
export const sharedTestKeyrings = new TestKeyrings();
