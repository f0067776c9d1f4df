import { createHash } from 'node:crypto';

import { canonicalJson } from './canonical-json';
import { DID_PREFIX } from './ids';

// Node-only digests, kept apart so that `canonical-json.ts` and `ids.ts` load in a browser too.

/** UTF-8 bytes of {@link canonicalJson}. */
export function canonicalBytes(value: unknown): Buffer {
  return Buffer.from(canonicalJson(value), 'utf8');
}

/** Lower-case hex SHA-256 of a string (as UTF-8) or of bytes. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * The public key of a patient's documents (DID document, preferences): the SHA-256 of the DID, so
 * that public state and blocks never hold the DID itself. Whoever already knows a DID can find its
 * document; nobody can list the DIDs from the ledger.
 */
export function patientKeyOf(patientDid: string): string {
  return sha256Hex(`${DID_PREFIX}patient-key:${patientDid}`);
}
