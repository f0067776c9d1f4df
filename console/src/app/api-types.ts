/**
 * The shapes of the API's answers, as types only (erased from the bundle): the shared model's and the
 * audit projection's, so a change of either shows here at compile time, with no second copy.
 */
import type {
  AccessDecision,
  AuditEvent,
  Consent,
  ConsentState,
  DeletionAttestation,
  DidDocument,
  ErasureRequestState,
  ListedRecord,
  PatientPreferences,
  PatientPreferencesRead,
  readRecordContentOutput,
  RecordAnchor,
  recordHistorySchema,
  verifyRecordOutput,
} from '@medledger/domain';
import type {
  AccessLogPage,
  Alert,
  AuditEventView,
  BreakGlassCaseView,
  ComplianceReport as ProjectionReport,
  OwedAttestations,
  Page,
} from '@medledger/gateway/projection';
import type { z } from 'zod';

export type {
  AccessDecision,
  AuditEvent,
  AccessLogPage,
  Alert,
  AuditEventView,
  BreakGlassCaseView,
  Consent,
  ConsentState,
  DeletionAttestation,
  DidDocument,
  ErasureRequestState,
  ListedRecord,
  OwedAttestations,
  Page,
  PatientPreferences,
  PatientPreferencesRead,
  RecordAnchor,
};

/** `GET /v1/records/{id}/history`. */
export type RecordHistory = z.infer<typeof recordHistorySchema>;
/** `POST /v1/records/{id}/verify`. */
export type VerifyRecordOutput = z.infer<typeof verifyRecordOutput>;
/** `GET /v1/records/{id}/content`. */
export type RecordContent = z.infer<typeof readRecordContentOutput>;

/** A page of a ledger query (Fabric bookmark). */
export interface LedgerPage<T> {
  readonly items: T[];
  readonly bookmark: string;
}

/** The answer of a write: its transaction id and what it made. */
export type Written<T> = { readonly txId: string } & T;

/** `POST /v1/records` and `.../versions`: both transactions, the salt and the anchor. */
export type Anchored = Written<{ stageTxId: string; salt: string; record: RecordAnchor }>;

/** `GET /v1/reports/compliance`. */
export type ComplianceReport = ProjectionReport;
