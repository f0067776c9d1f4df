import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type {
  AdjudicationReason,
  CoverageBenefit,
  CoverageUsage,
  ItemCode,
  LineAdjudication,
} from '@medledger/domain';
import { adjudicateClaim, type AdjudicationResult, type CoverageFacts, type LineFacts } from './adjudication';

const SYSTEM = 'urn:medledger:test:fee-codes';
const item = (code: string): ItemCode => ({ system: SYSTEM, code });
const HASH = 'a'.repeat(64);

/** A line the oracle has seen (for duplicates, deductible, caps): what it took and approved. */
interface Seen {
  key: string;
  itemCode: string;
  deductible: number;
  approved: number;
}

/** Day number of a `YYYY-MM-DD` date, so the oracle compares integers rather than strings. */
const day = (d: string): number => Date.UTC(+d.slice(0, 4), +d.slice(5, 7) - 1, +d.slice(8, 10)) / 86_400_000;

/**
 * The oracle: the adjudication rules read independently of the implementation. It keeps no running
 * totals: for every line it recomputes what the coverage has used from the whole list of lines seen
 * before it, tests dates as day numbers against the covered intervals, and prices in BigInt.
 */
function oracleLine(
  c: CoverageFacts,
  line: LineFacts,
  seen: readonly Seen[],
): LineAdjudication & { key: string | null } {
  const submitted = line.quantity * line.unitPrice;
  const reject = (reason: AdjudicationReason) => ({
    reason,
    submitted,
    eligible: 0,
    deductible: 0,
    payable: 0,
    approved: 0,
    key: null,
  });
  if (!line.recordVerified) return reject('RECORD_UNVERIFIED');
  if (line.recordAnchoredOn !== null && day(line.servicedDate) > day(line.recordAnchoredOn) + 1) {
    return reject('SERVICE_AFTER_RECORD');
  }
  const d = day(line.servicedDate);
  let active = d >= day(c.periodStart) && d <= day(c.periodEnd);
  if (c.endsFrom !== null && d >= day(c.endsFrom)) active = false;
  for (const s of c.suspensions) {
    const until = s.until === null ? Infinity : day(s.until);
    if (d >= day(s.from) && d < until) active = false;
  }
  if (!active) return reject('COVERAGE_INACTIVE');
  const benefit = c.benefits.find(
    (b) => b.item.system === line.item.system && b.item.code === line.item.code,
  );
  if (!benefit) return reject('ITEM_NOT_COVERED');
  const key = [line.recordId, line.item.system, line.item.code, line.servicedDate].join('|');
  if (seen.some((s) => s.key === key)) return reject('DUPLICATE_ITEM');

  const unit = line.unitPrice > benefit.maxUnitPrice ? benefit.maxUnitPrice : line.unitPrice;
  const eligible = unit * line.quantity;
  const deductibleUsed = seen.reduce((t, s) => t + s.deductible, 0);
  const deductible = Math.max(0, Math.min(eligible, c.deductible - deductibleUsed));
  const payable = Number((BigInt(eligible - deductible) * BigInt(benefit.rateBasisPoints)) / 10_000n);
  let approved = payable;
  if (benefit.periodCap !== null) {
    const usedOnItem = seen.filter((s) => s.itemCode === line.item.code).reduce((t, s) => t + s.approved, 0);
    approved = Math.min(approved, Math.max(0, benefit.periodCap - usedOnItem));
  }
  if (c.periodLimit !== null) {
    const used = seen.reduce((t, s) => t + s.approved, 0);
    approved = Math.min(approved, Math.max(0, c.periodLimit - used));
  }
  let reason: AdjudicationReason = 'APPROVED';
  if (eligible !== submitted) reason = 'FEE_SCHEDULE_REDUCED';
  if (deductible !== 0) reason = 'DEDUCTIBLE_APPLIED';
  if (approved !== payable) reason = 'CAP_REACHED';
  return { reason, submitted, eligible, deductible, payable, approved, key };
}

/** The oracle over a sequence of claims of one coverage. */
function oracle(c: CoverageFacts, claims: readonly (readonly LineFacts[])[]): LineAdjudication[][] {
  const seen: Seen[] = [];
  return claims.map((lines) =>
    lines.map((line) => {
      const { key, ...result } = oracleLine(c, line, seen);
      if (key !== null)
        seen.push({
          key,
          itemCode: line.item.code,
          deductible: result.deductible,
          approved: result.approved,
        });
      return result;
    }),
  );
}

const EMPTY_USAGE: CoverageUsage = { deductibleMet: 0, approvedTotal: 0, approvedByItem: {} };

/** Runs claims through the implementation, carrying usage and claimed keys as the contract does. */
function adjudicateAll(c: CoverageFacts, claims: readonly (readonly LineFacts[])[]): AdjudicationResult[] {
  let usage = EMPTY_USAGE;
  const claimed = new Set<string>();
  return claims.map((lines) => {
    const result = adjudicateClaim({ coverage: c, usage, claimed, lines });
    usage = result.usage;
    for (const k of result.claimedKeys) claimed.add(k);
    return result;
  });
}

const DATES = [
  '2025-12-31',
  '2026-01-01',
  '2026-02-10',
  '2026-03-01',
  '2026-03-15',
  '2026-04-01',
  '2026-06-30',
  '2026-07-01',
];
const CODES = ['A1', 'B2', 'C3', 'D4'];

const benefitArb: fc.Arbitrary<CoverageBenefit> = fc.record({
  item: fc.constantFrom(...CODES.slice(0, 3)).map(item),
  rateBasisPoints: fc.constantFrom(0, 3333, 5000, 8000, 10_000),
  maxUnitPrice: fc.constantFrom(100, 999, 5000),
  periodCap: fc.option(fc.constantFrom(0, 500, 2500, 10_000), { nil: null }),
});

const coverageArb: fc.Arbitrary<CoverageFacts> = fc
  .record({
    benefits: fc.uniqueArray(benefitArb, { minLength: 1, maxLength: 3, selector: (b) => b.item.code }),
    deductible: fc.constantFrom(0, 150, 1000),
    periodLimit: fc.option(fc.constantFrom(0, 3000, 20_000), { nil: null }),
    suspended: fc.constantFrom('none', 'closed', 'open'),
    endsFrom: fc.option(fc.constantFrom('2026-04-01', '2026-07-01'), { nil: null }),
  })
  .map((g) => ({
    periodStart: '2026-01-01',
    periodEnd: '2026-06-30',
    state: g.endsFrom !== null ? 'ended' : g.suspended === 'open' ? 'suspended' : 'active',
    suspensions:
      g.suspended === 'none'
        ? []
        : [{ from: '2026-03-01', until: g.suspended === 'closed' ? '2026-03-15' : null }],
    endsFrom: g.endsFrom,
    deductible: g.deductible,
    periodLimit: g.periodLimit,
    benefits: g.benefits,
  }));

const lineArb: fc.Arbitrary<LineFacts> = fc.record({
  item: fc.constantFrom(...CODES).map(item),
  servicedDate: fc.constantFrom(...DATES),
  quantity: fc.integer({ min: 1, max: 3 }),
  unitPrice: fc.constantFrom(0, 1, 99, 100, 101, 998, 999, 1000, 5000, 7001),
  recordId: fc.constantFrom('rec-1', 'rec-2', 'rec-3'),
  recordHash: fc.constant(HASH),
  recordVerified: fc.integer({ min: 0, max: 9 }).map((n) => n !== 0),
  recordAnchoredOn: fc.option(fc.constantFrom(...DATES), { nil: null, freq: 2 }),
});
const claimSetArb = fc.array(fc.array(lineArb, { minLength: 1, maxLength: 6 }), {
  minLength: 1,
  maxLength: 5,
});

void describe('adjudicateClaim against the oracle', () => {
  void it('when a generated set of claims on one coverage is adjudicated in order, then every line agrees with the oracle', () => {
    fc.assert(
      fc.property(coverageArb, claimSetArb, (c, claims) => {
        const got = adjudicateAll(c, claims).map((r) => r.lines);
        assert.deepEqual(got, oracle(c, claims));
      }),
      { numRuns: 3000 },
    );
  });

  void it('when any claim set is adjudicated, then amounts only shrink step by step and no deductible, item cap or period limit is exceeded', () => {
    fc.assert(
      fc.property(coverageArb, claimSetArb, (c, claims) => {
        const results = adjudicateAll(c, claims);
        const lines = results.flatMap((r) => r.lines);
        for (const l of lines) {
          assert.ok(l.approved <= l.payable && l.payable <= l.eligible - l.deductible);
          assert.ok(l.deductible <= l.eligible && l.eligible <= l.submitted);
        }
        assert.ok(lines.reduce((t, l) => t + l.deductible, 0) <= c.deductible);
        const approved = lines.reduce((t, l) => t + l.approved, 0);
        if (c.periodLimit !== null) assert.ok(approved <= c.periodLimit);
        const last = results.at(-1);
        assert.equal(last?.usage.approvedTotal, approved);
        for (const b of c.benefits) {
          const onItem = claims
            .flat()
            .flatMap((line, i) => (line.item.code === b.item.code ? [lines[i]?.approved ?? 0] : []));
          if (b.periodCap !== null) assert.ok(onItem.reduce((t, a) => t + a, 0) <= b.periodCap);
        }
        for (const r of results) {
          assert.equal(
            r.totalApproved,
            r.lines.reduce((t, l) => t + l.approved, 0),
          );
          assert.equal(
            r.totalSubmitted,
            r.lines.reduce((t, l) => t + l.submitted, 0),
          );
        }
      }),
      { numRuns: 2000 },
    );
  });
});

const COVERAGE: CoverageFacts = {
  periodStart: '2026-01-01',
  periodEnd: '2026-12-31',
  state: 'active',
  suspensions: [],
  endsFrom: null,
  deductible: 0,
  periodLimit: null,
  benefits: [
    { item: item('CONSULT'), rateBasisPoints: 8000, maxUnitPrice: 10_000, periodCap: null },
    { item: item('MRI'), rateBasisPoints: 10_000, maxUnitPrice: 50_000, periodCap: 60_000 },
  ],
};

function line(overrides: Partial<LineFacts> = {}): LineFacts {
  return {
    item: item('CONSULT'),
    servicedDate: '2026-05-04',
    quantity: 1,
    unitPrice: 10_000,
    recordId: `rec-${randomUUID()}`,
    recordHash: HASH,
    recordVerified: true,
    recordAnchoredOn: '2026-12-31',
    ...overrides,
  };
}

const once = (lines: LineFacts[], c: CoverageFacts = COVERAGE) =>
  adjudicateClaim({ coverage: c, usage: EMPTY_USAGE, claimed: new Set(), lines });

void describe('adjudicateClaim: a hospital that inflates or claims twice', () => {
  void it('when a hospital bills above the fee schedule, then the line is paid on the schedule price only', () => {
    const r = once([line({ unitPrice: 25_000, quantity: 2 })]);
    assert.deepEqual(r.lines[0], {
      reason: 'FEE_SCHEDULE_REDUCED',
      submitted: 50_000,
      eligible: 20_000,
      deductible: 0,
      payable: 16_000,
      approved: 16_000,
    });
  });

  void it('when the same record, item and date are claimed again in a later claim, then the second is a duplicate paying nothing', () => {
    const first = line();
    const a = once([first]);
    const b = adjudicateClaim({
      coverage: COVERAGE,
      usage: a.usage,
      claimed: new Set(a.claimedKeys),
      lines: [{ ...first, recordHash: 'b'.repeat(64), unitPrice: 9_000 }],
    });
    assert.equal(a.lines[0]?.approved, 8_000);
    const [again] = b.lines;
    assert.deepEqual([again?.reason, again?.approved], ['DUPLICATE_ITEM', 0]);
    assert.equal(b.outcome, 'rejected');
  });

  void it('when one claim lists the same item twice, then only the first line is paid and the claim is partially approved', () => {
    const l = line();
    const r = once([l, { ...l }]);
    assert.deepEqual(
      r.lines.map((x) => [x.reason, x.approved]),
      [
        ['APPROVED', 8_000],
        ['DUPLICATE_ITEM', 0],
      ],
    );
    assert.equal(r.outcome, 'partially_approved');
  });

  void it('when a line was rejected for an unverified record, then a corrected resubmission is not taken for a duplicate', () => {
    const l = line({ recordVerified: false });
    const a = once([l]);
    const b = adjudicateClaim({
      coverage: COVERAGE,
      usage: a.usage,
      claimed: new Set(a.claimedKeys),
      lines: [{ ...l, recordVerified: true }],
    });
    assert.deepEqual([a.lines[0]?.reason, a.claimedKeys.length], ['RECORD_UNVERIFIED', 0]);
    assert.equal(b.lines[0]?.reason, 'APPROVED');
  });

  void it('when a line is dated after the day after its cited version was anchored (a future service, or an older version cited), then it is rejected SERVICE_AFTER_RECORD and claims nothing; up to a day after is approved', () => {
    const cases: [anchoredOn: string, servicedDate: string, reason: AdjudicationReason][] = [
      ['2026-05-04', '2026-05-01', 'APPROVED'],
      ['2026-05-04', '2026-05-04', 'APPROVED'],
      ['2026-05-04', '2026-05-05', 'APPROVED'],
      ['2026-05-04', '2026-05-06', 'SERVICE_AFTER_RECORD'],
      ['2026-05-04', '2026-09-30', 'SERVICE_AFTER_RECORD'],
      ['2026-05-31', '2026-06-01', 'APPROVED'],
      ['2026-05-31', '2026-06-02', 'SERVICE_AFTER_RECORD'],
      ['2026-12-31', '2027-01-01', 'APPROVED'],
      ['2026-12-31', '2027-01-02', 'SERVICE_AFTER_RECORD'],
      ['2028-02-28', '2028-02-29', 'APPROVED'],
      ['2028-02-28', '2028-03-01', 'SERVICE_AFTER_RECORD'],
    ];
    const c: CoverageFacts = { ...COVERAGE, periodStart: '2026-01-01', periodEnd: '2028-12-31' };
    for (const [recordAnchoredOn, servicedDate, reason] of cases) {
      const a = adjudicateClaim({
        coverage: c,
        usage: EMPTY_USAGE,
        claimed: new Set(),
        lines: [line({ recordAnchoredOn, servicedDate })],
      });
      assert.deepEqual(
        [a.lines[0]?.reason, a.claimedKeys.length, a.totalApproved > 0],
        [reason, reason === 'APPROVED' ? 1 : 0, reason === 'APPROVED'],
        `${servicedDate} on a version anchored ${recordAnchoredOn}`,
      );
    }
  });

  void it('when services fall before, inside and after a suspension, then only the suspended dates are rejected', () => {
    const c: CoverageFacts = { ...COVERAGE, suspensions: [{ from: '2026-03-01', until: '2026-03-15' }] };
    const r = once(
      ['2026-02-28', '2026-03-01', '2026-03-14', '2026-03-15'].map((d) => line({ servicedDate: d })),
      c,
    );
    assert.deepEqual(
      r.lines.map((x) => x.reason),
      ['APPROVED', 'COVERAGE_INACTIVE', 'COVERAGE_INACTIVE', 'APPROVED'],
    );
  });

  void it('when the deductible is larger than the first line, then it takes that line whole and part of the next', () => {
    const r = once([line({ unitPrice: 3_000 }), line({ unitPrice: 5_000 })], {
      ...COVERAGE,
      deductible: 4_000,
    });
    assert.deepEqual(
      r.lines.map((x) => [x.reason, x.deductible, x.approved]),
      [
        ['DEDUCTIBLE_APPLIED', 3_000, 0],
        ['DEDUCTIBLE_APPLIED', 1_000, 3_200],
      ],
    );
    assert.equal(r.usage.deductibleMet, 4_000);
  });

  void it('when an item cap is reached across lines, then the line that crosses it is cut and the next gets nothing', () => {
    const mri = (d: string) => line({ item: item('MRI'), unitPrice: 40_000, servicedDate: d });
    const r = once([mri('2026-02-01'), mri('2026-02-02'), mri('2026-02-03')]);
    assert.deepEqual(
      r.lines.map((x) => [x.reason, x.approved]),
      [
        ['APPROVED', 40_000],
        ['CAP_REACHED', 20_000],
        ['CAP_REACHED', 0],
      ],
    );
  });

  void it('when the rate leaves a fraction of a minor unit, then it is rounded down', () => {
    const c: CoverageFacts = {
      ...COVERAGE,
      benefits: [{ item: item('CONSULT'), rateBasisPoints: 3333, maxUnitPrice: 10_000, periodCap: null }],
    };
    assert.equal(once([line({ unitPrice: 100 })], c).lines[0]?.approved, 33);
  });

  void it('when an item is not in the plan, then the line is rejected and the others are paid', () => {
    const r = once([line({ item: item('COSMETIC') }), line()]);
    assert.deepEqual(
      r.lines.map((x) => x.reason),
      ['ITEM_NOT_COVERED', 'APPROVED'],
    );
    assert.equal(r.totalApproved, 8_000);
  });
});
