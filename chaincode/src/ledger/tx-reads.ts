import { createHash } from 'node:crypto';
import type { Context } from 'fabric-contract-api';
import type { ChaincodeStub, Iterators } from 'fabric-shim';

/** The stub's point reads (tests pass an in-memory stub with the same shape). */
type ReadStub = Pick<
  ChaincodeStub,
  'getState' | 'getMultipleStates' | 'getPrivateData' | 'getPrivateDataHash'
>;

const EMPTY = new Uint8Array(0);

function utf8(key: string): Buffer {
  return Buffer.from(key, 'utf8');
}

/**
 * What one transaction has read from its peer, so that no value is asked for twice: every point
 * read (`getState`, `getPrivateData`, `getPrivateDataHash`) and every range read is one round trip
 * between the chaincode server and the peer, at each endorser.
 *
 * Fabric's semantics are kept exactly: a peer answers every read from committed state, never with
 * the transaction's own writes (no read-your-writes), so a value read once is what the peer would
 * answer again for the rest of the transaction, whatever the transaction writes meanwhile; writes
 * therefore leave this cache alone. What is answered from here changes no read set: the first read
 * of a key put it in the read set, a repeated read adds nothing there, and a private value's hash
 * read is recorded as the same hashed read as the value's. A key inside a public range the
 * transaction read to its end (the peer returned every key of the range) exists exactly when the
 * range returned it: the range is in the read set, and a key created or changed inside it before
 * the commit invalidates the transaction as a point read of that key would.
 *
 * One per transaction: it lives on the transaction's context object ({@link txReadsOf}), never in a
 * module, so nothing outlives the transaction and every endorser starts empty.
 */
export class TxReads {
  readonly #stub: ReadStub;
  readonly #state = new Map<string, Uint8Array>();
  readonly #private = new Map<string, Map<string, Uint8Array>>();
  readonly #hashes = new Map<string, Map<string, Uint8Array>>();
  /** Public ranges read to their end, as UTF-8 bytes (the peer's key order): [start, end). */
  readonly #ranges: { start: Buffer; end: Buffer }[] = [];

  constructor(stub: ReadStub) {
    this.#stub = stub;
  }

  /** The committed value of a public key (empty when absent), from the peer once per transaction. */
  async state(key: string): Promise<Uint8Array> {
    const known = this.known(key);
    if (known !== undefined) return known;
    const bytes = await this.#stub.getState(key);
    this.#state.set(key, bytes);
    return bytes;
  }

  /**
   * Reads the public keys the transaction has not read yet in one round trip (the peer's multi-key
   * read; fabric-shim asks key by key when the peer does not offer it), so that {@link state} answers
   * them from here. Each key enters the read set as a `getState` of it would.
   *
   * A Fabric 3.1 peer that cannot read its state database for a multi-key read answers it with no value
   * at all and records no read (where `getState` fails the transaction): such an answer fails the
   * transaction here, so that no key is taken for absent. Read ahead only keys whose absence refuses.
   */
  async readAhead(keys: readonly string[]): Promise<void> {
    const wanted = [...new Set(keys)].filter((key) => this.known(key) === undefined);
    const [only] = wanted;
    if (wanted.length <= 1) {
      if (only !== undefined) await this.state(only);
      return;
    }
    const values = await this.#stub.getMultipleStates(...wanted);
    if (values.length !== wanted.length) {
      throw new Error(
        `the peer answered ${String(values.length)} of ${String(wanted.length)} keys read together`,
      );
    }
    wanted.forEach((key, i) => this.#state.set(key, values[i] ?? EMPTY));
  }

  /**
   * What the transaction already knows of a public key without asking the peer: its value (empty when
   * absent), or undefined when it has not read the key.
   */
  known(key: string): Uint8Array | undefined {
    return this.#state.get(key) ?? (this.#inReadRange(key) ? EMPTY : undefined);
  }

  /**
   * The committed value of a private key (empty when absent), from the peer once per transaction. A
   * peer outside the collection refuses a value that exists: the refusal is not kept, so it is asked
   * (and refused) again.
   */
  async privateData(collection: string, key: string): Promise<Uint8Array> {
    const values = this.#private.get(collection) ?? new Map<string, Uint8Array>();
    const known = values.get(key);
    if (known !== undefined) return known;
    const bytes = await this.#stub.getPrivateData(collection, key);
    values.set(key, bytes);
    this.#private.set(collection, values);
    return bytes;
  }

  /**
   * The hash of a private key's committed value (empty when absent): SHA-256 of the value when the
   * transaction read the value already, else from the peer once per transaction.
   */
  async privateDataHash(collection: string, key: string): Promise<Uint8Array> {
    const hashes = this.#hashes.get(collection) ?? new Map<string, Uint8Array>();
    const known = hashes.get(key);
    if (known !== undefined) return known;
    const value = this.#private.get(collection)?.get(key);
    const hash =
      value === undefined
        ? await this.#stub.getPrivateDataHash(collection, key)
        : value.length === 0
          ? EMPTY
          : createHash('sha256').update(value).digest();
    hashes.set(key, hash);
    this.#hashes.set(collection, hashes);
    return hash;
  }

  /**
   * Keeps what a public range read returned: each key's value, and, when the range was read to its
   * end (`complete`), that no other key in [start, end) exists.
   */
  rangeRead(start: string, end: string, kvs: readonly Iterators.KV[], complete: boolean): void {
    for (const kv of kvs) this.#state.set(kv.key, kv.value);
    if (complete) this.#ranges.push({ start: utf8(start), end: utf8(end) });
  }

  #inReadRange(key: string): boolean {
    const k = utf8(key);
    return this.#ranges.some((r) => Buffer.compare(k, r.start) >= 0 && Buffer.compare(k, r.end) < 0);
  }
}

/** Where a context keeps its transaction's reads: a property of the context object itself. */
const TX_READS = Symbol('medledger.txReads');

/** The reads of the transaction `ctx` belongs to (one context per transaction, made by the contract API). */
export function txReadsOf(ctx: Context): TxReads {
  const holder = ctx as Context & { [TX_READS]?: TxReads };
  holder[TX_READS] ??= new TxReads(ctx.stub);
  return holder[TX_READS];
}
