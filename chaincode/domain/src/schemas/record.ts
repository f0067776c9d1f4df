import { z } from 'zod';
import {
  departmentSchema,
  mspIdSchema,
  patientDidSchema,
  recordIdSchema,
  sha256HexSchema,
  txIdSchema,
} from '../ids';
import {
  dataCategorySchema,
  erasureReasonSchema,
  fhirResourceTypeSchema,
  qualityReasonSchema,
  qualityStatusSchema,
  recordLevelSchema,
} from '../vocabulary';
import { DEFAULT_HASH_ALGORITHM, hashAlgorithmSchema } from '../crypto-profile';
import { isoTimeSchema } from './common';

/** Transient-map key under which record content travels. */
export const CONTENT_TRANSIENT_KEY = 'content';
/** Largest content envelope accepted, in bytes of canonical JSON. */
export const MAX_CONTENT_BYTES = 256 * 1024;

/** zod: a version number (1 for the first version). */
export const versionSchema = z.number().int().min(1).max(999999);

/** zod: a FHIR R4 resource, loosely (the quality gate checks its shape). */
export const fhirResourceSchema = z
  .record(z.string(), z.unknown())
  .refine((r) => typeof r.resourceType === 'string', {
    error: 'resourceType missing',
  });

/**
 * zod: the content envelope in the transient map under `content`: a FHIR resource and a random salt
 * (hex, at least 128 bits) so that the content hash of low-entropy content cannot be guessed.
 */
export const contentEnvelopeSchema = z.strictObject({
  resource: fhirResourceSchema,
  salt: z.string().regex(/^[0-9a-f]{32,128}$/),
});
/** A content envelope. */
export type ContentEnvelope = z.infer<typeof contentEnvelopeSchema>;

/** Transient-map key under which the patient of a record travels (never in arguments). */
export const SUBJECT_TRANSIENT_KEY = 'subject';

/** zod: the patient a record belongs to, sent in the transient map only. */
export const recordSubjectSchema = z.strictObject({ patientDid: patientDidSchema });
/** The patient a record belongs to. */
export type RecordSubject = z.infer<typeof recordSubjectSchema>;

/**
 * zod: the metadata of a record version as given by the custodian. The patient is not part of it:
 * arguments are written into every block, so the patient travels in the transient map.
 */
export const recordMetadataSchema = z.strictObject({
  recordId: recordIdSchema,
  department: departmentSchema,
  category: dataCategorySchema,
  level: recordLevelSchema,
  fhirResourceType: fhirResourceTypeSchema,
  version: versionSchema,
});

/** StageRecordContent input (content and patient in the transient map). */
export const stageRecordContentInput = recordMetadataSchema;

/** StageRecordContent transient map: the content envelope and the patient. */
export const stageRecordContentTransient = z.strictObject({
  [CONTENT_TRANSIENT_KEY]: contentEnvelopeSchema,
  [SUBJECT_TRANSIENT_KEY]: recordSubjectSchema,
});

/**
 * zod: the verdict of the quality gate on staged content. `salt` is a keyed hash the custodian's
 * chaincode derives from its sealed collection's key: the verdict names the patient and every block
 * carries the verdict's hash, so without it the patient could be confirmed by hashing guesses.
 */
export const stagedVerdictSchema = z.object({
  recordId: recordIdSchema,
  version: versionSchema,
  patientDid: patientDidSchema,
  category: dataCategorySchema,
  fhirResourceType: fhirResourceTypeSchema,
  contentHash: sha256HexSchema,
  /** The profile's hash algorithm `contentHash` was computed with. */
  hashAlgorithm: hashAlgorithmSchema,
  qualityStatus: qualityStatusSchema,
  reasons: z.array(qualityReasonSchema),
  salt: sha256HexSchema,
});
/** A staged verdict. */
export type StagedVerdict = z.infer<typeof stagedVerdictSchema>;

/** StageRecordContent output. */
export const stageRecordContentOutput = z.object({
  recordId: recordIdSchema,
  version: versionSchema,
  contentHash: sha256HexSchema,
  hashAlgorithm: hashAlgorithmSchema,
  qualityStatus: qualityStatusSchema,
  reasons: z.array(qualityReasonSchema),
});

/** AnchorRecord input: the metadata plus what StageRecordContent returned (patient in the transient map). */
export const anchorRecordInput = z.strictObject({
  ...recordMetadataSchema.shape,
  previousHash: sha256HexSchema.nullable(),
  contentHash: sha256HexSchema,
  /** What StageRecordContent returned; the consortium profile's hash when omitted. */
  hashAlgorithm: hashAlgorithmSchema.optional(),
  qualityStatus: qualityStatusSchema,
  reasons: z.array(qualityReasonSchema).max(16),
});

/** AnchorRecord transient map: the patient. */
export const anchorRecordTransient = z.strictObject({ [SUBJECT_TRANSIENT_KEY]: recordSubjectSchema });

/**
 * zod: the public anchor of a record version as stored: write-once (every peer org must endorse a
 * change), no patient. What may change later (quality review, erasure) has keys of its own.
 */
export const storedAnchorSchema = z.object({
  recordId: recordIdSchema,
  version: versionSchema,
  custodian: mspIdSchema,
  department: departmentSchema,
  category: dataCategorySchema,
  level: recordLevelSchema,
  fhirResourceType: fhirResourceTypeSchema,
  contentHash: sha256HexSchema,
  previousHash: sha256HexSchema.nullable(),
  /**
   * The algorithm of `contentHash` (SHA-256 or SM3, 32 bytes either way). An anchor written before
   * anchors named theirs reads as SHA-256, so a ledger changes profile without rewriting history.
   */
  hashAlgorithm: hashAlgorithmSchema.default(DEFAULT_HASH_ALGORITHM),
  authorDid: z.string(),
  txId: txIdSchema,
  txTime: isoTimeSchema,
  qualityStatus: qualityStatusSchema,
  qualityReasons: z.array(qualityReasonSchema),
});
/** A stored anchor. */
export type StoredAnchor = z.infer<typeof storedAnchorSchema>;

/** zod: the public quality review of a version (clears `needs_review`), write-once. */
export const qualityReviewSchema = z.object({
  recordId: recordIdSchema,
  version: versionSchema,
  custodian: mspIdSchema,
  reviewedBy: z.string(),
  txId: txIdSchema,
  txTime: isoTimeSchema,
});
/** A quality review. */
export type QualityReview = z.infer<typeof qualityReviewSchema>;

/** zod: a record version as read: its anchor with the review and erasure that followed. */
export const recordAnchorSchema = storedAnchorSchema.extend({
  reviewedBy: z.string().nullable(),
  reviewedAt: isoTimeSchema.nullable(),
  erased: z.boolean(),
});
/** A record version as read. */
export type RecordAnchor = z.infer<typeof recordAnchorSchema>;

/** GetRecord input: record ids are unique per custodian (latest version when `version` is omitted). */
export const getRecordInput = z.strictObject({
  recordId: recordIdSchema,
  custodian: mspIdSchema,
  version: versionSchema.optional(),
});

/** GetRecordHistory input. */
export const getRecordHistoryInput = z.strictObject({ recordId: recordIdSchema, custodian: mspIdSchema });

/**
 * zod: the public record of an erasure: anchored content purged (`staged` false), or content that was
 * staged and never anchored purged (`staged` true). Write-once.
 */
export const erasureSchema = z.object({
  recordId: recordIdSchema,
  version: versionSchema,
  custodian: mspIdSchema,
  erasedBy: z.string(),
  reason: erasureReasonSchema,
  staged: z.boolean(),
  txId: txIdSchema,
  txTime: isoTimeSchema,
});
/** An erasure record. */
export type Erasure = z.infer<typeof erasureSchema>;

/** GetRecordHistory output: every version, oldest first, and the erasures. */
export const recordHistorySchema = z.object({
  recordId: recordIdSchema,
  custodian: mspIdSchema,
  versions: z.array(recordAnchorSchema),
  erasures: z.array(erasureSchema),
});

/** VerifyRecord input (the copy in the transient map under `content`). */
export const verifyRecordInput = z.strictObject({
  recordId: recordIdSchema,
  custodian: mspIdSchema,
  version: versionSchema.optional(),
});
/** VerifyRecord transient map: the copy to verify. */
export const verifyRecordTransient = z.strictObject({ [CONTENT_TRANSIENT_KEY]: contentEnvelopeSchema });
/** VerifyRecord output. */
export const verifyRecordOutput = z.object({
  recordId: recordIdSchema,
  version: versionSchema,
  matches: z.boolean(),
  anchoredHash: sha256HexSchema,
  computedHash: sha256HexSchema,
  /** The anchor's hash algorithm, which the copy was hashed with. */
  hashAlgorithm: hashAlgorithmSchema,
});

/** ReviewRecordQuality input: clears `needs_review` on a version of the caller's org. */
export const reviewRecordQualityInput = z.strictObject({ recordId: recordIdSchema, version: versionSchema });

/** EraseRecordContent input: a record of the caller's org (all versions when `version` is omitted). */
export const eraseRecordContentInput = z.strictObject({
  recordId: recordIdSchema,
  version: versionSchema.optional(),
  reason: erasureReasonSchema,
});
/** EraseRecordContent output. */
export const eraseRecordContentOutput = z.object({
  recordId: recordIdSchema,
  erasures: z.array(erasureSchema),
});

/** PurgeStagedContent input: a version the caller's org staged and never anchored. */
export const purgeStagedContentInput = z.strictObject({
  recordId: recordIdSchema,
  version: versionSchema,
  reason: erasureReasonSchema,
});

/** A version of one of the caller's org's records. */
export const recordVersionRefSchema = z.strictObject({ recordId: recordIdSchema, version: versionSchema });

/**
 * ListWrappedDataKeys input: a page of the data keys of the caller's org's content, after `after`
 * (exclusive), at most `limit`.
 */
export const listWrappedDataKeysInput = z.strictObject({
  after: recordVersionRefSchema.optional(),
  limit: z.number().int().min(1).max(500).default(200),
});

/** ListWrappedDataKeys output: the active key-encryption key's id and which key wraps each data key. */
export const listWrappedDataKeysOutput = z.object({
  activeKeyId: z.string(),
  keys: z.array(z.object({ recordId: recordIdSchema, version: versionSchema, kid: z.string() })),
  /** The `after` of the next page; null on the last. */
  next: recordVersionRefSchema.nullable(),
});

/** RewrapDataKeys input: versions whose data keys to re-wrap under the active key-encryption key. */
export const rewrapDataKeysInput = z.strictObject({
  versions: z.array(recordVersionRefSchema).min(1).max(100),
});

/** RewrapDataKeys output: how many data keys moved, were under the active key already, or are gone (erased). */
export const rewrapDataKeysOutput = z.object({
  activeKeyId: z.string(),
  rewrapped: z.number().int(),
  unchanged: z.number().int(),
  missing: z.number().int(),
});
