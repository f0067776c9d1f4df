/**
 * The marks every delivered copy carries (docs/leak-tracing.md): the data-use receipt's MAC, and for
 * research rows a per-export pseudonym and order key. Pure and deterministic: the same grant, export
 * and keys give the same bytes on every endorsing peer, with no randomness and no clock.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { canonicalJson, sha256Hex, type DataUseReceipt, type DataUseReceiptBody } from '@medledger/domain';

/** Hex digits of a per-export pseudonym: 128 bits, as the study pseudonym. */
const EXPORT_PSEUDONYM_HEX_DIGITS = 32;
/** Hex digits of an order key. */
const ORDER_KEY_HEX_DIGITS = 16;

/**
 * The pseudonym of one patient in one export to one recipient: HMAC-SHA-256 under the study key of
 * the export id, the recipient's DID and the patient's study pseudonym. Two exports of one cohort, to
 * one researcher or two, differ in every pseudonym; within one export, one patient keeps one pseudonym
 * across custodians (they share the study key). Binding the recipient means an export id reused by
 * another recipient (a researcher naming a colleague's export to frame them) gives other pseudonyms.
 * Without the study key nobody can link an export pseudonym to the study pseudonym or to another
 * export's.
 */
export function exportPseudonym(
  studyKey: Uint8Array,
  exportId: string,
  recipientDid: string,
  studyPseudonym: string,
): string {
  return createHmac('sha256', studyKey)
    .update(`medledger-export-pseudonym-v1\u0000${exportId}\u0000${recipientDid}\u0000${studyPseudonym}`)
    .digest('hex')
    .slice(0, EXPORT_PSEUDONYM_HEX_DIGITS);
}

/**
 * Where a row goes in its export: rows are sent sorted by this key, derived from the export id and
 * the row's own marks, so the row order of two exports of the same records differs too.
 */
export function exportOrderKey(
  exportId: string,
  pseudonym: string,
  custodian: string,
  recordId: string,
): string {
  return sha256Hex(
    `medledger-export-order-v1\u0000${exportId}\u0000${pseudonym}\u0000${custodian}\u0000${recordId}`,
  ).slice(0, ORDER_KEY_HEX_DIGITS);
}

/** The MAC of a data-use receipt's fields under the custodian's collection key (hex). */
export function receiptMac(collectionKey: Uint8Array, body: DataUseReceiptBody): string {
  return createHmac('sha256', collectionKey)
    .update(`medledger-data-use-receipt-v1\u0000${canonicalJson(body)}`)
    .digest('hex');
}

/** Whether `mac` is the MAC of `body` under `collectionKey` (constant time). */
export function receiptMacValid(collectionKey: Uint8Array, body: DataUseReceiptBody, mac: string): boolean {
  const expected = Buffer.from(receiptMac(collectionKey, body), 'hex');
  const given = Buffer.from(mac, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The fields of a receipt without its MAC. */
export function receiptBodyOf(receipt: DataUseReceipt): DataUseReceiptBody {
  return {
    accessId: receipt.accessId,
    exportId: receipt.exportId,
    studyId: receipt.studyId,
    recipientDid: receipt.recipientDid,
    recipientMsp: receipt.recipientMsp,
    custodian: receipt.custodian,
    recordId: receipt.recordId,
    version: receipt.version,
    contentHash: receipt.contentHash,
    resourceHash: receipt.resourceHash,
    pseudonym: receipt.pseudonym,
    orderKey: receipt.orderKey,
    issuedAt: receipt.issuedAt,
  };
}

/**
 * The hashes a receipt binds: of the delivered content object (the read's answer without its receipt),
 * and of its resource alone, both over canonical JSON so that re-formatting a copy keeps them.
 */
export function deliveredHashes(content: { resource: unknown }): {
  contentHash: string;
  resourceHash: string;
} {
  return {
    contentHash: sha256Hex(canonicalJson(content)),
    resourceHash: sha256Hex(canonicalJson(content.resource)),
  };
}
