import {
  canonicalJson,
  confirmPatientRecordInput,
  confirmPatientRecordTransient,
  emergencyProfileOf,
  emptyInputSchema,
  ErrorCode,
  LISTING_TTL_SECONDS,
  listPatientRecordsInput,
  openRecordListingTransient,
  patientKeyOf,
  RECORD_LIST_MAX_LIFETIME_SECONDS,
  RECORD_READ_MAX_LIFETIME_SECONDS,
  recordListPayloadSchema,
  recordReadPayloadSchema,
  type ListedRecord,
  type RecordListing,
} from '@medledger/domain';
import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { actorFacts } from './access-contract';
import type { ConsentFacts } from './access-policy';
import { requireActive, resolveActor } from './actor';
import { requireProposalTimeNear, serverClock, type Clock } from './custodian-clock';
import { fail, parseInput } from './errors';
import { Ledger } from './ledger/store';
import { decideListing, listsEmergencyRecord, listsRecord } from './listing-policy';
import { activePatient, verifyPatientSignature } from './patient-signature';
import { consentFacts, presentedConsents } from './presented-consents';
import { latestView } from './record-view';
import { readTransient } from './transient';
import { requireRegulatorPeer } from './visibility';

/** Every record of a patient at every custodian, latest versions, in custodian and id order. */
async function recordsOfPatient(ledger: Ledger, patientDid: string): Promise<ListedRecord[]> {
  const c = await ledger.consortium();
  const out: ListedRecord[] = [];
  for (const custodian of [...c.orgs].filter((o) => o !== c.regulator).sort()) {
    for (const recordId of (await ledger.recordIdsOfPatient(custodian, patientDid)).sort()) {
      const view = await latestView(ledger, custodian, recordId);
      if (!view) continue;
      out.push({
        recordId: view.recordId,
        custodian: view.custodian,
        version: view.version,
        department: view.department,
        category: view.category,
        level: view.level,
        fhirResourceType: view.fhirResourceType,
        anchoredAt: view.txTime,
        qualityStatus: view.qualityStatus,
        erased: view.erased,
      });
    }
  }
  return out;
}

/**
 * Record discovery (docs/patients.md): a listing is opened by a committed, audited decision in the
 * caller's org's sealed collection, then read by an evaluate on the regulator's peer, the one peer
 * that holds every custodian's sealed index of a patient's records.
 */
@Info({ title: 'ListingContract', description: "Record discovery: a patient's records at every custodian" })
export class ListingContract extends Contract {
  readonly #regulatorClock: Clock;

  /** `regulatorClock`: the chaincode server's clock, read only by the regulator-peer reads (`ListPatientRecords`, `ConfirmPatientRecord`); tests pass their own. */
  constructor(regulatorClock: Clock = serverClock) {
    super('listing');
    this.#regulatorClock = regulatorClock;
  }

  /**
   * Decides, and audits whether granted or not, a listing of a patient's records (transient
   * `subject`). The patient's own listing: the patient's signed request (transient `request`,
   * `medledger.records.list`, `aud` the caller's org, nonce consumed), relayed by any active member
   * of that org (its gateway's service identity). A clinician's: registered, active clinical staff of
   * a hospital, with the consents their org holds for the patient (transient `consents`), kept with
   * the decision as the ledger vouched for them. An emergency listing (transient `emergency`, with the
   * stated break-glass reason, alone): a registered, active doctor of a hospital, of a patient who
   * signed an emergency profile (`NO_EMERGENCY_PROFILE` otherwise), kept with its reason and flagged
   * by its mode like a break-glass access. The decision is written to the caller's org's sealed
   * collection (the caller named the patient; only it and the regulator learn of the listing) and
   * lives `LISTING_TTL_SECONDS`; a granted emergency listing keeps the profile's categories it opened
   * and is reviewed afterwards like a break-glass access (`ReviewBreakGlass` with its listing id). Caller: a member of a peer org other than the regulator.
   * Endorsed by the caller's org and the regulator. Reads: `staff`, `patient`, `consent`,
   * `revocation`, `nonce`, `preferences` (an emergency), sealed `collection-key`. Writes: sealed `listing`, `listing~patient`;
   * `nonce` (patient). Event: `RecordListingOpened` (no patient; an emergency's stated reason).
   * Errors: VALIDATION_FAILED (an emergency with a request or consents), FORBIDDEN (the regulator's
   * staff, or a request for another org),
   * NOT_FOUND (patient), INACTIVE (patient), INVALID_SIGNATURE, EXPIRED, REPLAYED_NONCE (a request is signed for one relay, at most
   * `RECORD_LIST_MAX_LIFETIME_SECONDS`), NOT_INITIALIZED.
   */
  @Transaction()
  @Returns('string')
  public async OpenRecordListing(ctx: Context, input: string): Promise<string> {
    parseInput(emptyInputSchema, input);
    const ledger = new Ledger(ctx);
    const actor = await resolveActor(ctx, ledger);
    if (actor.mspId === (await ledger.consortium()).regulator) fail(ErrorCode.FORBIDDEN, actor.did);
    const { subject, consents, request, emergency } = readTransient(ledger, openRecordListingTransient);
    // An emergency listing rests on the doctor's stated reason alone: nothing else may widen it.
    if (emergency && (request || consents)) fail(ErrorCode.VALIDATION_FAILED, 'emergency');
    const presented = consents ?? [];
    await activePatient(ledger, subject.patientDid);
    if (request) {
      const { payload } = await verifyPatientSignature(ledger, request.jws, recordListPayloadSchema);
      if (payload.patientDid !== subject.patientDid) fail(ErrorCode.VALIDATION_FAILED, 'request patientDid');
      if (payload.aud !== actor.mspId) fail(ErrorCode.FORBIDDEN, 'request aud');
      if (payload.exp - payload.iat > RECORD_LIST_MAX_LIFETIME_SECONDS)
        fail(ErrorCode.VALIDATION_FAILED, 'request iat,exp');
    }
    const prefs = emergency ? await ledger.getPreferences(patientKeyOf(subject.patientDid)) : undefined;
    const hasProfile = prefs !== undefined;
    const decision = decideListing(
      actorFacts(actor),
      request !== undefined,
      emergency ? { hasProfile } : null,
    );
    const granted = decision.outcome === 'granted';
    const mode = request ? 'patient' : emergency ? 'emergency' : 'clinician';
    const vouched =
      granted && mode === 'clinician' ? await presentedConsents(ledger, presented, subject.patientDid) : [];
    const listing: RecordListing = {
      listingId: ledger.txId,
      actorDid: actor.did,
      actorMsp: actor.mspId,
      actorRole: actor.role,
      patientDid: subject.patientDid,
      mode,
      outcome: decision.outcome,
      reason: decision.reason,
      consents: vouched.map((v) => ({ consentId: v.facts.consentId, terms: v.terms })),
      breakGlassReason: emergency?.reason ?? null,
      // What the review sees the listing opened: the profile's categories at the decision.
      emergencyCategories: granted && prefs !== undefined ? [...emergencyProfileOf(prefs).categories] : null,
      txId: ledger.txId,
      txTime: ledger.txTime,
      expiresAt: granted ? new Date(ledger.txMs + LISTING_TTL_SECONDS * 1000).toISOString() : null,
    };
    await ledger.putRecordListing(listing);
    ledger.emit('RecordListingOpened', {
      listingId: listing.listingId,
      actorDid: actor.did,
      actorMsp: actor.mspId,
      actorRole: actor.role,
      mode: listing.mode,
      outcome: listing.outcome,
      reason: listing.reason,
      breakGlassReason: listing.breakGlassReason,
      txId: ledger.txId,
      txTime: ledger.txTime,
    });
    return canonicalJson({
      listingId: listing.listingId,
      mode: listing.mode,
      outcome: listing.outcome,
      reason: listing.reason,
      expiresAt: listing.expiresAt,
    });
  }

  /**
   * The records (metadata only, never content) a granted, unexpired listing of the same caller may
   * show: the patient's listing every record at every custodian; a clinician's those a treatment
   * access would be granted for now (own custodianship and department, or a consent the listing
   * presented that is still neither revoked nor expired, covering the category and level); an
   * emergency listing those break-glass would open on one doctor's word now, under the patient's
   * current signed profile (nothing once no profile is stored, nothing beyond it). Runs only
   * on the regulator's peer, which holds every custodian's index, so no custodian holding none of the
   * patient's records learns of the patient. Never committed, and it reads the clock: the proposal time
   * must be within `PROPOSAL_TIME_WINDOW_SECONDS` of the regulator's chaincode server, and it refuses
   * any other peer first, so no transaction running it can gather the two orgs' endorsements a commit
   * needs. Caller: the listing's actor. Reads: sealed `listing`, `record~patient` (every custodian),
   * `collection-key`; `record~latest` (a record no transaction changed since that key exists: `anchor`,
   * `quality-review`, `erasure`), `revocation`, `staff`, `preferences`.
   * Errors: VALIDATION_FAILED, NOT_REGISTERED, INACTIVE, FORBIDDEN (not the regulator's peer),
   * ACCESS_NOT_GRANTED, EXPIRED, PROPOSAL_TIME_SKEW, NOT_INITIALIZED.
   */
  @Transaction(false)
  @Returns('string')
  public async ListPatientRecords(ctx: Context, input: string): Promise<string> {
    const args = parseInput(listPatientRecordsInput, input);
    const ledger = new Ledger(ctx);
    await requireRegulatorPeer(ledger);
    requireProposalTimeNear(ledger.txMs, this.#regulatorClock, args.listingId);
    const actor = await resolveActor(ctx, ledger);
    requireActive(actor);
    const listing = await ledger.getRecordListing(actor.mspId, args.listingId);
    if (listing?.actorDid !== actor.did || listing.outcome !== 'granted' || listing.expiresAt === null) {
      return fail(ErrorCode.ACCESS_NOT_GRANTED, args.listingId);
    }
    if (Date.parse(listing.expiresAt) <= ledger.txMs) fail(ErrorCode.EXPIRED, args.listingId);
    const all = await recordsOfPatient(ledger, listing.patientDid);
    const facts = actorFacts(actor);
    let records = all;
    if (listing.mode === 'clinician') {
      const consents: ConsentFacts[] = [];
      for (const c of listing.consents) consents.push(await consentFacts(ledger, c.consentId, c.terms));
      records = all.filter((r) => listsRecord(facts, r, consents, ledger.txMs));
    } else if (listing.mode === 'emergency') {
      const reason = listing.breakGlassReason ?? fail(ErrorCode.STATE_INVALID, args.listingId);
      const prefs = await ledger.getPreferences(patientKeyOf(listing.patientDid));
      const profile = prefs === undefined ? null : emergencyProfileOf(prefs);
      records = all.filter((r) => listsEmergencyRecord(facts, r, profile, reason, ledger.txMs));
    }
    return canonicalJson({ listingId: listing.listingId, mode: listing.mode, records });
  }

  /**
   * Confirms that a record is the patient's own, so that the relaying org's gateway may show the
   * patient the record's public anchor (docs/patients.md, "A patient's own record anchors"): the
   * patient's signed request (transient `request`, `medledger.record.read`, naming this custodian and
   * record, `aud` the caller's org, at most `RECORD_READ_MAX_LIFETIME_SECONDS`) must be the current
   * key's, and the record's sealed patient link must be the signer. A record of another patient and a
   * record that does not exist answer the same `[NOT_FOUND] <recordId>`, so the answer never tells a
   * patient that someone else's record exists. Runs only on the regulator's peer, the one peer holding
   * every custodian's links, so a custodian learns nothing of a patient reading anchors elsewhere; never
   * committed (no nonce is consumed: asking again within the request's minutes teaches nothing new),
   * and it reads the clock: the proposal time must be within `PROPOSAL_TIME_WINDOW_SECONDS` of the
   * regulator's chaincode server, after refusing any other peer, as `ListPatientRecords` does.
   * Caller: an active, registered member of the relaying org (its gateway's service identity), not the
   * regulator's. Reads: `staff`, `patient`, `nonce`, sealed `record-patient`. Errors: VALIDATION_FAILED
   * (a request for another record, or its lifetime), FORBIDDEN (not the regulator's peer, the
   * regulator's staff, a request for another org), NOT_FOUND, NOT_REGISTERED, INACTIVE,
   * INVALID_SIGNATURE, EXPIRED, REPLAYED_NONCE, PROPOSAL_TIME_SKEW, NOT_INITIALIZED.
   */
  @Transaction(false)
  @Returns('string')
  public async ConfirmPatientRecord(ctx: Context, input: string): Promise<string> {
    const args = parseInput(confirmPatientRecordInput, input);
    const ledger = new Ledger(ctx);
    const { regulator } = await requireRegulatorPeer(ledger);
    requireProposalTimeNear(ledger.txMs, this.#regulatorClock, args.recordId);
    const actor = await resolveActor(ctx, ledger);
    requireActive(actor);
    if (actor.mspId === regulator) fail(ErrorCode.FORBIDDEN, actor.did);
    const { request } = readTransient(ledger, confirmPatientRecordTransient);
    const { payload } = await verifyPatientSignature(ledger, request.jws, recordReadPayloadSchema);
    if (payload.aud !== actor.mspId) fail(ErrorCode.FORBIDDEN, 'request aud');
    if (payload.custodian !== args.custodian || payload.recordId !== args.recordId)
      fail(ErrorCode.VALIDATION_FAILED, 'request custodian,recordId');
    if (payload.exp - payload.iat > RECORD_READ_MAX_LIFETIME_SECONDS)
      fail(ErrorCode.VALIDATION_FAILED, 'request iat,exp');
    if ((await ledger.getRecordPatient(args.custodian, args.recordId)) !== payload.patientDid)
      fail(ErrorCode.NOT_FOUND, args.recordId);
    return canonicalJson({ recordId: args.recordId, custodian: args.custodian });
  }
}
