/**
 * Consents an accessor presents in transient data, checked against what the ledger vouches for. Shared
 * by access decisions and claims: whoever relies on a patient's consent presents the signed grant.
 */
import {
  consentGrantPayloadSchema,
  decodeCompactJws,
  sha256Hex,
  type AccessGrant,
  type PresentedConsent,
} from '@medledger/domain';
import type { ConsentFacts } from './access-policy';
import type { Ledger } from './ledger/store';

export type ConsentTerms = NonNullable<AccessGrant['consentTerms']>;

/**
 * A consent's terms as the decision reads them, revoked when its public revocation exists. With
 * `countReads` (a new access decision), a use-limited consent's reads left come from its public use
 * count; otherwise (a content read or a listing under what was counted already) the limit is not read.
 * A consent whose grantee attested the deletion of its copies has no reads left, counted or not: the
 * attestation closes it for the grantee, who could otherwise attest early and go on reading.
 */
export async function consentFacts(
  ledger: Ledger,
  consentId: string,
  terms: ConsentTerms,
  countReads = false,
): Promise<ConsentFacts> {
  const max = terms.maxReads;
  const attested = await ledger.hasDeletionAttestation(consentId);
  const readsLeft = attested
    ? 0
    : countReads && max !== undefined
      ? Math.max(0, max - ((await ledger.getConsentUse(consentId))?.reads ?? 0))
      : null;
  return {
    consentId,
    grantee: terms.grantee,
    categories: terms.categories,
    maxLevel: terms.maxLevel,
    purpose: terms.purpose,
    periodStartMs: Date.parse(terms.periodStart),
    periodEndMs: Date.parse(terms.periodEnd),
    revoked: (await ledger.getRevocation(consentId)) !== undefined,
    readsLeft,
  };
}

/**
 * The consents the accessor presented that the ledger vouches for: a public consent exists whose
 * receipt is in the grantee org's collection (so the grantee and the regulator recorded it, after
 * checking the patient's signature at the time) and whose hash is this signed grant's, and the grant
 * names this record's patient. Anything else is ignored, so presenting junk only loses the consent.
 * `countReads` for a new access decision (use-limited consents count their grants).
 */
export async function presentedConsents(
  ledger: Ledger,
  presented: readonly PresentedConsent[],
  patientDid: string,
  countReads = false,
): Promise<{ facts: ConsentFacts; terms: ConsentTerms }[]> {
  const out: { facts: ConsentFacts; terms: ConsentTerms }[] = [];
  const ids = [...new Set(presented.map((p) => p.consentId))];
  if (ids.length > 0) await ledger.readAhead(ids.flatMap((id) => ledger.consentKeys(id)));
  const seen = new Set<string>();
  for (const p of presented) {
    if (seen.has(p.consentId)) continue;
    seen.add(p.consentId);
    const pub = await ledger.getPublicConsent(p.consentId);
    if (pub?.jwsHash !== sha256Hex(p.jws)) continue;
    let payload;
    try {
      payload = consentGrantPayloadSchema.parse(decodeCompactJws(p.jws).payload);
    } catch {
      continue;
    }
    if (payload.patientDid !== patientDid) continue;
    const terms = {
      grantee: payload.grantee,
      categories: [...new Set(payload.categories)].sort(),
      maxLevel: payload.maxLevel,
      purpose: payload.purpose,
      periodStart: new Date(Date.parse(payload.periodStart)).toISOString(),
      periodEnd: pub.periodEnd,
      ...(pub.maxReads === null ? {} : { maxReads: pub.maxReads }),
      ...(pub.keepUntil === null ? {} : { keepUntil: pub.keepUntil }),
    };
    out.push({ terms, facts: await consentFacts(ledger, p.consentId, terms, countReads) });
  }
  return out;
}
