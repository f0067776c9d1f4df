/**
 * The regulator's compliance report for [from, to): each section is its own file in this folder and
 * reads within the viewer's scope; this file checks the range and puts the sections together.
 * Auditors see everything, a hospital admin their hospital's scope; patients are refused.
 */
import type { ReadContext } from '../context';
import { instantMs, validation } from '../query';
import { staffScope } from '../scope';
import type { ComplianceReport, Viewer } from '../views';
import { accessCounts } from './access-counts';
import { breakGlassSection, emergencyListingsSection } from './break-glass';
import { consentsSection } from './consents-expiring';
import { deletionAttestationsSection } from './deletion-attestations';
import { erasureRequestsSection } from './erasure-requests';
import { erasuresSection } from './erasures';
import { freezesSection } from './freezes';
import { recordsHeldSection } from './records-held';
import type { SectionInput } from './section';

/** The report at `now` (which decides what is overdue or expiring). Errors: FORBIDDEN, VALIDATION_FAILED. */
export async function complianceReport(
  ctx: ReadContext,
  viewer: Viewer,
  from: string,
  to: string,
  now: Date,
): Promise<ComplianceReport> {
  const fromMs = instantMs(from, 'from');
  const toMs = instantMs(to, 'to');
  if (toMs <= fromMs) throw validation('to must be after from');
  const input: SectionInput = {
    db: ctx.db,
    scope: staffScope(viewer),
    fromMs,
    toMs,
    nowMs: now.getTime(),
    settings: ctx.settings,
  };
  const counts = await accessCounts(input);
  const breakGlass = await breakGlassSection(input);
  const listings = await emergencyListingsSection(input);
  const consents = await consentsSection(input);
  const held = await recordsHeldSection(input);
  const erasures = await erasuresSection(input);
  const requests = await erasureRequestsSection(input);
  const freezes = await freezesSection(input);
  const attestations = await deletionAttestationsSection(input);
  const truncated = (
    [
      ['breakGlass', breakGlass.cut],
      ['emergencyListings', listings.cut],
      ['consentsExpiringSoon', consents.cut],
      ['recordsHeldForReview', held.cut],
      ['erasures', erasures.cut],
      ['erasureRequests', requests.cut],
      ['freezes', freezes.cut],
      ['deletionAttestations', attestations.cut],
    ] as const
  )
    .filter(([, cut]) => cut)
    .map(([name]) => name);
  return {
    from: new Date(fromMs).toISOString(),
    to: new Date(toMs).toISOString(),
    generatedAt: now.toISOString(),
    breakGlassReviewHours: ctx.settings.breakGlassReviewHours,
    totals: counts.totals,
    denialsByReason: counts.denialsByReason,
    breakGlass: breakGlass.breakGlass,
    breakGlassCounts: breakGlass.breakGlassCounts,
    emergencyListings: listings.emergencyListings,
    emergencyListingCounts: listings.emergencyListingCounts,
    accessesByPurposeAndOrg: counts.accessesByPurposeAndOrg,
    consentsExpiringSoon: consents.consentsExpiringSoon,
    recordsHeldForReview: held.recordsHeldForReview,
    erasures: erasures.erasures,
    erasureRequests: requests.erasureRequests,
    freezes: freezes.freezes,
    deletionAttestations: attestations.deletionAttestations,
    truncated,
  };
}
