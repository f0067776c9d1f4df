/**
 * A claim's adjudication as FHIR R4 ClaimResponse (for the provider and the insurer,
 * https://hl7.org/fhir/R4/claimresponse.html) and ExplanationOfBenefit (the patient's view,
 * https://hl7.org/fhir/R4/explanationofbenefit.html). Each line's steps map to the R4 adjudication
 * categories (`submitted`, `eligible`, `deductible`, `benefit`); the coded reason sits on `benefit`.
 * Adjudication happens when the claim is submitted, so the outcome is always `complete`.
 */
import type { Claim, ClaimLine, Currency } from '@medledger/domain';
import { claimHeader, fhirItems } from './fhir-claim';
import { concept, HL7, INSURANCE_SYSTEMS as S, money, ref } from './fhir-common';

/** What has been paid of a claim through closed settlement batches, when known. */
export interface ClaimPayment {
  amount: number;
  date: string;
}

function adjudications(l: ClaimLine, currency: Currency) {
  const a = l.adjudication;
  const amount = (code: string, minor: number) => ({
    category: concept(HL7.adjudication, code),
    amount: money(minor, currency),
  });
  return [
    amount('submitted', a.submitted),
    amount('eligible', a.eligible),
    amount('deductible', a.deductible),
    { ...amount('benefit', a.approved), reason: concept(S.adjudicationReason, a.reason) },
  ];
}

function totals(c: Claim) {
  const total = (code: string, minor: number) => ({
    category: concept(HL7.adjudication, code),
    amount: money(minor, c.currency),
  });
  return [
    total('submitted', c.totalSubmitted),
    total(
      'deductible',
      c.lines.reduce((t, l) => t + l.adjudication.deductible, 0),
    ),
    total('benefit', c.totalApproved),
  ];
}

function payment(c: Claim, paid: ClaimPayment | undefined) {
  if (paid === undefined) return {};
  const type = paid.amount >= c.totalApproved ? 'complete' : 'partial';
  return {
    payment: {
      type: concept(HL7.paymentType, type),
      date: paid.date,
      amount: money(paid.amount, c.currency),
    },
  };
}

function header(c: Claim) {
  return { extension: [{ url: S.txId, valueString: c.txId }], ...claimHeader(c) };
}

/** A stored claim's adjudication as an R4 ClaimResponse, with what was paid once batches settled it. */
export function toFhirClaimResponse(c: Claim, paid?: ClaimPayment) {
  return {
    resourceType: 'ClaimResponse' as const,
    ...header(c),
    requestor: ref(S.msp, c.provider, 'Organization'),
    request: ref(S.claim, c.claimId, 'Claim'),
    outcome: 'complete' as const,
    disposition: c.outcome,
    item: c.lines.map((l) => ({ itemSequence: l.sequence, adjudication: adjudications(l, c.currency) })),
    total: totals(c),
    ...payment(c, paid),
  };
}

/** A stored claim as the patient's R4 ExplanationOfBenefit: what was billed, what the plan paid, and why. */
export function toFhirExplanationOfBenefit(c: Claim, paid?: ClaimPayment) {
  const { supportingInfo, item } = fhirItems(c.lines, c.currency);
  return {
    resourceType: 'ExplanationOfBenefit' as const,
    ...header(c),
    provider: ref(S.msp, c.provider, 'Organization'),
    claim: ref(S.claim, c.claimId, 'Claim'),
    outcome: 'complete' as const,
    disposition: c.outcome,
    supportingInfo,
    insurance: [{ focal: true, coverage: ref(S.coverage, c.coverageId, 'Coverage') }],
    item: item.map((it, i) => {
      const line = c.lines[i];
      return line === undefined ? it : { ...it, adjudication: adjudications(line, c.currency) };
    }),
    total: totals(c),
    ...payment(c, paid),
  };
}
