import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Freeze, Incident, IncidentReceipt } from '@medledger/domain';
import type { FakeSigner } from './testing/fake-identity';
import { accessRecord, anchor } from './testing/fixtures';
import { Harness, orgAdmin, registerPatient, registerStaff, type TestPatient } from './testing/harness';

interface World {
  h: Harness;
  auditor: FakeSigner;
  doctor: FakeSigner;
  patient: TestPatient;
}

async function world(): Promise<World> {
  const h = new Harness();
  const auditor = await registerStaff(h, 'RegulatorMSP', 'auditor', null);
  const doctor = await registerStaff(h, 'Hospital1MSP', 'attending');
  const patient = await registerPatient(h);
  return { h, auditor, doctor, patient };
}

/** Submits an incident transaction with its transient `incident`; answers the receipt. */
async function act(w: World, who: FakeSigner, name: string, incident: Record<string, unknown>) {
  const { result, tx } = await w.h.submit<IncidentReceipt>(
    who,
    `incident:${name}`,
    {},
    { transient: { incident } },
  );
  assert.equal(tx.status, 'VALID');
  return result;
}

async function open(w: World, orgs: string[] = ['Hospital1MSP']): Promise<string> {
  const receipt = await act(w, w.auditor, 'OpenIncident', { category: 'data_leak', severity: 'high', orgs });
  assert.deepEqual([receipt.version, receipt.status], [1, 'open']);
  return receipt.incidentId;
}

const get = (w: World, who: FakeSigner, incidentId: string) =>
  w.h.evaluate<Incident>(who, 'incident:GetIncident', { incidentId });

void describe('IncidentContract: the response, step by step', () => {
  void it('when a regulator auditor opens an incident, links an access decision, a record version and a freeze, records steps and closes it, then the incident holds each with its tx time', async () => {
    const w = await world();
    const { anchor: record } = await anchor(w.h, w.doctor, w.patient);
    const decision = await accessRecord(w.h, w.doctor, record, { purpose: 'treatment' });
    const incidentId = await open(w);
    const { result: freeze } = await w.h.submit<Freeze>(w.auditor, 'freeze:FreezeAccess', {
      subject: { kind: 'person', did: `did:medledger:hospital1:${w.doctor.cn}` },
      reason: 'data_leak',
      incidentId,
    });
    await act(w, w.auditor, 'LinkIncidentEvents', {
      incidentId,
      links: [
        { kind: 'audit_event', eventId: decision.accessId, custodian: 'Hospital1MSP' },
        { kind: 'record_version', custodian: 'Hospital1MSP', recordId: record.recordId, version: 1 },
        { kind: 'freeze', freezeId: freeze.freezeId },
      ],
    });
    await act(w, w.auditor, 'RecordIncidentStep', { incidentId, step: 'contain' });
    await act(w, w.auditor, 'RecordIncidentStep', {
      incidentId,
      step: 'notify_custodian',
      documentHash: 'ab'.repeat(32),
    });
    const closed = await act(w, w.auditor, 'CloseIncident', { incidentId, finding: 'breach_confirmed' });
    assert.deepEqual([closed.version, closed.status], [5, 'closed']);
    const incident = await get(w, w.auditor, incidentId);
    assert.deepEqual(
      incident.links.map((l) => [l.link.kind, l.txId]),
      [
        ['audit_event', decision.accessId],
        ['record_version', record.txId],
        ['freeze', freeze.freezeId],
      ],
    );
    assert.deepEqual(
      incident.steps.map((s) => s.step),
      ['contain', 'notify_custodian'],
    );
    const [contain, notify] = incident.steps;
    assert.ok(contain && notify && contain.at < notify.at, 'steps carry their own tx times');
    assert.deepEqual(
      [incident.finding, incident.closedBy],
      ['breach_confirmed', `did:medledger:regulator:${w.auditor.cn}`],
    );
    assert.deepEqual(incident.orgs, ['Hospital1MSP']);
  });

  void it('when incident transactions commit, then their blocks name neither the patient nor the orgs concerned (transient in, ids out)', async () => {
    const w = await world();
    const { anchor: record } = await anchor(w.h, w.doctor, w.patient);
    const decision = await accessRecord(w.h, w.doctor, record, { purpose: 'treatment' });
    const before = w.h.ledger.blocks.length;
    const incidentId = await open(w, ['Hospital2MSP']);
    await act(w, w.auditor, 'LinkIncidentEvents', {
      incidentId,
      links: [{ kind: 'audit_event', eventId: decision.accessId, custodian: 'Hospital1MSP' }],
    });
    const blocks = JSON.stringify(w.h.ledger.blocks.slice(before));
    for (const secret of [w.patient.did, 'Hospital1MSP', 'Hospital2MSP', 'data_leak', decision.accessId]) {
      assert.ok(!blocks.includes(secret), `${secret} is not in the blocks`);
    }
  });

  void it('when an incident is closed, then nothing is added and it is not closed twice', async () => {
    const w = await world();
    const incidentId = await open(w);
    await act(w, w.auditor, 'CloseIncident', { incidentId, finding: 'no_breach' });
    const incident = { transient: { incident: { incidentId, step: 'recover' } } };
    await assert.rejects(w.h.submit(w.auditor, 'incident:RecordIncidentStep', {}, incident), /\[CONFLICT\]/);
    const close = { transient: { incident: { incidentId, finding: 'no_breach' } } };
    await assert.rejects(w.h.submit(w.auditor, 'incident:CloseIncident', {}, close), /\[CONFLICT\]/);
  });
});

void describe('IncidentContract: forged links and who may act', () => {
  void it('when a link names an event that does not exist, another custodian, a version never anchored or an unknown freeze, then NOT_FOUND and nothing is linked', async () => {
    const w = await world();
    const { anchor: record } = await anchor(w.h, w.doctor, w.patient);
    const decision = await accessRecord(w.h, w.doctor, record, { purpose: 'treatment' });
    const incidentId = await open(w);
    const forged = [
      { kind: 'audit_event', eventId: 'cd'.repeat(32), custodian: 'Hospital1MSP' },
      { kind: 'audit_event', eventId: decision.accessId, custodian: 'Hospital2MSP' },
      { kind: 'record_version', custodian: 'Hospital1MSP', recordId: record.recordId, version: 2 },
      { kind: 'freeze', freezeId: 'ef'.repeat(32) },
    ];
    for (const link of forged) {
      await assert.rejects(
        w.h.submit(
          w.auditor,
          'incident:LinkIncidentEvents',
          {},
          { transient: { incident: { incidentId, links: [link] } } },
        ),
        /\[NOT_FOUND\]/,
      );
    }
    assert.deepEqual((await get(w, w.auditor, incidentId)).links, []);
  });

  void it('when a hospital admin, a doctor or a researcher opens, links or closes an incident, then it is FORBIDDEN', async () => {
    const w = await world();
    const incidentId = await open(w);
    const researcher = await registerStaff(w.h, 'ResearchMSP', 'researcher', null);
    for (const who of [orgAdmin('Hospital1MSP'), w.doctor, researcher, orgAdmin('RegulatorMSP')]) {
      const tries: [string, Record<string, unknown>][] = [
        ['OpenIncident', { category: 'data_leak', severity: 'low' }],
        ['RecordIncidentStep', { incidentId, step: 'contain' }],
        ['CloseIncident', { incidentId, finding: 'no_breach' }],
      ];
      for (const [name, incident] of tries) {
        await assert.rejects(
          w.h.submit(who, `incident:${name}`, {}, { transient: { incident } }),
          /\[FORBIDDEN\]/,
        );
      }
    }
  });

  void it('when a freeze names an incident that does not exist, then NOT_FOUND', async () => {
    const w = await world();
    await assert.rejects(
      w.h.submit(w.auditor, 'freeze:FreezeAccess', {
        subject: { kind: 'org', mspId: 'Hospital2MSP' },
        reason: 'incident_investigation',
        incidentId: '12'.repeat(32),
      }),
      /\[NOT_FOUND\]/,
    );
  });
});

void describe('IncidentContract: hospitals see what concerns them only', () => {
  void it('when admins read incidents, then a concerned org sees its own links only, another org none, and other staff are refused', async () => {
    const w = await world();
    const other = await registerStaff(w.h, 'Hospital2MSP', 'attending', 'cardiology');
    const patient2 = await registerPatient(w.h, 'Hospital2MSP');
    const { anchor: mine } = await anchor(w.h, w.doctor, w.patient);
    const { anchor: theirs } = await anchor(w.h, other, patient2);
    const incidentId = await open(w, ['Hospital1MSP']);
    await act(w, w.auditor, 'LinkIncidentEvents', {
      incidentId,
      links: [
        { kind: 'record_version', custodian: 'Hospital1MSP', recordId: mine.recordId, version: 1 },
        { kind: 'record_version', custodian: 'Hospital2MSP', recordId: theirs.recordId, version: 1 },
      ],
    });
    assert.deepEqual((await get(w, w.auditor, incidentId)).orgs, ['Hospital1MSP', 'Hospital2MSP']);
    const h1 = await get(w, orgAdmin('Hospital1MSP'), incidentId);
    assert.deepEqual(
      [h1.orgs, h1.links.map((l) => l.link)],
      [
        ['Hospital1MSP'],
        [{ kind: 'record_version', custodian: 'Hospital1MSP', recordId: mine.recordId, version: 1 }],
      ],
    );
    const h2 = await get(w, orgAdmin('Hospital2MSP'), incidentId);
    assert.deepEqual(
      h2.links.map((l) => l.txId),
      [theirs.txId],
    );
    await assert.rejects(get(w, orgAdmin('ResearchMSP'), incidentId), /\[NOT_FOUND\]/);
    const list = await w.h.evaluate<{ items: Incident[] }>(
      orgAdmin('ResearchMSP'),
      'incident:ListIncidents',
      {},
    );
    assert.deepEqual(list.items, []);
    await assert.rejects(get(w, w.doctor, incidentId), /\[FORBIDDEN\]/);
    // No other peer holds incidents: asked there, the chaincode refuses rather than answer nothing.
    await assert.rejects(
      w.h.evaluate(w.auditor, 'incident:GetIncident', { incidentId }, { peer: 'Hospital1MSP' }),
      /\[FORBIDDEN\]/,
    );
  });

  void it('when the regulator lists incidents, then open ones come by default and closed ones on request', async () => {
    const w = await world();
    const first = await open(w);
    const second = await open(w, ['Hospital2MSP']);
    await act(w, w.auditor, 'CloseIncident', { incidentId: first, finding: 'inconclusive' });
    const list = (status?: string) =>
      w.h.evaluate<{ items: Incident[] }>(w.auditor, 'incident:ListIncidents', status ? { status } : {});
    assert.deepEqual(
      (await list()).items.map((i) => i.incidentId),
      [second],
    );
    assert.deepEqual(
      (await list('closed')).items.map((i) => i.incidentId),
      [first],
    );
    assert.deepEqual(
      (await list('all')).items.map((i) => i.incidentId),
      [second, first],
    );
  });
});
