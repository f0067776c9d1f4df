/** The compliance report as CSV (RFC 4180): one section after another, each with its own header. */
import type { ComplianceReport } from './views';

function cell(v: unknown): string {
  let s: string;
  if (v === null || v === undefined) s = '';
  else if (typeof v === 'string') s = v;
  else if (typeof v === 'number' || typeof v === 'boolean') s = String(v);
  else s = JSON.stringify(v);
  // A leading =, +, - or @ would be a formula in a spreadsheet.
  if (/^[=+\-@]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

function section(name: string, header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return [[`# ${name}`], header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n');
}

/** The report as CSV. */
export function complianceReportCsv(r: ComplianceReport): string {
  return (
    [
      section(
        'report',
        ['from', 'to', 'generatedAt', 'breakGlassReviewHours', 'accesses', 'granted', 'denied'],
        [
          [
            r.from,
            r.to,
            r.generatedAt,
            r.breakGlassReviewHours,
            r.totals.accesses,
            r.totals.granted,
            r.totals.denied,
          ],
        ],
      ),
      section(
        'denials by reason',
        ['reason', 'count'],
        r.denialsByReason.map((d) => [d.reason, d.count]),
      ),
      section(
        'break-glass',
        [
          'state',
          'eventId',
          'txTime',
          'reviewDeadline',
          'actorDid',
          'actorMsp',
          'recordId',
          'patientDid',
          'custodian',
          'reviewedBy',
          'reviewedAt',
          'txId',
          'blockNumber',
        ],
        r.breakGlass.map((b) => [
          b.state,
          b.eventId,
          b.txTime,
          b.reviewDeadline,
          b.actorDid,
          b.actorMsp,
          b.recordId,
          b.patientDid,
          b.custodian,
          b.review?.reviewedBy,
          b.review?.reviewedAt,
          b.txId,
          b.blockNumber,
        ]),
      ),
      section(
        'accesses by purpose and org',
        ['purpose', 'org', 'granted', 'denied'],
        r.accessesByPurposeAndOrg.map((a) => [a.purpose, a.org, a.granted, a.denied]),
      ),
      section(
        'consents expiring soon',
        ['consentId', 'patientDid', 'grantee', 'periodEnd', 'txId', 'blockNumber'],
        r.consentsExpiringSoon.map((c) => [
          c.consentId,
          c.patientDid,
          c.grantee,
          c.periodEnd,
          c.txId,
          c.blockNumber,
        ]),
      ),
      section(
        'records held for quality review',
        ['recordId', 'version', 'custodian', 'anchoredAt', 'txId', 'blockNumber'],
        r.recordsHeldForReview.map((h) => [
          h.recordId,
          h.version,
          h.custodian,
          h.anchoredAt,
          h.txId,
          h.blockNumber,
        ]),
      ),
      section(
        'erasures',
        ['recordId', 'versions', 'custodian', 'reason', 'txTime', 'txId', 'blockNumber'],
        r.erasures.map((e) => [
          e.recordId,
          e.versions.join(' '),
          e.custodian,
          e.reason,
          e.txTime,
          e.txId,
          e.blockNumber,
        ]),
      ),
    ].join('\r\n\r\n') + '\r\n'
  );
}
