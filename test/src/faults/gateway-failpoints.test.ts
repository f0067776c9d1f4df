import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { generatePatientKey } from '@medledger/domain';
import type { NetworkInfo } from '@medledger/network';
import { FAILPOINT_HEADER, FAILPOINT_STAGES } from '@medledger/gateway';
import { convergedTip, killProcess, orgProcesses, pidOf, restartProcess, waitUntil } from '../support/faults';
import { diagnosisRecord, hypertensionCondition } from '../support/fixtures';
import { checkJournal } from '../support/journal';
import { ensureNetwork, releaseNetwork } from '../support/network';
import { prepareWorkload, type Workload } from '../support/workload';
import { apiAs } from '../support/api';

const { gateway } = orgProcesses('Hospital1');
const failpointsOn = { MEDLEDGER_GATEWAY_FAILPOINTS: '1' };

/** Waits for the gateway to kill itself at its failpoint, then starts it again (failpoints still on). */
async function restartAfterCrash(): Promise<void> {
  await waitUntil(
    'the gateway to die at its failpoint',
    () => Promise.resolve(pidOf(gateway) === undefined),
    30_000,
    50,
  );
  await restartProcess(gateway, failpointsOn);
}

describe('when the REST gateway dies at each stage of a write (failpoints) and the client retries with the same key', () => {
  let info: NetworkInfo;
  let workload: Workload;
  let fromBlock: number;
  before(async () => {
    info = await ensureNetwork();
    await killProcess(gateway);
    await restartProcess(gateway, failpointsOn);
    workload = await prepareWorkload(info, 1);
    fromBlock = (await convergedTip(info)).height;
  });
  after(async () => {
    await killProcess(gateway).catch(() => undefined);
    await restartProcess(gateway);
    await releaseNetwork();
  });

  it('then each write, crashed before endorse, after endorse, after submit, after commit or before responding, has exactly one VALID transaction and the retry answers it', async () => {
    for (const stage of FAILPOINT_STAGES) {
      // An even op registers a patient (write-once), an odd one records an access (a blind retry would
      // write a second audit event).
      for (const seq of [0, 1]) {
        const writing = workload.op(0, seq, {
          firstAttemptHeaders: { [FAILPOINT_HEADER]: stage },
          attemptTimeoutMs: 20_000,
          opDeadlineMs: 90_000,
        });
        await restartAfterCrash();
        const op = await writing;
        assert.equal(op.attempts[0]?.status, 'reset', `${stage}: the first attempt died with the gateway`);
        assert.equal(op.outcome, 'acked', `${stage}: ${JSON.stringify(op.attempts.at(-1))}`);
      }
    }
    const report = await checkJournal(info, workload.journal, fromBlock);
    console.log(`[fault] ${JSON.stringify({ name: 'gateway-failpoints', report })}`);
    assert.deepEqual(report.lost, [], 'acknowledged writes lost');
    assert.deepEqual(report.appliedTwice, [], 'business effects applied twice');
    assert.deepEqual(report.differentReplies, [], 'retries answered differently');
    assert.deepEqual(report.refusedAfterAmbiguous, [], 'retries of ambiguous writes refused');
    assert.equal(report.acked, FAILPOINT_STAGES.length * 2);
    assert.ok(report.peersAgree, 'every peer holds the same transactions');
  });

  it('then a record whose gateway died after staging its content is anchored once, and the salt the retry answers verifies the content', async () => {
    // The workload's doctor, and a patient of their own.
    const doctor = await apiAs(info, 'Hospital1', `hospital1-fault-att-${workload.run}`);
    const patient = `did:medledger:patient:failpoint-${workload.run}`;
    const registered = await doctor.post('/v1/patients', {
      patientDid: patient,
      publicKeyJwk: generatePatientKey().publicJwk,
    });
    assert.equal(registered.status, 201, JSON.stringify(registered.body));
    for (const stage of ['after-endorse', 'after-commit'] as const) {
      const recordId = `rec-failpoint-${workload.run}-${stage}`;
      const resource = hypertensionCondition({ id: `cond-${stage}`, patientRef: workload.run, display: 'x' });
      const body = diagnosisRecord(recordId, patient, resource);
      const key = `failpoint-${workload.run}-${stage}`;
      const first = doctor
        .post('/v1/records', body, { idempotencyKey: key, headers: { [FAILPOINT_HEADER]: stage } })
        .then(
          () => 'answered',
          () => 'reset',
        );
      await restartAfterCrash();
      assert.equal(await first, 'reset', `${stage}: the first attempt died with the gateway`);
      const retry = await doctor.post('/v1/records', body, { idempotencyKey: key });
      assert.equal(retry.status, 201, `${stage}: ${JSON.stringify(retry.body)}`);
      const history = await doctor.get(`/v1/records/${recordId}/history`);
      assert.equal((history.body['versions'] as unknown[]).length, 1, `${stage}: one version`);
      const verified = await doctor.post(`/v1/records/${recordId}/verify`, {
        resource,
        salt: retry.body['salt'],
      });
      assert.equal(verified.status, 200, JSON.stringify(verified.body));
      assert.equal(verified.body['matches'], true, `${stage}: the answered salt verifies the content`);
    }
  });
});
