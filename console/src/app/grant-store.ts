/**
 * The patient's grants kept in this browser's IndexedDB, each sealed under the patient's receipt key
 * (AES-GCM, made here, non-extractable, kept as a CryptoKey beside the signing key). The stored rows
 * hold the patient's DID (to find them) and ciphertext: which consents exist, to whom and until when
 * is readable only through the key, which never leaves this browser.
 */
import {
  newReceiptKey,
  openReceipt,
  sealReceipt,
  type GrantReceipt,
  type SealedReceipt,
} from '../lib/grant-receipt';
import type { CryptoKey } from '../lib/patient-signer';
import { GRANT_KEYS, GRANTS, run } from './key-store';

interface KeyRow {
  patientDid: string;
  key: CryptoKey;
}

interface GrantRow extends SealedReceipt {
  id?: number;
  patientDid: string;
}

/** The receipt key of `patientDid`, made on first use. */
async function receiptKey(patientDid: string): Promise<CryptoKey> {
  const row = await run<KeyRow | undefined>('readonly', (s) => s.get(patientDid), GRANT_KEYS);
  if (row) return row.key;
  const key = await newReceiptKey();
  await run('readwrite', (s) => s.put({ patientDid, key } satisfies KeyRow), GRANT_KEYS);
  return key;
}

async function rowsOf(patientDid: string): Promise<GrantRow[]> {
  return run<GrantRow[]>('readonly', (s) => s.index('patientDid').getAll(patientDid), GRANTS);
}

/**
 * The grants kept for `patientDid`, newest first; a row this browser's key cannot open (storage
 * copied from elsewhere) is left out.
 */
export async function loadGrants(patientDid: string): Promise<GrantReceipt[]> {
  const key = await receiptKey(patientDid);
  const opened = await Promise.all(
    (await rowsOf(patientDid)).map((row) => openReceipt(key, patientDid, row).catch(() => undefined)),
  );
  return opened.filter((r): r is GrantReceipt => r !== undefined).reverse();
}

/** Keeps `receipt` (replacing the one of the same consent, if kept). */
export async function keepGrant(patientDid: string, receipt: GrantReceipt): Promise<void> {
  const key = await receiptKey(patientDid);
  const rows = await rowsOf(patientDid);
  let id: number | undefined;
  for (const row of rows) {
    const kept = await openReceipt(key, patientDid, row).catch(() => undefined);
    if (kept?.consentId === receipt.consentId) id = row.id;
  }
  const sealed = await sealReceipt(key, patientDid, receipt);
  const row: GrantRow = { patientDid, ...sealed, ...(id === undefined ? {} : { id }) };
  await run('readwrite', (s) => s.put(row), GRANTS);
}
