import {
  anchorRecordInput,
  anchorRecordTransient,
  canonicalJson,
  eraseRecordContentInput,
  ErrorCode,
  getRecordHistoryInput,
  getRecordInput,
  listWrappedDataKeysInput,
  profileOf,
  purgeStagedContentInput,
  reviewRecordQualityInput,
  rewrapDataKeysInput,
  stageRecordContentInput,
  stageRecordContentTransient,
  verifyRecordInput,
  type Erasure,
  type RecordAnchor,
  type StagedVerdict,
  type StoredAnchor,
} from '@medledger/domain';
import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { requireActive, requireRole, resolveActor, type Actor } from './actor';
import { readTransientContent } from './content';
import { activeKeyId, rewrapVersion, sealVersion } from './content-at-rest';
import { serverKeyring, type KeyringSource } from './custodian-keyring';
import { fail, parseInput } from './errors';
import { Ledger } from './ledger/store';
import { assessQuality } from './quality-gate';
import {
  anchorAt,
  erasedIn,
  newAnchorView,
  recordView,
  updateLatest,
  viewOf,
  withErasures,
  withReview,
} from './record-view';
import { readTransient } from './transient';
import { requireOwnOrgPeer } from './visibility';

/** The part of the staging's transient map read before the content (a schema built once, not per call). */
const stagingSubject = stageRecordContentTransient.pick({ subject: true });

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
async function stagedVerdict(
  ledger: Ledger,
  custodian: string,
  args: Pick<StagedVerdict, 'recordId' | 'version' | 'patientDid' | 'category' | 'fhirResourceType'>,
  outcome: Pick<StagedVerdict, 'contentHash' | 'hashAlgorithm' | 'qualityStatus' | 'reasons'>,
): Promise<StagedVerdict> {
  return {
    recordId: args.recordId,
    version: args.version,
    patientDid: args.patientDid,
    category: args.category,
    fhirResourceType: args.fhirResourceType,
    contentHash: outcome.contentHash,
    hashAlgorithm: outcome.hashAlgorithm,
    qualityStatus: outcome.qualityStatus,
    reasons: outcome.reasons,
    salt: await ledger.verdictSalt(custodian, args.recordId, args.version),
  };
}

/** Purges a version's content and verdict from the custodian's implicit collection and records it. */
async function purge(
  ledger: Ledger,
  actor: Actor,
  target: { recordId: string; version: number; reason: Erasure['reason'] },
  staged: boolean,
): Promise<Erasure> {
  await ledger.purgeContent(actor.mspId, target.recordId, target.version);
  const erasure: Erasure = {
    recordId: target.recordId,
    version: target.version,
    custodian: actor.mspId,
    erasedBy: actor.did,
    reason: target.reason,
    staged,
    txId: ledger.txId,
    txTime: ledger.txTime,
  };
  await ledger.putErasure(erasure);
  return erasure;
}

/**
 * Purges the content of one version (or every version) of a record of the actor's org that is not
 * erased yet, writes their public erasure records and, when the latest version is among them, the
 * record's latest state; none when all of them were erased already. `[NOT_FOUND]` for a record or
 * version that does not exist.
 */
export async function eraseVersions(
  ledger: Ledger,
  actor: Actor,
  args: { recordId: string; version?: number | undefined; reason: Erasure['reason'] },
): Promise<Erasure[]> {
  const all = await ledger.anchors(actor.mspId, args.recordId);
  if (all.length === 0) return fail(ErrorCode.NOT_FOUND, args.recordId);
  const selected = args.version === undefined ? all : all.filter((a) => a.version === args.version);
  if (selected.length === 0) fail(ErrorCode.NOT_FOUND, `${args.recordId} version`);
  const before = await ledger.erasures(actor.mspId, args.recordId);
  const erasures: Erasure[] = [];
  for (const anchor of selected.filter((a) => !erasedIn(before, a.version))) {
    erasures.push(await purge(ledger, actor, { ...args, version: anchor.version }, false));
  }
  if (erasures.length > 0)
    await updateLatest(ledger, actor.mspId, args.recordId, (latest) => withErasures(latest, erasures));
  return erasures;
}

function emitErased(
  ledger: Ledger,
  actor: Actor,
  args: { recordId: string; reason: Erasure['reason'] },
  erasures: readonly Erasure[],
): void {
  ledger.emit('RecordContentErased', {
    recordId: args.recordId,
    versions: erasures.map((e) => e.version),
    custodian: actor.mspId,
    reason: args.reason,
    staged: erasures.some((e) => e.staged),
    txId: ledger.txId,
    txTime: ledger.txTime,
  });
}

interface ChainCheck {
  recordId: string;
  patientDid: string;
  version: number;
  category: string;
}

/**
 * Checks that `version` is the next version of the actor's org's record and that the patient is the
 * record's. Record ids are the custodian's own: another org's record of the same id is another record.
 */
async function checkChain(ledger: Ledger, actor: Actor, args: ChainCheck): Promise<StoredAnchor | undefined> {
  if (!(await ledger.getPatient(args.patientDid))) fail(ErrorCode.NOT_FOUND, 'patient');
  const latest = await ledger.latestAnchor(actor.mspId, args.recordId);
  if (args.version === 1) {
    if (latest) fail(ErrorCode.ALREADY_EXISTS, args.recordId);
    return undefined;
  }
  if (!latest) return fail(ErrorCode.NOT_FOUND, args.recordId);
  if (latest.version !== args.version - 1)
    fail(ErrorCode.CONFLICT, `${args.recordId} version ${String(args.version)}`);
  const patient = await ledger.getRecordPatient(actor.mspId, args.recordId);
  if (patient !== args.patientDid || latest.category !== args.category) {
    fail(ErrorCode.VALIDATION_FAILED, 'patientDid,category');
  }
  return latest;
}

/**
 * Record anchors (public metadata + content hash, write-once, no patient) with content in the
 * custodian's implicit collection and the record's patient in the custodian's sealed collection.
 */
@Info({
  title: 'RecordContract',
  description: 'Record anchors, versions, verification, quality review, erasure',
})
export class RecordContract extends Contract {
  readonly #keyrings: KeyringSource;

  /** `keyrings`: the custodian's key-encryption keys (the server's keyring file; tests pass their own). */
  constructor(keyrings: KeyringSource = serverKeyring) {
    super('record');
    this.#keyrings = keyrings;
  }

  /**
   * Phase 1 of anchoring: runs the quality gate on the content from the transient map (`content`:
   * `{resource, salt}`; `subject`: `{patientDid}`), hashes it with the consortium profile's hash, and
   * writes the canonical envelope sealed under a new data key (wrapped by the org's key-encryption key,
   * which only its chaincode server holds) and the verdict (which names the patient, salted with the
   * org's collection key) to the caller's implicit collection only, so only the custodian's
   * endorsement is needed and content never reaches another org's peer, nor its own disk in clear.
   * Caller: active attending of the org, or intern/nurse of the record's department.
   * Reads: `patient`, `anchor`, sealed `collection-key` and `record-patient` (caller's org).
   * Writes (private, `_implicit_org_<caller MSP>`): `content` (sealed), `data-key` (wrapped), `verdict`.
   * Event: `RecordContentStaged`. Errors: VALIDATION_FAILED, NOT_REGISTERED, INACTIVE, FORBIDDEN,
   * NOT_FOUND (patient, record), ALREADY_EXISTS (version 1 of an existing record), CONFLICT (version),
   * NOT_INITIALIZED, QUALITY_REJECTED (`[QUALITY_REJECTED] <recordId> <reasons>`), CONTENT_UNAVAILABLE
   * (a peer of another org), KEY_UNAVAILABLE (the server holds no keyring).
   */
  @Transaction()
  @Returns('string')
  public async StageRecordContent(ctx: Context, input: string): Promise<string> {
    const args = parseInput(stageRecordContentInput, input);
    const { ledger, actor } = await openRecordWrite(ctx, args);
    const { subject } = readTransient(ledger, stagingSubject);
    await checkChain(ledger, actor, { ...args, patientDid: subject.patientDid });
    const profile = profileOf(await ledger.consortium());
    const content = readTransientContent(ledger, profile.hashAlgorithm);
    const quality = assessQuality(
      content.envelope.resource,
      { category: args.category, fhirResourceType: args.fhirResourceType, sizeBytes: content.bytes.length },
      ledger.txMs,
    );
    if (quality.verdict === 'rejected') {
      fail(ErrorCode.QUALITY_REJECTED, `${args.recordId} ${quality.reasons.join(',')}`);
    }
    const verdict = await stagedVerdict(
      ledger,
      actor.mspId,
      { ...args, patientDid: subject.patientDid },
      {
        contentHash: content.contentHash,
        hashAlgorithm: profile.hashAlgorithm,
        qualityStatus: quality.verdict,
        reasons: quality.reasons,
      },
    );
    const sealed = sealVersion(
      ledger,
      this.#keyrings,
      {
        custodian: actor.mspId,
        recordId: args.recordId,
        version: args.version,
        algorithm: profile.aeadAlgorithm,
      },
      content.bytes,
    );
    await ledger.stageContent(actor.mspId, verdict, sealed);
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
      hashAlgorithm: profile.hashAlgorithm,
      qualityStatus: quality.verdict,
      reasons: quality.reasons,
    });
  }

  /**
   * Phase 2: writes the public, write-once anchor of a staged version (no patient), and on version 1
   * the record's patient (transient `subject`) and the patient's record index to the custodian's
   * sealed collection. Every endorsing peer checks, with `getPrivateDataHash`, that content is staged
   * and that the staged verdict (which names the patient, and the content hash the custodian's
   * chaincode computed before sealing) matches, so an anchor cannot lie about the content hash, its
   * algorithm, its quality status or its patient. The stored content is ciphertext, so its own hash
   * says nothing about the plaintext; the content read checks the plaintext against the anchor. Version n must chain to n-1's content hash. Endorsed by the
   * custodian and the regulator: the receipt in the custodian's sealed collection proves it to every
   * reader, and the anchor's key-level policy then needs every peer org for any change.
   * Caller: as StageRecordContent. Reads: `patient`, `anchor`, private hashes, sealed
   * `record-patient`. Writes: `anchor`, `record~latest` (the new version's view); sealed
   * `record-patient`, `record~patient`, `receipt`.
   * Event: `RecordAnchored` (no patient). Errors: VALIDATION_FAILED, NOT_REGISTERED, INACTIVE,
   * FORBIDDEN, NOT_FOUND (patient), CONTENT_NOT_STAGED, ALREADY_EXISTS, CONFLICT (version or
   * previousHash), CONTENT_MISMATCH (hash or verdict differs from what was staged), NOT_INITIALIZED.
   */
  @Transaction()
  @Returns('string')
  public async AnchorRecord(ctx: Context, input: string): Promise<string> {
    const args = parseInput(anchorRecordInput, input);
    const { ledger, actor } = await openRecordWrite(ctx, args);
    const { subject } = readTransient(ledger, anchorRecordTransient);
    const previous = await checkChain(ledger, actor, { ...args, patientDid: subject.patientDid });
    if ((previous?.contentHash ?? null) !== args.previousHash)
      fail(ErrorCode.CONFLICT, `${args.recordId} previousHash`);
    const staged = await ledger.stagedHashes(actor.mspId, args.recordId, args.version);
    if (staged.content === '') fail(ErrorCode.CONTENT_NOT_STAGED, args.recordId);
    // The verdict binds the algorithm the custodian's chaincode hashed with: a claim of another fails.
    const hashAlgorithm = args.hashAlgorithm ?? profileOf(await ledger.consortium()).hashAlgorithm;
    const verdict = await stagedVerdict(
      ledger,
      actor.mspId,
      { ...args, patientDid: subject.patientDid },
      {
        contentHash: args.contentHash,
        hashAlgorithm,
        qualityStatus: args.qualityStatus,
        reasons: args.reasons,
      },
    );
    if (staged.verdict !== Ledger.verdictHash(verdict))
      fail(ErrorCode.CONTENT_MISMATCH, `${args.recordId} verdict`);
    const anchor: StoredAnchor = {
      recordId: args.recordId,
      version: args.version,
      custodian: actor.mspId,
      department: args.department,
      category: args.category,
      level: args.level,
      fhirResourceType: args.fhirResourceType,
      contentHash: args.contentHash,
      previousHash: args.previousHash,
      hashAlgorithm,
      authorDid: actor.did,
      txId: ledger.txId,
      txTime: ledger.txTime,
      qualityStatus: args.qualityStatus,
      qualityReasons: args.reasons,
    };
    await ledger.putAnchor(anchor);
    if (args.version === 1) await ledger.putRecordPatient(actor.mspId, args.recordId, subject.patientDid);
    const view = newAnchorView(anchor);
    // Version 1 passed checkChain, so the record has no anchor yet and hence no latest state.
    await ledger.putRecordLatest(view, anchor.version === 1);
    ledger.emit('RecordAnchored', {
      recordId: anchor.recordId,
      version: anchor.version,
      custodian: anchor.custodian,
      contentHash: anchor.contentHash,
      qualityStatus: anchor.qualityStatus,
      txId: ledger.txId,
      txTime: ledger.txTime,
    });
    return canonicalJson(view);
  }

  /**
   * The anchor of a custodian's record (latest version, or the given one), with its review and
   * erasure state. The latest version is one point read of `record~latest` and its receipt; an older
   * version (or a record no transaction changed since that key exists) is read from its history.
   * Caller: any active registered member. Reads: `record~latest` (with the caller's staff document, in
   * one round trip); for an older version `anchor`,
   * `quality-review`, `erasure`; receipts' hashes. Errors: VALIDATION_FAILED, NOT_REGISTERED,
   * INACTIVE, NOT_FOUND, STATE_INVALID.
   */
  @Transaction(false)
  @Returns('string')
  public async GetRecord(ctx: Context, input: string): Promise<string> {
    const args = parseInput(getRecordInput, input);
    const ledger = new Ledger(ctx);
    // The record's latest state comes with the caller's staff document: one round trip, not two.
    requireActive(await resolveActor(ctx, ledger, [ledger.latestKey(args.custodian, args.recordId)]));
    return canonicalJson(await recordView(ledger, args.custodian, args.recordId, args.version));
  }

  /**
   * Every version of a custodian's record, oldest first, and its erasures. Caller: any active
   * registered member. Reads: `anchor`, `quality-review`, `erasure`. Errors: VALIDATION_FAILED,
   * NOT_REGISTERED, INACTIVE, NOT_FOUND, STATE_INVALID.
   */
  @Transaction(false)
  @Returns('string')
  public async GetRecordHistory(ctx: Context, input: string): Promise<string> {
    const args = parseInput(getRecordHistoryInput, input);
    const ledger = new Ledger(ctx);
    requireActive(await resolveActor(ctx, ledger));
    const anchors = await ledger.anchors(args.custodian, args.recordId);
    if (anchors.length === 0) fail(ErrorCode.NOT_FOUND, args.recordId);
    const erasures = await ledger.erasures(args.custodian, args.recordId);
    const versions: RecordAnchor[] = [];
    for (const a of anchors) versions.push(await viewOf(ledger, a, erasures));
    return canonicalJson({ recordId: args.recordId, custodian: args.custodian, versions, erasures });
  }

  /**
   * Tells whether a copy `{resource, salt}` (transient `content`) matches the anchored hash of a
   * version (latest by default). Runs only on a peer of the caller's own org: the copy and its salt
   * must not reach another org's peer, so a call routed elsewhere is refused. Caller: any active
   * registered member. Reads: `anchor`. Errors: VALIDATION_FAILED, NOT_REGISTERED, INACTIVE,
   * FORBIDDEN (another org's peer), NOT_FOUND.
   */
  @Transaction(false)
  @Returns('string')
  public async VerifyRecord(ctx: Context, input: string): Promise<string> {
    const args = parseInput(verifyRecordInput, input);
    const ledger = new Ledger(ctx);
    const actor = await resolveActor(ctx, ledger);
    requireActive(actor);
    requireOwnOrgPeer(ledger, actor);
    const anchor = await anchorAt(ledger, args.custodian, args.recordId, args.version);
    const copy = readTransientContent(ledger, anchor.hashAlgorithm);
    return canonicalJson({
      recordId: anchor.recordId,
      version: anchor.version,
      matches: copy.contentHash === anchor.contentHash,
      anchoredHash: anchor.contentHash,
      computedHash: copy.contentHash,
      hashAlgorithm: anchor.hashAlgorithm,
    });
  }

  /**
   * Clears `needs_review` on a version of the caller's org with a write-once review (the anchor stays
   * as written). Caller: an active attending or admin of the custodian org; endorsed by the custodian
   * and the regulator. Reads: `anchor`, `quality-review`, `record~latest` (`erasure` for an older
   * version). Writes: `quality-review`, `record~latest` (when the latest version is reviewed), sealed
   * `receipt`.
   * Event: `RecordQualityReviewed`. Errors: VALIDATION_FAILED, NOT_REGISTERED, INACTIVE, FORBIDDEN,
   * NOT_FOUND, CONFLICT (not pending review, or reviewed already).
   */
  @Transaction()
  @Returns('string')
  public async ReviewRecordQuality(ctx: Context, input: string): Promise<string> {
    const args = parseInput(reviewRecordQualityInput, input);
    const ledger = new Ledger(ctx);
    const actor = await resolveActor(ctx, ledger);
    requireRole(actor, ['attending', 'admin'], ['hospital']);
    const anchor = await ledger.getAnchor(actor.mspId, args.recordId, args.version);
    if (!anchor) return fail(ErrorCode.NOT_FOUND, args.recordId);
    if (anchor.qualityStatus !== 'needs_review') fail(ErrorCode.CONFLICT, args.recordId);
    const review = {
      recordId: args.recordId,
      version: args.version,
      custodian: actor.mspId,
      reviewedBy: actor.did,
      txId: ledger.txId,
      txTime: ledger.txTime,
    };
    await ledger.putQualityReview(review);
    const latest = await updateLatest(ledger, actor.mspId, args.recordId, (v) => withReview(v, review));
    ledger.emit('RecordQualityReviewed', {
      recordId: args.recordId,
      version: args.version,
      custodian: actor.mspId,
      reviewedBy: actor.did,
      txId: ledger.txId,
      txTime: ledger.txTime,
    });
    if (latest?.version === args.version) return canonicalJson(latest);
    return canonicalJson(withReview(await viewOf(ledger, anchor), review));
  }

  /**
   * Erases content: purges the sealed envelope, its wrapped data key (crypto-shredding: a copy of the
   * ciphertext taken earlier can no longer be opened, even with the KEK) and the verdict of one version
   * (or all) of a record of the caller's org from its implicit collection and writes a public, write-once erasure record (who,
   * when, why; no content, no patient). Anchors stay as written; reads show them `erased`.
   * Caller: an active admin of the custodian org; endorsed by the custodian and the regulator.
   * Reads: `anchor`, `erasure`, `record~latest`. Writes: `erasure`, `record~latest` (when the latest
   * version is erased), sealed `receipt`, private purge. Event: `RecordContentErased`.
   * Errors: VALIDATION_FAILED, NOT_REGISTERED, INACTIVE, FORBIDDEN, NOT_FOUND, CONFLICT (already erased).
   */
  @Transaction()
  @Returns('string')
  public async EraseRecordContent(ctx: Context, input: string): Promise<string> {
    const args = parseInput(eraseRecordContentInput, input);
    const ledger = new Ledger(ctx);
    const actor = await resolveActor(ctx, ledger);
    requireRole(actor, ['admin'], ['hospital']);
    const erasures = await eraseVersions(ledger, actor, args);
    if (erasures.length === 0) fail(ErrorCode.CONFLICT, `${args.recordId} already erased`);
    emitErased(ledger, actor, args, erasures);
    return canonicalJson({ recordId: args.recordId, erasures });
  }

  /**
   * Purges content the caller's org staged and never anchored (the anchor failed or was abandoned),
   * which EraseRecordContent cannot reach, and writes a public purge record (`staged: true`). The
   * version may be staged again afterwards. Caller: an active admin of the custodian org; endorsed by
   * the custodian and the regulator. Reads: `anchor`, private hashes. Writes: `erasure`, sealed
   * `receipt`, private purge. Event: `RecordContentErased` (`staged`).
   * Errors: VALIDATION_FAILED, NOT_REGISTERED, INACTIVE, FORBIDDEN, NOT_FOUND (nothing staged),
   * CONFLICT (the version is anchored: use EraseRecordContent).
   */
  @Transaction()
  @Returns('string')
  public async PurgeStagedContent(ctx: Context, input: string): Promise<string> {
    const args = parseInput(purgeStagedContentInput, input);
    const ledger = new Ledger(ctx);
    const actor = await resolveActor(ctx, ledger);
    requireRole(actor, ['admin'], ['hospital']);
    if (await ledger.getAnchor(actor.mspId, args.recordId, args.version))
      fail(ErrorCode.CONFLICT, `${args.recordId} anchored`);
    const staged = await ledger.stagedHashes(actor.mspId, args.recordId, args.version);
    if (staged.content === '' && staged.verdict === '') fail(ErrorCode.NOT_FOUND, `${args.recordId} staged`);
    const erasure = await purge(ledger, actor, args, true);
    emitErased(ledger, actor, args, [erasure]);
    return canonicalJson(erasure);
  }

  /**
   * A page of the caller's org's wrapped data keys and the key-encryption key that wraps each, with
   * the active KEK's id, so an admin can re-wrap those under a retired KEK (RewrapDataKeys). Runs on
   * a peer of the caller's own org only (its implicit collection and keyring are there).
   * Caller: an active admin of a hospital. Reads: private `data-key`. Errors: VALIDATION_FAILED,
   * NOT_REGISTERED, INACTIVE, FORBIDDEN, CONTENT_UNAVAILABLE (another org's peer), KEY_UNAVAILABLE.
   */
  @Transaction(false)
  @Returns('string')
  public async ListWrappedDataKeys(ctx: Context, input: string): Promise<string> {
    const args = parseInput(listWrappedDataKeysInput, input);
    const ledger = new Ledger(ctx);
    const actor = await resolveActor(ctx, ledger);
    requireRole(actor, ['admin'], ['hospital']);
    const activeKid = activeKeyId(ledger, this.#keyrings, actor.mspId);
    const page = await ledger.wrappedDataKeys(actor.mspId, args.after, args.limit + 1);
    const keys = page
      .slice(0, args.limit)
      .map((k) => ({ recordId: k.recordId, version: k.version, kid: k.wrapped.kid }));
    const last = keys.at(-1);
    return canonicalJson({
      activeKeyId: activeKid,
      keys,
      next: page.length > args.limit && last ? { recordId: last.recordId, version: last.version } : null,
    });
  }

  /**
   * Key rotation: re-wraps the data keys of the given versions of the caller's org's records under
   * its active key-encryption key, once the operator has made a new KEK active in the keyring file.
   * The sealed content is neither read nor rewritten. Endorsed by the custodian only (it writes only
   * its implicit collection, and wrapping draws fresh nonces: see content-at-rest.ts).
   * Caller: an active admin of a hospital. Reads/writes: private `data-key` (the re-wrapped key goes to
   * the version's other slot and the old slot is purged, so the key under the retired KEK leaves the
   * peer's private data store as well as its state); private `data-key-rotation` (the batch's record,
   * written even when nothing moved, so the custodian's endorsement alone is enough).
   * Event: `DataKeysRewrapped` (counts and the KEK id only). Errors: VALIDATION_FAILED, NOT_REGISTERED,
   * INACTIVE, FORBIDDEN, CONTENT_UNAVAILABLE (another org's peer), KEY_UNAVAILABLE (a data key's KEK is
   * no longer held), CONTENT_MISMATCH (a wrapped key that does not authenticate).
   */
  @Transaction()
  @Returns('string')
  public async RewrapDataKeys(ctx: Context, input: string): Promise<string> {
    const args = parseInput(rewrapDataKeysInput, input);
    const ledger = new Ledger(ctx);
    const actor = await resolveActor(ctx, ledger);
    requireRole(actor, ['admin'], ['hospital']);
    const activeKid = activeKeyId(ledger, this.#keyrings, actor.mspId);
    const counts = { rewrapped: 0, unchanged: 0, missing: 0 };
    const seen = new Set<string>();
    for (const ref of args.versions) {
      const id = `${ref.recordId}\u0000${String(ref.version)}`;
      if (seen.has(id)) fail(ErrorCode.VALIDATION_FAILED, 'versions duplicate');
      seen.add(id);
      const stored = await ledger.getWrappedDataKey(actor.mspId, ref.recordId, ref.version);
      if (!stored) {
        counts.missing += 1;
        continue;
      }
      const target = { custodian: actor.mspId, ...ref };
      const moved = rewrapVersion(ledger, this.#keyrings, target, stored.wrapped);
      if (!moved) {
        counts.unchanged += 1;
        continue;
      }
      await ledger.moveWrappedDataKey(actor.mspId, ref.recordId, ref.version, stored.slot, moved);
      counts.rewrapped += 1;
    }
    await ledger.putKeyRotationBatch(actor.mspId, { activeKeyId: activeKid, ...counts });
    ledger.emit('DataKeysRewrapped', {
      custodian: actor.mspId,
      activeKeyId: activeKid,
      ...counts,
      txId: ledger.txId,
      txTime: ledger.txTime,
    });
    return canonicalJson({ activeKeyId: activeKid, ...counts });
  }
}
