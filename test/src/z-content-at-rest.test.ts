import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { onboardAttending } from './support/api';
import { scanForCanaries } from './support/canary';
import { assertScanSeesCustodianStore } from './support/leak-check';
import { diagnosisRecord, hypertensionCondition, newPatientRegistration } from './support/fixtures';
import { useNetwork } from './support/network';

/**
 * Content encrypted at rest, on the real consortium: a record whose content carries a canary is
 * anchored and read back through the custodian's gateway; then every peer's files (block files,
 * state and history databases, private data and transient stores) are scanned and none holds the
 * canary, the custodian's own peer included: what a stolen copy of a peer's disk would reveal. The
 * file is named to run last: the scan then also covers the content every earlier story wrote (the
 * insurance story's diagnosis, the patient summary's records, the research exports).
 */
describe('content encrypted at rest', () => {
  const network = useNetwork();

  it("when content carrying a canary is anchored and read, then no peer's files hold it, the custodian's included", async () => {
    const info = network();
    const run = randomBytes(4).toString('hex');
    const canary = `Canary-${run} Patientname`;
    const doctor = await onboardAttending(info, 'Hospital1', `at-rest-${run}`);
    const patientDid = `did:medledger:patient:at-rest-${run}`;
    const reg = await doctor.post('/v1/patients', newPatientRegistration(patientDid).body);
    assert.equal(reg.status, 201, JSON.stringify(reg.body));
    const recordId = `rec-at-rest-${run}`;
    const resource = hypertensionCondition({ id: `cond-${run}`, patientRef: run, display: canary });
    const anchored = await doctor.post('/v1/records', diagnosisRecord(recordId, patientDid, resource));
    assert.equal(anchored.status, 201, JSON.stringify(anchored.body));
    const { record } = anchored.body as { record: { hashAlgorithm?: string } };
    const profile = process.env.MEDLEDGER_CRYPTO_PROFILE === 'sm' ? 'sm' : 'international';
    assert.equal(record.hashAlgorithm, profile === 'sm' ? 'SM3' : 'SHA-256');

    const access = await doctor.post(`/v1/records/${recordId}/access`, { purpose: 'treatment' });
    assert.equal(access.status, 200, JSON.stringify(access.body));
    const { accessId } = (access.body as { decision: { accessId: string } }).decision;
    const content = await doctor.get(`/v1/records/${recordId}/content?accessId=${accessId}`);
    assert.equal(content.status, 200, JSON.stringify(content.body));
    assert.ok(JSON.stringify(content.body).includes(canary), 'the custodian reads the content back');

    // Let every peer commit the blocks and flush its stores before reading their files.
    await sleep(2000);
    assertScanSeesCustodianStore(info);
    // No custodian allowance: any canary of any suite in any peer file is content in clear.
    const hits = scanForCanaries(join(info.stateDir, 'nodes'), []);
    assert.deepEqual(
      hits.map((h) => h.file),
      [],
      "a peer's files hold content in clear",
    );
  });
});
