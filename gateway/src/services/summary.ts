/**
 * A patient's health summary across custodians (docs/patients.md, health summary): the audited listing
 * of the patient's records, then an audited read of each record of the summary's categories the caller
 * may open, assembled into one FHIR document Bundle. The patient's reads are one patient access per
 * custodian, opened by their signed request; a clinician's are ordinary access decisions with the
 * treatment consents this org holds. Nothing is read at a custodian the listing did not name, so a
 * hospital that holds none of the patient's records learns nothing of the summary.
 */
import { ErrorCode, SUMMARY_CATEGORIES, type ListedRecord } from '@medledger/domain';

import type { ServiceContext } from './context';
import { afterPeerLag } from './peer-lag';
import { decideAccess, listPatientRecords, presentableConsents, readContent } from './records';
import { summaryBundle, type SummaryBundle, type SummaryItem } from './summary-bundle';

/** The patient's own reads: one audited patient access at each custodian holding summary records. */
async function patientItems(
  ctx: ServiceContext,
  patientDid: string,
  request: string,
  listed: readonly ListedRecord[],
): Promise<SummaryItem[]> {
  const items: SummaryItem[] = [];
  for (const custodian of [...new Set(listed.map((r) => r.custodian))].sort()) {
    const records = listed
      .filter((r) => r.custodian === custodian)
      .map((r) => ({ recordId: r.recordId, version: r.version }));
    const opened = await ctx.ledger.submit(
      ctx.caller,
      'OpenPatientAccess',
      { custodian, records },
      { custodian, transient: { subject: { patientDid }, request: { jws: request } } },
    );
    // Committed on our peer; the custodian's may commit the access a moment later.
    const read = await afterPeerLag(ErrorCode.ACCESS_NOT_GRANTED, () =>
      ctx.ledger.evaluate(
        ctx.caller,
        'ReadPatientContent',
        { custodian, accessId: opened.result.accessId },
        { custodian },
      ),
    );
    for (const e of read.entries) items.push({ ...e, accessId: read.accessId });
  }
  return items;
}

/**
 * A clinician's reads: one audited treatment access decision per listed record (the listing shows only
 * records such a decision grants), then the content on the custodian's peer. A record whose access is
 * denied meanwhile (a consent revoked since the listing) is left out; its denial is audited.
 */
async function clinicianItems(
  ctx: ServiceContext,
  patientDid: string,
  listed: readonly ListedRecord[],
): Promise<SummaryItem[]> {
  const elsewhere = listed.some((r) => r.custodian !== ctx.mspId);
  const consents = elsewhere ? await presentableConsents(ctx, patientDid, 'treatment') : [];
  const items: SummaryItem[] = [];
  for (const r of listed) {
    const input = {
      recordId: r.recordId,
      custodian: r.custodian,
      version: r.version,
      purpose: 'treatment' as const,
    };
    const { decision } = await decideAccess(ctx, input, consents);
    if (decision.outcome !== 'granted') continue;
    const content = await afterPeerLag(ErrorCode.ACCESS_NOT_GRANTED, () =>
      readContent(ctx, r.recordId, { accessId: decision.accessId, custodian: r.custodian }),
    );
    if (content.salt === null) continue;
    items.push({
      recordId: r.recordId,
      custodian: r.custodian,
      version: content.version,
      category: r.category,
      contentHash: content.contentHash,
      salt: content.salt,
      resource: content.resource,
      accessId: decision.accessId,
    });
  }
  return items;
}

/**
 * The health summary of `patientDid` for the caller: the patient (their signed summary request in
 * `request`, `medledger.summary.read`, relayed by this gateway's service identity) or a clinician
 * (no request: their custodianship and this org's treatment consents). Records erased are left out.
 */
export async function patientSummary(
  ctx: ServiceContext,
  patientDid: string,
  request: string | undefined,
): Promise<SummaryBundle> {
  const listing = await listPatientRecords(ctx, patientDid, request);
  const listed = listing.records.filter((r) => SUMMARY_CATEGORIES.includes(r.category) && !r.erased);
  const items =
    request === undefined
      ? await clinicianItems(ctx, patientDid, listed)
      : await patientItems(ctx, patientDid, request, listed);
  return summaryBundle({
    patientDid,
    assembledBy: ctx.mspId,
    listingId: listing.listingId,
    items,
    now: new Date(),
  });
}
