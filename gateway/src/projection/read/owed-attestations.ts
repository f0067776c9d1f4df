/**
 * What a grantee org may owe a deletion attestation for (docs/use-limited-consents.md, "What a grantee
 * owes"): the consents granted to it with a keep-until date and no attestation yet, and its own
 * granted accesses under some consent since the oldest of them was granted. Which consent each access
 * was decided under is a sealed fact of the custodian's collection: this projection holds it only for
 * accesses to its own org's records; the service asks the ledger for the others.
 */
import { isoTimeSchema, txIdSchema } from '@medledger/domain';
import { z } from 'zod';

import type { ReadContext } from './context';

/** A consent granted to the org, with a keep-until date and no attestation yet. */
export interface UnattestedConsent {
  readonly consentId: string;
  readonly keepUntil: string;
  readonly keepUntilMs: number;
}

/** A granted access of the org's staff under a consent; `consentId` null where the projection cannot tie it. */
export interface RelyingAccess {
  readonly accessId: string;
  readonly custodian: string;
  readonly consentId: string | null;
}

/** The candidates of one owed list; `truncated` when either list was cut at its limit. */
export interface OwedCandidates {
  readonly consents: UnattestedConsent[];
  readonly accesses: RelyingAccess[];
  readonly truncated: boolean;
}

/** The access reasons of a decision granted under a consent. */
const CONSENT_REASONS = ['CONSENT', 'STUDY_CONSENT'] as const;

/**
 * The consents granted to `granteeOrg` that still owe an attestation, oldest deadline first (at most
 * `limit`), and the org's own granted accesses under a consent since the oldest of those grants (at
 * most `accessLimit`).
 */
export async function owedAttestationCandidates(
  ctx: ReadContext,
  granteeOrg: string,
  limits: { readonly consents: number; readonly accesses: number },
): Promise<OwedCandidates> {
  const consentRows = await ctx.db.all<{
    consent_id: string;
    keep_until: string;
    keep_until_ms: number | string;
    granted_at: string;
  }>(
    `SELECT consent_id, keep_until, keep_until_ms, granted_at FROM consent
       WHERE grantee_org = ? AND keep_until_ms IS NOT NULL AND attested_at_ms IS NULL
       ORDER BY keep_until_ms, consent_id LIMIT ?`,
    [granteeOrg, limits.consents + 1],
  );
  const consents = consentRows.slice(0, limits.consents);
  if (consents.length === 0) return { consents: [], accesses: [], truncated: false };
  const since = Math.min(...consents.map((c) => Date.parse(c.granted_at)));
  const accessRows = await ctx.db.all<{ event_id: string; custodian: string; consent_id: string | null }>(
    `SELECT event_id, custodian, consent_id FROM audit_event
       WHERE actor_msp = ? AND outcome = 'granted' AND reason IN (?, ?) AND tx_time_ms >= ?
       ORDER BY tx_time_ms, seq LIMIT ?`,
    [granteeOrg, ...CONSENT_REASONS, since, limits.accesses + 1],
  );
  return {
    consents: consents.map((c) => ({
      consentId: c.consent_id,
      keepUntil: c.keep_until,
      keepUntilMs: Number(c.keep_until_ms),
    })),
    accesses: accessRows.slice(0, limits.accesses).map((a) => ({
      accessId: a.event_id,
      custodian: a.custodian,
      consentId: a.consent_id,
    })),
    truncated: consentRows.length > limits.consents || accessRows.length > limits.accesses,
  };
}

/** zod: the owed list. */
export const owedAttestationsSchema = z.object({
  items: z.array(
    z.object({
      consentId: txIdSchema,
      /** The date by which the copies are to be deleted and the attestation filed. */
      keepUntil: isoTimeSchema,
      overdue: z.boolean(),
      /** Hours past `keepUntil`, to a tenth; null while not overdue. */
      overdueHours: z.number().nullable(),
      /** The org's granted accesses under the consent (content reads, dataset records). */
      reads: z.number().int().min(1),
    }),
  ),
  /** More consents or accesses than one list considers: the oldest deadlines are listed. */
  truncated: z.boolean(),
});
/** The owed list. */
export type OwedAttestations = z.infer<typeof owedAttestationsSchema>;
