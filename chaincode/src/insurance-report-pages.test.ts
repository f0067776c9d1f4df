import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { mergeClaimReports, type ClaimReportPage } from '@medledger/domain';
import { encodeCursor } from './claim-report';
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

/** Three claims of the pair, one line of the first disputed and partly upheld, a batch paying two entries. */
async function settledWorld(): Promise<{ w: InsuranceWorld; auditor: FakeSigner }> {
  const w = await insuranceWorld();
  const { claimId } = await submitClaim(w, [line(w), line(w, { item: XRAY, unitPrice: 15000 })]);
  for (const day of ['2025-05-28', '2025-05-29']) await submitClaim(w, [line(w, { servicedDate: day })]);
  const held = (who: FakeSigner, args: Record<string, unknown>) =>
    w.h.evaluate<{ claim: string; dispute: string; entries: string[] }>(
      who,
      'insurance:GetSettlementContext',
      { provider: H1, insurer: INSURER, claimId: null, disputeId: null, openEntries: false, ...args },
    );
  const { claim } = await held(w.billing, { claimId });
  const { result: dispute } = await w.h.submit<{ disputeId: string }>(
    w.billing,
    'insurance:OpenDispute',
    { insurer: INSURER, claimId },
    {
      transient: {
        dispute: { lineSequence: 1, reason: 'AMOUNT_MISCALCULATED', requestedAmount: 8000 },
        presented: { claim, nonce: nonce() },
      },
    },
  );
  const adjuster = await registerStaff(w.h, INSURER, 'adjuster', null);
  const { dispute: bytes } = await held(adjuster, { disputeId: dispute.disputeId });
  await w.h.submit(
    adjuster,
    'insurance:ResolveDispute',
    { provider: H1, insurer: INSURER, disputeId: dispute.disputeId },
    {
      transient: {
        resolution: { approvedAmount: 6000, resolution: 'ADJUDICATION_CORRECTED' },
        presented: { dispute: bytes, nonce: nonce() },
      },
    },
  );
  const { entries } = await held(w.insurerAdmin, { openEntries: true, currency: 'EUR', limit: 2 });
  await w.h.submit(
    w.insurerAdmin,
    'insurance:CloseSettlementBatch',
    { provider: H1, insurer: INSURER, currency: 'EUR' },
    { transient: { presented: { entries, nonce: nonce() } } },
  );
  return { w, auditor: await registerStaff(w.h, 'RegulatorMSP', 'auditor', null) };
}

function report(
  w: InsuranceWorld,
  who: FakeSigner,
  input: Record<string, unknown>,
): Promise<ClaimReportPage> {
  return w.h.evaluate<ClaimReportPage>(who, 'insurance:GetClaimReport', input);
}

/** A page's report without its cursor (every page but the last has one). */
function reportOf(page: ClaimReportPage): Omit<ClaimReportPage, 'next'> {
  const { next, ...counted } = page;
  assert.ok(next === null || next.length > 0);
  return counted;
}

/** Every page from the first, as the gateway reads them. */
async function pages(w: InsuranceWorld, who: FakeSigner, limit: number): Promise<ClaimReportPage[]> {
  const read: ClaimReportPage[] = [];
  let after: string | null = null;
  do {
    const page = await report(w, who, { after, limit });
    read.push(page);
    after = page.next;
  } while (after !== null);
  return read;
}

void describe('InsuranceContract: the claim report by pages', () => {
  void it('when the report is read a few facts a page, then the pages summed are the whole report, whatever the page size', async () => {
    const { w, auditor } = await settledWorld();
    const whole = await report(w, auditor, {});
    assert.equal(whole.next, null);
    assert.equal(whole.claims, 3);
    // 3 claims, 1 dispute, 3 approvals + 1 adjustment + 1 payment: 9 facts.
    for (const limit of [1, 2, 4, 9, 5000]) {
      const read = await pages(w, auditor, limit);
      assert.ok(read.length >= Math.ceil(9 / limit), `limit ${limit}: ${read.length} pages`);
      if (limit === 5000) assert.equal(read.length, 1);
      const summed = read.map(reportOf).reduce((a, b) => mergeClaimReports(a, b));
      assert.deepEqual(summed, reportOf(whole), `limit ${limit}`);
    }
    const pair = whole.byPair.find((p) => p.provider === H1);
    assert.ok(pair && pair.outstanding > 0 && pair.settled > 0);
  });

  void it('when the report is asked for whole and does not fit one page, then it is SCAN_LIMIT rather than a report of part of the facts', async () => {
    const { w, auditor } = await settledWorld();
    await assert.rejects(report(w, auditor, { limit: 4 }), /\[SCAN_LIMIT\] claim report over 5000/);
  });

  void it('when a cursor is forged (not base64 JSON, another kind, or a key outside its kind), then VALIDATION_FAILED, never a read of other keys', async () => {
    const { w, auditor } = await settledWorld();
    const forged = [
      'not a cursor!',
      encodeCursor({ insurer: 'Hospital2MSP', kind: 'claim', after: null }),
      Buffer.from(JSON.stringify({ insurer: INSURER, kind: 'coverage', after: null })).toString('base64url'),
      encodeCursor({ insurer: INSURER, kind: 'claim', after: '\u0000coverage\u0000' }),
    ];
    for (const after of forged)
      await assert.rejects(report(w, auditor, { after, limit: 2 }), /\[VALIDATION_FAILED\] after/, after);
    await assert.rejects(report(w, w.billing, { after: null }), /\[FORBIDDEN\]/);
  });
});
