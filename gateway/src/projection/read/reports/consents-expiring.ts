/**
 * Consents in the report: active ones whose period ends within `expiringConsentDays` of now. Their
 * patient and grantee are known where this gateway's org holds the consent (the grantee org's and the
 * regulator's gateways); elsewhere only the grantee org.
 */
import { Where } from '../query';
import type { ComplianceReport } from '../views';
import { HOUR_MS, cappedList, type SectionInput } from './section';

interface ConsentRow {
  consent_id: string;
  grantee_org: string;
  patient_did: string | null;
  grantee: string | null;
  period_end: string;
  grant_tx_id: string;
  grant_block: number | string;
}

/** The consents sections of the report, within the viewer's scope. */
export async function consentsSection(
  input: SectionInput,
): Promise<Pick<ComplianceReport, 'consentsExpiringSoon'> & { cut: boolean }> {
  const { nowMs, settings } = input;
  const scope = input.scope.on('consent');
  const expiring = new Where()
    .add("status = 'active'")
    .add('period_end_ms >= ?', nowMs)
    .add('period_end_ms < ?', nowMs + settings.expiringConsentDays * 24 * HOUR_MS)
    .and(scope);
  const { rows, cut } = await cappedList<ConsentRow>(
    input,
    'SELECT consent_id, grantee_org, patient_did, grantee, period_end, grant_tx_id, grant_block FROM consent',
    expiring,
    'period_end_ms, consent_id',
  );
  return {
    consentsExpiringSoon: rows.map((c) => ({
      consentId: c.consent_id,
      granteeOrg: c.grantee_org,
      patientDid: c.patient_did,
      grantee: c.grantee,
      periodEnd: c.period_end,
      txId: c.grant_tx_id,
      blockNumber: Number(c.grant_block),
    })),
    cut,
  };
}
