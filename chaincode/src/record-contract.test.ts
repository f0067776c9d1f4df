import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { implicitCollection, type RecordAnchor } from '@medledger/domain';
import { anchor, condition, recordMeta, salt } from './testing/fixtures';
import { Harness, orgAdmin, registerPatient, registerStaff, uid } from './testing/harness';

async function setup() {
  const h = new Harness();
  const patient = await registerPatient(h);
  const doctor = await registerStaff(h, 'Hospital1MSP', 'attending', 'cardiology');
  return { h, patient, doctor };
}

const meta = recordMeta;

const subject = (patientDid: string) => ({ subject: { patientDid } });

void describe('RecordContract', () => {
  void it('when content is staged, then only the custodian collection is written and only the custodian endorses', async () => {
    const { h, patient, doctor } = await setup();
    const recordId = uid('rec');
    const { tx, result } = await h.submit<{ qualityStatus: string; contentHash: string }>(
      doctor,
      'record:StageRecordContent',
      meta(recordId),
      { transient: { content: { resource: condition(), salt: salt() }, ...subject(patient.did) } },
    );
    assert.equal(tx.status, 'VALID');
    assert.equal(tx.writes.size, 0);
    assert.deepEqual([...tx.privateWrites.keys()], [implicitCollection('Hospital1MSP')]);
    assert.equal(result.qualityStatus, 'accepted');
  });

  void it('when a record is anchored, then its metadata, hash and custodian are public and the content and patient are not', async () => {
    const { h, patient, doctor } = await setup();
    const { anchor: a, envelope } = await anchor(h, doctor, patient);
    assert.equal(a.custodian, 'Hospital1MSP');
    assert.equal(a.version, 1);
    assert.equal(a.previousHash, null);
    const got = await h.evaluate<RecordAnchor>(doctor, 'record:GetRecord', {
      recordId: a.recordId,
      custodian: 'Hospital1MSP',
    });
    assert.deepEqual(got, a);
    const publicBytes = h.ledger
      .committedKeys()
      .flatMap((k) => [k, h.ledger.getCommitted(k)?.toString('utf8') ?? '']);
    assert.ok(
      !publicBytes.some((v) => v.includes(envelope.salt)),
      'the salt (and so the content) is not public',
    );
    assert.ok(!publicBytes.some((v) => v.includes(patient.did)), 'the patient is not public');
  });

  void it('when the anchor claims another content hash, then CONTENT_MISMATCH', async () => {
    const { h, patient, doctor } = await setup();
    const recordId = uid('rec');
    const { result } = await h.submit<{ contentHash: string }>(
      doctor,
      'record:StageRecordContent',
      meta(recordId),
      { transient: { content: { resource: condition(), salt: salt() }, ...subject(patient.did) } },
    );
    await assert.rejects(
      h.submit(
        doctor,
        'record:AnchorRecord',
        {
          ...meta(recordId),
          previousHash: null,
          contentHash: result.contentHash.replace(/^./, (c) => (c === '0' ? '1' : '0')),
          qualityStatus: 'accepted',
          reasons: [],
        },
        { transient: subject(patient.did) },
      ),
      /\[CONTENT_MISMATCH\]/,
    );
  });

  void it('when the anchor names another patient than the one staged, then CONTENT_MISMATCH (the verdict binds the patient)', async () => {
    const { h, patient, doctor } = await setup();
    const other = await registerPatient(h);
    const recordId = uid('rec');
    const { result } = await h.submit<{ contentHash: string; qualityStatus: string; reasons: string[] }>(
      doctor,
      'record:StageRecordContent',
      meta(recordId),
      { transient: { content: { resource: condition(), salt: salt() }, ...subject(patient.did) } },
    );
    await assert.rejects(
      h.submit(
        doctor,
        'record:AnchorRecord',
        { ...meta(recordId), previousHash: null, ...result },
        {
          transient: subject(other.did),
        },
      ),
      /\[CONTENT_MISMATCH\] .* verdict/,
    );
  });

  void it('when the anchor claims accepted for content staged as needs_review, then CONTENT_MISMATCH', async () => {
    const { h, patient, doctor } = await setup();
    const recordId = uid('rec');
    const resource = condition({
      code: { coding: [{ system: 'http://snomed.info/sct', code: '38341003' }] },
    });
    const { result } = await h.submit<{ contentHash: string; qualityStatus: string; reasons: string[] }>(
      doctor,
      'record:StageRecordContent',
      meta(recordId),
      { transient: { content: { resource, salt: salt() }, ...subject(patient.did) } },
    );
    assert.equal(result.qualityStatus, 'needs_review');
    assert.deepEqual(result.reasons, ['ICD11_CODE_MISSING']);
    await assert.rejects(
      h.submit(
        doctor,
        'record:AnchorRecord',
        {
          ...meta(recordId),
          previousHash: null,
          contentHash: result.contentHash,
          qualityStatus: 'accepted',
          reasons: [],
        },
        { transient: subject(patient.did) },
      ),
      /\[CONTENT_MISMATCH\] .* verdict/,
    );
  });

  void it('when a diagnosis has a malformed ICD-11 code, then QUALITY_REJECTED with the reason', async () => {
    const { h, patient, doctor } = await setup();
    const resource = condition({
      code: { coding: [{ system: 'http://id.who.int/icd/release/11/mms', code: 'I10' }] },
    });
    await assert.rejects(
      h.submit(doctor, 'record:StageRecordContent', meta(uid('rec')), {
        transient: { content: { resource, salt: salt() }, ...subject(patient.did) },
      }),
      /\[QUALITY_REJECTED\] rec-\w+ ICD11_CODE_FORMAT/,
    );
  });

  void it('when versions are anchored, then they chain and a wrong previous hash is a CONFLICT', async () => {
    const { h, patient, doctor } = await setup();
    const { anchor: v1 } = await anchor(h, doctor, patient);
    await assert.rejects(
      anchor(h, doctor, patient, { recordId: v1.recordId, version: 2, previousHash: 'f'.repeat(64) }),
      /\[CONFLICT\]/,
    );
    const { anchor: v2 } = await anchor(h, doctor, patient, {
      recordId: v1.recordId,
      version: 2,
      previousHash: v1.contentHash,
    });
    assert.equal(v2.previousHash, v1.contentHash);
    const history = await h.evaluate<{ versions: RecordAnchor[] }>(doctor, 'record:GetRecordHistory', {
      recordId: v1.recordId,
      custodian: 'Hospital1MSP',
    });
    assert.deepEqual(
      history.versions.map((v) => v.version),
      [1, 2],
    );
  });

  void it('when another hospital adds a version to a record id it does not keep, then NOT_FOUND (its ids are its own)', async () => {
    const { h, patient, doctor } = await setup();
    const { anchor: v1 } = await anchor(h, doctor, patient);
    const other = await registerStaff(h, 'Hospital2MSP', 'attending', 'cardiology');
    await assert.rejects(
      anchor(h, other, patient, { recordId: v1.recordId, version: 2, previousHash: v1.contentHash }),
      /\[NOT_FOUND\]/,
    );
  });

  void it('when a version names another patient than the record, then VALIDATION_FAILED', async () => {
    const { h, patient, doctor } = await setup();
    const other = await registerPatient(h);
    const { anchor: v1 } = await anchor(h, doctor, patient);
    await assert.rejects(
      anchor(h, doctor, other, { recordId: v1.recordId, version: 2, previousHash: v1.contentHash }),
      /\[VALIDATION_FAILED\] patientDid/,
    );
  });

  void it('when an intern writes outside their department, then FORBIDDEN', async () => {
    const { h, patient } = await setup();
    const intern = await registerStaff(h, 'Hospital1MSP', 'intern', 'oncology');
    await assert.rejects(anchor(h, intern, patient, { department: 'cardiology' }), /\[FORBIDDEN\]/);
  });

  void it('when a copy is verified, then the same copy matches and a changed copy does not', async () => {
    const { h, patient, doctor } = await setup();
    const { anchor: a, envelope } = await anchor(h, doctor, patient);
    const ok = await h.evaluate<{ matches: boolean }>(
      doctor,
      'record:VerifyRecord',
      { recordId: a.recordId, custodian: 'Hospital1MSP' },
      { transient: { content: envelope } },
    );
    assert.equal(ok.matches, true);
    const bad = await h.evaluate<{ matches: boolean }>(
      doctor,
      'record:VerifyRecord',
      { recordId: a.recordId, custodian: 'Hospital1MSP' },
      {
        transient: {
          content: { ...envelope, resource: { ...envelope.resource, recordedDate: '2025-05-02' } },
        },
      },
    );
    assert.equal(bad.matches, false);
  });

  void it('when a needs_review record is reviewed by an attending, then it is accepted; a nurse is FORBIDDEN', async () => {
    const { h, patient, doctor } = await setup();
    const { anchor: a } = await anchor(h, doctor, patient, {
      resource: condition({ recordedDate: '2099-01-01' }),
    });
    assert.equal(a.qualityStatus, 'needs_review');
    assert.deepEqual(a.qualityReasons, ['FUTURE_DATE']);
    const nurse = await registerStaff(h, 'Hospital1MSP', 'nurse', 'cardiology');
    await assert.rejects(
      h.submit(nurse, 'record:ReviewRecordQuality', { recordId: a.recordId, version: 1 }),
      /\[FORBIDDEN\]/,
    );
    const { result } = await h.submit<RecordAnchor>(doctor, 'record:ReviewRecordQuality', {
      recordId: a.recordId,
      version: 1,
    });
    assert.equal(result.qualityStatus, 'accepted');
    await assert.rejects(
      h.submit(doctor, 'record:ReviewRecordQuality', { recordId: a.recordId, version: 1 }),
      /\[CONFLICT\]/,
    );
  });

  void it('when content is erased, then it is purged and a public erasure record remains', async () => {
    const { h, patient, doctor } = await setup();
    const { anchor: a } = await anchor(h, doctor, patient);
    await assert.rejects(
      h.submit(doctor, 'record:EraseRecordContent', { recordId: a.recordId, reason: 'patient_request' }),
      /\[FORBIDDEN\]/,
    );
    const { tx } = await h.submit(orgAdmin('Hospital1MSP'), 'record:EraseRecordContent', {
      recordId: a.recordId,
      reason: 'patient_request',
    });
    assert.equal(tx.status, 'VALID');
    assert.equal(tx.event?.name, 'RecordContentErased');
    const history = await h.evaluate<{ versions: RecordAnchor[]; erasures: { reason: string }[] }>(
      doctor,
      'record:GetRecordHistory',
      { recordId: a.recordId, custodian: 'Hospital1MSP' },
    );
    assert.equal(history.versions[0]?.erased, true);
    assert.equal(history.erasures[0]?.reason, 'patient_request');
    // The sealed content, its wrapped data key (crypto-shredding: both slots a re-wrap alternates
    // between) and the verdict.
    const privateKeys = [...tx.purges.values()].flatMap((s) => [...s]);
    assert.equal(privateKeys.length, 4);
    assert.equal(privateKeys.filter((k) => k.includes('data-key')).length, 2);
    for (const key of privateKeys) {
      assert.equal(h.ledger.getCommittedPrivate(implicitCollection('Hospital1MSP'), key), undefined);
    }
  });

  void it('when the content carries a __proto__ key, then VALIDATION_FAILED', async () => {
    const { h, patient, doctor } = await setup();
    const raw = `{"resource":${JSON.stringify(condition()).replace(/^\{/, '{"__proto__":{"x":1},')},"salt":"${salt()}"}`;
    await assert.rejects(
      h.submit(doctor, 'record:StageRecordContent', meta(uid('rec')), {
        transient: { content: raw, ...subject(patient.did) },
      }),
      /\[VALIDATION_FAILED\] content/,
    );
  });
});
