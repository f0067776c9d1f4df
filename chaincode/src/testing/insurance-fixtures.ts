import { randomBytes } from 'node:crypto';
import type { ClaimReceipt } from '@medledger/domain';
import type { FakeSigner } from './fake-identity';
import { anchor } from './fixtures';
import {
  daysFromNow,
  Harness,
  orgAdmin,
  ORGS,
  patientJws,
  registerPatient,
  registerStaff,
  uid,
  type TestPatient,
} from './harness';
import type { Committed } from './memory-ledger';

/** The insurer of the insurance tests. */
export const INSURER = 'InsurerMSP';

/** Billable items of the test plan. */
export const VISIT = { system: 'http://www.ama-assn.org/go/cpt', code: '99213' };
export const XRAY = { system: 'http://www.ama-assn.org/go/cpt', code: '71045' };
export const MRI = { system: 'http://www.ama-assn.org/go/cpt', code: '70551' };

/** A consortium with an insurer, a patient with a card and an insurance consent, and one anchored record. */
export interface InsuranceWorld {
  h: Harness;
  patient: TestPatient;
  billing: FakeSigner;
  insurerAdmin: FakeSigner;
  coverageId: string;
  card: string;
  consent: { consentId: string; jws: string };
  record: { recordId: string; contentHash: string };
}

/** Coverage terms: 2025, EUR, deductible 50.00, visit 80 % up to 100.00, x-ray 100 % up to 200.00 capped at 300.00. */
export function coverageTerms(patientDid: string, coverageId = uid('cov')): Record<string, unknown> {
  return {
    coverageId,
    patientDid,
    planId: 'plan-gold',
    periodStart: '2025-01-01',
    periodEnd: '2025-12-31',
    currency: 'EUR',
    deductible: 5000,
    periodLimit: null,
    benefits: [
      { item: VISIT, rateBasisPoints: 8000, maxUnitPrice: 10000, periodCap: null },
      { item: XRAY, rateBasisPoints: 10000, maxUnitPrice: 20000, periodCap: 30000 },
    ],
  };
}

/** Grants an insurance consent to the insurer (relayed by `relay`); returns what the hospital presents. */
export async function grantInsuranceConsent(
  h: Harness,
  relay: FakeSigner,
  patient: TestPatient,
  extra: Record<string, unknown> = {},
): Promise<{ consentId: string; jws: string }> {
  const jws = patientJws(h, patient, {
    typ: 'medledger.consent.grant',
    grantee: { kind: 'org', mspId: INSURER },
    categories: ['diagnosis', 'procedure'],
    maxLevel: 3,
    purpose: 'insurance',
    periodStart: daysFromNow(h, -1),
    periodEnd: daysFromNow(h, 60),
    ...extra,
  });
  const { result } = await h.submit<{ consentId: string }>(
    relay,
    'consent:GrantConsent',
    {},
    { transient: { consent: { jws } } },
  );
  return { consentId: result.consentId, jws };
}

/** Builds the world every insurance test starts from. */
export async function insuranceWorld(): Promise<InsuranceWorld> {
  const h = new Harness(undefined, { orgs: [...ORGS, INSURER] });
  const patient = await registerPatient(h);
  const billing = await registerStaff(h, 'Hospital1MSP', 'attending');
  const insurerAdmin = orgAdmin(INSURER);
  const coverageId = uid('cov');
  const card = randomBytes(32).toString('hex');
  await h.submit(
    insurerAdmin,
    'insurance:RegisterCoverage',
    {},
    { transient: { coverage: coverageTerms(patient.did, coverageId), card: { secret: card } } },
  );
  const consent = await grantInsuranceConsent(h, billing, patient);
  const { anchor: a } = await anchor(h, billing, patient);
  return { h, patient, billing, insurerAdmin, coverageId, card, consent, record: a };
}

/** A claim line on the world's record. */
export function line(
  w: Pick<InsuranceWorld, 'record'>,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    item: VISIT,
    servicedDate: '2025-05-30',
    quantity: 1,
    unitPrice: 12000,
    recordId: w.record.recordId,
    recordHash: w.record.contentHash,
    ...overrides,
  };
}

/** What the hospital's gateway gathers before submitting: the insurer's context and its own record links. */
export async function claimPresentation(
  w: InsuranceWorld,
  lines: readonly Record<string, unknown>[],
  who: FakeSigner = w.billing,
): Promise<{ coverage: string; usage: string | null; recordLinks: (string | null)[] }> {
  const context = await w.h.evaluate<{ coverage: string; usage: string | null }>(
    who,
    'insurance:GetClaimContext',
    { coverageId: w.coverageId },
    { peer: INSURER, transient: { holder: { patientDid: w.patient.did, card: w.card } } },
  );
  const recordIds = [...new Set(lines.map((l) => String(l.recordId)))];
  const { links } = await w.h.evaluate<{ links: (string | null)[] }>(who, 'insurance:GetRecordLinks', {
    recordIds,
  });
  return { ...context, recordLinks: links };
}

/** Submits a claim as the hospital's gateway does (context, links, then the claim); returns receipt and tx. */
export async function submitClaim(
  w: InsuranceWorld,
  lines: readonly Record<string, unknown>[],
  options: {
    claimId?: string;
    who?: FakeSigner;
    /** Replaces parts of what the gateway presents. */
    presented?: Record<string, unknown>;
    consents?: readonly { consentId: string; jws: string }[];
    endorsers?: readonly string[];
  } = {},
): Promise<{ result: ClaimReceipt; tx: Committed<string>; claimId: string }> {
  const claimId = options.claimId ?? uid('clm');
  const who = options.who ?? w.billing;
  const presented = await claimPresentation(w, lines, who);
  const { result, tx } = await w.h.submit<ClaimReceipt>(
    who,
    'insurance:SubmitClaim',
    { claimId, insurer: INSURER },
    {
      transient: {
        claim: { claimId, coverageId: w.coverageId, patientDid: w.patient.did, currency: 'EUR', lines },
        consents: options.consents ?? [w.consent],
        presented: {
          card: w.card,
          nonce: randomBytes(32).toString('hex'),
          ...presented,
          ...options.presented,
        },
      },
      ...(options.endorsers ? { endorsers: options.endorsers } : {}),
    },
  );
  return { result, tx, claimId };
}
