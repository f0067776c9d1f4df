import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { NetworkInfo } from '@medledger/network';
import { ApiClient, attendingWithRecord } from '../../support/api';
import { killProcess, restartProcess, signalProcess, waitUntil } from '../../support/faults';
import { chainHeight, privateDataDigests } from '../../support/ledger';
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

/** Hospital1's gateway, an attending of it with a patient's anchored record, and the peer its stream follows. */
async function hospital1Setup(info: NetworkInfo) {
  const hospital1 = orgInfo(info, 'Hospital1');
  assert.ok(hospital1.peers.length >= 2, 'Hospital1 runs a second peer');
  const url = gatewayUrl(hospital1);
  const { doctor, recordId } = await attendingWithRecord(info, 'Hospital1', 'own-peer');
  // The local peer on a fresh network; the other one after an earlier fault moved the stream there.
  const followed = await gauge(url, 'medledger_block_stream_peer');
  assert.ok(
    followed === 0 || followed === 1,
    `the stream follows one of Hospital1's peers (${String(followed)})`,
  );
  return { url, doctor, recordId, followed, victim: `peer${String(followed)}-hospital1` };
}

/** Waits until the gateway's block stream is up on Hospital1's peer `index`; resolves the milliseconds. */
function streamFollows(url: string, index: number): Promise<number> {
  return waitUntil(
    `the gateway's block stream to follow Hospital1's peer ${String(index)}`,
    async () =>
      (await gauge(url, 'medledger_block_stream_peer')) === index &&
      (await gauge(url, 'medledger_commit_stream_up')) === 1,
    15_000,
    100,
  );
}

/** Waits until Hospital1's peer `index` delivers the chain's last block (its channel open and caught up). */
async function peerDelivers(info: NetworkInfo, index: number): Promise<void> {
  await waitUntil(
    `Hospital1's peer ${String(index)} to deliver the last block`,
    async () => {
      try {
        const to = (await chainHeight(info, 'Regulator', 'regulator-auditor-1')) - 1;
        await privateDataDigests(info, 'Hospital1', 'hospital1-admin', index, {
          from: to,
          to,
          timeoutMs: 5_000,
        });
        return true;
      } catch {
        return false;
      }
    },
    90_000,
    500,
  );
}

/** Posts an access decision; resolves how long it took when granted, or the status it answered. */
async function decide(doctor: ApiClient, recordId: string): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  const access = await doctor.post(`/v1/records/${recordId}/access`, { purpose: 'treatment' });
  const ms = Math.round(performance.now() - started);
  if (access.status === 200) {
    const { decision } = access.body as { decision: { outcome: string } };
    assert.equal(decision.outcome, 'granted');
  }
  return { status: access.status, ms };
}

/** Waits until the gateway's projection has projected every block of the chain as the regulator sees it. */
async function projectionCaughtUp(info: NetworkInfo, url: string): Promise<void> {
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
}

/**
 * A gateway's calls went to its org's other peer when the local one failed; its block stream (commits
 * and the projection) follows too, so writes see their commits on the stream and the projection keeps
 * up while that peer is down or hung.
 */
describe('when Hospital1 runs two peers and the one its gateway streams blocks from is SIGKILLed', () => {
  const network = useNetwork();

  it("then Hospital1's access decisions are granted with their commits seen on the other peer's block stream, and the projection keeps up", async () => {
    const info = network();
    const { url, doctor, recordId, followed, victim } = await hospital1Setup(info);
    await killProcess(victim);
    const tookMs: number[] = [];
    let movedMs: number;
    try {
      movedMs = await streamFollows(url, 1 - followed);
      const statusCallsBefore = await gauge(url, 'medledger_commit_status_calls');
      for (let i = 0; i < 3; i++) {
        const { status, ms } = await decide(doctor, recordId);
        assert.equal(status, 200, `a decision with ${victim} down`);
        tookMs.push(ms);
      }
      assert.equal(
        await gauge(url, 'medledger_commit_status_calls'),
        statusCallsBefore,
        'every commit was seen on the block stream, none asked the peer one by one',
      );
      // The decisions' audit events reach the projection from the other peer's blocks.
      await projectionCaughtUp(info, url);
    } finally {
      await restartProcess(victim);
    }
    assert.equal((await decide(doctor, recordId)).status, 200, 'a decision after the restart');
    console.log(
      `[faults] ${victim} down: the gateway's stream on the other peer after ${String(Math.round(movedMs))} ms, decisions granted in ${tookMs.join(', ')} ms`,
    );
  });
});

describe('when Hospital1 runs two peers and the one its gateway streams blocks from hangs (SIGSTOP)', () => {
  const network = useNetwork();

  it('then at most the calls in flight time out, decisions are granted through the other peer, the stalled stream moves there, and the projection keeps up', async () => {
    const info = network();
    const { url, doctor, recordId, followed, victim } = await hospital1Setup(info);
    // One hung peer, the other serving: an earlier case may just have restarted the other one, and a
    // peer whose channel is not open yet serves nothing (its Fabric gateway even sends the org's
    // endorsements to the hung peer, whose gossip height is higher), which is two faults, not one.
    await peerDelivers(info, 1 - followed);
    const stalledBefore = (await gauge(url, 'medledger_commit_streams_stalled')) ?? 0;
    const statusCallsBefore = (await gauge(url, 'medledger_commit_status_calls')) ?? 0;
    // Without the wait for every peer's height after each write: the hung peer would never answer it.
    const caller = new ApiClient(doctor.baseUrl, doctor.token);
    signalProcess(victim, 'SIGSTOP');
    const answers: { status: number; ms: number }[] = [];
    try {
      // The first call may go to the hung peer and spend its deadline (504); the next ones go elsewhere.
      while (answers.filter((a) => a.status === 200).length < 3 && answers.length < 6) {
        answers.push(await decide(caller, recordId));
      }
      const statuses = answers.map((a) => a.status);
      assert.ok(
        statuses.every((s) => s === 200 || s === 503 || s === 504),
        `only granted decisions or clean 503/504 answers while ${victim} hangs: ${statuses.join(', ')}`,
      );
      assert.ok(
        statuses.filter((s) => s !== 200).length <= 1,
        `at most the first call times out: ${statuses.join(', ')}`,
      );
      await streamFollows(url, 1 - followed);
      assert.ok(((await gauge(url, 'medledger_commit_streams_stalled')) ?? 0) > stalledBefore);
      if (statuses[0] === 504) {
        // The timed-out call told the gateway its stream's peer hangs: the stream moved at once, so no
        // later write waited for the stall check and asked the peer for its commit.
        assert.equal(
          await gauge(url, 'medledger_commit_status_calls'),
          statusCallsBefore,
          'every commit after the timeout was seen on the moved stream',
        );
      }
      const after = await decide(caller, recordId);
      assert.equal(after.status, 200, 'a decision once the stream moved');
      answers.push(after);
      await projectionCaughtUp(info, url);
    } finally {
      signalProcess(victim, 'SIGCONT');
    }
    console.log(
      `[faults] ${victim} hung: decisions answered ${answers.map((a) => `${String(a.status)} in ${String(a.ms)} ms`).join(', ')}`,
    );
  });
});
