import { createHash } from 'node:crypto';

import { canonicalJson } from './canonical-json';

// Node-only helpers over canonical JSON, kept apart so that `canonical-json.ts` loads in a browser too.

/** UTF-8 bytes of {@link canonicalJson}. */
export function canonicalBytes(value: unknown): Buffer {
  return Buffer.from(canonicalJson(value), 'utf8');
}

/** Lower-case hex SHA-256 of a string (as UTF-8) or of bytes. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
