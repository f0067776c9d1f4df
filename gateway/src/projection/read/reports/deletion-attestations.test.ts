import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, it } from 'node:test';

import { describeEachBackend } from '../../testing/backends';
import { projectEvents } from '../../testing/scenario';
import { LedgerBuilder, accessEvent, ownTreatmentAccess } from '../../testing/fixtures';
import type { SourceEvent } from '../../write/source';
import { ProjectionStore } from '../../write/store';
import { ProjectionService } from '../service';
import { complianceReportCsv } from './csv';

const H1 = 'Hospital1MSP';
const H2 = 'Hospital2MSP';
const RESEARCH = 'ResearchMSP';
const PATIENT = 'did:medledger:patient:keepuntil';
const NOW = new Date('2025-06-10T12:00:00.000Z');
const FROM = '2025-06-01T00:00:00Z';
const TO = '2025-06-10T00:00:00Z';

/**
 * Consents with a keep-until date: `read` (Hospital2, read, never attested: overdue), `attested`
 * (Hospital2, read, attested late), `unread` (Hospital2, only a denied access: nothing to delete),
 * `study` (the research institute, a research access: overdue), `future` (Hospital2, read, not due
 * yet), `revoked` (Hospital2, read then revoked: the copies still have to go), `plain` (no keep-until).
 */
function events(run: string): { events: SourceEvent[]; ids: Record<string, string> } {
  const b = new LedgerBuilder({ salt: `deletion-attestations-${run}` });
  const out: SourceEvent[] = [];
  const ids: Record<string, string> = {};
  const consent = (name: string, granteeOrg: string, keepUntil: string | null) => {
    ids[name] = b.peekTxId();
    const body = { consentId: ids[name], granteeOrg, periodEnd: '2025-12-31T00:00:00.000Z', keepUntil };
    const sealed = { kind: 'consent', patientDid: PATIENT, grantee: `org:${granteeOrg}` } as const;
    out.push(b.event('ConsentGranted', body, '2025-05-01T08:00:00Z', undefined, sealed));
    b.nextBlock();
  };
  const readUnder = (name: string, actorMsp: string, outcome: 'granted' | 'denied' = 'granted') => {
    const eventId = b.peekTxId();
    const body = {
      ...ownTreatmentAccess(PATIENT),
      actorDid: `did:medledger:${actorMsp}:reader`,
      actorMsp,
      purpose: actorMsp === RESEARCH ? ('research' as const) : ('treatment' as const),
      reason: outcome === 'granted' ? ('CONSENT' as const) : ('NO_CONSENT' as const),
      outcome,
      consentId: ids[name] ?? null,
      eventId,
    };
    out.push(accessEvent(b, body, '2025-05-02T08:00:00Z'));
    b.nextBlock();
  };
  const attest = (name: string, granteeOrg: string, txTime: string, late: boolean) => {
    const body = {
      consentId: ids[name] ?? '',
      granteeOrg,
      attestedBy: `did:medledger:${granteeOrg}:adm`,
      late,
    };
    out.push(b.event('DeletionAttested', body, txTime));
    b.nextBlock();
  };
  consent('read', H2, '2025-06-05T00:00:00.000Z');
  consent('attested', H2, '2025-06-06T00:00:00.000Z');
  consent('unread', H2, '2025-06-04T00:00:00.000Z');
  consent('study', RESEARCH, '2025-06-07T00:00:00.000Z');
  consent('future', H2, '2025-06-20T00:00:00.000Z');
  consent('revoked', H2, '2025-06-08T00:00:00.000Z');
  consent('plain', H2, null);
  for (const name of ['read', 'attested', 'future', 'revoked', 'plain']) readUnder(name, H2);
  readUnder('unread', H2, 'denied');
  readUnder('study', RESEARCH);
  out.push(
    b.event('ConsentRevoked', { consentId: ids['revoked'] ?? '', granteeOrg: H2 }, '2025-05-03T08:00:00Z'),
  );
  b.nextBlock();
  // An attestation event naming another org than the consent's grantee attests nothing.
  attest('read', H1, '2025-06-02T08:00:00Z', false);
  attest('attested', H2, '2025-06-06T10:00:00Z', true);
  return { events: out, ids };
}

describeEachBackend('compliance report: deletion attestations', (backend) => {
  let store: ProjectionStore | undefined;
  let service: ProjectionService;
  let ids: Record<string, string> = {};
  before(async () => {
    const script = events(randomBytes(4).toString('hex'));
    ids = script.ids;
    ({ store, service } = await projectEvents(backend, script.events));
  });
  after(async () => {
    await store?.close();
  });

  it('when grantees read under consents past keep-until without attesting, then the regulator report lists them overdue, oldest first, with the counts of the range', async () => {
    const r = await service.complianceReport({ kind: 'auditor' }, FROM, TO, NOW);
    assert.deepEqual(r.deletionAttestations, {
      overdue: [
        { consentId: ids['read'], grantee: H2, keepUntil: '2025-06-05T00:00:00.000Z', overdueHours: 132 },
        {
          consentId: ids['study'],
          grantee: RESEARCH,
          keepUntil: '2025-06-07T00:00:00.000Z',
          overdueHours: 84,
        },
        { consentId: ids['revoked'], grantee: H2, keepUntil: '2025-06-08T00:00:00.000Z', overdueHours: 60 },
      ],
      attestedInRange: 1,
      dueInRange: 4,
    });
    assert.deepEqual(r.truncated, []);
  });

  it('when a hospital admin asks, then only consents granted to its own org are in its report', async () => {
    const h2 = await service.complianceReport({ kind: 'hospital', mspId: H2 }, FROM, TO, NOW);
    assert.deepEqual(
      h2.deletionAttestations.overdue.map((o) => o.consentId),
      [ids['read'], ids['revoked']],
    );
    assert.deepEqual([h2.deletionAttestations.attestedInRange, h2.deletionAttestations.dueInRange], [1, 3]);
    const h1 = await service.complianceReport({ kind: 'hospital', mspId: H1 }, FROM, TO, NOW);
    assert.deepEqual(h1.deletionAttestations, { overdue: [], attestedInRange: 0, dueInRange: 0 });
  });

  it('when the range ends before the attestation, then it is not counted, and the overdue list is cut at the row limit', async () => {
    const early = await service.complianceReport({ kind: 'auditor' }, FROM, '2025-06-06T00:00:00Z', NOW);
    assert.deepEqual(
      [early.deletionAttestations.attestedInRange, early.deletionAttestations.dueInRange],
      [0, 1],
    );
    const capped = new ProjectionService(store?.driver ?? assert.fail('no store'), {
      cursorKey: randomBytes(32),
      reportMaxRows: 2,
    });
    const r = await capped.complianceReport({ kind: 'auditor' }, FROM, TO, NOW);
    assert.equal(r.deletionAttestations.overdue.length, 2);
    assert.deepEqual(r.truncated, ['deletionAttestations']);
  });

  it('when the report is exported as CSV, then the counts and every overdue consent are in it', async () => {
    const csv = complianceReportCsv(await service.complianceReport({ kind: 'auditor' }, FROM, TO, NOW));
    assert.ok(csv.includes('# deletion attestations\r\nattestedInRange,dueInRange\r\n1,4\r\n'));
    assert.ok(
      csv.includes(
        `# deletion attestations overdue\r\nconsentId,grantee,keepUntil,overdueHours\r\n${ids['read'] ?? ''},${H2},2025-06-05T00:00:00.000Z,132\r\n`,
      ),
    );
  });
});
