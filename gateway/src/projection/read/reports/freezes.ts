/**
 * Freezes in the report: every one still active at generation, and those made or lifted in the range;
 * who or which org, why, by whom, and the incident they belong to.
 */
import { Where } from '../query';
import { ledgerRefOf } from '../rows';
import type { ComplianceReport } from '../views';
import { cappedList, type SectionInput } from './section';

interface FreezeRow {
  freeze_id: string;
  subject_kind: string;
  subject: string;
  org: string;
  reason: string;
  incident_id: string | null;
  frozen_by: string;
  status: string;
  frozen_at: string;
  lifted_at: string | null;
  tx_id: string;
  block_number: number | string;
}

/** The freezes section, within the viewer's scope: active ones first, oldest first within each. */
export async function freezesSection(
  input: SectionInput,
): Promise<Pick<ComplianceReport, 'freezes'> & { cut: boolean }> {
  const where = new Where()
    .add("(status = 'active' OR (frozen_at_ms >= ? AND frozen_at_ms < ?))", input.fromMs, input.toMs)
    .and(input.scope.on('access_freeze'));
  const { rows, cut } = await cappedList<FreezeRow>(
    input,
    `SELECT freeze_id, subject_kind, subject, org, reason, incident_id, frozen_by, status, frozen_at,
       lifted_at, tx_id, block_number FROM access_freeze`,
    where,
    "CASE WHEN status = 'active' THEN 0 ELSE 1 END, frozen_at_ms, freeze_id",
  );
  return {
    freezes: rows.map((f) => ({
      freezeId: f.freeze_id,
      subjectKind: f.subject_kind,
      subject: f.subject,
      org: f.org,
      reason: f.reason,
      incidentId: f.incident_id,
      frozenBy: f.frozen_by,
      status: f.status,
      frozenAt: f.frozen_at,
      liftedAt: f.lifted_at,
      ...ledgerRefOf(f),
    })),
    cut,
  };
}
