import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  DATA_CATEGORIES,
  orgKindOf,
  PURPOSES,
  ROLES,
  type DataCategory,
  type Level,
} from '@medledger/domain';
import { decideAccess, type AccessFacts, type ConsentFacts, type Decision } from './access-policy';

const NOW = 1_750_000_000_000;
const MIN = 60_000;
const ORGS = ['Hospital1MSP', 'Hospital2MSP', 'ResearchMSP', 'RegulatorMSP'] as const;
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
  if (!a.active) return denied('INACTIVE');
  if (a.orgKind === 'regulator' || a.role === 'auditor') return denied('REGULATOR_NO_CONTENT');
  if (r.erased) return denied('CONTENT_ERASED');
  if (f.purpose === 'emergency' || f.breakGlassReason !== null) {
    if (f.purpose !== 'emergency') return denied('PURPOSE_NOT_PERMITTED');
    if (f.breakGlassReason === null) return denied('BREAK_GLASS_REASON_REQUIRED');
    if (a.orgKind !== 'hospital' || (a.role !== 'attending' && a.role !== 'intern'))
      return denied('ROLE_NOT_PERMITTED');
    if (!f.allowEmergencyAccess) return denied('BREAK_GLASS_DISALLOWED');
    if (r.level === 4 && !sameOrg) return denied('LEVEL_NOT_PERMITTED');
    return {
      outcome: 'granted',
      reason: 'BREAK_GLASS',
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
    const best = ok.map((c) => c.consentId).sort()[0] ?? '';
    const chosen = ok.find((c) => c.consentId === best);
    return {
      outcome: 'granted' as const,
      reason: research ? ('STUDY_CONSENT' as const) : ('CONSENT' as const),
      consentId: best,
      breakGlass: false,
      deidentify: research,
      expiresAtMs: Math.min(NOW + 15 * MIN, chosen?.periodEndMs ?? 0),
    };
  };
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
});

const facts: fc.Arbitrary<AccessFacts> = fc
  .record({
    mspId: fc.constantFrom(...ORGS),
    registered: fc.boolean(),
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
    allowEmergencyAccess: fc.boolean(),
  })
  .map((g) => ({
    actor: {
      did: ACTOR_DID,
      mspId: g.mspId,
      orgKind: orgKindOf(g.mspId),
      registered: g.registered,
      active: g.registered && g.active,
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
    allowEmergencyAccess: g.allowEmergencyAccess,
    nowMs: NOW,
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

  void it('when anything is decided, then a denial never carries a grant and a regulator is never granted', () => {
    fc.assert(
      fc.property(facts, (f) => {
        const d = decideAccess(f);
        if (d.outcome === 'denied') assert.equal(d.expiresAtMs, null);
        if (f.actor.orgKind === 'regulator') assert.equal(d.outcome, 'denied');
        if (d.outcome === 'granted' && f.record.level === 4) assert.equal(f.actor.mspId, f.record.custodian);
      }),
      { numRuns: 2000 },
    );
  });
});
