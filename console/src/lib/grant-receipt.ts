/**
 * A patient's grant receipts. A revocation must present the signed grant it revokes (the relaying org
 * and the regulator check that the same patient signed both, without reading the grantee's sealed
 * collection), and only the grantee org's peer keeps that grant. So the patient keeps it too: in this
 * browser, sealed with AES-GCM under a key made here that no script can export, and as a receipt file
 * the patient downloads, to revoke from another device or after this browser's storage is cleared.
 */
import { MSP_ID_PATTERN, SIGNED_PAYLOAD_TYPES, TX_ID_PATTERN } from '@medledger/domain/browser';

import type { CryptoKey } from './patient-signer';

/** The `type` of a receipt file. */
export const RECEIPT_TYPE = 'medledger.grant-receipt';

/** What the patient keeps of one grant. */
export interface GrantReceipt {
  readonly consentId: string;
  /** The compact JWS the patient signed (it names the patient and the terms). */
  readonly grantJws: string;
  readonly granteeOrg: string;
  readonly grantTxId: string;
  /** As this browser last learnt it (the grant's and the revocation's answers). */
  readonly status: 'active' | 'revoked' | 'expired';
  readonly revokeTxId: string | null;
}

/** The terms of a grant, read from its signed payload. */
export interface GrantTerms {
  readonly patientDid: string;
  readonly grantee:
    { kind: 'org'; mspId: string } | { kind: 'staff'; did: string } | { kind: 'study'; studyId: string };
  readonly categories: readonly string[];
  readonly maxLevel: number;
  readonly purpose: string;
  readonly periodStart: string;
  readonly periodEnd: string;
  readonly maxReads?: number | null | undefined;
  readonly keepUntil?: string | null | undefined;
}

const JWS = /^[A-Za-z0-9_-]+\.([A-Za-z0-9_-]+)\.[A-Za-z0-9_-]+$/;

function problem(message: string): Error {
  return new Error(`this is not a grant receipt of yours: ${message}`);
}

/** The terms a grant JWS carries (not verified here: the ledger verified it when it was granted). */
export function termsOf(grantJws: string): GrantTerms {
  const part = JWS.exec(grantJws)?.[1];
  if (part === undefined) throw problem('the grant is not a compact JWS');
  let payload: Record<string, unknown>;
  try {
    const binary = atob(part.replace(/-/g, '+').replace(/_/g, '/'));
    const text = new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
    payload = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw problem('the grant cannot be read');
  }
  if (payload['typ'] !== SIGNED_PAYLOAD_TYPES.grant) throw problem('the signed payload is not a grant');
  const { patientDid, grantee, categories, maxLevel, purpose, periodStart, periodEnd, maxReads, keepUntil } =
    payload;
  if (
    typeof patientDid !== 'string' ||
    typeof grantee !== 'object' ||
    grantee === null ||
    !Array.isArray(categories) ||
    typeof maxLevel !== 'number' ||
    typeof purpose !== 'string' ||
    typeof periodStart !== 'string' ||
    typeof periodEnd !== 'string'
  ) {
    throw problem('the grant lacks its terms');
  }
  return {
    patientDid,
    grantee: grantee as GrantTerms['grantee'],
    categories: categories.map(String),
    maxLevel,
    purpose,
    periodStart,
    periodEnd,
    ...(typeof maxReads === 'number' ? { maxReads } : {}),
    ...(typeof keepUntil === 'string' ? { keepUntil } : {}),
  };
}

/** The receipt file's text (JSON) of a grant. */
export function receiptFile(receipt: GrantReceipt): string {
  const { consentId, grantJws, granteeOrg, grantTxId } = receipt;
  return JSON.stringify({ type: RECEIPT_TYPE, consentId, grantTxId, granteeOrg, grantJws }, null, 2);
}

/**
 * Reads a receipt file for `patientDid`: its type and ids, and a grant this patient signed. The
 * status is unknown from a file; it is taken as active until the ledger answers otherwise.
 */
export function parseReceipt(text: string, patientDid: string): GrantReceipt {
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw problem('the file is not JSON');
  }
  const { type, consentId, grantTxId, granteeOrg, grantJws } = value;
  if (type !== RECEIPT_TYPE) throw problem(`its type is not ${RECEIPT_TYPE}`);
  if (typeof consentId !== 'string' || !TX_ID_PATTERN.test(consentId)) throw problem('no consent id');
  if (typeof grantTxId !== 'string' || !TX_ID_PATTERN.test(grantTxId)) throw problem('no grant transaction');
  if (typeof granteeOrg !== 'string' || !MSP_ID_PATTERN.test(granteeOrg)) throw problem('no grantee org');
  if (typeof grantJws !== 'string') throw problem('no signed grant');
  if (termsOf(grantJws).patientDid !== patientDid) throw problem('the grant was signed for another patient');
  return { consentId, grantJws, granteeOrg, grantTxId, status: 'active', revokeTxId: null };
}

/** A receipt sealed for storage: AES-GCM with a fresh IV, bound to the patient as additional data. */
export interface SealedReceipt {
  readonly iv: Uint8Array<ArrayBuffer>;
  readonly data: ArrayBuffer;
}

/** A new AES-GCM key for the receipts of one patient, which no script can export. */
export function newReceiptKey(): Promise<CryptoKey> {
  return crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
}

/** Seals `receipt` under `key`. */
export async function sealReceipt(
  key: CryptoKey,
  patientDid: string,
  receipt: GrantReceipt,
): Promise<SealedReceipt> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const plain = new TextEncoder().encode(JSON.stringify(receipt));
  const additionalData = new TextEncoder().encode(patientDid);
  const data = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData }, key, plain);
  return { iv, data };
}

/** Opens a sealed receipt (throws when the key, the patient or the bytes differ). */
export async function openReceipt(
  key: CryptoKey,
  patientDid: string,
  sealed: SealedReceipt,
): Promise<GrantReceipt> {
  const additionalData = new TextEncoder().encode(patientDid);
  const plain = await crypto.subtle.decrypt(
    { name: 'AES-GCM', iv: sealed.iv, additionalData },
    key,
    sealed.data,
  );
  return JSON.parse(new TextDecoder().decode(plain)) as GrantReceipt;
}
