import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { onboardAttending } from '../../support/api';
import { killProcess, restartProcess, waitUntil } from '../../support/faults';
import { diagnosisRecord, hypertensionCondition, newPatientRegistration } from '../../support/fixtures';
import { chainHeight } from '../../support/ledger';
import { gatewayUrl, orgInfo, useNetwork } from '../../support/network';

/** One gauge of a gateway's `/metrics` (no token), or undefined when absent. */
async function gauge(url: string, name: string): Promise<number | undefined> {
  const text = await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5_000) })).text();
  const value = new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1];
  return value === undefined ? undefined : Number(value);
}

interface Readiness {
  readonly projection: { readonly ledgerHeight: number | null; readonly lagBlocks: number | null };
}

async function readiness(url: string): Promise<Readiness> {
  const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(5_000) });
  return (await res.json()) as Readiness;
}

/**
 * A gateway's calls already went to its org's other peer when the local one failed; its block stream
 * (commits and the projection) now follows too, so writes see their commits on the stream and the
 * projection keeps up while the local peer is down.
 */
describe('when Hospital1 runs two peers and the one its gateway streams blocks from is SIGKILLed', () => {
  const network = useNetwork();

  it("then Hospital1's access decisions are granted with their commits seen on the other peer's block stream, and the projection keeps up", async () => {
    const info = network();
    const hospital1 = orgInfo(info, 'Hospital1');
    assert.ok(hospital1.peers.length >= 2, 'Hospital1 runs a second peer');
    const url = gatewayUrl(hospital1);
    const run = randomBytes(4).toString('hex');
    const doctor = await onboardAttending(info, 'Hospital1', `own-peer-${run}`);
    const patientDid = `did:medledger:patient:own-peer-${run}`;
    const registered = await doctor.post('/v1/patients', newPatientRegistration(patientDid).body);
    assert.equal(registered.status, 201, JSON.stringify(registered.body));
    const recordId = `rec-own-peer-${run}`;
    const resource = hypertensionCondition({ id: `cond-${run}`, patientRef: run });
    const anchored = await doctor.post('/v1/records', diagnosisRecord(recordId, patientDid, resource));
    assert.equal(anchored.status, 201, JSON.stringify(anchored.body));
    // The local peer on a fresh network; the other one after an earlier fault moved the stream there.
    const followed = await gauge(url, 'medledger_block_stream_peer');
    assert.ok(
      followed === 0 || followed === 1,
      `the stream follows one of Hospital1's peers (${String(followed)})`,
    );
    const victim = `peer${String(followed)}-hospital1`;

    await killProcess(victim);
    const tookMs: number[] = [];
    let movedMs: number;
    try {
      movedMs = await waitUntil(
        "the gateway's block stream to follow Hospital1's other peer",
        async () =>
          (await gauge(url, 'medledger_block_stream_peer')) === 1 - followed &&
          (await gauge(url, 'medledger_commit_stream_up')) === 1,
        15_000,
        100,
      );
      const statusCallsBefore = await gauge(url, 'medledger_commit_status_calls');
      for (let i = 0; i < 3; i++) {
        const started = performance.now();
        const access = await doctor.post(`/v1/records/${recordId}/access`, { purpose: 'treatment' });
        assert.equal(
          access.status,
          200,
          `a decision with the local peer down: ${JSON.stringify(access.body)}`,
        );
        const { decision } = access.body as { decision: { outcome: string } };
        assert.equal(decision.outcome, 'granted');
        tookMs.push(Math.round(performance.now() - started));
      }
      assert.equal(
        await gauge(url, 'medledger_commit_status_calls'),
        statusCallsBefore,
        'every commit was seen on the block stream, none asked the peer one by one',
      );
      // The decisions' audit events reach the projection from the other peer's blocks.
      const height = await chainHeight(info, 'Regulator', 'regulator-auditor-1');
      await waitUntil(
        'the projection to reach the last decision',
        async () => {
          const { projection } = await readiness(url);
          return (projection.ledgerHeight ?? 0) >= height && projection.lagBlocks === 0;
        },
        15_000,
        200,
      );
    } finally {
      await restartProcess(victim);
    }
    const after = await doctor.post(`/v1/records/${recordId}/access`, { purpose: 'treatment' });
    assert.equal(after.status, 200, `a decision after the restart: ${JSON.stringify(after.body)}`);
    console.log(
      `[faults] ${victim} down: the gateway's stream on the other peer after ${String(Math.round(movedMs))} ms, decisions granted in ${tookMs.join(', ')} ms`,
    );
  });
});
