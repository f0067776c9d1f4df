import { createHash } from 'node:crypto';
import { chaincodeCollections, implicitCollection } from '@medledger/domain';
import { Context } from 'fabric-contract-api';
import { ClientIdentity } from 'fabric-shim';
import type { ChaincodeStub, Iterators } from 'fabric-shim';
import { decodePolicy, satisfiedBy } from '../ledger/policies';
import type { FakeSigner } from './fake-identity';
import { TestCertificateAuthority } from './test-ca';

const NS = '\u0000';
const MAX_RUNE = '\u{10FFFF}';
const CHAINCODE = 'medledger';

/** A value in the transient map: bytes, a string, or a value serialized as JSON. */
export type TransientValue = Uint8Array | string | object;

/** One transaction to simulate. */
export interface TxOptions {
  signer: FakeSigner;
  /** The transaction id; a fresh deterministic one when omitted. */
  txId?: string;
  /** The transaction timestamp; the ledger clock (advanced one second per transaction) when omitted. */
  time?: Date;
  transient?: Readonly<Record<string, TransientValue>>;
  /** MSPs whose peers endorse. Default: the signer's org and the first other org of the ledger. */
  endorsers?: readonly string[];
  /** The proposal's arguments as sent (recorded in the block and in what each endorser saw). */
  args?: readonly string[];
}

/**
 * The calls a chaincode makes to its peer, by the shim's message: each is one round trip between the
 * chaincode server and the peer, at every endorser. A range read is `getStateByRange` (or
 * `getPrivateDataByRange`), one `queryStateNext` per further batch of {@link QUERY_BATCH} results,
 * and `queryStateClose` when the chaincode closes the iterator (fabric-shim asks the peer even when
 * the peer closed it already).
 */
export type ShimCall =
  | 'getState'
  | 'getMultipleStates'
  | 'getPrivateData'
  | 'getPrivateDataHash'
  | 'getStateValidationParameter'
  | 'putState'
  | 'deleteState'
  | 'putPrivateData'
  | 'deletePrivateData'
  | 'purgePrivateData'
  | 'setStateValidationParameter'
  | 'getStateByRange'
  | 'getPrivateDataByRange'
  | 'queryStateNext'
  | 'queryStateClose'
  | 'getHistoryForKey';

/** How many calls of each kind one simulation made (kinds it never made are absent). */
export type ShimCalls = Partial<Record<ShimCall, number>>;

/** Round trips in all: the sum of the counts. */
export function roundTrips(calls: ShimCalls): number {
  return Object.values(calls).reduce((sum, n) => sum + n, 0);
}

/**
 * Results a peer returns per batch of a range read before the chaincode must ask for the next
 * (the peer's `QueryResponseGenerator.MaxResultLimit`, 100 on Fabric peers).
 */
export const QUERY_BATCH = 100;

/** What one simulation produced: the read-write set, the event and the response. */
export interface Simulation<T> {
  txId: string;
  response: T;
  /** The shim calls the chaincode made on this endorser. */
  calls: ShimCalls;
  writes: Map<string, Buffer | null>;
  privateWrites: Map<string, Map<string, Buffer | null>>;
  purges: Map<string, Set<string>>;
  validationParameters: Map<string, Buffer>;
  event: { name: string; payload: Buffer } | undefined;
  paginated: boolean;
}

/** How a submitted transaction ended. */
export type TxStatus = 'VALID' | 'ENDORSEMENT_POLICY_FAILURE';

/** The result of a submitted transaction. */
export interface Committed<T> extends Simulation<T> {
  status: TxStatus;
}

/** A private data collection as the channel's chaincode definition declares it. */
export interface CollectionRule {
  readonly name: string;
  readonly members: readonly string[];
  /** Every one of these orgs' peers must endorse a write (the collection-level endorsement policy). */
  readonly endorsers: readonly string[];
  readonly memberOnlyRead: boolean;
  readonly memberOnlyWrite: boolean;
}

/** A block entry: what every org's peer receives for one transaction, valid or not. */
export interface BlockEntry {
  txId: string;
  status: TxStatus;
  creator: string;
  args: readonly string[];
  response: string;
  event: { name: string; payload: Buffer } | undefined;
  writes: [string, Buffer | null][];
  /** Collection, SHA-256 of the key, SHA-256 of the value (null: delete or purge), hex. */
  privateHashes: [string, string, string | null][];
}

interface HistoryEntry {
  txId: string;
  time: Date;
  value: Buffer | null;
}

function utf8Compare(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function toBuffer(value: TransientValue): Buffer {
  if (value instanceof Uint8Array) return Buffer.from(value);
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  return Buffer.from(JSON.stringify(value), 'utf8');
}

function timestampOf(time: Date): { seconds: { toNumber(): number; toString(): string }; nanos: number } {
  const ms = time.getTime();
  const seconds = Math.floor(ms / 1000);
  return {
    seconds: { toNumber: () => seconds, toString: () => String(seconds) },
    nanos: (ms - seconds * 1000) * 1e6,
  };
}

/**
 * An iterator over a range read's results, as fabric-shim's: the first batch came with the query, each
 * further batch of {@link QUERY_BATCH} is a `queryStateNext` round trip, and `close` is a
 * `queryStateClose` round trip.
 */
function iteratorOf<T>(
  items: readonly T[],
  count: (call: ShimCall) => void = () => undefined,
): Iterators.CommonIterator<T> {
  let i = 0;
  let closed = false;
  return {
    next: () => {
      if (closed) return Promise.reject(new Error('iterator closed'));
      if (i > 0 && i % QUERY_BATCH === 0 && i < items.length) count('queryStateNext');
      const value = items[i];
      i += 1;
      return Promise.resolve(
        value === undefined ? { value: undefined as unknown as T, done: true } : { value, done: false },
      );
    },
    close: () => {
      closed = true;
      count('queryStateClose');
      return Promise.resolve();
    },
  };
}

function sha256(data: Uint8Array | string): Buffer {
  return createHash('sha256').update(data).digest();
}

/**
 * An in-memory Fabric channel for one chaincode, following the peer's semantics where the contracts
 * depend on them: composite keys with U+0000 separators; partial-key and paginated range scans in
 * UTF-8 byte order with bookmarks (paginated queries only in read-only transactions); NO
 * read-your-writes inside a transaction; the transient map; one event per transaction (the last
 * `setEvent` wins); key history; the transaction timestamp.
 *
 * Private data as Fabric v3 does it: each collection has member orgs; a peer of a non-member org holds
 * only the hashes, so reading a value that exists fails there ("private data matching public hash
 * version is not available") while a missing key reads empty; `getPrivateDataHash` works everywhere;
 * `memberOnlyRead`/`memberOnlyWrite` check the transaction's CREATOR; purge, which alone removes a key's
 * earlier values from a member peer's private data store (see `storedView`); a range scan of private
 * data and a write never share a transaction (the peer's simulator refuses a write after such a scan,
 * and such a scan after a write: private range reads cannot be checked for phantoms at validation).
 *
 * Endorsement as Fabric v3 validates it (`statebased` v20): the proposal is simulated on a peer of
 * every endorsing org (results must match); each public write is checked against the key's
 * key-level policy if the key already has one, else the chaincode policy; each private write against
 * the collection's endorsement policy (implicit collections: the owning org); the chaincode policy
 * when nothing else was checked. Creating a key never meets its own new key-level policy; deleting a
 * key removes it.
 */
export class MemoryLedger {
  readonly orgs: readonly string[];
  readonly #state = new Map<string, Buffer>();
  readonly #private = new Map<string, Map<string, Buffer>>();
  readonly #privateHashes = new Map<string, Map<string, Buffer>>();
  readonly #sbe = new Map<string, Buffer>();
  readonly #history = new Map<string, HistoryEntry[]>();
  /**
   * Every committed value of each private key, as a member peer's private data store keeps the
   * private write sets of its blocks: an overwrite or a delete leaves the old values there, only a
   * purge removes them (Fabric 2.5+ `PurgePrivateData` removes the key's historical versions).
   */
  readonly #privateRetained = new Map<string, Map<string, Buffer[]>>();
  readonly #collections = new Map<string, CollectionRule>();
  readonly #minOrgs: number;
  /** Issues every signer a real certificate; shared with clones so a signer keeps its certificate. */
  readonly #ca: TestCertificateAuthority;
  /** What each org's peers were handed as endorser or evaluator: arguments and transient values. */
  readonly #seen = new Map<string, string[]>();
  #clock: number;
  #txCounter = 0;
  /** Committed transactions in order, like blocks (every org's peer receives all of them). */
  readonly blocks: BlockEntry[] = [];
  /** The shim calls of the last simulation that returned (an evaluate, or a submit's last endorser). */
  lastCalls: ShimCalls = {};

  constructor(options: {
    orgs: readonly string[];
    start?: Date;
    chaincodePolicyMinOrgs?: number;
    collections?: readonly CollectionRule[];
    ca?: TestCertificateAuthority;
  }) {
    this.orgs = options.orgs;
    this.#ca = options.ca ?? new TestCertificateAuthority();
    this.#clock = (options.start ?? new Date('2025-06-01T08:00:00.000Z')).getTime();
    this.#minOrgs = options.chaincodePolicyMinOrgs ?? 2;
    const rules = options.collections ?? [
      ...chaincodeCollections(options.orgs),
      ...options.orgs.map((o) => ({
        name: implicitCollection(o),
        members: [o],
        endorsers: [o],
        memberOnlyRead: false,
        memberOnlyWrite: false,
      })),
    ];
    for (const r of rules) this.#collections.set(r.name, r);
  }

  /** The ledger clock (the timestamp the next transaction gets by default). */
  get now(): Date {
    return new Date(this.#clock);
  }

  /** Moves the ledger clock forward. */
  advance(ms: number): void {
    this.#clock += ms;
  }

  /** Committed public value of a key (for assertions). */
  getCommitted(key: string): Buffer | undefined {
    return this.#state.get(key);
  }

  /** All committed public keys (for assertions). */
  committedKeys(): string[] {
    return [...this.#state.keys()].sort(utf8Compare);
  }

  /** Committed private value (for assertions). */
  getCommittedPrivate(collection: string, key: string): Buffer | undefined {
    return this.#private.get(collection)?.get(key);
  }

  /** Committed private keys of a collection (for assertions). */
  committedPrivateKeys(collection: string): string[] {
    return [...(this.#private.get(collection)?.keys() ?? [])].sort(utf8Compare);
  }

  /**
   * Everything an org's peers hold or were handed, as text: every block (creator, arguments,
   * response, event, public writes, private key and value hashes), the values of the collections the
   * org is a member of, and the arguments and transient values its peers received as endorser or
   * evaluator. What a curious org could search its peer's files for.
   */
  orgView(mspId: string): string[] {
    return [...this.storedView(mspId), ...(this.#seen.get(mspId) ?? [])];
  }

  /**
   * What an org's peers keep on disk, as text: {@link MemoryLedger.orgView} without the proposals'
   * transient values, which a peer keeps in memory only. What a stolen copy of a peer's disk holds.
   */
  storedView(mspId: string): string[] {
    const out: string[] = [];
    for (const b of this.blocks) {
      out.push(b.creator, ...b.args, b.response, b.event?.payload.toString('utf8') ?? '');
      for (const [k, v] of b.writes) out.push(k, v?.toString('utf8') ?? '');
      for (const [c, k, v] of b.privateHashes) out.push(c, k, v ?? '');
    }
    for (const [name, values] of this.#private) {
      if (!this.#collections.get(name)?.members.includes(mspId)) continue;
      for (const [k, v] of values) out.push(k, v.toString('utf8'));
    }
    for (const [name, retained] of this.#privateRetained) {
      if (!this.#collections.get(name)?.members.includes(mspId)) continue;
      for (const [k, vs] of retained) out.push(k, ...vs.map((v) => v.toString('utf8')));
    }
    return out;
  }

  /** A deep copy of this ledger (for double-execution tests). */
  clone(): MemoryLedger {
    const copy = new MemoryLedger({
      orgs: this.orgs,
      start: this.now,
      chaincodePolicyMinOrgs: this.#minOrgs,
      collections: [...this.#collections.values()],
      ca: this.#ca,
    });
    for (const [k, v] of this.#state) copy.#state.set(k, v);
    for (const [c, m] of this.#private) copy.#private.set(c, new Map(m));
    for (const [c, m] of this.#privateHashes) copy.#privateHashes.set(c, new Map(m));
    for (const [c, m] of this.#privateRetained)
      copy.#privateRetained.set(c, new Map([...m].map(([k, vs]) => [k, [...vs]])));
    for (const [k, v] of this.#sbe) copy.#sbe.set(k, v);
    for (const [k, v] of this.#history) copy.#history.set(k, [...v]);
    copy.#txCounter = this.#txCounter;
    return copy;
  }

  #nextTx(options: TxOptions): { txId: string; time: Date } {
    this.#txCounter += 1;
    const txId = options.txId ?? createHash('sha256').update(`tx-${this.#txCounter}`).digest('hex');
    const time = options.time ?? new Date(this.#clock);
    this.#clock = Math.max(this.#clock, time.getTime()) + 1000;
    return { txId, time };
  }

  #see(peer: string, options: TxOptions): void {
    const seen = this.#seen.get(peer) ?? [];
    seen.push(...(options.args ?? []));
    for (const [k, v] of Object.entries(options.transient ?? {})) seen.push(k, toBuffer(v).toString('utf8'));
    this.#seen.set(peer, seen);
  }

  /** Runs `fn` as an evaluate (query) on one peer (default: the signer's org); nothing is committed. */
  async evaluate<T>(options: TxOptions & { peer?: string }, fn: (ctx: Context) => Promise<T>): Promise<T> {
    const { txId, time } = this.#nextTx(options);
    const peer = options.peer ?? options.signer.mspId;
    this.#see(peer, options);
    const sim = await this.#simulate(options, txId, time, peer, fn);
    return sim.response;
  }

  /** Runs `fn` on each endorsing peer, compares the results, validates the policies and commits. */
  async submit<T>(options: TxOptions, fn: (ctx: Context) => Promise<T>): Promise<Committed<T>> {
    const { txId, time } = this.#nextTx(options);
    const endorsers = options.endorsers ?? [
      options.signer.mspId,
      ...this.orgs.filter((o) => o !== options.signer.mspId).slice(0, 1),
    ];
    let first: Simulation<T> | undefined;
    for (const peer of endorsers) {
      this.#see(peer, options);
      const sim = await this.#simulate(options, txId, time, peer, fn);
      if (!first) first = sim;
      else if (fingerprint(sim) !== fingerprint(first))
        throw new Error(`endorsement mismatch between peers (tx ${txId})`);
    }
    if (!first) throw new Error('no endorsers');
    if (first.paginated && (first.writes.size > 0 || first.privateWrites.size > 0 || first.purges.size > 0)) {
      throw new Error('paginated queries are not allowed in a read-write transaction');
    }
    const status = this.#validate(first, endorsers);
    if (status === 'VALID') this.#commit(first, time);
    this.blocks.push(blockEntry(first, status, options));
    return { ...first, status };
  }

  #validate(sim: Simulation<unknown>, endorsers: readonly string[]): TxStatus {
    const orgs = new Set(endorsers.filter((o) => this.orgs.includes(o)));
    const chaincodePolicy = (): boolean => orgs.size >= this.#minOrgs;
    let checked = false;
    let chaincodeChecked = false;
    const checkChaincode = (): boolean => {
      checked = true;
      if (chaincodeChecked) return true;
      chaincodeChecked = true;
      return chaincodePolicy();
    };
    for (const key of [...sim.writes.keys(), ...sim.validationParameters.keys()]) {
      const sbe = this.#sbe.get(key);
      if (sbe) {
        checked = true;
        if (!satisfiedBy(decodePolicy(sbe), orgs)) return 'ENDORSEMENT_POLICY_FAILURE';
      } else if (!checkChaincode()) return 'ENDORSEMENT_POLICY_FAILURE';
    }
    for (const collection of new Set([...sim.privateWrites.keys(), ...sim.purges.keys()])) {
      const rule = this.#collections.get(collection);
      if (!rule) return 'ENDORSEMENT_POLICY_FAILURE';
      checked = true;
      if (!rule.endorsers.every((o) => orgs.has(o))) return 'ENDORSEMENT_POLICY_FAILURE';
    }
    if (!checked && !checkChaincode()) return 'ENDORSEMENT_POLICY_FAILURE';
    return 'VALID';
  }

  #commit(sim: Simulation<unknown>, time: Date): void {
    for (const [key, value] of sim.writes) {
      // A deleted key loses its metadata with its value, key-level policy included, as on a peer.
      if (value === null) {
        this.#state.delete(key);
        this.#sbe.delete(key);
      } else this.#state.set(key, value);
      const list = this.#history.get(key) ?? [];
      list.push({ txId: sim.txId, time, value });
      this.#history.set(key, list);
    }
    for (const [key, ep] of sim.validationParameters) this.#sbe.set(key, ep);
    for (const [collection, writes] of sim.privateWrites) {
      const values = this.#private.get(collection) ?? new Map<string, Buffer>();
      const hashes = this.#privateHashes.get(collection) ?? new Map<string, Buffer>();
      const retained = this.#privateRetained.get(collection) ?? new Map<string, Buffer[]>();
      for (const [key, value] of writes) {
        if (value === null) {
          values.delete(key);
          hashes.delete(key);
        } else {
          values.set(key, value);
          hashes.set(key, sha256(value));
          retained.set(key, [...(retained.get(key) ?? []), value]);
        }
      }
      this.#private.set(collection, values);
      this.#privateHashes.set(collection, hashes);
      this.#privateRetained.set(collection, retained);
    }
    for (const [collection, keys] of sim.purges) {
      for (const key of keys) {
        this.#private.get(collection)?.delete(key);
        this.#privateHashes.get(collection)?.delete(key);
        this.#privateRetained.get(collection)?.delete(key);
      }
    }
  }

  async #simulate<T>(
    options: TxOptions,
    txId: string,
    time: Date,
    peer: string,
    fn: (ctx: Context) => Promise<T>,
  ): Promise<Simulation<T>> {
    const stub = new MemoryStub(this, {
      txId,
      time,
      peer,
      signer: options.signer,
      certificate: await this.#ca.certificateFor(options.signer),
      transient: options.transient ?? {},
    });
    const ctx = new Context();
    ctx.stub = stub as unknown as ChaincodeStub;
    // The shim's own ClientIdentity over the signer's certificate, built when first read as the patched
    // shim does (patches/fabric-shim); it reads only getChannelID, getTxID and getCreator, which the
    // in-memory stub has with the shim's shape.
    let clientIdentity: Context['clientIdentity'] | undefined;
    Object.defineProperty(ctx, 'clientIdentity', {
      configurable: true,
      enumerable: true,
      // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
      get: () => (clientIdentity ??= new ClientIdentity(ctx.stub)),
    });
    const response = await fn(ctx);
    this.lastCalls = { ...stub.calls };
    return {
      txId,
      response,
      calls: { ...stub.calls },
      writes: stub.writes,
      privateWrites: stub.privateWrites,
      purges: stub.purges,
      validationParameters: stub.validationParameters,
      event: stub.event,
      paginated: stub.paginated,
    };
  }

  /** @internal the collection as defined; throws like the peer for an undefined one. */
  collection(name: string): CollectionRule {
    const rule = this.#collections.get(name);
    if (!rule) {
      throw new Error(
        `collection [${name}] not defined in the collection config for namespace [${CHAINCODE}]`,
      );
    }
    return rule;
  }

  /** @internal committed reads for the stub. */
  readState(key: string): Buffer | undefined {
    return this.#state.get(key);
  }

  /** @internal */
  rangeState(start: string, end: string): [string, Buffer][] {
    return [...this.#state.entries()]
      .filter(([k]) => utf8Compare(k, start) >= 0 && (end === '' || utf8Compare(k, end) < 0))
      .sort(([a], [b]) => utf8Compare(a, b));
  }

  /** @internal */
  rangePrivate(collection: string, start: string, end: string): [string, Buffer][] {
    return [...(this.#private.get(collection)?.entries() ?? [])]
      .filter(([k]) => utf8Compare(k, start) >= 0 && (end === '' || utf8Compare(k, end) < 0))
      .sort(([a], [b]) => utf8Compare(a, b));
  }

  /** @internal */
  readPrivate(collection: string, key: string): Buffer | undefined {
    return this.#private.get(collection)?.get(key);
  }

  /** @internal */
  readPrivateHash(collection: string, key: string): Buffer | undefined {
    return this.#privateHashes.get(collection)?.get(key);
  }

  /** @internal */
  readHistory(key: string): HistoryEntry[] {
    return [...(this.#history.get(key) ?? [])].reverse();
  }

  /** @internal */
  readValidationParameter(key: string): Buffer | undefined {
    return this.#sbe.get(key);
  }
}

function blockEntry(sim: Simulation<unknown>, status: TxStatus, options: TxOptions): BlockEntry {
  const privateHashes: [string, string, string | null][] = [];
  for (const [c, m] of sim.privateWrites) {
    for (const [k, v] of m)
      privateHashes.push([c, sha256(k).toString('hex'), v ? sha256(v).toString('hex') : null]);
  }
  for (const [c, keys] of sim.purges)
    for (const k of keys) privateHashes.push([c, sha256(k).toString('hex'), null]);
  return {
    txId: sim.txId,
    status,
    creator: `${options.signer.mspId} ${options.signer.cn}`,
    args: options.args ?? [],
    response: typeof sim.response === 'string' ? sim.response : JSON.stringify(sim.response ?? null),
    event: sim.event,
    writes: [...sim.writes],
    privateHashes,
  };
}

function fingerprint(sim: Simulation<unknown>): string {
  const hex = (b: Buffer | null): string | null => (b === null ? null : b.toString('hex'));
  return JSON.stringify({
    r: sim.response,
    w: [...sim.writes].map(([k, v]) => [k, hex(v)]),
    p: [...sim.privateWrites].map(([c, m]) => [
      c,
      [...m].map(([k, v]) => [k, v === null ? null : sha256(v).toString('hex')]),
    ]),
    g: [...sim.purges].map(([c, s]) => [c, [...s]]),
    v: [...sim.validationParameters].map(([k, v]) => [k, v.toString('hex')]),
    e: sim.event ? [sim.event.name, sim.event.payload.toString('hex')] : null,
  });
}

function validateAttribute(value: string): void {
  if (value.length === 0) throw new Error('object type or attribute not a non-zero length string');
  if (value.includes(NS) || value.includes(MAX_RUNE))
    throw new Error(`input contains unicode ${NS} or ${MAX_RUNE}`);
  if (/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(value)) {
    throw new Error('not a valid utf8 string');
  }
}

interface StubOptions {
  txId: string;
  time: Date;
  peer: string;
  signer: FakeSigner;
  /** The signer's PEM certificate (the creator's `idBytes`). */
  certificate: string;
  transient: Readonly<Record<string, TransientValue>>;
}

/** The subset of ChaincodeStub the contracts use, with Fabric's semantics. */
export class MemoryStub {
  /** The calls made to the peer so far, by kind. */
  readonly calls: ShimCalls = {};
  readonly writes = new Map<string, Buffer | null>();
  readonly privateWrites = new Map<string, Map<string, Buffer | null>>();
  readonly purges = new Map<string, Set<string>>();
  readonly validationParameters = new Map<string, Buffer>();
  event: { name: string; payload: Buffer } | undefined;
  paginated = false;
  /** A range scan of private data was made: the simulator refuses writes from then on. */
  #privateScanned = false;
  /** A write was made: the simulator refuses range scans of private data from then on. */
  #wrote = false;
  readonly #ledger: MemoryLedger;
  readonly #options: StubOptions;

  constructor(ledger: MemoryLedger, options: StubOptions) {
    this.#ledger = ledger;
    this.#options = options;
  }

  getTxID(): string {
    return this.#options.txId;
  }

  getChannelID(): string {
    return 'medledger';
  }

  /** The MSP of the peer running the simulation (Fabric: the peer's local MSP). */
  getMspID(): string {
    return this.#options.peer;
  }

  getTxTimestamp(): ReturnType<typeof timestampOf> {
    return timestampOf(this.#options.time);
  }

  getDateTimestamp(): Date {
    return new Date(this.#options.time.getTime());
  }

  getTransient(): Map<string, Uint8Array> {
    return new Map(Object.entries(this.#options.transient).map(([k, v]) => [k, toBuffer(v)]));
  }

  getCreator(): { mspid: string; idBytes: Uint8Array } {
    const { signer, certificate } = this.#options;
    return { mspid: signer.mspId, idBytes: Buffer.from(signer.creator?.(certificate) ?? certificate) };
  }

  createCompositeKey(objectType: string, attributes: string[]): string {
    validateAttribute(objectType);
    for (const a of attributes) validateAttribute(a);
    return `${NS}${objectType}${NS}${attributes.map((a) => `${a}${NS}`).join('')}`;
  }

  splitCompositeKey(key: string): { objectType: string | null; attributes: string[] } {
    if (!key.startsWith(NS)) return { objectType: null, attributes: [] };
    const parts = key.slice(1, -1).split(NS);
    return { objectType: parts[0] ?? null, attributes: parts.slice(1) };
  }

  #checkKey(key: string): void {
    if (key.length === 0) throw new Error('key must not be an empty string');
  }

  #count(call: ShimCall): void {
    this.calls[call] = (this.calls[call] ?? 0) + 1;
  }

  /** Counts the calls of this stub's iterators. */
  readonly #counter = (call: ShimCall): void => {
    this.#count(call);
  };

  /** Fabric's write precondition (`txsimulator`): no write after a range scan of private data. */
  #beforeWrite(): void {
    if (this.#privateScanned) {
      throw new Error(
        `txid [${this.#options.txId}]: unsuppored transaction. Transaction has already performed queries on pvt data. Writes are not allowed`,
      );
    }
    this.#wrote = true;
  }

  getState(key: string): Promise<Uint8Array> {
    this.#count('getState');
    this.#checkKey(key);
    return Promise.resolve(this.#ledger.readState(key) ?? Buffer.alloc(0));
  }

  /** One round trip for all the keys, as a peer that offers multi-key reads answers it. */
  getMultipleStates(...keys: string[]): Promise<Uint8Array[]> {
    this.#count('getMultipleStates');
    for (const key of keys) this.#checkKey(key);
    return Promise.resolve(keys.map((key) => this.#ledger.readState(key) ?? Buffer.alloc(0)));
  }

  putState(key: string, value: Uint8Array): Promise<void> {
    this.#count('putState');
    this.#checkKey(key);
    this.#beforeWrite();
    // As on a real peer, an empty value is a delete.
    this.writes.set(key, value.length === 0 ? null : Buffer.from(value));
    return Promise.resolve();
  }

  deleteState(key: string): Promise<void> {
    this.#count('deleteState');
    this.#checkKey(key);
    this.#beforeWrite();
    this.writes.set(key, null);
    return Promise.resolve();
  }

  setStateValidationParameter(key: string, ep: Uint8Array): Promise<void> {
    this.#count('setStateValidationParameter');
    this.#beforeWrite();
    this.validationParameters.set(key, Buffer.from(ep));
    return Promise.resolve();
  }

  getStateValidationParameter(key: string): Promise<Uint8Array> {
    this.#count('getStateValidationParameter');
    return Promise.resolve(this.#ledger.readValidationParameter(key) ?? Buffer.alloc(0));
  }

  #kvs(entries: [string, Buffer][]): Iterators.KV[] {
    return entries.map(([key, value]) => ({ namespace: CHAINCODE, key, value }));
  }

  getStateByRange(startKey: string, endKey: string): Promise<Iterators.StateQueryIterator> {
    this.#count('getStateByRange');
    const items = this.#kvs(this.#ledger.rangeState(startKey, endKey));
    return Promise.resolve(iteratorOf(items, this.#counter));
  }

  getStateByPartialCompositeKey(
    objectType: string,
    attributes: string[],
  ): Promise<Iterators.StateQueryIterator> {
    const start = this.createCompositeKey(objectType, attributes);
    return this.getStateByRange(start, `${start}${MAX_RUNE}`);
  }

  getStateByPartialCompositeKeyWithPagination(
    objectType: string,
    attributes: string[],
    pageSize: number,
    bookmark?: string,
  ): Promise<{
    iterator: Iterators.StateQueryIterator;
    metadata: { fetchedRecordsCount: number; bookmark: string };
  }> {
    this.paginated = true;
    this.#count('getStateByRange');
    const start = this.createCompositeKey(objectType, attributes);
    const end = `${start}${MAX_RUNE}`;
    const from = bookmark !== undefined && bookmark !== '' ? bookmark : start;
    const all = this.#ledger.rangeState(from, end);
    const page = all.slice(0, pageSize);
    const next = all[pageSize]?.[0] ?? '';
    // Like the real shim: metadata whose fields are all defaults arrives as zero bytes and is dropped.
    const metadata =
      page.length === 0 && next === '' ? undefined : { fetchedRecordsCount: page.length, bookmark: next };
    return Promise.resolve({
      iterator: iteratorOf(this.#kvs(page), this.#counter),
      metadata: metadata as { fetchedRecordsCount: number; bookmark: string },
    });
  }

  getHistoryForKey(key: string): Promise<Iterators.HistoryQueryIterator> {
    this.#count('getHistoryForKey');
    const items = this.#ledger.readHistory(key).map((h) => ({
      txId: h.txId,
      isDelete: h.value === null,
      value: h.value ?? Buffer.alloc(0),
      timestamp: timestampOf(h.time) as unknown as Iterators.KeyModification['timestamp'],
    }));
    return Promise.resolve(iteratorOf(items, this.#counter));
  }

  setEvent(name: string, payload: Uint8Array): void {
    if (name.length === 0) throw new Error('Event name must be a non-empty string');
    this.event = { name, payload: Buffer.from(payload) };
  }

  /** The collection, after Fabric's creator check (`memberOnlyRead` / `memberOnlyWrite`). */
  #collection(collection: string, access: 'read' | 'write') {
    const rule = this.#ledger.collection(collection);
    const only = access === 'read' ? rule.memberOnlyRead : rule.memberOnlyWrite;
    if (only && !rule.members.includes(this.#options.signer.mspId)) {
      throw new Error(
        `tx creator does not have ${access} access permission on privatedata in chaincodeName:${CHAINCODE} collectionName: ${collection}`,
      );
    }
    return rule;
  }

  #isMemberPeer(collection: string): boolean {
    return this.#ledger.collection(collection).members.includes(this.#options.peer);
  }

  getPrivateData(collection: string, key: string): Promise<Uint8Array> {
    this.#count('getPrivateData');
    this.#collection(collection, 'read');
    if (!this.#isMemberPeer(collection)) {
      // A non-member peer holds the hash but not the value: Fabric refuses the read.
      if (this.#ledger.readPrivateHash(collection, key)) {
        return Promise.reject(
          new Error(
            'private data matching public hash version is not available. Public hash version = {BlockNum: 1, TxNum: 0}, Private data version = <nil>',
          ),
        );
      }
      return Promise.resolve(Buffer.alloc(0));
    }
    return Promise.resolve(this.#ledger.readPrivate(collection, key) ?? Buffer.alloc(0));
  }

  /** Fabric 3.1's multi-key read of a collection: each key answered, and refused, as by getPrivateData. */
  async getMultiplePrivateData(collection: string, ...keys: string[]): Promise<Uint8Array[]> {
    const values: Uint8Array[] = [];
    for (const key of keys) values.push(await this.getPrivateData(collection, key));
    return values;
  }

  getPrivateDataHash(collection: string, key: string): Promise<Uint8Array> {
    this.#count('getPrivateDataHash');
    this.#ledger.collection(collection);
    return Promise.resolve(this.#ledger.readPrivateHash(collection, key) ?? Buffer.alloc(0));
  }

  /** Like fabric-shim, resolves to `{ iterator }`, not to the iterator its typings promise. */
  getPrivateDataByRange(
    collection: string,
    startKey: string,
    endKey: string,
  ): Promise<Iterators.StateQueryIterator> {
    this.#count('getPrivateDataByRange');
    this.#collection(collection, 'read');
    if (this.#wrote) {
      throw new Error(
        `txid [${this.#options.txId}]: unsuppored transaction. Queries on pvt data is supported only in a read-only transaction`,
      );
    }
    this.#privateScanned = true;
    const entries = this.#isMemberPeer(collection)
      ? this.#ledger.rangePrivate(collection, startKey, endKey)
      : [];
    return Promise.resolve({
      iterator: iteratorOf(this.#kvs(entries), this.#counter),
    } as unknown as Iterators.StateQueryIterator);
  }

  getPrivateDataByPartialCompositeKey(
    collection: string,
    objectType: string,
    attributes: string[],
  ): Promise<Iterators.StateQueryIterator> {
    const start = this.createCompositeKey(objectType, attributes);
    return this.getPrivateDataByRange(collection, start, `${start}${MAX_RUNE}`);
  }

  #privateWrite(collection: string, key: string, value: Buffer | null): void {
    this.#collection(collection, 'write');
    this.#checkKey(key);
    this.#beforeWrite();
    const m = this.privateWrites.get(collection) ?? new Map<string, Buffer | null>();
    m.set(key, value);
    this.privateWrites.set(collection, m);
  }

  putPrivateData(collection: string, key: string, value: Uint8Array): Promise<void> {
    this.#count('putPrivateData');
    this.#privateWrite(collection, key, Buffer.from(value));
    return Promise.resolve();
  }

  deletePrivateData(collection: string, key: string): Promise<void> {
    this.#count('deletePrivateData');
    this.#privateWrite(collection, key, null);
    return Promise.resolve();
  }

  purgePrivateData(collection: string, key: string): Promise<void> {
    this.#count('purgePrivateData');
    this.#collection(collection, 'write');
    this.#checkKey(key);
    this.#beforeWrite();
    const s = this.purges.get(collection) ?? new Set<string>();
    s.add(key);
    this.purges.set(collection, s);
    return Promise.resolve();
  }
}
