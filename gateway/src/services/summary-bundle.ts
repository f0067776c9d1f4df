/**
 * A patient's health summary as a FHIR R4 document Bundle in the shape of the International Patient
 * Summary: a Composition (LOINC 60591-5) with the allergies, medication, problems and results sections,
 * the Patient (the DID only, no demographics), the custodians and the assembling org as Organizations,
 * and each record's resource exactly as anchored. Each record's entry carries the `urn:medledger:record-anchor`
 * extension (custodian, record id, version, on-chain content hash, salt, the audited access that read
 * it), so anyone holding the summary can verify the entry against the ledger (docs/patients.md).
 */
import { createHash } from 'node:crypto';

import { SUMMARY_SECTIONS, type DataCategory } from '@medledger/domain';
import { z } from 'zod';

/** The extension on a summary entry that places it on the ledger. */
export const RECORD_ANCHOR_EXTENSION = 'urn:medledger:record-anchor';
/** The identifier system of MedLedger DIDs. */
export const DID_SYSTEM = 'urn:medledger:did';
/** The identifier system of the consortium's orgs (MSP IDs). */
export const MSP_SYSTEM = 'urn:medledger:msp';

const LOINC = 'http://loinc.org';
const EMPTY_REASON = 'http://terminology.hl7.org/CodeSystem/list-empty-reason';

/** One record read for the summary, with what verifies it. */
export interface SummaryItem {
  readonly recordId: string;
  readonly custodian: string;
  readonly version: number;
  readonly category: DataCategory;
  readonly contentHash: string;
  readonly salt: string;
  readonly resource: Record<string, unknown>;
  /** The audited access that read it (a patient access or an access decision). */
  readonly accessId: string;
}

/** What a summary is assembled from. */
export interface SummaryInput {
  readonly patientDid: string;
  /** The org whose gateway assembled it (the Composition's author). */
  readonly assembledBy: string;
  /** The audited listing the summary started from: the Bundle's identifier is derived from it. */
  readonly listingId: string;
  readonly items: readonly SummaryItem[];
  readonly now: Date;
}

const fhirEntrySchema = z.object({
  fullUrl: z.string(),
  resource: z.record(z.string(), z.unknown()),
  extension: z.array(z.record(z.string(), z.unknown())).optional(),
});

/** zod: the summary document as the route documents it. */
export const summaryBundleSchema = z
  .object({
    resourceType: z.literal('Bundle'),
    identifier: z.object({ system: z.string(), value: z.string() }),
    type: z.literal('document'),
    timestamp: z.string(),
    entry: z.array(fhirEntrySchema),
  })
  .describe(
    `R4 document Bundle: Composition (IPS sections allergies 48765-2, medications 10160-0, problems 11450-4, results 30954-2), Patient, Organizations, and each record with extension ${RECORD_ANCHOR_EXTENSION} (custodian, recordId, version, contentHash, salt, accessId)`,
  );
/** The summary document. */
export type SummaryBundle = z.infer<typeof summaryBundleSchema>;

/** A name-based UUID URN (SHA-256, version and variant bits set), so the same input gives the same URL. */
function urnOf(text: string): string {
  const h = createHash('sha256').update(text).digest('hex');
  const variant = ((parseInt(h.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return `urn:uuid:${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const orgUrl = (listingId: string, mspId: string) => urnOf(`${listingId}/org/${mspId}`);
const itemUrl = (listingId: string, i: SummaryItem) =>
  urnOf(`${listingId}/record/${i.custodian}/${i.recordId}/${String(i.version)}`);

function anchorExtension(i: SummaryItem): Record<string, unknown> {
  return {
    url: RECORD_ANCHOR_EXTENSION,
    extension: [
      { url: 'custodian', valueIdentifier: { system: MSP_SYSTEM, value: i.custodian } },
      { url: 'recordId', valueString: i.recordId },
      { url: 'version', valuePositiveInt: i.version },
      { url: 'contentHash', valueString: i.contentHash },
      { url: 'salt', valueString: i.salt },
      { url: 'accessId', valueString: i.accessId },
    ],
  };
}

function section(input: SummaryInput, s: (typeof SUMMARY_SECTIONS)[number]): Record<string, unknown> {
  const items = input.items.filter((i) => i.category === s.category);
  const base = { title: s.title, code: { coding: [{ system: LOINC, code: s.loinc, display: s.title }] } };
  if (items.length > 0) {
    return { ...base, entry: items.map((i) => ({ reference: itemUrl(input.listingId, i) })) };
  }
  // Never "none known": the caller may simply not be allowed to read what exists elsewhere.
  return {
    ...base,
    text: {
      status: 'generated',
      div: '<div xmlns="http://www.w3.org/1999/xhtml">No entry this caller may read</div>',
    },
    emptyReason: { coding: [{ system: EMPTY_REASON, code: 'unavailable' }] },
  };
}

/** Builds the summary document; entries in section order, then custodian and record id order. */
export function summaryBundle(input: SummaryInput): SummaryBundle {
  const { listingId } = input;
  const patientUrl = urnOf(`${listingId}/patient`);
  const order = (c: DataCategory) => SUMMARY_SECTIONS.findIndex((s) => s.category === c);
  const items = [...input.items].sort(
    (a, b) =>
      order(a.category) - order(b.category) ||
      a.custodian.localeCompare(b.custodian) ||
      a.recordId.localeCompare(b.recordId),
  );
  const orgs = [...new Set([input.assembledBy, ...items.map((i) => i.custodian)])].sort();
  const composition = {
    resourceType: 'Composition',
    status: 'final',
    type: { coding: [{ system: LOINC, code: '60591-5', display: 'Patient summary Document' }] },
    subject: { reference: patientUrl },
    date: input.now.toISOString(),
    author: [{ reference: orgUrl(listingId, input.assembledBy) }],
    title: 'Patient summary',
    section: SUMMARY_SECTIONS.map((s) => section({ ...input, items }, s)),
  };
  return {
    resourceType: 'Bundle',
    identifier: { system: 'urn:ietf:rfc:3986', value: urnOf(`${listingId}/summary`) },
    type: 'document',
    timestamp: input.now.toISOString(),
    entry: [
      { fullUrl: urnOf(`${listingId}/composition`), resource: composition },
      {
        fullUrl: patientUrl,
        resource: { resourceType: 'Patient', identifier: [{ system: DID_SYSTEM, value: input.patientDid }] },
      },
      ...orgs.map((mspId) => ({
        fullUrl: orgUrl(listingId, mspId),
        resource: {
          resourceType: 'Organization',
          identifier: [{ system: MSP_SYSTEM, value: mspId }],
          name: mspId,
        },
      })),
      ...items.map((i) => ({
        fullUrl: itemUrl(listingId, i),
        resource: i.resource,
        extension: [anchorExtension(i)],
      })),
    ],
  };
}
