/** Sending a route's answer: the handler's result, or the answer stored under an idempotency key. */
import type { Response } from 'express';

import { crashAt, type FailpointStage } from '../../failpoints';
import type { StoredReply, WriteJournal } from '../../write-journal';
import { RawReply, type RouteDef } from '../routes/route';

/** Sends the answer a key stored, marked as a replay. */
export function renderReplay(res: Response, reply: StoredReply): void {
  res.setHeader('Idempotent-Replayed', 'true');
  res.status(reply.status).type(reply.status >= 400 ? 'application/problem+json' : 'application/json');
  res.send(reply.body);
}

/**
 * Sends the handler's `result` with the route's status: a {@link RawReply} as is, anything else as
 * JSON with the last transaction's id in `X-Transaction-Id`, settled in the journal before it is sent
 * (the `before-respond` failpoint crashes between the two).
 */
export function renderResult(
  res: Response,
  route: Pick<RouteDef, 'status' | 'contentType'>,
  result: unknown,
  journal: WriteJournal,
  failpoint: FailpointStage | undefined,
): void {
  if (result instanceof RawReply) {
    res.status(route.status).type(result.contentType).send(result.text);
    return;
  }
  const text = JSON.stringify(result);
  const last = journal.txIds.at(-1);
  if (last) res.setHeader('X-Transaction-Id', last);
  journal.complete({ status: route.status, body: text });
  crashAt('before-respond', failpoint);
  res
    .status(route.status)
    .type(route.contentType ?? 'application/json')
    .send(text);
}
