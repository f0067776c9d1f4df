import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DidDocument } from '@medledger/domain';
import { client, Harness, newPatient, orgAdmin, registerStaff, uid } from './testing/harness';

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
        {
          transient: { patient: { patientDid: p.did, publicKeyJwk: p.publicJwk } },
        },
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
        {
          transient: { patient: { patientDid: p.did, publicKeyJwk: p.publicJwk } },
        },
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
          transient: { patient: { patientDid: p.did, publicKeyJwk: p.privateJwk } },
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
