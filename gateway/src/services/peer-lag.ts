/**
 * Another org's peer commits a block a few milliseconds after ours (README: the cross-org commit
 * race). A flow that has just committed a write and next asks a peer of another org may get an answer
 * from before that write. Only the flow knows the write committed, so only it may read that answer as
 * lag and ask again, briefly; the ledger client never retries it on its own.
 */
import { setTimeout as sleep } from 'node:timers/promises';

import type { ErrorCode } from '@medledger/domain';

import { AppError } from '../errors';

/** Pauses between the attempts (~1.3 s in all). */
const LAG_RETRIES_MS = [20, 40, 80, 160, 320, 640];

/** `call()`, again while it fails with `laggingCode` and the pauses last; then its last answer. */
export async function afterPeerLag<T>(laggingCode: ErrorCode, call: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      const lagging = err instanceof AppError && err.code === laggingCode;
      if (!lagging || attempt >= LAG_RETRIES_MS.length) throw err;
      await sleep(LAG_RETRIES_MS[attempt]);
    }
  }
}
