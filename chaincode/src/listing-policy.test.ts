import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  BREAK_GLASS_REASONS,
  DATA_CATEGORIES,
  orgKindOf,
  ROLES,
  type DataCategory,
  type EmergencyProfile,
  type Level,
} from '@medledger/domain';
import type { ActorFacts, ConsentFacts } from './access-policy';
import { decideListing, listsEmergencyRecord, listsRecord } from './listing-policy';

const NOW = 1_750_000_000_000;
const DAY = 86_400_000;
const ORGS = ['Hospital1MSP', 'Hospital2MSP', 'ResearchMSP', 'RegulatorMSP'] as const;
const ACTOR_DID = 'did:medledger:x:actor';

/**
 * The oracle, written from the listing rule in docs/patients.md independently of the access table: a
 * clinician sees a record of their own hospital when they are clinical staff (interns and nurses of the
 * record's department only), and another hospital's record below level 4 when a live, current
 * treatment consent addressed to them or their org covers its category and level.
 */
function oracle(
  a: ActorFacts,
  r: { custodian: string; department: string; category: DataCategory; level: Level },
  consents: readonly ConsentFacts[],
): boolean {
  if (!a.registered || !a.active || a.orgKind !== 'hospital') return false;
  if (a.role !== 'attending' && a.role !== 'intern' && a.role !== 'nurse') return false;
  if (a.mspId === r.custodian) return a.role === 'attending' || a.department === r.department;
  if (r.level === 4) return false;
  return consents.some(
    (c) =>
      ((c.grantee.kind === 'org' && c.grantee.mspId === a.mspId) ||
        (c.grantee.kind === 'staff' && c.grantee.did === ACTOR_DID)) &&
      !c.revoked &&
      c.periodStartMs <= NOW &&
      NOW < c.periodEndMs &&
      c.purpose === 'treatment' &&
      c.categories.includes(r.category) &&
      r.level <= c.maxLevel,
  );
}

const category = fc.constantFrom(...DATA_CATEGORIES);
const level = fc.constantFrom<Level>(1, 2, 3, 4);
const org = fc.constantFrom(...ORGS);
const department = fc.constantFrom('cardiology', 'er');

const actor = fc
  .record({
    mspId: org,
    registered: fc.boolean(),
    frozen: fc.boolean(),
    active: fc.boolean(),
    role: fc.constantFrom(...ROLES, null),
    department,
  })
  .map((g): ActorFacts => ({
    did: ACTOR_DID,
    orgKind: orgKindOf(g.mspId),
    ...g,
    active: g.active && !g.frozen,
  }));

const consent = fc
  .record({
    id: fc.integer({ min: 0, max: 9 }),
    grantee: fc.oneof(
      org.map((mspId) => ({ kind: 'org' as const, mspId })),
      fc.constantFrom(ACTOR_DID, 'did:medledger:x:other').map((did) => ({ kind: 'staff' as const, did })),
      fc.constant({ kind: 'study' as const, studyId: 'study-1' }),
    ),
    categories: fc.uniqueArray(category, { minLength: 1, maxLength: 3 }),
    maxLevel: level,
    purpose: fc.constantFrom('treatment' as const, 'research' as const, 'emergency' as const),
    startDays: fc.integer({ min: -5, max: 2 }),
    endDays: fc.integer({ min: -2, max: 30 }),
    revoked: fc.boolean(),
  })
  .map((g): ConsentFacts => ({
    consentId: String(g.id).padStart(64, '0'),
    grantee: g.grantee,
    categories: g.categories,
    maxLevel: g.maxLevel,
    purpose: g.purpose,
    periodStartMs: NOW + g.startDays * DAY,
    periodEndMs: NOW + g.endDays * DAY,
    revoked: g.revoked,
    readsLeft: null,
  }));

// Only hospitals anchor records (RecordContract refuses any other org kind).
const record = fc.record({
  custodian: fc.constantFrom('Hospital1MSP', 'Hospital2MSP'),
  department,
  category,
  level,
});

void describe('listing policy', () => {
  void it('when any actor, record and set of consents are decided, then a clinician listing shows exactly what the oracle allows', () => {
    fc.assert(
      fc.property(actor, record, fc.array(consent, { maxLength: 4 }), (a, r, cs) => {
        assert.equal(listsRecord(a, r, cs, NOW), oracle(a, r, cs));
      }),
      { numRuns: 5000 },
    );
  });

  void it('when any actor opens a listing, then only registered active hospital clinicians, or a patient signature, open it', () => {
    fc.assert(
      fc.property(actor, fc.boolean(), (a, signed) => {
        const d = decideListing(a, signed);
        const clinician = a.orgKind === 'hospital' && ['attending', 'intern', 'nurse'].includes(a.role ?? '');
        const expected = a.registered && a.active && (signed || clinician);
        assert.equal(d.outcome === 'granted', expected);
        if (a.registered && a.frozen) assert.equal(d.reason, 'FROZEN');
      }),
      { numRuns: 2000 },
    );
  });
});

/**
 * The oracle of an emergency listing, from docs/patients.md (emergency listing) independently of the
 * access table: a registered, active attending or intern of a hospital sees a record exactly when the
 * patient signed a profile holding its category, and level 4 only at their own hospital.
 */
function emergencyOracle(
  a: ActorFacts,
  r: { custodian: string; category: DataCategory; level: Level },
  profile: EmergencyProfile | null,
): boolean {
  if (profile === null || !a.registered || !a.active || a.orgKind !== 'hospital') return false;
  if (a.role !== 'attending' && a.role !== 'intern') return false;
  if (!profile.categories.includes(r.category)) return false;
  return r.level < 4 || a.mspId === r.custodian;
}

const profile = fc.option(
  fc.record({
    categories: fc.uniqueArray(category, { maxLength: 4 }),
    beyondProfile: fc.constantFrom('co_signed' as const, 'never' as const),
  }),
  { nil: null },
);
const reason = fc.constantFrom(...BREAK_GLASS_REASONS);

void describe('emergency listing policy', () => {
  void it('when any actor, record and profile are decided, then an emergency listing shows exactly what the oracle allows', () => {
    fc.assert(
      fc.property(actor, record, profile, reason, (a, r, p, why) => {
        assert.equal(listsEmergencyRecord(a, r, p, why, NOW), emergencyOracle(a, r, p));
      }),
      { numRuns: 5000 },
    );
  });

  void it('when an emergency listing shows a record, then its category is in the profile, and without a profile it shows nothing', () => {
    fc.assert(
      fc.property(actor, fc.array(record, { maxLength: 8 }), profile, reason, (a, rs, p, why) => {
        const shown = rs.filter((r) => listsEmergencyRecord(a, r, p, why, NOW));
        for (const r of shown) assert.ok(p?.categories.includes(r.category));
        assert.deepEqual(
          rs.filter((r) => listsEmergencyRecord(a, r, null, why, NOW)),
          [],
        );
      }),
      { numRuns: 2000 },
    );
  });

  void it('when any actor opens an emergency listing, then only a registered active hospital doctor of a patient with a profile opens it', () => {
    fc.assert(
      fc.property(actor, fc.boolean(), (a, hasProfile) => {
        const d = decideListing(a, false, { hasProfile });
        const doctor = a.orgKind === 'hospital' && ['attending', 'intern'].includes(a.role ?? '');
        assert.equal(d.outcome === 'granted', a.registered && a.active && doctor && hasProfile);
        if (d.outcome === 'granted') assert.equal(d.reason, 'BREAK_GLASS');
        if (a.registered && a.active && doctor && !hasProfile) assert.equal(d.reason, 'NO_EMERGENCY_PROFILE');
      }),
      { numRuns: 2000 },
    );
  });
});
