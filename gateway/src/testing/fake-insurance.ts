/**
 * The fake ledger's answers to the insurance contract, shaped as its output schemas say (the typed
 * ledger refuses any other shape).
 */
import { randomBytes } from 'node:crypto';

import type { FakeHandler } from './fake-ledger';

const txId = (): string => randomBytes(32).toString('hex');
const VISIT = { system: 'http://www.ama-assn.org/go/cpt', code: '99213' };

function coverageStateFixture(input: Record<string, unknown>, state = 'active'): Record<string, unknown> {
  return {
    coverageId: input['coverageId'] ?? 'cov-1',
    insurer: 'InsurerMSP',
    state,
    endsFrom: state === 'ended' ? input['effective'] : null,
    txId: txId(),
  };
}

/** A coverage as GetCoverage returns it. */
export function coverageFixture(input: Record<string, unknown>): Record<string, unknown> {
  const at = new Date().toISOString();
  return {
    coverageId: input['coverageId'] ?? 'cov-1',
    patientDid: 'did:medledger:patient:abcdefgh12',
    planId: 'plan-gold',
    periodStart: '2026-01-01',
    periodEnd: '2026-12-31',
    currency: 'EUR',
    deductible: 5000,
    periodLimit: null,
    benefits: [{ item: VISIT, rateBasisPoints: 8000, maxUnitPrice: 10000, periodCap: null }],
    insurer: 'InsurerMSP',
    registeredBy: 'did:medledger:insurer:admin',
    registeredAt: at,
    txId: txId(),
    state: 'active',
    suspensions: [],
    endsFrom: null,
    updatedAt: at,
    updateTxId: txId(),
  };
}

/** A claim as GetClaim returns it: one line, deductible applied. */
export function claimFixture(input: Record<string, unknown>): Record<string, unknown> {
  return {
    claimId: input['claimId'] ?? 'clm-1',
    coverageId: 'cov-1',
    patientDid: 'did:medledger:patient:abcdefgh12',
    provider: input['provider'] ?? 'Hospital1MSP',
    insurer: 'InsurerMSP',
    currency: 'EUR',
    consentId: txId(),
    submittedBy: 'did:medledger:hospital1:billing1',
    submittedAt: new Date().toISOString(),
    txId: txId(),
    lines: [
      {
        sequence: 1,
        item: VISIT,
        servicedDate: '2026-02-01',
        quantity: 1,
        unitPrice: 12000,
        recordId: 'rec-1',
        recordHash: 'ab'.repeat(32),
        adjudication: {
          reason: 'DEDUCTIBLE_APPLIED',
          submitted: 12000,
          eligible: 10000,
          deductible: 5000,
          payable: 4000,
          approved: 4000,
        },
      },
    ],
    outcome: 'approved',
    totalSubmitted: 12000,
    totalApproved: 4000,
  };
}

function disputeStateFixture(input: Record<string, unknown>, status: string): Record<string, unknown> {
  return {
    disputeId: input['disputeId'] ?? txId(),
    claimId: input['claimId'] ?? 'clm-1',
    provider: input['provider'] ?? 'Hospital1MSP',
    insurer: input['insurer'] ?? 'InsurerMSP',
    status,
    txId: txId(),
  };
}

/** A value as a sealed collection stores it and GetSettlementContext presents it. */
export function sealedFixture(value: unknown): string {
  return Buffer.from(JSON.stringify({ salt: 'ab'.repeat(32), value })).toString('base64');
}

/** An open dispute of line 1 of `clm-1`, as stored. */
export function disputeFixture(input: Record<string, unknown>): Record<string, unknown> {
  return {
    disputeId: input['disputeId'] ?? txId(),
    claimId: input['claimId'] ?? 'clm-1',
    lineSequence: 1,
    provider: input['provider'] ?? 'Hospital1MSP',
    insurer: input['insurer'] ?? 'InsurerMSP',
    currency: 'EUR',
    reason: 'AMOUNT_MISCALCULATED',
    approvedBefore: 4000,
    requestedAmount: 8000,
    status: 'open',
    openedBy: 'did:medledger:hospital1:billing1',
    openedAt: new Date().toISOString(),
    resolution: null,
  };
}

/** The approval entry of `clm-1` (40.00 EUR), as stored. */
export function entryFixture(input: Record<string, unknown>, amount = 4000): Record<string, unknown> {
  const provider = input['provider'] ?? 'Hospital1MSP';
  const insurer = input['insurer'] ?? 'InsurerMSP';
  const id = txId();
  return {
    entryId: `${id}.1`,
    kind: 'claim_approval',
    insurer,
    provider,
    currency: 'EUR',
    amount,
    legs: [
      { org: insurer, account: 'insurer_payable', amount: -amount },
      { org: provider, account: 'provider_receivable', amount },
    ],
    claimId: 'clm-1',
    lineSequence: null,
    disputeId: null,
    batchId: null,
    postedAt: new Date().toISOString(),
    txId: id,
  };
}

/** A regulator's report of one partly approved claim, settled. */
export function claimReportFixture(): Record<string, unknown> {
  const none = { count: 0, submitted: 0, approved: 0 };
  return {
    claims: 1,
    byOutcome: {
      approved: none,
      partially_approved: { count: 1, submitted: 24000, approved: 4000 },
      rejected: none,
    },
    byReason: {
      APPROVED: none,
      CAP_REACHED: none,
      DEDUCTIBLE_APPLIED: { count: 1, submitted: 12000, approved: 4000 },
      FEE_SCHEDULE_REDUCED: none,
      RECORD_UNVERIFIED: none,
      SERVICE_AFTER_RECORD: none,
      COVERAGE_INACTIVE: none,
      ITEM_NOT_COVERED: { count: 1, submitted: 12000, approved: 0 },
      DUPLICATE_ITEM: none,
    },
    disputesByStatus: { open: 0, upheld: 0, partially_upheld: 0, denied: 0 },
    byPair: [
      {
        insurer: 'InsurerMSP',
        provider: 'Hospital1MSP',
        currency: 'EUR',
        claims: 1,
        submitted: 24000,
        approved: 4000,
        adjusted: 0,
        settled: 4000,
        outstanding: 0,
      },
    ],
  };
}

/** Default answers of the insurance contract. */
export function insuranceHandlers(): Record<string, FakeHandler> {
  return {
    'insurance:RegisterCoverage': (_i, o) =>
      coverageStateFixture(JSON.parse(o.transient?.['coverage'] ?? '{}') as Record<string, unknown>),
    'insurance:SuspendCoverage': (i) => coverageStateFixture(i, 'suspended'),
    'insurance:ReinstateCoverage': (i) => coverageStateFixture(i),
    'insurance:EndCoverage': (i) => coverageStateFixture(i, 'ended'),
    'insurance:GetCoverage': (i) => coverageFixture(i),
    'insurance:GetClaimContext': () => ({ coverage: 'e30=', usage: null }),
    'insurance:GetRecordLinks': (i) => ({
      links: (i['recordIds'] as unknown[]).map(() => null),
    }),
    'insurance:SubmitClaim': (i) => ({
      claimId: i['claimId'],
      provider: 'Hospital1MSP',
      insurer: i['insurer'],
      outcome: 'approved',
      lines: 1,
      txId: txId(),
      submittedAt: new Date().toISOString(),
    }),
    'insurance:GetClaim': (i) => claimFixture(i),
    'insurance:GetSettlementContext': (i) => ({
      claim: i['claimId'] === null ? null : sealedFixture(claimFixture(i)),
      dispute: i['disputeId'] === null ? null : sealedFixture(disputeFixture(i)),
      entries: i['openEntries'] === true ? [sealedFixture(entryFixture(i))] : [],
      moreEntries: false,
    }),
    'insurance:OpenDispute': (i) => disputeStateFixture(i, 'open'),
    'insurance:ResolveDispute': (i) => disputeStateFixture(i, 'upheld'),
    'insurance:CloseSettlementBatch': (i) => ({
      batchId: txId(),
      provider: i['provider'],
      insurer: i['insurer'],
      entries: 1,
      txId: txId(),
    }),
    'insurance:GetUnindexedSettlementEntries': () => ({ entries: [], scanned: 0, next: null }),
    'insurance:IndexOpenSettlementEntries': (i, options) => ({
      provider: i['provider'],
      insurer: i['insurer'],
      entries: (JSON.parse(options.transient?.['presented'] ?? '{}') as { entries?: string[] }).entries
        ?.length,
      txId: txId(),
    }),
    'insurance:GetClaimReport': () => ({ ...claimReportFixture(), next: null }),
  };
}
