import {
  accessRecordInput,
  accessRecordTransient,
  canonicalJson,
  CO_SIGN_WINDOW_SECONDS,
  coSignBreakGlassInput,
  emergencyProfileOf,
  ErrorCode,
  parseStaffDid,
  patientKeyOf,
  readRecordContentInput,
  reviewBreakGlassInput,
  siteMayContribute,
  type AccessDecision,
  type AccessGrant,
  type AuditEvent,
  type BreakGlassCase,
  type BreakGlassReason,
  type BreakGlassReview,
  type BreakGlassState,
  type ClaimReview,
  type DataUseReceiptBody,
  type Purpose,
  type RecordAnchor,
  type StoredAnchor,
} from '@medledger/domain';
import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import {
  coSignRefusal,
  decideAccess,
  type AccessFacts,
  type ActorFacts,
  type ClaimReviewFacts,
  type ConsentFacts,
  type Decision,
  type StudyFacts,
} from './access-policy';
import { actorOf, isActiveAdmin, isRegulatorAuditor, requireActive, resolveActor, type Actor } from './actor';
import { readAnchoredContent } from './content-at-rest';
import { requireProposalTimeNear, serverClock, type Clock } from './custodian-clock';
import { serverKeyring, type KeyringSource } from './custodian-keyring';
import { deidentify, studyPseudonym } from './deidentify';
import { deliveredHashes, exportOrderKey, exportPseudonym } from './leak-marks';
import { fail, parseInput } from './errors';
import { Ledger } from './ledger/store';
import { consentFacts, presentedConsents, type ConsentTerms } from './presented-consents';
import { erasedIn, recordView } from './record-view';
import { loadGovernance } from './study-governance';
import { readTransient } from './transient';

/** The facts of an actor an access decision reads. */
export function actorFacts(actor: Actor): ActorFacts {
  return {
    did: actor.did,
    mspId: actor.mspId,
    orgKind: actor.orgKind,
    registered: actor.role !== null,
    frozen: actor.frozenBy !== null,
    active: actor.active,
    role: actor.role,
    department: actor.department,
  };
}

async function studyFacts(
  ledger: Ledger,
  studyId: string | null,
  custodian: string,
): Promise<StudyFacts | null> {
  const s = studyId === null ? undefined : await ledger.getStudy(studyId);
  if (!s) return null;
  // Every study is proposed with its sites; one without governance (written by a retired
  // single-researcher registration) has no site approval, so no data flows under it.
  const loaded = await loadGovernance(ledger, s.studyId);
  return {
    studyId: s.studyId,
    org: s.org,
    categories: s.categories,
    maxLevel: s.maxLevel,
    periodStartMs: Date.parse(s.periodStart),
    periodEndMs: Date.parse(s.periodEnd),
    siteApproved: loaded !== undefined && siteMayContribute(loaded.governance, custodian),
  };
}

/** Whether a version's anchored content was erased (a staged purge does not count). */
export async function erased(ledger: Ledger, anchor: StoredAnchor): Promise<boolean> {
  return erasedIn(await ledger.erasures(anchor.custodian, anchor.recordId), anchor.version);
}

/**
 * Counts one access grant against a use-limited consent (read and written in the deciding
 * transaction: concurrent decisions under one consent conflict under MVCC, and one commits).
 */
async function countConsentUse(ledger: Ledger, consentId: string): Promise<void> {
  const used = await ledger.getConsentUse(consentId);
  await ledger.putConsentUse({ consentId, reads: (used?.reads ?? 0) + 1, lastTxId: ledger.txId });
}

/**
 * An insurer's claim review as the decision reads it: the coded reason, and whether the version asked
 * for backs a line of that claim, submitted by the record's custodian to the actor's insurer (read from
 * the custodian's collection, never taken from the caller). Backing means the line cites this very
 * version (its hash) and the line's record checked out at submission (not `RECORD_UNVERIFIED`: the
 * claim's patient's record with that hash): a claim opens what it relied on, not the record's later
 * versions, nor a record it cited in vain. Null for anyone else, or without a review.
 */
async function claimReviewFacts(
  ledger: Ledger,
  actor: Actor,
  record: Pick<StoredAnchor, 'custodian' | 'recordId' | 'contentHash'>,
  review: ClaimReview | null,
): Promise<ClaimReviewFacts | null> {
  if (actor.orgKind !== 'insurer' || review === null) return null;
  const claim = await ledger.getClaim(record.custodian, record.custodian, review.claimId);
  const recordOnClaim =
    claim?.insurer === actor.mspId &&
    claim.lines.some(
      (l) =>
        l.recordId === record.recordId &&
        l.recordHash === record.contentHash &&
        l.adjudication.reason !== 'RECORD_UNVERIFIED',
    );
  return { reason: review.reason, recordOnClaim };
}

/** The verdict that stands on a break-glass case: the regulator's latest, else the custodian's latest. */
function standingReview(reviews: readonly BreakGlassReview[]): BreakGlassReview | undefined {
  return reviews.filter((r) => r.byRegulator).at(-1) ?? reviews.at(-1);
}

/** The patient of a record, from the custodian's sealed collection; `[STATE_INVALID]` when missing. */
async function recordPatient(ledger: Ledger, record: StoredAnchor): Promise<string> {
  const patientDid = await ledger.getRecordPatient(record.custodian, record.recordId);
  return patientDid ?? fail(ErrorCode.STATE_INVALID, `${record.recordId} patient`);
}

/** What was asked for: the purpose, the study (research), the stated emergency reason. */
interface AccessRequest {
  purpose: Purpose;
  studyId: string | null;
  reason: BreakGlassReason | null;
  /** An insurer adjuster's claim review (transient), null for anyone else. */
  claimReview: ClaimReview | null;
}

/** The facts of one access decision, read from current state at the transaction's time. */
async function accessFacts(
  ledger: Ledger,
  actor: Actor,
  record: RecordAnchor,
  patientDid: string,
  request: AccessRequest,
  consents: readonly { facts: ConsentFacts }[],
  coSigned: boolean,
): Promise<AccessFacts> {
  const prefs =
    request.purpose === 'emergency' ? await ledger.getPreferences(patientKeyOf(patientDid)) : undefined;
  return {
    actor: actorFacts(actor),
    record: {
      custodian: record.custodian,
      department: record.department,
      category: record.category,
      level: record.level,
      erased: record.erased,
    },
    purpose: request.purpose,
    studyId: request.studyId,
    breakGlassReason: request.reason,
    consents: consents.map((c) => c.facts),
    study: await studyFacts(ledger, request.studyId, record.custodian),
    emergencyProfile: emergencyProfileOf(prefs),
    coSigned,
    claimReview: await claimReviewFacts(ledger, actor, record, request.claimReview),
    nowMs: ledger.txMs,
  };
}

/** A decision to record, with what it was taken on. */
interface DecisionRecord {
  /** Whose access it is (the requester, also for a co-signed one). */
  actor: Actor;
  record: StoredAnchor;
  patientDid: string;
  request: AccessRequest;
  consents: readonly { facts: ConsentFacts; terms: ConsentTerms }[];
  decision: Decision;
  coSign: { coSignedBy: string; coSignerMsp: string; requestId: string } | null;
}

/**
 * Records an access decision in the custodian's sealed collection: the audit event (granted or
 * denied), on grant the access grant and for break-glass the case, and for a break-glass request
 * beyond the emergency profile the request a second attending may co-sign. Emits `AccessDecided` (ids
 * and codes) and returns the decision as the block may hold it (no patient).
 */
async function recordDecision(ledger: Ledger, d: DecisionRecord): Promise<AccessDecision> {
  const { actor, record, decision, request } = d;
  const expiresAt = decision.expiresAtMs === null ? null : new Date(decision.expiresAtMs).toISOString();
  const event: AuditEvent = {
    eventId: ledger.txId,
    actorDid: actor.did,
    actorMsp: actor.mspId,
    actorRole: actor.role,
    purpose: request.purpose,
    recordId: record.recordId,
    version: record.version,
    patientDid: d.patientDid,
    custodian: record.custodian,
    consentId: decision.consentId,
    studyId: request.studyId,
    outcome: decision.outcome,
    reason: decision.reason,
    breakGlass: decision.breakGlass,
    breakGlassReason: decision.breakGlass ? request.reason : null,
    txId: ledger.txId,
    txTime: ledger.txTime,
    expiresAt,
  };
  await ledger.putAuditEvent(event);
  if (decision.outcome === 'granted' && expiresAt !== null) {
    const used = d.consents.find((c) => c.facts.consentId === decision.consentId);
    if (used?.terms.maxReads !== undefined) await countConsentUse(ledger, used.facts.consentId);
    await ledger.putAccessGrant({
      accessId: ledger.txId,
      actorDid: actor.did,
      actorMsp: actor.mspId,
      recordId: record.recordId,
      version: record.version,
      custodian: record.custodian,
      purpose: request.purpose,
      consentId: decision.consentId,
      consentTerms: used?.terms ?? null,
      studyId: request.studyId,
      breakGlassReason: event.breakGlassReason,
      deidentify: decision.deidentify,
      breakGlass: decision.breakGlass,
      claimReview: actor.orgKind === 'insurer' ? request.claimReview : null,
      grantedAt: ledger.txTime,
      expiresAt,
      coSignedBy: d.coSign?.coSignedBy ?? null,
    });
    if (decision.breakGlass && request.reason !== null) {
      await ledger.putBreakGlass({
        accessId: ledger.txId,
        recordId: record.recordId,
        patientDid: d.patientDid,
        custodian: record.custodian,
        actorDid: actor.did,
        actorMsp: actor.mspId,
        reason: request.reason,
        openedAt: ledger.txTime,
        coSignedBy: d.coSign?.coSignedBy ?? null,
        requestId: d.coSign?.requestId ?? null,
      });
    }
  }
  if (decision.reason === 'CO_SIGNATURE_REQUIRED' && request.reason !== null) {
    await ledger.putBreakGlassRequest({
      requestId: ledger.txId,
      recordId: record.recordId,
      version: record.version,
      custodian: record.custodian,
      actorDid: actor.did,
      actorMsp: actor.mspId,
      reason: request.reason,
      requestedAt: ledger.txTime,
      expiresAt: new Date(ledger.txMs + CO_SIGN_WINDOW_SECONDS * 1000).toISOString(),
    });
  }
  ledger.emit('AccessDecided', {
    eventId: event.eventId,
    recordId: event.recordId,
    custodian: event.custodian,
    actorDid: event.actorDid,
    actorMsp: event.actorMsp,
    actorRole: event.actorRole,
    purpose: event.purpose,
    outcome: event.outcome,
    reason: event.reason,
    breakGlass: event.breakGlass,
    version: event.version,
    breakGlassReason: event.breakGlassReason,
    coSignedBy: d.coSign?.coSignedBy ?? null,
    coSignerMsp: d.coSign?.coSignerMsp ?? null,
    txId: ledger.txId,
    txTime: ledger.txTime,
  });
  return {
    accessId: ledger.txId,
    recordId: record.recordId,
    custodian: record.custodian,
    version: record.version,
    outcome: decision.outcome,
    reason: decision.reason,
    consentId: decision.consentId,
    breakGlass: decision.breakGlass,
    deidentified: decision.deidentify,
    expiresAt,
  };
}

/**
 * Access decisions (always audited, in the custodian's sealed collection), content reads on the
 * custodian's peer that decide again, and appended break-glass reviews.
 */
/**
 * A content read's answer: the delivered content and the data-use receipt the custodian's peer issues
 * for exactly those bytes (docs/leak-tracing.md), MAC'd under the custodian's collection key, at the
 * read's proposal time. `research` holds a research row's marks; null for any other read.
 */
async function deliver(
  ledger: Ledger,
  grant: AccessGrant,
  content: { recordId: string; version: number; resource: Record<string, unknown> } & Record<string, unknown>,
  research: { exportId: string; studyId: string; pseudonym: string; orderKey: string } | null,
): Promise<Record<string, unknown>> {
  const body: DataUseReceiptBody = {
    accessId: grant.accessId,
    exportId: research?.exportId ?? null,
    studyId: research?.studyId ?? null,
    recipientDid: grant.actorDid,
    recipientMsp: grant.actorMsp,
    custodian: grant.custodian,
    recordId: content.recordId,
    version: content.version,
    ...deliveredHashes(content),
    pseudonym: research?.pseudonym ?? null,
    orderKey: research?.orderKey ?? null,
    issuedAt: ledger.txTime,
  };
  return { ...content, receipt: { ...body, mac: await ledger.dataUseMac(body) } };
}

@Info({ title: 'AccessContract', description: 'Access decisions, content reads, break-glass review' })
export class AccessContract extends Contract {
  readonly #custodianClock: Clock;
  readonly #keyrings: KeyringSource;

  /**
   * `custodianClock` and `keyrings`: the chaincode server's clock and key-encryption keys, read only
   * by `ReadRecordContent` on the custodian's peer; tests pass their own.
   */
  constructor(custodianClock: Clock = serverClock, keyrings: KeyringSource = serverKeyring) {
    super('access');
    this.#custodianClock = custodianClock;
    this.#keyrings = keyrings;
  }

  /**
   * Decides whether the signer may read a custodian's record content for a purpose (docs/architecture.md,
   * access decisions; the table is `access-policy.ts`) and records the decision as an audit event,
   * granted or denied: a denial is a
   * successful transaction whose result says `denied`. On a grant, also writes an access grant
   * (15 min; break-glass 4 h) and, for break-glass, a case open for review. Break-glass opens the
   * categories of the patient's emergency profile; beyond them it is denied `CO_SIGNATURE_REQUIRED` and
   * leaves a request a second attending may co-sign (`CoSignBreakGlass`). The record's patient is
   * read from the custodian's sealed collection; an accessor of another org presents the consents it
   * relies on in the transient map (`consents`). Endorsed by the custodian and the regulator: every
   * write is in the custodian's sealed collection, whose endorsement policy needs both, so no other
   * orgs can make (or hide) a decision on the custodian's record.
   * Caller: anyone enrolled (unregistered, inactive or suspended callers get an audited denial).
   * Reads: `staff`, `suspension`, `record~latest` (an older version: `anchor`, `erasure`), `consent`,
   * `revocation`, `prefs`, `study`, sealed `record-patient`. Writes (sealed, custodian): `audit`, `audit~patient`, `audit~actor`,
   * `audit~record`, on grant `access` (+ `breakglass`) and under a use-limited consent `consent~use`
   * (public, the grant counted: `CONSENT_USE_EXHAUSTED` once the consent gave all it allows), beyond
   * the emergency profile
   * `breakglass~request`. Event: `AccessDecided` (ids and codes, no
   * patient). Errors: VALIDATION_FAILED, NOT_FOUND (record or version), FORBIDDEN (bad identity),
   * STATE_INVALID, NOT_INITIALIZED.
   */
  @Transaction()
  @Returns('string')
  public async AccessRecord(ctx: Context, input: string): Promise<string> {
    const args = parseInput(accessRecordInput, input);
    const ledger = new Ledger(ctx);
    // The record's latest state comes with the caller's staff document: one round trip, not two.
    const actor = await resolveActor(ctx, ledger, [ledger.latestKey(args.custodian, args.recordId)]);
    const { consents: presented = [], claimReview = null } = readTransient(ledger, accessRecordTransient);
    const record = await recordView(ledger, args.custodian, args.recordId, args.version);
    const patientDid = await recordPatient(ledger, record);
    const custodianTreatment = actor.mspId === record.custodian && args.purpose === 'treatment';
    const consents = custodianTreatment ? [] : await presentedConsents(ledger, presented, patientDid, true);
    const request = {
      purpose: args.purpose,
      studyId: args.studyId ?? null,
      reason: args.breakGlassReason ?? null,
      claimReview,
    };
    const facts = await accessFacts(ledger, actor, record, patientDid, request, consents, false);
    const result = await recordDecision(ledger, {
      actor,
      record,
      patientDid,
      request,
      consents,
      decision: decideAccess(facts),
      coSign: null,
    });
    return canonicalJson(result);
  }

  /**
   * Co-signs a break-glass request beyond the patient's emergency profile (an `AccessRecord` that was
   * denied `CO_SIGNATURE_REQUIRED`; its access id is the request id): a second attending of the
   * requester's hospital, a distinct identity, within `CO_SIGN_WINDOW_SECONDS`, once (`coSignRefusal`).
   * The access is then decided again for the requester from current state with the co-signature, and
   * recorded like any decision: an audit event (actor: the requester), on grant an access grant for the
   * requester (reason `BREAK_GLASS_COSIGNED`) and a break-glass case naming both people, reviewed
   * afterwards like any other (`ReviewBreakGlass`; a suspension covers both). Endorsed by the custodian
   * and the regulator (everything is in the custodian's sealed collection).
   * Caller: an active attending of the requester's org, not the requester. Reads: sealed
   * `breakglass~request`, `breakglass~cosign`, `record-patient`; `staff`, `suspension`,
   * `record~latest` (an older version: `anchor`, `erasure`), `prefs`. Writes (sealed, custodian): `breakglass~cosign`, `audit` and its indexes, on
   * grant `access` and `breakglass`. Event: `AccessDecided`. Errors: VALIDATION_FAILED, NOT_FOUND (no
   * such request), NOT_REGISTERED, INACTIVE, CO_SIGNER_NOT_PERMITTED, EXPIRED (the window passed),
   * CONFLICT (already co-signed), STATE_INVALID.
   */
  @Transaction()
  @Returns('string')
  public async CoSignBreakGlass(ctx: Context, input: string): Promise<string> {
    const args = parseInput(coSignBreakGlassInput, input);
    const ledger = new Ledger(ctx);
    const coSigner = await resolveActor(ctx, ledger);
    requireActive(coSigner);
    const pending = await ledger.getBreakGlassRequest(args.custodian, args.requestId);
    if (!pending) return fail(ErrorCode.NOT_FOUND, args.requestId);
    const refusal = coSignRefusal(
      actorFacts(coSigner),
      {
        requesterDid: pending.actorDid,
        requesterMsp: pending.actorMsp,
        expiresAtMs: Date.parse(pending.expiresAt),
        coSigned: (await ledger.getBreakGlassCoSign(args.custodian, args.requestId)) !== undefined,
      },
      ledger.txMs,
    );
    if (refusal) return fail(ErrorCode[refusal.code], `${args.requestId} ${refusal.detail}`);
    const cn = parseStaffDid(pending.actorDid)?.enrollmentId;
    if (cn === undefined) return fail(ErrorCode.STATE_INVALID, args.requestId);
    const requester = await actorOf(ledger, pending.actorMsp, cn, false);
    const record = await recordView(ledger, pending.custodian, pending.recordId, pending.version);
    const patientDid = await recordPatient(ledger, record);
    const request = {
      purpose: 'emergency' as const,
      studyId: null,
      reason: pending.reason,
      claimReview: null,
    };
    const facts = await accessFacts(ledger, requester, record, patientDid, request, [], true);
    await ledger.putBreakGlassCoSign(args.custodian, {
      requestId: pending.requestId,
      accessId: ledger.txId,
      coSignedBy: coSigner.did,
      txTime: ledger.txTime,
    });
    const result = await recordDecision(ledger, {
      actor: requester,
      record,
      patientDid,
      request,
      consents: [],
      decision: decideAccess(facts),
      coSign: { coSignedBy: coSigner.did, coSignerMsp: coSigner.mspId, requestId: pending.requestId },
    });
    return canonicalJson(result);
  }

  /**
   * Returns the content of a record version for a granted, unexpired access of the same signer; run
   * as an evaluate on a peer of the custodian org (only it holds the content and the grant). It
   * decides again from current state with the same rules as the access decision: the signer still
   * registered, active and not suspended, in a role and department that may read; the consent not
   * revoked or expired since; the study still covering the record; the patient still allowing
   * emergency access and the regulator not having found the break-glass access unjustified; the
   * content not erased. Research grants get content de-identified at source (the allow-list of
   * `deidentify.ts`), without the salt; the subject becomes the patient's pseudonym in the grant's
   * study, keyed by the consortium's study key (`Ledger.studyPseudonymKey`, docs/deidentification.md),
   * so one patient is one subject across custodians of one export. Every answer carries a data-use
   * receipt for its exact bytes (docs/leak-tracing.md); research rows are marked per export (`exportId`,
   * default the access id): the subject is a per-export pseudonym of the study pseudonym, bound to the
   * recipient, and the receipt holds the row's order key.
   *
   * Never committed, and the one transaction that reads a clock: on the custodian's peer, the proposal
   * time the expiry is checked against must be within `PROPOSAL_TIME_WINDOW_SECONDS` of the custodian's
   * own clock. A chaincode cannot tell an evaluation from an endorsement (both are one ProcessProposal),
   * so what keeps the clock out of committed state is that no transaction running this code can be
   * VALID: it runs only on a peer of the custodian org (checked first, deterministically, against the
   * peer's own MSP ID), and the chaincode's policy needs two orgs for every transaction, read-only ones
   * included. Submitted, it is refused by the second org's peer or invalidated (docs/threat-model.md).
   * Caller: the actor of the access grant. Reads: sealed `access`, `breakglass~review`, `record-patient`
   * (research), the collection key; custodians' `study-secret` (research); `staff`, `suspension`,
   * `record~latest` (an older version: `anchor`, `erasure`), `revocation`, `prefs`, `study`; private
   * `content`. Errors: VALIDATION_FAILED, ACCESS_NOT_GRANTED (with the reason code when a
   * rule now denies), EXPIRED, NOT_REGISTERED, INACTIVE, CONTENT_UNAVAILABLE (erased, not the custodian's
   * peer, or no research form), CONTENT_MISMATCH (the decrypted content is not what was anchored, or does
   * not authenticate), KEY_UNAVAILABLE (the custodian's server lacks the key-encryption key),
   * NOT_INITIALIZED (research, before the study secret),
   * PROPOSAL_TIME_SKEW (the proposal time is not the custodian's).
   */
  @Transaction(false)
  @Returns('string')
  public async ReadRecordContent(ctx: Context, input: string): Promise<string> {
    const args = parseInput(readRecordContentInput, input);
    const ledger = new Ledger(ctx);
    const actor = await resolveActor(ctx, ledger);
    requireActive(actor);
    if (ledger.peerMsp !== args.custodian)
      fail(ErrorCode.CONTENT_UNAVAILABLE, `${args.recordId} not on this peer`);
    requireProposalTimeNear(ledger.txMs, this.#custodianClock, args.accessId);
    const grant = await ledger.getAccessGrant(args.custodian, args.accessId);
    if (
      !grant ||
      grant.actorDid !== actor.did ||
      grant.actorMsp !== actor.mspId ||
      grant.recordId !== args.recordId
    ) {
      return fail(ErrorCode.ACCESS_NOT_GRANTED, args.accessId);
    }
    if (Date.parse(grant.expiresAt) <= ledger.txMs) fail(ErrorCode.EXPIRED, args.accessId);
    const anchor = await recordView(ledger, grant.custodian, grant.recordId, grant.version);
    if (anchor.erased) fail(ErrorCode.CONTENT_UNAVAILABLE, `${grant.recordId} erased`);
    const patientDid = grant.breakGlass
      ? await ledger.getRecordPatient(grant.custodian, grant.recordId)
      : undefined;
    const prefs =
      patientDid === undefined ? undefined : await ledger.getPreferences(patientKeyOf(patientDid));
    const terms = grant.consentTerms;
    const facts: AccessFacts = {
      actor: actorFacts(actor),
      record: {
        custodian: anchor.custodian,
        department: anchor.department,
        category: anchor.category,
        level: anchor.level,
        erased: anchor.erased,
      },
      purpose: grant.purpose,
      studyId: grant.studyId,
      breakGlassReason: grant.breakGlassReason,
      consents:
        grant.consentId === null || terms === null
          ? []
          : [await consentFacts(ledger, grant.consentId, terms)],
      study: await studyFacts(ledger, grant.studyId, anchor.custodian),
      emergencyProfile: emergencyProfileOf(prefs),
      coSigned: grant.coSignedBy !== null,
      claimReview: await claimReviewFacts(ledger, actor, anchor, grant.claimReview),
      nowMs: ledger.txMs,
    };
    const again = decideAccess(facts);
    if (again.outcome !== 'granted') fail(ErrorCode.ACCESS_NOT_GRANTED, `${args.accessId} ${again.reason}`);
    if (grant.breakGlass) {
      const verdict = standingReview(await ledger.breakGlassReviews(grant.custodian, grant.accessId));
      if (verdict?.byRegulator === true && verdict.outcome === 'unjustified')
        fail(ErrorCode.ACCESS_NOT_GRANTED, `${args.accessId} BREAK_GLASS_DISALLOWED`);
    }
    const envelope = await readAnchoredContent(ledger, this.#keyrings, anchor);
    const content = {
      recordId: anchor.recordId,
      version: anchor.version,
      contentHash: anchor.contentHash,
    };
    if (!grant.deidentify) {
      const delivered = { ...content, resource: envelope.resource, salt: envelope.salt, deidentified: false };
      return canonicalJson(await deliver(ledger, grant, delivered, null));
    }
    // Research grants come from a study consent only (access-policy.ts, "research by study consent").
    const studyId = grant.studyId;
    if (studyId === null || terms?.grantee.kind !== 'study' || terms.grantee.studyId !== studyId)
      return fail(ErrorCode.ACCESS_NOT_GRANTED, args.accessId);
    const subject = await ledger.getRecordPatient(grant.custodian, grant.recordId);
    if (subject === undefined) return fail(ErrorCode.NOT_FOUND, grant.recordId);
    const studyKey = await ledger.studyPseudonymKey(studyId);
    const exportId = args.exportId ?? grant.accessId;
    const pseudonym = exportPseudonym(
      studyKey,
      exportId,
      actor.did,
      studyPseudonym(studyKey, studyId, subject),
    );
    const resource = deidentify(envelope.resource, {
      pseudonym,
      releaseYear: new Date(ledger.txMs).getUTCFullYear(),
    });
    if (!resource) return fail(ErrorCode.CONTENT_UNAVAILABLE, `${grant.recordId} has no research form`);
    const delivered = { ...content, resource, salt: null, deidentified: true };
    const orderKey = exportOrderKey(exportId, pseudonym, anchor.custodian, anchor.recordId);
    return canonicalJson(await deliver(ledger, grant, delivered, { exportId, studyId, pseudonym, orderKey }));
  }

  /**
   * Appends a review of a break-glass access (justified or not), or of a granted emergency listing
   * (`accessId` the listing id, `custodian` the listing doctor's org, whose sealed collection holds
   * it: its admin stands where a record's custodian's does, since no custodian learns of a listing).
   * Reviews are never replaced: the
   * custodian's admin may review while the regulator has not; the regulator's auditors may always
   * review again, and the regulator's latest verdict stands. An `unjustified` verdict with `suspend`
   * suspends the person who broke the glass (everywhere: the suspension is public, ids only) until a
   * later verdict of the regulator finds the access justified. Endorsed by the custodian and the
   * regulator (the case is in the custodian's sealed collection). A case co-signed beyond the
   * patient's emergency profile is a case of both people: a suspension (and its lifting) covers the
   * co-signer too.
   * Caller: an active admin of the record's custodian org, or an active auditor of the regulator.
   * Reads: sealed `breakglass` (else `listing`), `breakglass~review`; `suspension`. Writes: sealed `breakglass~review`;
   * `suspension`. Event: `BreakGlassReviewed`. Errors: VALIDATION_FAILED (`suspend` without an
   * `unjustified` verdict), NOT_REGISTERED, INACTIVE, FORBIDDEN, NOT_FOUND, CONFLICT (the custodian
   * reviewing after the regulator).
   */
  @Transaction()
  @Returns('string')
  public async ReviewBreakGlass(ctx: Context, input: string): Promise<string> {
    const args = parseInput(reviewBreakGlassInput, input);
    const ledger = new Ledger(ctx);
    const actor = await resolveActor(ctx, ledger);
    requireActive(actor);
    const bg = await reviewCaseOf(ledger, args.custodian, args.accessId);
    if (!bg) return fail(ErrorCode.NOT_FOUND, args.accessId);
    const byRegulator = isRegulatorAuditor(actor) && actor.mspId === (await ledger.consortium()).regulator;
    const custodianAdmin = isActiveAdmin(actor) && actor.mspId === bg.custodian;
    if (!custodianAdmin && !byRegulator) fail(ErrorCode.FORBIDDEN, actor.did);
    if (args.suspend && args.outcome !== 'unjustified') fail(ErrorCode.VALIDATION_FAILED, 'suspend');
    const earlier = await ledger.breakGlassReviews(bg.custodian, bg.accessId);
    if (!byRegulator && earlier.some((r) => r.byRegulator)) fail(ErrorCode.CONFLICT, args.accessId);
    const review: BreakGlassReview = {
      accessId: bg.accessId,
      outcome: args.outcome,
      reviewedBy: actor.did,
      reviewerMsp: actor.mspId,
      reviewerRole: actor.role,
      byRegulator,
      suspend: args.suspend,
      txId: ledger.txId,
      reviewedAt: ledger.txTime,
    };
    await ledger.appendBreakGlassReview(bg.custodian, review);
    // A co-signer vouched for the access: a verdict on the case is a verdict on both people.
    const people = bg.coSignedBy === null ? [bg.actorDid] : [bg.actorDid, bg.coSignedBy];
    const current = await ledger.getSuspension(bg.actorDid, bg.accessId);
    let suspended = current?.active ?? false;
    if (args.suspend || (byRegulator && args.outcome === 'justified' && suspended)) {
      suspended = args.suspend;
      for (const actorDid of people) {
        await ledger.putSuspension({
          actorDid,
          accessId: bg.accessId,
          custodian: bg.custodian,
          active: suspended,
          txId: ledger.txId,
          txTime: ledger.txTime,
        });
      }
    }
    ledger.emit('BreakGlassReviewed', {
      accessId: bg.accessId,
      kind: bg.kind,
      recordId: bg.recordId,
      custodian: bg.custodian,
      actorDid: bg.actorDid,
      outcome: args.outcome,
      reviewedBy: actor.did,
      byRegulator,
      suspended,
      txId: ledger.txId,
      txTime: ledger.txTime,
    });
    return canonicalJson(breakGlassState(bg, [...earlier, review], suspended));
  }
}

/**
 * What a review judges: a break-glass case of a record (in its custodian's sealed collection) or a
 * granted emergency listing (in the listing doctor's org's, `custodian` naming that org; no record).
 */
type ReviewCase = Omit<BreakGlassCase, 'recordId' | 'patientDid' | 'requestId'> & {
  readonly kind: BreakGlassState['kind'];
  readonly recordId: string | null;
};

/** The case `accessId` in `org`'s sealed collection: a break-glass case, else a granted emergency listing. */
async function reviewCaseOf(ledger: Ledger, org: string, accessId: string): Promise<ReviewCase | undefined> {
  const bg = await ledger.getBreakGlass(org, accessId);
  if (bg) return { ...bg, kind: 'access' };
  const listing = await ledger.getRecordListing(org, accessId);
  if (listing?.mode !== 'emergency' || listing.outcome !== 'granted' || listing.breakGlassReason === null)
    return undefined;
  return {
    kind: 'emergency_listing',
    accessId: listing.listingId,
    recordId: null,
    custodian: listing.actorMsp,
    actorDid: listing.actorDid,
    actorMsp: listing.actorMsp,
    reason: listing.breakGlassReason,
    openedAt: listing.txTime,
    coSignedBy: null,
  };
}

/** A case with its reviews as returned (no patient: the result of a submit is written into the block). */
function breakGlassState(bg: ReviewCase, reviews: BreakGlassReview[], suspended: boolean): BreakGlassState {
  const standing = standingReview(reviews);
  return {
    accessId: bg.accessId,
    kind: bg.kind,
    recordId: bg.recordId,
    custodian: bg.custodian,
    actorDid: bg.actorDid,
    actorMsp: bg.actorMsp,
    reason: bg.reason,
    openedAt: bg.openedAt,
    coSignedBy: bg.coSignedBy,
    status:
      reviews.length === 0
        ? 'pending_review'
        : reviews.some((r) => r.byRegulator)
          ? 'regulator_reviewed'
          : 'custodian_reviewed',
    outcome: standing?.outcome ?? null,
    reviewedBy: standing?.reviewedBy ?? null,
    reviewerRole: standing?.reviewerRole ?? null,
    reviewedAt: standing?.reviewedAt ?? null,
    suspended,
    reviews,
  };
}
