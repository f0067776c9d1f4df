import assert from 'node:assert/strict';
import { it } from 'node:test';

import { appErrorWith } from '../testing/fixtures';
import {
  PATIENT_A,
  PATIENT_B,
  PATIENT_C,
  H1,
  H2,
  auditor,
  h1,
  describeOnScenario,
} from '../testing/scenario';
import type { AccessLogEntry, Viewer } from './views';

describeOnScenario('access log', (scenario) => {
  it('when a patient reads their access log, then it lists who, which org, when, why and on which basis, newest first', async () => {
    const { service, ids } = scenario();
    const patient: Viewer = { kind: 'patient', patientDid: PATIENT_A };
    const seen = [];
    let cursor: string | undefined;
    do {
      const page = await service.accessLog(patient, PATIENT_A, cursor, 2);
      seen.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    assert.deepEqual(
      seen.map((e) => e.eventId),
      ['e2', 'e1', 'nurse', 'bg1', 'bg3'].map((n) => ids[n]),
    );
    const [e2, e1, , bg1, bg3] = seen as (AccessLogEntry | undefined)[];
    assert.equal(e2?.basis, 'consent');
    assert.equal(e2.consentId, ids['c1']);
    assert.equal(e2.actorOrg, H2);
    assert.equal(e1?.basis, 'custodian_treatment');
    assert.equal(bg1?.basis, 'break_glass');
    assert.equal(bg1.breakGlassReview, null);
    // The custodian found bg3 justified, the regulator then unjustified: the regulator's verdict stands.
    assert.deepEqual(
      [bg3?.breakGlassReview?.outcome, bg3?.breakGlassReview?.byRegulator, bg3?.breakGlassReview?.suspended],
      ['unjustified', true, true],
    );
    for (const e of seen) {
      assert.equal(e.txId, e.eventId);
      assert.ok(Number.isInteger(e.blockNumber) && e.blockNumber >= 5);
    }
  });

  it("when an access's sealed facts were not read here (another custodian's record), then it is in no patient's log", async () => {
    const { service, ids } = scenario();
    const patient: Viewer = { kind: 'patient', patientDid: PATIENT_C };
    const page = await service.accessLog(patient, PATIENT_C, undefined, 100);
    assert.ok(page.items.length > 0);
    assert.equal(
      page.items.some((e) => e.eventId === ids['e9']),
      false,
    );
    const all = await service.queryAudit(auditor, { recordId: 'rec-c9' });
    assert.deepEqual(
      all.items.map((e) => [e.eventId, e.patientDid, e.consentId]),
      [[ids['e9'], null, null]],
    );
  });

  it('when anyone but the patient asks for a patient access log, then it is refused', async () => {
    const { service } = scenario();
    await assert.rejects(
      service.accessLog({ kind: 'patient', patientDid: PATIENT_B }, PATIENT_A),
      appErrorWith('FORBIDDEN'),
    );
    await assert.rejects(service.accessLog(auditor, PATIENT_A), appErrorWith('FORBIDDEN'));
    await assert.rejects(service.accessLog(h1, PATIENT_A), appErrorWith('FORBIDDEN'));
    await assert.rejects(
      service.queryAudit({ kind: 'patient', patientDid: PATIENT_A }, {}),
      appErrorWith('FORBIDDEN'),
    );
  });

  it('issue 12 hole 7: when a patient key was registered, rotated and recovered, then every change is in their access log, newest first, with the org that relayed it, on every page', async () => {
    const { service, ids } = scenario();
    const patient: Viewer = { kind: 'patient', patientDid: PATIENT_A };
    const first = await service.accessLog(patient, PATIENT_A, undefined, 2);
    assert.deepEqual(
      first.keyChanges.map((k) => [k.txId, k.keyId, k.change, k.relayedBy]),
      [
        [ids['keyA3'], `${PATIENT_A}#key-3`, 'recovered', H2],
        [ids['keyA2'], `${PATIENT_A}#key-2`, 'rotated', H1],
        [ids['keyA1'], `${PATIENT_A}#key-1`, 'registered', H1],
      ],
    );
    assert.ok(first.keyChanges.every((k) => Number.isInteger(k.blockNumber) && k.blockNumber >= 5));
    const second = await service.accessLog(patient, PATIENT_A, first.nextCursor ?? undefined, 2);
    assert.deepEqual(second.keyChanges, first.keyChanges);
    const other = await service.accessLog({ kind: 'patient', patientDid: PATIENT_B }, PATIENT_B);
    assert.deepEqual(
      other.keyChanges.map((k) => [k.keyId, k.change]),
      [[`${PATIENT_B}#key-1`, 'registered']],
    );
  });
});
