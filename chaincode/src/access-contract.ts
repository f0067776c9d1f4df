import {
  accessRecordInput,
  canonicalJson,
  ErrorCode,
  readRecordContentInput,
  reviewBreakGlassInput,
  sha256Hex,
  type AccessDecision,
  type AuditEvent,
  type BreakGlassCase,
  type ContentEnvelope,
} from '@medledger/domain';
import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { decideAccess, type AccessFacts, type ConsentFacts, type StudyFacts } from './access-policy';
import { isActiveAdmin, isRegulatorAuditor, requireActive, resolveActor } from './actor';
import { requireProposalTimeNear, serverClock, type Clock } from './custodian-clock';
import { deidentify, studyPseudonym } from './deidentify';
import { fail, parseInput } from './errors';
import { Ledger } from './ledger/store';

/**
 * The subject's research pseudonym until study keys exist (docs/deidentification.md, "The study
 * key"): keyed by the content's salt, the one secret of the custodian's that this read holds. The
 * researcher never gets the salt, so the pseudonym is not the DID and cannot be tested against one;
 * but the salt is per record version, so one patient's records get different pseudonyms: no linkage
 * across records until the per-study key replaces it.
 */
function interimStudyPseudonym(envelope: ContentEnvelope, studyId: string, patientDid: string): string {
  return studyPseudonym(Buffer.from(envelope.salt, 'hex'), studyId, patientDid);
}

/** Most consents of one patient considered in one decision. */
const MAX_CONSENTS_PER_DECISION = 200;

/** Access decisions (always audited), content reads on the custodian's peer, break-glass review. */
@Info({ title: 'AccessContract', description: 'Access decisions, content reads, break-glass review' })
export class AccessContract extends Contract {
  readonly #custodianClock: Clock;

  /** `custodianClock`: the chaincode server's clock, read only by `ReadRecordContent`; tests pass their own. */
  constructor(custodianClock: Clock = serverClock) {
    super('access');
    this.#custodianClock = custodianClock;
  }

  /**
   * Decides whether the signer may read a record's content for a purpose (docs/architecture.md, access
   * decisions; the table is `access-policy.ts`) and records the decision as an audit event, granted or denied: a denial is a
   * successful transaction whose result says `denied`. On a grant, also writes an access grant
   * (15 min; break-glass 4 h) and, for break-glass, a case pending review.
   * Caller: anyone enrolled (unregistered or inactive callers get an audited denial).
   * Reads: `staff`, `record`, `consent~patient`, `consent`, `prefs`, `study`. Writes: `audit`,
   * `audit~patient`, `audit~actor`, `audit~record`, and on grant `access` (+ `breakglass`).
   * Event: `AccessDecided`. Errors: VALIDATION_FAILED, NOT_FOUND (record or version), FORBIDDEN (bad identity).
   */
  @Transaction()
  @Returns('string')
  public async AccessRecord(ctx: Context, input: string): Promise<string> {
    const args = parseInput(accessRecordInput, input);
    const ledger = new Ledger(ctx);
    const actor = await resolveActor(ctx, ledger);
    const record =
      args.version === undefined
        ? await ledger.getRecord(args.recordId)
        : await ledger.getRecordVersion(args.recordId, args.version);
    if (!record) return fail(ErrorCode.NOT_FOUND, args.recordId);
    const now = ledger.txMs;
    const custodianTreatment = actor.mspId === record.custodian && args.purpose === 'treatment';
    const consents: ConsentFacts[] = custodianTreatment
      ? []
      : (await ledger.consentsOfPatient(record.patientDid, MAX_CONSENTS_PER_DECISION))
          .filter((c) => c.patientDid === record.patientDid)
          .map((c) => ({
            consentId: c.consentId,
            grantee: c.grantee,
            categories: c.categories,
            maxLevel: c.maxLevel,
            purpose: c.purpose,
            periodStartMs: Date.parse(c.periodStart),
            periodEndMs: Date.parse(c.periodEnd),
            revoked: c.status === 'revoked',
          }));
    const studyDoc = args.studyId === undefined ? undefined : await ledger.getStudy(args.studyId);
    const study: StudyFacts | null = studyDoc
      ? {
          studyId: studyDoc.studyId,
          org: studyDoc.org,
          categories: studyDoc.categories,
          maxLevel: studyDoc.maxLevel,
          periodStartMs: Date.parse(studyDoc.periodStart),
          periodEndMs: Date.parse(studyDoc.periodEnd),
        }
      : null;
    const prefs = args.purpose === 'emergency' ? await ledger.getPreferences(record.patientDid) : undefined;
    const facts: AccessFacts = {
      actor: {
        did: actor.did,
        mspId: actor.mspId,
        orgKind: actor.orgKind,
        registered: actor.role !== null,
        active: actor.active,
        role: actor.role,
        department: actor.department,
      },
      record: {
        custodian: record.custodian,
        department: record.department,
        category: record.category,
        level: record.level,
        erased: record.erased,
      },
      purpose: args.purpose,
      studyId: args.studyId ?? null,
      breakGlassReason: args.breakGlassReason ?? null,
      consents,
      study,
      allowEmergencyAccess: prefs?.allowEmergencyAccess ?? true,
      nowMs: now,
    };
    const decision = decideAccess(facts);
    const expiresAt = decision.expiresAtMs === null ? null : new Date(decision.expiresAtMs).toISOString();
    const event: AuditEvent = {
      eventId: ledger.txId,
      actorDid: actor.did,
      actorMsp: actor.mspId,
      actorRole: actor.role,
      purpose: args.purpose,
      recordId: record.recordId,
      version: record.version,
      patientDid: record.patientDid,
      custodian: record.custodian,
      consentId: decision.consentId,
      studyId: args.studyId ?? null,
      outcome: decision.outcome,
      reason: decision.reason,
      breakGlass: decision.breakGlass,
      breakGlassReason: decision.breakGlass ? (args.breakGlassReason ?? null) : null,
      txId: ledger.txId,
      txTime: ledger.txTime,
      expiresAt,
    };
    await ledger.putAuditEvent(event);
    if (decision.outcome === 'granted' && expiresAt !== null) {
      await ledger.putAccessGrant({
        accessId: ledger.txId,
        actorDid: actor.did,
        actorMsp: actor.mspId,
        recordId: record.recordId,
        version: record.version,
        custodian: record.custodian,
        purpose: args.purpose,
        consentId: decision.consentId,
        deidentify: decision.deidentify,
        breakGlass: decision.breakGlass,
        grantedAt: ledger.txTime,
        expiresAt,
      });
      if (decision.breakGlass && args.breakGlassReason !== undefined) {
        await ledger.putBreakGlass({
          accessId: ledger.txId,
          recordId: record.recordId,
          patientDid: record.patientDid,
          custodian: record.custodian,
          actorDid: actor.did,
          actorMsp: actor.mspId,
          reason: args.breakGlassReason,
          openedAt: ledger.txTime,
          status: 'pending_review',
          outcome: null,
          reviewedBy: null,
          reviewerRole: null,
          reviewedAt: null,
        });
      }
    }
    ledger.emit('AccessDecided', {
      eventId: event.eventId,
      recordId: event.recordId,
      patientDid: event.patientDid,
      custodian: event.custodian,
      actorDid: event.actorDid,
      actorMsp: event.actorMsp,
      actorRole: event.actorRole,
      purpose: event.purpose,
      outcome: event.outcome,
      reason: event.reason,
      consentId: event.consentId,
      breakGlass: event.breakGlass,
      version: event.version,
      breakGlassReason: event.breakGlassReason,
      txId: ledger.txId,
      txTime: ledger.txTime,
    });
    const result: AccessDecision = {
      accessId: ledger.txId,
      recordId: record.recordId,
      version: record.version,
      outcome: decision.outcome,
      reason: decision.reason,
      consentId: decision.consentId,
      breakGlass: decision.breakGlass,
      deidentified: decision.deidentify,
      expiresAt,
    };
    return canonicalJson(result);
  }

  /**
   * Returns the content of a record version for a granted, unexpired access of the same signer; run
   * as an evaluate on a peer of the custodian org (only it holds the content). Research grants get
   * content de-identified at source (the allow-list of `deidentify.ts`; the subject is the patient's
   * pseudonym in the study of the consent), without the salt. A grant based on a consent revoked since
   * is refused.
   *
   * Never committed, and the one transaction that reads a clock: on the custodian's peer, the proposal
   * time the expiry is checked against must be within `PROPOSAL_TIME_WINDOW_SECONDS` of the custodian's
   * own clock. A chaincode cannot tell an evaluation from an endorsement (both are one ProcessProposal),
   * so what keeps the clock out of committed state is that no transaction running this code can be
   * VALID: it runs only on a peer of the custodian org (checked first, deterministically, against the
   * peer's own MSP ID), and the chaincode's policy needs two orgs for every transaction, read-only ones
   * included. Submitted, it is refused by the second org's peer or invalidated (docs/threat-model.md).
   * Caller: the actor of the access grant, still active. Reads: `access`, `consent`, `record~version`,
   * private `content`. Errors: VALIDATION_FAILED, ACCESS_NOT_GRANTED, EXPIRED, NOT_REGISTERED, INACTIVE,
   * CONTENT_UNAVAILABLE (erased, not the custodian's peer, or no research form), CONTENT_MISMATCH (integrity),
   * PROPOSAL_TIME_SKEW (the proposal time is not the custodian's).
   */
  @Transaction(false)
  @Returns('string')
  public async ReadRecordContent(ctx: Context, input: string): Promise<string> {
    const args = parseInput(readRecordContentInput, input);
    const ledger = new Ledger(ctx);
    const actor = await resolveActor(ctx, ledger);
    requireActive(actor);
    const grant = await ledger.getAccessGrant(args.accessId);
    if (
      !grant ||
      grant.actorDid !== actor.did ||
      grant.actorMsp !== actor.mspId ||
      grant.recordId !== args.recordId
    ) {
      return fail(ErrorCode.ACCESS_NOT_GRANTED, args.accessId);
    }
    const anchor = await ledger.getRecordVersion(grant.recordId, grant.version);
    if (!anchor) return fail(ErrorCode.NOT_FOUND, grant.recordId);
    if (ledger.peerMsp !== anchor.custodian) {
      fail(ErrorCode.CONTENT_UNAVAILABLE, `${grant.recordId} not on this peer`);
    }
    requireProposalTimeNear(ledger.txMs, this.#custodianClock, args.accessId);
    if (Date.parse(grant.expiresAt) <= ledger.txMs) fail(ErrorCode.EXPIRED, args.accessId);
    const consent = grant.consentId === null ? undefined : await ledger.getConsent(grant.consentId);
    if (grant.consentId !== null && consent?.status !== 'active')
      fail(ErrorCode.ACCESS_NOT_GRANTED, args.accessId);
    if (anchor.erased) fail(ErrorCode.CONTENT_UNAVAILABLE, `${grant.recordId} erased`);
    const bytes = await ledger.readContent(anchor.custodian, anchor.recordId, anchor.version);
    if (sha256Hex(bytes) !== anchor.contentHash) fail(ErrorCode.CONTENT_MISMATCH, grant.recordId);
    const envelope = JSON.parse(bytes.toString('utf8')) as ContentEnvelope;
    if (!grant.deidentify) {
      return canonicalJson({
        recordId: anchor.recordId,
        version: anchor.version,
        contentHash: anchor.contentHash,
        resource: envelope.resource,
        salt: envelope.salt,
        deidentified: false,
      });
    }
    // Research grants come from a study consent only (access-policy.ts, "research by study consent").
    if (consent?.grantee.kind !== 'study') return fail(ErrorCode.ACCESS_NOT_GRANTED, args.accessId);
    const resource = deidentify(envelope.resource, {
      pseudonym: interimStudyPseudonym(envelope, consent.grantee.studyId, anchor.patientDid),
      releaseYear: new Date(ledger.txMs).getUTCFullYear(),
    });
    if (!resource) return fail(ErrorCode.CONTENT_UNAVAILABLE, `${grant.recordId} has no research form`);
    return canonicalJson({
      recordId: anchor.recordId,
      version: anchor.version,
      contentHash: anchor.contentHash,
      resource,
      salt: null,
      deidentified: true,
    });
  }

  /**
   * Closes the post-hoc review of a break-glass access (justified or not).
   * Caller: an active admin of the record's custodian org, or an active auditor of a regulator.
   * Reads/writes: `breakglass`. Event: `BreakGlassReviewed`.
   * Errors: VALIDATION_FAILED, NOT_REGISTERED, INACTIVE, FORBIDDEN, NOT_FOUND, CONFLICT (already cleared).
   */
  @Transaction()
  @Returns('string')
  public async ReviewBreakGlass(ctx: Context, input: string): Promise<string> {
    const args = parseInput(reviewBreakGlassInput, input);
    const ledger = new Ledger(ctx);
    const actor = await resolveActor(ctx, ledger);
    requireActive(actor);
    const bg = await ledger.getBreakGlass(args.accessId);
    if (!bg) return fail(ErrorCode.NOT_FOUND, args.accessId);
    const custodianAdmin = isActiveAdmin(actor) && actor.mspId === bg.custodian;
    if (!custodianAdmin && !isRegulatorAuditor(actor)) fail(ErrorCode.FORBIDDEN, actor.did);
    if (bg.status !== 'pending_review') fail(ErrorCode.CONFLICT, args.accessId);
    const reviewed: BreakGlassCase = {
      ...bg,
      status: 'cleared',
      outcome: args.outcome,
      reviewedBy: actor.did,
      reviewerRole: actor.role,
      reviewedAt: ledger.txTime,
    };
    await ledger.putBreakGlass(reviewed);
    ledger.emit('BreakGlassReviewed', {
      accessId: bg.accessId,
      recordId: bg.recordId,
      outcome: args.outcome,
      reviewedBy: actor.did,
      txId: ledger.txId,
      txTime: ledger.txTime,
    });
    return canonicalJson(reviewed);
  }
}
