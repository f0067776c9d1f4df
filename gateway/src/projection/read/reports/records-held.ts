/** Record versions held as `needs_review` by the quality gate, oldest first, until a human clears them. */
import { Where } from '../query';
import { ledgerRefOf } from '../rows';
import type { ComplianceReport } from '../views';
import { cappedList, type SectionInput } from './section';

interface HeldRow {
  record_id: string;
  version: number | string;
  custodian: string;
  anchored_at: string;
  tx_id: string;
  block_number: number | string;
}

/** The held records section, within the viewer's scope (as of now, whatever the range). */
export async function recordsHeldSection(
  input: SectionInput,
): Promise<Pick<ComplianceReport, 'recordsHeldForReview'> & { cut: boolean }> {
  const where = new Where().add("quality_status = 'needs_review'").and(input.scope.on('record_version'));
  const { rows, cut } = await cappedList<HeldRow>(
    input,
    'SELECT record_id, version, custodian, anchored_at, tx_id, block_number FROM record_version',
    where,
    'anchored_at, record_id, version',
  );
  return {
    recordsHeldForReview: rows.map((h) => ({
      recordId: h.record_id,
      version: Number(h.version),
      custodian: h.custodian,
      anchoredAt: h.anchored_at,
      ...ledgerRefOf(h),
    })),
    cut,
  };
}
