import assert from 'node:assert/strict';
import { it } from 'node:test';

import { appErrorWith } from '../../testing/fixtures';
import { PATIENT_A, H1, H2, H3, SCENARIO_NOW, auditor, h2, describeOnScenario } from '../../testing/scenario';
import { complianceReportCsv } from './csv';

describeOnScenario('compliance report', (scenario) => {
  it('when the regulator asks for the compliance report, then it has the known answers', async () => {
    const { service, ids } = scenario();
    const r = await service.complianceReport(
      auditor,
      '2025-03-01T00:00:00Z',
      '2025-03-11T00:00:00Z',
      SCENARIO_NOW,
    );
    assert.deepEqual(r.totals, { accesses: 53, granted: 46, denied: 7 });
    assert.deepEqual(r.denialsByReason, [
      { reason: 'NO_CONSENT', count: 6 },
      { reason: 'CONSENT_EXPIRED', count: 1 },
    ]);
    assert.deepEqual(
      r.breakGlass.map((c) => [c.eventId, c.state]),
      [
        [ids['bg1'], 'overdue'],
        [ids['bg2'], 'pending'],
        [ids['bg3'], 'unjustified'],
      ],
    );
    assert.deepEqual(r.breakGlassCounts, { overdue: 1, pending: 1, justified: 0, unjustified: 1 });
    // The custodian found bg3 justified; the regulator reviewed again and its verdict stands.
    assert.deepEqual(
      [r.breakGlass[2]?.review?.byRegulator, r.breakGlass[2]?.review?.suspended],
      [true, true],
    );
    assert.equal(r.breakGlass[0]?.reviewDeadline, '2025-03-08T03:00:00.000Z');
    assert.deepEqual(r.accessesByPurposeAndOrg, [
      { purpose: 'emergency', org: H2, granted: 3, denied: 0 },
      { purpose: 'treatment', org: H1, granted: 41, denied: 0 },
      { purpose: 'treatment', org: H2, granted: 1, denied: 7 },
      { purpose: 'treatment', org: H3, granted: 1, denied: 0 },
    ]);
    // Hospital3's consent is id-only here: its org, not its patient or grantee.
    assert.deepEqual(
      r.consentsExpiringSoon.map((c) => [c.consentId, c.granteeOrg, c.patientDid, c.grantee]),
      [
        [ids['c4'], H3, null, null],
        [ids['c1'], H2, PATIENT_A, `org:${H2}`],
      ],
    );
    assert.deepEqual(
      r.recordsHeldForReview.map((h) => [h.recordId, h.version]),
      [['rec-b1', 1]],
    );
    assert.deepEqual(
      r.erasures.map((e) => [e.recordId, e.versions, e.reason, e.staged, e.txId]),
      [
        ['rec-old', [1, 2], 'patient_request', false, ids['erasure']],
        ['rec-abandoned', [1], 'data_error', true, ids['purge']],
      ],
    );
    const csv = complianceReportCsv(r);
    assert.match(csv, /^# report\r\nfrom,to,generatedAt/);
    assert.match(csv, /\r\noverdue,[0-9a-f]{64},2025-03-05T03:00:00Z,/);
    assert.match(csv, /\r\nrec-old,1 2,Hospital1MSP,patient_request,false,/);
    assert.match(csv, /\r\n[0-9a-f]{64},Hospital3MSP,,,2025-03-12T00:00:00Z,/);
    const scoped = await service.complianceReport(
      h2,
      '2025-03-01T00:00:00Z',
      '2025-03-11T00:00:00Z',
      SCENARIO_NOW,
    );
    assert.equal(scoped.totals.accesses, 11);
    assert.equal(scoped.recordsHeldForReview.length, 0);
    assert.deepEqual(
      scoped.consentsExpiringSoon.map((c) => c.consentId),
      [ids['c1']],
    );
    await assert.rejects(
      service.complianceReport(
        { kind: 'patient', patientDid: PATIENT_A },
        '2025-03-01T00:00:00Z',
        '2025-03-11T00:00:00Z',
        SCENARIO_NOW,
      ),
      appErrorWith('FORBIDDEN'),
    );
    await assert.rejects(
      service.complianceReport(auditor, '2025-03-11T00:00:00Z', '2025-03-01T00:00:00Z', SCENARIO_NOW),
      appErrorWith('VALIDATION_FAILED'),
    );
  });
});

describeOnScenario('compliance report: freezes', (scenario) => {
  it('when the report is asked for, then it lists the freezes active now first and those made in the range, each viewer its own', async () => {
    const { service, ids } = scenario();
    const range = ['2025-03-01T00:00:00Z', '2025-03-11T00:00:00Z'] as const;
    const r = await service.complianceReport(auditor, ...range, SCENARIO_NOW);
    // The freeze lifted before the range is left out.
    assert.deepEqual(
      r.freezes.map((f) => [f.freezeId, f.subject, f.status, f.liftedAt]),
      [
        [ids['freezeDoc3'], 'did:medledger:hospital2:doc3', 'active', null],
        [ids['freezeH3'], H3, 'lifted', '2025-03-09T13:00:00Z'],
      ],
    );
    assert.match(complianceReportCsv(r), /\r\n# freezes\r\nfreezeId,subjectKind,subject,org,reason,/);
    // A hospital sees the freezes of its own org and staff only.
    const scoped = await service.complianceReport(h2, ...range, SCENARIO_NOW);
    assert.deepEqual(
      scoped.freezes.map((f) => f.freezeId),
      [ids['freezeDoc3']],
    );
  });
});
