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

/** zod: the metadata of a record version as given by the custodian. */
export const recordMetadataSchema = z.strictObject({
  recordId: recordIdSchema,
  patientDid: patientDidSchema,
  department: departmentSchema,
  category: dataCategorySchema,
  level: recordLevelSchema,
  fhirResourceType: fhirResourceTypeSchema,
  version: versionSchema,
});

/** StageRecordContent input (content in the transient map under `content`). */
export const stageRecordContentInput = recordMetadataSchema;

/** zod: the verdict of the quality gate on staged content. */
export const stagedVerdictSchema = z.object({
  recordId: recordIdSchema,
  version: versionSchema,
  patientDid: patientDidSchema,
  category: dataCategorySchema,
  fhirResourceType: fhirResourceTypeSchema,
  contentHash: sha256HexSchema,
  qualityStatus: qualityStatusSchema,
  reasons: z.array(qualityReasonSchema),
});
/** A staged verdict. */
export type StagedVerdict = z.infer<typeof stagedVerdictSchema>;

/** StageRecordContent output. */
export const stageRecordContentOutput = z.object({
  recordId: recordIdSchema,
  version: versionSchema,
  contentHash: sha256HexSchema,
  qualityStatus: qualityStatusSchema,
  reasons: z.array(qualityReasonSchema),
});

/** AnchorRecord input: the metadata plus what StageRecordContent returned. */
export const anchorRecordInput = z.strictObject({
  ...recordMetadataSchema.shape,
  previousHash: sha256HexSchema.nullable(),
  contentHash: sha256HexSchema,
  qualityStatus: qualityStatusSchema,
  reasons: z.array(qualityReasonSchema).max(16),
});

/** zod: the public anchor of a record version. */
export const recordAnchorSchema = z.object({
  recordId: recordIdSchema,
  version: versionSchema,
  patientDid: patientDidSchema,
  custodian: mspIdSchema,
  department: departmentSchema,
  category: dataCategorySchema,
  level: recordLevelSchema,
  fhirResourceType: fhirResourceTypeSchema,
  contentHash: sha256HexSchema,
  previousHash: sha256HexSchema.nullable(),
  authorDid: z.string(),
  txId: txIdSchema,
  txTime: isoTimeSchema,
  qualityStatus: qualityStatusSchema,
  qualityReasons: z.array(qualityReasonSchema),
  reviewedBy: z.string().nullable(),
  reviewedAt: isoTimeSchema.nullable(),
  erased: z.boolean(),
});
/** A record anchor. */
export type RecordAnchor = z.infer<typeof recordAnchorSchema>;

/** GetRecord input (latest version when `version` is omitted). */
export const getRecordInput = z.strictObject({ recordId: recordIdSchema, version: versionSchema.optional() });

/** GetRecordHistory input. */
export const getRecordHistoryInput = z.strictObject({ recordId: recordIdSchema });

/** zod: the public record of an erasure. */
export const erasureSchema = z.object({
  recordId: recordIdSchema,
  version: versionSchema,
  custodian: mspIdSchema,
  erasedBy: z.string(),
  reason: erasureReasonSchema,
  txId: txIdSchema,
  txTime: isoTimeSchema,
});
/** An erasure record. */
export type Erasure = z.infer<typeof erasureSchema>;

/** GetRecordHistory output: every version, oldest first, and the erasures. */
export const recordHistorySchema = z.object({
  recordId: recordIdSchema,
  versions: z.array(recordAnchorSchema),
  erasures: z.array(erasureSchema),
});

/** VerifyRecord input (the copy in the transient map under `content`). */
export const verifyRecordInput = z.strictObject({
  recordId: recordIdSchema,
  version: versionSchema.optional(),
});
/** VerifyRecord output. */
export const verifyRecordOutput = z.object({
  recordId: recordIdSchema,
  version: versionSchema,
  matches: z.boolean(),
  anchoredHash: sha256HexSchema,
  computedHash: sha256HexSchema,
});

/** ReviewRecordQuality input: clears `needs_review`. */
export const reviewRecordQualityInput = z.strictObject({ recordId: recordIdSchema, version: versionSchema });

/** EraseRecordContent input (all versions when `version` is omitted). */
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
