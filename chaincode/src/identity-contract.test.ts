import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  generatePatientKey,
  jwkThumbprint,
  signKeyRecovery,
  type DidDocument,
  type EventPayload,
  patientKeyOf,
  type PatientPublicJwk,
  type PatientRecord,
  type StaffRoleChange,
} from '@medledger/domain';
import {
  client,
  Harness,
  newPatient,
  orgAdmin,
  patientJws,
  registerPatient,
  registerStaff,
  registrationInput,
  uid,
  type TestPatient,
} from './testing/harness';
import type { FakeSigner } from './testing/fake-identity';
import { anchor } from './testing/fixtures';

const did = (cn: string): string => `did:medledger:hospital1:${cn}`;

void describe('IdentityContract', () => {
  void it('when an org admin registers staff, then the DID document is resolvable with role and department', async () => {
    const h = new Harness();
    const cn = uid('doc');
    const { result, tx } = await h.submit<DidDocument>(orgAdmin('Hospital1MSP'), 'identity:RegisterStaff', {
      enrollmentId: cn,
      role: 'attending',
      department: 'cardiology',
    });
    assert.equal(tx.status, 'VALID');
    assert.equal(result.id, `did:medledger:hospital1:${cn}`);
    assert.equal(tx.event?.name, 'StaffRegistered');
    const resolved = await h.evaluate<DidDocument>(client('Hospital2MSP', 'x'), 'identity:ResolveDid', {
      did: result.id,
    });
    assert.deepEqual(resolved.medledger.role, 'attending');
    assert.deepEqual(resolved.medledger.status, 'active');
  });

  void it('when a non-admin registers staff, then it is FORBIDDEN', async () => {
    const h = new Harness();
    const doc = await registerStaff(h, 'Hospital1MSP', 'attending');
    await assert.rejects(
      h.submit(doc, 'identity:RegisterStaff', { enrollmentId: uid('x'), role: 'nurse', department: 'er' }),
      /\[FORBIDDEN\]/,
    );
  });

  void it('when an admin of another org updates staff, then it is FORBIDDEN', async () => {
    const h = new Harness();
    const nurse = await registerStaff(h, 'Hospital1MSP', 'nurse');
    const did = `did:medledger:hospital1:${nurse.cn}`;
    await assert.rejects(
      h.submit(orgAdmin('Hospital2MSP'), 'identity:UpdateStaff', { did, role: 'attending' }),
      /\[FORBIDDEN\]/,
    );
  });

  void it('when a hospital registers a researcher role, then it is VALIDATION_FAILED', async () => {
    const h = new Harness();
    await assert.rejects(
      h.submit(orgAdmin('Hospital1MSP'), 'identity:RegisterStaff', {
        enrollmentId: uid('r'),
        role: 'auditor',
        department: null,
      }),
      /\[VALIDATION_FAILED\] role/,
    );
  });

  void it('when staff is deactivated, then their next write is INACTIVE at once', async () => {
    const h = new Harness();
    const nurse = await registerStaff(h, 'Hospital1MSP', 'nurse');
    await h.submit(orgAdmin('Hospital1MSP'), 'identity:DeactivateStaff', {
      did: `did:medledger:hospital1:${nurse.cn}`,
    });
    const p = newPatient();
    await assert.rejects(
      h.submit(
        nurse,
        'identity:RegisterPatient',
        {},
        { transient: { patient: registrationInput(h, p, 'Hospital1MSP') } },
      ),
      /\[INACTIVE\]/,
    );
  });

  void it('when an unregistered client acts, then it is NOT_REGISTERED', async () => {
    const h = new Harness();
    const p = newPatient();
    await assert.rejects(
      h.submit(
        client('Hospital1MSP', uid('ghost')),
        'identity:RegisterPatient',
        {},
        { transient: { patient: registrationInput(h, p, 'Hospital1MSP') } },
      ),
      /\[NOT_REGISTERED\]/,
    );
  });

  void it('when a staff document is changed with only another org endorsing, then validation fails (state-based endorsement)', async () => {
    const h = new Harness();
    const nurse = await registerStaff(h, 'Hospital1MSP', 'nurse');
    const { tx } = await h.submit(
      orgAdmin('Hospital1MSP'),
      'identity:UpdateStaff',
      { did: `did:medledger:hospital1:${nurse.cn}`, status: 'suspended' },
      { endorsers: ['Hospital2MSP', 'ResearchMSP'] },
    );
    assert.equal(tx.status, 'ENDORSEMENT_POLICY_FAILURE');
  });

  void it('when a patient registers with a private key, then VALIDATION_FAILED and nothing is written', async () => {
    const h = new Harness();
    const nurse = await registerStaff(h, 'Hospital1MSP', 'nurse');
    const p = newPatient();
    const before = h.ledger.committedKeys().length;
    await assert.rejects(
      h.submit(
        nurse,
        'identity:RegisterPatient',
        {},
        {
          transient: { patient: { ...registrationInput(h, p, 'Hospital1MSP'), publicKeyJwk: p.privateJwk } },
        },
      ),
      /\[VALIDATION_FAILED\] transient patient\.publicKeyJwk/,
    );
    assert.equal(h.ledger.committedKeys().length, before);
  });

  void it('when input holds a NUL inside an id, then VALIDATION_FAILED', async () => {
    const h = new Harness();
    await assert.rejects(
      h.submit(orgAdmin('Hospital1MSP'), 'identity:RegisterStaff', {
        enrollmentId: 'a\u0000b',
        role: 'nurse',
        department: 'er',
      }),
      /\[VALIDATION_FAILED\]/,
    );
  });
});

void describe('issue 12 hole 2: an org admin cannot make themselves a clinician', () => {
  void it('when an admin registers their own enrollment id as an attending, then FORBIDDEN and nothing is written', async () => {
    const h = new Harness();
    await h.ready();
    const admin = orgAdmin('Hospital1MSP', uid('adm'));
    const before = h.ledger.committedKeys().length;
    await assert.rejects(
      h.submit(admin, 'identity:RegisterStaff', {
        enrollmentId: admin.cn,
        role: 'attending',
        department: 'cardiology',
      }),
      /\[FORBIDDEN\]/,
    );
    assert.equal(h.ledger.committedKeys().length, before);
  });

  void it('when an on-chain admin changes their own staff document, then FORBIDDEN', async () => {
    const h = new Harness();
    const admin = await registerStaff(h, 'Hospital1MSP', 'admin', null);
    await assert.rejects(
      h.submit(admin, 'identity:UpdateStaff', {
        did: did(admin.cn),
        role: 'attending',
        department: 'cardiology',
      }),
      /\[FORBIDDEN\]/,
    );
    await assert.rejects(
      h.submit(admin, 'identity:UpdateStaff', { did: did(admin.cn), status: 'suspended' }),
      /\[FORBIDDEN\]/,
    );
  });

  void it('when one admin turns another admin into an attending with UpdateStaff, then APPROVAL_REQUIRED', async () => {
    const h = new Harness();
    const other = await registerStaff(h, 'Hospital1MSP', 'admin', null);
    await assert.rejects(
      h.submit(orgAdmin('Hospital1MSP'), 'identity:UpdateStaff', {
        did: did(other.cn),
        role: 'attending',
        department: 'cardiology',
      }),
      /\[APPROVAL_REQUIRED\]/,
    );
    const nurse = await registerStaff(h, 'Hospital1MSP', 'nurse');
    await assert.rejects(
      h.submit(orgAdmin('Hospital1MSP'), 'identity:UpdateStaff', { did: did(nurse.cn), role: 'admin' }),
      /\[APPROVAL_REQUIRED\]/,
    );
    const resolved = await h.evaluate<DidDocument>(other, 'identity:ResolveDid', { did: did(other.cn) });
    assert.equal(resolved.medledger.role, 'admin');
  });

  void it('when a hospital admin registers an ethics committee member, then no department is needed; a research institute may not have one', async () => {
    const h = new Harness();
    const member = await registerStaff(h, 'Hospital1MSP', 'ethics', null);
    const doc = await h.evaluate<DidDocument>(member, 'identity:ResolveDid', { did: did(member.cn) });
    assert.deepEqual([doc.medledger.role, doc.medledger.department], ['ethics', null]);
    await assert.rejects(
      h.submit(orgAdmin('ResearchMSP'), 'identity:RegisterStaff', {
        enrollmentId: uid('ethics'),
        role: 'ethics',
        department: null,
      }),
      /\[VALIDATION_FAILED\] role/,
    );
  });

  void it('when one admin seats an attending on the ethics committee or takes a member off it, then APPROVAL_REQUIRED; two admins can', async () => {
    const h = new Harness();
    const attending = await registerStaff(h, 'Hospital1MSP', 'attending');
    const member = await registerStaff(h, 'Hospital1MSP', 'ethics', null);
    const admin = orgAdmin('Hospital1MSP');
    for (const [who, role] of [
      [attending, 'ethics'],
      [member, 'attending'],
      [member, 'admin'],
    ] as const) {
      await assert.rejects(
        h.submit(admin, 'identity:UpdateStaff', { did: did(who.cn), role, department: 'cardiology' }),
        /\[APPROVAL_REQUIRED\]/,
        `${who.cn} to ${role}`,
      );
    }
    const second = await registerStaff(h, 'Hospital1MSP', 'admin', null);
    const { result: proposal } = await h.submit<StaffRoleChange>(admin, 'identity:ProposeStaffRoleChange', {
      did: did(attending.cn),
      role: 'ethics',
    });
    await h.submit(second, 'identity:ApproveStaffRoleChange', {
      did: did(attending.cn),
      proposalId: proposal.proposalId,
    });
    const doc = await h.evaluate<DidDocument>(attending, 'identity:ResolveDid', { did: did(attending.cn) });
    assert.equal(doc.medledger.role, 'ethics');
  });

  void it('when a clinical role changes to another clinical role, then one admin suffices', async () => {
    const h = new Harness();
    const nurse = await registerStaff(h, 'Hospital1MSP', 'nurse');
    const { result } = await h.submit<DidDocument>(orgAdmin('Hospital1MSP'), 'identity:UpdateStaff', {
      did: did(nurse.cn),
      role: 'attending',
    });
    assert.equal(result.medledger.role, 'attending');
  });

  void it("when another admin registers a NodeOU admin's enrollment id as an attending, then that admin certificate still cannot act as a clinician", async () => {
    const h = new Harness();
    const target = orgAdmin('Hospital1MSP', uid('adm'));
    await h.submit(orgAdmin('Hospital1MSP'), 'identity:RegisterStaff', {
      enrollmentId: target.cn,
      role: 'attending',
      department: 'cardiology',
    });
    const patient = await registerPatient(h);
    await assert.rejects(anchor(h, target, patient), /\[FORBIDDEN\]/);
  });

  void it('when admin A proposes turning admin B into an attending, then it waits for a second admin, and A or B cannot approve it', async () => {
    const h = new Harness();
    const a = orgAdmin('Hospital1MSP', uid('adm-a'));
    const b = await registerStaff(h, 'Hospital1MSP', 'admin', null);
    const c = await registerStaff(h, 'Hospital1MSP', 'admin', null);
    const { result: proposal, tx: proposed } = await h.submit<StaffRoleChange>(
      a,
      'identity:ProposeStaffRoleChange',
      {
        did: did(b.cn),
        role: 'attending',
        department: 'cardiology',
      },
    );
    assert.equal(proposal.status, 'pending');
    assert.equal(proposal.fromRole, 'admin');
    assert.equal(proposed.event?.name, 'StaffRoleChangeProposed');
    const still = await h.evaluate<DidDocument>(b, 'identity:ResolveDid', { did: did(b.cn) });
    assert.equal(still.medledger.role, 'admin', 'a proposal changes nothing yet');

    const approve = { did: did(b.cn), proposalId: proposal.proposalId };
    await assert.rejects(h.submit(a, 'identity:ApproveStaffRoleChange', approve), /\[FORBIDDEN\]/);
    await assert.rejects(h.submit(b, 'identity:ApproveStaffRoleChange', approve), /\[FORBIDDEN\]/);
    await assert.rejects(
      h.submit(orgAdmin('Hospital2MSP'), 'identity:ApproveStaffRoleChange', approve),
      /\[FORBIDDEN\]/,
    );
    const nurse = await registerStaff(h, 'Hospital1MSP', 'nurse');
    await assert.rejects(h.submit(nurse, 'identity:ApproveStaffRoleChange', approve), /\[FORBIDDEN\]/);

    const { result: doc, tx } = await h.submit<DidDocument>(c, 'identity:ApproveStaffRoleChange', approve);
    assert.equal(doc.medledger.role, 'attending');
    assert.equal(doc.medledger.department, 'cardiology');
    assert.equal(doc.medledger.updatedBy, did(c.cn));
    assert.equal(tx.event?.name, 'StaffRoleChangeApproved');
    const event = JSON.parse(tx.event.payload.toString('utf8')) as EventPayload<'StaffRoleChangeApproved'>;
    assert.equal(event.proposedBy, did(a.cn));
    assert.equal(event.approvedBy, did(c.cn));
    await assert.rejects(h.submit(c, 'identity:ApproveStaffRoleChange', approve), /\[CONFLICT\]/);
  });

  void it('when a proposal is approved after its lifetime or under another id, then EXPIRED or CONFLICT', async () => {
    const h = new Harness();
    const a = orgAdmin('Hospital1MSP', uid('adm-a'));
    const c = orgAdmin('Hospital1MSP', uid('adm-c'));
    const nurse = await registerStaff(h, 'Hospital1MSP', 'nurse');
    const { result: first } = await h.submit<StaffRoleChange>(a, 'identity:ProposeStaffRoleChange', {
      did: did(nurse.cn),
      role: 'admin',
      department: null,
    });
    const { result: second } = await h.submit<StaffRoleChange>(a, 'identity:ProposeStaffRoleChange', {
      did: did(nurse.cn),
      role: 'admin',
      department: null,
    });
    await assert.rejects(
      h.submit(c, 'identity:ApproveStaffRoleChange', { did: did(nurse.cn), proposalId: first.proposalId }),
      /\[CONFLICT\]/,
    );
    h.ledger.advance(8 * 86_400_000);
    await assert.rejects(
      h.submit(c, 'identity:ApproveStaffRoleChange', { did: did(nurse.cn), proposalId: second.proposalId }),
      /\[EXPIRED\]/,
    );
  });

  void it('when an admin proposes a change of their own role, then FORBIDDEN', async () => {
    const h = new Harness();
    const a = await registerStaff(h, 'Hospital1MSP', 'admin', null);
    await assert.rejects(
      h.submit(a, 'identity:ProposeStaffRoleChange', { did: did(a.cn), role: 'attending', department: 'er' }),
      /\[FORBIDDEN\]/,
    );
  });
});

/** The JWS a patient signs with the recovery key (`signWith`, default theirs) for a new key. */
function recoveryJws(
  h: Harness,
  patient: TestPatient,
  next: { publicJwk: PatientPublicJwk },
  nextRecovery: PatientPublicJwk,
  signWith: TestPatient['recovery'] = patient.recovery,
): string {
  return signKeyRecovery(patient.did, signWith, next.publicJwk, nextRecovery, {
    nowMs: h.ledger.now.getTime(),
  });
}

/** Submits a patient-signed payload relayed by `relay` in the transient map under `key`. */
function relayed(h: Harness, relay: FakeSigner, name: string, key: string, payload: Record<string, unknown>) {
  return h.submit<PatientRecord>(relay, name, {}, { transient: { [key]: payload } });
}

void describe('issue 12 hole 7: a patient key is bound with proof of possession and recoverable', () => {
  void it('when a hospital registers a patient key whose holder did not sign the proof, then INVALID_SIGNATURE and nothing is written', async () => {
    const h = new Harness();
    const nurse = await registerStaff(h, 'Hospital1MSP', 'nurse');
    const p = newPatient();
    const before = h.ledger.committedKeys().length;
    await assert.rejects(
      relayed(h, nurse, 'identity:RegisterPatient', 'patient', {
        ...registrationInput(h, { ...p, ...generatePatientKey() }, 'Hospital1MSP'),
        publicKeyJwk: p.publicJwk,
      }),
      /\[INVALID_SIGNATURE\]/,
    );
    assert.equal(h.ledger.committedKeys().length, before);
  });

  void it('when the proof names another org or another DID, then INVALID_SIGNATURE', async () => {
    const h = new Harness();
    const nurse = await registerStaff(h, 'Hospital1MSP', 'nurse');
    const p = newPatient();
    await assert.rejects(
      relayed(h, nurse, 'identity:RegisterPatient', 'patient', registrationInput(h, p, 'Hospital2MSP')),
      /\[INVALID_SIGNATURE\] patient proof/,
    );
    const other = newPatient();
    await assert.rejects(
      relayed(h, nurse, 'identity:RegisterPatient', 'patient', {
        ...registrationInput(h, p, 'Hospital1MSP'),
        patientDid: other.did,
      }),
      /\[INVALID_SIGNATURE\] patient proof/,
    );
  });

  void it('when a patient registers with a proof, then the record holds the key and only the recovery key thumbprint, and nothing public names the DID', async () => {
    const h = new Harness();
    const nurse = await registerStaff(h, 'Hospital1MSP', 'nurse');
    const p = newPatient();
    const { result, tx } = await relayed(
      h,
      nurse,
      'identity:RegisterPatient',
      'patient',
      registrationInput(h, p, 'Hospital1MSP'),
    );
    assert.deepEqual(
      [result.patientKey, result.currentKey, result.recoveryKeyThumbprint],
      [patientKeyOf(p.did), 1, jwkThumbprint(p.recovery.publicJwk)],
    );
    assert.ok(
      !JSON.stringify(result).includes(p.recovery.publicJwk.x),
      'the recovery key itself is not stored',
    );
    const event = JSON.parse(tx.event?.payload.toString('utf8') ?? '{}') as EventPayload<'PatientRegistered'>;
    assert.equal(event.patientKey, patientKeyOf(p.did));
    const doc = await h.evaluate<DidDocument>(nurse, 'identity:ResolveDid', { did: p.did });
    assert.equal(doc.medledger.currentKeyId, `${p.did}#key-1`);
    assert.equal(doc.medledger.recoveryKeyThumbprint, jwkThumbprint(p.recovery.publicJwk));
    assert.ok(!h.ledger.orgView('ResearchMSP').some((text) => text.includes(p.did)));
  });

  void it('when a patient lost their key, then the recovery key replaces it, the old key no longer signs and the change is an event', async () => {
    const h = new Harness();
    const patient = await registerPatient(h);
    const relay = await registerStaff(h, 'Hospital2MSP', 'nurse');
    const next = generatePatientKey();
    const nextRecovery = generatePatientKey();
    const { result, tx } = await relayed(h, relay, 'identity:RecoverPatientKey', 'recovery', {
      jws: recoveryJws(h, patient, next, nextRecovery.publicJwk),
    });
    assert.deepEqual(
      [result.currentKey, result.recoveryKeyThumbprint],
      [2, jwkThumbprint(nextRecovery.publicJwk)],
    );
    assert.equal(tx.event?.name, 'PatientKeyRotated');
    const event = JSON.parse(tx.event.payload.toString('utf8')) as EventPayload<'PatientKeyRotated'>;
    assert.deepEqual(
      [event.patientKey, event.keyNumber, event.via, event.relayedBy],
      [patientKeyOf(patient.did), 2, 'recovery_key', 'Hospital2MSP'],
    );
    const prefs = (who: TestPatient) =>
      patientJws(h, who, { typ: 'medledger.preferences', allowEmergencyAccess: false });
    await assert.rejects(
      relayed(h, relay, 'consent:SetPatientPreferences', 'preferences', { jws: prefs(patient) }),
      /\[INVALID_SIGNATURE\]/,
    );
    const recovered = { ...patient, ...next, keyNumber: 2, recovery: nextRecovery };
    const { tx: set } = await relayed(h, relay, 'consent:SetPatientPreferences', 'preferences', {
      jws: prefs(recovered),
    });
    assert.equal(set.status, 'VALID');
    // The revealed recovery key is spent: it cannot recover again.
    await assert.rejects(
      relayed(h, relay, 'identity:RecoverPatientKey', 'recovery', {
        jws: recoveryJws(h, patient, generatePatientKey(), generatePatientKey().publicJwk),
      }),
      /\[INVALID_SIGNATURE\]/,
    );
  });

  void it('when a key change is signed by a key that is neither the current nor the registered recovery key, then INVALID_SIGNATURE', async () => {
    const h = new Harness();
    const patient = await registerPatient(h);
    const relay = await registerStaff(h, 'Hospital1MSP', 'nurse');
    const rogue = generatePatientKey();
    await assert.rejects(
      relayed(h, relay, 'identity:RecoverPatientKey', 'recovery', {
        jws: recoveryJws(h, patient, generatePatientKey(), rogue.publicJwk, rogue),
      }),
      /\[INVALID_SIGNATURE\]/,
    );
    await assert.rejects(
      relayed(h, relay, 'identity:RotatePatientKey', 'rotation', {
        jws: patientJws(
          h,
          patient,
          { typ: 'medledger.key.rotate', newPublicKeyJwk: rogue.publicJwk },
          { key: rogue.privateJwk },
        ),
      }),
      /\[INVALID_SIGNATURE\]/,
    );
  });

  void it('when a recovery names the same recovery key again, then VALIDATION_FAILED', async () => {
    const h = new Harness();
    const patient = await registerPatient(h);
    const relay = await registerStaff(h, 'Hospital1MSP', 'nurse');
    await assert.rejects(
      relayed(h, relay, 'identity:RecoverPatientKey', 'recovery', {
        jws: recoveryJws(h, patient, generatePatientKey(), patient.recovery.publicJwk),
      }),
      /\[VALIDATION_FAILED\]/,
    );
  });

  void it('when a patient rotates with the current key, then the event says so and the recovery key stays', async () => {
    const h = new Harness();
    const patient = await registerPatient(h);
    const relay = await registerStaff(h, 'Hospital1MSP', 'nurse');
    const { result, tx } = await relayed(h, relay, 'identity:RotatePatientKey', 'rotation', {
      jws: patientJws(h, patient, {
        typ: 'medledger.key.rotate',
        newPublicKeyJwk: generatePatientKey().publicJwk,
      }),
    });
    assert.equal(result.recoveryKeyThumbprint, jwkThumbprint(patient.recovery.publicJwk));
    const event = JSON.parse(tx.event?.payload.toString('utf8') ?? '{}') as EventPayload<'PatientKeyRotated'>;
    assert.deepEqual([event.via, event.keyNumber], ['current_key', 2]);
  });
});
