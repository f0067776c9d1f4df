import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generatePatientKey, sha256Hex, type CredentialAnchor } from '@medledger/domain';
import { anchor } from './testing/fixtures';
import { Harness, orgAdmin, registerPatient, registerStaff } from './testing/harness';

const H1 = 'Hospital1MSP';

void describe('CredentialContract: anchors of SD-JWT credentials', () => {
  void it("when the custodian's clinician anchors a credential of its record, then any member reads the anchor with the custodian's key, and it is written once", async () => {
    const h = new Harness();
    const doctor = await registerStaff(h, H1, 'attending', 'cardiology');
    const patient = await registerPatient(h);
    const { anchor: record } = await anchor(h, doctor, patient);
    const issuerJwk = generatePatientKey().publicJwk;
    const input = { recordId: record.recordId, version: 1, sdJwtHash: sha256Hex('sd-jwt'), issuerJwk };
    const { result, tx } = await h.submit<CredentialAnchor>(doctor, 'credential:AnchorCredential', input);
    assert.equal(tx.event?.name, 'CredentialAnchored');
    assert.deepEqual([result.custodian, result.recordId, result.version], [H1, record.recordId, 1]);
    const researcher = await registerStaff(h, 'ResearchMSP', 'researcher', null);
    const read = await h.evaluate<CredentialAnchor>(researcher, 'credential:GetCredentialAnchor', {
      custodian: H1,
      sdJwtHash: input.sdJwtHash,
    });
    assert.deepEqual(read.issuerJwk, issuerJwk);
    await assert.rejects(h.submit(doctor, 'credential:AnchorCredential', input), /\[ALREADY_EXISTS\]/);
  });

  void it("when another hospital, a researcher or an ethics member anchors one, a version is missing or erased, or the custodian's receipt is left out, then nothing is anchored", async () => {
    const h = new Harness();
    const doctor = await registerStaff(h, H1, 'attending', 'cardiology');
    const patient = await registerPatient(h);
    const { anchor: record } = await anchor(h, doctor, patient);
    const input = (hash: string, version = 1) => ({
      recordId: record.recordId,
      version,
      sdJwtHash: sha256Hex(hash),
      issuerJwk: generatePatientKey().publicJwk,
    });
    const doctor2 = await registerStaff(h, 'Hospital2MSP', 'attending', 'cardiology');
    await assert.rejects(h.submit(doctor2, 'credential:AnchorCredential', input('a')), /\[NOT_FOUND\]/);
    const researcher = await registerStaff(h, 'ResearchMSP', 'researcher', null);
    await assert.rejects(h.submit(researcher, 'credential:AnchorCredential', input('b')), /\[FORBIDDEN\]/);
    const ethics = await registerStaff(h, H1, 'ethics', null);
    await assert.rejects(h.submit(ethics, 'credential:AnchorCredential', input('c')), /\[FORBIDDEN\]/);
    await assert.rejects(h.submit(doctor, 'credential:AnchorCredential', input('d', 2)), /\[NOT_FOUND\]/);
    const { tx } = await h.submit(doctor, 'credential:AnchorCredential', input('e'), {
      endorsers: ['ResearchMSP', 'RegulatorMSP'],
    });
    assert.equal(tx.status, 'ENDORSEMENT_POLICY_FAILURE');
    await h.submit(orgAdmin(H1), 'record:EraseRecordContent', {
      recordId: record.recordId,
      reason: 'patient_request',
    });
    await assert.rejects(
      h.submit(doctor, 'credential:AnchorCredential', input('f')),
      /\[CONTENT_UNAVAILABLE\]/,
    );
  });
});
