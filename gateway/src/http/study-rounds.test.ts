import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';

import type { RoundInclusionProof } from '@medledger/domain';

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

describe('federated round routes', () => {
  it("when a site's admin anchors an update and the lead aggregates, then the update goes with the site and the regulator, the aggregate with the study's org", async () => {
    const studyId = `study-${hex().slice(0, 8)}`;
    const updateHash = hex();
    const u = await call(
      'POST',
      `/v1/studies/${studyId}/rounds/1/updates`,
      await gw.token('hospital1-admin'),
      {
        updateHash,
        sampleCount: 600,
      },
    );
    assert.equal(u.status, 201, JSON.stringify(u.body));
    const sent = gw.fake.callsOf('studyrounds:SubmitModelUpdate').at(-1);
    assert.deepEqual(sent?.input, { studyId, round: 1, updateHash, sampleCount: 600 });
    assert.deepEqual(sent.options.endorsingOrganizations, ['Hospital1MSP', 'RegulatorMSP']);
    const researcher = await gw.token('research-researcher-1');
    const body = { aggregateHash: hex(), sites: ['Hospital2MSP', 'Hospital1MSP'], merkleRoot: hex() };
    const a = await call('POST', `/v1/studies/${studyId}/rounds/1/aggregate`, researcher, body);
    assert.equal(a.status, 201, JSON.stringify(a.body));
    const agg = gw.fake.callsOf('studyrounds:AggregateRound').at(-1);
    assert.deepEqual(agg?.input, { studyId, round: 1, ...body });
    assert.deepEqual(agg.options.endorsingOrganizations, ['ResearchMSP', 'RegulatorMSP']);
  });

  it('when a site asks for its proof and a verifier checks it, then it verifies against the anchored root; another leaf or a site left out does not', async () => {
    const token = await gw.token('hospital1-admin');
    const p = await call('GET', '/v1/studies/study-r/rounds/3/proofs/Hospital2MSP', token);
    assert.equal(p.status, 200, JSON.stringify(p.body));
    const proof = p.body as unknown as RoundInclusionProof;
    const { site, updateHash, sampleCount } = proof.leaf;
    const check = (leaf: unknown, path = proof.proof.path) =>
      call('POST', '/v1/studies/study-r/rounds/3/verify', token, {
        leaf,
        proof: { leafIndex: proof.proof.leafIndex, path },
      });
    const ok = await check({ site, updateHash, sampleCount });
    assert.equal(ok.status, 200);
    assert.deepEqual(
      [ok.body['included'], ok.body['merkleRoot'], ok.body['treeSize']],
      [true, proof.merkleRoot, 2],
    );
    assert.equal((await check({ site, updateHash, sampleCount: sampleCount + 1 })).body['included'], false);
    assert.equal((await check({ site: 'Hospital1MSP', updateHash, sampleCount })).body['included'], false);
    assert.equal((await check({ site, updateHash, sampleCount }, [])).body['included'], false);
    const missing = await call('GET', '/v1/studies/study-r/rounds/3/proofs/Hospital3MSP', token);
    assert.equal([missing.status, missing.body['code']].join(' '), '404 NOT_FOUND');
  });

  it('when a round number is not a positive integer or a proof is malformed, then 400 and nothing reaches the ledger', async () => {
    const token = await gw.token('hospital1-admin');
    const before = gw.fake.calls.length;
    for (const round of ['0', '-1', '1.5', 'x', '10001']) {
      const r = await call('GET', `/v1/studies/study-r/rounds/${round}`, token);
      assert.equal([r.status, r.body['code']].join(' '), '400 VALIDATION_FAILED', round);
    }
    const bad = await call('POST', '/v1/studies/study-r/rounds/1/verify', token, {
      leaf: { site: 'Hospital1MSP', updateHash: 'zz', sampleCount: 1 },
      proof: { leafIndex: 0, path: [] },
    });
    assert.equal(bad.status, 400);
    const dup = await call(
      'POST',
      '/v1/studies/study-r/rounds/1/aggregate',
      await gw.token('research-researcher-1'),
      {
        aggregateHash: hex(),
        sites: ['Hospital1MSP', 'Hospital1MSP'],
        merkleRoot: hex(),
      },
    );
    assert.equal(dup.status, 400);
    assert.equal(gw.fake.calls.length, before);
  });
});
