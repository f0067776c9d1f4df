/**
 * The audit query and its FHIR export: access decisions matching filters, newest first, within the
 * viewer's scope. Auditors see every event; a hospital admin the events where their hospital is the
 * custodian or the actor's org; patients are refused (they have their access log).
 */
import { auditPage } from './audit-page';
import type { ReadContext } from './context';
import { CursorCodec } from './cursor';
import { toFhirBundle } from './fhir/audit-event';
import type { FhirBundle } from './fhir/schema';
import { Where, instantMs, pageSize, validation } from './query';
import { staffScope, type Scope } from './scope';
import { auditEventView } from './rows';
import { auditFiltersSchema, type AuditEventView, type AuditFilters, type Page, type Viewer } from './views';

function parseFilters(filters: unknown): AuditFilters {
  const parsed = auditFiltersSchema.safeParse(filters);
  if (!parsed.success) throw validation('invalid audit filters');
  return parsed.data;
}

/** The WHERE clause of filters within a scope. */
function auditWhere(scope: Scope, filters: AuditFilters): Where {
  const where = new Where().and(scope.on('audit_event'));
  if (filters.patientDid !== undefined) where.add('patient_did = ?', filters.patientDid);
  if (filters.actorDid !== undefined) where.add('actor_did = ?', filters.actorDid);
  if (filters.org !== undefined) where.add('actor_msp = ?', filters.org);
  if (filters.custodian !== undefined) where.add('custodian = ?', filters.custodian);
  if (filters.recordId !== undefined) where.add('record_id = ?', filters.recordId);
  if (filters.purpose !== undefined) where.add('purpose = ?', filters.purpose);
  if (filters.outcome !== undefined) where.add('outcome = ?', filters.outcome);
  if (filters.from !== undefined) where.add('tx_time_ms >= ?', instantMs(filters.from, 'from'));
  if (filters.to !== undefined) where.add('tx_time_ms < ?', instantMs(filters.to, 'to'));
  return where;
}

/** A page of access decisions matching `filters`. Errors: FORBIDDEN, VALIDATION_FAILED, CURSOR_INVALID. */
export async function queryAudit(
  ctx: ReadContext,
  viewer: Viewer,
  filters: AuditFilters,
  cursor?: string,
  limit?: number,
): Promise<Page<AuditEventView>> {
  const f = parseFilters(filters);
  const size = pageSize(limit);
  const scope = staffScope(viewer);
  const digest = CursorCodec.queryDigest({ k: 'audit', v: scope.key, f });
  const { rows, nextCursor } = await auditPage(ctx, auditWhere(scope, f), digest, cursor, size);
  return { items: rows.map(auditEventView), nextCursor };
}

/** The largest page of the FHIR export. */
export const MAX_FHIR_PAGE = 1000;

/** The same events as a FHIR R4 Bundle of AuditEvents, one page at a time (`limit` up to 1000). */
export async function exportFhirAuditEvents(
  ctx: ReadContext,
  viewer: Viewer,
  filters: AuditFilters,
  cursor?: string,
  limit = MAX_FHIR_PAGE,
): Promise<{ bundle: FhirBundle; nextCursor: string | null }> {
  const f = parseFilters(filters);
  const size = pageSize(limit, MAX_FHIR_PAGE);
  const scope = staffScope(viewer);
  const digest = CursorCodec.queryDigest({ k: 'fhir', v: scope.key, f });
  const { rows, nextCursor } = await auditPage(ctx, auditWhere(scope, f), digest, cursor, size);
  return { bundle: toFhirBundle(rows.map(auditEventView)), nextCursor };
}
