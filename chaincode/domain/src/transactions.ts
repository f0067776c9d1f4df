import { z } from 'zod';
import {
  accessDecisionSchema,
  accessRecordInput,
  breakGlassCaseSchema,
  readRecordContentInput,
  readRecordContentOutput,
  reviewBreakGlassInput,
} from './schemas/access';
import { auditEventSchema, auditPageSchema, getAuditEventInput, queryAuditInput } from './schemas/audit';
import { loadSyntheticAuditEventsInput, loadSyntheticAuditEventsOutput } from './schemas/bench';
import { emptyInputSchema } from './schemas/common';
import {
  consentPageSchema,
  consentSchema,
  listGranteeConsentsInput,
  listPatientConsentsInput,
  patientPreferencesSchema,
  signedConsentInput,
} from './schemas/consent';
import { buildInfoSchema, pingOutput } from './schemas/health';
import {
  approveStaffRoleChangeInput,
  deactivateStaffInput,
  didDocumentSchema,
  proposeStaffRoleChangeInput,
  recoverPatientKeyInput,
  registerPatientInput,
  registerStaffInput,
  resolveDidInput,
  rotatePatientKeyInput,
  staffRoleChangeSchema,
  updateStaffInput,
} from './schemas/identity';
import {
  anchorRecordInput,
  contentEnvelopeSchema,
  eraseRecordContentInput,
  eraseRecordContentOutput,
  getRecordHistoryInput,
  getRecordInput,
  recordAnchorSchema,
  recordHistorySchema,
  reviewRecordQualityInput,
  stageRecordContentInput,
  stageRecordContentOutput,
  verifyRecordInput,
  verifyRecordOutput,
} from './schemas/record';
import {
  cohortPageSchema,
  getStudyCohortInput,
  getStudyInput,
  registerStudyInput,
  studySchema,
} from './schemas/study';

/**
 * How a transaction is called.
 * - `contract`: the contract name; the Fabric function is `${contract}:${name}`.
 * - `kind`: `submit` (ordered, committed) or `evaluate` (query on one peer).
 * - `endorsement`: `custodian-only` (writes only the caller's implicit collection: endorse on the
 *   caller's own org), `two-orgs` (public writes: the chaincode policy), `none` (evaluate).
 * - `input`: the schema of the ONE argument, passed as canonical JSON (when `noArgs`, none is passed).
 * - `output`: the schema of the JSON result (`Ping` returns plain text).
 * - `transient`: the schema of the JSON under transient key `content`, when the transaction takes one.
 * - `targetsCustodian`: evaluate on a peer of the record's custodian org (content lives there only).
 */
export interface TransactionSpec {
  contract: string;
  kind: 'submit' | 'evaluate';
  endorsement: 'custodian-only' | 'two-orgs' | 'none';
  input: z.ZodType;
  output: z.ZodType;
  transient?: z.ZodType;
  noArgs?: true;
  targetsCustodian?: true;
}

/** Every transaction of the chaincode, by name. The gateway builds its client, routes and OpenAPI from it. */
export const transactions = {
  RegisterStaff: {
    contract: 'identity',
    kind: 'submit',
    endorsement: 'two-orgs',
    input: registerStaffInput,
    output: didDocumentSchema,
  },
  UpdateStaff: {
    contract: 'identity',
    kind: 'submit',
    endorsement: 'two-orgs',
    input: updateStaffInput,
    output: didDocumentSchema,
  },
  DeactivateStaff: {
    contract: 'identity',
    kind: 'submit',
    endorsement: 'two-orgs',
    input: deactivateStaffInput,
    output: didDocumentSchema,
  },
  ProposeStaffRoleChange: {
    contract: 'identity',
    kind: 'submit',
    endorsement: 'two-orgs',
    input: proposeStaffRoleChangeInput,
    output: staffRoleChangeSchema,
  },
  ApproveStaffRoleChange: {
    contract: 'identity',
    kind: 'submit',
    endorsement: 'two-orgs',
    input: approveStaffRoleChangeInput,
    output: didDocumentSchema,
  },
  RegisterPatient: {
    contract: 'identity',
    kind: 'submit',
    endorsement: 'two-orgs',
    input: registerPatientInput,
    output: didDocumentSchema,
  },
  RotatePatientKey: {
    contract: 'identity',
    kind: 'submit',
    endorsement: 'two-orgs',
    input: rotatePatientKeyInput,
    output: didDocumentSchema,
  },
  RecoverPatientKey: {
    contract: 'identity',
    kind: 'submit',
    endorsement: 'two-orgs',
    input: recoverPatientKeyInput,
    output: didDocumentSchema,
  },
  ResolveDid: {
    contract: 'identity',
    kind: 'evaluate',
    endorsement: 'none',
    input: resolveDidInput,
    output: didDocumentSchema,
  },

  GrantConsent: {
    contract: 'consent',
    kind: 'submit',
    endorsement: 'two-orgs',
    input: signedConsentInput,
    output: consentSchema,
  },
  RevokeConsent: {
    contract: 'consent',
    kind: 'submit',
    endorsement: 'two-orgs',
    input: signedConsentInput,
    output: consentSchema,
  },
  SetPatientPreferences: {
    contract: 'consent',
    kind: 'submit',
    endorsement: 'two-orgs',
    input: signedConsentInput,
    output: patientPreferencesSchema,
  },
  ListPatientConsents: {
    contract: 'consent',
    kind: 'evaluate',
    endorsement: 'none',
    input: listPatientConsentsInput,
    output: consentPageSchema,
  },
  ListGranteeConsents: {
    contract: 'consent',
    kind: 'evaluate',
    endorsement: 'none',
    input: listGranteeConsentsInput,
    output: consentPageSchema,
  },

  StageRecordContent: {
    contract: 'record',
    kind: 'submit',
    endorsement: 'custodian-only',
    input: stageRecordContentInput,
    output: stageRecordContentOutput,
    transient: contentEnvelopeSchema,
  },
  AnchorRecord: {
    contract: 'record',
    kind: 'submit',
    endorsement: 'two-orgs',
    input: anchorRecordInput,
    output: recordAnchorSchema,
  },
  GetRecord: {
    contract: 'record',
    kind: 'evaluate',
    endorsement: 'none',
    input: getRecordInput,
    output: recordAnchorSchema,
  },
  GetRecordHistory: {
    contract: 'record',
    kind: 'evaluate',
    endorsement: 'none',
    input: getRecordHistoryInput,
    output: recordHistorySchema,
  },
  VerifyRecord: {
    contract: 'record',
    kind: 'evaluate',
    endorsement: 'none',
    input: verifyRecordInput,
    output: verifyRecordOutput,
    transient: contentEnvelopeSchema,
  },
  ReviewRecordQuality: {
    contract: 'record',
    kind: 'submit',
    endorsement: 'two-orgs',
    input: reviewRecordQualityInput,
    output: recordAnchorSchema,
  },
  EraseRecordContent: {
    contract: 'record',
    kind: 'submit',
    endorsement: 'two-orgs',
    input: eraseRecordContentInput,
    output: eraseRecordContentOutput,
  },

  AccessRecord: {
    contract: 'access',
    kind: 'submit',
    endorsement: 'two-orgs',
    input: accessRecordInput,
    output: accessDecisionSchema,
  },
  ReadRecordContent: {
    contract: 'access',
    kind: 'evaluate',
    endorsement: 'none',
    input: readRecordContentInput,
    output: readRecordContentOutput,
    targetsCustodian: true,
  },
  ReviewBreakGlass: {
    contract: 'access',
    kind: 'submit',
    endorsement: 'two-orgs',
    input: reviewBreakGlassInput,
    output: breakGlassCaseSchema,
  },

  RegisterStudy: {
    contract: 'study',
    kind: 'submit',
    endorsement: 'two-orgs',
    input: registerStudyInput,
    output: studySchema,
  },
  GetStudy: {
    contract: 'study',
    kind: 'evaluate',
    endorsement: 'none',
    input: getStudyInput,
    output: studySchema,
  },
  GetStudyCohort: {
    contract: 'study',
    kind: 'evaluate',
    endorsement: 'none',
    input: getStudyCohortInput,
    output: cohortPageSchema,
  },

  QueryAudit: {
    contract: 'audit',
    kind: 'evaluate',
    endorsement: 'none',
    input: queryAuditInput,
    output: auditPageSchema,
  },
  GetAuditEvent: {
    contract: 'audit',
    kind: 'evaluate',
    endorsement: 'none',
    input: getAuditEventInput,
    output: auditEventSchema,
  },

  LoadSyntheticAuditEvents: {
    contract: 'bench',
    kind: 'submit',
    endorsement: 'two-orgs',
    input: loadSyntheticAuditEventsInput,
    output: loadSyntheticAuditEventsOutput,
  },

  Ping: {
    contract: 'health',
    kind: 'submit',
    endorsement: 'two-orgs',
    input: emptyInputSchema,
    output: pingOutput,
    noArgs: true,
  },
  GetBuildInfo: {
    contract: 'health',
    kind: 'evaluate',
    endorsement: 'none',
    input: emptyInputSchema,
    output: buildInfoSchema,
    noArgs: true,
  },
} as const satisfies Record<string, TransactionSpec>;

/** The name of a transaction. */
export type TransactionName = keyof typeof transactions;
/** The input type of a transaction (after defaults are applied). */
export type TransactionInput<N extends TransactionName> = z.output<(typeof transactions)[N]['input']>;
/** The input type of a transaction as a caller may write it (defaults optional). */
export type TransactionRequest<N extends TransactionName> = z.input<(typeof transactions)[N]['input']>;
/** The output type of a transaction. */
export type TransactionOutput<N extends TransactionName> = z.output<(typeof transactions)[N]['output']>;

/** The fully qualified Fabric function name of a transaction (`contract:Name`). */
export function qualifiedName(name: TransactionName): string {
  return `${transactions[name].contract}:${name}`;
}
