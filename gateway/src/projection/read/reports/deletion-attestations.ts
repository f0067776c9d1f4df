/**
 * Deletion attestations of use-limited consents (docs/use-limited-consents.md): a grantee that read
 * under a consent with a `keepUntil` attests on chain, by then, that it deleted every copy. The report
 * lists the consents past `keepUntil` that were read under (a granted access decision under the
 * consent, research dataset exports included: each of their records is one) and carry no attestation,
 * and counts the attestations filed and those falling due within the range.
 *
 * "Read under" is what this projection knows: a consent is tied to an access only in the enriched rows
 * (the custodian's and the regulator's gateways). The regulator's report is therefore the complete one;
 * a grantee hospital's gateway sees its own accesses to other custodians' records id-only.
 */
import type { SqlDriver } from '../../write/sql/driver';
import { Where } from '../query';
import type { Scope } from '../scope';
import type { ComplianceReport } from '../views';
import { HOUR_MS, type SectionInput } from './section';

/** A consent whose deletion attestation is overdue, with the grant behind it. */
export interface OverdueAttestationRow {
  consent_id: string;
  grantee_org: string;
  keep_until: string;
  keep_until_ms: number | string;
  granted_at: string;
  grant_tx_id: string;
  grant_block: number | string;
}

/** The condition "some access decision was granted under this consent" (the table aliased `c`). */
const READ_UNDER =
  "EXISTS (SELECT 1 FROM audit_event a WHERE a.consent_id = c.consent_id AND a.outcome = 'granted')";

/**
 * Consents in `scope` past `keepUntil` at `nowMs`, read under and not attested, oldest deadline
 * first, at most `limit` of them (`null`: all).
 */
export function overdueAttestations(
  db: SqlDriver,
  scope: Scope,
  nowMs: number,
  limit: number | null,
): Promise<OverdueAttestationRow[]> {
  const where = new Where()
    .add('c.keep_until_ms < ?', nowMs)
    .add('c.attested_at_ms IS NULL')
    .add(READ_UNDER)
    .and(scope.on('consent'));
  return db.all<OverdueAttestationRow>(
    `SELECT c.consent_id, c.grantee_org, c.keep_until, c.keep_until_ms, c.granted_at, c.grant_tx_id,
       c.grant_block FROM consent c ${where.sql} ORDER BY c.keep_until_ms, c.consent_id
       ${limit === null ? '' : 'LIMIT ?'}`,
    limit === null ? where.params : [...where.params, limit],
  );
}

/** Hours from a deadline to `nowMs`, to a tenth. */
export function hoursPast(deadlineMs: number, nowMs: number): number {
  return Math.floor(((nowMs - deadlineMs) / HOUR_MS) * 10) / 10;
}

async function countOf(input: SectionInput, where: Where): Promise<number> {
  const rows = await input.db.all<{ n: number | string }>(
    `SELECT COUNT(*) AS n FROM consent c ${where.sql}`,
    where.params,
  );
  return Number(rows[0]?.n ?? 0);
}

/** The deletion attestations section, within the viewer's scope (a hospital: consents granted to it). */
export async function deletionAttestationsSection(
  input: SectionInput,
): Promise<Pick<ComplianceReport, 'deletionAttestations'> & { cut: boolean }> {
  const max = input.settings.reportMaxRows;
  const rows = await overdueAttestations(input.db, input.scope, input.nowMs, max + 1);
  const scope = input.scope.on('consent');
  const attested = new Where()
    .add('c.attested_at_ms >= ?', input.fromMs)
    .add('c.attested_at_ms < ?', input.toMs)
    .and(scope);
  const due = new Where()
    .add('c.keep_until_ms >= ?', input.fromMs)
    .add('c.keep_until_ms < ?', input.toMs)
    .add(READ_UNDER)
    .and(scope);
  return {
    deletionAttestations: {
      overdue: rows.slice(0, max).map((r) => ({
        consentId: r.consent_id,
        grantee: r.grantee_org,
        keepUntil: r.keep_until,
        overdueHours: hoursPast(Number(r.keep_until_ms), input.nowMs),
      })),
      attestedInRange: await countOf(input, attested),
      dueInRange: await countOf(input, due),
    },
    cut: rows.length > max,
  };
}
