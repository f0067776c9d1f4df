/**
 * Patients' erasure requests (docs/patients.md): every request still open at generation, overdue
 * ones (past their deadline, unanswered) first, then those answered within the range, each with its
 * status. A custodian that ignores a request cannot hide it: the request and its deadline are in the
 * block, and the regulator's report lists it overdue.
 */
import { Where } from '../query';
import { ledgerRefOf } from '../rows';
import type { ComplianceReport } from '../views';
import { cappedList, type SectionInput } from './section';

interface RequestRow {
  request_id: string;
  custodian: string;
  record_id: string;
  requested_at: string;
  due_at: string;
  due_at_ms: number | string;
  answer: string | null;
  refusal: string | null;
  answered_at: string | null;
  late: number | string | null;
  tx_id: string;
  block_number: number | string;
}

type Status = ComplianceReport['erasureRequests'][number]['status'];

/** The erasure requests section, within the viewer's scope (a hospital: its own, as custodian). */
export async function erasureRequestsSection(
  input: SectionInput,
): Promise<Pick<ComplianceReport, 'erasureRequests'> & { cut: boolean }> {
  const where = new Where()
    .add(
      '((answer IS NULL AND requested_at_ms < ?) OR (answered_at_ms >= ? AND answered_at_ms < ?))',
      input.toMs,
      input.fromMs,
      input.toMs,
    )
    .and(input.scope.on('erasure'));
  const { rows, cut } = await cappedList<RequestRow>(
    input,
    `SELECT request_id, custodian, record_id, requested_at, due_at, due_at_ms, answer, refusal, answered_at,
       late, tx_id, block_number FROM erasure_request`,
    where,
    // Unanswered first (overdue ones are the earliest due), then by deadline.
    'CASE WHEN answer IS NULL THEN 0 ELSE 1 END, due_at_ms, request_id',
  );
  return {
    erasureRequests: rows.map((r) => {
      const overdue = Number(r.due_at_ms) <= input.nowMs;
      const status: Status =
        r.answer === 'erased' || r.answer === 'refused' ? r.answer : overdue ? 'overdue' : 'open';
      return {
        requestId: r.request_id,
        custodian: r.custodian,
        recordId: r.record_id,
        requestedAt: r.requested_at,
        dueAt: r.due_at,
        status,
        refusal: r.refusal,
        answeredAt: r.answered_at,
        late: r.answer === null ? overdue : Number(r.late) === 1,
        ...ledgerRefOf(r),
      };
    }),
    cut,
  };
}
