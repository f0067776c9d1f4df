import {
  anchorRecordInput,
  canonicalJson,
  eraseRecordContentInput,
  ErrorCode,
  getRecordHistoryInput,
  getRecordInput,
  reviewRecordQualityInput,
  stageRecordContentInput,
  verifyRecordInput,
  type Erasure,
  type RecordAnchor,
  type StagedVerdict,
} from '@medledger/domain';
import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { requireActive, requireRole, resolveActor, type Actor } from './actor';
import { readTransientContent } from './content';
import { fail, parseInput } from './errors';
import { Ledger } from './ledger/store';
import { assessQuality } from './quality-gate';

/** Clinical writers: interns and nurses write in their own department only. */
/**
 * Opens a write of record content or anchor: the signer must be clinical staff of a hospital (an
 * attending anywhere in it, an intern or nurse in the record's department), and genomic data is
 * always level 4.
 */
async function openRecordWrite(
  ctx: Context,
  args: { department: string; category: string; level: number },
): Promise<{ ledger: Ledger; actor: Actor }> {
  const ledger = new Ledger(ctx);
  const actor = await resolveActor(ctx, ledger);
  requireRole(actor, ['attending', 'intern', 'nurse'], ['hospital']);
  if (actor.role !== 'attending' && actor.department !== args.department)
    fail(ErrorCode.FORBIDDEN, actor.did);
  if (args.category === 'genomic' && args.level !== 4) fail(ErrorCode.VALIDATION_FAILED, 'level');
  return { ledger, actor };
}

/** The verdict staged with content and checked again at anchoring (its hash binds the two). */
function stagedVerdict(
  args: Pick<StagedVerdict, 'recordId' | 'version' | 'patientDid' | 'category' | 'fhirResourceType'>,
  outcome: Pick<StagedVerdict, 'contentHash' | 'qualityStatus' | 'reasons'>,
): StagedVerdict {
  return {
    recordId: args.recordId,
    version: args.version,
    patientDid: args.patientDid,
    category: args.category,
    fhirResourceType: args.fhirResourceType,
    ...outcome,
  };
}

/** The latest anchor of a record, or the anchor of `version`. */
function anchorAt(
  ledger: Ledger,
  recordId: string,
  version: number | undefined,
): Promise<RecordAnchor | undefined> {
  return version === undefined ? ledger.getRecord(recordId) : ledger.getRecordVersion(recordId, version);
}

interface ChainCheck {
  recordId: string;
  patientDid: string;
  version: number;
  category: string;
}

/** Checks that `version` is the next version of the record, kept by the actor's org. */
async function checkChain(ledger: Ledger, actor: Actor, args: ChainCheck): Promise<RecordAnchor | undefined> {
  if (!(await ledger.getPatient(args.patientDid))) fail(ErrorCode.NOT_FOUND, args.patientDid);
  const latest = await ledger.getRecord(args.recordId);
  if (args.version === 1) {
    if (latest) fail(ErrorCode.ALREADY_EXISTS, args.recordId);
    return undefined;
  }
  if (!latest) return fail(ErrorCode.NOT_FOUND, args.recordId);
  if (latest.custodian !== actor.mspId) fail(ErrorCode.FORBIDDEN, args.recordId);
  if (latest.version !== args.version - 1)
    fail(ErrorCode.CONFLICT, `${args.recordId} version ${args.version}`);
  if (latest.patientDid !== args.patientDid || latest.category !== args.category) {
    fail(ErrorCode.VALIDATION_FAILED, 'patientDid,category');
  }
  return latest;
}

/** Record anchors (public metadata + content hash) with content in the custodian's private collection. */
@Info({
  title: 'RecordContract',
  description: 'Record anchors, versions, verification, quality review, erasure',
})
export class RecordContract extends Contract {
  constructor() {
    super('record');
  }

  /**
   * Phase 1 of anchoring: runs the quality gate on the content from the transient map (`content`:
   * `{resource, salt}`) and writes the canonical envelope and the verdict to the caller's implicit
   * collection only, so only the custodian's endorsement is needed and content never reaches another
   * org's peer. Caller: active attending of the org, or intern/nurse of the record's department.
   * Reads: `patient`, `record`. Writes (private, `_implicit_org_<caller MSP>`): `content`, `verdict`.
   * Event: `RecordContentStaged`. Errors: VALIDATION_FAILED, NOT_REGISTERED, INACTIVE, FORBIDDEN,
   * NOT_FOUND (patient, record), ALREADY_EXISTS (version 1 of an existing record), CONFLICT (version),
   * QUALITY_REJECTED (`[QUALITY_REJECTED] <recordId> <reasons>`).
   */
  @Transaction()
  @Returns('string')
  public async StageRecordContent(ctx: Context, input: string): Promise<string> {
    const args = parseInput(stageRecordContentInput, input);
    const { ledger, actor } = await openRecordWrite(ctx, args);
    await checkChain(ledger, actor, args);
    const content = readTransientContent(ledger);
    const quality = assessQuality(
      content.envelope.resource,
      { category: args.category, fhirResourceType: args.fhirResourceType, sizeBytes: content.bytes.length },
      ledger.txMs,
    );
    if (quality.verdict === 'rejected') {
      fail(ErrorCode.QUALITY_REJECTED, `${args.recordId} ${quality.reasons.join(',')}`);
    }
    const verdict = stagedVerdict(args, {
      contentHash: content.contentHash,
      qualityStatus: quality.verdict,
      reasons: quality.reasons,
    });
    await ledger.stageContent(actor.mspId, verdict, content.bytes);
    ledger.emit('RecordContentStaged', {
      recordId: args.recordId,
      version: args.version,
      custodian: actor.mspId,
      txId: ledger.txId,
      txTime: ledger.txTime,
    });
    return canonicalJson({
      recordId: args.recordId,
      version: args.version,
      contentHash: content.contentHash,
      qualityStatus: quality.verdict,
      reasons: quality.reasons,
    });
  }

  /**
   * Phase 2: writes the public anchor of a staged version. Every endorsing peer checks, with
   * `getPrivateDataHash`, that the staged content and verdict match the input, so an anchor cannot lie
   * about the content or its quality status. Version n must chain to n-1's content hash. The record
   * keys then carry state-based endorsement by the custodian.
   * Caller: as StageRecordContent. Reads: `patient`, `record`, private hashes. Writes: `record`,
   * `record~version`. Event: `RecordAnchored`. Errors: VALIDATION_FAILED, NOT_REGISTERED, INACTIVE,
   * FORBIDDEN, NOT_FOUND (patient), CONTENT_NOT_STAGED, ALREADY_EXISTS, CONFLICT (version or previousHash),
   * CONTENT_MISMATCH (hash or verdict differs from what was staged).
   */
  @Transaction()
  @Returns('string')
  public async AnchorRecord(ctx: Context, input: string): Promise<string> {
    const args = parseInput(anchorRecordInput, input);
    const { ledger, actor } = await openRecordWrite(ctx, args);
    const previous = await checkChain(ledger, actor, args);
    if ((previous?.contentHash ?? null) !== args.previousHash)
      fail(ErrorCode.CONFLICT, `${args.recordId} previousHash`);
    const staged = await ledger.stagedHashes(actor.mspId, args.recordId, args.version);
    if (staged.content === '') fail(ErrorCode.CONTENT_NOT_STAGED, args.recordId);
    if (staged.content !== args.contentHash) fail(ErrorCode.CONTENT_MISMATCH, `${args.recordId} content`);
    const verdict = stagedVerdict(args, {
      contentHash: args.contentHash,
      qualityStatus: args.qualityStatus,
      reasons: args.reasons,
    });
    if (staged.verdict !== Ledger.verdictHash(verdict))
      fail(ErrorCode.CONTENT_MISMATCH, `${args.recordId} verdict`);
    const anchor: RecordAnchor = {
      recordId: args.recordId,
      version: args.version,
      patientDid: args.patientDid,
      custodian: actor.mspId,
      department: args.department,
      category: args.category,
      level: args.level,
      fhirResourceType: args.fhirResourceType,
      contentHash: args.contentHash,
      previousHash: args.previousHash,
      authorDid: actor.did,
      txId: ledger.txId,
      txTime: ledger.txTime,
      qualityStatus: args.qualityStatus,
      qualityReasons: args.reasons,
      reviewedBy: null,
      reviewedAt: null,
      erased: false,
    };
    await ledger.putRecordVersion(anchor, true);
    ledger.emit('RecordAnchored', {
      recordId: anchor.recordId,
      version: anchor.version,
      patientDid: anchor.patientDid,
      custodian: anchor.custodian,
      contentHash: anchor.contentHash,
      qualityStatus: anchor.qualityStatus,
      txId: ledger.txId,
      txTime: ledger.txTime,
    });
    return canonicalJson(anchor);
  }

  /**
   * The anchor of a record (latest version, or the given one). Caller: any active registered member.
   * Reads: `record` / `record~version`. Errors: VALIDATION_FAILED, NOT_REGISTERED, INACTIVE, NOT_FOUND.
   */
  @Transaction(false)
  @Returns('string')
  public async GetRecord(ctx: Context, input: string): Promise<string> {
    const args = parseInput(getRecordInput, input);
    const ledger = new Ledger(ctx);
    requireActive(await resolveActor(ctx, ledger));
    const anchor = await anchorAt(ledger, args.recordId, args.version);
    if (!anchor) fail(ErrorCode.NOT_FOUND, args.recordId);
    return canonicalJson(anchor);
  }

  /**
   * Every version of a record, oldest first, and its erasures. Caller: any active registered member.
   * Reads: `record~version`, `erasure`. Errors: VALIDATION_FAILED, NOT_REGISTERED, INACTIVE, NOT_FOUND.
   */
  @Transaction(false)
  @Returns('string')
  public async GetRecordHistory(ctx: Context, input: string): Promise<string> {
    const args = parseInput(getRecordHistoryInput, input);
    const ledger = new Ledger(ctx);
    requireActive(await resolveActor(ctx, ledger));
    const versions = await ledger.recordVersions(args.recordId);
    if (versions.length === 0) fail(ErrorCode.NOT_FOUND, args.recordId);
    return canonicalJson({
      recordId: args.recordId,
      versions,
      erasures: await ledger.erasures(args.recordId),
    });
  }

  /**
   * Tells whether a copy `{resource, salt}` (transient `content`) matches the anchored hash of a
   * version (latest by default). Caller: any active registered member. Reads: `record` /
   * `record~version`. Errors: VALIDATION_FAILED, NOT_REGISTERED, INACTIVE, NOT_FOUND.
   */
  @Transaction(false)
  @Returns('string')
  public async VerifyRecord(ctx: Context, input: string): Promise<string> {
    const args = parseInput(verifyRecordInput, input);
    const ledger = new Ledger(ctx);
    requireActive(await resolveActor(ctx, ledger));
    const anchor = await anchorAt(ledger, args.recordId, args.version);
    if (!anchor) return fail(ErrorCode.NOT_FOUND, args.recordId);
    const copy = readTransientContent(ledger);
    return canonicalJson({
      recordId: anchor.recordId,
      version: anchor.version,
      matches: copy.contentHash === anchor.contentHash,
      anchoredHash: anchor.contentHash,
      computedHash: copy.contentHash,
    });
  }

  /**
   * Clears `needs_review` on a version (sets `accepted`, records the reviewer).
   * Caller: an active attending or admin of the custodian org. Reads/writes: `record~version`
   * (and `record` for the latest version). Event: `RecordQualityReviewed`.
   * Errors: VALIDATION_FAILED, NOT_REGISTERED, INACTIVE, FORBIDDEN, NOT_FOUND, CONFLICT (not pending review).
   */
  @Transaction()
  @Returns('string')
  public async ReviewRecordQuality(ctx: Context, input: string): Promise<string> {
    const args = parseInput(reviewRecordQualityInput, input);
    const ledger = new Ledger(ctx);
    const actor = await resolveActor(ctx, ledger);
    requireRole(actor, ['attending', 'admin'], ['hospital']);
    const latest = await ledger.getRecord(args.recordId);
    const anchor = await ledger.getRecordVersion(args.recordId, args.version);
    if (!latest || !anchor) return fail(ErrorCode.NOT_FOUND, args.recordId);
    if (anchor.custodian !== actor.mspId) fail(ErrorCode.FORBIDDEN, args.recordId);
    if (anchor.qualityStatus !== 'needs_review') fail(ErrorCode.CONFLICT, args.recordId);
    const reviewed: RecordAnchor = {
      ...anchor,
      qualityStatus: 'accepted',
      reviewedBy: actor.did,
      reviewedAt: ledger.txTime,
    };
    await ledger.putRecordVersion(reviewed, latest.version === anchor.version);
    ledger.emit('RecordQualityReviewed', {
      recordId: args.recordId,
      version: args.version,
      reviewedBy: actor.did,
      txId: ledger.txId,
      txTime: ledger.txTime,
    });
    return canonicalJson(reviewed);
  }

  /**
   * Erases content: purges the envelope and verdict of one version (or all) from the custodian's
   * collection and writes a public erasure record (who, when, why; no content). Anchors stay, marked
   * `erased`. Caller: an active admin of the custodian org. Writes: `erasure`, `record~version`,
   * `record`, private purge. Event: `RecordContentErased`.
   * Errors: VALIDATION_FAILED, NOT_REGISTERED, INACTIVE, FORBIDDEN, NOT_FOUND, CONFLICT (already erased).
   */
  @Transaction()
  @Returns('string')
  public async EraseRecordContent(ctx: Context, input: string): Promise<string> {
    const args = parseInput(eraseRecordContentInput, input);
    const ledger = new Ledger(ctx);
    const actor = await resolveActor(ctx, ledger);
    requireRole(actor, ['admin'], ['hospital']);
    const latest = await ledger.getRecord(args.recordId);
    if (!latest) return fail(ErrorCode.NOT_FOUND, args.recordId);
    if (latest.custodian !== actor.mspId) fail(ErrorCode.FORBIDDEN, args.recordId);
    const all = await ledger.recordVersions(args.recordId);
    const selected = args.version === undefined ? all : all.filter((a) => a.version === args.version);
    if (selected.length === 0) fail(ErrorCode.NOT_FOUND, `${args.recordId} version`);
    const targets = selected.filter((a) => !a.erased);
    if (targets.length === 0) fail(ErrorCode.CONFLICT, `${args.recordId} already erased`);
    const erasures: Erasure[] = [];
    for (const anchor of targets) {
      await ledger.purgeContent(actor.mspId, anchor.recordId, anchor.version);
      const erasure: Erasure = {
        recordId: anchor.recordId,
        version: anchor.version,
        custodian: actor.mspId,
        erasedBy: actor.did,
        reason: args.reason,
        txId: ledger.txId,
        txTime: ledger.txTime,
      };
      await ledger.putErasure(erasure);
      await ledger.putRecordVersion({ ...anchor, erased: true }, anchor.version === latest.version);
      erasures.push(erasure);
    }
    ledger.emit('RecordContentErased', {
      recordId: args.recordId,
      versions: targets.map((a) => a.version),
      custodian: actor.mspId,
      reason: args.reason,
      txId: ledger.txId,
      txTime: ledger.txTime,
    });
    return canonicalJson({ recordId: args.recordId, erasures });
  }
}
