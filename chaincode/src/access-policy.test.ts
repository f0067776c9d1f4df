import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  CLAIM_REVIEW_REASONS,
  DATA_CATEGORIES,
  orgKindOf,
  PURPOSES,
  ROLES,
  type DataCategory,
  type Level,
} from '@medledger/domain';
import {
  coSignRefusal,
  decideAccess,
  type AccessFacts,
  type ActorFacts,
  type ConsentFacts,
  type CoSignRequestFacts,
  type Decision,
} from './access-policy';

const NOW = 1_750_000_000_000;
const MIN = 60_000;
const ORGS = ['Hospital1MSP', 'Hospital2MSP', 'ResearchMSP', 'RegulatorMSP', 'InsurerMSP'] as const;
const ACTOR_DID = 'did:medledger:x:actor';

/**
 * The oracle: the access rules of docs/architecture.md written as plain nested conditions, independently of
 * the rule table, so that the table and this reading of the rules must agree.
 */
function oracle(
  f: AccessFacts,
): Pick<Decision, 'outcome' | 'reason' | 'consentId' | 'breakGlass' | 'deidentify' | 'expiresAtMs'> {
  const denied = (reason: Decision['reason']) => ({
    outcome: 'denied' as const,
    reason,
    consentId: null,
    breakGlass: false,
    deidentify: false,
    expiresAtMs: null,
  });
  const a = f.actor;
  const r = f.record;
  const sameOrg = a.mspId === r.custodian;
  if (!a.registered) return denied('NOT_REGISTERED');
  if (a.frozen) return denied('FROZEN');
  if (!a.active) return denied('INACTIVE');
  if (a.orgKind === 'regulator' || a.role === 'auditor') return denied('REGULATOR_NO_CONTENT');
  if (r.erased) return denied('CONTENT_ERASED');
  if (f.purpose === 'emergency' || f.breakGlassReason !== null) {
    if (f.purpose !== 'emergency') return denied('PURPOSE_NOT_PERMITTED');
    if (f.breakGlassReason === null) return denied('BREAK_GLASS_REASON_REQUIRED');
    if (a.orgKind !== 'hospital' || (a.role !== 'attending' && a.role !== 'intern'))
      return denied('ROLE_NOT_PERMITTED');
    const inProfile = f.emergencyProfile.categories.includes(r.category);
    if (!inProfile && f.emergencyProfile.beyondProfile === 'never') return denied('BREAK_GLASS_DISALLOWED');
    if (r.level === 4 && !sameOrg) return denied('LEVEL_NOT_PERMITTED');
    if (!inProfile && !f.coSigned) return denied('CO_SIGNATURE_REQUIRED');
    return {
      outcome: 'granted',
      reason: inProfile ? 'BREAK_GLASS' : 'BREAK_GLASS_COSIGNED',
      consentId: null,
      breakGlass: true,
      deidentify: false,
      expiresAtMs: NOW + 240 * MIN,
    };
  }
  if (r.level === 4 && !sameOrg) return denied('LEVEL_NOT_PERMITTED');
  const byConsent = (research: boolean) => {
    const mine = f.consents.filter((c) =>
      research
        ? c.grantee.kind === 'study' && c.grantee.studyId === f.studyId
        : (c.grantee.kind === 'org' && c.grantee.mspId === a.mspId) ||
          (c.grantee.kind === 'staff' && c.grantee.did === a.did),
    );
    if (mine.length === 0) return denied('NO_CONSENT');
    if (mine.every((c) => c.revoked)) return denied('CONSENT_REVOKED');
    const inPeriod = mine.filter((c) => !c.revoked && c.periodStartMs <= NOW && NOW < c.periodEndMs);
    if (inPeriod.length === 0) return denied('CONSENT_EXPIRED');
    const ok = inPeriod.filter(
      (c) => c.categories.includes(r.category) && r.level <= c.maxLevel && c.purpose === f.purpose,
    );
    if (ok.length === 0) return denied('CONSENT_SCOPE');
    const left = ok.filter((c) => c.readsLeft !== 0);
    if (left.length === 0) return denied('CONSENT_USE_EXHAUSTED');
    const best = left.map((c) => c.consentId).sort()[0] ?? '';
    const chosen = left.find((c) => c.consentId === best);
    return {
      outcome: 'granted' as const,
      reason: research ? ('STUDY_CONSENT' as const) : ('CONSENT' as const),
      consentId: best,
      breakGlass: false,
      deidentify: research,
      expiresAtMs: Math.min(NOW + 15 * MIN, chosen?.periodEndMs ?? 0),
    };
  };
  if (a.orgKind === 'insurer' || a.role === 'adjuster') {
    if (a.orgKind !== 'insurer' || a.role !== 'adjuster' || f.purpose !== 'insurance')
      return denied('ROLE_NOT_PERMITTED');
    if (!f.claimReview) return denied('CLAIM_REVIEW_REQUIRED');
    return f.claimReview.recordOnClaim ? byConsent(false) : denied('CLAIM_REVIEW_INVALID');
  }
  if (f.purpose === 'research' || a.role === 'researcher') {
    if (f.purpose !== 'research' || a.role !== 'researcher') return denied('PURPOSE_NOT_PERMITTED');
    if (f.studyId === null) return denied('STUDY_REQUIRED');
    const s = f.study;
    if (
      !s ||
      s.studyId !== f.studyId ||
      s.org !== a.mspId ||
      !(s.periodStartMs <= NOW && NOW < s.periodEndMs) ||
      !s.categories.includes(r.category) ||
      r.level > s.maxLevel
    ) {
      return denied('STUDY_INVALID');
    }
    if (!s.siteApproved) return denied('STUDY_SITE_NOT_APPROVED');
    return byConsent(true);
  }
  const clinical = a.role === 'attending' || a.role === 'intern' || a.role === 'nurse';
  if (sameOrg && f.purpose === 'treatment' && clinical) {
    if ((a.role === 'intern' || a.role === 'nurse') && a.department !== r.department)
      return denied('DEPARTMENT_MISMATCH');
    return {
      outcome: 'granted',
      reason: 'CUSTODIAN_TREATMENT',
      consentId: null,
      breakGlass: false,
      deidentify: false,
      expiresAtMs: NOW + 15 * MIN,
    };
  }
  if (a.orgKind !== 'hospital' || !clinical) return denied('ROLE_NOT_PERMITTED');
  return byConsent(false);
}

const level = fc.constantFrom<Level>(1, 2, 3, 4);
const category = fc.constantFrom<DataCategory>(...DATA_CATEGORIES);
const time = fc.constantFrom(NOW - 10 * MIN, NOW - MIN, NOW, NOW + MIN, NOW + 10 * MIN);

const consent: fc.Arbitrary<ConsentFacts> = fc.record({
  consentId: fc.constantFrom('c1', 'c2', 'c3'),
  grantee: fc.oneof(
    fc.record({ kind: fc.constant('org' as const), mspId: fc.constantFrom(...ORGS) }),
    fc.record({
      kind: fc.constant('staff' as const),
      did: fc.constantFrom(ACTOR_DID, 'did:medledger:x:other'),
    }),
    fc.record({ kind: fc.constant('study' as const), studyId: fc.constantFrom('s1', 's2') }),
  ),
  categories: fc.uniqueArray(category, { minLength: 1, maxLength: 3 }),
  maxLevel: level,
  purpose: fc.constantFrom(...PURPOSES),
  periodStartMs: time,
  periodEndMs: time,
  revoked: fc.boolean(),
  readsLeft: fc.constantFrom(null, 0, 1, 2),
});

const facts: fc.Arbitrary<AccessFacts> = fc
  .record({
    mspId: fc.constantFrom(...ORGS),
    registered: fc.boolean(),
    frozen: fc.boolean(),
    active: fc.boolean(),
    role: fc.constantFrom(null, ...ROLES),
    department: fc.constantFrom(null, 'cardiology', 'oncology'),
    custodian: fc.constantFrom('Hospital1MSP', 'Hospital2MSP'),
    recordDepartment: fc.constantFrom('cardiology', 'oncology'),
    category,
    level,
    erased: fc.boolean(),
    purpose: fc.constantFrom(...PURPOSES),
    studyId: fc.constantFrom(null, 's1'),
    breakGlassReason: fc.constantFrom(null, 'life_threatening' as const),
    consents: fc.array(consent, { maxLength: 4 }),
    study: fc.option(
      fc.record({
        studyId: fc.constantFrom('s1', 's2'),
        org: fc.constantFrom('ResearchMSP', 'Hospital1MSP'),
        categories: fc.uniqueArray(category, { minLength: 1, maxLength: 3 }),
        maxLevel: level,
        periodStartMs: time,
        periodEndMs: time,
        siteApproved: fc.boolean(),
      }),
      { nil: null },
    ),
    emergencyProfile: fc.record({
      categories: fc.uniqueArray(category, { maxLength: 4 }),
      beyondProfile: fc.constantFrom('co_signed' as const, 'never' as const),
    }),
    coSigned: fc.boolean(),
    claimReview: fc.option(
      fc.record({
        reason: fc.constantFrom(...CLAIM_REVIEW_REASONS),
        recordOnClaim: fc.boolean(),
      }),
      { nil: null },
    ),
  })
  .map((g) => ({
    actor: {
      did: ACTOR_DID,
      mspId: g.mspId,
      orgKind: orgKindOf(g.mspId),
      registered: g.registered,
      // A frozen actor is never active (resolveActor), whatever their document says.
      frozen: g.registered && g.frozen,
      active: g.registered && !g.frozen && g.active,
      role: g.registered ? (g.role ?? 'nurse') : null,
      department: g.department,
    },
    record: {
      custodian: g.custodian,
      department: g.recordDepartment,
      category: g.category,
      level: g.level,
      erased: g.erased,
    },
    purpose: g.purpose,
    studyId: g.studyId,
    breakGlassReason: g.breakGlassReason,
    consents: g.consents,
    study: g.study,
    emergencyProfile: g.emergencyProfile,
    coSigned: g.coSigned,
    claimReview: g.claimReview,
    nowMs: NOW,
  }));

/** Facts of an insurer's adjuster, mostly asking for insurance, so the claim review rows are reached often. */
const insurerFacts: fc.Arbitrary<AccessFacts> = fc
  .tuple(
    facts,
    fc.constantFrom<AccessFacts['purpose']>('insurance', 'insurance', 'insurance', 'treatment'),
    fc.boolean(),
    fc.boolean(),
  )
  .map(([f, purpose, adjuster, covering]) => ({
    ...f,
    actor: {
      ...f.actor,
      mspId: 'InsurerMSP',
      orgKind: 'insurer' as const,
      registered: true,
      active: true,
      frozen: false,
      role: adjuster ? ('adjuster' as const) : ('admin' as const),
    },
    purpose,
    breakGlassReason: null,
    // Half the cases hold a consent to the insurer that covers the record now, so grants are reached.
    consents: covering
      ? [
          {
            consentId: 'c-insurer',
            grantee: { kind: 'org' as const, mspId: 'InsurerMSP' },
            categories: [f.record.category],
            maxLevel: 4 as const,
            purpose: 'insurance' as const,
            periodStartMs: NOW - 10 * MIN,
            periodEndMs: NOW + 10 * MIN,
            revoked: false,
            readsLeft: null,
          },
          ...f.consents,
        ]
      : f.consents.map((c, i) =>
          i === 0
            ? {
                ...c,
                grantee: { kind: 'org' as const, mspId: 'InsurerMSP' },
                purpose: 'insurance' as const,
                readsLeft: null,
              }
            : c,
        ),
  }));

void describe('decideAccess', () => {
  void it('when any combination of role, department, org, consent, purpose, level and time is decided, then the table agrees with the oracle', () => {
    fc.assert(
      fc.property(facts, (f) => {
        const d = decideAccess(f);
        assert.deepEqual(
          {
            outcome: d.outcome,
            reason: d.reason,
            consentId: d.consentId,
            breakGlass: d.breakGlass,
            deidentify: d.deidentify,
            expiresAtMs: d.expiresAtMs,
          },
          oracle(f),
        );
      }),
      { numRuns: 5000 },
    );
  });

  void it('when an insurer asks to review a record behind a claim, with or without a reason, a claim or a consent, then the table agrees with the oracle', () => {
    let granted = 0;
    fc.assert(
      fc.property(insurerFacts, (f) => {
        const d = decideAccess(f);
        if (d.outcome === 'granted') granted += 1;
        const { outcome, reason, consentId, breakGlass, deidentify, expiresAtMs } = d;
        assert.deepEqual({ outcome, reason, consentId, breakGlass, deidentify, expiresAtMs }, oracle(f));
      }),
      { numRuns: 3000 },
    );
    assert.ok(granted > 0, 'no insurer review was ever granted: the generator misses the rule');
  });

  void it('when anything is decided, then a denial never carries a grant, a regulator is never granted, and an insurer only with a consent to review a record behind its claim', () => {
    fc.assert(
      fc.property(facts, (f) => {
        const d = decideAccess(f);
        if (d.outcome === 'denied') assert.equal(d.expiresAtMs, null);
        if (f.actor.orgKind === 'regulator') assert.equal(d.outcome, 'denied');
        if (d.outcome === 'granted' && f.actor.orgKind === 'insurer') {
          assert.deepEqual(
            [f.purpose, f.claimReview?.recordOnClaim, d.reason],
            ['insurance', true, 'CONSENT'],
          );
          assert.ok(f.consents.some((c) => c.consentId === d.consentId && c.purpose === 'insurance'));
        }
        if (d.outcome === 'granted' && f.record.level === 4) assert.equal(f.actor.mspId, f.record.custodian);
      }),
      { numRuns: 2000 },
    );
  });
});

void describe('break-glass and the emergency profile', () => {
  void it('when break-glass is granted without a co-signature, then the record is in the patient profile', () => {
    fc.assert(
      fc.property(facts, (f) => {
        const d = decideAccess({ ...f, coSigned: false });
        if (d.breakGlass) {
          assert.equal(d.reason, 'BREAK_GLASS');
          assert.ok(f.emergencyProfile.categories.includes(f.record.category));
        }
      }),
      { numRuns: 3000 },
    );
  });

  void it('when the patient refuses anything beyond the profile, then no co-signature opens more', () => {
    fc.assert(
      fc.property(facts, (f) => {
        const profile = { ...f.emergencyProfile, beyondProfile: 'never' as const };
        const d = decideAccess({ ...f, emergencyProfile: profile, coSigned: true });
        if (d.breakGlass) assert.ok(profile.categories.includes(f.record.category));
      }),
      { numRuns: 3000 },
    );
  });

  void it('when a co-signature is added to a decision, then only an emergency beyond the profile changes', () => {
    fc.assert(
      fc.property(facts, (f) => {
        const alone = decideAccess({ ...f, coSigned: false });
        const coSigned = decideAccess({ ...f, coSigned: true });
        if (alone.reason !== 'CO_SIGNATURE_REQUIRED') assert.deepEqual(coSigned, alone);
        else assert.equal(coSigned.reason, 'BREAK_GLASS_COSIGNED');
      }),
      { numRuns: 3000 },
    );
  });
});

const REQUESTER = 'did:medledger:hospital2:dr-a';
const coSigner: fc.Arbitrary<ActorFacts> = fc.record({
  did: fc.constantFrom(REQUESTER, 'did:medledger:hospital2:dr-b', 'did:medledger:hospital1:dr-c'),
  mspId: fc.constantFrom('Hospital1MSP', 'Hospital2MSP', 'ResearchMSP'),
  orgKind: fc.constantFrom('hospital' as const, 'research' as const),
  registered: fc.boolean(),
  active: fc.boolean(),
  role: fc.constantFrom(null, ...ROLES),
  department: fc.constant(null),
  // A frozen caller is refused before any decision (resolveActor), so a co-signer is never one.
  frozen: fc.constant(false),
});
const pending: fc.Arbitrary<CoSignRequestFacts> = fc.record({
  requesterDid: fc.constant(REQUESTER),
  requesterMsp: fc.constant('Hospital2MSP'),
  expiresAtMs: time,
  coSigned: fc.boolean(),
});

void describe('coSignRefusal', () => {
  void it('when anyone co-signs a request, then only a distinct active attending of the requester hospital within the window, once, is accepted', () => {
    fc.assert(
      fc.property(coSigner, pending, (c, r) => {
        const accepted =
          !r.coSigned &&
          c.did !== r.requesterDid &&
          c.mspId === r.requesterMsp &&
          c.registered &&
          c.active &&
          c.orgKind === 'hospital' &&
          c.role === 'attending' &&
          NOW < r.expiresAtMs;
        assert.equal(coSignRefusal(c, r, NOW) === null, accepted);
      }),
      { numRuns: 3000 },
    );
  });

  void it('when the requester co-signs their own request, then the refusal is CO_SIGNER_NOT_PERMITTED whatever their role', () => {
    const self: ActorFacts = {
      did: REQUESTER,
      mspId: 'Hospital2MSP',
      orgKind: 'hospital',
      registered: true,
      active: true,
      role: 'attending',
      department: null,
      frozen: false,
    };
    const request = {
      requesterDid: REQUESTER,
      requesterMsp: 'Hospital2MSP',
      expiresAtMs: NOW + MIN,
      coSigned: false,
    };
    assert.equal(coSignRefusal(self, request, NOW)?.code, 'CO_SIGNER_NOT_PERMITTED');
    assert.equal(coSignRefusal({ ...self, did: 'did:medledger:hospital2:dr-b' }, request, NOW), null);
    assert.equal(
      coSignRefusal({ ...self, did: 'did:medledger:hospital2:dr-b' }, request, NOW + MIN)?.code,
      'EXPIRED',
    );
    assert.equal(
      coSignRefusal({ ...self, did: 'did:medledger:hospital2:dr-b' }, { ...request, coSigned: true }, NOW)
        ?.code,
      'CONFLICT',
    );
  });
});

void describe('use-limited consents', () => {
  void it('when a consent has no reads left, then it never grants, and another covering consent with reads left does', () => {
    fc.assert(
      fc.property(facts, (f) => {
        const d = decideAccess(f);
        if (d.consentId !== null) {
          const used = f.consents.filter((c) => c.consentId === d.consentId);
          assert.ok(
            used.some((c) => c.readsLeft !== 0),
            'a granting consent has reads left',
          );
        }
        const exhausted = decideAccess({ ...f, consents: f.consents.map((c) => ({ ...c, readsLeft: 0 })) });
        assert.equal(exhausted.consentId, null);
        if (d.reason === 'CONSENT_USE_EXHAUSTED') assert.equal(d.outcome, 'denied');
      }),
      { numRuns: 3000 },
    );
  });
});
