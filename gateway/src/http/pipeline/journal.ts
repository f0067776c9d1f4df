/**
 * The idempotency stage: a write with an `Idempotency-Key` begins its write journal under the caller's
 * key and a hash of what it asks (method, path, body); everything else gets a journal that stores
 * nothing.
 */
import { createHash } from 'node:crypto';

import { canonicalJson } from '@medledger/domain';

import type { Principal } from '../../auth/tokens';
import { AppError, GatewayErrorCode } from '../../errors';
import { IDEMPOTENCY_KEY_PATTERN, type IdempotencyStore } from '../../idempotency';
import { WriteJournal, type JournalBegin } from '../../write-journal';
import type { RouteDef } from '../routes/route';
import { principalScope } from './caller';

/** What the stage reads of the request. */
export interface JournalRequest {
  /** The `Idempotency-Key` header. */
  readonly key: string | undefined;
  readonly path: string;
  /** The body as parsed, before validation. */
  readonly body: unknown;
}

/** What a key is bound to: a retry must ask the same thing to get the first answer. */
export function requestHash(method: string, path: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method} ${path}\n${canonicalJson(body ?? null)}`)
    .digest('hex');
}

/** Begins the request's journal: 400 for a malformed key; see {@link WriteJournal.begin} for the rest. */
export function beginJournal(
  store: IdempotencyStore,
  route: Pick<RouteDef, 'write' | 'method'>,
  request: JournalRequest,
  principal: Principal,
): JournalBegin {
  const { key } = request;
  if (!route.write || key === undefined) return { state: 'open', journal: WriteJournal.unkeyed() };
  if (!IDEMPOTENCY_KEY_PATTERN.test(key)) {
    throw new AppError(
      GatewayErrorCode.IDEMPOTENCY_KEY_INVALID,
      'Idempotency-Key must be 8-128 of [A-Za-z0-9_.:-]',
    );
  }
  const hash = requestHash(route.method, request.path, request.body);
  return WriteJournal.begin(store, principalScope(principal), key, hash);
}
