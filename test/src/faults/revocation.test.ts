import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { canonicalJson, qualifiedName } from '@medledger/domain';
import { networkContext, revokeIdentity } from '@medledger/network';
import { apiAs, type ApiClient, type ApiResponse } from '../support/api';
import { chaincodeCode } from '../support/authz-matrix';
import { diagnosisRecord, hypertensionCondition, newPatientRegistration } from '../support/fixtures';
import { gatewayForWalletIdentity, useNetwork } from '../support/network';

/** Posts a new diagnosis of `patientDid` as `doctor`. */
function anchorAs(doctor: ApiClient, patientDid: string): Promise<ApiResponse> {
  const recordId = `rec-revoked-${randomBytes(4).toString('hex')}`;
  return doctor.post(
    '/v1/records',
    diagnosisRecord(recordId, patientDid, hypertensionCondition({ id: recordId, patientRef: 'p1' })),
  );
}

/**
 * Issue 16 item 1 on the real consortium: a regulator auditor freezes a doctor, and the chaincode
 * refuses them from the freeze's commit; then Hospital1's CA revokes the doctor's certificates and a
 * majority of the orgs' admins put its CRL in Hospital1's MSP in the channel config, and the peers
 * themselves refuse the doctor before any chaincode runs.
 */
describe('when the regulator freezes a doctor and the org revokes their certificate (issue 16)', () => {
  const network = useNetwork();

  it('then the chaincode refuses the doctor at once (403 FROZEN), and after the CRL update the peers do (403 IDENTITY_REJECTED)', async (t) => {
    const info = network();
    const admin = await apiAs(info, 'Hospital1', 'hospital1-admin');
    const id = `dr-revoked-${randomBytes(4).toString('hex')}`;
    const onboarded = await admin.post('/v1/staff', {
      enrollmentId: id,
      role: 'attending',
      department: 'cardiology',
    });
    assert.equal(onboarded.status, 201, JSON.stringify(onboarded.body));
    const doctor = await apiAs(info, 'Hospital1', id);
    const patientDid = `did:medledger:patient:revoke-${randomBytes(4).toString('hex')}`;
    assert.equal((await doctor.post('/v1/patients', newPatientRegistration(patientDid).body)).status, 201);
    assert.equal((await anchorAs(doctor, patientDid)).status, 201);

    const auditor = await apiAs(info, 'Regulator', 'regulator-auditor-1');
    const frozen = await auditor.post('/v1/freezes', {
      subject: { kind: 'person', did: `did:medledger:hospital1:${id}` },
      reason: 'suspected_compromise',
    });
    assert.equal(frozen.status, 201, JSON.stringify(frozen.body));
    const freezeId = String((frozen.body['freeze'] as Record<string, unknown>)['freezeId']);
    const refused = await anchorAs(doctor, patientDid);
    assert.deepEqual([refused.status, refused.body['code']], [403, 'FROZEN']);
    assert.match(String(refused.body['detail']), new RegExp(freezeId));
    // The frozen doctor reads their own freeze.
    const mine = await doctor.get('/v1/freezes');
    assert.equal(mine.status, 200);

    const ctx = await networkContext();
    const org = ctx.topology.peerOrgs.find((o) => o.name === 'Hospital1');
    assert.ok(org);
    const started = performance.now();
    const result = revokeIdentity(ctx.install, ctx.topology, ctx.paths, org, id);
    t.diagnostic(
      `revocation: CRL ${String(result.crlBytes)} bytes, signed by ${result.signers.join(', ')} in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    assert.equal(result.updated, true);
    assert.ok(result.signers.length >= 3, 'a majority of the four orgs signed');

    // Each peer applies the config block as it commits it: poll the doctor's request until the peer refuses.
    let answer: ApiResponse = refused;
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      answer = await anchorAs(doctor, patientDid);
      if (answer.body['code'] !== 'FROZEN') break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    t.diagnostic(
      `refused by the peers ${((performance.now() - started) / 1000).toFixed(1)} s after the revocation began`,
    );
    assert.deepEqual([answer.status, answer.body['code']], [403, 'IDENTITY_REJECTED']);

    // Straight to the peer with the Fabric SDK: refused before any chaincode runs (no chaincode code).
    const direct = await gatewayForWalletIdentity(info, 'Hospital1', id);
    try {
      const contract = direct.gateway.getNetwork(info.channel).getContract(info.chaincode);
      await assert.rejects(
        contract.evaluate(qualifiedName('ListFreezes'), { arguments: [canonicalJson({})] }),
        (err) => chaincodeCode(err).code === undefined,
      );
    } finally {
      direct.gateway.close();
      direct.client.close();
    }
    // Everyone else works on: the org's admin still onboards.
    const other = await admin.post('/v1/staff', {
      enrollmentId: `dr-after-${randomBytes(4).toString('hex')}`,
      role: 'nurse',
      department: 'cardiology',
    });
    assert.equal(other.status, 201);
  });
});
