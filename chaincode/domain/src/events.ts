import { z } from 'zod';
import { mspIdSchema, recordIdSchema, sha256HexSchema, studyIdSchema, txIdSchema } from './ids';
import {
  accessOutcomeSchema,
  accessReasonSchema,
  breakGlassReasonSchema,
  breakGlassReviewOutcomeSchema,
  erasureReasonSchema,
  purposeSchema,
  qualityStatusSchema,
  roleSchema,
  staffStatusSchema,
} from './vocabulary';
import { listingModeSchema, listingReasonSchema } from './schemas/listing';
import { erasureAnswerSchema, erasureRefusalSchema } from './schemas/erasure-request';
import { versionSchema } from './schemas/record';
import { FREEZE_LIFT_SIDES, freezeReasonSchema } from './schemas/freeze';

import { ethicsDecisionSchema, studyStateSchema } from './research/study-lifecycle';
import { STUDY_CHANGES } from './schemas/study';

const common = { txId: txIdSchema, txTime: z.iso.datetime() };

/**
 * Chaincode events, by name. Fabric keeps one event per transaction, so every transaction that
 * changes state emits exactly one of these. Events are written into every block, which every org's
 * peer receives: payloads hold ids and vocabulary codes only, and never a patient DID.
 */
export const events = {
  ConsortiumInitialized: z.object({ orgs: z.array(mspIdSchema), regulator: mspIdSchema, ...common }),
  ConsortiumOrgJoined: z.object({ org: mspIdSchema, orgs: z.array(mspIdSchema), ...common }),
  CollectionKeyInstalled: z.object({ org: mspIdSchema, ...common }),
  StudySecretInstalled: z.object({ org: mspIdSchema, ...common }),
  StaffRegistered: z.object({ did: z.string(), org: mspIdSchema, role: roleSchema, ...common }),
  StaffUpdated: z.object({
    did: z.string(),
    org: mspIdSchema,
    role: roleSchema,
    status: staffStatusSchema,
    ...common,
  }),
  StaffDeactivated: z.object({ did: z.string(), org: mspIdSchema, ...common }),
  StaffRoleChangeProposed: z.object({
    did: z.string(),
    org: mspIdSchema,
    role: roleSchema,
    proposalId: txIdSchema,
    proposedBy: z.string(),
    ...common,
  }),
  StaffRoleChangeApproved: z.object({
    did: z.string(),
    org: mspIdSchema,
    role: roleSchema,
    status: staffStatusSchema,
    proposalId: txIdSchema,
    proposedBy: z.string(),
    approvedBy: z.string(),
    ...common,
  }),
  /**
   * `patientKey` is the digest under which the patient's record is public, never the DID; the
   * registration proved possession of key 1. `registeredBy` is the org that signed the registration
   * (already in the block as the creator's MSP; the patient's access log shows it).
   */
  PatientRegistered: z.object({ patientKey: sha256HexSchema, registeredBy: mspIdSchema, ...common }),
  /**
   * A patient's key changed to key `keyNumber`: `via` the current key (rotation) or the recovery key
   * registered at onboarding, relayed by `relayedBy`. The patient's access log shows it (matched on
   * the patient key).
   */
  PatientKeyRotated: z.object({
    patientKey: sha256HexSchema,
    keyNumber: z.number().int().min(1),
    via: z.enum(['current_key', 'recovery_key']),
    relayedBy: mspIdSchema,
    ...common,
  }),
  ConsentGranted: z.object({
    consentId: txIdSchema,
    granteeOrg: mspIdSchema,
    /** End of the consent period (projection: consents expiring soon). */
    periodEnd: z.iso.datetime(),
    /** Until when copies may be kept; a deletion attestation is due then (projection: overdue). */
    keepUntil: z.iso.datetime().nullable().optional(),
    ...common,
  }),
  ConsentRevoked: z.object({ consentId: txIdSchema, granteeOrg: mspIdSchema, ...common }),
  DeletionAttested: z.object({
    consentId: txIdSchema,
    granteeOrg: mspIdSchema,
    attestedBy: z.string(),
    late: z.boolean(),
    ...common,
  }),
  PatientPreferencesSet: z.object({ patientKey: sha256HexSchema, ...common }),
  RecordContentStaged: z.object({
    recordId: recordIdSchema,
    version: z.number().int(),
    custodian: mspIdSchema,
    ...common,
  }),
  /** A custodian's data keys re-wrapped under its active key-encryption key (counts and the key id only). */
  DataKeysRewrapped: z.object({
    custodian: mspIdSchema,
    activeKeyId: z.string(),
    rewrapped: z.number().int(),
    unchanged: z.number().int(),
    missing: z.number().int(),
    ...common,
  }),
  CoverageRegistered: z.object({ coverageId: z.string(), insurer: mspIdSchema, ...common }),
  CoverageChanged: z.object({
    coverageId: z.string(),
    insurer: mspIdSchema,
    change: z.enum(['suspend', 'reinstate', 'end']),
    ...common,
  }),
  ClaimSubmitted: z.object({ claimId: z.string(), provider: mspIdSchema, insurer: mspIdSchema, ...common }),
  DisputeOpened: z.object({ disputeId: txIdSchema, provider: mspIdSchema, insurer: mspIdSchema, ...common }),
  DisputeResolved: z.object({
    disputeId: txIdSchema,
    provider: mspIdSchema,
    insurer: mspIdSchema,
    ...common,
  }),
  SettlementBatchClosed: z.object({
    batchId: txIdSchema,
    provider: mspIdSchema,
    insurer: mspIdSchema,
    ...common,
  }),
  /** Open settlement entries of a ledger written before the open-entry index, indexed (a count only). */
  SettlementEntriesIndexed: z.object({
    provider: mspIdSchema,
    insurer: mspIdSchema,
    entries: z.number().int(),
    ...common,
  }),
  RecordAnchored: z.object({
    recordId: recordIdSchema,
    version: z.number().int(),
    custodian: mspIdSchema,
    contentHash: sha256HexSchema,
    qualityStatus: qualityStatusSchema,
    ...common,
  }),
  RecordQualityReviewed: z.object({
    recordId: recordIdSchema,
    version: z.number().int(),
    custodian: mspIdSchema,
    reviewedBy: z.string(),
    ...common,
  }),
  /** Content purged: of anchored versions, or (`staged`) of a version staged and never anchored. */
  RecordContentErased: z.object({
    recordId: recordIdSchema,
    versions: z.array(z.number().int()),
    custodian: mspIdSchema,
    reason: erasureReasonSchema,
    staged: z.boolean(),
    ...common,
  }),
  /**
   * An access decision, ids and codes only: who (actor, org, role), which record of which custodian,
   * why and with what outcome. The patient and the consent used are in the custodian's sealed
   * collection, where the custodian's and the regulator's gateways read them.
   */
  AccessDecided: z.object({
    eventId: txIdSchema,
    recordId: recordIdSchema,
    custodian: mspIdSchema,
    actorDid: z.string(),
    actorMsp: mspIdSchema,
    actorRole: roleSchema.nullable(),
    purpose: purposeSchema,
    outcome: accessOutcomeSchema,
    reason: accessReasonSchema,
    breakGlass: z.boolean(),
    version: z.number().int().min(1),
    breakGlassReason: breakGlassReasonSchema.nullable(),
    /**
     * The second attending who co-signed a break-glass access beyond the patient's emergency profile
     * (`CoSignBreakGlass`, whose creator the block names anyway), and their org; null otherwise and in
     * events emitted before the field.
     */
    coSignedBy: z.string().nullable().default(null),
    coSignerMsp: mspIdSchema.nullable().default(null),
    ...common,
  }),
  /**
   * A review of a break-glass access (`kind` `access`: `custodian` is the record's custodian) or of an
   * emergency listing (`emergency_listing`: `accessId` is the listing id, `recordId` null, `custodian`
   * the listing doctor's org, whose sealed collection holds it).
   */
  BreakGlassReviewed: z.object({
    accessId: txIdSchema,
    kind: z.enum(['access', 'emergency_listing']).default('access'),
    recordId: recordIdSchema.nullable(),
    custodian: mspIdSchema,
    /** The actor whose break-glass access was reviewed (an `unjustified` verdict raises an alert). */
    actorDid: z.string(),
    outcome: breakGlassReviewOutcomeSchema,
    reviewedBy: z.string(),
    byRegulator: z.boolean(),
    /** The actor is suspended after this review. */
    suspended: z.boolean(),
    ...common,
  }),
  /**
   * A regulator froze a person's or an org's access (`subject` is the staff DID or the MSP ID): in
   * every org's projection, so the frozen party and every report see it at once.
   */
  AccessFrozen: z.object({
    freezeId: txIdSchema,
    subjectKind: z.enum(['person', 'org']),
    subject: z.string(),
    org: mspIdSchema,
    reason: freezeReasonSchema,
    incidentId: txIdSchema.nullable(),
    frozenBy: z.string(),
    ...common,
  }),
  /** One side approved lifting a freeze; `lifted` when both sides have. */
  FreezeLiftApproved: z.object({
    freezeId: txIdSchema,
    org: mspIdSchema,
    side: z.enum(FREEZE_LIFT_SIDES),
    approvedBy: z.string(),
    lifted: z.boolean(),
    ...common,
  }),
  /**
   * The regulator opened, linked, stepped or closed an incident: its id and the action only. What it
   * concerns is in the regulator's sealed collection, read there by the orgs concerned.
   */
  IncidentRecorded: z.object({
    incidentId: txIdSchema,
    action: z.enum(['opened', 'linked', 'step', 'closed']),
    ...common,
  }),
  StudyRegistered: z.object({ studyId: studyIdSchema, org: mspIdSchema, ...common }),
  StudyProposed: z.object({
    studyId: studyIdSchema,
    org: mspIdSchema,
    sites: z.array(mspIdSchema),
    protocolHash: sha256HexSchema,
    ...common,
  }),
  StudyDecided: z.object({
    studyId: studyIdSchema,
    site: mspIdSchema,
    decision: ethicsDecisionSchema,
    protocolVersion: z.number().int().min(1),
    state: studyStateSchema,
    ...common,
  }),
  StudyChanged: z.object({
    studyId: studyIdSchema,
    action: z.enum(STUDY_CHANGES),
    protocolVersion: z.number().int().min(1),
    state: studyStateSchema,
    ...common,
  }),
  /** A lead assigned a site a task (ids, the cohort criteria hash, counts; no patient). */
  StudyTaskAssigned: z.object({
    studyId: studyIdSchema,
    taskId: z.string(),
    site: mspIdSchema,
    recordCount: z.number().int().min(1),
    dueDate: z.string(),
    ...common,
  }),
  /**
   * A site recorded a verified contribution: counts and the dataset hash, never a record id or a
   * patient (the awards it made are in the site's sealed collection).
   */
  ContributionRecorded: z.object({
    studyId: studyIdSchema,
    site: mspIdSchema,
    taskId: z.string(),
    recordCount: z.number().int().min(1),
    passedRecords: z.number().int().min(0),
    datasetHash: sha256HexSchema,
    ...common,
  }),
  /** A site anchored its model update for a federated round: the hash and sample count, never weights. */
  ModelUpdateSubmitted: z.object({
    studyId: studyIdSchema,
    round: z.number().int().min(1),
    site: mspIdSchema,
    updateHash: sha256HexSchema,
    sampleCount: z.number().int().min(1),
    ...common,
  }),
  /** The lead closed a federated round: the aggregate's hash, the sites used and the Merkle root. */
  RoundAggregated: z.object({
    studyId: studyIdSchema,
    round: z.number().int().min(1),
    aggregateHash: sha256HexSchema,
    sites: z.array(mspIdSchema),
    merkleRoot: sha256HexSchema,
    treeSize: z.number().int().min(1),
    ...common,
  }),
  /** The lead anchored a study result: its content hash and the sites its lineage names. */
  ResultAnchored: z.object({
    studyId: studyIdSchema,
    resultId: z.string(),
    kind: z.enum(['model', 'paper']),
    contentHash: sha256HexSchema,
    sites: z.array(mspIdSchema),
    ...common,
  }),
  /** A custodian anchored a credential issued from a record version: its hash, never a claim. */
  CredentialAnchored: z.object({
    custodian: mspIdSchema,
    recordId: recordIdSchema,
    version: z.number().int().min(1),
    sdJwtHash: sha256HexSchema,
    ...common,
  }),
  /**
   * A record listing decision, ids and codes only: who asked (actor, org, role), for the patient or as
   * a clinician, with what outcome. The patient is in the caller's org's sealed collection.
   */
  /**
   * Data-use receipts recorded in the custodian's sealed collection: ids only (the accesses were public
   * already as `AccessDecided`); hashes and pseudonyms stay sealed.
   */
  DataUseRecorded: z.object({
    custodian: mspIdSchema,
    recipientMsp: mspIdSchema,
    accessIds: z.array(txIdSchema),
    exportId: txIdSchema.nullable(),
    ...common,
  }),
  RecordListingOpened: z.object({
    listingId: txIdSchema,
    actorDid: z.string(),
    actorMsp: mspIdSchema,
    actorRole: roleSchema.nullable(),
    mode: listingModeSchema,
    outcome: accessOutcomeSchema,
    reason: listingReasonSchema,
    /** An emergency listing's stated reason, as `AccessDecided` carries break-glass's (null otherwise). */
    breakGlassReason: breakGlassReasonSchema.nullable().default(null),
    ...common,
  }),
  /**
   * A patient's own access to their summary records at one custodian, relayed by an org: ids and a
   * count only. The patient and the records are in the custodian's sealed collection.
   */
  PatientAccessOpened: z.object({
    accessId: txIdSchema,
    custodian: mspIdSchema,
    actorDid: z.string(),
    actorMsp: mspIdSchema,
    records: z.number().int().min(0),
    ...common,
  }),
  /**
   * A patient's erasure request to a custodian, with its deadline: ids only. The patient is in the
   * custodian's sealed collection; the deadline is public so that any report sees the request go overdue.
   */
  ErasureRequested: z.object({
    requestId: txIdSchema,
    custodian: mspIdSchema,
    recordId: recordIdSchema,
    dueAt: z.string(),
    ...common,
  }),
  /** The custodian's answer to an erasure request: erased (which versions) or refused (the legal code). */
  ErasureRequestAnswered: z.object({
    requestId: txIdSchema,
    custodian: mspIdSchema,
    recordId: recordIdSchema,
    answer: erasureAnswerSchema,
    refusal: erasureRefusalSchema.nullable(),
    versions: z.array(versionSchema),
    late: z.boolean(),
    ...common,
  }),
} as const;

/** The name of a chaincode event. */
export type EventName = keyof typeof events;
/** The payload of a chaincode event. */
export type EventPayload<N extends EventName> = z.infer<(typeof events)[N]>;
/** All event names. */
export const EVENT_NAMES = Object.keys(events) as EventName[];
