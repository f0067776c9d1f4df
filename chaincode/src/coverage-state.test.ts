import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { CoverageChange } from '@medledger/domain';
import { applyCoverageChange, coveredOn, dayAfter, type CoverageDates } from './coverage-state';
import { isRefusal, orThrow } from './refusal';

const refusal = (value: unknown): string => (isRefusal(value) ? value.refused : 'not refused');

const FRESH: CoverageDates = {
  periodStart: '2026-01-01',
  periodEnd: '2026-12-31',
  state: 'active',
  suspensions: [],
  endsFrom: null,
};

function apply(
  c: CoverageDates,
  change: CoverageChange,
  effective: string,
  today = '2026-01-01',
): CoverageDates {
  return orThrow(applyCoverageChange(c, change, effective, today));
}

void describe('coverage state', () => {
  void it('when a coverage is suspended and reinstated, then it covers every date but the suspended ones', () => {
    const c = apply(apply(FRESH, 'suspend', '2026-03-01'), 'reinstate', '2026-03-15');
    assert.equal(c.state, 'active');
    assert.deepEqual(
      [
        '2025-12-31',
        '2026-01-01',
        '2026-02-28',
        '2026-03-01',
        '2026-03-14',
        '2026-03-15',
        '2026-12-31',
        '2027-01-01',
      ].map((d) => coveredOn(c, d)),
      [false, true, true, false, false, true, true, false],
    );
  });

  void it('when the insurer tries to suspend or end coverage from a date before today, then it is refused, so care already given stays covered', () => {
    assert.deepEqual(applyCoverageChange(FRESH, 'suspend', '2026-04-30', '2026-05-01'), {
      refused: 'VALIDATION_FAILED',
      detail: 'effective',
    });
    assert.deepEqual(applyCoverageChange(FRESH, 'end', '2026-04-30', '2026-05-01'), {
      refused: 'VALIDATION_FAILED',
      detail: 'effective',
    });
  });

  void it('when a coverage has ended, then no change is allowed and nothing from its end date on is covered', () => {
    const ended = apply(FRESH, 'end', '2026-07-01');
    assert.equal(ended.state, 'ended');
    assert.deepEqual([coveredOn(ended, '2026-06-30'), coveredOn(ended, '2026-07-01')], [true, false]);
    for (const change of ['suspend', 'reinstate', 'end'] as const)
      assert.equal(refusal(applyCoverageChange(ended, change, '2026-08-01', '2026-01-01')), 'CONFLICT');
  });

  void it('when a change does not fit the state or the period, then it is refused with the reason', () => {
    assert.equal(refusal(applyCoverageChange(FRESH, 'reinstate', '2026-02-01', '2026-01-01')), 'CONFLICT');
    const suspended = apply(FRESH, 'suspend', '2026-03-01');
    assert.equal(refusal(applyCoverageChange(suspended, 'suspend', '2026-04-01', '2026-01-01')), 'CONFLICT');
    assert.equal(
      refusal(applyCoverageChange(suspended, 'reinstate', '2026-03-01', '2026-01-01')),
      'VALIDATION_FAILED',
    );
    assert.equal(
      refusal(applyCoverageChange(FRESH, 'suspend', '2027-01-01', '2026-01-01')),
      'VALIDATION_FAILED',
    );
    assert.equal(apply(FRESH, 'end', '2027-01-01').endsFrom, '2027-01-01');
    assert.equal(refusal(applyCoverageChange(FRESH, 'end', '2027-01-02', '2026-01-01')), 'VALIDATION_FAILED');
  });

  void it('when any sequence of changes is applied, then suspensions never overlap and at most the last one is open', () => {
    const day = fc.integer({ min: 0, max: 400 }).map((n) => {
      let d = '2025-12-01';
      for (let i = 0; i < n; i++) d = dayAfter(d);
      return d;
    });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom<CoverageChange>('suspend', 'reinstate', 'end'), day), {
          maxLength: 8,
        }),
        (steps) => {
          let c = FRESH;
          for (const [change, effective] of steps) {
            const next = applyCoverageChange(c, change, effective, '2025-12-01');
            if (!isRefusal(next)) c = next;
          }
          c.suspensions.forEach((s, i) => {
            if (i < c.suspensions.length - 1) assert.ok(s.until !== null);
            if (s.until !== null) assert.ok(s.from < s.until);
            const next = c.suspensions[i + 1];
            if (next && s.until !== null) assert.ok(s.until <= next.from);
          });
          if (c.state === 'suspended') assert.equal(c.suspensions.at(-1)?.until, null);
          if (c.state === 'active') assert.ok(c.suspensions.every((s) => s.until !== null));
        },
      ),
      { numRuns: 500 },
    );
  });

  void it('when the day after the end of a month or a leap day is asked, then the calendar rolls over', () => {
    assert.deepEqual(['2026-01-31', '2028-02-28', '2028-02-29', '2026-12-31'].map(dayAfter), [
      '2026-02-01',
      '2028-02-29',
      '2028-03-01',
      '2027-01-01',
    ]);
  });
});
