import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { attendingWithRecord } from '../../support/api';
import { killProcess, restartProcess, waitUntil } from '../../support/faults';
import { chainHeight, privateDataDigests, readLedger } from '../../support/ledger';
import { useNetwork } from '../../support/network';

/**
 * The regulator co-endorses every patient-linked write, so its peer's outage stops them
 * (insiders/regulator-outage). An org that runs a second peer (MEDLEDGER_PEERS=2) is not stopped by
 * losing one: another org's gateway asks its other peer.
 */
describe('when the regulator runs two peers and its first peer is SIGKILLed', () => {
  const network = useNetwork();

  it("then access decisions at Hospital1 are still granted, endorsed by the regulator's second peer, and the first, restarted, catches up with every block and holds the same private data", async () => {
    const info = network();
    const regulator = info.orgs.find((o) => o.name === 'Regulator');
    assert.ok((regulator?.peers.length ?? 0) >= 2, 'the regulator runs a second peer');
    const { doctor, recordId } = await attendingWithRecord(info, 'Hospital1', 'two-peers');
    const before = await chainHeight(info, 'Hospital1', 'hospital1-admin');

    await killProcess('peer0-regulator');
    const tookMs: number[] = [];
    try {
      for (let i = 0; i < 3; i++) {
        const started = performance.now();
        const access = await doctor.post(`/v1/records/${recordId}/access`, { purpose: 'treatment' });
        assert.equal(
          access.status,
          200,
          `a decision with one regulator peer down: ${JSON.stringify(access.body)}`,
        );
        const { decision } = access.body as { decision: { outcome: string } };
        assert.equal(decision.outcome, 'granted');
        tookMs.push(Math.round(performance.now() - started));
      }
    } finally {
      await restartProcess('peer0-regulator');
    }
    const decisions = (await readLedger(info, 'Hospital1', 'hospital1-admin', before)).filter(
      (tx) => tx.fn.endsWith('AccessRecord') && tx.validationCode === 0,
    );
    assert.equal(decisions.length, 3, 'three decisions committed while the regulator ran one peer');
    for (const tx of decisions)
      assert.ok(tx.endorsers.includes('RegulatorMSP'), `${tx.txId} endorsed by the regulator`);

    // The restarted peer commits the blocks it missed and pulls their private data from a member peer.
    const to = (await chainHeight(info, 'Hospital1', 'hospital1-admin')) - 1;
    const range = { from: 0, to, timeoutMs: 60_000 };
    const second = await privateDataDigests(info, 'Regulator', 'regulator-auditor-1', 1, range);
    assert.equal(second.length, to + 1);
    assert.ok(
      second.slice(before).filter((d) => d !== '').length >= 3,
      "the decisions' private data is on the regulator's second peer",
    );
    await waitUntil(
      "the restarted peer to hold every block's private data",
      async () =>
        (await privateDataDigests(info, 'Regulator', 'regulator-auditor-1', 0, range)).join('|') ===
        second.join('|'),
      90_000,
      2_000,
    );
    console.log(`[faults] one regulator peer down: access decisions granted in ${tookMs.join(', ')} ms`);
  });
});
