import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { canonicalJson, qualifiedName } from '@medledger/domain';
import {
  configUpdateEnvelopeBytes,
  fabricMspOf,
  fetchChannelConfigProto,
  networkContext,
  orgsByMsp,
  revocationListUpdate,
  revokeIdentity,
  submitConfigEnvelope,
  type NetworkContext,
  type PeerOrg,
} from '@medledger/network';
import { apiAs, onboardAttending, type ApiClient, type ApiResponse } from '../support/api';
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
 * Polls the doctor's anchor until `done` holds of the answer (each peer applies a config block as it
 * commits it), for up to 30 s; returns the last answer.
 */
async function anchorUntil(
  doctor: ApiClient,
  patientDid: string,
  done: (answer: ApiResponse) => boolean,
): Promise<ApiResponse> {
  let answer = await anchorAs(doctor, patientDid);
  const deadline = Date.now() + 30_000;
  while (!done(answer) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    answer = await anchorAs(doctor, patientDid);
  }
  return answer;
}

/** Onboards a new attending of Hospital1 who registers a patient; returns them and the patient. */
async function newDoctor(
  info: ReturnType<ReturnType<typeof useNetwork>>,
  prefix: string,
): Promise<{ id: string; doctor: ApiClient; patientDid: string; admin: ApiClient }> {
  const id = `${prefix}-${randomBytes(4).toString('hex')}`;
  const admin = await apiAs(info, 'Hospital1', 'hospital1-admin');
  const doctor = await onboardAttending(info, 'Hospital1', id);
  const patientDid = `did:medledger:patient:revoke-${randomBytes(4).toString('hex')}`;
  assert.equal((await doctor.post('/v1/patients', newPatientRegistration(patientDid).body)).status, 201);
  return { id, doctor, patientDid, admin };
}

/** Hospital1's MSP revocation lists as the channel config holds them now. */
function currentCrls(ctx: NetworkContext, org: PeerOrg): Uint8Array[] {
  const config = fetchChannelConfigProto(ctx.install, ctx.topology, ctx.paths, org);
  const group = [
    ...(config.getChannelGroup()?.getGroupsMap().get('Application')?.getGroupsMap().values() ?? []),
  ].find((g) => fabricMspOf(g)?.getName() === org.mspId);
  assert.ok(group, `${org.mspId} is in the channel`);
  return fabricMspOf(group)?.getRevocationListList_asU8() ?? [];
}

/** Submits the update that makes `crls` Hospital1's revocation lists, signed by `signers` in order. */
function setCrls(ctx: NetworkContext, org: PeerOrg, crls: Uint8Array[], signers: string[]): void {
  const config = fetchChannelConfigProto(ctx.install, ctx.topology, ctx.paths, org);
  const update = revocationListUpdate(config, ctx.topology.channel, org.mspId, crls);
  assert.ok(update, 'the update changes the MSP');
  submitConfigEnvelope(
    ctx.install,
    ctx.topology,
    ctx.paths,
    configUpdateEnvelopeBytes(update),
    orgsByMsp(ctx.topology, signers),
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
    const { id, doctor, patientDid, admin } = await newDoctor(info, 'dr-revoked');
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
    const orgCount = ctx.topology.peerOrgs.length;
    assert.ok(result.signers.length > orgCount / 2, `a majority of the ${String(orgCount)} orgs signed`);

    // Each peer applies the config block as it commits it: poll the doctor's request until the peer refuses.
    const answer = await anchorUntil(doctor, patientDid, (a) => a.body['code'] !== 'FROZEN');
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

/**
 * Issue 16, the consortium's decisions about an org stay the consortium's: the network puts every
 * org's MSP (CAs, CRL, admins), policies and group under the channel's `MAJORITY Admins`, so the
 * orderers refuse the org's admin alone, or two colluding orgs, taking a revocation back; a majority
 * can; and an update signed for an earlier state of the MSP cannot be sent again.
 */
describe('when an org admin tries to take back the revocation of one of its people (issue 16)', () => {
  const network = useNetwork();

  it('then the orderers refuse the org alone and two colluding orgs, a majority can, and a replayed update is refused', async (t) => {
    const info = network();
    const { id, doctor, patientDid } = await newDoctor(info, 'dr-unrevoke');
    const ctx = await networkContext();
    const org = ctx.topology.peerOrgs.find((o) => o.name === 'Hospital1');
    assert.ok(org);
    const revoked = revokeIdentity(ctx.install, ctx.topology, ctx.paths, org, id);
    assert.equal(revoked.updated, true);
    const rejected = await anchorUntil(doctor, patientDid, (a) => a.body['code'] === 'IDENTITY_REJECTED');
    assert.deepEqual([rejected.status, rejected.body['code']], [403, 'IDENTITY_REJECTED']);
    const crls = currentCrls(ctx, org);
    assert.equal(crls.length, 1, "the CA's CRL is in the MSP");

    // Hospital1's admin alone, then with Hospital2's: the MSP value's mod_policy wants a majority of
    // the application orgs (Hospital1 first, then the others in topology order).
    const mspIds = [org.mspId, ...ctx.topology.peerOrgs.filter((o) => o !== org).map((o) => o.mspId)];
    const majority = Math.floor(mspIds.length / 2) + 1;
    for (const signers of [mspIds.slice(0, 1), mspIds.slice(0, 2)]) {
      assert.throws(
        () => {
          setCrls(ctx, org, [], signers);
        },
        (err: Error) => {
          t.diagnostic(`${signers.join(' + ')}: ${err.message.split('\n').at(-1) ?? ''}`);
          return new RegExp(
            `BAD_REQUEST -- error applying config update to existing channel '${ctx.topology.channel}': error authorizing update: error validating DeltaSet: policy for \\[Value\\]  /Channel/Application/${org.name}/MSP not satisfied: implicit policy evaluation failed - ${String(signers.length)} sub-policies were satisfied, but this policy requires ${String(majority)} of the 'Admins' sub-policies to be satisfied`,
          ).test(err.message);
        },
      );
    }
    assert.equal(currentCrls(ctx, org).length, 1, 'the CRL is still there');
    assert.equal((await anchorAs(doctor, patientDid)).body['code'], 'IDENTITY_REJECTED');

    // The majority can lift it: the peers accept the doctor again.
    setCrls(ctx, org, [], mspIds.slice(0, majority));
    const accepted = await anchorUntil(doctor, patientDid, (a) => a.status === 201);
    assert.equal(accepted.status, 201, JSON.stringify(accepted.body));

    // Research's admin sends the revocation it once submitted (Hospital1's and Hospital2's signatures on it) again.
    assert.throws(
      () =>
        submitConfigEnvelope(
          ctx.install,
          ctx.topology,
          ctx.paths,
          revoked.envelope,
          orgsByMsp(ctx.topology, revoked.signers.slice(-1)),
        ),
      (err: Error) => {
        const m =
          /attempt to set key \[Value\] {2}\/Channel\/Application\/\w+\/MSP to version (\d+), but key is at version (\d+)/.exec(
            err.message,
          );
        t.diagnostic(`replay: ${m?.[0] ?? err.message}`);
        return m !== null && Number(m[2]) === Number(m[1]) + 1;
      },
    );
    assert.equal((await anchorAs(doctor, patientDid)).status, 201, 'the replay changed nothing');

    // The majority puts the CA's CRL back: the earlier test's doctor and this one are revoked again.
    setCrls(ctx, org, crls, mspIds.slice(1, majority + 1));
    const again = await anchorUntil(doctor, patientDid, (a) => a.body['code'] === 'IDENTITY_REJECTED');
    assert.equal(again.body['code'], 'IDENTITY_REJECTED');
  });
});
