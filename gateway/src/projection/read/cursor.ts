/**
 * Opaque page cursors: the position (time, ledger sequence) and a digest of the query that produced
 * it, authenticated with HMAC-SHA256. A tampered cursor, or one used with other filters or by another
 * viewer, is refused.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

import { z } from 'zod';

import { AppError } from '../../errors';
import { canonicalJson } from '@medledger/domain';

/** Position after the last row of a page, newest first. */
export interface CursorPosition {
  readonly timeMs: number;
  readonly seq: number;
}

const bodySchema = z.strictObject({
  v: z.literal(1),
  q: z.string().length(22),
  t: z.number().int(),
  s: z.number().int().min(0),
});

function invalid(detail: string): AppError {
  return new AppError('CURSOR_INVALID', detail);
}

/** Signs and checks cursors with one key (at least 32 bytes, kept by the gateway). */
export class CursorCodec {
  readonly #key: Uint8Array;

  constructor(key: Uint8Array) {
    if (key.length < 32) throw new RangeError('cursor key must hold at least 32 bytes');
    this.#key = key;
  }

  /** A digest naming a query: its kind, the viewer's scope and its filters. */
  static queryDigest(query: unknown): string {
    return createHash('sha256').update(canonicalJson(query)).digest('base64url').slice(0, 22);
  }

  #mac(body: string): Buffer {
    return createHmac('sha256', this.#key).update(body).digest();
  }

  encode(queryDigest: string, position: CursorPosition): string {
    const body = Buffer.from(
      JSON.stringify({ v: 1, q: queryDigest, t: position.timeMs, s: position.seq }),
      'utf8',
    ).toString('base64url');
    return `${body}.${this.#mac(body).toString('base64url')}`;
  }

  /** The position of a cursor made for this query; throws `CURSOR_INVALID` (400) otherwise. */
  decode(queryDigest: string, cursor: string): CursorPosition {
    if (cursor.length > 512) throw invalid('cursor too long');
    const [body, mac, extra] = cursor.split('.');
    if (body === undefined || mac === undefined || extra !== undefined) throw invalid('malformed cursor');
    const given = Buffer.from(mac, 'base64url');
    const expected = this.#mac(body);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw invalid('cursor signature mismatch');
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      throw invalid('malformed cursor');
    }
    const result = bodySchema.safeParse(parsed);
    if (!result.success) throw invalid('malformed cursor');
    if (result.data.q !== queryDigest) throw invalid('cursor belongs to another query');
    return { timeMs: result.data.t, seq: result.data.s };
  }
}
