/**
 * Records: anchoring (stage content on the custodian's peer, then anchor public metadata, two commits
 * so content never reaches another org's peer), versions, reads, verification, access and content.
 * Record ids are unique per custodian: reads and access name the custodian (the caller's own org
 * unless told), writes are always the caller's org's. The patient of a record never goes into a
 * transaction's arguments or result: it travels in the transient map to the endorsing peers only.
 */
import { randomBytes } from 'node:crypto';

import {
  accessRecordInput,
  claimReviewSchema,
  ErrorCode,
  erasureReasonSchema,
  MAX_PRESENTED_CONSENTS,
  mspIdSchema,
  patientDidSchema,
  recordMetadataSchema,
  versionSchema,
  type AccessDecision,
  type BreakGlassReason,
  type DataUseReceipt,
  type Erasure,
  type PresentedConsent,
  type Purpose,
  type RecordAnchor,
  type TransactionOutput,
} from '@medledger/domain';
import { z } from 'zod';

import { PATIENT_PROOF_HEADER } from '../auth/patient-proof';
import type { Principal } from '../auth/tokens';
import { AppError, GatewayErrorCode } from '../errors';
import { unverifiedPayloadField } from './consents';
import { custodianOf, submitAnswer, type ServiceContext } from './context';
import { afterPeerLag } from './peer-lag';

/** Request body of `POST /v1/records`: the metadata of version 1, its patient and the FHIR resource. */
export const createRecordBody = z.strictObject({
  ...recordMetadataSchema.omit({ version: true }).shape,
  patientDid: patientDidSchema,
  resource: z.record(z.string(), z.unknown()),
});
export type CreateRecordBody = z.output<typeof createRecordBody>;

/** The custodian a request names (optional: the caller's own org). */
const custodianField = {
  custodian: mspIdSchema
    .optional()
    .describe("MSP ID of the hospital keeping the record (default: the caller's own org)"),
};

/** The custodian a write names: only the caller's own org writes its records. */
const ownCustodianField = {
  custodian: mspIdSchema
    .optional()
    .describe("MSP ID of the record's custodian: the caller's own org (the default); another is refused"),
};

/**
 * Refuses a write that names another custodian (403): record ids are unique per custodian and only
 * the custodian changes its records, so the gateway never sends it under the caller's org's name.
 */
function ownRecords(ctx: ServiceContext, custodian: string | undefined): void {
  if (custodian !== undefined && custodian !== ctx.mspId) {
    throw new AppError(ErrorCode.FORBIDDEN, `records of ${custodian} are written by ${custodian} only`);
  }
}

/** Request body of `POST /v1/records/{id}/versions` (a record of the caller's org). */
export const addVersionBody = createRecordBody.omit({ recordId: true }).extend(ownCustodianField);
export type AddVersionBody = z.output<typeof addVersionBody>;

/** Request body of `POST /v1/records/{id}/verify`: a copy of the content and its salt. */
export const verifyBody = z.strictObject({
  ...custodianField,
  version: versionSchema.optional(),
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

/** A fresh salt: 256 random bits, hex. */
export function newSalt(): string {
  return randomBytes(32).toString('hex');
}

async function anchor(
  ctx: ServiceContext,
  body: Omit<CreateRecordBody, 'resource'> & { version: number },
  resource: Record<string, unknown>,
  previousHash: string | null,
): Promise<AnchoredRecord> {
  const { patientDid, ...metadata } = body;
  const subject = { patientDid };
  // A retry under the same idempotency key must hash with the same salt as the attempt it recovers.
  const salt = ctx.remember('salt', newSalt);
  // Staged in the custodian's implicit collection: the registry has only its own peers endorse.
  const staged = await ctx.ledger.submit(ctx.caller, 'StageRecordContent', metadata, {
    transient: { content: { resource, salt }, subject },
  });
  const anchorInput = {
    ...metadata,
    previousHash,
    contentHash: staged.result.contentHash,
    hashAlgorithm: staged.result.hashAlgorithm,
    qualityStatus: staged.result.qualityStatus,
    reasons: staged.result.reasons,
  };
  // The staging committed VALID on our peer; the anchor's other endorser may commit that block a few
  // milliseconds later, and until then answers CONTENT_NOT_STAGED: only here is that a lag rather than
  // an anchor of content that was never staged.
  const anchored = await afterPeerLag(ErrorCode.CONTENT_NOT_STAGED, () =>
    ctx.ledger.submit(ctx.caller, 'AnchorRecord', anchorInput, {
      custodian: ctx.mspId,
      transient: { subject },
    }),
  );
  return { txId: anchored.txId, stageTxId: staged.txId, salt, record: anchored.result };
}

/** Anchors version 1 of a new record of the caller's org. */
export function createRecord(ctx: ServiceContext, body: CreateRecordBody): Promise<AnchoredRecord> {
  const { resource, ...metadata } = body;
  return anchor(ctx, { ...metadata, version: 1 }, resource, null);
}

/** Anchors the next version of a record of the caller's org, chained to the latest one. */
export async function addVersion(
  ctx: ServiceContext,
  recordId: string,
  body: AddVersionBody,
): Promise<AnchoredRecord> {
  const { resource, custodian, ...metadata } = body;
  ownRecords(ctx, custodian);
  const latest = await ctx.ledger.evaluate(ctx.caller, 'GetRecord', { recordId, custodian: ctx.mspId });
  return anchor(ctx, { ...metadata, recordId, version: latest.version + 1 }, resource, latest.contentHash);
}

export function getRecord(
  ctx: ServiceContext,
  recordId: string,
  query: { custodian?: string | undefined; version?: number | undefined },
): Promise<RecordAnchor> {
  const custodian = custodianOf(ctx, query.custodian);
  return ctx.ledger.evaluate(
    ctx.caller,
    'GetRecord',
    query.version === undefined ? { recordId, custodian } : { recordId, custodian, version: query.version },
  );
}

/**
 * The public anchor of a record for its own patient (docs/patients.md, "A patient's own record
 * anchors"): the patient's request signed with their key (`medledger.record.read`, naming this record
 * and this org) is checked on the regulator's peer, which holds every custodian's record → patient
 * links (`ConfirmPatientRecord`); then the anchor is read on this org's own peer, as for staff. A record
 * of another patient answers 404 `NOT_FOUND` exactly as a record that does not exist.
 */
export async function getOwnRecord(
  ctx: ServiceContext & { readonly principal: Principal },
  recordId: string,
  query: { custodian?: string | undefined; version?: number | undefined },
  request: string | undefined,
): Promise<RecordAnchor> {
  if (request === undefined || request === '') {
    throw new AppError(
      GatewayErrorCode.PATIENT_PROOF_REQUIRED,
      `send the request signed with your key (medledger.record.read) in ${PATIENT_PROOF_HEADER}`,
    );
  }
  // Checked here too so that a request of another patient never reaches the ledger under this token.
  if (unverifiedPayloadField(request, 'patientDid') !== ctx.principal.subject) {
    throw new AppError(GatewayErrorCode.FORBIDDEN, 'the signed request is not of this patient');
  }
  const custodian = custodianOf(ctx, query.custodian);
  await ctx.ledger.evaluate(
    ctx.caller,
    'ConfirmPatientRecord',
    { custodian, recordId },
    { transient: { request: { jws: request } } },
  );
  return getRecord(ctx, recordId, { ...query, custodian });
}

export function getHistory(
  ctx: ServiceContext,
  recordId: string,
  custodian: string | undefined,
): Promise<TransactionOutput<'GetRecordHistory'>> {
  return ctx.ledger.evaluate(ctx.caller, 'GetRecordHistory', {
    recordId,
    custodian: custodianOf(ctx, custodian),
  });
}

/** Verifies a copy on a peer of the caller's own org: the copy and its salt reach no other org. */
export function verifyRecord(
  ctx: ServiceContext,
  recordId: string,
  body: VerifyBody,
): Promise<TransactionOutput<'VerifyRecord'>> {
  const custodian = custodianOf(ctx, body.custodian);
  const input =
    body.version === undefined ? { recordId, custodian } : { recordId, custodian, version: body.version };
  return ctx.ledger.evaluate(ctx.caller, 'VerifyRecord', input, {
    transient: { content: { resource: body.resource, salt: body.salt } },
  });
}

/**
 * Request body of `POST /v1/records/{id}/access`. `patientDid` names the record's patient when the
 * caller relies on a consent: the gateway then presents the consents its own org holds for that
 * patient (never put into a block). The custodian's own staff treating the patient, and break-glass,
 * need none.
 */
export const accessBody = accessRecordInput.omit({ recordId: true, custodian: true }).extend({
  ...custodianField,
  patientDid: patientDidSchema
    .optional()
    .describe("the record's patient, when the access rests on a consent the caller's org holds"),
  claimReview: claimReviewSchema
    .optional()
    .describe(
      "an insurer's adjuster: the claim the record backs and the coded reason to review it (purpose insurance)",
    ),
});
export type AccessBody = z.output<typeof accessBody>;

/**
 * The consents this gateway's org holds for `patientDid` that may back an access for `purpose`,
 * newest first, read on the org's own peer (its sealed collection). A caller the chaincode does not
 * let list consents gets none: its access is still decided, and audited, without them.
 */
export async function presentableConsents(
  ctx: ServiceContext,
  patientDid: string,
  purpose: Purpose,
): Promise<PresentedConsent[]> {
  let page;
  try {
    page = await ctx.ledger.evaluate(ctx.caller, 'ListPatientConsents', { patientDid, pageSize: 100 });
  } catch (err) {
    if (err instanceof AppError && err.status < 500) return [];
    throw err;
  }
  return page.items
    .filter((c) => c.status === 'active' && c.purpose === purpose)
    .sort((a, b) => b.grantedAt.localeCompare(a.grantedAt))
    .slice(0, MAX_PRESENTED_CONSENTS)
    .map((c) => ({ consentId: c.consentId, jws: c.jws }));
}

/**
 * Asks the chaincode for access; a denial is committed too and returned as such. Endorsed by the
 * record's custodian and the regulator, the only orgs that learn the patient of the request.
 */
export async function requestAccess(
  ctx: ServiceContext,
  recordId: string,
  body: AccessBody,
): Promise<{ txId: string; decision: AccessDecision }> {
  const { patientDid, custodian: named, claimReview, ...request } = body;
  const custodian = custodianOf(ctx, named);
  const ownTreatment = custodian === ctx.mspId && request.purpose === 'treatment';
  const consents =
    patientDid === undefined || ownTreatment
      ? []
      : await presentableConsents(ctx, patientDid, request.purpose);
  return decideAccess(ctx, { ...request, recordId, custodian }, consents, claimReview);
}

/**
 * Submits one access decision presenting `consents` (none for the custodian's own staff treating):
 * endorsed by the record's custodian and the regulator, the only orgs that learn the patient.
 */
export function decideAccess(
  ctx: ServiceContext,
  input: z.output<typeof accessRecordInput>,
  consents: readonly PresentedConsent[],
  claimReview?: AccessBody['claimReview'],
): Promise<{ txId: string; decision: AccessDecision }> {
  const own = input.custodian === ctx.mspId && input.purpose === 'treatment';
  return submitAnswer(ctx, 'AccessRecord', input, 'decision', {
    custodian: input.custodian,
    transient: {
      ...(consents.length > 0 && !own ? { consents: [...consents] } : {}),
      ...(claimReview === undefined ? {} : { claimReview }),
    },
  });
}

/** Request body of `POST /v1/break-glass/{id}/co-sign`: the custodian of the requested record. */
export const coSignBody = z.strictObject({ ...custodianField });

/**
 * Co-signs a colleague's break-glass request beyond the patient's emergency profile (`id` is the
 * request's access id, from the `CO_SIGNATURE_REQUIRED` decision). The answer is the requester's new
 * decision: on grant its `accessId` is what the requester reads the content with.
 */
export function coSignBreakGlass(
  ctx: ServiceContext,
  requestId: string,
  body: z.output<typeof coSignBody>,
): Promise<{ txId: string; decision: AccessDecision }> {
  const custodian = custodianOf(ctx, body.custodian);
  return submitAnswer(ctx, 'CoSignBreakGlass', { requestId, custodian }, 'decision', { custodian });
}

/**
 * Reads content with a granted access on a peer of the record's custodian (where it lives), without
 * recording its receipt: the caller records it (`recordDataUse`) before the content leaves the gateway.
 */
export function readContentUnrecorded(
  ctx: ServiceContext,
  recordId: string,
  query: { accessId: string; custodian?: string | undefined; exportId?: string | undefined },
): Promise<TransactionOutput<'ReadRecordContent'>> {
  const custodian = custodianOf(ctx, query.custodian);
  const input = { recordId, custodian, accessId: query.accessId };
  return ctx.ledger.evaluate(
    ctx.caller,
    'ReadRecordContent',
    query.exportId === undefined ? input : { ...input, exportId: query.exportId },
    { custodian },
  );
}

/**
 * Records data-use receipts the custodian's peer issued to the caller in the custodian's sealed
 * collection (docs/leak-tracing.md), committed before the content they describe is answered: no copy
 * leaves this gateway unrecorded. The receipts come straight from the custodian's peer for a grant
 * this flow has seen committed, so a `RECEIPT_INVALID` here is the regulator's peer not yet having
 * that grant (it endorses too): asked again while it catches up.
 */
export async function recordDataUse(
  ctx: ServiceContext,
  custodian: string,
  receipts: readonly DataUseReceipt[],
): Promise<void> {
  await afterPeerLag(ErrorCode.RECEIPT_INVALID, () =>
    ctx.ledger.submit(
      ctx.caller,
      'RecordDataUse',
      { custodian },
      { custodian, transient: { receipts: [...receipts] } },
    ),
  );
}

/**
 * Reads content with a granted access, on a peer of the record's custodian (where it lives), and
 * records the receipt of the delivered bytes before answering them with it.
 */
export async function readContent(
  ctx: ServiceContext,
  recordId: string,
  query: { accessId: string; custodian?: string | undefined },
): Promise<TransactionOutput<'ReadRecordContent'>> {
  const content = await readContentUnrecorded(ctx, recordId, query);
  await recordDataUse(ctx, content.receipt.custodian, [content.receipt]);
  return content;
}

/** Request body of `POST /v1/records/{id}/review`. */
export const reviewBody = z.strictObject({ ...ownCustodianField, version: versionSchema });

/** Clears `needs_review` on a version of the caller's org's record. */
export async function reviewQuality(
  ctx: ServiceContext,
  recordId: string,
  body: z.output<typeof reviewBody>,
): Promise<{ txId: string; record: RecordAnchor }> {
  ownRecords(ctx, body.custodian);
  const input = { recordId, version: body.version };
  return submitAnswer(ctx, 'ReviewRecordQuality', input, 'record', { custodian: ctx.mspId });
}

/** Request body of `POST /v1/records/{id}/erasures`. */
export const eraseBody = z.strictObject({
  ...ownCustodianField,
  version: versionSchema.optional(),
  reason: erasureReasonSchema,
});

export async function eraseContent(
  ctx: ServiceContext,
  recordId: string,
  body: z.output<typeof eraseBody>,
): Promise<{ txId: string; result: TransactionOutput<'EraseRecordContent'> }> {
  const { custodian, ...erasure } = body;
  ownRecords(ctx, custodian);
  return submitAnswer(ctx, 'EraseRecordContent', { ...erasure, recordId }, 'result', {
    custodian: ctx.mspId,
  });
}

/** Request body of `POST /v1/records/{id}/staged-erasures`: a version staged and never anchored. */
export const purgeStagedBody = z.strictObject({
  ...ownCustodianField,
  version: versionSchema,
  reason: erasureReasonSchema,
});

/** Purges content the caller's org staged and never anchored, and records it publicly. */
export async function purgeStaged(
  ctx: ServiceContext,
  recordId: string,
  body: z.output<typeof purgeStagedBody>,
): Promise<{ txId: string; erasure: Erasure }> {
  const { custodian, ...purge } = body;
  ownRecords(ctx, custodian);
  return submitAnswer(ctx, 'PurgeStagedContent', { ...purge, recordId }, 'erasure', { custodian: ctx.mspId });
}

/** An emergency listing's stated reason (a hospital doctor, under the patient's emergency profile). */
export interface EmergencyListing {
  readonly reason: BreakGlassReason;
}

/** The answer of `GET /v1/patients/{did}/records`: the audited listing's id and the records it shows. */
export type PatientRecordsAnswer = TransactionOutput<'ListPatientRecords'> & { readonly txId: string };

/**
 * Lists a patient's records (docs/patients.md): opens an audited listing (endorsed by this gateway's
 * org and the regulator, the decision in this org's sealed collection), then reads it on the
 * regulator's peer, the one peer holding every custodian's index. A patient sends their signed
 * request (`request`, relayed by the gateway's service identity); a clinician presents the treatment
 * consents this org holds for the patient; a doctor in an emergency (`emergency`) presents nothing and
 * sees what the patient's signed emergency profile opens. A denied listing (audited) answers 403
 * `ACCESS_NOT_GRANTED`, its detail `listing <listingId> <reason>`.
 */
export async function listPatientRecords(
  ctx: ServiceContext,
  patientDid: string,
  request: string | undefined,
  emergency?: EmergencyListing,
): Promise<PatientRecordsAnswer> {
  const consents =
    request === undefined && emergency === undefined
      ? await presentableConsents(ctx, patientDid, 'treatment')
      : [];
  const transient = {
    subject: { patientDid },
    ...(request === undefined ? {} : { request: { jws: request } }),
    ...(consents.length > 0 ? { consents } : {}),
    ...(emergency === undefined ? {} : { emergency: { reason: emergency.reason } }),
  };
  const { txId, result } = await ctx.ledger.submit(ctx.caller, 'OpenRecordListing', {}, { transient });
  if (result.outcome !== 'granted') {
    throw new AppError(ErrorCode.ACCESS_NOT_GRANTED, `listing ${result.listingId} ${result.reason}`);
  }
  // The submit waited for the commit on this org's peer only; the read runs on the regulator's peer,
  // which may not hold that block yet and then finds no such listing (ACCESS_NOT_GRANTED). The listing
  // is known granted and the caller's own, so that answer is lag while it lasts briefly.
  const listed = await afterPeerLag(ErrorCode.ACCESS_NOT_GRANTED, () =>
    ctx.ledger.evaluate(ctx.caller, 'ListPatientRecords', { listingId: result.listingId }),
  );
  return { txId, ...listed };
}
