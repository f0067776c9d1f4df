import { createHmac } from 'node:crypto';
import {
  entryIdSchema,
  MAX_OPEN_ENTRIES,
  UNINDEXED_SCAN_PAGE,
  sealedValueSchema,
  accessGrantSchema,
  auditEventSchema,
  breakGlassCaseSchema,
  breakGlassCoSignSchema,
  breakGlassRequestSchema,
  consentUseSchema,
  deletionAttestationSchema,
  breakGlassReviewSchema,
  canonicalBytes,
  consentRevocationSchema,
  consentSchema,
  consortiumSchema,
  contributionAwardSchema,
  contributionAwardTag,
  contributionSchema,
  newContributionAwards,
  studyTaskSchema,
  modelUpdateSchema,
  roundAggregateSchema,
  type ModelUpdate,
  type RoundAggregate,
  studyResultSchema,
  credentialAnchorSchema,
  type StudyResult,
  type CredentialAnchor,
  type Contribution,
  type ContributionAward,
  type StudyTask,
  CUSTODIANS_COLLECTION,
  dataUseReceiptSchema,
  type DataUseReceipt,
  type DataUseReceiptBody,
  didDocumentSchema,
  ErrorCode,
  erasureSchema,
  events,
  freezeSchema,
  freezeSubjectKey,
  incidentSchema,
  implicitCollection,
  KeyFamily,
  patientDidDocument,
  patientKeyOf,
  storedPreferencesSchema,
  patientRecordSchema,
  publicConsentSchema,
  qualityReviewSchema,
  recordAnchorSchema,
  recordListingSchema,
  patientAccessSchema,
  erasureRequestSchema,
  sealedCollection,
  sha256Hex,
  signedIatSchema,
  stagedVerdictSchema,
  staffRoleChangeSchema,
  storedAnchorSchema,
  siteDecisionSchema,
  storedGovernanceSchema,
  studySchema,
  type SiteDecision,
  type StoredGovernance,
  suspensionSchema,
  claimSchema,
  disputeSchema,
  settlementBatchSchema,
  sealedCoverageSchema,
  settlementEntrySchema,
  storedUsageSchema,
  type Claim,
  type Dispute,
  type SettlementBatch,
  type SealedCoverage,
  type SettlementEntry,
  type StoredUsage,
  type AccessGrant,
  type AuditEvent,
  type BreakGlassCase,
  type BreakGlassCoSign,
  type BreakGlassRequest,
  type BreakGlassReview,
  type Consent,
  type ConsentRevocation,
  type ConsentUse,
  type DeletionAttestation,
  type Consortium,
  type DidDocument,
  type Erasure,
  type EventName,
  type Freeze,
  type Incident,
  type EventPayload,
  type PatientPreferences,
  type StoredPreferences,
  type PatientRecord,
  type PublicConsent,
  type QualityReview,
  type RecordAnchor,
  type RecordListing,
  type PatientAccess,
  type ErasureRequest,
  type StaffRoleChange,
  type StagedVerdict,
  type StoredAnchor,
  type Study,
  type Suspension,
} from '@medledger/domain';
import {
  CryptoInputError,
  parseSealedContent,
  parseWrappedDataKey,
  type EncryptedRecord,
  type WrappedDataKey,
} from '@medledger/crypto';
import type { Context } from 'fabric-contract-api';
import type { ChaincodeStub, Iterators } from 'fabric-shim';
import { z } from 'zod';
import { fail } from '../errors';
import { receiptMac, receiptMacValid } from '../leak-marks';
import { compositeKey, invertedTime, versionPart } from './keys';
import { txReadsOf, type TxReads } from './tx-reads';
import { allOf, policyBytes, regulatorAndOneOf, type Policy } from './policies';

/** A page of values and the bookmark of the next page ('' when none). */
export interface Page<T> {
  items: T[];
  bookmark: string;
  fetchedRecordsCount: number;
}

/** The audit indexes. */
export type AuditIndex = 'patient' | 'actor' | 'record';

const AUDIT_INDEX: Record<AuditIndex, KeyFamily> = {
  patient: KeyFamily.auditByPatient,
  actor: KeyFamily.auditByActor,
  record: KeyFamily.auditByRecord,
};

/**
 * The value of index keys. Not empty: Fabric treats writing an empty value as deleting the key, so
 * index entries with empty values would never reach the ledger.
 */
const INDEX_MARKER = Buffer.from([0]);

/** Bookmark of a scan ordered by inverted time and event id. */
const TIME_BOOKMARK = /^[0-9]{13}:[0-9a-f]{64}$/;
/** Bookmark of a scan ordered by id. */
const ID_BOOKMARK = /^[0-9a-f]{64}$/;

/** Most entries read from one collection by one scan. */
const MAX_SCAN = 1000;

/** The two keys a version's wrapped data key alternates between (see `#dataKeyKey`). */
export type DataKeySlot = 0 | 1;
const DATA_KEY_SLOTS: readonly DataKeySlot[] = [0, 1];

/** An open-entry marker as stored: the entry it names. */
const openMarkerSchema = sealedValueSchema.extend({ value: z.object({ entryId: entryIdSchema }) });

/** The kinds of settlement facts the claim report reads, by key family. */
export const FACT_FAMILIES = {
  claim: { family: KeyFamily.claim, schema: claimSchema },
  dispute: { family: KeyFamily.dispute, schema: disputeSchema },
  entry: { family: KeyFamily.settlementEntry, schema: settlementEntrySchema },
} as const;

/** The review count of a break-glass case (sealed). */
const reviewCountSchema = z.object({ count: z.number().int().min(0) });

/** A receipt: the digest of the public value it binds. */
const receiptSchema = z.object({ digest: z.string() });

/** The stub as a structural type (tests pass an in-memory stub with the same shape). */
type Stub = { [K in keyof ChaincodeStub]: ChaincodeStub[K] };

/** What a range read returned, and whether it was read to its end. */
interface Drained {
  kvs: Iterators.KV[];
  /** The iterator reported its end: the range holds nothing more. */
  exhausted: boolean;
}

async function drain(iterator: Iterators.StateQueryIterator, limit: number): Promise<Drained> {
  const kvs: Iterators.KV[] = [];
  let exhausted = false;
  try {
    while (kvs.length < limit) {
      const r = await iterator.next();
      if (r.done) {
        exhausted = true;
        break;
      }
      kvs.push(r.value);
    }
  } finally {
    // A peer drops an iterator itself once it has sent the last result, and fabric-shim's close asks
    // the peer anyway: one round trip for nothing. Closed here when results may remain (or on error).
    if (!exhausted) await iterator.close();
  }
  return { kvs, exhausted };
}

function parseJson<S extends z.ZodType>(bytes: Uint8Array, schema: S): z.output<S> {
  const parsed = schema.safeParse(JSON.parse(Buffer.from(bytes).toString('utf8')));
  if (!parsed.success) return fail(ErrorCode.STATE_INVALID, 'stored value does not match its schema');
  return parsed.data;
}

/** A stored part of encrypted content (sealed content or wrapped key); `[STATE_INVALID]` when malformed. */
function parseEnvelopePart<T>(bytes: Uint8Array, parse: (value: unknown) => T): T {
  try {
    return parse(JSON.parse(Buffer.from(bytes).toString('utf8')));
  } catch (err) {
    if (err instanceof CryptoInputError || err instanceof SyntaxError)
      return fail(ErrorCode.STATE_INVALID, 'stored content does not match its schema');
    throw err;
  }
}

/** A sealed envelope's value checked against `schema`; undefined for an absent (empty) value. */
function openSealed<S extends z.ZodType>(bytes: Uint8Array, schema: S): z.output<S> | undefined {
  if (bytes.length === 0) return undefined;
  const envelope = parseJson(bytes, sealedValueSchema);
  const parsed = schema.safeParse(envelope.value);
  if (!parsed.success) return fail(ErrorCode.STATE_INVALID, 'stored value does not match its schema');
  return parsed.data;
}

/**
 * Typed access to the world state, the sealed collections and the custodian's implicit collection
 * for one transaction: the only place keys and collections are named. Values are stored as canonical
 * JSON and checked against their schema on the way out. Reads see committed state only (Fabric has
 * no read-your-writes).
 *
 * What this layer guarantees, whatever the contracts do:
 * - Public keys and values never hold a patient DID; patient documents live under a digest.
 * - A public value other orgs rely on is written with a RECEIPT in the sealed collection of the org
 *   answerable for it (custodian, grantee, relaying org, or the regulator). The collection's
 *   endorsement policy needs that org's and the regulator's peers, and every peer can read a private
 *   value's hash, so a reader checks the receipt and refuses (`[STATE_INVALID]`) a value that two other
 *   orgs created: Fabric validates the creation of a public key against the chaincode policy only.
 * - Write-once public values get a key-level policy of EVERY peer org, so no org and no two orgs can
 *   rewrite them.
 * - Sealed keys that index by patient hold HMAC(collection key, DID), and every sealed value carries
 *   a salt derived from the collection key: each block carries the hashes of private keys and values,
 *   which could otherwise be matched against guessed DIDs.
 */
export class Ledger {
  readonly #stub: Stub;
  /** The transaction's reads, kept on its context: a value is asked of the peer once. */
  readonly #reads: TxReads;
  /** Per-transaction cache: a Ledger lives for one transaction. */
  readonly #collectionKeys = new Map<string, Buffer>();
  #consortium: Consortium | undefined;

  constructor(ctx: Context) {
    this.#stub = ctx.stub;
    this.#reads = txReadsOf(ctx);
  }

  /** The transaction id. */
  get txId(): string {
    return this.#stub.getTxID();
  }

  /** The transaction timestamp in ms since the epoch. */
  get txMs(): number {
    return this.#stub.getDateTimestamp().getTime();
  }

  /** The transaction timestamp, ISO 8601 UTC. */
  get txTime(): string {
    return new Date(this.txMs).toISOString();
  }

  /** The MSP ID of the peer running this simulation (not of the signer). */
  get peerMsp(): string {
    return this.#stub.getMspID();
  }

  /** The transient map value under `key`, or undefined. */
  transient(key: string): Buffer | undefined {
    const value = this.#stub.getTransient().get(key);
    return value === undefined ? undefined : Buffer.from(value);
  }

  /** Emits the transaction's one event. */
  emit<N extends EventName>(name: N, payload: EventPayload<N>): void {
    this.#stub.setEvent(name, canonicalBytes(events[name].parse(payload)));
  }

  #key(family: KeyFamily, parts: readonly string[]): string {
    return compositeKey(this.#stub, family, parts);
  }

  async #get<S extends z.ZodType>(key: string, schema: S): Promise<z.output<S> | undefined> {
    const bytes = await this.#reads.state(key);
    if (bytes.length === 0) return undefined;
    return parseJson(bytes, schema);
  }

  async #put(key: string, value: unknown): Promise<void> {
    await this.#stub.putState(key, canonicalBytes(value));
  }

  async #exists(key: string): Promise<boolean> {
    return (await this.#reads.state(key)).length > 0;
  }

  async #ids(family: KeyFamily, parts: readonly string[], limit: number): Promise<Iterators.KV[]> {
    const iterator = await this.#stub.getStateByPartialCompositeKey(family, [...parts]);
    const { kvs, exhausted } = await drain(iterator, limit);
    const start = this.#key(family, parts);
    this.#reads.rangeRead(start, `${start}\u{10FFFF}`, kvs, exhausted);
    return kvs;
  }

  // Consortium and collection keys

  /** The consortium, or undefined before deployment wrote it. */
  async getConsortium(): Promise<Consortium | undefined> {
    this.#consortium ??= await this.#get(this.#key(KeyFamily.consortium, []), consortiumSchema);
    return this.#consortium;
  }

  /** The consortium; `[NOT_INITIALIZED]` before deployment wrote it. */
  async consortium(): Promise<Consortium> {
    const c = await this.getConsortium();
    if (!c) return fail(ErrorCode.NOT_INITIALIZED, 'consortium');
    return c;
  }

  /** Writes the consortium once; only every peer org together could change it. */
  async putConsortium(c: Consortium): Promise<void> {
    const key = this.#key(KeyFamily.consortium, []);
    if (await this.#exists(key)) fail(ErrorCode.ALREADY_EXISTS, 'consortium');
    await this.#put(key, c);
    await this.#setPolicy(key, allOf(c.orgs));
  }

  /**
   * Replaces the consortium with one more org (JoinConsortium); the write needs every former member's
   * endorsement (the key's policy), and afterwards every member's, the new one included.
   */
  async replaceConsortium(c: Consortium): Promise<void> {
    const key = this.#key(KeyFamily.consortium, []);
    await this.#put(key, c);
    await this.#setPolicy(key, allOf(c.orgs));
    this.#consortium = c;
  }

  /** Writes an org's sealed collection key, once. */
  async installCollectionKey(mspId: string, key: Buffer): Promise<void> {
    const collection = sealedCollection(mspId);
    const k = this.#key(KeyFamily.collectionKey, []);
    if ((await this.#reads.privateDataHash(collection, k)).length > 0)
      fail(ErrorCode.ALREADY_EXISTS, collection);
    await this.#stub.putPrivateData(collection, k, key);
  }

  async #collectionKey(mspId: string): Promise<Buffer> {
    let key = this.#collectionKeys.get(mspId);
    if (!key) {
      const bytes = await this.#reads.privateData(
        sealedCollection(mspId),
        this.#key(KeyFamily.collectionKey, []),
      );
      if (bytes.length === 0) return fail(ErrorCode.NOT_INITIALIZED, sealedCollection(mspId));
      key = Buffer.from(bytes);
      this.#collectionKeys.set(mspId, key);
    }
    return key;
  }

  /** Writes the consortium's study pseudonym secret into the custodians' collection, once. */
  async installStudySecret(secret: Buffer): Promise<void> {
    const k = this.#key(KeyFamily.studySecret, []);
    if ((await this.#reads.privateDataHash(CUSTODIANS_COLLECTION, k)).length > 0)
      fail(ErrorCode.ALREADY_EXISTS, CUSTODIANS_COLLECTION);
    await this.#stub.putPrivateData(CUSTODIANS_COLLECTION, k, secret);
  }

  /**
   * The key of the research pseudonyms of `studyId`: HMAC-SHA-256 under the consortium's study
   * pseudonym secret of a label and the study id (docs/deidentification.md, "The study key"). Only the
   * custodians' and the regulator's peers hold the secret, so no researcher can compute it; every
   * record of one patient at every custodian gets one pseudonym per study, and another study gets
   * another. Never stored or returned. `[NOT_INITIALIZED]` until the secret is installed: a fallback
   * to a per-custodian key would give one patient two subjects, then change them mid-study.
   */
  async studyPseudonymKey(studyId: string): Promise<Buffer> {
    const secret = await this.#reads.privateData(CUSTODIANS_COLLECTION, this.#key(KeyFamily.studySecret, []));
    if (secret.length === 0) return fail(ErrorCode.NOT_INITIALIZED, CUSTODIANS_COLLECTION);
    return createHmac('sha256', secret).update(`medledger/study-pseudonym-key/v2\u0000${studyId}`).digest();
  }

  /** HMAC-SHA-256 (hex) with an org's collection key. */
  async #keyed(mspId: string, value: string): Promise<string> {
    return createHmac('sha256', await this.#collectionKey(mspId))
      .update(value)
      .digest('hex');
  }

  async #putSealed(mspId: string, key: string, value: unknown): Promise<void> {
    const salt = await this.#keyed(mspId, `salt\u0000${key}`);
    await this.#stub.putPrivateData(sealedCollection(mspId), key, canonicalBytes({ salt, value }));
  }

  async #getSealed<S extends z.ZodType>(
    mspId: string,
    key: string,
    schema: S,
  ): Promise<z.output<S> | undefined> {
    return openSealed(await this.#reads.privateData(sealedCollection(mspId), key), schema);
  }

  async #putSealedIndex(mspId: string, key: string): Promise<void> {
    await this.#stub.putPrivateData(sealedCollection(mspId), key, INDEX_MARKER);
  }

  /** Keys of a sealed range (for the in-order attributes after `parts`), from `start` inclusive. */
  async #sealedScan(
    mspId: string,
    family: KeyFamily,
    parts: readonly string[],
    from: readonly string[],
    limit: number,
  ): Promise<string[][]> {
    return (await this.#sealedEntries(mspId, family, parts, from, limit)).map((e) => e.attrs);
  }

  /** Entries of a sealed range (the attributes after `parts`, and the value), from `start` inclusive. */
  async #sealedEntries(
    mspId: string,
    family: KeyFamily,
    parts: readonly string[],
    from: readonly string[],
    limit: number,
  ): Promise<{ attrs: string[]; value: Uint8Array }[]> {
    const prefix = this.#key(family, parts);
    const start = from.length === 0 ? prefix : this.#key(family, [...parts, ...from]);
    // fabric-shim resolves a private range query to `{ iterator }`, not to the iterator its typings
    // promise (public range queries do resolve to the iterator).
    const result = (await this.#stub.getPrivateDataByRange(
      sealedCollection(mspId),
      start,
      `${prefix}\u{10FFFF}`,
    )) as Iterators.StateQueryIterator | { iterator: Iterators.StateQueryIterator };
    const { kvs } = await drain('iterator' in result ? result.iterator : result, limit);
    return kvs.map((kv) => ({
      attrs: this.#stub.splitCompositeKey(kv.key).attributes.slice(parts.length),
      value: kv.value,
    }));
  }

  /**
   * A page over the same index in several orgs' sealed collections, merged in key order (the
   * attributes after `parts(org)`), so one scan covers every collection the caller may read. The
   * bookmark is the position (the attributes of the next entry), never a key of one collection.
   */
  async #mergedPage(
    orgs: readonly string[],
    family: KeyFamily,
    parts: (org: string) => Promise<string[]>,
    pageSize: number,
    bookmark: string,
    bookmarkPattern: RegExp,
  ): Promise<{
    entries: { org: string; attrs: string[]; value: Uint8Array }[];
    bookmark: string;
    fetchedRecordsCount: number;
  }> {
    if (bookmark !== '' && !bookmarkPattern.test(bookmark)) fail(ErrorCode.VALIDATION_FAILED, 'bookmark');
    const from = bookmark === '' ? [] : bookmark.split(':');
    const all: { org: string; attrs: string[]; value: Uint8Array }[] = [];
    for (const org of orgs) {
      const rows = await this.#sealedEntries(org, family, await parts(org), from, pageSize + 1);
      for (const row of rows) all.push({ org, ...row });
    }
    const order = (x: string[]): string => x.join('\u0000');
    all.sort((a, b) => Buffer.compare(Buffer.from(order(a.attrs)), Buffer.from(order(b.attrs))));
    const next = all[pageSize];
    return {
      entries: all.slice(0, pageSize),
      bookmark: next ? next.attrs.join(':') : '',
      fetchedRecordsCount: all.length,
    };
  }

  // Bound public values

  #receiptKey(publicKey: string): string {
    return this.#key(KeyFamily.receipt, [sha256Hex(publicKey)]);
  }

  /**
   * Writes a public value, its key-level policy ({@link Ledger.#setPolicy}), and its receipt in
   * `receiptOrg`'s sealed collection (the receipt's value is the digest of the public value:
   * deterministic, it names nothing else). `created`: the caller knows the key is new.
   */
  async #putBound(
    key: string,
    value: unknown,
    receiptOrg: string,
    policy: Policy,
    created = false,
  ): Promise<void> {
    const bytes = canonicalBytes(value);
    await this.#stub.putState(key, bytes);
    await this.#setPolicy(key, policy, created);
    await this.#stub.putPrivateData(
      sealedCollection(receiptOrg),
      this.#receiptKey(key),
      canonicalBytes({ digest: sha256Hex(bytes) }),
    );
  }

  /** Whether a public value has its receipt in `receiptOrg`'s sealed collection. */
  async #hasReceipt(key: string, bytes: Uint8Array, receiptOrg: string): Promise<boolean> {
    const expected = sha256Hex(canonicalBytes(receiptSchema.parse({ digest: sha256Hex(bytes) })));
    const actual = Buffer.from(
      await this.#reads.privateDataHash(sealedCollection(receiptOrg), this.#receiptKey(key)),
    ).toString('hex');
    return actual === expected;
  }

  /** Checks a public value against its receipt; `[STATE_INVALID]` when it has none that matches. */
  async #checkBound(key: string, bytes: Uint8Array, receiptOrg: string): Promise<void> {
    if (!(await this.#hasReceipt(key, bytes, receiptOrg)))
      fail(ErrorCode.STATE_INVALID, 'a public value without its receipt');
  }

  /**
   * A public value checked against its receipt; undefined when the key holds nothing. `unbound` says
   * what a value without its receipt, or one that does not parse, is: `fail` (`[STATE_INVALID]`) for
   * readers of keys only their rightful writers create; `absent` for readers of keys any two orgs could
   * have created (a new key needs only the chaincode policy), where failing would fail the reader and,
   * with it, everyone the reader serves.
   */
  async #getBound<S extends z.ZodType>(
    key: string,
    schema: S,
    receiptOrgOf: (value: z.output<S>) => string,
    unbound: 'fail' | 'absent' = 'fail',
  ): Promise<z.output<S> | undefined> {
    const bytes = await this.#reads.state(key);
    if (bytes.length === 0) return undefined;
    let value: z.output<S>;
    try {
      value = parseJson(bytes, schema);
    } catch (err) {
      if (unbound === 'fail') throw err;
      return undefined;
    }
    if (await this.#hasReceipt(key, bytes, receiptOrgOf(value))) return value;
    return unbound === 'fail'
      ? fail(ErrorCode.STATE_INVALID, 'a public value without its receipt')
      : undefined;
  }

  /**
   * Gives a key its key-level policy unless it has exactly that policy already (`created`: the caller
   * knows the key is new, so there is nothing to compare). Setting an unchanged policy again is not
   * free: Fabric fails every later transaction of the same block that writes the key with
   * ENDORSEMENT_POLICY_FAILURE ("validation parameters changed") where it would otherwise be a plain
   * MVCC conflict a client retries, and every peer commits the metadata again. Comparing with the
   * stored policy, rather than assuming it, still upgrades a key whose policy the consortium's
   * membership changed, and still restores one that differs from what the code gives it. Reading the
   * policy records the key's version in the read set, which a write of the key needs anyway.
   */
  async #setPolicy(key: string, policy: Policy, created = false): Promise<void> {
    const wanted = policyBytes(policy);
    const known = this.#reads.known(key);
    // A key read absent in this transaction has no policy; one not read yet may have.
    if (!created && (known === undefined || known.length > 0)) {
      // The shim answers undefined for a key without a policy, whatever its types say.
      const current = (await this.#stub.getStateValidationParameter(key)) as Uint8Array | undefined;
      if (current && Buffer.from(wanted).equals(Buffer.from(current))) return;
    }
    await this.#stub.setStateValidationParameter(key, wanted);
  }

  async #allOrgs(): Promise<Policy> {
    return allOf((await this.consortium()).orgs);
  }

  async #regulatorAndOne(): Promise<Policy> {
    const c = await this.consortium();
    return regulatorAndOneOf(c.regulator, c.orgs);
  }

  // Sealed values presented by the caller

  /** The bytes of a sealed value exactly as stored, as base64 (the reading peer must be a member), or null. */
  async #sealedBytes(mspId: string, key: string): Promise<string | null> {
    const bytes = await this.#reads.privateData(sealedCollection(mspId), key);
    return bytes.length === 0 ? null : Buffer.from(bytes).toString('base64');
  }

  /**
   * A sealed value the caller presents as its stored bytes, checked against the hash every peer holds
   * (a peer outside the collection cannot read the value, but can check it). Undefined when nothing is
   * stored and nothing presented; `[PRESENTED_MISMATCH]` when the presented bytes are not what is
   * stored now, a value is presented where nothing is stored, or none where one is: the presenter read
   * on a peer that had committed more or less than this endorser (read again and retry), or forged it.
   * Each endorser decides from its own state alone, so endorsers a block apart refuse alike instead of
   * answering different results.
   */
  async #presentedSealed<S extends z.ZodType>(
    mspId: string,
    key: string,
    presented: string,
    schema: S,
  ): Promise<z.output<S>>;
  async #presentedSealed<S extends z.ZodType>(
    mspId: string,
    key: string,
    presented: string | null,
    schema: S,
  ): Promise<z.output<S> | undefined>;
  async #presentedSealed<S extends z.ZodType>(
    mspId: string,
    key: string,
    presented: string | null,
    schema: S,
  ): Promise<z.output<S> | undefined> {
    const stored = Buffer.from(await this.#reads.privateDataHash(sealedCollection(mspId), key)).toString(
      'hex',
    );
    if (stored === '') {
      if (presented === null) return undefined;
      return fail(ErrorCode.PRESENTED_MISMATCH, 'a presented value is not stored');
    }
    if (presented === null) return fail(ErrorCode.PRESENTED_MISMATCH, 'a presented value is missing');
    const bytes = Buffer.from(presented, 'base64');
    if (sha256Hex(bytes) !== stored) return fail(ErrorCode.PRESENTED_MISMATCH, 'a presented value is stale');
    const envelope = parseJson(bytes, sealedValueSchema);
    const parsed = schema.safeParse(envelope.value);
    if (!parsed.success) return fail(ErrorCode.STATE_INVALID, 'stored value does not match its schema');
    return parsed.data;
  }

  /** True when an org's sealed collection holds a value at `key` (any peer can tell, from the hash). */
  async #sealedExists(mspId: string, key: string): Promise<boolean> {
    return (await this.#reads.privateDataHash(sealedCollection(mspId), key)).length > 0;
  }

  /**
   * Writes a sealed value salted from the submitter's nonce instead of the collection key, which an
   * endorsing peer outside the collection cannot read: every endorser computes the same salt.
   */
  async #putSealedNonce(mspId: string, key: string, value: unknown, nonce: string): Promise<void> {
    const salt = sha256Hex(`${nonce}\u0000${sealedCollection(mspId)}\u0000${key}`);
    await this.#stub.putPrivateData(sealedCollection(mspId), key, canonicalBytes({ salt, value }));
  }

  // Insurance

  #coverageKey(coverageId: string): string {
    return this.#key(KeyFamily.coverage, [coverageId]);
  }

  #usageKey(coverageId: string): string {
    return this.#key(KeyFamily.coverageUsage, [coverageId]);
  }

  #claimKey(provider: string, claimId: string): string {
    return this.#key(KeyFamily.claim, [provider, claimId]);
  }

  /** A coverage from the insurer's collection (a peer of the insurer or the regulator). */
  getCoverage(insurer: string, coverageId: string): Promise<SealedCoverage | undefined> {
    return this.#getSealed(insurer, this.#coverageKey(coverageId), sealedCoverageSchema);
  }

  /** Writes a coverage to its insurer's collection (endorsed by the insurer and the regulator). */
  async putCoverage(coverage: SealedCoverage): Promise<void> {
    await this.#putSealed(coverage.insurer, this.#coverageKey(coverage.coverageId), coverage);
  }

  /** True when a coverage id is taken at the insurer (checked from the hash). */
  coverageExists(insurer: string, coverageId: string): Promise<boolean> {
    return this.#sealedExists(insurer, this.#coverageKey(coverageId));
  }

  /** The stored bytes of a coverage and its usage (a peer of the insurer or the regulator). */
  async coverageBytes(
    insurer: string,
    coverageId: string,
  ): Promise<{ coverage: string | null; usage: string | null }> {
    return {
      coverage: await this.#sealedBytes(insurer, this.#coverageKey(coverageId)),
      usage: await this.#sealedBytes(insurer, this.#usageKey(coverageId)),
    };
  }

  /** A coverage presented as stored; `[PRESENTED_MISMATCH]` when it is not (or none is). */
  presentedCoverage(insurer: string, coverageId: string, bytes: string): Promise<SealedCoverage> {
    return this.#presentedSealed(insurer, this.#coverageKey(coverageId), bytes, sealedCoverageSchema);
  }

  /** A coverage's usage presented as stored (undefined before its first claim). */
  presentedUsage(
    insurer: string,
    coverageId: string,
    bytes: string | null,
  ): Promise<StoredUsage | undefined> {
    return this.#presentedSealed(insurer, this.#usageKey(coverageId), bytes, storedUsageSchema);
  }

  /** Writes a coverage's usage to the insurer's collection. */
  async putUsage(insurer: string, coverageId: string, usage: StoredUsage, nonce: string): Promise<void> {
    await this.#putSealedNonce(insurer, this.#usageKey(coverageId), storedUsageSchema.parse(usage), nonce);
  }

  /** The stored bytes of a record's patient link (a peer of the custodian or the regulator). */
  recordLinkBytes(custodian: string, recordId: string): Promise<string | null> {
    return this.#sealedBytes(custodian, this.#key(KeyFamily.recordPatient, [recordId]));
  }

  /**
   * The patient of a record from its presented link (none presented for a record without one);
   * `[PRESENTED_MISMATCH]` when the link is not the stored one.
   */
  async presentedRecordPatient(
    custodian: string,
    recordId: string,
    bytes: string | null,
  ): Promise<string | undefined> {
    const link = await this.#presentedSealed(
      custodian,
      this.#key(KeyFamily.recordPatient, [recordId]),
      bytes,
      z.object({ patientDid: z.string() }),
    );
    return link?.patientDid;
  }

  /** True when a provider's claim id is taken (checked from the hash: any endorser can tell). */
  claimExists(provider: string, claimId: string): Promise<boolean> {
    return this.#sealedExists(provider, this.#claimKey(provider, claimId));
  }

  /** Writes a claim to the provider's and the insurer's collections (the same value in both). */
  async putClaim(claim: Claim, nonce: string): Promise<void> {
    const key = this.#claimKey(claim.provider, claim.claimId);
    for (const org of [claim.provider, claim.insurer]) await this.#putSealedNonce(org, key, claim, nonce);
  }

  /** A claim from one org's collection (a peer of that org or the regulator). */
  getClaim(org: string, provider: string, claimId: string): Promise<Claim | undefined> {
    return this.#getSealed(org, this.#claimKey(provider, claimId), claimSchema);
  }

  /**
   * Writes a settlement entry to the provider's and the insurer's collections; an approval or an
   * adjustment with its open marker (a payment is never open).
   */
  async putSettlementEntry(entry: SettlementEntry, nonce: string): Promise<void> {
    const key = this.#entryKey(entry.insurer, entry.provider, entry.entryId);
    for (const org of [entry.provider, entry.insurer]) {
      await this.#putSealedNonce(org, key, settlementEntrySchema.parse(entry), nonce);
      if (entry.kind !== 'batch_payment') await this.#putOpenMarker(org, entry, nonce);
    }
  }

  async #putOpenMarker(org: string, entry: SettlementEntry, nonce: string): Promise<void> {
    await this.#putSealedNonce(org, this.#openKey(entry), { entryId: entry.entryId }, nonce);
  }

  /**
   * Indexes open entries a ledger written before the open-entry index holds (each checked by
   * {@link presentedOpenEntry} first): their markers in both collections, as a new entry would have.
   */
  async indexOpenEntries(entries: readonly SettlementEntry[], nonce: string): Promise<void> {
    for (const entry of entries)
      for (const org of [entry.provider, entry.insurer]) await this.#putOpenMarker(org, entry, nonce);
  }

  #disputeKey(insurer: string, provider: string, disputeId: string): string {
    return this.#key(KeyFamily.dispute, [insurer, provider, disputeId]);
  }

  #entryKey(insurer: string, provider: string, entryId: string): string {
    return this.#key(KeyFamily.settlementEntry, [insurer, provider, entryId]);
  }

  #settledKey(insurer: string, provider: string, entryId: string): string {
    return this.#key(KeyFamily.settledEntry, [insurer, provider, entryId]);
  }

  #openKey(e: SettlementEntry): string {
    return this.#key(KeyFamily.openEntry, [e.insurer, e.provider, e.currency, e.postedAt, e.entryId]);
  }

  /**
   * At most `limit` rows of a sealed range under `prefix`, in key order, from `start` (inclusive,
   * default the prefix) (read-only transactions only).
   */
  async #sealedRange(mspId: string, prefix: string, limit: number, start = prefix): Promise<Drained> {
    const result = (await this.#stub.getPrivateDataByRange(
      sealedCollection(mspId),
      start,
      `${prefix}\u{10FFFF}`,
    )) as Iterators.StateQueryIterator | { iterator: Iterators.StateQueryIterator };
    return drain('iterator' in result ? result.iterator : result, limit);
  }

  /** A claim presented as the provider's collection stores it; `[PRESENTED_MISMATCH]` when it is not (or none is). */
  presentedClaim(provider: string, claimId: string, bytes: string): Promise<Claim> {
    return this.#presentedSealed(provider, this.#claimKey(provider, claimId), bytes, claimSchema);
  }

  /** True when a claim line was disputed (any endorser can tell, from the hash). */
  lineDisputed(provider: string, claimId: string, sequence: number): Promise<boolean> {
    return this.#sealedExists(provider, this.#key(KeyFamily.disputedLine, [claimId, String(sequence)]));
  }

  /** Writes a dispute to both collections, and (when it opens) the line's disputed marker. */
  async putDispute(dispute: Dispute, nonce: string): Promise<void> {
    const key = this.#disputeKey(dispute.insurer, dispute.provider, dispute.disputeId);
    for (const org of [dispute.provider, dispute.insurer])
      await this.#putSealedNonce(org, key, dispute, nonce);
    if (dispute.status === 'open') {
      const line = this.#key(KeyFamily.disputedLine, [dispute.claimId, String(dispute.lineSequence)]);
      await this.#putSealedNonce(dispute.provider, line, { disputeId: dispute.disputeId }, nonce);
    }
  }

  /** A dispute presented as the insurer's collection stores it; `[PRESENTED_MISMATCH]` when it is not (or none is). */
  presentedDispute(insurer: string, provider: string, disputeId: string, bytes: string): Promise<Dispute> {
    return this.#presentedSealed(
      insurer,
      this.#disputeKey(insurer, provider, disputeId),
      bytes,
      disputeSchema,
    );
  }

  /**
   * A settlement entry presented as the insurer's collection stores it, checked at the key its own
   * pair and id name: `[PRESENTED_MISMATCH]` when the bytes are not what is stored there (or nothing
   * is), or a batch settled it already (it was read before that batch).
   */
  async presentedOpenEntry(insurer: string, bytes: string): Promise<SettlementEntry> {
    let claimed: unknown;
    try {
      claimed = (JSON.parse(Buffer.from(bytes, 'base64').toString('utf8')) as { value?: unknown }).value;
    } catch {
      return fail(ErrorCode.VALIDATION_FAILED, 'entries');
    }
    const entry = settlementEntrySchema.safeParse(claimed);
    if (!entry.success || entry.data.insurer !== insurer) return fail(ErrorCode.VALIDATION_FAILED, 'entries');
    const e = entry.data;
    const stored = await this.#presentedSealed(
      insurer,
      this.#entryKey(e.insurer, e.provider, e.entryId),
      bytes,
      settlementEntrySchema,
    );
    if (await this.#sealedExists(insurer, this.#settledKey(e.insurer, e.provider, e.entryId)))
      fail(ErrorCode.PRESENTED_MISMATCH, `${e.entryId} settled`);
    return stored;
  }

  /**
   * Writes a closed batch, its payment and the settled markers of its entries to both collections,
   * and deletes the entries' open markers.
   */
  async putBatch(
    closed: { batch: SettlementBatch; payment: SettlementEntry; settled: readonly SettlementEntry[] },
    nonce: string,
  ): Promise<void> {
    const { batch, payment, settled } = closed;
    await this.putSettlementEntry(payment, nonce);
    const key = this.#key(KeyFamily.settlementBatch, [batch.insurer, batch.provider, batch.batchId]);
    for (const org of [batch.provider, batch.insurer]) {
      await this.#putSealedNonce(org, key, settlementBatchSchema.parse(batch), nonce);
      for (const entry of settled) {
        const settledKey = this.#settledKey(batch.insurer, batch.provider, entry.entryId);
        await this.#putSealedNonce(org, settledKey, { batchId: batch.batchId }, nonce);
        await this.#stub.deletePrivateData(sealedCollection(org), this.#openKey(entry));
      }
    }
  }

  /**
   * What one org's collection holds of a pair, exactly as stored (read-only: it scans what is open): a
   * claim, a dispute, and the approvals and adjustments no batch settled yet (from their open markers,
   * by currency, oldest first; of one currency and at most `limit` when asked, else all of them or
   * `[SCAN_LIMIT]`).
   */
  async settlementContext(
    org: string,
    q: {
      insurer: string;
      provider: string;
      claimId: string | null;
      disputeId: string | null;
      openEntries: boolean;
      currency?: string | null | undefined;
      limit?: number | null | undefined;
    },
  ): Promise<{ claim: string | null; dispute: string | null; entries: string[]; moreEntries: boolean }> {
    const open = q.openEntries ? await this.#openEntryBytes(org, q) : { entries: [], moreEntries: false };
    return {
      claim: q.claimId === null ? null : await this.#sealedBytes(org, this.#claimKey(q.provider, q.claimId)),
      dispute:
        q.disputeId === null
          ? null
          : await this.#sealedBytes(org, this.#disputeKey(q.insurer, q.provider, q.disputeId)),
      ...open,
    };
  }

  async #openEntryBytes(
    org: string,
    q: { insurer: string; provider: string; currency?: string | null; limit?: number | null },
  ): Promise<{ entries: string[]; moreEntries: boolean }> {
    const parts = q.currency ? [q.insurer, q.provider, q.currency] : [q.insurer, q.provider];
    const cap = q.limit ?? MAX_OPEN_ENTRIES;
    const { kvs } = await this.#sealedRange(org, this.#key(KeyFamily.openEntry, parts), cap + 1);
    if (kvs.length > cap && !q.limit) fail(ErrorCode.SCAN_LIMIT, `open entries over ${cap}`);
    const entries: string[] = [];
    for (const kv of kvs.slice(0, cap)) {
      const { entryId } = parseJson(kv.value, openMarkerSchema).value;
      const bytes = await this.#sealedBytes(org, this.#entryKey(q.insurer, q.provider, entryId));
      if (bytes === null) fail(ErrorCode.STATE_INVALID, `open marker of ${entryId} without its entry`);
      entries.push(bytes);
    }
    return { entries, moreEntries: kvs.length > cap };
  }

  /**
   * A page of a pair's history (read-only: it scans), after entry `after`: the approvals and
   * adjustments no batch settled and no open marker names, as stored; at most `limit` of them, from at
   * most {@link UNINDEXED_SCAN_PAGE} entries read. `next` is the last entry read when more may follow.
   */
  async unindexedEntries(
    org: string,
    q: { insurer: string; provider: string; after: string | null; limit: number },
  ): Promise<{ entries: string[]; scanned: number; next: string | null }> {
    const prefix = this.#key(KeyFamily.settlementEntry, [q.insurer, q.provider]);
    const start = q.after === null ? prefix : `${this.#entryKey(q.insurer, q.provider, q.after)}\u0000`;
    const collection = sealedCollection(org);
    const entries: string[] = [];
    let scanned = 0;
    let last: string | null = null;
    const { kvs, exhausted } = await this.#sealedRange(org, prefix, UNINDEXED_SCAN_PAGE, start);
    for (const kv of kvs) {
      const e = settlementEntrySchema.parse(parseJson(kv.value, sealedValueSchema).value);
      scanned += 1;
      last = e.entryId;
      if (e.kind === 'batch_payment') continue;
      const settled = await this.#reads.privateData(
        collection,
        this.#settledKey(e.insurer, e.provider, e.entryId),
      );
      const marked = await this.#reads.privateData(collection, this.#openKey(e));
      if (settled.length === 0 && marked.length === 0) entries.push(Buffer.from(kv.value).toString('base64'));
      if (entries.length === q.limit) break;
    }
    const atEnd = exhausted && scanned === kvs.length;
    return { entries, scanned, next: atEnd ? null : last };
  }

  /**
   * One page of the claims, disputes or settlement entries of an org's collection (read-only: it
   * scans), in key order after key `after` (exclusive; null: from the first): at most `limit` values,
   * and the last key read when more may follow (null: the kind is read to its end).
   */
  async settlementFactsPage<K extends keyof typeof FACT_FAMILIES>(
    org: string,
    kind: K,
    after: string | null,
    limit: number,
  ): Promise<{ values: z.output<(typeof FACT_FAMILIES)[K]['schema']>[]; last: string | null }> {
    const { family, schema } = FACT_FAMILIES[kind];
    const prefix = this.#key(family, []);
    if (after !== null && !after.startsWith(prefix)) fail(ErrorCode.VALIDATION_FAILED, 'after');
    const start = after === null ? prefix : `${after}\u0000`;
    const { kvs, exhausted } = await this.#sealedRange(org, prefix, limit, start);
    const values = kvs.map((kv) => {
      const parsed = schema.safeParse(parseJson(kv.value, sealedValueSchema).value);
      if (!parsed.success) return fail(ErrorCode.STATE_INVALID, 'stored value does not match its schema');
      return parsed.data as z.output<(typeof FACT_FAMILIES)[K]['schema']>;
    });
    return { values, last: exhausted ? null : (kvs.at(-1)?.key ?? null) };
  }

  // Identity

  /** The key of the staff document of an enrollment id in an org (for {@link readAhead}). */
  staffKey(orgSlug: string, enrollmentId: string): string {
    return this.#key(KeyFamily.staff, [orgSlug, enrollmentId]);
  }

  /** The staff document of an enrollment id in an org. */
  getStaff(orgSlug: string, enrollmentId: string): Promise<DidDocument | undefined> {
    return this.#get(this.staffKey(orgSlug, enrollmentId), didDocumentSchema);
  }

  /**
   * Reads public keys the transaction is about to read in one round trip with the peer instead of one
   * each; the reads that follow answer from what it returned. Keys from this class's key methods.
   */
  readAhead(keys: readonly string[]): Promise<void> {
    return this.#reads.readAhead(keys);
  }

  /** Writes a staff document; only the org's own peers may change it afterwards. */
  async putStaff(orgSlug: string, enrollmentId: string, doc: DidDocument, mspId: string): Promise<void> {
    const key = this.#key(KeyFamily.staff, [orgSlug, enrollmentId]);
    await this.#put(key, doc);
    await this.#setPolicy(key, allOf([mspId]));
  }

  /** The pending (or last approved) role change of a staff member. */
  getStaffRoleChange(orgSlug: string, enrollmentId: string): Promise<StaffRoleChange | undefined> {
    return this.#get(this.#key(KeyFamily.staffRoleChange, [orgSlug, enrollmentId]), staffRoleChangeSchema);
  }

  /**
   * Writes a staff member's role change (one key per staff member: a new proposal replaces a pending
   * one, and the key's history keeps every proposal and approval); only the org's own peers may change
   * it afterwards, like the staff document.
   */
  async putStaffRoleChange(orgSlug: string, enrollmentId: string, change: StaffRoleChange): Promise<void> {
    const key = this.#key(KeyFamily.staffRoleChange, [orgSlug, enrollmentId]);
    await this.#put(key, change);
    await this.#setPolicy(key, allOf([change.org]));
  }

  /** A patient's DID document, built from their public record (found by the digest of the DID). */
  async getPatient(patientDid: string): Promise<DidDocument | undefined> {
    const record = await this.getPatientRecord(patientKeyOf(patientDid));
    return record && patientDidDocument(patientDid, record);
  }

  /**
   * Writes a patient's DID document as their public record: the keys, status and times, under the
   * digest of the DID; neither the DID nor the registering org is stored.
   */
  async putPatient(doc: DidDocument): Promise<void> {
    await this.putPatientRecord(this.patientRecordOf(doc));
  }

  /** The public record a patient's DID document is stored as (keys, status, times; no DID, no org). */
  patientRecordOf(doc: DidDocument): PatientRecord {
    const numberOf = (id: string | null): number => Number(/#key-(\d+)$/.exec(id ?? '')?.[1] ?? '0');
    return patientRecordSchema.parse({
      patientKey: patientKeyOf(doc.id),
      keys: doc.verificationMethod.map((m) => ({ number: numberOf(m.id), publicKeyJwk: m.publicKeyJwk })),
      currentKey: numberOf(doc.medledger.currentKeyId),
      recoveryKeyThumbprint: doc.medledger.recoveryKeyThumbprint,
      status: doc.medledger.status,
      created: doc.medledger.created,
      updated: doc.medledger.updated,
      version: doc.medledger.version,
    });
  }

  /** A patient's public record, by patient key (receipt in the regulator's collection). */
  async getPatientRecord(patientKey: string): Promise<PatientRecord | undefined> {
    const regulator = (await this.consortium()).regulator;
    return this.#getBound(this.#key(KeyFamily.patient, [patientKey]), patientRecordSchema, () => regulator);
  }

  /**
   * Writes a patient's public record: afterwards only the regulator's peer with one other org's peer
   * can change it (no two other orgs can replace a patient's key and forge their signatures).
   */
  async putPatientRecord(record: PatientRecord): Promise<void> {
    const c = await this.consortium();
    await this.#putBound(
      this.#key(KeyFamily.patient, [record.patientKey]),
      record,
      c.regulator,
      await this.#regulatorAndOne(),
    );
  }

  /**
   * Records a nonce of a patient's signed payload under a digest of DID and nonce (no DID in the key);
   * `[REPLAYED_NONCE]` when it was used before.
   */
  async useNonce(patientDid: string, nonce: string): Promise<void> {
    const key = this.#key(KeyFamily.nonce, [sha256Hex(`${patientDid}\u0000${nonce}`)]);
    if (await this.#exists(key)) fail(ErrorCode.REPLAYED_NONCE, 'nonce');
    await this.#put(key, { txId: this.txId });
  }

  /**
   * Records `iat` as the newest accepted payload of type `typ` a patient signed, under the patient key
   * (no DID in the key or the value), bound like the patient's record (receipt in the regulator's
   * collection; changes need the regulator and one other org); `[STALE_PAYLOAD]` when one of that type
   * with the same or a later `iat` was accepted before.
   */
  async advanceSignedIat(patientDid: string, typ: string, iat: number): Promise<void> {
    const key = this.#key(KeyFamily.signedIat, [patientKeyOf(patientDid), typ]);
    const regulator = (await this.consortium()).regulator;
    const last = await this.#getBound(key, signedIatSchema, () => regulator);
    if (last !== undefined && iat <= last.iat) fail(ErrorCode.STALE_PAYLOAD, typ);
    await this.#putBound(key, { iat, txId: this.txId }, regulator, await this.#regulatorAndOne());
  }

  // Consent

  /**
   * The public keys a decision reads of a presented consent: its public fact, its revocation and its
   * deletion attestation (for {@link Ledger.readAhead}).
   */
  consentKeys(consentId: string): string[] {
    return [KeyFamily.consent, KeyFamily.revocation, KeyFamily.deletionAttestation].map((family) =>
      this.#key(family, [consentId]),
    );
  }

  /**
   * Whether the consent's grantee attested the deletion of its copies. An attestation without its
   * receipt in the grantee org's collection is none: any two orgs can create the key, and it must
   * not close someone else's consent.
   */
  async hasDeletionAttestation(consentId: string): Promise<boolean> {
    const key = this.#key(KeyFamily.deletionAttestation, [consentId]);
    const attestation = await this.#getBound(key, deletionAttestationSchema, (a) => a.granteeOrg, 'absent');
    return attestation?.consentId === consentId;
  }

  /** The public fact of a consent (receipt in the grantee org's collection). */
  getPublicConsent(consentId: string): Promise<PublicConsent | undefined> {
    return this.#getBound(
      this.#key(KeyFamily.consent, [consentId]),
      publicConsentSchema,
      (c) => c.granteeOrg,
    );
  }

  /** Writes the public fact of a consent, once. */
  async putPublicConsent(consent: PublicConsent): Promise<void> {
    const key = this.#key(KeyFamily.consent, [consent.consentId]);
    // A consent named by this transaction's id is new without asking: no other transaction on the
    // channel has that id (the peers refuse a duplicate).
    if (consent.consentId !== this.txId && (await this.#exists(key)))
      fail(ErrorCode.ALREADY_EXISTS, consent.consentId);
    await this.#putBound(
      key,
      consent,
      consent.granteeOrg,
      await this.#allOrgs(),
      consent.consentId === this.txId,
    );
  }

  /** How many access grants a use-limited consent gave (receipt in the regulator's collection). */
  async getConsentUse(consentId: string): Promise<ConsentUse | undefined> {
    const regulator = (await this.consortium()).regulator;
    return this.#getBound(this.#key(KeyFamily.consentUse, [consentId]), consentUseSchema, () => regulator);
  }

  /**
   * Writes the use of a consent. One key per consent, read first by the same transaction: two access
   * decisions counting against one consent at once conflict at validation (MVCC), so the count never
   * passes the limit. Changed later only by the regulator and one other org (the custodian deciding).
   * `created`: the consent is granted by this transaction, so its counter is new.
   */
  async putConsentUse(use: ConsentUse, created = false): Promise<void> {
    const c = await this.consortium();
    await this.#putBound(
      this.#key(KeyFamily.consentUse, [use.consentId]),
      use,
      c.regulator,
      await this.#regulatorAndOne(),
      created,
    );
  }

  /** A grantee's deletion attestation for a consent (receipt in the grantee org's collection). */
  getDeletionAttestation(consentId: string): Promise<DeletionAttestation | undefined> {
    return this.#getBound(
      this.#key(KeyFamily.deletionAttestation, [consentId]),
      deletionAttestationSchema,
      (a) => a.granteeOrg,
    );
  }

  /** Writes a deletion attestation, once; `[CONFLICT]` when the consent has one. */
  async putDeletionAttestation(attestation: DeletionAttestation): Promise<void> {
    const key = this.#key(KeyFamily.deletionAttestation, [attestation.consentId]);
    if (await this.#exists(key)) fail(ErrorCode.CONFLICT, attestation.consentId);
    await this.#putBound(key, attestation, attestation.granteeOrg, await this.#allOrgs());
  }

  /** The revocation of a consent (receipt in the relaying org's collection). */
  getRevocation(consentId: string): Promise<ConsentRevocation | undefined> {
    return this.#getBound(
      this.#key(KeyFamily.revocation, [consentId]),
      consentRevocationSchema,
      (r) => r.relayedByOrg,
    );
  }

  /** Writes the revocation of a consent, once; `[CONFLICT]` when it is revoked already. */
  async putRevocation(revocation: ConsentRevocation): Promise<void> {
    const key = this.#key(KeyFamily.revocation, [revocation.consentId]);
    if (await this.#exists(key)) fail(ErrorCode.CONFLICT, revocation.consentId);
    await this.#putBound(key, revocation, revocation.relayedByOrg, await this.#allOrgs());
  }

  /** Writes a consent's terms and signed grant to the grantee org's collection, with its two indexes. */
  async putConsentTerms(granteeOrg: string, consent: Consent, granteeKey: string): Promise<void> {
    await this.#putSealed(granteeOrg, this.#key(KeyFamily.consentTerms, [consent.consentId]), consent);
    const patient = await this.#keyed(granteeOrg, consent.patientDid);
    await this.#putSealedIndex(
      granteeOrg,
      this.#key(KeyFamily.consentByPatient, [patient, consent.consentId]),
    );
    await this.#putSealedIndex(
      granteeOrg,
      this.#key(KeyFamily.consentByGrantee, [granteeKey, consent.consentId]),
    );
  }

  /** A consent's terms from one org's collection (the caller's peer must be a member). */
  getConsentTerms(org: string, consentId: string): Promise<Consent | undefined> {
    return this.#getSealed(org, this.#key(KeyFamily.consentTerms, [consentId]), consentSchema);
  }

  /** The consents an index page names (the entries stay here: a page answers with items and position). */
  async #consentPage(page: {
    entries: readonly { org: string; attrs: string[] }[];
    bookmark: string;
    fetchedRecordsCount: number;
  }): Promise<Page<Consent>> {
    const items: Consent[] = [];
    for (const e of page.entries) {
      const consent = await this.getConsentTerms(e.org, e.attrs[0] ?? '');
      if (consent) items.push(consent);
    }
    return { items, bookmark: page.bookmark, fetchedRecordsCount: page.fetchedRecordsCount };
  }

  /** A page of a patient's consents in the collections of `orgs`, in id order. */
  async pageConsentsOfPatient(
    orgs: readonly string[],
    patientDid: string,
    pageSize: number,
    bookmark: string,
  ): Promise<Page<Consent>> {
    const page = await this.#mergedPage(
      orgs,
      KeyFamily.consentByPatient,
      async (org) => [await this.#keyed(org, patientDid)],
      pageSize,
      bookmark,
      ID_BOOKMARK,
    );
    return this.#consentPage(page);
  }

  /** A page of a grantee's consents in the grantee org's collection, in id order. */
  async pageConsentsOfGrantee(
    granteeOrg: string,
    granteeKey: string,
    pageSize: number,
    bookmark: string,
  ): Promise<Page<Consent>> {
    const page = await this.#mergedPage(
      [granteeOrg],
      KeyFamily.consentByGrantee,
      () => Promise.resolve([granteeKey]),
      pageSize,
      bookmark,
      ID_BOOKMARK,
    );
    return this.#consentPage(page);
  }

  /** A patient's standing preferences, by patient key (receipt in the regulator's collection). */
  async getPreferences(patientKey: string): Promise<StoredPreferences | undefined> {
    const regulator = (await this.consortium()).regulator;
    return this.#getBound(
      this.#key(KeyFamily.preferences, [patientKey]),
      storedPreferencesSchema,
      () => regulator,
    );
  }

  /** Writes a patient's standing preferences (changed later only by the regulator and one other org). */
  async putPreferences(patientKey: string, prefs: PatientPreferences): Promise<void> {
    const c = await this.consortium();
    await this.#putBound(
      this.#key(KeyFamily.preferences, [patientKey]),
      prefs,
      c.regulator,
      await this.#regulatorAndOne(),
    );
  }

  // Records

  #anchorKey(custodian: string, recordId: string, version: number): string {
    return this.#key(KeyFamily.anchor, [custodian, recordId, versionPart(version)]);
  }

  /** The stored anchor of one version (receipt in the custodian's collection). */
  getAnchor(custodian: string, recordId: string, version: number): Promise<StoredAnchor | undefined> {
    return this.#getBound(this.#anchorKey(custodian, recordId, version), storedAnchorSchema, () => custodian);
  }

  /** Every version of a record of a custodian, oldest first (bounded), each checked against its receipt. */
  async anchors(custodian: string, recordId: string): Promise<StoredAnchor[]> {
    const kvs = await this.#ids(KeyFamily.anchor, [custodian, recordId], MAX_SCAN);
    const out: StoredAnchor[] = [];
    for (const kv of kvs) {
      await this.#checkBound(kv.key, kv.value, custodian);
      out.push(parseJson(kv.value, storedAnchorSchema));
    }
    return out;
  }

  /**
   * The latest version of a record of a custodian, checked against its receipt, or undefined. One
   * range read and one receipt: the versions before it are not what the caller uses, so their
   * receipts are not read.
   */
  async latestAnchor(custodian: string, recordId: string): Promise<StoredAnchor | undefined> {
    const kv = (await this.#ids(KeyFamily.anchor, [custodian, recordId], MAX_SCAN)).at(-1);
    if (kv === undefined) return undefined;
    await this.#checkBound(kv.key, kv.value, custodian);
    return parseJson(kv.value, storedAnchorSchema);
  }

  /** Writes the anchor of a version, once: afterwards no change validates without every peer org. */
  async putAnchor(anchor: StoredAnchor): Promise<void> {
    const key = this.#anchorKey(anchor.custodian, anchor.recordId, anchor.version);
    if (await this.#exists(key)) fail(ErrorCode.ALREADY_EXISTS, `${anchor.recordId} version`);
    await this.#putBound(key, anchor, anchor.custodian, await this.#allOrgs());
  }

  /** The patient of a record, from the custodian's collection (a peer of the custodian or the regulator). */
  async getRecordPatient(custodian: string, recordId: string): Promise<string | undefined> {
    const link = await this.#getSealed(
      custodian,
      this.#key(KeyFamily.recordPatient, [recordId]),
      z.object({ patientDid: z.string() }),
    );
    return link?.patientDid;
  }

  /** Links a record to its patient in the custodian's collection, with the patient's record index. */
  async putRecordPatient(custodian: string, recordId: string, patientDid: string): Promise<void> {
    await this.#putSealed(custodian, this.#key(KeyFamily.recordPatient, [recordId]), { patientDid });
    const patient = await this.#keyed(custodian, patientDid);
    await this.#putSealedIndex(custodian, this.#key(KeyFamily.recordsByPatient, [patient, recordId]));
  }

  /**
   * The ids of a patient's records at one custodian, from the custodian's sealed index (a scan: for
   * evaluates only, as a transaction that writes may not range-scan private data). Readable on the
   * custodian's and the regulator's peers.
   */
  async recordIdsOfPatient(custodian: string, patientDid: string): Promise<string[]> {
    const patient = await this.#keyed(custodian, patientDid);
    const rows = await this.#sealedScan(custodian, KeyFamily.recordsByPatient, [patient], [], MAX_SCAN);
    return rows.map((attrs) => attrs[0] ?? '').filter((id) => id !== '');
  }

  /** Writes a record listing decision to the caller's org's collection, indexed by patient (newest first). */
  async putRecordListing(listing: RecordListing): Promise<void> {
    const org = listing.actorMsp;
    await this.#putSealed(org, this.#key(KeyFamily.recordListing, [listing.listingId]), listing);
    const patient = await this.#keyed(org, listing.patientDid);
    const inv = invertedTime(Date.parse(listing.txTime));
    await this.#putSealedIndex(org, this.#key(KeyFamily.listingByPatient, [patient, inv, listing.listingId]));
  }

  /** A record listing decision by id, from an org's collection. */
  getRecordListing(org: string, listingId: string): Promise<RecordListing | undefined> {
    return this.#getSealed(org, this.#key(KeyFamily.recordListing, [listingId]), recordListingSchema);
  }

  /** Writes a patient's own access to the custodian's collection, indexed by patient (newest first). */
  async putPatientAccess(access: PatientAccess): Promise<void> {
    const org = access.custodian;
    await this.#putSealed(org, this.#key(KeyFamily.patientAccess, [access.accessId]), access);
    const patient = await this.#keyed(org, access.patientDid);
    const inv = invertedTime(Date.parse(access.txTime));
    await this.#putSealedIndex(
      org,
      this.#key(KeyFamily.patientAccessByPatient, [patient, inv, access.accessId]),
    );
  }

  /** A patient's own access by id, from the custodian's collection. */
  getPatientAccess(custodian: string, accessId: string): Promise<PatientAccess | undefined> {
    return this.#getSealed(custodian, this.#key(KeyFamily.patientAccess, [accessId]), patientAccessSchema);
  }

  /**
   * Writes a patient's erasure request to the custodian's collection; the first write (`indexed`)
   * also indexes it by the patient's keyed DID.
   */
  async putErasureRequest(request: ErasureRequest, options: { indexed: boolean }): Promise<void> {
    const org = request.custodian;
    await this.#putSealed(org, this.#key(KeyFamily.erasureRequest, [request.requestId]), request);
    if (!options.indexed) return;
    const patient = await this.#keyed(org, request.patientDid);
    await this.#putSealedIndex(
      org,
      this.#key(KeyFamily.erasureRequestByPatient, [patient, request.requestId]),
    );
  }

  /** An erasure request by id, from the custodian's collection. */
  getErasureRequest(custodian: string, requestId: string): Promise<ErasureRequest | undefined> {
    return this.#getSealed(custodian, this.#key(KeyFamily.erasureRequest, [requestId]), erasureRequestSchema);
  }

  /**
   * The erasure requests in a custodian's collection, a patient's only when `patientDid` is given (a
   * scan: for evaluates only). Readable on the custodian's and the regulator's peers.
   */
  async erasureRequests(custodian: string, patientDid?: string): Promise<ErasureRequest[]> {
    const ids =
      patientDid === undefined
        ? await this.#sealedScan(custodian, KeyFamily.erasureRequest, [], [], MAX_SCAN)
        : await this.#sealedScan(
            custodian,
            KeyFamily.erasureRequestByPatient,
            [await this.#keyed(custodian, patientDid)],
            [],
            MAX_SCAN,
          );
    const out: ErasureRequest[] = [];
    for (const [id] of ids) {
      const r = id === undefined ? undefined : await this.getErasureRequest(custodian, id);
      if (r) out.push(r);
    }
    return out;
  }

  #reviewKey(custodian: string, recordId: string, version: number): string {
    return this.#key(KeyFamily.qualityReview, [custodian, recordId, versionPart(version)]);
  }

  /** The quality review of a version, if any. */
  getQualityReview(custodian: string, recordId: string, version: number): Promise<QualityReview | undefined> {
    return this.#getBound(
      this.#reviewKey(custodian, recordId, version),
      qualityReviewSchema,
      () => custodian,
    );
  }

  /** Writes the quality review of a version, once. */
  async putQualityReview(review: QualityReview): Promise<void> {
    const key = this.#reviewKey(review.custodian, review.recordId, review.version);
    if (await this.#exists(key)) fail(ErrorCode.CONFLICT, review.recordId);
    await this.#putBound(key, review, review.custodian, await this.#allOrgs());
  }

  /** Writes an erasure or purge record of a version (one per transaction). */
  async putErasure(erasure: Erasure): Promise<void> {
    const key = this.#key(KeyFamily.erasure, [
      erasure.custodian,
      erasure.recordId,
      versionPart(erasure.version),
      erasure.txId,
    ]);
    await this.#putBound(key, erasure, erasure.custodian, await this.#allOrgs());
  }

  /** The erasures and purges of a record, by version, each checked against its receipt. */
  async erasures(custodian: string, recordId: string): Promise<Erasure[]> {
    const kvs = await this.#ids(KeyFamily.erasure, [custodian, recordId], MAX_SCAN);
    const out: Erasure[] = [];
    for (const kv of kvs) {
      await this.#checkBound(kv.key, kv.value, custodian);
      out.push(parseJson(kv.value, erasureSchema));
    }
    return out;
  }

  /** The key of a record's latest state (for {@link readAhead}). */
  latestKey(custodian: string, recordId: string): string {
    return this.#key(KeyFamily.recordLatest, [custodian, recordId]);
  }

  /**
   * What a record's latest version shows, as the transactions that changed it last wrote it, checked
   * against its receipt; undefined for a record anchored before the key existed (or none).
   */
  async getRecordLatest(custodian: string, recordId: string): Promise<RecordAnchor | undefined> {
    const latest = await this.#getBound(
      this.latestKey(custodian, recordId),
      recordAnchorSchema,
      () => custodian,
    );
    if (latest && (latest.custodian !== custodian || latest.recordId !== recordId))
      fail(ErrorCode.STATE_INVALID, `${recordId} latest`);
    return latest;
  }

  /**
   * Writes what a record's latest version shows. Rewritten by every change, so its key-level policy is
   * the custodian's and the regulator's peers (who endorse every change of a record), not every org's.
   * `created`: the caller knows the record has no latest state yet (its first version's anchor).
   */
  async putRecordLatest(latest: RecordAnchor, created = false): Promise<void> {
    const regulator = (await this.consortium()).regulator;
    await this.#putBound(
      this.latestKey(latest.custodian, latest.recordId),
      latest,
      latest.custodian,
      allOf([latest.custodian, regulator]),
      created,
    );
  }

  #contentKey(recordId: string, version: number): string {
    return this.#key(KeyFamily.content, [recordId, versionPart(version)]);
  }

  #verdictKey(recordId: string, version: number): string {
    return this.#key(KeyFamily.verdict, [recordId, versionPart(version)]);
  }

  /** The salt of a staged verdict: keyed with the custodian's collection key, so only its members derive it. */
  verdictSalt(mspId: string, recordId: string, version: number): Promise<string> {
    return this.#keyed(mspId, `verdict\u0000${recordId}\u0000${versionPart(version)}`);
  }

  /**
   * The key of a version's wrapped data key in one of two slots. A re-wrap writes the other slot and
   * purges this one: overwriting in place would leave the value wrapped under the retired KEK in the
   * peer's private data store (Fabric keeps every committed private write until it is purged), where
   * a copy of the disk and the retired KEK would still open the content. Slot 0 is the key staging
   * always used, so ledgers staged before slots read as they are.
   */
  #dataKeyKey(recordId: string, version: number, slot: DataKeySlot = 0): string {
    const parts = [recordId, versionPart(version)];
    return this.#key(KeyFamily.dataKey, slot === 0 ? parts : [...parts, '1']);
  }

  /**
   * Writes the sealed content, its wrapped data key (under keys of their own, so erasure can destroy
   * the key) and the staged verdict to the custodian's implicit collection.
   */
  async stageContent(mspId: string, verdict: StagedVerdict, sealed: EncryptedRecord): Promise<void> {
    const collection = implicitCollection(mspId);
    await this.#stub.putPrivateData(
      collection,
      this.#contentKey(verdict.recordId, verdict.version),
      canonicalBytes(sealed.content),
    );
    await this.#stub.putPrivateData(
      collection,
      this.#dataKeyKey(verdict.recordId, verdict.version),
      canonicalBytes(sealed.wrappedKey),
    );
    await this.#stub.putPrivateData(
      collection,
      this.#verdictKey(verdict.recordId, verdict.version),
      canonicalBytes(stagedVerdictSchema.parse(verdict)),
    );
  }

  /**
   * A version's wrapped data key from the custodian's implicit collection and the slot it is in, or
   * undefined (erased, never staged). Point reads of both slots (a transaction that writes may not
   * range-scan private data).
   */
  async getWrappedDataKey(
    mspId: string,
    recordId: string,
    version: number,
  ): Promise<{ wrapped: WrappedDataKey; slot: DataKeySlot } | undefined> {
    for (const slot of DATA_KEY_SLOTS) {
      let bytes: Uint8Array;
      try {
        bytes = await this.#reads.privateData(
          implicitCollection(mspId),
          this.#dataKeyKey(recordId, version, slot),
        );
      } catch {
        return fail(ErrorCode.CONTENT_UNAVAILABLE, `${recordId} not on this peer`);
      }
      if (bytes.length > 0) return { wrapped: parseEnvelopePart(bytes, parseWrappedDataKey), slot };
    }
    return undefined;
  }

  /**
   * Key rotation of one version (the content is not touched): writes the re-wrapped data key to the
   * slot `from` is not, and purges `from`, so the key wrapped under the retired KEK leaves the peer's
   * private data store too.
   */
  async moveWrappedDataKey(
    mspId: string,
    recordId: string,
    version: number,
    from: DataKeySlot,
    wrapped: WrappedDataKey,
  ): Promise<void> {
    const collection = implicitCollection(mspId);
    await this.#stub.putPrivateData(
      collection,
      this.#dataKeyKey(recordId, version, from === 0 ? 1 : 0),
      canonicalBytes(wrapped),
    );
    await this.#stub.purgePrivateData(collection, this.#dataKeyKey(recordId, version, from));
  }

  /** Records the last key-rotation batch of the custodian in its implicit collection. */
  async putKeyRotationBatch(
    mspId: string,
    batch: { activeKeyId: string; rewrapped: number; unchanged: number; missing: number },
  ): Promise<void> {
    await this.#stub.putPrivateData(
      implicitCollection(mspId),
      this.#key(KeyFamily.dataKeyRotation, [mspId]),
      canonicalBytes({ ...batch, txId: this.txId, txTime: this.txTime }),
    );
  }

  /**
   * A page of the wrapped data keys of the custodian's implicit collection, in key order from
   * `after` (exclusive; `''` from the start). Evaluate-only: a transaction that writes may not
   * range-scan private data. `[CONTENT_UNAVAILABLE]` on a peer of another org.
   */
  async wrappedDataKeys(
    mspId: string,
    after: { recordId: string; version: number } | undefined,
    limit: number,
  ): Promise<{ recordId: string; version: number; wrapped: WrappedDataKey }[]> {
    const prefix = this.#key(KeyFamily.dataKey, []);
    // Past both slots of `after` (slot 1's key extends slot 0's).
    const start = after ? `${this.#dataKeyKey(after.recordId, after.version, 1)}\u0000` : prefix;
    let kvs: Iterators.KV[];
    try {
      // Resolves to `{ iterator }` like every private range query (see #sealedScan).
      const result = (await this.#stub.getPrivateDataByRange(
        implicitCollection(mspId),
        start,
        `${prefix}\u{10FFFF}`,
      )) as Iterators.StateQueryIterator | { iterator: Iterators.StateQueryIterator };
      kvs = (await drain('iterator' in result ? result.iterator : result, limit)).kvs;
    } catch {
      return fail(ErrorCode.CONTENT_UNAVAILABLE, `data keys not on this peer`);
    }
    return kvs.map((kv) => {
      const [recordId = '', version = ''] = this.#stub.splitCompositeKey(kv.key).attributes;
      return {
        recordId,
        version: Number(version),
        wrapped: parseEnvelopePart(kv.value, parseWrappedDataKey),
      };
    });
  }

  /** Hex hashes of the staged content and verdict (readable on every peer), '' when absent. */
  async stagedHashes(
    mspId: string,
    recordId: string,
    version: number,
  ): Promise<{ content: string; verdict: string }> {
    const collection = implicitCollection(mspId);
    const content = await this.#reads.privateDataHash(collection, this.#contentKey(recordId, version));
    const verdict = await this.#reads.privateDataHash(collection, this.#verdictKey(recordId, version));
    return { content: Buffer.from(content).toString('hex'), verdict: Buffer.from(verdict).toString('hex') };
  }

  /** The hash a staged verdict has when stored. */
  static verdictHash(verdict: StagedVerdict): string {
    return sha256Hex(canonicalBytes(stagedVerdictSchema.parse(verdict)));
  }

  /**
   * The sealed content and wrapped data key of a version from the custodian's implicit collection;
   * `[CONTENT_UNAVAILABLE]` on a peer of another org or when erased, `[STATE_INVALID]` when malformed.
   */
  async readContent(mspId: string, recordId: string, version: number): Promise<EncryptedRecord> {
    const collection = implicitCollection(mspId);
    let content: Uint8Array;
    try {
      content = await this.#reads.privateData(collection, this.#contentKey(recordId, version));
    } catch {
      return fail(ErrorCode.CONTENT_UNAVAILABLE, `${recordId} not on this peer`);
    }
    const wrapped = await this.getWrappedDataKey(mspId, recordId, version);
    if (content.length === 0 || wrapped === undefined) return fail(ErrorCode.CONTENT_UNAVAILABLE, recordId);
    return { content: parseEnvelopePart(content, parseSealedContent), wrappedKey: wrapped.wrapped };
  }

  /** Purges the content, its data key (crypto-shredding) and the verdict of a version. */
  async purgeContent(mspId: string, recordId: string, version: number): Promise<void> {
    const collection = implicitCollection(mspId);
    await this.#stub.purgePrivateData(collection, this.#contentKey(recordId, version));
    for (const slot of DATA_KEY_SLOTS)
      await this.#stub.purgePrivateData(collection, this.#dataKeyKey(recordId, version, slot));
    await this.#stub.purgePrivateData(collection, this.#verdictKey(recordId, version));
  }

  // Study work: tasks, contributions, contribution awards

  /** A site's task in a study, checked against its receipt in the study org's collection. */
  getStudyTask(studyId: string, site: string, taskId: string): Promise<StudyTask | undefined> {
    return this.#getBound(
      this.#key(KeyFamily.studyTask, [studyId, site, taskId]),
      studyTaskSchema,
      (t) => t.org,
    );
  }

  /**
   * Writes a task once, bound by a receipt in the study org's sealed collection; afterwards only that
   * org with the regulator could change it. `[ALREADY_EXISTS]` for a task id the site has already.
   */
  async putStudyTask(task: StudyTask): Promise<void> {
    const key = this.#key(KeyFamily.studyTask, [task.studyId, task.site, task.taskId]);
    if (await this.#exists(key)) fail(ErrorCode.ALREADY_EXISTS, task.taskId);
    const regulator = (await this.consortium()).regulator;
    await this.#putBound(key, task, task.org, allOf([task.org, regulator]));
  }

  /** Every task of a study (bounded), each checked against its receipt. */
  async studyTasks(studyId: string): Promise<StudyTask[]> {
    return this.#scanBound(KeyFamily.studyTask, [studyId], studyTaskSchema, (t) => t.org);
  }

  /**
   * Writes a verified contribution once, bound by a receipt in the site's sealed collection;
   * afterwards only the site with the regulator could change it, so no other org records (or
   * inflates) a site's contribution.
   */
  async putContribution(c: Contribution): Promise<void> {
    const key = this.#key(KeyFamily.studyContribution, [c.studyId, c.site, c.contributionId]);
    const regulator = (await this.consortium()).regulator;
    await this.#putBound(key, c, c.site, allOf([c.site, regulator]));
  }

  /** Every contribution to a study (bounded), each checked against its receipt in its site's collection. */
  async studyContributions(studyId: string): Promise<Contribution[]> {
    return this.#scanBound(KeyFamily.studyContribution, [studyId], contributionSchema, (c) => c.site);
  }

  // Federated rounds: model updates and aggregates

  /** A site's model update in a round, checked against its receipt in the site's collection. */
  getModelUpdate(studyId: string, round: number, site: string): Promise<ModelUpdate | undefined> {
    return this.#getBound(
      this.#key(KeyFamily.studyUpdate, [studyId, versionPart(round), site]),
      modelUpdateSchema,
      (u) => u.site,
    );
  }

  /**
   * Writes a site's model update once, bound by a receipt in the site's sealed collection; afterwards
   * only the site with the regulator could change it. `[CONFLICT]` when the site has one in the round.
   */
  async putModelUpdate(update: ModelUpdate): Promise<void> {
    const key = this.#key(KeyFamily.studyUpdate, [update.studyId, versionPart(update.round), update.site]);
    if (await this.#exists(key)) fail(ErrorCode.CONFLICT, `${update.site} round ${String(update.round)}`);
    const regulator = (await this.consortium()).regulator;
    await this.#putBound(key, update, update.site, allOf([update.site, regulator]));
  }

  /** The model updates of a round (bounded), each checked against its receipt. */
  roundUpdates(studyId: string, round: number): Promise<ModelUpdate[]> {
    return this.#scanBound(
      KeyFamily.studyUpdate,
      [studyId, versionPart(round)],
      modelUpdateSchema,
      (u) => u.site,
    );
  }

  /** Every model update of a study (bounded), each checked against its receipt. */
  studyUpdates(studyId: string): Promise<ModelUpdate[]> {
    return this.#scanBound(KeyFamily.studyUpdate, [studyId], modelUpdateSchema, (u) => u.site);
  }

  /** A round's aggregate, checked against its receipt in the study org's collection. */
  getRoundAggregate(studyId: string, round: number): Promise<RoundAggregate | undefined> {
    return this.#getBound(
      this.#key(KeyFamily.studyRound, [studyId, versionPart(round)]),
      roundAggregateSchema,
      (a) => a.org,
    );
  }

  /**
   * Writes a round's aggregate once, bound by a receipt in the study org's sealed collection; the
   * round is closed from then on. `[CONFLICT]` when the round has its aggregate.
   */
  async putRoundAggregate(aggregate: RoundAggregate): Promise<void> {
    const key = this.#key(KeyFamily.studyRound, [aggregate.studyId, versionPart(aggregate.round)]);
    if (await this.#exists(key)) fail(ErrorCode.CONFLICT, `round ${String(aggregate.round)} closed`);
    const regulator = (await this.consortium()).regulator;
    await this.#putBound(key, aggregate, aggregate.org, allOf([aggregate.org, regulator]));
  }

  /** Every aggregate of a study, in round order (bounded), each checked against its receipt. */
  studyAggregates(studyId: string): Promise<RoundAggregate[]> {
    return this.#scanBound(KeyFamily.studyRound, [studyId], roundAggregateSchema, (a) => a.org);
  }

  // Study results and credentials

  /** A result of a study, checked against its receipt in the study org's collection. */
  getStudyResult(studyId: string, resultId: string): Promise<StudyResult | undefined> {
    return this.#getBound(
      this.#key(KeyFamily.studyResult, [studyId, resultId]),
      studyResultSchema,
      (r) => r.org,
    );
  }

  /**
   * Writes a result once, bound by a receipt in the study org's sealed collection; afterwards only
   * that org with the regulator could change it. `[ALREADY_EXISTS]` for a result id the study has.
   */
  async putStudyResult(result: StudyResult): Promise<void> {
    const key = this.#key(KeyFamily.studyResult, [result.studyId, result.resultId]);
    if (await this.#exists(key)) fail(ErrorCode.ALREADY_EXISTS, result.resultId);
    const regulator = (await this.consortium()).regulator;
    await this.#putBound(key, result, result.org, allOf([result.org, regulator]));
  }

  /** Every result of a study (bounded), each checked against its receipt. */
  studyResults(studyId: string): Promise<StudyResult[]> {
    return this.#scanBound(KeyFamily.studyResult, [studyId], studyResultSchema, (r) => r.org);
  }

  /** A credential's anchor, checked against its receipt in the custodian's collection. */
  getCredentialAnchor(custodian: string, sdJwtHash: string): Promise<CredentialAnchor | undefined> {
    return this.#getBound(
      this.#key(KeyFamily.credential, [custodian, sdJwtHash]),
      credentialAnchorSchema,
      (c) => c.custodian,
    );
  }

  /**
   * Writes a credential's anchor once, bound by a receipt in the custodian's sealed collection, so no
   * other org anchors a credential (or a key) in a custodian's name. `[ALREADY_EXISTS]` when anchored.
   */
  async putCredentialAnchor(credential: CredentialAnchor): Promise<void> {
    const key = this.#key(KeyFamily.credential, [credential.custodian, credential.sdJwtHash]);
    if (await this.#exists(key)) fail(ErrorCode.ALREADY_EXISTS, credential.sdJwtHash);
    const regulator = (await this.consortium()).regulator;
    await this.#putBound(key, credential, credential.custodian, allOf([credential.custodian, regulator]));
  }

  async #scanBound<S extends z.ZodType>(
    family: KeyFamily,
    parts: readonly string[],
    schema: S,
    receiptOrgOf: (value: z.output<S>) => string,
  ): Promise<z.output<S>[]> {
    const out: z.output<S>[] = [];
    for (const kv of await this.#ids(family, parts, MAX_SCAN)) {
      const value = parseJson(kv.value, schema);
      await this.#checkBound(kv.key, kv.value, receiptOrgOf(value));
      out.push(value);
    }
    return out;
  }

  async #contributedKey(site: string, studyId: string, recordId: string): Promise<string> {
    return this.#key(KeyFamily.contributedRecord, [await this.#keyed(site, `${studyId}\u0000${recordId}`)]);
  }

  /** Whether a record of `site` was contributed to `studyId` before (a point read: writers may call it). */
  async isRecordContributed(site: string, studyId: string, recordId: string): Promise<boolean> {
    const key = await this.#contributedKey(site, studyId, recordId);
    return (await this.#reads.privateDataHash(sealedCollection(site), key)).length > 0;
  }

  /** Marks a record of `site` as contributed to `studyId`. */
  async markRecordContributed(site: string, studyId: string, recordId: string): Promise<void> {
    await this.#putSealedIndex(site, await this.#contributedKey(site, studyId, recordId));
  }

  /**
   * Awards the patients of a verified contribution (one award per patient, study and site, write-once:
   * `newContributionAwards` of the domain), in the site's sealed collection with the patient's index.
   * Returns how many were awarded.
   */
  async awardContribution(
    contribution: { studyId: string; site: string; txId: string; txTime: string },
    patients: readonly string[],
  ): Promise<number> {
    const site = contribution.site;
    const collectionKey = await this.#collectionKey(site);
    const awarded = new Set<string>();
    for (const patientDid of new Set(patients)) {
      const tag = contributionAwardTag(collectionKey, { ...contribution, patientDid });
      const key = this.#key(KeyFamily.contributionAward, [tag]);
      if ((await this.#reads.privateDataHash(sealedCollection(site), key)).length > 0) awarded.add(tag);
    }
    const awards = newContributionAwards(collectionKey, contribution, patients, awarded);
    for (const a of awards) {
      await this.#putSealed(site, this.#key(KeyFamily.contributionAward, [a.tag]), a.award);
      const patient = await this.#keyed(site, a.patientDid);
      await this.#putSealedIndex(site, this.#key(KeyFamily.awardByPatient, [patient, a.tag]));
    }
    return awards.length;
  }

  /** A patient's awards in `orgs`' collections (a scan: evaluates only), oldest first. */
  async contributionAwards(orgs: readonly string[], patientDid: string): Promise<ContributionAward[]> {
    const out: ContributionAward[] = [];
    for (const org of orgs) {
      const patient = await this.#keyed(org, patientDid);
      for (const [tag] of await this.#sealedScan(org, KeyFamily.awardByPatient, [patient], [], MAX_SCAN)) {
        const award =
          tag === undefined
            ? undefined
            : await this.#getSealed(
                org,
                this.#key(KeyFamily.contributionAward, [tag]),
                contributionAwardSchema,
              );
        if (award) out.push(award);
      }
    }
    return out.sort((a, b) => (a.awardedAt < b.awardedAt ? -1 : a.awardedAt > b.awardedAt ? 1 : 0));
  }

  // Access and audit

  /** An access grant by access id, from the custodian's collection. */
  getAccessGrant(custodian: string, accessId: string): Promise<AccessGrant | undefined> {
    return this.#getSealed(custodian, this.#key(KeyFamily.accessGrant, [accessId]), accessGrantSchema);
  }

  /** Writes an access grant to the custodian's collection. */
  putAccessGrant(grant: AccessGrant): Promise<void> {
    return this.#putSealed(grant.custodian, this.#key(KeyFamily.accessGrant, [grant.accessId]), grant);
  }

  // Data-use receipts (docs/leak-tracing.md)

  /** The MAC of a data-use receipt under the custodian's collection key (its or the regulator's peer). */
  async dataUseMac(body: DataUseReceiptBody): Promise<string> {
    return receiptMac(await this.#collectionKey(body.custodian), body);
  }

  /** Whether a receipt's MAC is the custodian's over its fields. */
  async dataUseMacValid(body: DataUseReceiptBody, mac: string): Promise<boolean> {
    return receiptMacValid(await this.#collectionKey(body.custodian), body, mac);
  }

  /**
   * Writes a data-use receipt to the custodian's collection, with its indexes by keyed hash of its
   * content and resource hashes and of its pseudonym, and by export. Point reads and writes only; the
   * same bytes delivered again under the same grant keep the receipt of their first delivery.
   */
  async putDataUse(receipt: DataUseReceipt): Promise<void> {
    const org = receipt.custodian;
    const id = [receipt.accessId, receipt.contentHash];
    const key = this.#key(KeyFamily.dataUse, id);
    // The first delivery of these bytes under this grant is the one a trace reports.
    if ((await this.#reads.privateDataHash(sealedCollection(org), key)).length > 0) return;
    await this.#putSealed(org, key, receipt);
    for (const hash of new Set([receipt.contentHash, receipt.resourceHash]))
      await this.#putSealedIndex(
        org,
        this.#key(KeyFamily.dataUseByHash, [await this.#keyed(org, hash), ...id]),
      );
    if (receipt.pseudonym !== null) {
      const p = await this.#keyed(org, receipt.pseudonym);
      await this.#putSealedIndex(org, this.#key(KeyFamily.dataUseByPseudonym, [p, ...id]));
    }
    if (receipt.exportId !== null)
      await this.#putSealedIndex(org, this.#key(KeyFamily.dataUseByExport, [receipt.exportId, ...id]));
  }

  /** Receipts in a custodian's collection by a content or resource hash, a pseudonym or an export id. */
  async dataUseBy(
    custodian: string,
    by: 'hash' | 'pseudonym' | 'export',
    value: string,
  ): Promise<DataUseReceipt[]> {
    const family =
      by === 'hash'
        ? KeyFamily.dataUseByHash
        : by === 'pseudonym'
          ? KeyFamily.dataUseByPseudonym
          : KeyFamily.dataUseByExport;
    const part = by === 'export' ? value : await this.#keyed(custodian, value);
    const out: DataUseReceipt[] = [];
    for (const [accessId = '', contentHash = ''] of await this.#sealedScan(
      custodian,
      family,
      [part],
      [],
      MAX_SCAN,
    )) {
      const r = await this.#getSealed(
        custodian,
        this.#key(KeyFamily.dataUse, [accessId, contentHash]),
        dataUseReceiptSchema,
      );
      if (r) out.push(r);
    }
    return out;
  }

  /** A break-glass case by access id, from the custodian's collection. */
  getBreakGlass(custodian: string, accessId: string): Promise<BreakGlassCase | undefined> {
    return this.#getSealed(custodian, this.#key(KeyFamily.breakGlass, [accessId]), breakGlassCaseSchema);
  }

  /** Writes a break-glass case to the custodian's collection. */
  putBreakGlass(bg: BreakGlassCase): Promise<void> {
    return this.#putSealed(bg.custodian, this.#key(KeyFamily.breakGlass, [bg.accessId]), bg);
  }

  /** A break-glass request waiting for a co-signature, from the custodian's collection. */
  getBreakGlassRequest(custodian: string, requestId: string): Promise<BreakGlassRequest | undefined> {
    return this.#getSealed(
      custodian,
      this.#key(KeyFamily.breakGlassRequest, [requestId]),
      breakGlassRequestSchema,
    );
  }

  /** Writes a break-glass request to the custodian's collection. */
  putBreakGlassRequest(request: BreakGlassRequest): Promise<void> {
    return this.#putSealed(
      request.custodian,
      this.#key(KeyFamily.breakGlassRequest, [request.requestId]),
      request,
    );
  }

  /** The co-signature a break-glass request got, if any (read by key: the co-sign transaction writes). */
  getBreakGlassCoSign(custodian: string, requestId: string): Promise<BreakGlassCoSign | undefined> {
    return this.#getSealed(
      custodian,
      this.#key(KeyFamily.breakGlassCoSign, [requestId]),
      breakGlassCoSignSchema,
    );
  }

  /**
   * Writes the co-signature of a break-glass request. Read first by the same transaction, so two
   * co-signatures racing for one request conflict at validation (MVCC on the private key's hash) and
   * only one commits.
   */
  putBreakGlassCoSign(custodian: string, coSign: BreakGlassCoSign): Promise<void> {
    return this.#putSealed(custodian, this.#key(KeyFamily.breakGlassCoSign, [coSign.requestId]), coSign);
  }

  #breakGlassReviewKey(accessId: string, n: number): string {
    return this.#key(KeyFamily.breakGlassReview, [accessId, versionPart(n)]);
  }

  #reviewCountKey(accessId: string): string {
    return this.#key(KeyFamily.breakGlassReviewCount, [accessId]);
  }

  /**
   * Appends a review of a break-glass case: review n+1 under its own key (earlier reviews are never
   * replaced) and the case's review count. Point reads and writes only: a transaction that writes may
   * not range-scan private data, so reviews are found by number.
   */
  async appendBreakGlassReview(custodian: string, review: BreakGlassReview): Promise<void> {
    const count = await this.#reviewCount(custodian, review.accessId);
    await this.#putSealed(custodian, this.#breakGlassReviewKey(review.accessId, count + 1), review);
    await this.#putSealed(custodian, this.#reviewCountKey(review.accessId), { count: count + 1 });
  }

  async #reviewCount(custodian: string, accessId: string): Promise<number> {
    const head = await this.#getSealed(custodian, this.#reviewCountKey(accessId), reviewCountSchema);
    return head?.count ?? 0;
  }

  /** The reviews of a break-glass case, oldest first. */
  async breakGlassReviews(custodian: string, accessId: string): Promise<BreakGlassReview[]> {
    const count = Math.min(await this.#reviewCount(custodian, accessId), MAX_SCAN);
    const out: BreakGlassReview[] = [];
    for (let n = 1; n <= count; n++) {
      const review = await this.#getSealed(
        custodian,
        this.#breakGlassReviewKey(accessId, n),
        breakGlassReviewSchema,
      );
      if (review) out.push(review);
    }
    return out;
  }

  #suspensionKey(actorDid: string, accessId: string): string {
    return this.#key(KeyFamily.suspension, [actorDid, accessId]);
  }

  /** Writes a suspension; afterwards only the custodian's and the regulator's peers together change it. */
  async putSuspension(s: Suspension): Promise<void> {
    const key = this.#suspensionKey(s.actorDid, s.accessId);
    await this.#put(key, s);
    const regulator = (await this.consortium()).regulator;
    await this.#setPolicy(key, allOf([s.custodian, regulator]));
  }

  /** The suspension of an actor after one break-glass access, if any. */
  getSuspension(actorDid: string, accessId: string): Promise<Suspension | undefined> {
    return this.#get(this.#suspensionKey(actorDid, accessId), suspensionSchema);
  }

  /** Whether an actor is under an active suspension. */
  async isSuspended(actorDid: string): Promise<boolean> {
    const kvs = await this.#ids(KeyFamily.suspension, [actorDid], MAX_SCAN);
    return kvs.some((kv) => parseJson(kv.value, suspensionSchema).active);
  }

  // Freezes

  #freezeKey(freezeId: string): string {
    return this.#key(KeyFamily.freeze, [freezeId]);
  }

  /** A freeze by id, checked against its receipt in the regulator's collection. */
  async getFreeze(freezeId: string): Promise<Freeze | undefined> {
    const regulator = (await this.consortium()).regulator;
    return this.#getBound(this.#freezeKey(freezeId), freezeSchema, () => regulator);
  }

  /**
   * Writes a freeze (new or changed) with its receipt in the regulator's sealed collection, and on
   * creation its subject index entry. Both keys are then changed only by the frozen org's and the
   * regulator's peers together: no org lifts its own freeze, and no two other orgs delete the index
   * entry to hide it from {@link Ledger.activeFreezeOf}.
   */
  async putFreeze(freeze: Freeze): Promise<void> {
    const regulator = (await this.consortium()).regulator;
    const guard = allOf([...new Set([freeze.org, regulator])]);
    const key = this.#freezeKey(freeze.freezeId);
    const created = !(await this.#exists(key));
    await this.#putBound(key, freeze, regulator, guard);
    if (created) {
      const index = this.#key(KeyFamily.freezeBySubject, [freezeSubjectKey(freeze.subject), freeze.freezeId]);
      await this.#stub.putState(index, INDEX_MARKER);
      await this.#setPolicy(index, guard);
    }
  }

  /**
   * A freeze by id when it is one the regulator endorsed (its receipt holds), else undefined. What the
   * subject index's readers use: any two orgs can create a new public key alone, so a freeze or an
   * index entry they forged must name nothing, rather than fail every reader, which would shut the
   * index's subject (a person, or a whole org such as the regulator) out of every transaction.
   */
  async #regulatorsFreeze(freezeId: string): Promise<Freeze | undefined> {
    const regulator = (await this.consortium()).regulator;
    return this.#getBound(this.#freezeKey(freezeId), freezeSchema, () => regulator, 'absent');
  }

  /** The freezes of one subject key (a staff DID or an MSP ID), newest first (bounded). */
  async freezesOf(subjectKey: string): Promise<Freeze[]> {
    const kvs = await this.#ids(KeyFamily.freezeBySubject, [subjectKey], MAX_SCAN);
    const out: Freeze[] = [];
    for (const kv of kvs) {
      const freezeId = this.#stub.splitCompositeKey(kv.key).attributes[1] ?? '';
      const freeze = await this.#regulatorsFreeze(freezeId);
      // An index entry of another subject (a forged write) names nothing here.
      if (freeze && freezeSubjectKey(freeze.subject) === subjectKey) out.push(freeze);
    }
    return out.sort((a, b) => (a.frozenAt < b.frozenAt ? 1 : a.frozenAt > b.frozenAt ? -1 : 0));
  }

  /**
   * The id of an active freeze that holds a signer (their own, else their org's), or undefined. Read
   * from committed state in the transaction itself, so every peer decides alike; a range read, so a
   * freeze committed between endorsement and validation invalidates the transaction (phantom read).
   */
  async activeFreezeOf(did: string, mspId: string): Promise<string | undefined> {
    for (const subjectKey of [did, mspId]) {
      const kvs = await this.#ids(KeyFamily.freezeBySubject, [subjectKey], MAX_SCAN);
      for (const kv of kvs) {
        const freezeId = this.#stub.splitCompositeKey(kv.key).attributes[1] ?? '';
        const freeze = await this.#regulatorsFreeze(freezeId);
        if (freeze?.status === 'active' && freezeSubjectKey(freeze.subject) === subjectKey) return freezeId;
      }
    }
    return undefined;
  }

  // Incidents

  async #incidentKey(incidentId: string): Promise<{ regulator: string; key: string }> {
    const regulator = (await this.consortium()).regulator;
    return { regulator, key: this.#key(KeyFamily.incident, [incidentId]) };
  }

  /** An incident from the regulator's sealed collection (on the regulator's peer; elsewhere none). */
  async getIncident(incidentId: string): Promise<Incident | undefined> {
    const { regulator, key } = await this.#incidentKey(incidentId);
    return this.#getSealed(regulator, key, incidentSchema);
  }

  /** Writes an incident to the regulator's sealed collection, whose endorsement is the regulator's. */
  async putIncident(incident: Incident): Promise<void> {
    const { regulator, key } = await this.#incidentKey(incident.incidentId);
    await this.#putSealed(regulator, key, incident);
  }

  /**
   * Whether an incident exists, from the hash every peer holds of the regulator's private values: a
   * transaction endorsed by a peer that is not the regulator's can still check an incident id.
   */
  async incidentExists(incidentId: string): Promise<boolean> {
    const { regulator, key } = await this.#incidentKey(incidentId);
    return (await this.#reads.privateDataHash(sealedCollection(regulator), key)).length > 0;
  }

  /** Every incident in the regulator's collection (a scan: evaluates only), bounded. */
  async incidents(): Promise<Incident[]> {
    const regulator = (await this.consortium()).regulator;
    const rows = await this.#sealedScan(regulator, KeyFamily.incident, [], [], MAX_SCAN);
    const out: Incident[] = [];
    for (const [incidentId] of rows) {
      const incident = incidentId === undefined ? undefined : await this.getIncident(incidentId);
      if (incident) out.push(incident);
    }
    return out;
  }

  /**
   * Writes an audit event to the custodian's collection (one key) and its three index entries
   * (inverted time: newest first; the patient index under the keyed hash of the DID). Each index entry
   * carries the event itself, sealed like it (salted for its own key), so a page of an index is one
   * range read instead of a range read and a read per event.
   */
  async putAuditEvent(event: AuditEvent): Promise<void> {
    const org = event.custodian;
    await this.#putSealed(org, this.#key(KeyFamily.audit, [event.eventId]), event);
    const inv = invertedTime(Date.parse(event.txTime));
    const patient = await this.#keyed(org, event.patientDid);
    for (const [family, id] of [
      [KeyFamily.auditByPatient, patient],
      [KeyFamily.auditByActor, event.actorDid],
      [KeyFamily.auditByRecord, event.recordId],
    ] as const) {
      await this.#putSealed(org, this.#key(family, [id, inv, event.eventId]), event);
    }
  }

  /**
   * The event an audit index entry names: carried in the entry itself, or, for an entry written
   * before entries carried their event (its value is the bare index marker), read by id.
   * `[STATE_INVALID]` when a carried event is not the one the entry's key names.
   */
  async #indexedEvent(org: string, eventId: string, value: Uint8Array): Promise<AuditEvent | undefined> {
    if (Buffer.from(value).equals(INDEX_MARKER)) return this.getAuditEvent([org], eventId);
    const parsed = auditEventSchema.safeParse(parseJson(value, sealedValueSchema).value);
    if (!parsed.success || parsed.data.eventId !== eventId)
      return fail(ErrorCode.STATE_INVALID, 'stored value does not match its schema');
    return parsed.data;
  }

  /** An audit event by id, from the first of `orgs`' collections that holds it. */
  async getAuditEvent(orgs: readonly string[], eventId: string): Promise<AuditEvent | undefined> {
    for (const org of orgs) {
      const event = await this.#getSealed(org, this.#key(KeyFamily.audit, [eventId]), auditEventSchema);
      if (event) return event;
    }
    return undefined;
  }

  /** A page of audit events of a patient, actor or record in `orgs`' collections, newest first. */
  async pageAudit(
    orgs: readonly string[],
    by: AuditIndex,
    id: string,
    pageSize: number,
    bookmark: string,
  ): Promise<Page<AuditEvent>> {
    const page = await this.#mergedPage(
      orgs,
      AUDIT_INDEX[by],
      async (org) => [by === 'patient' ? await this.#keyed(org, id) : id],
      pageSize,
      bookmark,
      TIME_BOOKMARK,
    );
    const items: AuditEvent[] = [];
    for (const e of page.entries) {
      const event = await this.#indexedEvent(e.org, e.attrs[1] ?? '', e.value);
      if (event) items.push(event);
    }
    return { items, bookmark: page.bookmark, fetchedRecordsCount: page.fetchedRecordsCount };
  }

  // Studies

  /** A study by id. */
  getStudy(studyId: string): Promise<Study | undefined> {
    return this.#get(this.#key(KeyFamily.study, [studyId]), studySchema);
  }

  /** The lead's part of a study's governance, checked against its receipt in the study org's collection. */
  getStudyGovernance(studyId: string): Promise<StoredGovernance | undefined> {
    return this.#getBound(
      this.#key(KeyFamily.studyGovernance, [studyId]),
      storedGovernanceSchema,
      (g) => g.org,
    );
  }

  /**
   * Writes the lead's part of a study's governance, bound by a receipt in the study org's sealed
   * collection; afterwards only that org with the regulator can change it.
   */
  async putStudyGovernance(governance: StoredGovernance): Promise<void> {
    const regulator = (await this.consortium()).regulator;
    await this.#putBound(
      this.#key(KeyFamily.studyGovernance, [governance.studyId]),
      governance,
      governance.org,
      allOf([governance.org, regulator]),
    );
  }

  /** A site's ethics decision on a study, checked against its receipt in the site's collection. */
  getSiteDecision(studyId: string, site: string): Promise<SiteDecision | undefined> {
    return this.#getBound(
      this.#key(KeyFamily.studyDecision, [studyId, site]),
      siteDecisionSchema,
      (d) => d.site,
    );
  }

  /**
   * Writes a site's ethics decision, bound by a receipt in the site's sealed collection; afterwards
   * only the site with the regulator can change it, so no other org can approve in a site's name.
   */
  async putSiteDecision(decision: SiteDecision): Promise<void> {
    const regulator = (await this.consortium()).regulator;
    await this.#putBound(
      this.#key(KeyFamily.studyDecision, [decision.studyId, decision.site]),
      decision,
      decision.site,
      allOf([decision.site, regulator]),
    );
  }

  /**
   * Writes a study; afterwards only its org's peers with the regulator's may change it. Its scope
   * (categories, maximum level, period) is what the sites' ethics committees approved, so the study
   * org alone must not widen it. Studies proposed before this rule keep their org-only policy.
   */
  async putStudy(study: Study): Promise<void> {
    const key = this.#key(KeyFamily.study, [study.studyId]);
    const regulator = (await this.consortium()).regulator;
    await this.#put(key, study);
    await this.#setPolicy(key, allOf([study.org, regulator]));
  }
}
