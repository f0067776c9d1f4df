import { ErrorCode, type Erasure, type RecordAnchor, type StoredAnchor } from '@medledger/domain';
import { fail } from './errors';
import type { Ledger } from './ledger/store';

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
  return {
    ...anchor,
    qualityStatus: review ? 'accepted' : anchor.qualityStatus,
    reviewedBy: review?.reviewedBy ?? null,
    reviewedAt: review?.txTime ?? null,
    erased: all.some((e) => !e.staged && e.version === anchor.version),
  };
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
