import {
  accessGrantSchema,
  auditEventSchema,
  breakGlassCaseSchema,
  canonicalBytes,
  consentSchema,
  didDocumentSchema,
  ErrorCode,
  erasureSchema,
  events,
  implicitCollection,
  KeyFamily,
  patientPreferencesSchema,
  recordAnchorSchema,
  sha256Hex,
  signedIatSchema,
  stagedVerdictSchema,
  staffRoleChangeSchema,
  studySchema,
  type AccessGrant,
  type AuditEvent,
  type BreakGlassCase,
  type Consent,
  type DidDocument,
  type Erasure,
  type EventName,
  type EventPayload,
  type PatientPreferences,
  type RecordAnchor,
  type StaffRoleChange,
  type StagedVerdict,
  type Study,
} from '@medledger/domain';
import type { Context } from 'fabric-contract-api';
import { KeyEndorsementPolicy } from 'fabric-shim';
import type { ChaincodeStub, Iterators } from 'fabric-shim';
import type { z } from 'zod';
import { fail } from '../errors';
import { compositeKey, invertedTime, versionPart } from './keys';

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

/** The stub as a structural type (tests pass an in-memory stub with the same shape). */
type Stub = { [K in keyof ChaincodeStub]: ChaincodeStub[K] };

async function drain(iterator: Iterators.StateQueryIterator, limit: number): Promise<Iterators.KV[]> {
  const out: Iterators.KV[] = [];
  try {
    for (let r = await iterator.next(); !r.done; r = await iterator.next()) {
      out.push(r.value);
      if (out.length >= limit) break;
    }
  } finally {
    await iterator.close();
  }
  return out;
}

/**
 * Typed access to the world state and the custodian's private collection for one transaction. The
 * only place keys are built; values are stored as canonical JSON and checked against their schema on
 * the way out. Reads see committed state only (Fabric has no read-your-writes).
 */
export class Ledger {
  readonly #stub: Stub;

  constructor(ctx: Context) {
    this.#stub = ctx.stub;
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
    const bytes = await this.#stub.getState(key);
    if (bytes.length === 0) return undefined;
    const parsed = schema.safeParse(JSON.parse(Buffer.from(bytes).toString('utf8')));
    if (!parsed.success) fail(ErrorCode.STATE_INVALID, 'stored value does not match its schema');
    return parsed.data;
  }

  async #put(key: string, value: unknown): Promise<void> {
    await this.#stub.putState(key, canonicalBytes(value));
  }

  async #exists(key: string): Promise<boolean> {
    return (await this.#stub.getState(key)).length > 0;
  }

  async #endorseBy(key: string, mspId: string): Promise<void> {
    const policy = new KeyEndorsementPolicy();
    policy.addOrgs('PEER', mspId);
    await this.#stub.setStateValidationParameter(key, policy.getPolicy());
  }

  async #ids(family: KeyFamily, parts: readonly string[], limit: number): Promise<string[]> {
    const iterator = await this.#stub.getStateByPartialCompositeKey(family, [...parts]);
    const kvs = await drain(iterator, limit);
    return kvs.map((kv) => this.#stub.splitCompositeKey(kv.key).attributes.at(-1) ?? '');
  }

  async #page(
    family: KeyFamily,
    parts: readonly string[],
    pageSize: number,
    bookmark: string,
  ): Promise<{ ids: string[]; bookmark: string; fetchedRecordsCount: number }> {
    const prefix = this.#key(family, parts);
    // A bookmark from another scan (another patient's, say) must not move this scan out of its range.
    if (bookmark !== '' && !bookmark.startsWith(prefix)) fail(ErrorCode.VALIDATION_FAILED, 'bookmark');
    const { iterator, metadata } = await this.#stub.getStateByPartialCompositeKeyWithPagination(
      family,
      [...parts],
      pageSize,
      bookmark,
    );
    const kvs = await drain(iterator, pageSize);
    // The shim leaves `metadata` undefined when the peer's metadata is all defaults (an empty page
    // with no bookmark serializes to zero bytes), although its types say otherwise.
    const meta = metadata as typeof metadata | undefined;
    return {
      ids: kvs.map((kv) => this.#stub.splitCompositeKey(kv.key).attributes.at(-1) ?? ''),
      bookmark: meta?.bookmark ?? '',
      fetchedRecordsCount: meta?.fetchedRecordsCount ?? kvs.length,
    };
  }

  // Identity

  /** The staff document of an enrollment id in an org. */
  getStaff(orgSlug: string, enrollmentId: string): Promise<DidDocument | undefined> {
    return this.#get(this.#key(KeyFamily.staff, [orgSlug, enrollmentId]), didDocumentSchema);
  }

  /** Writes a staff document; only the org's own peers may change it afterwards. */
  async putStaff(orgSlug: string, enrollmentId: string, doc: DidDocument, mspId: string): Promise<void> {
    const key = this.#key(KeyFamily.staff, [orgSlug, enrollmentId]);
    await this.#put(key, doc);
    await this.#endorseBy(key, mspId);
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
    await this.#endorseBy(key, change.org);
  }

  /** The DID document of a patient. */
  getPatient(patientDid: string): Promise<DidDocument | undefined> {
    return this.#get(this.#key(KeyFamily.patient, [patientDid]), didDocumentSchema);
  }

  /** Writes a patient's DID document. */
  putPatient(doc: DidDocument): Promise<void> {
    return this.#put(this.#key(KeyFamily.patient, [doc.id]), doc);
  }

  /** Records a nonce of a patient's signed payload; `[REPLAYED_NONCE]` when it was used before. */
  async useNonce(patientDid: string, nonce: string): Promise<void> {
    const key = this.#key(KeyFamily.nonce, [patientDid, nonce]);
    if (await this.#exists(key)) fail(ErrorCode.REPLAYED_NONCE, patientDid);
    await this.#put(key, { txId: this.txId });
  }

  /**
   * Records `iat` as the newest accepted payload of type `typ` a patient signed; `[STALE_PAYLOAD]` when
   * one of that type with the same or a later `iat` was accepted before.
   */
  async advanceSignedIat(patientDid: string, typ: string, iat: number): Promise<void> {
    const key = this.#key(KeyFamily.signedIat, [patientDid, typ]);
    const last = await this.#get(key, signedIatSchema);
    if (last !== undefined && iat <= last.iat) fail(ErrorCode.STALE_PAYLOAD, patientDid);
    await this.#put(key, { iat, txId: this.txId });
  }

  // Consent

  /** A consent by id. */
  getConsent(consentId: string): Promise<Consent | undefined> {
    return this.#get(this.#key(KeyFamily.consent, [consentId]), consentSchema);
  }

  /** Writes a consent; with `index`, also its patient and grantee index entries. */
  async putConsent(consent: Consent, granteeKey: string, index: boolean): Promise<void> {
    await this.#put(this.#key(KeyFamily.consent, [consent.consentId]), consent);
    if (!index) return;
    await this.#stub.putState(
      this.#key(KeyFamily.consentByPatient, [consent.patientDid, consent.consentId]),
      INDEX_MARKER,
    );
    await this.#stub.putState(
      this.#key(KeyFamily.consentByGrantee, [granteeKey, consent.consentId]),
      INDEX_MARKER,
    );
  }

  /** All consents of a patient (at most `limit`), in id order. */
  async consentsOfPatient(patientDid: string, limit: number): Promise<Consent[]> {
    const ids = await this.#ids(KeyFamily.consentByPatient, [patientDid], limit);
    return this.#consents(ids);
  }

  async #consents(ids: readonly string[]): Promise<Consent[]> {
    const out: Consent[] = [];
    for (const id of ids) {
      const consent = await this.getConsent(id);
      if (consent) out.push(consent);
    }
    return out;
  }

  /** A page of a patient's consents. */
  async pageConsentsOfPatient(
    patientDid: string,
    pageSize: number,
    bookmark: string,
  ): Promise<Page<Consent>> {
    const page = await this.#page(KeyFamily.consentByPatient, [patientDid], pageSize, bookmark);
    return { ...page, items: await this.#consents(page.ids) };
  }

  /** A page of a grantee's consents. */
  async pageConsentsOfGrantee(
    granteeKey: string,
    pageSize: number,
    bookmark: string,
  ): Promise<Page<Consent>> {
    const page = await this.#page(KeyFamily.consentByGrantee, [granteeKey], pageSize, bookmark);
    return { ...page, items: await this.#consents(page.ids) };
  }

  /** A patient's standing preferences. */
  getPreferences(patientDid: string): Promise<PatientPreferences | undefined> {
    return this.#get(this.#key(KeyFamily.preferences, [patientDid]), patientPreferencesSchema);
  }

  /** Writes a patient's standing preferences. */
  putPreferences(prefs: PatientPreferences): Promise<void> {
    return this.#put(this.#key(KeyFamily.preferences, [prefs.patientDid]), prefs);
  }

  // Records

  /** The latest anchor of a record. */
  getRecord(recordId: string): Promise<RecordAnchor | undefined> {
    return this.#get(this.#key(KeyFamily.record, [recordId]), recordAnchorSchema);
  }

  /** The anchor of one version. */
  getRecordVersion(recordId: string, version: number): Promise<RecordAnchor | undefined> {
    return this.#get(
      this.#key(KeyFamily.recordVersion, [recordId, versionPart(version)]),
      recordAnchorSchema,
    );
  }

  /**
   * Writes the anchor of a version (and, with `latest`, the record's latest anchor). Both keys then
   * need the custodian's endorsement to change.
   */
  async putRecordVersion(anchor: RecordAnchor, latest: boolean): Promise<void> {
    const versionKey = this.#key(KeyFamily.recordVersion, [anchor.recordId, versionPart(anchor.version)]);
    await this.#put(versionKey, anchor);
    await this.#endorseBy(versionKey, anchor.custodian);
    if (latest) {
      const key = this.#key(KeyFamily.record, [anchor.recordId]);
      await this.#put(key, anchor);
      await this.#endorseBy(key, anchor.custodian);
    }
  }

  /** Every version of a record, oldest first (bounded). */
  async recordVersions(recordId: string): Promise<RecordAnchor[]> {
    const iterator = await this.#stub.getStateByPartialCompositeKey(KeyFamily.recordVersion, [recordId]);
    const kvs = await drain(iterator, 1000);
    return kvs.map((kv) => recordAnchorSchema.parse(JSON.parse(Buffer.from(kv.value).toString('utf8'))));
  }

  /** Writes an erasure record. */
  putErasure(erasure: Erasure): Promise<void> {
    return this.#put(this.#key(KeyFamily.erasure, [erasure.recordId, versionPart(erasure.version)]), erasure);
  }

  /** The erasures of a record. */
  async erasures(recordId: string): Promise<Erasure[]> {
    const iterator = await this.#stub.getStateByPartialCompositeKey(KeyFamily.erasure, [recordId]);
    const kvs = await drain(iterator, 1000);
    return kvs.map((kv) => erasureSchema.parse(JSON.parse(Buffer.from(kv.value).toString('utf8'))));
  }

  #contentKey(recordId: string, version: number): string {
    return this.#key(KeyFamily.content, [recordId, versionPart(version)]);
  }

  #verdictKey(recordId: string, version: number): string {
    return this.#key(KeyFamily.verdict, [recordId, versionPart(version)]);
  }

  /** Writes the content envelope bytes and the staged verdict to the custodian's implicit collection. */
  async stageContent(mspId: string, verdict: StagedVerdict, envelope: Buffer): Promise<void> {
    const collection = implicitCollection(mspId);
    await this.#stub.putPrivateData(
      collection,
      this.#contentKey(verdict.recordId, verdict.version),
      envelope,
    );
    await this.#stub.putPrivateData(
      collection,
      this.#verdictKey(verdict.recordId, verdict.version),
      canonicalBytes(stagedVerdictSchema.parse(verdict)),
    );
  }

  /** Hex hashes of the staged content and verdict (readable on every peer), '' when absent. */
  async stagedHashes(
    mspId: string,
    recordId: string,
    version: number,
  ): Promise<{ content: string; verdict: string }> {
    const collection = implicitCollection(mspId);
    const content = await this.#stub.getPrivateDataHash(collection, this.#contentKey(recordId, version));
    const verdict = await this.#stub.getPrivateDataHash(collection, this.#verdictKey(recordId, version));
    return { content: Buffer.from(content).toString('hex'), verdict: Buffer.from(verdict).toString('hex') };
  }

  /** The hash a staged verdict has when stored. */
  static verdictHash(verdict: StagedVerdict): string {
    return sha256Hex(canonicalBytes(stagedVerdictSchema.parse(verdict)));
  }

  /**
   * The content envelope bytes from the custodian's collection; `[CONTENT_UNAVAILABLE]` on a peer of
   * another org or when erased.
   */
  async readContent(mspId: string, recordId: string, version: number): Promise<Buffer> {
    let bytes: Uint8Array;
    try {
      bytes = await this.#stub.getPrivateData(implicitCollection(mspId), this.#contentKey(recordId, version));
    } catch {
      return fail(ErrorCode.CONTENT_UNAVAILABLE, `${recordId} not on this peer`);
    }
    if (bytes.length === 0) fail(ErrorCode.CONTENT_UNAVAILABLE, recordId);
    return Buffer.from(bytes);
  }

  /** Purges the content and verdict of a version from the custodian's collection. */
  async purgeContent(mspId: string, recordId: string, version: number): Promise<void> {
    const collection = implicitCollection(mspId);
    await this.#stub.purgePrivateData(collection, this.#contentKey(recordId, version));
    await this.#stub.purgePrivateData(collection, this.#verdictKey(recordId, version));
  }

  // Access and audit

  /** An access grant by access id. */
  getAccessGrant(accessId: string): Promise<AccessGrant | undefined> {
    return this.#get(this.#key(KeyFamily.accessGrant, [accessId]), accessGrantSchema);
  }

  /** Writes an access grant. */
  putAccessGrant(grant: AccessGrant): Promise<void> {
    return this.#put(this.#key(KeyFamily.accessGrant, [grant.accessId]), grant);
  }

  /** A break-glass case by access id. */
  getBreakGlass(accessId: string): Promise<BreakGlassCase | undefined> {
    return this.#get(this.#key(KeyFamily.breakGlass, [accessId]), breakGlassCaseSchema);
  }

  /** Writes a break-glass case. */
  putBreakGlass(bg: BreakGlassCase): Promise<void> {
    return this.#put(this.#key(KeyFamily.breakGlass, [bg.accessId]), bg);
  }

  /** Writes an audit event (one key) and its three index entries (inverted time: newest first). */
  async putAuditEvent(event: AuditEvent): Promise<void> {
    await this.#put(this.#key(KeyFamily.audit, [event.eventId]), event);
    const inv = invertedTime(Date.parse(event.txTime));
    await this.#stub.putState(
      this.#key(KeyFamily.auditByPatient, [event.patientDid, inv, event.eventId]),
      INDEX_MARKER,
    );
    await this.#stub.putState(
      this.#key(KeyFamily.auditByActor, [event.actorDid, inv, event.eventId]),
      INDEX_MARKER,
    );
    await this.#stub.putState(
      this.#key(KeyFamily.auditByRecord, [event.recordId, inv, event.eventId]),
      INDEX_MARKER,
    );
  }

  /** An audit event by id. */
  getAuditEvent(eventId: string): Promise<AuditEvent | undefined> {
    return this.#get(this.#key(KeyFamily.audit, [eventId]), auditEventSchema);
  }

  /** A page of audit events of a patient, actor or record, newest first. */
  async pageAudit(by: AuditIndex, id: string, pageSize: number, bookmark: string): Promise<Page<AuditEvent>> {
    const page = await this.#page(AUDIT_INDEX[by], [id], pageSize, bookmark);
    const items: AuditEvent[] = [];
    for (const eventId of page.ids) {
      const event = await this.getAuditEvent(eventId);
      if (event) items.push(event);
    }
    return { items, bookmark: page.bookmark, fetchedRecordsCount: page.fetchedRecordsCount };
  }

  // Studies

  /** A study by id. */
  getStudy(studyId: string): Promise<Study | undefined> {
    return this.#get(this.#key(KeyFamily.study, [studyId]), studySchema);
  }

  /** Writes a study; only its org's peers may change it afterwards. */
  async putStudy(study: Study): Promise<void> {
    const key = this.#key(KeyFamily.study, [study.studyId]);
    await this.#put(key, study);
    await this.#endorseBy(key, study.org);
  }
}
