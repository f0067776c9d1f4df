import {
  canonicalJson,
  ErrorCode,
  type Erasure,
  type QualityReview,
  type RecordAnchor,
  type StoredAnchor,
} from '@medledger/domain';
import { fail } from './errors';
import type { Ledger } from './ledger/store';

/** Whether a version's anchored content was erased (a purge of staged content does not count). */
export function erasedIn(erasures: readonly Erasure[], version: number): boolean {
  return erasures.some((e) => !e.staged && e.version === version);
}

/** A view with its version's review applied: the anchor stays as written, the review clears `needs_review`. */
export function withReview(view: RecordAnchor, review: QualityReview): RecordAnchor {
  if (view.version !== review.version) return view;
  return { ...view, qualityStatus: 'accepted', reviewedBy: review.reviewedBy, reviewedAt: review.txTime };
}

/** A view with erasures applied: erased once any of them erased its version's anchored content. */
export function withErasures(view: RecordAnchor, erasures: readonly Erasure[]): RecordAnchor {
  return erasedIn(erasures, view.version) ? { ...view, erased: true } : view;
}

/** A stored anchor as read: with its quality review and whether its content was erased. */
export async function viewOf(
  ledger: Ledger,
  anchor: StoredAnchor,
  erasures?: readonly Erasure[],
): Promise<RecordAnchor> {
  const review =
    anchor.qualityStatus === 'needs_review'
      ? await ledger.getQualityReview(anchor.custodian, anchor.recordId, anchor.version)
      : undefined;
  const all = erasures ?? (await ledger.erasures(anchor.custodian, anchor.recordId));
  const view = withErasures({ ...anchor, reviewedBy: null, reviewedAt: null, erased: false }, all);
  return review ? withReview(view, review) : view;
}

/**
 * The view of an anchor written by the running transaction, without reading the ledger: nothing can
 * refer to a version before its anchor exists (a quality review and an erasure of content both need
 * the anchor; a purge of staged content is `staged` and does not erase), so it is unreviewed and not
 * erased, as {@link viewOf} would find.
 */
export function newAnchorView(anchor: StoredAnchor): RecordAnchor {
  return { ...anchor, reviewedBy: null, reviewedAt: null, erased: false };
}

/** The anchor of `version` of a custodian's record, or its latest; `[NOT_FOUND]` when there is none. */
export async function anchorAt(
  ledger: Ledger,
  custodian: string,
  recordId: string,
  version: number | undefined,
): Promise<StoredAnchor> {
  const anchor =
    version === undefined
      ? await ledger.latestAnchor(custodian, recordId)
      : await ledger.getAnchor(custodian, recordId, version);
  if (!anchor) return fail(ErrorCode.NOT_FOUND, recordId);
  return anchor;
}

/** The latest version's view built from the anchors, reviews and erasures (the record's history). */
async function latestFromHistory(
  ledger: Ledger,
  custodian: string,
  recordId: string,
): Promise<RecordAnchor | undefined> {
  const anchor = await ledger.latestAnchor(custodian, recordId);
  return anchor && (await viewOf(ledger, anchor));
}

/**
 * What a record's latest version shows: one point read of its latest-state key, or for a record no
 * transaction has changed since that key exists, the same view built from its history. Undefined when
 * the record has no anchor.
 */
export async function latestView(
  ledger: Ledger,
  custodian: string,
  recordId: string,
): Promise<RecordAnchor | undefined> {
  return (
    (await ledger.getRecordLatest(custodian, recordId)) ??
    (await latestFromHistory(ledger, custodian, recordId))
  );
}

/**
 * A version of a record as read (its latest when `version` is undefined); `[NOT_FOUND]` when there is
 * none. The latest version is answered by the latest-state key; an older one by its anchor, review and
 * erasures.
 */
export async function recordView(
  ledger: Ledger,
  custodian: string,
  recordId: string,
  version: number | undefined,
): Promise<RecordAnchor> {
  if (version === undefined)
    return (await latestView(ledger, custodian, recordId)) ?? fail(ErrorCode.NOT_FOUND, recordId);
  const latest = await ledger.getRecordLatest(custodian, recordId);
  if (latest?.version === version) return latest;
  return viewOf(ledger, await anchorAt(ledger, custodian, recordId, version));
}

/**
 * Rewrites a record's latest-state key after a transaction changed what a version shows (a review, an
 * erasure): `change` maps the latest view to the new one and leaves a view of another version alone.
 * It reads the key (so a concurrent change of the same record conflicts under MVCC, and no other
 * record's), writes it only when it changed, and writes it in any case for a record that has none yet.
 * Returns the latest view as it now is, or undefined when the record has no anchor. A new version's
 * anchor writes the key itself ({@link Ledger.putRecordLatest}): its view depends on nothing before it
 * (from version 2 on it still reads the key's policy, so a change racing it conflicts under MVCC).
 */
export async function updateLatest(
  ledger: Ledger,
  custodian: string,
  recordId: string,
  change: (latest: RecordAnchor) => RecordAnchor,
): Promise<RecordAnchor | undefined> {
  const stored = await ledger.getRecordLatest(custodian, recordId);
  const current = stored ?? (await latestFromHistory(ledger, custodian, recordId));
  if (!current) return undefined;
  const next = change(current);
  if (!stored || canonicalJson(next) !== canonicalJson(stored)) await ledger.putRecordLatest(next);
  return next;
}
