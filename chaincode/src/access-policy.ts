import {
  ACCESS_GRANT_TTL_SECONDS,
  BREAK_GLASS_TTL_SECONDS,
  CLINICAL_ROLES,
  type AccessReason,
  type BreakGlassReason,
  type ClaimReviewReason,
  type DataCategory,
  type EmergencyProfile,
  type Level,
  type OrgKind,
  type Purpose,
  type Role,
} from '@medledger/domain';

/** Facts about the actor, all derived from the signer and their on-chain document. */
export interface ActorFacts {
  did: string;
  mspId: string;
  orgKind: OrgKind;
  registered: boolean;
  /** An active freeze of the regulator holds the actor or their org. */
  frozen: boolean;
  active: boolean;
  role: Role | null;
  department: string | null;
}

/** Facts about the record version (from its public anchor). */
export interface RecordFacts {
  custodian: string;
  department: string;
  category: DataCategory;
  level: Level;
  erased: boolean;
}

/** A consent of the patient, reduced to what the decision needs. */
export interface ConsentFacts {
  consentId: string;
  grantee:
    { kind: 'org'; mspId: string } | { kind: 'staff'; did: string } | { kind: 'study'; studyId: string };
  categories: readonly DataCategory[];
  maxLevel: Level;
  purpose: Purpose;
  periodStartMs: number;
  periodEndMs: number;
  revoked: boolean;
  /**
   * Access grants the consent still allows (its `maxReads` less those given), or null when unlimited
   * or already counted (a content read decides again under a grant that was counted when given).
   */
  readsLeft: number | null;
}

/** A registered study, reduced to what the decision needs. */
export interface StudyFacts {
  studyId: string;
  org: string;
  categories: readonly DataCategory[];
  maxLevel: Level;
  periodStartMs: number;
  periodEndMs: number;
  /**
   * The record's custodian may send data to the study now: the study is active and that hospital's
   * ethics committee approved its current protocol (domain `siteMayContribute`). Always true for a
   * study registered without sites.
   */
  siteApproved: boolean;
}

/**
 * Why an insurer opens a record: the coded reason, and whether the record backs a line of a claim
 * submitted to the actor's insurer (looked up by the contract, never taken from the caller).
 */
export interface ClaimReviewFacts {
  reason: ClaimReviewReason;
  recordOnClaim: boolean;
}

/** Everything an access decision depends on. Time is the transaction time. */
export interface AccessFacts {
  actor: ActorFacts;
  record: RecordFacts;
  purpose: Purpose;
  studyId: string | null;
  breakGlassReason: BreakGlassReason | null;
  consents: readonly ConsentFacts[];
  study: StudyFacts | null;
  /** The patient's emergency profile (`emergencyProfileOf` of their preferences). */
  emergencyProfile: EmergencyProfile;
  /**
   * A second attending of the requester's hospital co-signed this emergency access (checked by
   * `coSignRefusal` before the decision): it may open categories beyond the profile.
   */
  coSigned: boolean;
  /** Set only when an insurer's adjuster asks to review a record behind a claim. */
  claimReview?: ClaimReviewFacts | null;
  nowMs: number;
}

/** The decision. */
export interface Decision {
  outcome: 'granted' | 'denied';
  reason: AccessReason;
  consentId: string | null;
  breakGlass: boolean;
  /** Content must be de-identified at source (research). */
  deidentify: boolean;
  /** When a grant expires (ms), null for a denial. */
  expiresAtMs: number | null;
}

// Admins run the org's identities, not its care: they never read content (least privilege).
const CLINICAL: readonly Role[] = CLINICAL_ROLES;
const DOCTORS: readonly Role[] = ['attending', 'intern'];
const OWN_DEPARTMENT_ONLY: readonly Role[] = ['intern', 'nurse'];

function deny(reason: AccessReason): Decision {
  return {
    outcome: 'denied',
    reason,
    consentId: null,
    breakGlass: false,
    deidentify: false,
    expiresAtMs: null,
  };
}

function grant(
  f: AccessFacts,
  reason: AccessReason,
  extra: { consent?: ConsentFacts; breakGlass?: boolean; deidentify?: boolean } = {},
): Decision {
  const ttl = (extra.breakGlass ? BREAK_GLASS_TTL_SECONDS : ACCESS_GRANT_TTL_SECONDS) * 1000;
  const expires = Math.min(f.nowMs + ttl, extra.consent?.periodEndMs ?? Number.MAX_SAFE_INTEGER);
  return {
    outcome: 'granted',
    reason,
    consentId: extra.consent?.consentId ?? null,
    breakGlass: extra.breakGlass ?? false,
    deidentify: extra.deidentify ?? false,
    expiresAtMs: expires,
  };
}

/** True when the consent is addressed to this grantee (the actor's org or DID, or the study). */
function addressedTo(c: ConsentFacts, f: AccessFacts, research: boolean): boolean {
  const g = c.grantee;
  if (research) return g.kind === 'study' && g.studyId === f.studyId;
  return (g.kind === 'org' && g.mspId === f.actor.mspId) || (g.kind === 'staff' && g.did === f.actor.did);
}

/**
 * Picks the consent that allows this access, or the reason none does: NO_CONSENT (none addressed to
 * the grantee), CONSENT_REVOKED (only revoked ones), CONSENT_EXPIRED (live ones, but outside their
 * period), CONSENT_SCOPE (in period, but category, level or purpose not covered),
 * CONSENT_USE_EXHAUSTED (covering ones, but each has given all the reads it allows).
 */
function consentDecision(f: AccessFacts, research: boolean): Decision {
  const addressed = f.consents.filter((c) => addressedTo(c, f, research));
  if (addressed.length === 0) return deny('NO_CONSENT');
  const live = addressed.filter((c) => !c.revoked);
  if (live.length === 0) return deny('CONSENT_REVOKED');
  const current = live.filter((c) => c.periodStartMs <= f.nowMs && f.nowMs < c.periodEndMs);
  if (current.length === 0) return deny('CONSENT_EXPIRED');
  const covering = current
    .filter(
      (c) =>
        c.categories.includes(f.record.category) && f.record.level <= c.maxLevel && c.purpose === f.purpose,
    )
    .sort((a, b) => (a.consentId < b.consentId ? -1 : a.consentId > b.consentId ? 1 : 0));
  if (covering.length === 0) return deny('CONSENT_SCOPE');
  const chosen = covering.find((c) => c.readsLeft === null || c.readsLeft > 0);
  if (!chosen) return deny('CONSENT_USE_EXHAUSTED');
  return research
    ? grant(f, 'STUDY_CONSENT', { consent: chosen, deidentify: true })
    : grant(f, 'CONSENT', { consent: chosen });
}

function studyValid(f: AccessFacts): boolean {
  const s = f.study;
  return (
    s !== null &&
    s.studyId === f.studyId &&
    s.org === f.actor.mspId &&
    s.periodStartMs <= f.nowMs &&
    f.nowMs < s.periodEndMs &&
    s.categories.includes(f.record.category) &&
    f.record.level <= s.maxLevel
  );
}

const inEmergencyProfile = (f: AccessFacts): boolean =>
  f.emergencyProfile.categories.includes(f.record.category);
const custodianOf = (f: AccessFacts): boolean => f.actor.mspId === f.record.custodian;
const hasRole = (f: AccessFacts, roles: readonly Role[]): boolean =>
  f.actor.role !== null && roles.includes(f.actor.role);

/** One row of the decision table: the first row whose condition holds decides. */
interface Rule {
  name: string;
  when: (f: AccessFacts) => boolean;
  then: (f: AccessFacts) => Decision;
}

const denyWith = (reason: AccessReason) => (): Decision => deny(reason);

/** The access decision table, in order (docs/architecture.md, access decisions). */
export const ACCESS_RULES: readonly Rule[] = [
  { name: 'unregistered', when: (f) => !f.actor.registered, then: denyWith('NOT_REGISTERED') },
  { name: 'frozen', when: (f) => f.actor.frozen, then: denyWith('FROZEN') },
  { name: 'inactive', when: (f) => !f.actor.active, then: denyWith('INACTIVE') },
  {
    name: 'regulators never see content',
    when: (f) => f.actor.orgKind === 'regulator' || f.actor.role === 'auditor',
    then: denyWith('REGULATOR_NO_CONTENT'),
  },
  { name: 'erased', when: (f) => f.record.erased, then: denyWith('CONTENT_ERASED') },
  {
    name: 'break-glass reason only for emergencies',
    when: (f) => f.breakGlassReason !== null && f.purpose !== 'emergency',
    then: denyWith('PURPOSE_NOT_PERMITTED'),
  },
  {
    name: 'emergency needs a stated reason',
    when: (f) => f.purpose === 'emergency' && f.breakGlassReason === null,
    then: denyWith('BREAK_GLASS_REASON_REQUIRED'),
  },
  {
    name: 'emergency only for hospital doctors',
    when: (f) => f.purpose === 'emergency' && !(f.actor.orgKind === 'hospital' && hasRole(f, DOCTORS)),
    then: denyWith('ROLE_NOT_PERMITTED'),
  },
  {
    name: 'patient refuses emergency access beyond the profile',
    when: (f) =>
      f.purpose === 'emergency' && !inEmergencyProfile(f) && f.emergencyProfile.beyondProfile === 'never',
    then: denyWith('BREAK_GLASS_DISALLOWED'),
  },
  {
    name: 'core data never leaves the custodian',
    when: (f) => f.record.level === 4 && !custodianOf(f),
    then: denyWith('LEVEL_NOT_PERMITTED'),
  },
  {
    name: 'break-glass within the emergency profile',
    when: (f) => f.purpose === 'emergency' && inEmergencyProfile(f),
    then: (f) => grant(f, 'BREAK_GLASS', { breakGlass: true }),
  },
  {
    name: 'beyond the profile only co-signed',
    when: (f) => f.purpose === 'emergency' && !f.coSigned,
    then: denyWith('CO_SIGNATURE_REQUIRED'),
  },
  {
    name: 'co-signed break-glass',
    when: (f) => f.purpose === 'emergency',
    then: (f) => grant(f, 'BREAK_GLASS_COSIGNED', { breakGlass: true }),
  },
  {
    name: 'insurers only review claims, by their adjusters, for the insurance purpose',
    when: (f) =>
      (f.actor.orgKind === 'insurer' || f.actor.role === 'adjuster') &&
      !(f.actor.orgKind === 'insurer' && f.actor.role === 'adjuster' && f.purpose === 'insurance'),
    then: denyWith('ROLE_NOT_PERMITTED'),
  },
  {
    name: 'a claim review needs a coded reason',
    when: (f) => f.actor.orgKind === 'insurer' && (f.claimReview ?? null) === null,
    then: denyWith('CLAIM_REVIEW_REQUIRED'),
  },
  {
    name: 'a claim review opens only a record behind a claim to the insurer',
    when: (f) => f.actor.orgKind === 'insurer' && f.claimReview?.recordOnClaim !== true,
    then: denyWith('CLAIM_REVIEW_INVALID'),
  },
  {
    name: 'claim review by the patient consent for insurance',
    when: (f) => f.actor.orgKind === 'insurer',
    then: (f) => consentDecision(f, false),
  },
  {
    name: 'research is for researchers',
    when: (f) => (f.purpose === 'research') !== (f.actor.role === 'researcher'),
    then: denyWith('PURPOSE_NOT_PERMITTED'),
  },
  {
    name: 'research needs a study',
    when: (f) => f.purpose === 'research' && f.studyId === null,
    then: denyWith('STUDY_REQUIRED'),
  },
  {
    name: 'study must cover the record',
    when: (f) => f.purpose === 'research' && !studyValid(f),
    then: denyWith('STUDY_INVALID'),
  },
  {
    // Data flows from a site only after its own committee's approval and the study's quorum.
    name: 'study site must have approved',
    when: (f) => f.purpose === 'research' && f.study?.siteApproved !== true,
    then: denyWith('STUDY_SITE_NOT_APPROVED'),
  },
  {
    name: 'research by study consent',
    when: (f) => f.purpose === 'research',
    then: (f) => consentDecision(f, true),
  },
  {
    name: 'custodian interns and nurses: own department',
    when: (f) =>
      custodianOf(f) &&
      f.purpose === 'treatment' &&
      hasRole(f, OWN_DEPARTMENT_ONLY) &&
      f.actor.department !== f.record.department,
    then: denyWith('DEPARTMENT_MISMATCH'),
  },
  {
    name: 'custodian clinical staff treating',
    when: (f) => custodianOf(f) && f.purpose === 'treatment' && hasRole(f, CLINICAL),
    then: (f) => grant(f, 'CUSTODIAN_TREATMENT'),
  },
  {
    name: 'other access only for hospital staff',
    when: (f) => !(f.actor.orgKind === 'hospital' && hasRole(f, CLINICAL)),
    then: denyWith('ROLE_NOT_PERMITTED'),
  },
  { name: 'by consent', when: () => true, then: (f) => consentDecision(f, false) },
];

/** Decides an access by the first matching row of {@link ACCESS_RULES}. Pure and deterministic. */
export function decideAccess(facts: AccessFacts): Decision {
  for (const rule of ACCESS_RULES) if (rule.when(facts)) return rule.then(facts);
  return deny('ROLE_NOT_PERMITTED');
}

/** A break-glass request waiting for a co-signature, reduced to what the check needs. */
export interface CoSignRequestFacts {
  requesterDid: string;
  requesterMsp: string;
  expiresAtMs: number;
  /** A co-signature was already given to this request. */
  coSigned: boolean;
}

/** Why a co-signature is refused, as the error code and detail the transaction fails with. */
export interface CoSignRefusal {
  code: 'CO_SIGNER_NOT_PERMITTED' | 'EXPIRED' | 'CONFLICT';
  detail: string;
}

/**
 * Whether `coSigner` may co-sign a break-glass request beyond the patient's emergency profile: a
 * registered, active attending of a hospital, of the requester's own org (who answers for both), not
 * the requester (a second certificate of the same enrollment id is the same DID), within the window,
 * once. `null` when allowed. Pure; checked before the access is decided again with `coSigned`.
 */
export function coSignRefusal(
  coSigner: ActorFacts,
  request: CoSignRequestFacts,
  nowMs: number,
): CoSignRefusal | null {
  if (request.coSigned) return { code: 'CONFLICT', detail: 'co-signed' };
  if (coSigner.did === request.requesterDid) return { code: 'CO_SIGNER_NOT_PERMITTED', detail: 'requester' };
  if (coSigner.mspId !== request.requesterMsp)
    return { code: 'CO_SIGNER_NOT_PERMITTED', detail: 'another org' };
  if (
    !coSigner.registered ||
    !coSigner.active ||
    coSigner.orgKind !== 'hospital' ||
    coSigner.role !== 'attending'
  )
    return { code: 'CO_SIGNER_NOT_PERMITTED', detail: 'not an active attending' };
  if (nowMs >= request.expiresAtMs) return { code: 'EXPIRED', detail: 'co-sign window' };
  return null;
}
