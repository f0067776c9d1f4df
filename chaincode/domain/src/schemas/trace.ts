import { z } from 'zod';
import {
  mspIdSchema,
  recordIdSchema,
  sha256HexSchema,
  staffDidSchema,
  studyIdSchema,
  txIdSchema,
} from '../ids';
import { versionSchema } from './record';

/** A per-export research pseudonym: 32 lowercase hex digits (128 bits), as the study pseudonym. */
export const PSEUDONYM_PATTERN = /^[0-9a-f]{32}$/;

/** zod: a research pseudonym (study or per-export). */
export const pseudonymSchema = z.string().regex(PSEUDONYM_PATTERN);

/** zod: the mark that orders the rows of one export (16 hex digits). */
export const orderKeySchema = z.string().regex(/^[0-9a-f]{16}$/);

/**
 * The fields of a data-use receipt, without its MAC: what one content read delivered, to whom and
 * when (docs/leak-tracing.md). `contentHash` is SHA-256 of the canonical JSON of the delivered content
 * object (the read's answer without the receipt), `resourceHash` of the resource alone (what a dataset
 * row carries). Research reads add the export they belong to, the row's per-export pseudonym and its
 * order key; a treatment read has them null. Ids, hashes and pseudonyms only: no patient.
 */
export const dataUseReceiptBody = z.strictObject({
  accessId: txIdSchema,
  exportId: txIdSchema.nullable(),
  studyId: studyIdSchema.nullable(),
  recipientDid: staffDidSchema,
  recipientMsp: mspIdSchema,
  custodian: mspIdSchema,
  recordId: recordIdSchema,
  version: versionSchema,
  contentHash: sha256HexSchema,
  resourceHash: sha256HexSchema,
  pseudonym: pseudonymSchema.nullable(),
  orderKey: orderKeySchema.nullable(),
  issuedAt: z.iso.datetime(),
});

/** The fields of a data-use receipt. */
export type DataUseReceiptBody = z.output<typeof dataUseReceiptBody>;

/**
 * zod: a data-use receipt: its fields and `mac`, HMAC-SHA-256 (hex) under the custodian's sealed
 * collection key, which only the custodian's and the regulator's peers hold: they alone can issue or
 * check one, and nobody can forge or alter one.
 */
export const dataUseReceiptSchema = dataUseReceiptBody.extend({ mac: sha256HexSchema });

/** A data-use receipt. */
export type DataUseReceipt = z.output<typeof dataUseReceiptSchema>;

/** Most receipts one `RecordDataUse` records (a dataset's rows at one custodian). */
export const MAX_RECEIPTS_PER_RECORD = 20;

/** RecordDataUse input: the custodian whose sealed collection keeps the receipts. */
export const recordDataUseInput = z.strictObject({ custodian: mspIdSchema });

/** RecordDataUse transient `receipts`: the receipts the custodian's peer issued, as delivered. */
export const recordDataUseTransient = z.strictObject({
  receipts: z.array(dataUseReceiptSchema).min(1).max(MAX_RECEIPTS_PER_RECORD),
});

/** RecordDataUse output: ids only (the result enters the block). */
export const recordDataUseOutput = z.object({
  custodian: mspIdSchema,
  accessIds: z.array(txIdSchema),
  exportId: txIdSchema.nullable(),
});

/** Most hashes and pseudonyms one trace looks up. */
export const MAX_TRACE_HASHES = 200;
export const MAX_TRACE_ROWS = 1000;
export const MAX_TRACE_RECEIPTS = 20;

/**
 * TraceLeak input: the marks the gateway read out of a leaked document, never the document itself:
 * the content and resource hashes of every object that could be a delivered copy, every row (a FHIR
 * resource) in the leaked order with its subject pseudonym (null without one) and its resource hash,
 * and the receipts found in
 * it, to be checked. Evaluated on the caller's own peer and never committed.
 */
export const traceLeakInput = z.strictObject({
  hashes: z.array(sha256HexSchema).max(MAX_TRACE_HASHES),
  rows: z
    .array(z.strictObject({ pseudonym: pseudonymSchema.nullable(), resourceHash: sha256HexSchema }))
    .max(MAX_TRACE_ROWS),
  receipts: z.array(z.unknown()).max(MAX_TRACE_RECEIPTS),
});

/** Where one receipt found by a trace says the copy went. */
export const traceDeliverySchema = z.object({
  accessId: txIdSchema,
  exportId: txIdSchema.nullable(),
  studyId: studyIdSchema.nullable(),
  recipientDid: staffDidSchema,
  recipientMsp: mspIdSchema,
  custodian: mspIdSchema,
  recordId: recordIdSchema,
  version: versionSchema,
  issuedAt: z.iso.datetime(),
});

/** A delivery of the trace answer. */
export type TraceDelivery = z.output<typeof traceDeliverySchema>;

/** The evidence for one export in a trace: the leaked rows whose pseudonym it delivered. */
export const traceExportSchema = z.object({
  exportId: txIdSchema,
  studyId: studyIdSchema.nullable(),
  recipientDid: staffDidSchema,
  recipientMsp: mspIdSchema,
  custodians: z.array(mspIdSchema),
  firstIssuedAt: z.iso.datetime(),
  lastIssuedAt: z.iso.datetime(),
  /** Leaked rows carrying one of this export's pseudonyms. */
  rowsMatched: z.number().int().min(0),
  /** Distinct pseudonyms of this export among the leaked rows. */
  pseudonymsMatched: z.number().int().min(0),
  /** Rows of this export the caller's peer holds receipts for (at its custodians). */
  rowsDelivered: z.number().int().min(0),
  /** Whether this export's rows appear in the leak in the export's own order. */
  inExportOrder: z.boolean(),
});

/** One export of a trace answer. */
export type TraceExport = z.output<typeof traceExportSchema>;

/** TraceLeak output. */
export const traceLeakOutput = z.object({
  /** Deliveries whose exact bytes (content or resource hash) are in the leak. */
  exact: z.array(traceDeliverySchema),
  /** Exports whose pseudonyms are in the leak, most rows first. */
  exports: z.array(traceExportSchema),
  /** Rows of the leak carrying a pseudonym, and how many of them no export explains. */
  rowsWithPseudonym: z.number().int().min(0),
  rowsUnexplained: z.number().int().min(0),
  /** The receipts found in the leak: valid (issued by a custodian) or not (forged or altered). */
  receipts: z.array(
    z.object({ accessId: z.string(), custodian: z.string(), valid: z.boolean(), checked: z.boolean() }),
  ),
  /** The custodians whose receipts the trace searched (what the caller's peer holds and may read). */
  searched: z.array(mspIdSchema),
});

/** The answer of a trace. */
export type TraceLeakResult = z.output<typeof traceLeakOutput>;
