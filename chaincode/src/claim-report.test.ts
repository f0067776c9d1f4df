import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { mergeClaimReports, type Claim, type Dispute, type SettlementEntry } from '@medledger/domain';
import { adjudicateClaim, type CoverageFacts } from './adjudication';
import { buildClaimReport } from './claim-report';
import { orThrow } from './refusal';
import {
  balancesOf,
  claimApprovalEntry,
  closeBatch,
  openDispute,
  pairKey,
  resolveDispute,
} from './settlement';

const AT = '2026-05-04T10:00:00.000Z';
const SYSTEM = 'urn:medledger:test:fee-codes';
const txId = (): string => randomUUID().replaceAll('-', '').padEnd(64, '0');
const COVERAGE: CoverageFacts = {
  periodStart: '2026-01-01',
  periodEnd: '2026-12-31',
  state: 'active',
  suspensions: [],
  endsFrom: null,
  deductible: 500,
  periodLimit: null,
  benefits: [
    { item: { system: SYSTEM, code: 'A1' }, rateBasisPoints: 8000, maxUnitPrice: 1_000, periodCap: null },
  ],
};

/** A claim adjudicated for real, so the report is fed what the contract would store. */
function claim(provider: string, lines: { code: string; unitPrice: number; verified: boolean }[]): Claim {
  const input = lines.map((l) => ({
    item: { system: SYSTEM, code: l.code },
    servicedDate: '2026-05-01',
    quantity: 1,
    unitPrice: l.unitPrice,
    recordId: `rec-${randomUUID()}`,
    recordHash: 'a'.repeat(64),
    recordVerified: l.verified,
    recordAnchoredOn: l.verified ? '2026-05-01' : null,
  }));
  const r = adjudicateClaim({
    coverage: COVERAGE,
    usage: { deductibleMet: 0, approvedTotal: 0, approvedByItem: {} },
    claimed: new Set(),
    lines: input,
  });
  return {
    claimId: `claim-${randomUUID()}`,
    coverageId: 'cov-1',
    patientDid: 'did:medledger:patient:p-7f3a9c01',
    provider,
    insurer: 'InsurerMSP',
    currency: 'EUR',
    consentId: txId(),
    submittedBy: 'did:medledger:hospital1:clerk',
    submittedAt: AT,
    txId: txId(),
    lines: input.flatMap((l, i) => {
      const adjudication = r.lines[i];
      if (!adjudication) return [];
      const { item, servicedDate, quantity, unitPrice, recordId, recordHash } = l;
      return [
        { sequence: i + 1, item, servicedDate, quantity, unitPrice, recordId, recordHash, adjudication },
      ];
    }),
    outcome: r.outcome,
    totalSubmitted: r.totalSubmitted,
    totalApproved: r.totalApproved,
  };
}

const lineArb = fc.record({
  code: fc.constantFrom('A1', 'Z9'),
  unitPrice: fc.integer({ min: 1, max: 3_000 }),
  verified: fc.integer({ min: 0, max: 5 }).map((n) => n !== 0),
});
const stepArb = fc.record({
  provider: fc.constantFrom('Hospital1MSP', 'Hospital2MSP'),
  lines: fc.array(lineArb, { minLength: 1, maxLength: 4 }),
  dispute: fc.option(fc.nat(), { nil: null }),
  close: fc.boolean(),
});

void describe('claim report', () => {
  void it('when claims are adjudicated, disputed and settled in any order, then the report counts every claim and line once and its outstanding per pair is the ledger balance', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 12 }), (steps) => {
        const claims: Claim[] = [];
        const disputes: Dispute[] = [];
        const entries: SettlementEntry[] = [];
        const batched = new Set<string>();
        for (const s of steps) {
          const c = claim(s.provider, s.lines);
          claims.push(c);
          const approval = claimApprovalEntry(c, { entryId: `${txId()}.0`, postedAt: AT, txId: txId() });
          if (approval) entries.push(approval);
          const line = c.lines.find((l) => l.adjudication.approved < l.adjudication.submitted);
          if (s.dispute !== null && line) {
            const room = line.adjudication.submitted - line.adjudication.approved;
            const d = orThrow(
              openDispute(
                c,
                [],
                {
                  lineSequence: line.sequence,
                  reason: 'ITEM_COVERED',
                  requestedAmount: line.adjudication.approved + 1 + (s.dispute % room),
                },
                { disputeId: txId(), openedBy: 'h', openedAt: AT },
              ),
            );
            const granted = d.approvedBefore + (s.dispute % (d.requestedAmount - d.approvedBefore + 1));
            const r = orThrow(
              resolveDispute(
                d,
                { approvedAmount: granted, resolution: 'POLICY_EXCEPTION' },
                { entryId: `${txId()}.0`, resolvedBy: 'i', resolvedAt: AT, txId: txId() },
              ),
            );
            disputes.push(r.dispute);
            if (r.entry) entries.push(r.entry);
          }
          if (s.close) {
            const pair = { insurer: 'InsurerMSP', provider: s.provider, currency: 'EUR' as const };
            const open = entries.filter(
              (e) => e.kind !== 'batch_payment' && pairKey(e) === pairKey(pair) && !batched.has(e.entryId),
            );
            if (open.length > 0) {
              const { batch, payment } = orThrow(
                closeBatch(pair, open, { batchId: txId(), closedBy: 'i', closedAt: AT, txId: txId() }),
              );
              for (const id of batch.entryIds) batched.add(id);
              entries.push(payment);
            }
          }
        }
        const report = buildClaimReport(claims, disputes, entries);
        assert.equal(report.claims, claims.length);
        assert.equal(
          Object.values(report.byOutcome).reduce((t, o) => t + o.count, 0),
          claims.length,
        );
        assert.equal(
          Object.values(report.byReason).reduce((t, o) => t + o.count, 0),
          claims.flatMap((c) => c.lines).length,
        );
        assert.equal(
          Object.values(report.disputesByStatus).reduce((t, n) => t + n, 0),
          disputes.length,
        );
        const balances = balancesOf(entries, batched);
        for (const row of report.byPair) {
          const b = balances.find((x) => pairKey(x) === pairKey(row));
          assert.equal(row.outstanding, b?.providerReceivable ?? 0);
        }
        // Read in pages of any size (a payment and its approvals may fall apart), the pages' reports summed are the report.
        for (const size of [1, 4]) {
          let summed = buildClaimReport([], [], []);
          for (let i = 0; i < claims.length + disputes.length + entries.length; i += size) {
            const page = (xs: readonly unknown[], from: number) =>
              xs.slice(Math.max(0, i - from), Math.max(0, i + size - from));
            const part = buildClaimReport(
              page(claims, 0) as typeof claims,
              page(disputes, claims.length) as typeof disputes,
              page(entries, claims.length + disputes.length) as typeof entries,
            );
            summed = mergeClaimReports(summed, part);
          }
          assert.deepEqual(summed, report, `pages of ${String(size)}`);
        }
      }),
      { numRuns: 300 },
    );
  });

  void it('when nothing was claimed, then every outcome, reason and status is listed with zeros', () => {
    const report = buildClaimReport([], [], []);
    assert.equal(report.byOutcome.rejected.count, 0);
    assert.equal(report.byReason.DUPLICATE_ITEM.count, 0);
    assert.equal(report.disputesByStatus.open, 0);
    assert.deepEqual(report.byPair, []);
  });
});
