import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { DATA_CATEGORIES, orgKindOf, ROLES, type DataCategory, type Level } from '@medledger/domain';
import type { ActorFacts, ConsentFacts } from './access-policy';
import { decideListing, listsRecord } from './listing-policy';

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
