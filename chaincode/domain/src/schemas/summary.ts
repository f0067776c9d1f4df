import { z } from 'zod';
import { mspIdSchema, patientDidSchema, recordIdSchema, sha256HexSchema, txIdSchema } from '../ids';
import { SIGNED_PAYLOAD_TYPES } from '../signed-payload';
import { dataCategorySchema, type DataCategory } from '../vocabulary';
import { compactJwsSchema, isoTimeSchema } from './common';
import { nonceSchema } from './consent';
import { storedAnchorSchema, versionSchema } from './record';

/**
 * The sections of a patient's health summary, in the shape of the International Patient Summary (HL7
 * IPS, LOINC section codes), and the one record category each is filled from.
 */
export const SUMMARY_SECTIONS = [
  { section: 'allergies', category: 'allergy', loinc: '48765-2', title: 'Allergies and Intolerances' },
  { section: 'medications', category: 'medication', loinc: '10160-0', title: 'Medication Summary' },
  { section: 'problems', category: 'diagnosis', loinc: '11450-4', title: 'Problem List' },
  { section: 'results', category: 'lab', loinc: '30954-2', title: 'Results' },
] as const satisfies readonly {
  section: string;
  category: DataCategory;
  loinc: string;
  title: string;
}[];

/** The record categories a summary reads: one per section. */
export const SUMMARY_CATEGORIES: readonly DataCategory[] = SUMMARY_SECTIONS.map((s) => s.category);

/** Longest validity of a patient's signed summary request, in seconds (it is relayed at once). */
export const SUMMARY_REQUEST_MAX_LIFETIME_SECONDS = 300;

/** How long a patient's own access to their summary records may be read, in seconds. */
export const PATIENT_ACCESS_TTL_SECONDS = 120;

/** Most records one patient access opens at one custodian. */
export const MAX_PATIENT_ACCESS_RECORDS = 64;

/**
 * zod: the payload a patient signs to read their health summary through a relaying org's gateway:
 * `aud` is the relaying org's MSP ID. It opens the listing of the patient's records (its nonce
 * consumed as a listing request's) and, at each custodian, one access to the summary's records (the
 * nonce consumed once per custodian), so neither another org nor the same org later can relay it again.
 */
export const summaryReadPayloadSchema = z.strictObject({
  typ: z.literal(SIGNED_PAYLOAD_TYPES.summaryRead),
  patientDid: patientDidSchema,
  nonce: nonceSchema,
  iat: z.number().int().min(0),
  exp: z.number().int().min(0),
  aud: mspIdSchema,
});
/** A summary request payload. */
export type SummaryReadPayload = z.infer<typeof summaryReadPayloadSchema>;

/** zod: one record version a patient access opens. */
export const patientAccessRecordSchema = z.strictObject({ recordId: recordIdSchema, version: versionSchema });

/** OpenPatientAccess input: the custodian and its records of the summary (from the patient's listing). */
export const openPatientAccessInput = z.strictObject({
  custodian: mspIdSchema,
  records: z.array(patientAccessRecordSchema).min(1).max(MAX_PATIENT_ACCESS_RECORDS),
});

/** OpenPatientAccess transient map: the patient and their signed summary request. */
export const openPatientAccessTransient = z.strictObject({
  subject: z.strictObject({ patientDid: patientDidSchema }),
  request: z.strictObject({ jws: compactJwsSchema }),
});

/**
 * zod: a patient's own access to their summary records at one custodian, kept in the custodian's
 * sealed collection: the audit of the read (who relayed it, for which patient, which record versions,
 * which of them were erased) and what a later ReadPatientContent may return.
 */
export const patientAccessSchema = z.object({
  accessId: txIdSchema,
  actorDid: z.string(),
  actorMsp: mspIdSchema,
  patientDid: patientDidSchema,
  custodian: mspIdSchema,
  records: z.array(
    z.object({
      recordId: recordIdSchema,
      version: versionSchema,
      category: dataCategorySchema,
      erased: z.boolean(),
    }),
  ),
  txId: txIdSchema,
  txTime: isoTimeSchema,
  expiresAt: isoTimeSchema,
});
/** A stored patient access. */
export type PatientAccess = z.infer<typeof patientAccessSchema>;

/** zod: OpenPatientAccess output (ids only: it is in the block). */
export const openPatientAccessOutput = z.object({
  accessId: txIdSchema,
  custodian: mspIdSchema,
  records: z.number().int().min(0),
  expiresAt: isoTimeSchema,
});

/** ReadPatientContent input. */
export const readPatientContentInput = z.strictObject({ custodian: mspIdSchema, accessId: txIdSchema });

/** zod: one entry of a summary as its custodian returns it: the content with what verifies it. */
export const summaryEntrySchema = z.object({
  ...storedAnchorSchema.pick({
    recordId: true,
    custodian: true,
    version: true,
    department: true,
    category: true,
    fhirResourceType: true,
  }).shape,
  anchoredAt: isoTimeSchema,
  /** The record's anchoring transaction. */
  anchorTxId: txIdSchema,
  /** The on-chain hash: SHA-256 of the canonical JSON of `{ resource, salt }`. */
  contentHash: sha256HexSchema,
  resource: z.record(z.string(), z.unknown()),
  salt: z.string(),
});
/** A summary entry. */
export type SummaryEntry = z.infer<typeof summaryEntrySchema>;

/** zod: ReadPatientContent output: the entries not erased since the access was opened. */
export const readPatientContentOutput = z.object({
  accessId: txIdSchema,
  custodian: mspIdSchema,
  entries: z.array(summaryEntrySchema),
});
