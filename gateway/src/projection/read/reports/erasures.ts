/** Content erasures in the range (anchored versions, or staged content purged): which, whose, why and when. */
import { Where } from '../query';
import { ledgerRefOf } from '../rows';
import type { ComplianceReport } from '../views';
import { cappedList, type SectionInput } from './section';

interface ErasureRow {
  record_id: string;
  versions: string;
  custodian: string;
  reason: string;
  staged: number | string;
  tx_time: string;
  tx_id: string;
  block_number: number | string;
}

/** The erasures section, within the viewer's scope, oldest first. */
export async function erasuresSection(
  input: SectionInput,
): Promise<Pick<ComplianceReport, 'erasures'> & { cut: boolean }> {
  const where = new Where().during(input.fromMs, input.toMs).and(input.scope.on('erasure'));
  const { rows, cut } = await cappedList<ErasureRow>(
    input,
    'SELECT record_id, versions, custodian, reason, staged, tx_time, tx_id, block_number FROM erasure',
    where,
    'tx_time_ms, tx_id',
  );
  return {
    erasures: rows.map((e) => ({
      recordId: e.record_id,
      versions: JSON.parse(e.versions) as number[],
      custodian: e.custodian,
      reason: e.reason,
      staged: Number(e.staged) === 1,
      txTime: e.tx_time,
      ...ledgerRefOf(e),
    })),
    cut,
  };
}
