import { z } from 'zod';
import { custodiansCollection, regulatorOf } from './consortium';
import {
  accessDecisionSchema,
  accessRecordInput,
  accessRecordTransient,
  breakGlassStateSchema,
  coSignBreakGlassInput,
  readRecordContentInput,
  readRecordContentOutput,
  reviewBreakGlassInput,
} from './schemas/access';
import { auditEventSchema, auditPageSchema, getAuditEventInput, queryAuditInput } from './schemas/audit';
import { loadSyntheticAuditEventsInput, loadSyntheticAuditEventsOutput } from './schemas/bench';
import { emptyInputSchema } from './schemas/common';
import {
  attestDeletionInput,
  consentPageSchema,
  deletionAttestationSchema,
  consentSchema,
  consentStateSchema,
  getConsentInput,
  grantConsentTransient,
  listGranteeConsentsInput,
  listPatientConsentsInput,
  getPatientPreferencesInput,
  resolveAccessConsentsInput,
  resolveAccessConsentsOutput,
  patientPreferencesReadSchema,
  patientPreferencesSchema,
  preferencesTransient,
  revokeConsentTransient,
} from './schemas/consent';
import {
  consortiumSchema,
  initConsortiumInput,
  installCollectionKeyOutput,
  installCollectionKeyTransient,
  installStudySecretOutput,
  installStudySecretTransient,
} from './schemas/consortium';
import {
  freezeAccessInput,
  freezeListSchema,
  freezeSchema,
  getFreezeInput,
  liftFreezeInput,
  listFreezesInput,
} from './schemas/freeze';
import { buildInfoSchema, pingOutput } from './schemas/health';
import {
  closeIncidentTransient,
  getIncidentInput,
  incidentListSchema,
  incidentReceiptSchema,
  incidentSchema,
  linkIncidentEventsTransient,
  listIncidentsInput,
  openIncidentTransient,
  recordIncidentStepTransient,
} from './schemas/incident';
import {
  approveStaffRoleChangeInput,
  deactivateStaffInput,
  didDocumentSchema,
  patientRecordSchema,
  proposeStaffRoleChangeInput,
  recoverPatientKeyTransient,
  registerPatientTransient,
  registerStaffInput,
  resolveDidInput,
  rotatePatientKeyTransient,
  staffRoleChangeSchema,
  updateStaffInput,
} from './schemas/identity';
import {
  anchorRecordInput,
  anchorRecordTransient,
  eraseRecordContentInput,
  eraseRecordContentOutput,
  erasureSchema,
  getRecordHistoryInput,
  getRecordInput,
  listWrappedDataKeysInput,
  listWrappedDataKeysOutput,
  purgeStagedContentInput,
  recordAnchorSchema,
  recordHistorySchema,
  reviewRecordQualityInput,
  rewrapDataKeysInput,
  rewrapDataKeysOutput,
  stageRecordContentInput,
  stageRecordContentOutput,
  stageRecordContentTransient,
  verifyRecordInput,
  verifyRecordOutput,
  verifyRecordTransient,
} from './schemas/record';
import { claimSchema } from './schemas/claim';
import { coverageChangeInput, coverageSchema, getCoverageInput } from './schemas/coverage';
import {
  claimReportPageSchema,
  closeSettlementBatchInput,
  getClaimReportInput,
  openDisputeInput,
  resolveDisputeInput,
} from './schemas/settlement';
import {
  batchStateSchema,
  closeSettlementBatchTransient,
  disputeStateSchema,
  getSettlementContextInput,
  getUnindexedSettlementEntriesInput,
  indexedEntriesSchema,
  indexOpenSettlementEntriesInput,
  indexOpenSettlementEntriesTransient,
  unindexedSettlementEntriesSchema,
  openDisputeTransient,
  resolveDisputeTransient,
  settlementContextSchema,
  claimContextSchema,
  claimReceiptSchema,
  coverageCardTransient,
  coverageStateViewSchema,
  getClaimByProviderInput,
  getClaimContextInput,
  getRecordLinksInput,
  recordLinksSchema,
  registerCoverageTransient,
  submitClaimInput,
  submitClaimTransient,
} from './schemas/insurance';
import {
  recordDataUseInput,
  recordDataUseOutput,
  recordDataUseTransient,
  traceLeakInput,
  traceLeakOutput,
} from './schemas/trace';
import {
  confirmPatientRecordInput,
  confirmPatientRecordOutput,
  confirmPatientRecordTransient,
  listPatientRecordsInput,
  listPatientRecordsOutput,
  openRecordListingOutput,
  openRecordListingTransient,
} from './schemas/listing';
import {
  openPatientAccessInput,
  openPatientAccessOutput,
  openPatientAccessTransient,
  readPatientContentInput,
  readPatientContentOutput,
} from './schemas/summary';
import {
  answerErasureRequestInput,
  erasureRequestStateSchema,
  listErasureRequestsInput,
  listErasureRequestsOutput,
  requestErasureInput,
  requestErasureTransient,
} from './schemas/erasure-request';
import {
  changeStudyInput,
  cohortPageSchema,
  decideStudyInput,
  getStudyCohortInput,
  getStudyGovernanceInput,
  getStudyInput,
  proposeStudyInput,
  studyGovernanceOutput,
  studySchema,
} from './schemas/study';
import {
  assignStudyTaskInput,
  contributionPointsOutput,
  contributionSchema,
  getContributionPointsInput,
  getStudyCreditInput,
  recordContributionInput,
  recordContributionTransient,
  studyCreditOutput,
  studyTaskSchema,
} from './research/study-work';
import {
  aggregateRoundInput,
  getStudyRoundInput,
  modelUpdateSchema,
  roundAggregateSchema,
  studyRoundOutput,
  submitModelUpdateInput,
} from './research/study-rounds';
import {
  anchorResultInput,
  getResultLineageInput,
  resultLineageOutput,
  studyResultSchema,
} from './research/study-results';
import {
  anchorCredentialInput,
  credentialAnchorSchema,
  getCredentialAnchorInput,
} from './research/credentials';

/**
 * Who endorses a submitted transaction, or which peers answer an evaluated one. The transient map
 * reaches every endorsing peer and every endorser must be able to read the private data the
 * transaction reads, so the gateway never leaves the choice to Fabric for a transaction that carries
 * or reads patient-linked data: it names the orgs from this field with {@link endorsingOrgs}.
 *
 * Submits:
 * - `custodian-only`: the caller's own org (writes only its implicit collection: record content).
 * - `custodian+regulator`: the record's custodian and the regulator (the custodian's sealed
 *   collection, whose endorsement policy needs both).
 * - `grantee+regulator`: the org a consent is granted to and the regulator (the grantee's sealed
 *   collection).
 * - `caller+regulator`: the caller's (relaying) org and the regulator (patient documents and signed
 *   payloads; the receipt lives in the regulator's or the caller's sealed collection).
 * - `provider+insurer+regulator`: a claim and what follows from it (the provider's and the insurer's
 *   sealed collections, each needing its org and the regulator): no two of the three can write a
 *   claim, an adjudication or a settlement entry the third did not compute.
 * - `regulator+bystander`: the regulator and the first org that is neither the regulator nor the
 *   `custodian` party (a freeze's subject org): a freeze takes effect without its subject's peers,
 *   which could otherwise refuse to endorse their own freeze.
 * - `two-orgs`: public writes under the chaincode policy, no patient data; Fabric's gateway chooses.
 * - `all-orgs`: every peer org (the consortium, once, at deployment).
 * - `custodians+regulator`: every hospital-kind org and the regulator, the members of the custodians'
 *   collection, whose endorsement policy needs each of them (its secret, once, at deployment); the
 *   transient secret so never reaches a peer of the research institute or any other org.
 * Evaluates:
 * - `own-org`: a peer of the caller's org: the caller's org's sealed collection (the regulator's peer
 *   holds every one), or content in the transient map that must not reach another org.
 * - `custodian`: a peer of the record's custodian (content lives there only).
 * - `insurer`: a peer of the named insurer (its sealed collection: coverage and usage).
 * - `regulator`: the regulator's peer, the one peer that holds every sealed collection (a patient's
 *   records at every custodian, without telling a custodian that holds none of them about the patient;
 *   the incidents, in the regulator's own collection). As a submit: the regulator's peer alone, for a
 *   transaction that writes the regulator's own sealed collection only (an incident).
 * - `any`: public state only; Fabric's gateway chooses (its own org's peer first).
 */
export type Endorsement =
  | 'custodian-only'
  | 'custodian+regulator'
  | 'grantee+regulator'
  | 'caller+regulator'
  | 'provider+insurer+regulator'
  | 'regulator+bystander'
  | 'two-orgs'
  | 'all-orgs'
  | 'custodians+regulator'
  | 'own-org'
  | 'custodian'
  | 'insurer'
  | 'regulator'
  | 'any';

/**
 * How a transaction is called.
 * - `contract`: the contract name; the Fabric function is `${contract}:${name}`.
 * - `kind`: `submit` (ordered, committed) or `evaluate` (query on one peer).
 * - `endorsement`: see {@link Endorsement}.
 * - `input`: the schema of the ONE argument, passed as canonical JSON (when `noArgs`, none is passed).
 *   Arguments are written into every block: they never hold a patient DID.
 * - `output`: the schema of the JSON result (`Ping` returns plain text). The result of a submitted
 *   transaction is written into the block too: it never holds a patient DID either.
 * - `transient`: the transient map, as an object schema: each key's value travels as canonical JSON
 *   under that key. Only the endorsing peers see it and it never enters a block.
 */
export interface TransactionSpec {
  contract: string;
  kind: 'submit' | 'evaluate';
  endorsement: Endorsement;
  input: z.ZodType;
  output: z.ZodType;
  transient?: z.ZodObject;
  noArgs?: true;
}

/** The parties a transaction's endorsement is chosen from. */
export interface EndorsementParties {
  /** The caller's org (MSP ID). */
  readonly caller: string;
  /** Every peer org of the consortium. */
  readonly orgs: readonly string[];
  /**
   * The record's custodian (`custodian+regulator`, `custodian`), or the org a freeze holds
   * (`custodian+regulator` to lift it, `regulator+bystander` to make it).
   */
  readonly custodian?: string;
  /** The org a consent is granted to (`grantee+regulator`). */
  readonly granteeOrg?: string;
  /** The hospital of a claim (`provider+insurer+regulator`; the caller when not given). */
  readonly provider?: string;
  /** The insurer of a claim or coverage (`provider+insurer+regulator`, `insurer`). */
  readonly insurer?: string;
}

/**
 * The orgs whose peers endorse (submit) or answer (evaluate), or `undefined` when Fabric's gateway may
 * choose. When the party is the regulator itself, the first other org joins: a public write needs two
 * orgs under the chaincode policy.
 */
export function endorsingOrgs(endorsement: Endorsement, parties: EndorsementParties): string[] | undefined {
  const withRegulator = (party: string | undefined, role: string): string[] => {
    if (party === undefined) throw new Error(`${endorsement} needs the ${role}`);
    const regulator = regulatorOf(parties.orgs);
    if (party !== regulator) return [party, regulator];
    const other = parties.orgs.find((o) => o !== regulator);
    return other === undefined ? [regulator] : [regulator, other];
  };
  switch (endorsement) {
    case 'custodian-only':
    case 'own-org':
      return [parties.caller];
    case 'custodian+regulator':
      return withRegulator(parties.custodian, 'custodian');
    case 'grantee+regulator':
      return withRegulator(parties.granteeOrg, 'grantee org');
    case 'caller+regulator':
      return withRegulator(parties.caller, 'caller');
    case 'provider+insurer+regulator': {
      if (parties.insurer === undefined) throw new Error(`${endorsement} needs the insurer`);
      const regulator = regulatorOf(parties.orgs);
      return [...new Set([parties.provider ?? parties.caller, parties.insurer, regulator])];
    }
    case 'regulator+bystander': {
      if (parties.custodian === undefined) throw new Error(`${endorsement} needs the subject org`);
      const regulator = regulatorOf(parties.orgs);
      const bystander = parties.orgs.find((o) => o !== regulator && o !== parties.custodian);
      return bystander === undefined ? [regulator] : [regulator, bystander];
    }
    case 'all-orgs':
      return [...parties.orgs];
    case 'custodians+regulator':
      return [...custodiansCollection(parties.orgs).members];
    case 'custodian':
      if (parties.custodian === undefined) throw new Error('custodian evaluation needs the custodian');
      return [parties.custodian];
    case 'insurer':
      if (parties.insurer === undefined) throw new Error('insurer evaluation needs the insurer');
      return [parties.insurer];
    case 'regulator':
      return [regulatorOf(parties.orgs)];
    case 'two-orgs':
    case 'any':
      return undefined;
  }
}

/** Every transaction of the chaincode, by name. The gateway builds its client, routes and OpenAPI from it. */
export const transactions = {
  InitConsortium: {
    contract: 'consortium',
    kind: 'submit',
    endorsement: 'all-orgs',
    input: initConsortiumInput,
    output: consortiumSchema,
  },
  JoinConsortium: {
    contract: 'consortium',
    kind: 'submit',
    endorsement: 'all-orgs',
    input: emptyInputSchema,
    output: consortiumSchema,
  },
  InstallCollectionKey: {
    contract: 'consortium',
    kind: 'submit',
    endorsement: 'caller+regulator',
    input: emptyInputSchema,
    output: installCollectionKeyOutput,
    transient: installCollectionKeyTransient,
  },
  InstallStudySecret: {
    contract: 'consortium',
    kind: 'submit',
    endorsement: 'custodians+regulator',
    input: emptyInputSchema,
    output: installStudySecretOutput,
    transient: installStudySecretTransient,
  },
  GetConsortium: {
    contract: 'consortium',
    kind: 'evaluate',
    endorsement: 'any',
    input: emptyInputSchema,
    output: consortiumSchema,
  },

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
    endorsement: 'caller+regulator',
    input: emptyInputSchema,
    output: patientRecordSchema,
    transient: registerPatientTransient,
  },
  RotatePatientKey: {
    contract: 'identity',
    kind: 'submit',
    endorsement: 'caller+regulator',
    input: emptyInputSchema,
    output: patientRecordSchema,
    transient: rotatePatientKeyTransient,
  },
  RecoverPatientKey: {
    contract: 'identity',
    kind: 'submit',
    endorsement: 'caller+regulator',
    input: emptyInputSchema,
    output: patientRecordSchema,
    transient: recoverPatientKeyTransient,
  },
  ResolveDid: {
    contract: 'identity',
    kind: 'evaluate',
    endorsement: 'own-org',
    input: resolveDidInput,
    output: didDocumentSchema,
  },

  GrantConsent: {
    contract: 'consent',
    kind: 'submit',
    endorsement: 'grantee+regulator',
    input: emptyInputSchema,
    output: consentStateSchema,
    transient: grantConsentTransient,
  },
  RevokeConsent: {
    contract: 'consent',
    kind: 'submit',
    endorsement: 'caller+regulator',
    input: emptyInputSchema,
    output: consentStateSchema,
    transient: revokeConsentTransient,
  },
  AttestDeletion: {
    contract: 'consent',
    kind: 'submit',
    endorsement: 'caller+regulator',
    input: attestDeletionInput,
    output: deletionAttestationSchema,
  },
  SetPatientPreferences: {
    contract: 'consent',
    kind: 'submit',
    endorsement: 'caller+regulator',
    input: emptyInputSchema,
    output: patientPreferencesSchema,
    transient: preferencesTransient,
  },
  ResolveAccessConsents: {
    contract: 'consent',
    kind: 'evaluate',
    endorsement: 'regulator',
    input: resolveAccessConsentsInput,
    output: resolveAccessConsentsOutput,
  },
  GetPatientPreferences: {
    contract: 'consent',
    kind: 'evaluate',
    endorsement: 'own-org',
    input: getPatientPreferencesInput,
    output: patientPreferencesReadSchema,
  },
  GetConsent: {
    contract: 'consent',
    kind: 'evaluate',
    endorsement: 'own-org',
    input: getConsentInput,
    output: consentSchema,
  },
  ListPatientConsents: {
    contract: 'consent',
    kind: 'evaluate',
    endorsement: 'own-org',
    input: listPatientConsentsInput,
    output: consentPageSchema,
  },
  ListGranteeConsents: {
    contract: 'consent',
    kind: 'evaluate',
    endorsement: 'own-org',
    input: listGranteeConsentsInput,
    output: consentPageSchema,
  },

  StageRecordContent: {
    contract: 'record',
    kind: 'submit',
    endorsement: 'custodian-only',
    input: stageRecordContentInput,
    output: stageRecordContentOutput,
    transient: stageRecordContentTransient,
  },
  AnchorRecord: {
    contract: 'record',
    kind: 'submit',
    endorsement: 'custodian+regulator',
    input: anchorRecordInput,
    output: recordAnchorSchema,
    transient: anchorRecordTransient,
  },
  GetRecord: {
    contract: 'record',
    kind: 'evaluate',
    endorsement: 'any',
    input: getRecordInput,
    output: recordAnchorSchema,
  },
  GetRecordHistory: {
    contract: 'record',
    kind: 'evaluate',
    endorsement: 'any',
    input: getRecordHistoryInput,
    output: recordHistorySchema,
  },
  VerifyRecord: {
    contract: 'record',
    kind: 'evaluate',
    endorsement: 'own-org',
    input: verifyRecordInput,
    output: verifyRecordOutput,
    transient: verifyRecordTransient,
  },
  ReviewRecordQuality: {
    contract: 'record',
    kind: 'submit',
    endorsement: 'custodian+regulator',
    input: reviewRecordQualityInput,
    output: recordAnchorSchema,
  },
  EraseRecordContent: {
    contract: 'record',
    kind: 'submit',
    endorsement: 'custodian+regulator',
    input: eraseRecordContentInput,
    output: eraseRecordContentOutput,
  },
  PurgeStagedContent: {
    contract: 'record',
    kind: 'submit',
    endorsement: 'custodian+regulator',
    input: purgeStagedContentInput,
    output: erasureSchema,
  },
  ListWrappedDataKeys: {
    contract: 'record',
    kind: 'evaluate',
    endorsement: 'own-org',
    input: listWrappedDataKeysInput,
    output: listWrappedDataKeysOutput,
  },
  RewrapDataKeys: {
    contract: 'record',
    kind: 'submit',
    endorsement: 'custodian-only',
    input: rewrapDataKeysInput,
    output: rewrapDataKeysOutput,
  },

  AccessRecord: {
    contract: 'access',
    kind: 'submit',
    endorsement: 'custodian+regulator',
    input: accessRecordInput,
    output: accessDecisionSchema,
    transient: accessRecordTransient,
  },
  ReadRecordContent: {
    contract: 'access',
    kind: 'evaluate',
    endorsement: 'custodian',
    input: readRecordContentInput,
    output: readRecordContentOutput,
  },
  OpenRecordListing: {
    contract: 'listing',
    kind: 'submit',
    endorsement: 'caller+regulator',
    input: emptyInputSchema,
    output: openRecordListingOutput,
    transient: openRecordListingTransient,
  },
  ListPatientRecords: {
    contract: 'listing',
    kind: 'evaluate',
    endorsement: 'regulator',
    input: listPatientRecordsInput,
    output: listPatientRecordsOutput,
  },
  ConfirmPatientRecord: {
    contract: 'listing',
    kind: 'evaluate',
    endorsement: 'regulator',
    input: confirmPatientRecordInput,
    output: confirmPatientRecordOutput,
    transient: confirmPatientRecordTransient,
  },
  RecordDataUse: {
    contract: 'trace',
    kind: 'submit',
    endorsement: 'custodian+regulator',
    input: recordDataUseInput,
    output: recordDataUseOutput,
    transient: recordDataUseTransient,
  },
  TraceLeak: {
    contract: 'trace',
    kind: 'evaluate',
    endorsement: 'own-org',
    input: traceLeakInput,
    output: traceLeakOutput,
  },
  OpenPatientAccess: {
    contract: 'summary',
    kind: 'submit',
    endorsement: 'custodian+regulator',
    input: openPatientAccessInput,
    output: openPatientAccessOutput,
    transient: openPatientAccessTransient,
  },
  ReadPatientContent: {
    contract: 'summary',
    kind: 'evaluate',
    endorsement: 'custodian',
    input: readPatientContentInput,
    output: readPatientContentOutput,
  },
  RequestErasure: {
    contract: 'erasure',
    kind: 'submit',
    endorsement: 'custodian+regulator',
    input: requestErasureInput,
    output: erasureRequestStateSchema,
    transient: requestErasureTransient,
  },
  AnswerErasureRequest: {
    contract: 'erasure',
    kind: 'submit',
    endorsement: 'custodian+regulator',
    input: answerErasureRequestInput,
    output: erasureRequestStateSchema,
  },
  ListErasureRequests: {
    contract: 'erasure',
    kind: 'evaluate',
    endorsement: 'own-org',
    input: listErasureRequestsInput,
    output: listErasureRequestsOutput,
  },
  CoSignBreakGlass: {
    contract: 'access',
    kind: 'submit',
    endorsement: 'custodian+regulator',
    input: coSignBreakGlassInput,
    output: accessDecisionSchema,
  },
  ReviewBreakGlass: {
    contract: 'access',
    kind: 'submit',
    endorsement: 'custodian+regulator',
    input: reviewBreakGlassInput,
    output: breakGlassStateSchema,
  },

  RegisterCoverage: {
    contract: 'insurance',
    kind: 'submit',
    endorsement: 'caller+regulator',
    input: emptyInputSchema,
    output: coverageStateViewSchema,
    transient: registerCoverageTransient,
  },
  SuspendCoverage: {
    contract: 'insurance',
    kind: 'submit',
    endorsement: 'caller+regulator',
    input: coverageChangeInput,
    output: coverageStateViewSchema,
  },
  ReinstateCoverage: {
    contract: 'insurance',
    kind: 'submit',
    endorsement: 'caller+regulator',
    input: coverageChangeInput,
    output: coverageStateViewSchema,
  },
  EndCoverage: {
    contract: 'insurance',
    kind: 'submit',
    endorsement: 'caller+regulator',
    input: coverageChangeInput,
    output: coverageStateViewSchema,
  },
  GetCoverage: {
    contract: 'insurance',
    kind: 'evaluate',
    endorsement: 'insurer',
    input: getCoverageInput,
    output: coverageSchema,
    transient: coverageCardTransient,
  },
  GetClaimContext: {
    contract: 'insurance',
    kind: 'evaluate',
    endorsement: 'insurer',
    input: getClaimContextInput,
    output: claimContextSchema,
    transient: coverageCardTransient,
  },
  GetRecordLinks: {
    contract: 'insurance',
    kind: 'evaluate',
    endorsement: 'own-org',
    input: getRecordLinksInput,
    output: recordLinksSchema,
  },
  SubmitClaim: {
    contract: 'insurance',
    kind: 'submit',
    endorsement: 'provider+insurer+regulator',
    input: submitClaimInput,
    output: claimReceiptSchema,
    transient: submitClaimTransient,
  },
  GetClaim: {
    contract: 'insurance',
    kind: 'evaluate',
    endorsement: 'own-org',
    input: getClaimByProviderInput,
    output: claimSchema,
  },
  GetSettlementContext: {
    contract: 'insurance',
    kind: 'evaluate',
    endorsement: 'own-org',
    input: getSettlementContextInput,
    output: settlementContextSchema,
  },
  OpenDispute: {
    contract: 'insurance',
    kind: 'submit',
    endorsement: 'provider+insurer+regulator',
    input: openDisputeInput,
    output: disputeStateSchema,
    transient: openDisputeTransient,
  },
  ResolveDispute: {
    contract: 'insurance',
    kind: 'submit',
    endorsement: 'provider+insurer+regulator',
    input: resolveDisputeInput,
    output: disputeStateSchema,
    transient: resolveDisputeTransient,
  },
  CloseSettlementBatch: {
    contract: 'insurance',
    kind: 'submit',
    endorsement: 'provider+insurer+regulator',
    input: closeSettlementBatchInput,
    output: batchStateSchema,
    transient: closeSettlementBatchTransient,
  },
  GetUnindexedSettlementEntries: {
    contract: 'insurance',
    kind: 'evaluate',
    endorsement: 'own-org',
    input: getUnindexedSettlementEntriesInput,
    output: unindexedSettlementEntriesSchema,
  },
  IndexOpenSettlementEntries: {
    contract: 'insurance',
    kind: 'submit',
    endorsement: 'provider+insurer+regulator',
    input: indexOpenSettlementEntriesInput,
    output: indexedEntriesSchema,
    transient: indexOpenSettlementEntriesTransient,
  },
  GetClaimReport: {
    contract: 'insurance',
    kind: 'evaluate',
    endorsement: 'own-org',
    input: getClaimReportInput,
    output: claimReportPageSchema,
  },
  FreezeAccess: {
    contract: 'freeze',
    kind: 'submit',
    endorsement: 'regulator+bystander',
    input: freezeAccessInput,
    output: freezeSchema,
  },
  LiftFreeze: {
    contract: 'freeze',
    kind: 'submit',
    endorsement: 'custodian+regulator',
    input: liftFreezeInput,
    output: freezeSchema,
  },
  GetFreeze: {
    contract: 'freeze',
    kind: 'evaluate',
    endorsement: 'any',
    input: getFreezeInput,
    output: freezeSchema,
  },
  ListFreezes: {
    contract: 'freeze',
    kind: 'evaluate',
    endorsement: 'any',
    input: listFreezesInput,
    output: freezeListSchema,
  },

  OpenIncident: {
    contract: 'incident',
    kind: 'submit',
    endorsement: 'regulator',
    input: emptyInputSchema,
    output: incidentReceiptSchema,
    transient: openIncidentTransient,
  },
  LinkIncidentEvents: {
    contract: 'incident',
    kind: 'submit',
    endorsement: 'regulator',
    input: emptyInputSchema,
    output: incidentReceiptSchema,
    transient: linkIncidentEventsTransient,
  },
  RecordIncidentStep: {
    contract: 'incident',
    kind: 'submit',
    endorsement: 'regulator',
    input: emptyInputSchema,
    output: incidentReceiptSchema,
    transient: recordIncidentStepTransient,
  },
  CloseIncident: {
    contract: 'incident',
    kind: 'submit',
    endorsement: 'regulator',
    input: emptyInputSchema,
    output: incidentReceiptSchema,
    transient: closeIncidentTransient,
  },
  GetIncident: {
    contract: 'incident',
    kind: 'evaluate',
    endorsement: 'regulator',
    input: getIncidentInput,
    output: incidentSchema,
  },
  ListIncidents: {
    contract: 'incident',
    kind: 'evaluate',
    endorsement: 'regulator',
    input: listIncidentsInput,
    output: incidentListSchema,
  },

  GetStudy: {
    contract: 'study',
    kind: 'evaluate',
    endorsement: 'any',
    input: getStudyInput,
    output: studySchema,
  },
  ProposeStudy: {
    contract: 'study',
    kind: 'submit',
    // The receipt of the governance lives in the study org's sealed collection (org + regulator); the
    // study's org is the grantee of the study's consents.
    endorsement: 'grantee+regulator',
    input: proposeStudyInput,
    output: studyGovernanceOutput,
  },
  DecideStudy: {
    contract: 'study',
    kind: 'submit',
    // The decision's receipt lives in the deciding site's sealed collection (site + regulator).
    endorsement: 'caller+regulator',
    input: decideStudyInput,
    output: studyGovernanceOutput,
  },
  ChangeStudy: {
    contract: 'study',
    kind: 'submit',
    // Whoever acts (the lead, a site's committee, the regulator), the governance is the study org's.
    endorsement: 'grantee+regulator',
    input: changeStudyInput,
    output: studyGovernanceOutput,
  },
  GetStudyGovernance: {
    contract: 'study',
    kind: 'evaluate',
    endorsement: 'any',
    input: getStudyGovernanceInput,
    output: studyGovernanceOutput,
  },
  GetStudyCohort: {
    contract: 'study',
    kind: 'evaluate',
    endorsement: 'own-org',
    input: getStudyCohortInput,
    output: cohortPageSchema,
  },

  AssignStudyTask: {
    contract: 'studywork',
    kind: 'submit',
    // The task's receipt lives in the study org's sealed collection (org + regulator).
    endorsement: 'grantee+regulator',
    input: assignStudyTaskInput,
    output: studyTaskSchema,
  },
  RecordContribution: {
    contract: 'studywork',
    kind: 'submit',
    // The site's own sealed collection (site + regulator): the access grants it checks, the record
    // patients it awards, the contribution's receipt.
    endorsement: 'caller+regulator',
    input: recordContributionInput,
    output: contributionSchema,
    transient: recordContributionTransient,
  },
  GetStudyCredit: {
    contract: 'studywork',
    kind: 'evaluate',
    endorsement: 'any',
    input: getStudyCreditInput,
    output: studyCreditOutput,
  },
  GetContributionPoints: {
    contract: 'studywork',
    kind: 'evaluate',
    endorsement: 'own-org',
    input: getContributionPointsInput,
    output: contributionPointsOutput,
  },

  SubmitModelUpdate: {
    contract: 'studyrounds',
    kind: 'submit',
    // The update's receipt lives in the submitting site's sealed collection (site + regulator).
    endorsement: 'caller+regulator',
    input: submitModelUpdateInput,
    output: modelUpdateSchema,
  },
  AggregateRound: {
    contract: 'studyrounds',
    kind: 'submit',
    // The aggregate's receipt lives in the study org's sealed collection (org + regulator).
    endorsement: 'grantee+regulator',
    input: aggregateRoundInput,
    output: roundAggregateSchema,
  },
  GetStudyRound: {
    contract: 'studyrounds',
    kind: 'evaluate',
    endorsement: 'any',
    input: getStudyRoundInput,
    output: studyRoundOutput,
  },
  AnchorResult: {
    contract: 'studyresults',
    kind: 'submit',
    // The result's receipt lives in the study org's sealed collection (org + regulator).
    endorsement: 'grantee+regulator',
    input: anchorResultInput,
    output: studyResultSchema,
  },
  GetResultLineage: {
    contract: 'studyresults',
    kind: 'evaluate',
    endorsement: 'any',
    input: getResultLineageInput,
    output: resultLineageOutput,
  },
  AnchorCredential: {
    contract: 'credential',
    kind: 'submit',
    // The anchor's receipt lives in the custodian's (the caller's org's) sealed collection.
    endorsement: 'caller+regulator',
    input: anchorCredentialInput,
    output: credentialAnchorSchema,
  },
  GetCredentialAnchor: {
    contract: 'credential',
    kind: 'evaluate',
    endorsement: 'any',
    input: getCredentialAnchorInput,
    output: credentialAnchorSchema,
  },

  QueryAudit: {
    contract: 'audit',
    kind: 'evaluate',
    endorsement: 'own-org',
    input: queryAuditInput,
    output: auditPageSchema,
  },
  GetAuditEvent: {
    contract: 'audit',
    kind: 'evaluate',
    endorsement: 'own-org',
    input: getAuditEventInput,
    output: auditEventSchema,
  },

  LoadSyntheticAuditEvents: {
    contract: 'bench',
    kind: 'submit',
    endorsement: 'custodian+regulator',
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
    endorsement: 'any',
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
