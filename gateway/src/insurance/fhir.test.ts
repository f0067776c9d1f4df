import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { Claim, ClaimSubmission, Coverage, CoverageTerms } from '@medledger/domain';
import { resourceErrors } from '../testing/fhir';
import { toFhirClaimResponse, toFhirExplanationOfBenefit } from './fhir-adjudication';
import { claimSubmissionFromFhir, toFhirClaim } from './fhir-claim';
import { FhirMappingError } from './fhir-common';
import { coverageTermsFromFhir, toFhirCoverage } from './fhir-coverage';

const SYSTEM = 'urn:medledger:test:fee-codes';
const TX = 'c'.repeat(64);
const AT = '2026-05-04T10:00:00.000Z';

function terms(overrides: Partial<CoverageTerms> = {}): CoverageTerms {
  return {
    coverageId: `cov-${randomUUID()}`,
    patientDid: 'did:medledger:patient:p-7f3a9c01',
    planId: 'gold-2026',
    periodStart: '2026-01-01',
    periodEnd: '2026-12-31',
    currency: 'EUR',
    deductible: 50_000,
    periodLimit: 5_000_000,
    benefits: [
      {
        item: { system: SYSTEM, code: 'CONSULT' },
        rateBasisPoints: 8000,
        maxUnitPrice: 12_050,
        periodCap: null,
      },
      {
        item: { system: SYSTEM, code: 'MRI' },
        rateBasisPoints: 10_000,
        maxUnitPrice: 60_000,
        periodCap: 120_000,
      },
    ],
    ...overrides,
  };
}

function stored(t: CoverageTerms, overrides: Partial<Coverage> = {}): Coverage {
  return {
    ...t,
    insurer: 'InsurerMSP',
    registeredBy: 'did:medledger:insurer:insurer-adjuster-1',
    registeredAt: AT,
    txId: TX,
    state: 'suspended',
    suspensions: [
      { from: '2026-02-01', until: '2026-02-10' },
      { from: '2026-03-01', until: null },
    ],
    endsFrom: null,
    updatedAt: AT,
    updateTxId: TX,
    ...overrides,
  };
}

function submission(): ClaimSubmission {
  return {
    claimId: `claim-${randomUUID()}`,
    coverageId: 'cov-1',
    patientDid: 'did:medledger:patient:p-7f3a9c01',
    currency: 'EUR',
    lines: [
      {
        item: { system: SYSTEM, code: 'CONSULT' },
        servicedDate: '2026-05-02',
        quantity: 2,
        unitPrice: 15_000,
        recordId: 'rec-1',
        recordHash: 'a'.repeat(64),
      },
      {
        item: { system: SYSTEM, code: 'COSMETIC' },
        servicedDate: '2026-05-03',
        quantity: 1,
        unitPrice: 99_999,
        recordId: 'rec-2',
        recordHash: 'b'.repeat(64),
      },
    ],
  };
}

function adjudicated(s: ClaimSubmission): Claim {
  const [first, second] = s.lines;
  assert.ok(first && second);
  return {
    ...s,
    provider: 'Hospital1MSP',
    insurer: 'InsurerMSP',
    consentId: TX,
    submittedBy: 'did:medledger:hospital1:hospital1-attending-1',
    submittedAt: AT,
    txId: TX,
    lines: [
      {
        sequence: 1,
        ...first,
        adjudication: {
          reason: 'FEE_SCHEDULE_REDUCED',
          submitted: 30_000,
          eligible: 24_100,
          deductible: 0,
          payable: 19_280,
          approved: 19_280,
        },
      },
      {
        sequence: 2,
        ...second,
        adjudication: {
          reason: 'ITEM_NOT_COVERED',
          submitted: 99_999,
          eligible: 0,
          deductible: 0,
          payable: 0,
          approved: 0,
        },
      },
    ],
    outcome: 'partially_approved',
    totalSubmitted: 129_999,
    totalApproved: 19_280,
  };
}

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

void describe('insurance FHIR: Coverage', () => {
  void it('when a stored coverage is mapped, then it is valid R4 and its terms read back unchanged', () => {
    const t = terms();
    const fhir = toFhirCoverage(stored(t));
    assert.deepEqual(resourceErrors(fhir), []);
    assert.deepEqual(coverageTermsFromFhir(clone(fhir)), t);
    assert.equal(fhir.costToBeneficiary[0]?.valueMoney.value, 500);
  });

  void it('when any coverage terms in any currency are mapped and read back, then they are the same', () => {
    const benefit = fc.record({
      item: fc.record({ system: fc.constant(SYSTEM), code: fc.stringMatching(/^[A-Z][A-Z0-9]{0,7}$/) }),
      rateBasisPoints: fc.integer({ min: 0, max: 10_000 }),
      maxUnitPrice: fc.integer({ min: 0, max: 1_000_000_000 }),
      periodCap: fc.option(fc.integer({ min: 0, max: 1_000_000_000_000 }), { nil: null }),
    });
    fc.assert(
      fc.property(
        fc.constantFrom('EUR', 'JPY', 'USD', 'KRW') as fc.Arbitrary<CoverageTerms['currency']>,
        fc.integer({ min: 0, max: 1_000_000_000 }),
        fc.uniqueArray(benefit, { minLength: 1, maxLength: 4, selector: (b) => b.item.code }),
        (currency, deductible, benefits) => {
          const t = terms({ currency, deductible, benefits, periodLimit: null });
          assert.deepEqual(coverageTermsFromFhir(clone(toFhirCoverage(stored(t)))), clone(t));
        },
      ),
      { numRuns: 300 },
    );
  });

  void it('when an ended coverage is mapped, then its status is cancelled and it stays valid R4', () => {
    const fhir = toFhirCoverage(stored(terms(), { state: 'ended', endsFrom: '2026-07-01' }));
    assert.equal(fhir.status, 'cancelled');
    assert.deepEqual(resourceErrors(fhir), []);
  });

  void it('when a payer sends a deductible with a fraction of a cent, a second plan or no MedLedger identifier, then it is refused', () => {
    const fhir = toFhirCoverage(stored(terms()));
    const cent = {
      ...fhir,
      costToBeneficiary: fhir.costToBeneficiary.map((c) => ({
        ...c,
        valueMoney: { value: 500.005, currency: 'EUR' },
      })),
    };
    const plans = { ...fhir, class: [...fhir.class, ...fhir.class.map((c) => ({ ...c, value: 'other' }))] };
    const noId = { ...fhir, identifier: [{ system: 'urn:other', value: 'cov-1' }] };
    for (const bad of [cent, plans, noId]) assert.throws(() => coverageTermsFromFhir(bad), FhirMappingError);
  });
});

void describe('insurance FHIR: Claim, ClaimResponse, ExplanationOfBenefit', () => {
  void it('when a claim is mapped, then it is valid R4 and its submission reads back unchanged', () => {
    const s = submission();
    const fhir = toFhirClaim(adjudicated(s));
    assert.deepEqual(resourceErrors(fhir), []);
    assert.deepEqual(claimSubmissionFromFhir(clone(fhir)), s);
    assert.equal(fhir.total.value, 1299.99);
  });

  void it('when a billing system shows a net that is not quantity times unit price, then the claim is refused', () => {
    const fhir = toFhirClaim(adjudicated(submission()));
    const bad = {
      ...fhir,
      item: fhir.item.map((it, i) => (i === 0 ? { ...it, net: { ...it.net, value: 100 } } : it)),
    };
    assert.throws(() => claimSubmissionFromFhir(bad), /Claim\.item\[0\]\.net/);
  });

  void it('when an item has no supporting record hash, names two focal coverages or mixes currencies, then the claim is refused', () => {
    const fhir = toFhirClaim(adjudicated(submission()));
    const noHash = {
      ...fhir,
      supportingInfo: fhir.supportingInfo.map((info, i) => (i === 0 ? { ...info, extension: [] } : info)),
    };
    const twoFocal = {
      ...fhir,
      insurance: [...fhir.insurance, ...fhir.insurance.map((x) => ({ ...x, sequence: 2 }))],
    };
    const mixed = {
      ...fhir,
      item: fhir.item.map((it, i) =>
        i === 1 ? { ...it, unitPrice: { ...it.unitPrice, currency: 'USD' } } : it,
      ),
    };
    for (const bad of [noHash, twoFocal, mixed])
      assert.throws(() => claimSubmissionFromFhir(bad), FhirMappingError);
  });

  void it('when an adjudicated claim is mapped, then ClaimResponse and ExplanationOfBenefit are valid R4 with each line amounts and coded reason', () => {
    const claim = adjudicated(submission());
    const response = toFhirClaimResponse(claim, { amount: 19_280, date: '2026-05-05' });
    const eob = toFhirExplanationOfBenefit(claim);
    assert.deepEqual(resourceErrors(response), []);
    assert.deepEqual(resourceErrors(eob), []);
    const benefit = (
      adj: readonly {
        category: { coding: { code: string }[] };
        amount: { value: number };
        reason?: { coding: { code: string }[] };
      }[],
    ) =>
      adj
        .filter((a) => a.category.coding[0]?.code === 'benefit')
        .map((a) => [a.amount.value, a.reason?.coding[0]?.code]);
    assert.deepEqual(
      response.item.map((i) => benefit(i.adjudication)),
      [[[192.8, 'FEE_SCHEDULE_REDUCED']], [[0, 'ITEM_NOT_COVERED']]],
    );
    assert.deepEqual(
      eob.item.map((i) => ('adjudication' in i ? benefit(i.adjudication) : [])),
      [[[192.8, 'FEE_SCHEDULE_REDUCED']], [[0, 'ITEM_NOT_COVERED']]],
    );
    assert.equal(response.payment?.amount.value, 192.8);
    assert.equal(response.disposition, 'partially_approved');
  });
});
