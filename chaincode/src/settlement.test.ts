import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { Claim, Dispute, SettlementEntry } from '@medledger/domain';
import {
  balancesOf,
  claimApprovalEntry,
  closeBatch,
  openDispute,
  pairKey,
  resolveDispute,
  type SettlementPair,
} from './settlement';
import { isRefusal, orThrow } from './refusal';

const AT = '2026-05-04T10:00:00.000Z';
const PAIRS: SettlementPair[] = [
  { insurer: 'InsurerMSP', provider: 'Hospital1MSP', currency: 'EUR' },
  { insurer: 'InsurerMSP', provider: 'Hospital2MSP', currency: 'EUR' },
  { insurer: 'Insurer2MSP', provider: 'Hospital1MSP', currency: 'EUR' },
];
function pairAt(i: number): SettlementPair {
  const pair = PAIRS[i];
  assert.ok(pair);
  return pair;
}
const txId = (): string => randomUUID().replaceAll('-', '').padEnd(64, '0');

function claimOf(pair: SettlementPair, submitted: number, approved: number): Claim {
  return {
    claimId: `claim-${randomUUID()}`,
    coverageId: 'cov-1',
    patientDid: 'did:medledger:patient:p-00000001',
    ...pair,
    consentId: txId(),
    submittedBy: 'did:medledger:hospital1:clerk',
    submittedAt: AT,
    txId: txId(),
    lines: [
      {
        sequence: 1,
        item: { system: 'urn:medledger:test:fee-codes', code: 'A1' },
        servicedDate: '2026-05-01',
        quantity: 1,
        unitPrice: submitted,
        recordId: 'rec-1',
        recordHash: 'a'.repeat(64),
        adjudication: {
          reason: approved < submitted ? 'FEE_SCHEDULE_REDUCED' : 'APPROVED',
          submitted,
          eligible: approved,
          deductible: 0,
          payable: approved,
          approved,
        },
      },
    ],
    outcome: 'approved',
    totalSubmitted: submitted,
    totalApproved: approved,
  };
}

const ok = orThrow;
const refusal = (value: unknown): string => (isRefusal(value) ? value.refused : 'not refused');

type Op =
  | { op: 'claim'; pair: number; submitted: number; approved: number }
  | { op: 'dispute'; pair: number; submitted: number; approved: number; requested: number; granted: number }
  | { op: 'close'; pair: number; smuggle: boolean };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc
    .record({
      pair: fc.nat(2),
      submitted: fc.integer({ min: 1, max: 100_000 }),
      share: fc.integer({ min: 0, max: 100 }),
    })
    .map((g) => ({
      op: 'claim' as const,
      pair: g.pair,
      submitted: g.submitted,
      approved: Math.floor((g.submitted * g.share) / 100),
    })),
  fc
    .record({
      pair: fc.nat(2),
      submitted: fc.integer({ min: 2, max: 100_000 }),
      a: fc.nat(),
      r: fc.nat(),
      g: fc.nat(),
    })
    .map((x) => {
      const approved = x.a % x.submitted;
      const requested = approved + 1 + (x.r % (x.submitted - approved));
      const granted = approved + (x.g % (requested - approved + 1));
      return { op: 'dispute' as const, pair: x.pair, submitted: x.submitted, approved, requested, granted };
    }),
  fc.record({ op: fc.constant('close' as const), pair: fc.nat(2), smuggle: fc.boolean() }),
);

void describe('settlement ledger rules', () => {
  void it('when any sequence of claims, disputes and batch closes is booked, then every entry and every pair balance sums to zero, and what is open plus what was paid is what was approved', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 40 }), (ops) => {
        const entries: SettlementEntry[] = [];
        const open = new Map<string, SettlementEntry[]>(PAIRS.map((p) => [pairKey(p), []]));
        const batched = new Set<string>();
        const paid = new Map<string, number>();
        const owed = new Map<string, number>();
        const book = (e: SettlementEntry | null) => {
          if (!e) return;
          entries.push(e);
          open.get(pairKey(e))?.push(e);
          owed.set(pairKey(e), (owed.get(pairKey(e)) ?? 0) + e.amount);
        };
        for (const o of ops) {
          const pair = pairAt(o.pair);
          const key = pairKey(pair);
          if (o.op === 'claim') {
            book(
              claimApprovalEntry(claimOf(pair, o.submitted, o.approved), {
                entryId: `${txId()}.0`,
                postedAt: AT,
                txId: txId(),
              }),
            );
          } else if (o.op === 'dispute') {
            const claim = claimOf(pair, o.submitted, o.approved);
            book(claimApprovalEntry(claim, { entryId: `${txId()}.0`, postedAt: AT, txId: txId() }));
            const d = ok(
              openDispute(
                claim,
                [],
                { lineSequence: 1, reason: 'AMOUNT_MISCALCULATED', requestedAmount: o.requested },
                { disputeId: txId(), openedBy: 'h', openedAt: AT },
              ),
            );
            const r = ok(
              resolveDispute(
                d,
                { approvedAmount: o.granted, resolution: 'ADJUDICATION_CORRECTED' },
                { entryId: `${txId()}.0`, resolvedBy: 'i', resolvedAt: AT, txId: txId() },
              ),
            );
            assert.equal(r.entry?.amount ?? 0, o.granted - o.approved);
            book(r.entry);
          } else {
            const mine = open.get(key) ?? [];
            const foreign = [...open.entries()].find(([k, es]) => k !== key && es.length > 0)?.[1][0];
            const offered = o.smuggle && foreign ? [...mine, foreign] : mine;
            const result = closeBatch(pair, offered, {
              batchId: txId(),
              closedBy: 'i',
              closedAt: AT,
              txId: txId(),
            });
            if (o.smuggle && foreign) {
              assert.deepEqual(result, { refused: 'VALIDATION_FAILED', detail: foreign.entryId });
              continue;
            }
            if (mine.length === 0) {
              assert.equal(refusal(result), 'CONFLICT');
              continue;
            }
            const { batch, payment } = ok(result);
            assert.equal(
              batch.total,
              batch.entryIds.reduce((t, id) => t + (mine.find((e) => e.entryId === id)?.amount ?? NaN), 0),
            );
            for (const id of batch.entryIds) {
              assert.ok(!batched.has(id), `${id} settled twice`);
              batched.add(id);
            }
            open.set(
              key,
              mine.filter((e) => !batched.has(e.entryId)),
            );
            entries.push(payment);
            paid.set(key, (paid.get(key) ?? 0) + batch.total);
          }
        }
        for (const e of entries) assert.equal(e.legs[0].amount + e.legs[1].amount, 0);
        for (const b of balancesOf(entries, batched)) {
          const key = pairKey(b);
          assert.equal(b.insurerPayable + b.providerReceivable, 0);
          const stillOpen = open.get(key) ?? [];
          assert.equal(
            b.providerReceivable,
            stillOpen.reduce((t, e) => t + e.amount, 0),
          );
          assert.equal(b.openEntries, stillOpen.length);
          assert.equal(b.providerReceivable + (paid.get(key) ?? 0), owed.get(key) ?? 0);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

void describe('settlement: colluding or overreaching parties', () => {
  const pair = pairAt(0);
  const dispute = (): Dispute =>
    ok(
      openDispute(
        claimOf(pair, 10_000, 4_000),
        [],
        { lineSequence: 1, reason: 'ITEM_COVERED', requestedAmount: 8_000 },
        {
          disputeId: txId(),
          openedBy: 'h',
          openedAt: AT,
        },
      ),
    );
  const at = () => ({ entryId: `${txId()}.0`, resolvedBy: 'i', resolvedAt: AT, txId: txId() });

  void it('when an insurer resolves a dispute above what the hospital asked, then it is refused: the two cannot book money the claim does not support', () => {
    assert.deepEqual(
      resolveDispute(dispute(), { approvedAmount: 8_001, resolution: 'POLICY_EXCEPTION' }, at()),
      {
        refused: 'VALIDATION_FAILED',
        detail: 'approvedAmount',
      },
    );
  });

  void it('when an insurer resolves a dispute below what adjudication approved, then it is refused', () => {
    assert.deepEqual(
      resolveDispute(dispute(), { approvedAmount: 3_999, resolution: 'ADJUDICATION_CONFIRMED' }, at()),
      {
        refused: 'VALIDATION_FAILED',
        detail: 'approvedAmount',
      },
    );
  });

  void it('when a dispute is resolved, then its status follows the amount and a second resolution is a conflict', () => {
    const d = dispute();
    const cases: [number, string, number | null][] = [
      [4_000, 'denied', null],
      [6_000, 'partially_upheld', 2_000],
      [8_000, 'upheld', 4_000],
    ];
    for (const [amount, status, adjustment] of cases) {
      const r = ok(resolveDispute(d, { approvedAmount: amount, resolution: 'ADJUDICATION_CORRECTED' }, at()));
      assert.deepEqual([r.dispute.status, r.entry?.amount ?? null], [status, adjustment]);
      assert.equal(
        refusal(
          resolveDispute(r.dispute, { approvedAmount: amount, resolution: 'ADJUDICATION_CORRECTED' }, at()),
        ),
        'CONFLICT',
      );
    }
  });

  void it('when a hospital disputes a line twice, asks for more than it billed, or names a line that does not exist, then it is refused', () => {
    const claim = claimOf(pair, 10_000, 4_000);
    const meta = { disputeId: txId(), openedBy: 'h', openedAt: AT };
    const input = { lineSequence: 1, reason: 'ITEM_COVERED' as const, requestedAmount: 5_000 };
    assert.equal(refusal(openDispute(claim, [{ lineSequence: 1 }], input, meta)), 'CONFLICT');
    assert.equal(
      refusal(openDispute(claim, [], { ...input, requestedAmount: 10_001 }, meta)),
      'VALIDATION_FAILED',
    );
    assert.equal(
      refusal(openDispute(claim, [], { ...input, requestedAmount: 4_000 }, meta)),
      'VALIDATION_FAILED',
    );
    assert.equal(refusal(openDispute(claim, [], { ...input, lineSequence: 2 }, meta)), 'NOT_FOUND');
  });

  void it('when a batch is offered a payment or an entry it already settled, then it is refused', () => {
    const e = claimApprovalEntry(claimOf(pair, 100, 100), {
      entryId: `${txId()}.0`,
      postedAt: AT,
      txId: txId(),
    });
    assert.ok(e);
    const { payment } = ok(
      closeBatch(pair, [e], { batchId: txId(), closedBy: 'i', closedAt: AT, txId: txId() }),
    );
    assert.deepEqual(
      payment.legs.map((l) => [l.account, l.amount]),
      [
        ['insurer_payable', 100],
        ['provider_receivable', -100],
      ],
    );
    const meta = { batchId: txId(), closedBy: 'i', closedAt: AT, txId: txId() };
    assert.equal(refusal(closeBatch(pair, [payment], meta)), 'VALIDATION_FAILED');
    assert.equal(refusal(closeBatch(pair, [e, e], meta)), 'VALIDATION_FAILED');
  });

  void it('when a claim approved nothing, then no entry is booked for it', () => {
    assert.equal(
      claimApprovalEntry(claimOf(pair, 100, 0), { entryId: `${txId()}.0`, postedAt: AT, txId: txId() }),
      null,
    );
  });
});
