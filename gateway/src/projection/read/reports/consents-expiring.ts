/**
 * Consents in the report: active ones whose period ends within `expiringConsentDays` of now, and the
 * number of active ones whose end the events did not carry (granted before `ConsentGranted` carried
 * `periodEnd`).
 */
import { Where } from '../query';
import type { ComplianceReport } from '../views';
import { HOUR_MS, cappedList, type SectionInput } from './section';

interface ConsentRow {
  consent_id: string;
  patient_did: string;
  grantee: string;
  period_end: string;
  grant_tx_id: string;
  grant_block: number | string;
}

/** The consents sections of the report, within the viewer's scope. */
export async function consentsSection(
  input: SectionInput,
): Promise<Pick<ComplianceReport, 'consentsExpiringSoon' | 'consentsWithUnknownEnd'> & { cut: boolean }> {
  const { db, nowMs, settings } = input;
  const scope = input.scope.on('consent');
  const expiring = new Where()
    .add("status = 'active'")
    .add('period_end_ms >= ?', nowMs)
    .add('period_end_ms < ?', nowMs + settings.expiringConsentDays * 24 * HOUR_MS)
    .and(scope);
  const { rows, cut } = await cappedList<ConsentRow>(
    input,
    'SELECT consent_id, patient_did, grantee, period_end, grant_tx_id, grant_block FROM consent',
    expiring,
    'period_end_ms, consent_id',
  );
  const unknown = new Where().add("status = 'active'").add('period_end_ms IS NULL').and(scope);
  const counted = await db.all<{ n: number | string }>(
    `SELECT COUNT(*) AS n FROM consent ${unknown.sql}`,
    unknown.params,
  );
  return {
    consentsExpiringSoon: rows.map((c) => ({
      consentId: c.consent_id,
      patientDid: c.patient_did,
      grantee: c.grantee,
      periodEnd: c.period_end,
      txId: c.grant_tx_id,
      blockNumber: Number(c.grant_block),
    })),
    consentsWithUnknownEnd: Number(counted[0]?.n ?? 0),
    cut,
  };
}
