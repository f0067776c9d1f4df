import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PROPOSAL_TIME_WINDOW_SECONDS, type AccessDecision } from '@medledger/domain';
import type { Clock } from './custodian-clock';
import { anchor } from './testing/fixtures';
import { Harness, registerPatient, registerStaff } from './testing/harness';

const READ = 'access:ReadRecordContent';
const MINUTE = 60_000;

/** A record of Hospital1 and a granted treatment access of its attending, with the custodian's clock `clock`. */
async function granted(clock: Clock) {
  const h = new Harness(undefined, { custodianClock: clock });
  const patient = await registerPatient(h);
  const attending = await registerStaff(h, 'Hospital1MSP', 'attending', 'cardiology');
  const { anchor: record } = await anchor(h, attending, patient);
  const grantedAt = h.ledger.now;
  const { result } = await h.submit<AccessDecision>(
    attending,
    'access:AccessRecord',
    { recordId: record.recordId, custodian: 'Hospital1MSP', purpose: 'treatment' },
    { time: grantedAt },
  );
  assert.equal(result.outcome, 'granted');
  const read = { recordId: record.recordId, custodian: 'Hospital1MSP', accessId: result.accessId };
  return {
    h,
    attending,
    read,
    grantedAtMs: grantedAt.getTime(),
    expiresAtMs: Date.parse(result.expiresAt ?? ''),
  };
}

void describe('the custodian clock bounds the proposal time of content reads (issue 12 hole 8)', () => {
  void it('when a proposal is backdated to read after the grant expired, then PROPOSAL_TIME_SKEW; within 30 s of the custodian clock either way it reads', async () => {
    let custodianNow = 0;
    const w = await granted(() => custodianNow);
    const window = PROPOSAL_TIME_WINDOW_SECONDS * 1000;
    // 10 min after expiry by the custodian's clock, the signer claims a time inside the grant.
    custodianNow = w.expiresAtMs + 10 * MINUTE;
    const backdated = new Date(w.expiresAtMs - MINUTE);
    await assert.rejects(
      w.h.evaluate(w.attending, READ, w.read, { time: backdated }),
      /\[PROPOSAL_TIME_SKEW\] [0-9a-f]{64}/,
    );
    // Post-dated as far is refused too; the edge of the window is accepted.
    const proposal = new Date(w.grantedAtMs + MINUTE);
    for (const [skew, ok] of [
      [window + 1_000, false],
      [-(window + 1_000), false],
      [window - 1_000, true],
      [-(window - 1_000), true],
      [0, true],
    ] as const) {
      custodianNow = proposal.getTime() + skew;
      const attempt = w.h.evaluate<{ recordId: string }>(w.attending, READ, w.read, { time: proposal });
      if (ok) assert.equal((await attempt).recordId, w.read.recordId, `skew ${String(skew)}`);
      else await assert.rejects(attempt, /\[PROPOSAL_TIME_SKEW\]/, `skew ${String(skew)}`);
    }
    // In step with the custodian, an expired grant is EXPIRED as before.
    custodianNow = w.expiresAtMs + MINUTE;
    await assert.rejects(
      w.h.evaluate(w.attending, READ, w.read, { time: new Date(custodianNow) }),
      /\[EXPIRED\]/,
    );
  });

  void it("when the read reaches another org's peer, then CONTENT_UNAVAILABLE before the clock is read", async () => {
    let reads = 0;
    const w = await granted(() => {
      reads++;
      return Date.UTC(2025, 5, 1, 8);
    });
    await assert.rejects(
      w.h.evaluate(w.attending, READ, w.read, { peer: 'Hospital2MSP' }),
      /\[CONTENT_UNAVAILABLE\] .* not on this peer/,
    );
    assert.equal(reads, 0);
  });

  void it('when the read is submitted instead of evaluated, then it never commits: the second org refuses to endorse, and the custodian alone fails the two-org chaincode policy', async () => {
    let reads = 0;
    let custodianNow = 0;
    const w = await granted(() => {
      reads++;
      return custodianNow;
    });
    custodianNow = w.h.ledger.now.getTime();
    const blocks = w.h.ledger.blocks.length;
    await assert.rejects(
      w.h.submit(w.attending, READ, w.read, { endorsers: ['Hospital1MSP', 'Hospital2MSP'] }),
      /\[CONTENT_UNAVAILABLE\]/,
    );
    const alone = await w.h.submit(w.attending, READ, w.read, { endorsers: ['Hospital1MSP'] });
    assert.equal(alone.tx.status, 'ENDORSEMENT_POLICY_FAILURE');
    assert.equal(w.h.ledger.blocks.length, blocks + 1);
    assert.equal(w.h.ledger.blocks.at(-1)?.status, 'ENDORSEMENT_POLICY_FAILURE');
    assert.ok(reads > 0, 'the custodian simulated it, and its clock decided nothing that committed');
  });
});
