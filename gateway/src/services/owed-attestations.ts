/**
 * The deletion attestations a grantee org still owes (docs/use-limited-consents.md, "What a grantee
 * owes"): the consents granted to it with a keep-until date, not attested, that its own staff read
 * under. The candidates come from this gateway's projection; which consent each of the org's reads was
 * decided under comes from the ledger (`ResolveAccessConsents`, on the regulator's peer, which answers
 * only for the caller's own org's accesses) where the projection cannot tie it. The list is always the
 * gateway's own org's: there is no parameter that names another.
 */
import { MAX_RESOLVED_ACCESSES } from '@medledger/domain';

import type { OwedAttestations } from '../projection/read/owed-attestations';
import { hoursPast } from '../projection/read/reports/deletion-attestations';
import type { ProjectionContext } from './audit-projection';

/** Consents and accesses one owed list considers at most. */
export const OWED_LIMITS = { consents: 500, accesses: 5000 } as const;

/** The consent of every access the projection could not tie, asked of the ledger in pages. */
async function resolveConsents(
  ctx: ProjectionContext,
  accesses: readonly { accessId: string; custodian: string }[],
): Promise<string[]> {
  const out: string[] = [];
  // One call even with nothing to resolve: the chaincode decides who may ask (an active member of an
  // org other than the regulator).
  let offset = 0;
  do {
    const page = accesses.slice(offset, offset + MAX_RESOLVED_ACCESSES);
    const { items } = await ctx.ledger.evaluate(ctx.caller, 'ResolveAccessConsents', {
      accesses: page.map((a) => ({ accessId: a.accessId, custodian: a.custodian })),
    });
    out.push(...items.map((i) => i.consentId));
    offset += MAX_RESOLVED_ACCESSES;
  } while (offset < accesses.length);
  return out;
}

/** The deletion attestations the gateway's org owes at `nowMs`, oldest deadline first. */
export async function owedAttestations(
  ctx: ProjectionContext,
  nowMs: number = Date.now(),
): Promise<OwedAttestations> {
  const { consents, accesses, truncated } = await ctx.projection.owedAttestationCandidates(
    ctx.mspId,
    OWED_LIMITS,
  );
  const tied = accesses.flatMap((a) => (a.consentId === null ? [] : [a.consentId]));
  const resolved = await resolveConsents(
    ctx,
    accesses.filter((a) => a.consentId === null),
  );
  const reads = new Map<string, number>();
  for (const id of [...tied, ...resolved]) reads.set(id, (reads.get(id) ?? 0) + 1);
  const items = consents.flatMap((c) => {
    const n = reads.get(c.consentId);
    if (n === undefined) return [];
    const overdue = c.keepUntilMs < nowMs;
    return [
      {
        consentId: c.consentId,
        keepUntil: c.keepUntil,
        overdue,
        overdueHours: overdue ? hoursPast(c.keepUntilMs, nowMs) : null,
        reads: n,
      },
    ];
  });
  return { items, truncated };
}
