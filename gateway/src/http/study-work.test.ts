import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';

import { callJson, startTestGateway, type TestGateway } from '../testing/harness';
import { after, before, describe, it } from '../testing/node-test';

const hex = (): string => randomBytes(32).toString('hex');

let gw: TestGateway;
before(async () => {
  gw = await startTestGateway();
});
after(async () => {
  await gw.close();
});

const call = (method: string, path: string, token: string, body?: unknown) =>
  callJson(gw, method, path, token, body);

describe('study work routes', () => {
  it("when a site's admin records a contribution, then its records travel in the transient map only, endorsed by the site and the regulator", async () => {
    const studyId = `study-${hex().slice(0, 8)}`;
    const records = [
      { recordId: `rec-${hex().slice(0, 8)}`, version: 1, accessId: hex() },
      { recordId: `rec-${hex().slice(0, 8)}`, version: 2, accessId: hex() },
    ];
    const datasetHash = hex();
    const r = await call('POST', `/v1/studies/${studyId}/contributions`, await gw.token('hospital1-admin'), {
      taskId: 'task-1',
      datasetHash,
      records,
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const sent = gw.fake.callsOf('studywork:RecordContribution').at(-1);
    assert.deepEqual(sent?.input, { studyId, taskId: 'task-1', datasetHash });
    assert.deepEqual(JSON.parse(sent.options.transient?.['records'] ?? '[]'), records);
    assert.deepEqual(sent.options.endorsingOrganizations, ['Hospital1MSP', 'RegulatorMSP']);
    assert.equal((r.body['contribution'] as { recordCount: number }).recordCount, 2);
  });

  it('when a contribution names a record twice or none, then 400 and nothing reaches the ledger', async () => {
    const before = gw.fake.callsOf('studywork:RecordContribution').length;
    const token = await gw.token('hospital1-admin');
    const one = { recordId: 'rec-twice', version: 1, accessId: hex() };
    for (const records of [[one, { ...one, accessId: hex() }], []]) {
      const r = await call('POST', '/v1/studies/study-x/contributions', token, {
        taskId: 'task-1',
        datasetHash: hex(),
        records,
      });
      assert.equal([r.status, r.body['code']].join(' '), '400 VALIDATION_FAILED');
    }
    assert.equal(gw.fake.callsOf('studywork:RecordContribution').length, before);
  });

  it("when the lead assigns a task, then it is endorsed by the study's org and the regulator", async () => {
    const studyId = `study-${hex().slice(0, 8)}`;
    const r = await call('POST', `/v1/studies/${studyId}/tasks`, await gw.token('research-researcher-1'), {
      taskId: 'task-h1',
      site: 'Hospital1MSP',
      cohort: { criteriaId: 'criteria-1', criteriaHash: hex() },
      recordCount: 50,
      dueDate: '2027-01-01T00:00:00.000Z',
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const sent = gw.fake.callsOf('studywork:AssignStudyTask').at(-1);
    assert.deepEqual(sent?.options.endorsingOrganizations, ['ResearchMSP', 'RegulatorMSP']);
  });

  it("when staff or another patient asks for a patient's points, then 403 and the ledger is not asked", async () => {
    const did = `did:medledger:patient:${hex().slice(0, 10)}`;
    const before = gw.fake.callsOf('studywork:GetContributionPoints').length;
    const staff = await call('GET', `/v1/patients/${did}/points`, await gw.token('hospital1-admin'));
    assert.equal(staff.status, 403);
    const other = await call(
      'GET',
      `/v1/patients/${did}/points`,
      await gw.token(`did:medledger:patient:${hex().slice(0, 10)}`, { kind: 'patient' }),
    );
    assert.equal(other.status, 403);
    const noProof = await call('GET', `/v1/patients/${did}/points`, await gw.token(did, { kind: 'patient' }));
    assert.equal(noProof.status, 401);
    assert.equal(gw.fake.callsOf('studywork:GetContributionPoints').length, before);
  });
});
