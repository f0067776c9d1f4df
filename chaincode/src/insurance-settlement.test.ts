import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import type { ClaimReport } from '@medledger/domain';
import type { FakeSigner } from './testing/fake-identity';
import { registerStaff } from './testing/harness';
import {
  INSURER,
  insuranceWorld,
  line,
  submitClaim,
  XRAY,
  type InsuranceWorld,
} from './testing/insurance-fixtures';

const H1 = 'Hospital1MSP';
const nonce = (): string => randomBytes(32).toString('hex');

type Context = { claim: string | null; dispute: string | null; entries: string[] };

function context(
  w: InsuranceWorld,
  who: FakeSigner,
  q: { claimId?: string; disputeId?: string; openEntries?: boolean },
): Promise<Context> {
  return w.h.evaluate<Context>(who, 'insurance:GetSettlementContext', {
    provider: H1,
    insurer: INSURER,
    claimId: q.claimId ?? null,
    disputeId: q.disputeId ?? null,
    openEntries: q.openEntries ?? false,
  });
}

/** A claim whose visit line was approved 40.00 of 120.00 (deductible), and an x-ray paid in full. */
async function claimed(): Promise<{ w: InsuranceWorld; claimId: string; adjuster: FakeSigner }> {
  const w = await insuranceWorld();
  const { claimId } = await submitClaim(w, [line(w), line(w, { item: XRAY, unitPrice: 15000 })]);
  const adjuster = await registerStaff(w.h, INSURER, 'adjuster', null);
  return { w, claimId, adjuster };
}

async function dispute(
  w: InsuranceWorld,
  claimId: string,
  requestedAmount: number,
  lineSequence = 1,
): Promise<{ disputeId: string; status: string }> {
  const { claim } = await context(w, w.billing, { claimId });
  const { result } = await w.h.submit<{ disputeId: string; status: string }>(
    w.billing,
    'insurance:OpenDispute',
    { insurer: INSURER, claimId },
    {
      transient: {
        dispute: { lineSequence, reason: 'AMOUNT_MISCALCULATED', requestedAmount },
        presented: { claim, nonce: nonce() },
      },
    },
  );
  return result;
}

async function resolve(
  w: InsuranceWorld,
  who: FakeSigner,
  disputeId: string,
  approvedAmount: number,
  endorsers?: readonly string[],
) {
  const { dispute: bytes } = await context(w, who, { disputeId });
  return w.h.submit<{ status: string }>(
    who,
    'insurance:ResolveDispute',
    { provider: H1, insurer: INSURER, disputeId },
    {
      transient: {
        resolution: { approvedAmount, resolution: 'ADJUDICATION_CORRECTED' },
        presented: { dispute: bytes ?? '', nonce: nonce() },
      },
      ...(endorsers ? { endorsers } : {}),
    },
  );
}

async function closeBatch(w: InsuranceWorld, entries: readonly string[]) {
  return w.h.submit<{ entries: number }>(
    w.insurerAdmin,
    'insurance:CloseSettlementBatch',
    { provider: H1, insurer: INSURER, currency: 'EUR' },
    { transient: { presented: { entries, nonce: nonce() } } },
  );
}

void describe('InsuranceContract: disputes, batches, report', () => {
  void it('when a line is disputed, partly upheld, and the batch closes, then the regulator report shows the claim, the dispute and nothing outstanding', async () => {
    const { w, claimId, adjuster } = await claimed();
    const opened = await dispute(w, claimId, 8000);
    assert.equal(opened.status, 'open');
    const { result: resolved } = await resolve(w, adjuster, opened.disputeId, 6000);
    assert.equal(resolved.status, 'partially_upheld');
    const { entries } = await context(w, w.insurerAdmin, { openEntries: true });
    assert.equal(entries.length, 2, 'the approval and the adjustment are open');
    const { result: batch } = await closeBatch(w, entries);
    assert.equal(batch.entries, 2);
    assert.deepEqual((await context(w, w.billing, { openEntries: true })).entries, []);
    const auditor = await registerStaff(w.h, 'RegulatorMSP', 'auditor', null);
    const report = await w.h.evaluate<ClaimReport>(auditor, 'insurance:GetClaimReport', {});
    assert.equal(report.claims, 1);
    assert.equal(report.disputesByStatus.partially_upheld, 1);
    const pair = report.byPair.find((p) => p.provider === H1);
    // Visit 40.00 + x-ray 150.00 approved, 20.00 adjusted, all of it settled.
    assert.deepEqual(
      [pair?.approved, pair?.adjusted, pair?.settled, pair?.outstanding],
      [19000, 2000, 21000, 0],
    );
  });

  void it('when the entries of a closed batch are presented again, or one is altered, then the batch is refused PRESENTED_MISMATCH', async () => {
    const { w } = await claimed();
    const { entries } = await context(w, w.insurerAdmin, { openEntries: true });
    await closeBatch(w, entries);
    await assert.rejects(closeBatch(w, entries), /\[PRESENTED_MISMATCH\] .* settled/);
    const { claimId: second } = await submitClaim(w, [line(w, { servicedDate: '2025-05-20' })]);
    assert.ok(second);
    const fresh = (await context(w, w.insurerAdmin, { openEntries: true })).entries;
    const [first = ''] = fresh;
    const envelope = JSON.parse(Buffer.from(first, 'base64').toString('utf8')) as {
      salt: string;
      value: { amount: number; legs: { amount: number }[] };
    };
    envelope.value.amount *= 10;
    const altered = Buffer.from(JSON.stringify(envelope)).toString('base64');
    await assert.rejects(closeBatch(w, [altered]), /\[PRESENTED_MISMATCH\] a presented value is stale/);
  });

  void it('when a claim, a dispute or an entry is presented that its collection does not hold (never written, or not yet on this endorser), then PRESENTED_MISMATCH, not a decision on it', async () => {
    const { w, claimId, adjuster } = await claimed();
    const held = await context(w, w.billing, { claimId });
    const forgedClaim = Buffer.from(
      JSON.stringify({ salt: 'ab'.repeat(32), value: { claimId: 'clm-never' } }),
    ).toString('base64');
    await assert.rejects(
      w.h.submit(
        w.billing,
        'insurance:OpenDispute',
        { insurer: INSURER, claimId: 'clm-never' },
        {
          transient: {
            dispute: { lineSequence: 1, reason: 'AMOUNT_MISCALCULATED', requestedAmount: 100 },
            presented: { claim: held.claim ?? forgedClaim, nonce: nonce() },
          },
        },
      ),
      /\[PRESENTED_MISMATCH\] a presented value is not stored/,
    );
    await assert.rejects(
      w.h.submit(
        adjuster,
        'insurance:ResolveDispute',
        { provider: 'Hospital1MSP', insurer: INSURER, disputeId: 'd'.repeat(64) },
        {
          transient: {
            resolution: { approvedAmount: 100, resolution: 'ADJUDICATION_CONFIRMED' },
            presented: { dispute: forgedClaim, nonce: nonce() },
          },
        },
      ),
      /\[PRESENTED_MISMATCH\] a presented value is not stored/,
    );
  });

  void it('when the insurer resolves above what was asked or below what was approved (colluding or shortchanging), then it is refused; a line is disputed once', async () => {
    const { w, claimId, adjuster } = await claimed();
    const { disputeId } = await dispute(w, claimId, 8000);
    await assert.rejects(resolve(w, adjuster, disputeId, 9000), /\[VALIDATION_FAILED\] approvedAmount/);
    await assert.rejects(resolve(w, adjuster, disputeId, 3000), /\[VALIDATION_FAILED\] approvedAmount/);
    await assert.rejects(dispute(w, claimId, 9000), /\[CONFLICT\]/);
    await assert.rejects(dispute(w, claimId, 16000, 2), /\[VALIDATION_FAILED\] requestedAmount/);
  });

  void it('when the hospital resolves its own dispute, or the insurer and hospital endorse a resolution without the regulator, then it is refused or does not commit', async () => {
    const { w, claimId, adjuster } = await claimed();
    const { disputeId } = await dispute(w, claimId, 8000);
    await assert.rejects(resolve(w, w.billing, disputeId, 8000), /\[FORBIDDEN\]/);
    const { tx } = await resolve(w, adjuster, disputeId, 8000, [H1, INSURER]);
    assert.equal(tx.status, 'ENDORSEMENT_POLICY_FAILURE');
  });

  void it('when a hospital admin or Research asks for the claim report, then it is forbidden, and Research holds none of the settlement', async () => {
    const { w, claimId } = await claimed();
    await dispute(w, claimId, 8000);
    const researcher = await registerStaff(w.h, 'ResearchMSP', 'researcher', null);
    for (const who of [w.billing, researcher]) {
      await assert.rejects(w.h.evaluate(who, 'insurance:GetClaimReport', {}), /\[FORBIDDEN\]/);
    }
    await assert.rejects(context(w, researcher, { claimId }), /\[FORBIDDEN\]/);
    const research = w.h.ledger.orgView('ResearchMSP').join('\n');
    assert.ok(!research.includes('AMOUNT_MISCALCULATED'));
    assert.ok(!research.includes(w.patient.did));
  });
});
