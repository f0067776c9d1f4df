import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  applyRate,
  claimSubmissionSchema,
  coverageTermsSchema,
  CURRENCY_EXPONENTS,
  fromMajorUnits,
  MAX_CAP_AMOUNT,
  MAX_CLAIM_LINES,
  MAX_LINE_QUANTITY,
  MAX_UNIT_AMOUNT,
  orgKindOf,
  ROLES_BY_ORG_KIND,
  toMajorUnits,
  type Currency,
} from './index';

const SYSTEM = 'urn:medledger:test:fee-codes';

function terms(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    coverageId: `cov-${randomUUID()}`,
    patientDid: 'did:medledger:patient:p-7f3a9c01',
    planId: 'gold-2026',
    periodStart: '2026-01-01',
    periodEnd: '2026-12-31',
    currency: 'EUR',
    deductible: 50_000,
    periodLimit: null,
    benefits: [
      { item: { system: SYSTEM, code: 'A1' }, rateBasisPoints: 8000, maxUnitPrice: 10_000, periodCap: null },
    ],
    ...overrides,
  };
}

function claimLine(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    item: { system: SYSTEM, code: 'A1' },
    servicedDate: '2026-05-04',
    quantity: 1,
    unitPrice: 10_000,
    recordId: `rec-${randomUUID()}`,
    recordHash: 'a'.repeat(64),
    ...overrides,
  };
}

void describe('money', () => {
  void it('when any minor amount of any currency goes to major units and back, then it is the same integer', () => {
    const currencies = Object.keys(CURRENCY_EXPONENTS) as Currency[];
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: MAX_CAP_AMOUNT }),
        fc.constantFrom(...currencies),
        (minor, currency) => {
          assert.equal(fromMajorUnits(toMajorUnits(minor, currency), currency), minor);
        },
      ),
      { numRuns: 5000 },
    );
  });

  void it('when a decimal is not a whole number of minor units, is negative or not finite, then it is refused', () => {
    assert.equal(fromMajorUnits(12.345, 'EUR'), undefined);
    assert.equal(fromMajorUnits(12.5, 'JPY'), undefined);
    assert.equal(fromMajorUnits(-1, 'EUR'), undefined);
    assert.equal(fromMajorUnits(Number.NaN, 'EUR'), undefined);
    assert.equal(fromMajorUnits(1e300, 'EUR'), undefined);
    assert.equal(fromMajorUnits(0.1 + 0.2, 'EUR'), 30);
  });

  void it('when a rate is applied to any line up to the largest, then the result is exact and rounded down', () => {
    const largest = MAX_UNIT_AMOUNT * MAX_LINE_QUANTITY;
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: largest }),
        fc.integer({ min: 0, max: 10_000 }),
        (amount, rate) => {
          assert.equal(applyRate(amount, rate), Number((BigInt(amount) * BigInt(rate)) / 10_000n));
        },
      ),
      { numRuns: 5000 },
    );
    assert.equal(applyRate(largest, 9999), Number((BigInt(largest) * 9999n) / 10_000n));
    assert.equal(applyRate(101, 5000), 50);
  });
});

void describe('insurance schemas', () => {
  void it('when coverage terms are well formed, then they parse; when the period is reversed or an item is listed twice, then they are refused', () => {
    assert.ok(coverageTermsSchema.safeParse(terms()).success);
    assert.ok(!coverageTermsSchema.safeParse(terms({ periodEnd: '2025-12-31' })).success);
    const twice = terms().benefits as unknown[];
    assert.ok(!coverageTermsSchema.safeParse(terms({ benefits: [...twice, ...twice] })).success);
  });

  void it('when amounts are fractional, negative, huge or strings, then terms and claims are refused', () => {
    for (const deductible of [0.5, -1, MAX_UNIT_AMOUNT + 1, '100'])
      assert.ok(!coverageTermsSchema.safeParse(terms({ deductible })).success, String(deductible));
    for (const line of [
      claimLine({ unitPrice: 10.5 }),
      claimLine({ unitPrice: -100 }),
      claimLine({ quantity: 0 }),
      claimLine({ quantity: MAX_LINE_QUANTITY + 1 }),
      claimLine({ recordHash: 'A'.repeat(64) }),
      claimLine({ servicedDate: '2026-02-30' }),
      claimLine({ item: { system: 'not a uri', code: 'A1' } }),
      claimLine({ item: { system: `${SYSTEM}|x`, code: 'A1' } }),
      claimLine({ extra: 1 }),
    ]) {
      const claim = {
        claimId: 'c-1',
        coverageId: 'cov-1',
        patientDid: 'did:medledger:patient:p-7f3a9c01',
        currency: 'EUR',
        lines: [line],
      };
      assert.ok(!claimSubmissionSchema.safeParse(claim).success, JSON.stringify(line));
    }
  });

  void it('when a claim has no line or more than the limit, then it is refused', () => {
    const claim = (lines: unknown[]) => ({
      claimId: 'c-1',
      coverageId: 'cov-1',
      patientDid: 'did:medledger:patient:p-7f3a9c01',
      currency: 'EUR',
      lines,
    });
    assert.ok(!claimSubmissionSchema.safeParse(claim([])).success);
    assert.ok(claimSubmissionSchema.safeParse(claim([claimLine()])).success);
    assert.ok(
      !claimSubmissionSchema.safeParse(claim(Array.from({ length: MAX_CLAIM_LINES + 1 }, () => claimLine())))
        .success,
    );
  });

  void it('when an insurer MSP ID is read, then its kind is insurer, holding admins and claims adjusters only', () => {
    assert.equal(orgKindOf('InsurerMSP'), 'insurer');
    assert.equal(orgKindOf('Insurer2MSP'), 'insurer');
    assert.deepEqual(ROLES_BY_ORG_KIND.insurer, ['admin', 'adjuster']);
    assert.ok(!(ROLES_BY_ORG_KIND.hospital as readonly string[]).includes('adjuster'));
  });
});
