/**
 * Records: anchoring (stage content on the custodian's peer, then anchor public metadata, two commits
 * so content never reaches another org's peer), versions, reads, verification, access and content.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

import {
  accessRecordInput,
  ErrorCode,
  recordMetadataSchema,
  type RecordAnchor,
  type TransactionOutput,
  type AccessDecision,
} from '@medledger/domain';
import { z } from 'zod';

import { AppError } from '../errors';
import { submitAnswer, type ServiceContext } from './context';

/** Request body of `POST /v1/records`: the metadata of version 1 and the FHIR resource. */
export const createRecordBody = z.strictObject({
  ...recordMetadataSchema.omit({ version: true }).shape,
  resource: z.record(z.string(), z.unknown()),
});
export type CreateRecordBody = z.output<typeof createRecordBody>;

/** Request body of `POST /v1/records/{id}/versions`. */
export const addVersionBody = createRecordBody.omit({ recordId: true });
export type AddVersionBody = z.output<typeof addVersionBody>;

/** Request body of `POST /v1/records/{id}/verify`: a copy of the content and its salt. */
export const verifyBody = z.strictObject({
  version: z.number().int().min(1).optional(),
  resource: z.record(z.string(), z.unknown()),
  salt: z.string(),
});
export type VerifyBody = z.output<typeof verifyBody>;

/** The result of anchoring a record version. */
export interface AnchoredRecord {
  readonly txId: string;
  readonly stageTxId: string;
  /** The salt mixed into the content hash; keep it with the content to verify copies later. */
  readonly salt: string;
  readonly record: RecordAnchor;
}

/** Pauses before re-endorsing an anchor whose staging another peer has not committed yet (~1.5 s). */
const STAGING_LAG_RETRIES_MS = [20, 40, 80, 160, 320, 640];

/** A fresh salt: 256 random bits, hex. */
export function newSalt(): string {
  return randomBytes(32).toString('hex');
}

async function anchor(
  ctx: ServiceContext,
  metadata: Omit<CreateRecordBody, 'resource'> & { version: number },
  resource: Record<string, unknown>,
  previousHash: string | null,
): Promise<AnchoredRecord> {
  // A retry under the same idempotency key must hash with the same salt as the attempt it recovers.
  const salt = ctx.remember('salt', newSalt);
  const staged = await ctx.ledger.submit(ctx.caller, 'StageRecordContent', metadata, {
    // Staged in the custodian's implicit collection: the registry has only its own peers endorse.
    content: { resource, salt },
  });
  const anchorInput = {
    ...metadata,
    previousHash,
    contentHash: staged.result.contentHash,
    qualityStatus: staged.result.qualityStatus,
    reasons: staged.result.reasons,
  };
  // The staging committed VALID on our peer; the anchor's other endorser may commit that block a few
  // milliseconds later, and until then answers CONTENT_NOT_STAGED. Wait for it, briefly. This lives
  // here, not in the ledger client's retry loop: only this flow knows the staging has committed, so only
  // here is CONTENT_NOT_STAGED a lag rather than an anchor of content that was never staged.
  let anchored;
  for (let attempt = 0; ; attempt++) {
    try {
      anchored = await ctx.ledger.submit(ctx.caller, 'AnchorRecord', anchorInput, {});
      break;
    } catch (err) {
      const lagging = err instanceof AppError && err.code === ErrorCode.CONTENT_NOT_STAGED;
      if (!lagging || attempt >= STAGING_LAG_RETRIES_MS.length) throw err;
      await sleep(STAGING_LAG_RETRIES_MS[attempt]);
    }
  }
  return { txId: anchored.txId, stageTxId: staged.txId, salt, record: anchored.result };
}

/** Anchors version 1 of a new record. */
export function createRecord(ctx: ServiceContext, body: CreateRecordBody): Promise<AnchoredRecord> {
  const { resource, ...metadata } = body;
  return anchor(ctx, { ...metadata, version: 1 }, resource, null);
}

/** Anchors the next version of a record, chained to the latest one. */
export async function addVersion(
  ctx: ServiceContext,
  recordId: string,
  body: AddVersionBody,
): Promise<AnchoredRecord> {
  const latest = await ctx.ledger.evaluate(ctx.caller, 'GetRecord', { recordId });
  const { resource, ...metadata } = body;
  return anchor(ctx, { ...metadata, recordId, version: latest.version + 1 }, resource, latest.contentHash);
}

export function getRecord(ctx: ServiceContext, recordId: string, version?: number): Promise<RecordAnchor> {
  return ctx.ledger.evaluate(
    ctx.caller,
    'GetRecord',
    version === undefined ? { recordId } : { recordId, version },
  );
}

export function getHistory(
  ctx: ServiceContext,
  recordId: string,
): Promise<TransactionOutput<'GetRecordHistory'>> {
  return ctx.ledger.evaluate(ctx.caller, 'GetRecordHistory', { recordId });
}

export function verifyRecord(
  ctx: ServiceContext,
  recordId: string,
  body: VerifyBody,
): Promise<TransactionOutput<'VerifyRecord'>> {
  const input = body.version === undefined ? { recordId } : { recordId, version: body.version };
  return ctx.ledger.evaluate(ctx.caller, 'VerifyRecord', input, {
    content: { resource: body.resource, salt: body.salt },
  });
}

/** Request body of `POST /v1/records/{id}/access`. */
export const accessBody = accessRecordInput.omit({ recordId: true });
export type AccessBody = z.output<typeof accessBody>;

/** Asks the chaincode for access; a denial is committed too and returned as such. */
export function requestAccess(
  ctx: ServiceContext,
  recordId: string,
  body: AccessBody,
): Promise<{ txId: string; decision: AccessDecision }> {
  return submitAnswer(ctx, 'AccessRecord', { ...body, recordId }, 'decision');
}

/** Reads content with a granted access, on a peer of the record's custodian (where it lives). */
export async function readContent(
  ctx: ServiceContext,
  recordId: string,
  accessId: string,
): Promise<TransactionOutput<'ReadRecordContent'>> {
  const anchorOf = await ctx.ledger.evaluate(ctx.caller, 'GetRecord', { recordId });
  return ctx.ledger.evaluate(
    ctx.caller,
    'ReadRecordContent',
    { recordId, accessId },
    { custodian: anchorOf.custodian },
  );
}

export function reviewQuality(
  ctx: ServiceContext,
  recordId: string,
  version: number,
): Promise<{ txId: string; record: RecordAnchor }> {
  return submitAnswer(ctx, 'ReviewRecordQuality', { recordId, version }, 'record');
}

export function eraseContent(
  ctx: ServiceContext,
  recordId: string,
  body: { version?: number | undefined; reason: string },
): Promise<{ txId: string; result: TransactionOutput<'EraseRecordContent'> }> {
  return submitAnswer(ctx, 'EraseRecordContent', { ...body, recordId }, 'result');
}
