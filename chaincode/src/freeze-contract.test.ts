import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  endorsingOrgs,
  transactions,
  type AccessDecision,
  type AuditEvent,
  type Freeze,
  type FreezeSubject,
} from '@medledger/domain';
import type { FakeSigner } from './testing/fake-identity';
import { accessRecord, anchor, readRecord } from './testing/fixtures';
import {
  client,
  daysFromNow,
  Harness,
  ORGS,
  orgAdmin,
  patientJws,
  registerPatient,
  registerStaff,
  uid,
  type TestPatient,
} from './testing/harness';

const staffDidOf = (s: FakeSigner): string =>
  `did:medledger:${s.mspId.replace(/MSP$/, '').toLowerCase()}:${s.cn}`;

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

async function freeze(w: World, subject: FreezeSubject, by = w.auditor): Promise<Freeze> {
  const { result, tx } = await w.h.submit<Freeze>(by, 'freeze:FreezeAccess', {
    subject,
    reason: 'data_leak',
  });
  assert.equal(tx.status, 'VALID');
  assert.equal(tx.event?.name, 'AccessFrozen');
  return result;
}

function lift(w: World, who: FakeSigner, f: Freeze, options: { endorsers?: string[] } = {}) {
  return w.h.submit<Freeze>(who, 'freeze:LiftFreeze', { freezeId: f.freezeId, org: f.org }, options);
}

function grantJws(w: World): string {
  return patientJws(w.h, w.patient, {
    typ: 'medledger.consent.grant',
    grantee: { kind: 'org', mspId: 'Hospital2MSP' },
    categories: ['diagnosis'],
    maxLevel: 3,
    purpose: 'treatment',
    periodStart: daysFromNow(w.h, -1),
    periodEnd: daysFromNow(w.h, 30),
  });
}

void describe('FreezeContract: a frozen person', () => {
  void it('when a regulator auditor freezes a doctor, then at commit their anchor, access decision, content read and consent relay are refused with FROZEN', async () => {
    const w = await world();
    const { anchor: record } = await anchor(w.h, w.doctor, w.patient);
    const before = await accessRecord(w.h, w.doctor, record, { purpose: 'treatment' });
    assert.equal(before.outcome, 'granted');
    const f = await freeze(w, { kind: 'person', did: staffDidOf(w.doctor) });
    const frozen = new RegExp(`\\[FROZEN\\] ${f.freezeId}`);
    await assert.rejects(anchor(w.h, w.doctor, w.patient), frozen);
    const decision = await accessRecord(w.h, w.doctor, record, { purpose: 'treatment' });
    assert.deepEqual([decision.outcome, decision.reason], ['denied', 'FROZEN']);
    // A grant made before the freeze is decided again at read time.
    await assert.rejects(
      readRecord(w.h, w.doctor, record, before.accessId),
      /\[ACCESS_NOT_GRANTED\]|\[FROZEN\]/,
    );
    await assert.rejects(
      w.h.submit(w.doctor, 'consent:GrantConsent', {}, { transient: { consent: { jws: grantJws(w) } } }),
      frozen,
    );
  });

  void it('when a doctor is frozen, then they still read their own freeze and a colleague of the same org still works', async () => {
    const w = await world();
    const colleague = await registerStaff(w.h, 'Hospital1MSP', 'attending');
    const f = await freeze(w, { kind: 'person', did: staffDidOf(w.doctor) });
    const mine = await w.h.evaluate<{ items: Freeze[] }>(w.doctor, 'freeze:ListFreezes', {});
    assert.deepEqual(
      mine.items.map((x) => [x.freezeId, x.reason, x.status]),
      [[f.freezeId, 'data_leak', 'active']],
    );
    const one = await w.h.evaluate<Freeze>(w.doctor, 'freeze:GetFreeze', { freezeId: f.freezeId });
    assert.equal(one.frozenBy, staffDidOf(w.auditor));
    const { anchor: record } = await anchor(w.h, colleague, w.patient);
    assert.equal(record.custodian, 'Hospital1MSP');
  });

  void it('when a frozen doctor signs with a new certificate of the same enrollment id, then it is still FROZEN; a second enrollment id is NOT_REGISTERED and they cannot register one', async () => {
    const w = await world();
    await freeze(w, { kind: 'person', did: staffDidOf(w.doctor) });
    // Freezes hold the DID, which the chaincode derives from the CN, not the certificate's serial.
    const reenrolled: FakeSigner = { ...w.doctor, ous: ['client', 'department1'] };
    await assert.rejects(anchor(w.h, reenrolled, w.patient), /\[FROZEN\]/);
    const second = client('Hospital1MSP', `${w.doctor.cn}-2`);
    await assert.rejects(anchor(w.h, second, w.patient), /\[NOT_REGISTERED\]/);
    await assert.rejects(
      w.h.submit(w.doctor, 'identity:RegisterStaff', {
        enrollmentId: `${w.doctor.cn}-2`,
        role: 'attending',
        department: 'cardiology',
      }),
      /\[FROZEN\]/,
    );
  });
});

void describe('FreezeContract: who may freeze', () => {
  void it('when a hospital admin, a doctor or a researcher freezes someone, then it is FORBIDDEN', async () => {
    const w = await world();
    const researcher = await registerStaff(w.h, 'ResearchMSP', 'researcher', null);
    const subject = { kind: 'person', did: staffDidOf(w.doctor) } as const;
    for (const who of [orgAdmin('Hospital1MSP'), orgAdmin('Hospital2MSP'), w.doctor, researcher]) {
      await assert.rejects(
        w.h.submit(who, 'freeze:FreezeAccess', { subject, reason: 'data_leak' }),
        /\[FORBIDDEN\]/,
      );
    }
  });

  void it('when an auditor freezes the regulator, themselves, an org outside the consortium or a subject twice, then FORBIDDEN, VALIDATION_FAILED or CONFLICT', async () => {
    const w = await world();
    const call = (subject: unknown) =>
      w.h.submit(w.auditor, 'freeze:FreezeAccess', { subject, reason: 'policy_violation' });
    await assert.rejects(call({ kind: 'org', mspId: 'RegulatorMSP' }), /\[FORBIDDEN\]/);
    await assert.rejects(call({ kind: 'person', did: staffDidOf(w.auditor) }), /\[FORBIDDEN\]/);
    await assert.rejects(call({ kind: 'org', mspId: 'Hospital9MSP' }), /\[VALIDATION_FAILED\] subject/);
    await assert.rejects(call({ kind: 'person', did: 'did:medledger:hospital9:x' }), /\[VALIDATION_FAILED\]/);
    await assert.rejects(call({ kind: 'person', did: 'did:medledger:patient:abc' }), /\[VALIDATION_FAILED\]/);
    await freeze(w, { kind: 'org', mspId: 'Hospital2MSP' });
    await assert.rejects(call({ kind: 'org', mspId: 'Hospital2MSP' }), /\[CONFLICT\]/);
  });

  void it('when a freeze is made, then neither the frozen org nor its event or record hold a patient DID', async () => {
    const w = await world();
    await anchor(w.h, w.doctor, w.patient);
    const { tx } = await w.h.submit<Freeze>(w.auditor, 'freeze:FreezeAccess', {
      subject: { kind: 'org', mspId: 'Hospital1MSP' },
      reason: 'incident_investigation',
    });
    assert.equal(tx.status, 'VALID');
    // Made without the frozen org's peers, which could otherwise refuse their own freeze.
    const endorsers = endorsingOrgs(transactions.FreezeAccess.endorsement, {
      caller: 'RegulatorMSP',
      orgs: ORGS,
      custodian: 'Hospital1MSP',
    });
    assert.deepEqual(endorsers, ['RegulatorMSP', 'Hospital2MSP']);
    assert.ok(!JSON.stringify(tx).includes(w.patient.did));
  });
});

void describe('FreezeContract: a frozen org', () => {
  void it('when an org is frozen, then each of its identities gets FROZEN and other orgs work on', async () => {
    const w = await world();
    const nurse = await registerStaff(w.h, 'Hospital1MSP', 'nurse');
    const other = await registerStaff(w.h, 'Hospital2MSP', 'attending');
    const other2 = await registerPatient(w.h, 'Hospital2MSP');
    await freeze(w, { kind: 'org', mspId: 'Hospital1MSP' });
    await assert.rejects(anchor(w.h, w.doctor, w.patient), /\[FROZEN\]/);
    await assert.rejects(anchor(w.h, nurse, w.patient), /\[FROZEN\]/);
    await assert.rejects(
      w.h.submit(orgAdmin('Hospital1MSP'), 'identity:RegisterStaff', {
        enrollmentId: uid('n'),
        role: 'nurse',
        department: 'er',
      }),
      /\[FROZEN\]/,
    );
    const { anchor: record } = await anchor(w.h, other, other2);
    assert.equal(record.custodian, 'Hospital2MSP');
  });

  void it('when the regulator freezes a whole org, then the regulator reads no more than before: no content, and the same audit trail', async () => {
    const w = await world();
    const { anchor: record } = await anchor(w.h, w.doctor, w.patient);
    await accessRecord(w.h, w.doctor, record, { purpose: 'treatment' });
    const trail = () =>
      w.h.evaluate<{ items: AuditEvent[] }>(w.auditor, 'audit:QueryAudit', {
        by: 'record',
        id: record.recordId,
      });
    const before = await trail();
    await freeze(w, { kind: 'org', mspId: 'Hospital1MSP' });
    const decision = await w.h.submit<AccessDecision>(w.auditor, 'access:AccessRecord', {
      recordId: record.recordId,
      custodian: record.custodian,
      purpose: 'treatment',
    });
    assert.deepEqual([decision.result.outcome, decision.result.reason], ['denied', 'REGULATOR_NO_CONTENT']);
    await assert.rejects(readRecord(w.h, w.auditor, record, decision.result.accessId));
    const after = await trail();
    // The auditor's own denied attempt is the one new event; no event of the org became readable.
    assert.deepEqual(
      after.items.map((e) => e.eventId).filter((id) => id !== decision.result.accessId),
      before.items.map((e) => e.eventId),
    );
  });
});

void describe('FreezeContract: lifting needs the regulator and the org admin', () => {
  void it('when the hospital admin approves the lift alone, then the freeze holds, and a second admin of the org cannot complete it', async () => {
    const w = await world();
    const secondAdmin = await registerStaff(w.h, 'Hospital1MSP', 'admin', null);
    const f = await freeze(w, { kind: 'person', did: staffDidOf(w.doctor) });
    const { result } = await lift(w, orgAdmin('Hospital1MSP'), f);
    assert.equal(result.status, 'active');
    assert.notEqual(result.liftApprovals.org, null);
    await assert.rejects(lift(w, secondAdmin, f), /\[CONFLICT\]/);
    await assert.rejects(anchor(w.h, w.doctor, w.patient), /\[FROZEN\]/);
  });

  void it('when the regulator approves alone, then the freeze holds; a second auditor cannot complete it; the org admin does', async () => {
    const w = await world();
    const auditor2 = await registerStaff(w.h, 'RegulatorMSP', 'auditor', null);
    const f = await freeze(w, { kind: 'person', did: staffDidOf(w.doctor) });
    assert.equal((await lift(w, w.auditor, f)).result.status, 'active');
    await assert.rejects(lift(w, auditor2, f), /\[CONFLICT\]/);
    const { result, tx } = await lift(w, orgAdmin('Hospital1MSP'), f);
    assert.equal(result.status, 'lifted');
    assert.equal(tx.event?.name, 'FreezeLiftApproved');
    const { anchor: record } = await anchor(w.h, w.doctor, w.patient);
    assert.equal(record.custodian, 'Hospital1MSP');
    await assert.rejects(lift(w, w.auditor, f), /\[CONFLICT\]/);
  });

  void it('when the org itself is frozen, then its admin may still approve the lift and nothing else', async () => {
    const w = await world();
    const f = await freeze(w, { kind: 'org', mspId: 'Hospital1MSP' });
    assert.equal((await lift(w, orgAdmin('Hospital1MSP'), f)).result.status, 'active');
    assert.equal((await lift(w, w.auditor, f)).result.status, 'lifted');
    const { anchor: record } = await anchor(w.h, w.doctor, w.patient);
    assert.equal(record.version, 1);
  });

  void it('when the frozen person is an admin, another org or a frozen auditor approves, then it is refused', async () => {
    const w = await world();
    const admin = await registerStaff(w.h, 'Hospital1MSP', 'admin', null);
    const f = await freeze(w, { kind: 'person', did: staffDidOf(admin) });
    await assert.rejects(lift(w, admin, f), /\[FORBIDDEN\]/);
    await assert.rejects(lift(w, orgAdmin('Hospital2MSP'), f), /\[FORBIDDEN\]/);
    await assert.rejects(lift(w, w.doctor, f), /\[FORBIDDEN\]/);
    const auditor2 = await registerStaff(w.h, 'RegulatorMSP', 'auditor', null);
    await freeze(w, { kind: 'person', did: staffDidOf(auditor2) });
    await assert.rejects(lift(w, auditor2, f), /\[FROZEN\]/);
    await assert.rejects(
      w.h.submit(orgAdmin('Hospital1MSP'), 'freeze:LiftFreeze', {
        freezeId: f.freezeId,
        org: 'Hospital2MSP',
      }),
      /\[CONFLICT\]/,
    );
  });

  void it('when a lift is endorsed by the hospital peers alone, then validation fails (key-level policy of the org and the regulator)', async () => {
    const w = await world();
    const f = await freeze(w, { kind: 'person', did: staffDidOf(w.doctor) });
    const { tx } = await lift(w, orgAdmin('Hospital1MSP'), f, {
      endorsers: ['Hospital1MSP', 'Hospital2MSP'],
    });
    assert.notEqual(tx.status, 'VALID');
    const still = await w.h.evaluate<Freeze>(w.doctor, 'freeze:GetFreeze', { freezeId: f.freezeId });
    assert.equal(still.liftApprovals.org, null);
  });
});
