import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { it } from 'node:test';

import { describeEachBackend } from '../../testing/backends';
import {
  LedgerBuilder,
  accessEvent,
  breakGlassAccessBody,
  emergencyListingBody,
  type AccessBody,
  type EventBody,
} from '../../testing/fixtures';
import { projectEvents } from '../../testing/scenario';
import type { SourceEvent } from '../../write/source';
import type { Viewer } from '../views';
import { complianceReportCsv } from './csv';

const H1 = 'Hospital1MSP';
const H2 = 'Hospital2MSP';
const auditor: Viewer = { kind: 'auditor' };
const FROM = '2025-06-01T00:00:00Z';
const TO = '2025-06-10T00:00:00Z';
const NOW = new Date('2025-06-05T12:00:00Z');

/** Ids of this run's people and patient, so no two runs share them. */
function people() {
  const tag = randomBytes(3).toString('hex');
  return {
    requester: `did:medledger:hospital2:req-${tag}`,
    coSigner: `did:medledger:hospital2:cosign-${tag}`,
    lone: `did:medledger:hospital2:lone-${tag}`,
    lister: `did:medledger:hospital2:lister-${tag}`,
    patient: `did:medledger:patient:p${tag}`,
  };
}

function breakGlassAccess(p: ReturnType<typeof people>, changes: Partial<AccessBody>): AccessBody {
  return { ...breakGlassAccessBody(p.lone, p.patient), ...changes };
}

function listing(
  b: LedgerBuilder,
  body: Omit<EventBody<'RecordListingOpened'>, 'listingId'>,
  txTime: string,
  sealed?: { patientDid: string; categories: string[] | null },
): { id: string; event: SourceEvent } {
  const id = b.peekTxId();
  const event = b.event(
    'RecordListingOpened',
    { listingId: id, ...body },
    txTime,
    id,
    sealed && { kind: 'listing', ...sealed },
  );
  b.nextBlock();
  return { id, event };
}

/**
 * One doctor's break-glass access, one co-signed beyond the profile, and emergency listings: granted
 * with its sealed facts, granted id-only (another org's gateway), refused for want of a profile, and a
 * patient's own listing; the first granted listing is reviewed by the regulator.
 */
function ledger(p: ReturnType<typeof people>) {
  const b = new LedgerBuilder({ salt: `emergency-review-${p.patient}` });
  const events: SourceEvent[] = [];
  const ids: Record<string, string> = {};
  const access = (name: string, time: string, changes: Partial<AccessBody>) => {
    ids[name] = b.peekTxId();
    events.push(accessEvent(b, { ...breakGlassAccess(p, changes), eventId: ids[name] }, time));
    b.nextBlock();
  };
  access('alone', '2025-06-01T10:00:00Z', {});
  access('cosigned', '2025-06-04T10:00:00Z', {
    actorDid: p.requester,
    recordId: 'rec-diagnosis',
    reason: 'BREAK_GLASS_COSIGNED',
    breakGlassReason: 'life_threatening',
    coSignedBy: p.coSigner,
    coSignerMsp: H2,
  });
  const emergency = emergencyListingBody(p.lister);
  const sealed = { patientDid: p.patient, categories: ['allergy', 'medication'] };
  const reviewed = listing(b, emergency, '2025-06-01T09:00:00Z', sealed);
  const overdue = listing(b, emergency, '2025-06-01T11:00:00Z', sealed);
  const idOnly = listing(b, { ...emergency, breakGlassReason: 'other_emergency' }, '2025-06-05T08:00:00Z');
  const refused = listing(
    b,
    { ...emergency, outcome: 'denied', reason: 'NO_EMERGENCY_PROFILE' },
    '2025-06-05T09:00:00Z',
    { patientDid: p.patient, categories: null },
  );
  const own = listing(
    b,
    { ...emergency, mode: 'patient', reason: 'PATIENT_SIGNED', breakGlassReason: null },
    '2025-06-05T10:00:00Z',
    { patientDid: p.patient, categories: null },
  );
  for (const l of [reviewed, overdue, idOnly, refused, own]) events.push(l.event);
  events.push(
    b.event(
      'BreakGlassReviewed',
      {
        accessId: reviewed.id,
        kind: 'emergency_listing',
        recordId: null,
        custodian: H2,
        actorDid: p.lister,
        outcome: 'justified',
        reviewedBy: 'did:medledger:regulator:aud1',
        byRegulator: true,
        suspended: false,
      },
      '2025-06-02T09:00:00Z',
    ),
  );
  return { events, ids, listings: { reviewed, overdue, idOnly, refused, own } };
}

describeEachBackend('the review of co-signed break-glass', (backend) => {
  it('when a break-glass access was co-signed, then its report entry names the co-signer and their org beside the reason, and one doctor alone names none', async () => {
    const p = people();
    const { events, ids } = ledger(p);
    const { store, service } = await projectEvents(backend, events);
    try {
      const r = await service.complianceReport(auditor, FROM, TO, NOW);
      const byId = new Map(r.breakGlass.map((c) => [c.eventId, c]));
      const cosigned = byId.get(ids['cosigned'] ?? '');
      assert.deepEqual(
        [cosigned?.actorDid, cosigned?.coSignedBy, cosigned?.coSignerMsp, cosigned?.breakGlassReason],
        [p.requester, p.coSigner, H2, 'life_threatening'],
      );
      const alone = byId.get(ids['alone'] ?? '');
      assert.deepEqual(
        [alone?.coSignedBy, alone?.coSignerMsp, alone?.breakGlassReason],
        [null, null, 'unconscious_patient'],
      );
      const csv = complianceReportCsv(r);
      assert.ok(
        csv.includes(
          `,${p.requester},${H2},rec-diagnosis,${p.patient},${H1},life_threatening,${p.coSigner},${H2},`,
        ),
      );
    } finally {
      await store.close();
    }
  });
});

describeEachBackend('the review of emergency listings', (backend) => {
  it("when doctors listed a patient's records in an emergency, then the report lists the granted listings with who, org, when, reason, patient and categories, reviewed like break-glass", async () => {
    const p = people();
    const { events, listings } = ledger(p);
    const { store, service } = await projectEvents(backend, events);
    try {
      const r = await service.complianceReport(auditor, FROM, TO, NOW);
      assert.deepEqual(
        r.emergencyListings.map((l) => [l.listingId, l.state]),
        [
          [listings.overdue.id, 'overdue'],
          [listings.idOnly.id, 'pending'],
          [listings.reviewed.id, 'justified'],
        ],
        'overdue first; refused and patient listings are not reviewed',
      );
      assert.deepEqual(r.emergencyListingCounts, { overdue: 1, pending: 1, justified: 1, unjustified: 0 });
      const [overdue, idOnly, reviewed] = r.emergencyListings;
      assert.deepEqual(
        [
          overdue?.actorDid,
          overdue?.actorMsp,
          overdue?.actorRole,
          overdue?.txTime,
          overdue?.breakGlassReason,
          overdue?.patientDid,
          overdue?.categories,
          overdue?.reviewDeadline,
          overdue?.txId,
        ],
        [
          p.lister,
          H2,
          'attending',
          '2025-06-01T11:00:00Z',
          'unconscious_patient',
          p.patient,
          ['allergy', 'medication'],
          '2025-06-04T11:00:00.000Z',
          listings.overdue.id,
        ],
      );
      assert.deepEqual(
        [idOnly?.patientDid, idOnly?.categories, idOnly?.breakGlassReason],
        [null, null, 'other_emergency'],
      );
      assert.deepEqual(
        [reviewed?.review?.outcome, reviewed?.review?.reviewedBy, reviewed?.review?.byRegulator],
        ['justified', 'did:medledger:regulator:aud1', true],
      );
      const csv = complianceReportCsv(r);
      assert.match(
        csv,
        /\r\n# emergency listings\r\nstate,listingId,txTime,reviewDeadline,actorDid,actorMsp,actorRole,breakGlassReason,patientDid,categories,/,
      );
      assert.ok(csv.includes(`overdue,${listings.overdue.id},2025-06-01T11:00:00Z,`));
      assert.ok(csv.includes(`,unconscious_patient,${p.patient},allergy medication,`));
    } finally {
      await store.close();
    }
  });

  it("when a hospital admin asks, then they see their own doctors' emergency listings only", async () => {
    const p = people();
    const { events } = ledger(p);
    const { store, service } = await projectEvents(backend, events);
    try {
      const own = await service.complianceReport({ kind: 'hospital', mspId: H2 }, FROM, TO, NOW);
      assert.equal(own.emergencyListings.length, 3);
      const other = await service.complianceReport({ kind: 'hospital', mspId: H1 }, FROM, TO, NOW);
      assert.deepEqual(other.emergencyListings, []);
      assert.deepEqual(other.emergencyListingCounts, {
        overdue: 0,
        pending: 0,
        justified: 0,
        unjustified: 0,
      });
    } finally {
      await store.close();
    }
  });
});

describeEachBackend('emergency listings replayed', (backend) => {
  it('when a later transaction emits a listing event with an id already projected (a forged or replayed event), then it is ignored and the projection goes on past it', async () => {
    const p = people();
    const b = new LedgerBuilder({ salt: `listing-replay-${p.patient}` });
    const first = listing(b, emergencyListingBody(p.lister), '2025-06-01T11:00:00Z', {
      patientDid: p.patient,
      categories: ['allergy'],
    });
    const replayed = b.event(
      'RecordListingOpened',
      { listingId: first.id, ...emergencyListingBody(p.lone) },
      '2025-06-01T12:00:00Z',
    );
    b.nextBlock();
    const later = listing(b, emergencyListingBody(p.lister), '2025-06-01T13:00:00Z');
    const { store, service } = await projectEvents(backend, [first.event, replayed, later.event]);
    try {
      const r = await service.complianceReport(auditor, FROM, TO, NOW);
      assert.deepEqual(
        r.emergencyListings.map((l) => [l.listingId, l.actorDid]).sort(),
        [
          [first.id, p.lister],
          [later.id, p.lister],
        ].sort(),
      );
    } finally {
      await store.close();
    }
  });
});
