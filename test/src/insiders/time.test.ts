import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PROPOSAL_TIME_WINDOW_SECONDS, qualifiedName } from '@medledger/domain';
import type { NetworkInfo } from '@medledger/network';
import { apiAs } from '../support/api';
import { diagnosisRecord, hypertensionCondition, newPatientRegistration } from '../support/fixtures';
import { ensureNetwork, gatewayForWalletIdentity, releaseNetwork } from '../support/network';
import { offlineSigner, type OfflineSigner } from '../support/proposals';

/** What a fabric-gateway error says, with every endorser's detail (`mspId: message`). */
function errorText(err: unknown): string {
  const details = (err as { details?: { mspId: string; message: string }[] }).details ?? [];
  return [
    err instanceof Error ? err.message : String(err),
    ...details.map((d) => `${d.mspId}: ${d.message}`),
  ].join('\n');
}

/** The peer's TimeWindowCheck refusal, by the peer of `mspId`, with the window the topology renders. */
async function assertTimeRefused(call: Promise<unknown>, mspId: string): Promise<void> {
  let text = 'accepted';
  try {
    await call;
  } catch (err) {
    text = errorText(err);
  }
  assert.match(
    text,
    new RegExp(
      `${mspId}: .*request unauthorized due to incorrect timestamp .*peer\\.authentication\\.timewindow ${String(PROPOSAL_TIME_WINDOW_SECONDS)}s`,
    ),
  );
}

/**
 * Issue 12, hostile insiders, time: the transaction timestamp every expiry check uses is chosen by the
 * signer. Shown on the real consortium: each peer's TimeWindowCheck auth filter (v3.1.5
 * `core/handlers/auth/filter/timewindow.go`) wraps the endorser server that the Fabric Gateway calls
 * for its own peer and that other peers' gateways reach over gRPC, so it covers Gateway evaluations
 * and endorsements, local and forwarded; the window is 30 s instead of Fabric's 15 min.
 */
describe('insiders: time comes from the client (issue 12 hole 8)', () => {
  let info: NetworkInfo;
  let signer: OfflineSigner;
  const run = randomBytes(4).toString('hex');
  before(async () => {
    info = await ensureNetwork();
    signer = offlineSigner(
      info,
      'Hospital1',
      join(info.stateDir, 'users', 'hospital1', 'hospital1-admin', 'msp'),
    );
  });
  after(async () => {
    signer.close();
    await releaseNetwork();
  });

  it('when a proposal says it was signed 5 minutes ago (inside Fabric default 15 min), then its Gateway evaluation and endorsement are refused, by the gateway peer and by the other org peer they are forwarded to', async () => {
    const stale = new Date(Date.now() - 5 * 60_000);
    const getPing = { arguments: [`time-${run}`] };
    await assertTimeRefused(
      signer.proposalAt('health:GetPing', stale, getPing).then((p) => p.evaluate()),
      'Hospital1MSP',
    );
    await assertTimeRefused(
      signer
        .proposalAt('health:GetPing', stale, { ...getPing, endorsingOrganizations: ['Hospital2MSP'] })
        .then((p) => p.evaluate()),
      'Hospital2MSP',
    );
    await assertTimeRefused(
      signer.proposalAt(qualifiedName('Ping'), stale).then((p) => p.endorse()),
      'Hospital1MSP',
    );
    await assertTimeRefused(
      signer
        .proposalAt(qualifiedName('Ping'), stale, { endorsingOrganizations: ['Hospital2MSP'] })
        .then((p) => p.endorse()),
      'Hospital2MSP',
    );
  });

  it('when a proposal is an hour old or 5 minutes ahead, then it is refused too; 10 s old or fresh, it is accepted', async () => {
    const now = Date.now();
    for (const time of [new Date(now - 3_600_000), new Date(now + 5 * 60_000)]) {
      await assertTimeRefused(
        signer.proposalAt('health:GetPing', time, { arguments: ['x'] }).then((p) => p.evaluate()),
        'Hospital1MSP',
      );
    }
    for (const time of [new Date(now - 10_000), new Date(now)]) {
      const evaluated = await (
        await signer.proposalAt('health:GetPing', time, { arguments: ['x'] })
      ).evaluate();
      assert.equal(Buffer.from(evaluated).toString('utf8'), 'false');
      const endorsed = await (await signer.proposalAt(qualifiedName('Ping'), time)).endorse();
      assert.match(endorsed.getTransactionId(), /^[0-9a-f]{64}$/);
    }
  });

  it('when a content read, whose proposal time the custodian holds against its own clock, is submitted instead of evaluated, then it never commits: the custodian alone is an ENDORSEMENT_POLICY_FAILURE, with the gateway picking endorsers it is refused', async () => {
    const admin = await apiAs(info, 'Hospital1', 'hospital1-admin');
    const attending = await apiAs(info, 'Hospital1', 'hospital1-attending-1');
    const patientDid = `did:medledger:patient:time-${run}`;
    const registered = await admin.post('/v1/patients', newPatientRegistration(patientDid).body);
    assert.equal(registered.status, 201);
    const recordId = `rec-time-${run}`;
    const resource = hypertensionCondition({ id: `c-${run}`, patientRef: `p-${run}` });
    const created = await attending.post('/v1/records', diagnosisRecord(recordId, patientDid, resource));
    assert.equal(created.status, 201);
    const access = await attending.post<{ decision: { accessId: string; outcome: string } }>(
      `/v1/records/${recordId}/access`,
      { purpose: 'treatment' },
    );
    assert.equal(access.body.decision.outcome, 'granted');
    const arg = JSON.stringify({
      recordId,
      custodian: 'Hospital1MSP',
      accessId: access.body.decision.accessId,
    });
    const fn = qualifiedName('ReadRecordContent');
    const { gateway, client } = await gatewayForWalletIdentity(info, 'Hospital1', 'hospital1-attending-1');
    try {
      const contract = gateway.getNetwork(info.channel).getContract(info.chaincode);
      const read = JSON.parse(Buffer.from(await contract.evaluate(fn, { arguments: [arg] })).toString()) as {
        recordId: string;
      };
      assert.equal(read.recordId, recordId);
      const alone = await contract
        .newProposal(fn, { arguments: [arg], endorsingOrganizations: ['Hospital1MSP'] })
        .endorse();
      const status = await (await alone.submit()).getStatus();
      assert.equal(status.successful, false);
      assert.equal(status.code, 10, 'ENDORSEMENT_POLICY_FAILURE');
      // Refused at endorsement (no second org can answer it) or, at worst, committed invalid.
      await assert.rejects(contract.submit(fn, { arguments: [arg] }));
    } finally {
      gateway.close();
      client.close();
    }
  });
});
