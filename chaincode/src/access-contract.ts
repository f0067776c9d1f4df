import {
  accessRecordInput,
  accessRecordTransient,
  canonicalJson,
  consentGrantPayloadSchema,
  decodeCompactJws,
  ErrorCode,
  patientKeyOf,
  readRecordContentInput,
  reviewBreakGlassInput,
  sha256Hex,
  siteMayContribute,
  type AccessDecision,
  type AccessGrant,
  type AuditEvent,
  type BreakGlassCase,
  type BreakGlassReview,
  type BreakGlassState,
  type ContentEnvelope,
  type PresentedConsent,
  type StoredAnchor,
} from '@medledger/domain';
import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import {
  decideAccess,
  type AccessFacts,
  type ActorFacts,
  type ConsentFacts,
  type StudyFacts,
} from './access-policy';
import { isActiveAdmin, isRegulatorAuditor, requireActive, resolveActor, type Actor } from './actor';
import { requireProposalTimeNear, serverClock, type Clock } from './custodian-clock';
import { deidentify, studyPseudonym } from './deidentify';
import { fail, parseInput } from './errors';
import { Ledger } from './ledger/store';
import { anchorAt } from './record-view';
import { loadGovernance } from './study-governance';
import { readTransient } from './transient';

/** The facts of an actor an access decision reads. */
export function actorFacts(actor: Actor): ActorFacts {
  return {
    did: actor.did,
    mspId: actor.mspId,
    orgKind: actor.orgKind,
    registered: actor.role !== null,
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
  const erasures = await ledger.erasures(anchor.custodian, anchor.recordId);
  return erasures.some((e) => !e.staged && e.version === anchor.version);
}

export type ConsentTerms = NonNullable<AccessGrant['consentTerms']>;

/** A consent's terms as the decision reads them, revoked when its public revocation exists. */
export async function consentFacts(
  ledger: Ledger,
  consentId: string,
  terms: ConsentTerms,
): Promise<ConsentFacts> {
  return {
    consentId,
    grantee: terms.grantee,
    categories: terms.categories,
    maxLevel: terms.maxLevel,
    purpose: terms.purpose,
    periodStartMs: Date.parse(terms.periodStart),
    periodEndMs: Date.parse(terms.periodEnd),
    revoked: (await ledger.getRevocation(consentId)) !== undefined,
  };
}

/**
 * The consents the accessor presented that the ledger vouches for: a public consent exists whose
 * receipt is in the grantee org's collection (so the grantee and the regulator recorded it, after
 * checking the patient's signature at the time) and whose hash is this signed grant's, and the grant
 * names this record's patient. Anything else is ignored, so presenting junk only loses the consent.
 */
export async function presentedConsents(
  ledger: Ledger,
  presented: readonly PresentedConsent[],
  patientDid: string,
): Promise<{ facts: ConsentFacts; terms: ConsentTerms }[]> {
  const out: { facts: ConsentFacts; terms: ConsentTerms }[] = [];
  const seen = new Set<string>();
  for (const p of presented) {
    if (seen.has(p.consentId)) continue;
    seen.add(p.consentId);
    const pub = await ledger.getPublicConsent(p.consentId);
    if (pub?.jwsHash !== sha256Hex(p.jws)) continue;
    let payload;
    try {
      payload = consentGrantPayloadSchema.parse(decodeCompactJws(p.jws).payload);
    } catch {
      continue;
    }
    if (payload.patientDid !== patientDid) continue;
    const terms = {
      grantee: payload.grantee,
      categories: [...new Set(payload.categories)].sort(),
      maxLevel: payload.maxLevel,
      purpose: payload.purpose,
      periodStart: new Date(Date.parse(payload.periodStart)).toISOString(),
      periodEnd: pub.periodEnd,
    };
    out.push({ terms, facts: await consentFacts(ledger, p.consentId, terms) });
  }
  return out;
}

/** The verdict that stands on a break-glass case: the regulator's latest, else the custodian's latest. */
function standingReview(reviews: readonly BreakGlassReview[]): BreakGlassReview | undefined {
  return reviews.filter((r) => r.byRegulator).at(-1) ?? reviews.at(-1);
}

/**
 * Access decisions (always audited, in the custodian's sealed collection), content reads on the
 * custodian's peer that decide again, and appended break-glass reviews.
 */
@Info({ title: 'AccessContract', description: 'Access decisions, content reads, break-glass review' })
export class AccessContract extends Contract {
  readonly #custodianClock: Clock;

  /** `custodianClock`: the chaincode server's clock, read only by `ReadRecordContent`; tests pass their own. */
  constructor(custodianClock: Clock = serverClock) {
    super('access');
    this.#custodianClock = custodianClock;
  }

  /**
   * Decides whether the signer may read a custodian's record content for a purpose (docs/architecture.md,
   * access decisions; the table is `access-policy.ts`) and records the decision as an audit event,
   * granted or denied: a denial is a
   * successful transaction whose result says `denied`. On a grant, also writes an access grant
   * (15 min; break-glass 4 h) and, for break-glass, a case open for review. The record's patient is
   * read from the custodian's sealed collection; an accessor of another org presents the consents it
   * relies on in the transient map (`consents`). Endorsed by the custodian and the regulator: every
   * write is in the custodian's sealed collection, whose endorsement policy needs both, so no other
   * orgs can make (or hide) a decision on the custodian's record.
   * Caller: anyone enrolled (unregistered, inactive or suspended callers get an audited denial).
   * Reads: `staff`, `suspension`, `anchor`, `erasure`, `consent`, `revocation`, `prefs`, `study`,
   * sealed `record-patient`. Writes (sealed, custodian): `audit`, `audit~patient`, `audit~actor`,
   * `audit~record`, and on grant `access` (+ `breakglass`). Event: `AccessDecided` (ids and codes, no
   * patient). Errors: VALIDATION_FAILED, NOT_FOUND (record or version), FORBIDDEN (bad identity),
   * STATE_INVALID, NOT_INITIALIZED.
   */
  @Transaction()
  @Returns('string')
  public async AccessRecord(ctx: Context, input: string): Promise<string> {
    const args = parseInput(accessRecordInput, input);
    const ledger = new Ledger(ctx);
    const actor = await resolveActor(ctx, ledger);
    const { consents: presented = [] } = readTransient(ledger, accessRecordTransient);
    const record = await anchorAt(ledger, args.custodian, args.recordId, args.version);
    const patientDid = await ledger.getRecordPatient(record.custodian, record.recordId);
    if (patientDid === undefined) return fail(ErrorCode.STATE_INVALID, `${record.recordId} patient`);
    const custodianTreatment = actor.mspId === record.custodian && args.purpose === 'treatment';
    const consents = custodianTreatment ? [] : await presentedConsents(ledger, presented, patientDid);
    const prefs =
      args.purpose === 'emergency' ? await ledger.getPreferences(patientKeyOf(patientDid)) : undefined;
    const facts: AccessFacts = {
      actor: actorFacts(actor),
      record: {
        custodian: record.custodian,
        department: record.department,
        category: record.category,
        level: record.level,
        erased: await erased(ledger, record),
      },
      purpose: args.purpose,
      studyId: args.studyId ?? null,
      breakGlassReason: args.breakGlassReason ?? null,
      consents: consents.map((c) => c.facts),
      study: await studyFacts(ledger, args.studyId ?? null, record.custodian),
      allowEmergencyAccess: prefs?.allowEmergencyAccess ?? true,
      nowMs: ledger.txMs,
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
      patientDid,
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
      const used = consents.find((c) => c.facts.consentId === decision.consentId);
      await ledger.putAccessGrant({
        accessId: ledger.txId,
        actorDid: actor.did,
        actorMsp: actor.mspId,
        recordId: record.recordId,
        version: record.version,
        custodian: record.custodian,
        purpose: args.purpose,
        consentId: decision.consentId,
        consentTerms: used?.terms ?? null,
        studyId: args.studyId ?? null,
        breakGlassReason: event.breakGlassReason,
        deidentify: decision.deidentify,
        breakGlass: decision.breakGlass,
        grantedAt: ledger.txTime,
        expiresAt,
      });
      if (decision.breakGlass && args.breakGlassReason !== undefined) {
        await ledger.putBreakGlass({
          accessId: ledger.txId,
          recordId: record.recordId,
          patientDid,
          custodian: record.custodian,
          actorDid: actor.did,
          actorMsp: actor.mspId,
          reason: args.breakGlassReason,
          openedAt: ledger.txTime,
        });
      }
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
      txId: ledger.txId,
      txTime: ledger.txTime,
    });
    const result: AccessDecision = {
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
   * so one patient is one subject across custodians.
   *
   * Never committed, and the one transaction that reads a clock: on the custodian's peer, the proposal
   * time the expiry is checked against must be within `PROPOSAL_TIME_WINDOW_SECONDS` of the custodian's
   * own clock. A chaincode cannot tell an evaluation from an endorsement (both are one ProcessProposal),
   * so what keeps the clock out of committed state is that no transaction running this code can be
   * VALID: it runs only on a peer of the custodian org (checked first, deterministically, against the
   * peer's own MSP ID), and the chaincode's policy needs two orgs for every transaction, read-only ones
   * included. Submitted, it is refused by the second org's peer or invalidated (docs/threat-model.md).
   * Caller: the actor of the access grant. Reads: sealed `access`, `breakglass~review`, `record-patient`
   * (research), the collection key; custodians' `study-secret` (research); `staff`, `suspension`, `anchor`, `erasure`, `revocation`, `prefs`,
   * `study`; private `content`. Errors: VALIDATION_FAILED, ACCESS_NOT_GRANTED (with the reason code when a
   * rule now denies), EXPIRED, NOT_REGISTERED, INACTIVE, CONTENT_UNAVAILABLE (erased, not the custodian's
   * peer, or no research form), CONTENT_MISMATCH, NOT_INITIALIZED (research, before the study secret),
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
    const anchor = await ledger.getAnchor(grant.custodian, grant.recordId, grant.version);
    if (!anchor) return fail(ErrorCode.NOT_FOUND, grant.recordId);
    const isErased = await erased(ledger, anchor);
    if (isErased) fail(ErrorCode.CONTENT_UNAVAILABLE, `${grant.recordId} erased`);
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
        erased: isErased,
      },
      purpose: grant.purpose,
      studyId: grant.studyId,
      breakGlassReason: grant.breakGlassReason,
      consents:
        grant.consentId === null || terms === null
          ? []
          : [await consentFacts(ledger, grant.consentId, terms)],
      study: await studyFacts(ledger, grant.studyId, anchor.custodian),
      allowEmergencyAccess: prefs?.allowEmergencyAccess ?? true,
      nowMs: ledger.txMs,
    };
    const again = decideAccess(facts);
    if (again.outcome !== 'granted') fail(ErrorCode.ACCESS_NOT_GRANTED, `${args.accessId} ${again.reason}`);
    if (grant.breakGlass) {
      const verdict = standingReview(await ledger.breakGlassReviews(grant.custodian, grant.accessId));
      if (verdict?.byRegulator === true && verdict.outcome === 'unjustified')
        fail(ErrorCode.ACCESS_NOT_GRANTED, `${args.accessId} BREAK_GLASS_DISALLOWED`);
    }
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
    const studyId = grant.studyId;
    if (studyId === null || terms?.grantee.kind !== 'study' || terms.grantee.studyId !== studyId)
      return fail(ErrorCode.ACCESS_NOT_GRANTED, args.accessId);
    const subject = await ledger.getRecordPatient(grant.custodian, grant.recordId);
    if (subject === undefined) return fail(ErrorCode.NOT_FOUND, grant.recordId);
    const resource = deidentify(envelope.resource, {
      pseudonym: studyPseudonym(await ledger.studyPseudonymKey(studyId), studyId, subject),
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
   * Appends a review of a break-glass access (justified or not). Reviews are never replaced: the
   * custodian's admin may review while the regulator has not; the regulator's auditors may always
   * review again, and the regulator's latest verdict stands. An `unjustified` verdict with `suspend`
   * suspends the person who broke the glass (everywhere: the suspension is public, ids only) until a
   * later verdict of the regulator finds the access justified. Endorsed by the custodian and the
   * regulator (the case is in the custodian's sealed collection).
   * Caller: an active admin of the record's custodian org, or an active auditor of the regulator.
   * Reads: sealed `breakglass`, `breakglass~review`; `suspension`. Writes: sealed `breakglass~review`;
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
    const bg = await ledger.getBreakGlass(args.custodian, args.accessId);
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
    const current = await ledger.getSuspension(bg.actorDid, bg.accessId);
    let suspended = current?.active ?? false;
    if (args.suspend || (byRegulator && args.outcome === 'justified' && suspended)) {
      suspended = args.suspend;
      await ledger.putSuspension({
        actorDid: bg.actorDid,
        accessId: bg.accessId,
        custodian: bg.custodian,
        active: suspended,
        txId: ledger.txId,
        txTime: ledger.txTime,
      });
    }
    ledger.emit('BreakGlassReviewed', {
      accessId: bg.accessId,
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

/** A case with its reviews as returned (no patient: the result of a submit is written into the block). */
function breakGlassState(
  bg: BreakGlassCase,
  reviews: BreakGlassReview[],
  suspended: boolean,
): BreakGlassState {
  const standing = standingReview(reviews);
  return {
    accessId: bg.accessId,
    recordId: bg.recordId,
    custodian: bg.custodian,
    actorDid: bg.actorDid,
    actorMsp: bg.actorMsp,
    reason: bg.reason,
    openedAt: bg.openedAt,
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
