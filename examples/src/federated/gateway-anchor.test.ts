import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { checkAggregate, type ModelUpdate, type RoundAggregate } from '@medledger/domain';
import { verifyInclusion } from './anchor';
import { runFederated } from './coordinator';
import { GatewayAnchorError, GatewayRoundAnchor } from './gateway-anchor';

/**
 * A hand-written stand-in for the gateways' round routes with the ledger's rules: an update only from
 * the token's own site, once per round; an aggregate only from the lead, over anchored updates with
 * their root, once. Tokens are the site MSP ids (or `lead`).
 */
function fakeGateways() {
  const updates: ModelUpdate[] = [];
  const aggregates: RoundAggregate[] = [];
  const reply = (res: ServerResponse, status: number, body: unknown): true => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
    return true;
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      const who = (req.headers.authorization ?? '').replace('Bearer ', '');
      const m = /^\/v1\/studies\/([^/]+)\/rounds\/(\d+)(?:\/(updates|aggregate))?$/.exec(req.url ?? '');
      if (!m) return reply(res, 404, { code: 'ROUTE_NOT_FOUND' });
      const [, studyId = '', roundText = '', action] = m;
      const round = Number(roundText);
      const body = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
      const closed = aggregates.find((a) => a.studyId === studyId && a.round === round);
      if (action === 'updates') {
        if (who === 'lead') return reply(res, 403, { code: 'FORBIDDEN', detail: 'not a site' });
        if (closed || updates.some((u) => u.studyId === studyId && u.round === round && u.site === who))
          return reply(res, 409, { code: 'CONFLICT', detail: `round ${roundText}` });
        const update = {
          studyId,
          round,
          site: who,
          updateHash: String(body['updateHash']),
          sampleCount: Number(body['sampleCount']),
          submittedBy: who,
          submittedAt: new Date(0).toISOString(),
          txId: '0'.repeat(64),
        };
        updates.push(update);
        return reply(res, 201, { txId: update.txId, update });
      }
      const inRound = updates.filter((u) => u.studyId === studyId && u.round === round);
      if (action === 'aggregate') {
        if (who !== 'lead') return reply(res, 403, { code: 'FORBIDDEN', detail: 'not the lead' });
        if (closed) return reply(res, 409, { code: 'CONFLICT', detail: 'closed' });
        const verdict = checkAggregate({
          sites: body['sites'] as string[],
          merkleRoot: String(body['merkleRoot']),
          updates: inRound,
        });
        if (!verdict.ok) return reply(res, 409, { code: verdict.code, detail: verdict.detail });
        const aggregate = {
          studyId,
          round,
          org: 'ResearchMSP',
          aggregateHash: String(body['aggregateHash']),
          sites: verdict.sites,
          merkleRoot: String(body['merkleRoot']),
          treeSize: verdict.treeSize,
          sampleCount: verdict.sampleCount,
          aggregatedBy: 'lead',
          aggregatedAt: new Date(0).toISOString(),
          txId: '1'.repeat(64),
        };
        aggregates.push(aggregate);
        return reply(res, 201, { txId: aggregate.txId, aggregate });
      }
      return reply(res, 200, {
        studyId,
        round,
        state: closed ? 'closed' : 'open',
        updates: inRound,
        aggregate: closed ?? null,
      });
    });
  });
  return { server, updates, aggregates };
}

void describe('federated example: anchoring through the gateways', () => {
  const fake = fakeGateways();
  let url = '';
  before(async () => {
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${String((fake.server.address() as AddressInfo).port)}`;
  });
  after(
    () =>
      new Promise<void>((resolve) => {
        fake.server.close(() => {
          resolve();
        });
      }),
  );

  const anchor = () =>
    new GatewayRoundAnchor({
      lead: { url, token: 'lead' },
      sites: { Hospital1MSP: { url, token: 'Hospital1MSP' }, Hospital2MSP: { url, token: 'Hospital2MSP' } },
      settleMs: 2000,
    });

  void it('when a run is pointed at the gateways, then every update and aggregate is anchored there and each site proves its inclusion against the anchored root', async () => {
    const studyId = 'fl-gateway-run';
    const gateway = anchor();
    const run = await runFederated({
      studyId,
      sites: [
        { site: 'Hospital1MSP', seed: 1, samples: 300, shift: -0.3 },
        { site: 'Hospital2MSP', seed: 2, samples: 300, shift: 0.3 },
      ],
      rounds: 2,
      anchor: gateway,
    });
    assert.equal(fake.aggregates.filter((a) => a.studyId === studyId).length, 2);
    assert.equal(fake.updates.filter((u) => u.studyId === studyId).length, 4);
    for (const r of run.rounds) {
      for (const site of ['Hospital1MSP', 'Hospital2MSP']) {
        const anchored = await gateway.round(studyId, r.round);
        const leaf = anchored.updates.find((u) => u.site === site);
        assert.ok(leaf);
        const { roundInclusionProof } = await import('@medledger/domain');
        const proof = roundInclusionProof(anchored, site);
        assert.ok(proof);
        assert.equal(await verifyInclusion(gateway, proof.leaf, proof.proof), true);
      }
    }
  });

  void it("when a site's gateway refuses an update, then the run stops with the gateway's code", async () => {
    const gateway = anchor();
    const leaf = {
      studyId: 'fl-refused',
      round: 1,
      site: 'Hospital1MSP',
      updateHash: 'a'.repeat(64),
      sampleCount: 5,
    };
    await gateway.anchorUpdate(leaf);
    await assert.rejects(
      gateway.anchorUpdate(leaf),
      (e: unknown) => e instanceof GatewayAnchorError && e.code === 'CONFLICT',
    );
    await assert.rejects(
      gateway.anchorUpdate({ ...leaf, site: 'Hospital9MSP' }),
      /no gateway for Hospital9MSP/,
    );
  });
});
