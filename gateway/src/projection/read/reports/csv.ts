/** The compliance report as CSV (RFC 4180): one section after another, each with its own header. */
import type { ComplianceReport } from '../views';

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

/** One CSV section: a `# name` line, the header, a row per item. */
export function csvSection(
  name: string,
  header: readonly string[],
  rows: readonly (readonly unknown[])[],
): string {
  return [[`# ${name}`], header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n');
}

/** A section of the CSV: its title, its columns and a row per item. */
interface CsvSection {
  readonly name: string;
  readonly header: readonly string[];
  readonly rows: (r: ComplianceReport) => readonly (readonly unknown[])[];
}

/** A section whose columns are fields of its items, named as the fields. */
function fieldSection<T>(
  name: string,
  fields: readonly (keyof T & string)[],
  items: (r: ComplianceReport) => readonly T[],
): CsvSection {
  return { name, header: fields, rows: (r) => items(r).map((item) => fields.map((f) => item[f])) };
}

const REF = ['txId', 'blockNumber'] as const;
const REVIEW = ['reviewedBy', 'reviewedAt', 'reviewedByRegulator', 'suspended'] as const;

/** The cells of {@link REVIEW}: the standing review of a break-glass access or emergency listing. */
function reviewCells(review: ComplianceReport['breakGlass'][number]['review']): unknown[] {
  return [review?.reviewedBy, review?.reviewedAt, review?.byRegulator, review?.suspended];
}

/** The sections, in order. */
const SECTIONS: readonly CsvSection[] = [
  {
    name: 'report',
    header: ['from', 'to', 'generatedAt', 'breakGlassReviewHours', 'accesses', 'granted', 'denied'],
    rows: (r) => [
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
  },
  fieldSection('denials by reason', ['reason', 'count'], (r) => r.denialsByReason),
  {
    name: 'break-glass',
    header: [
      'state',
      'eventId',
      'txTime',
      'reviewDeadline',
      'actorDid',
      'actorMsp',
      'recordId',
      'patientDid',
      'custodian',
      'breakGlassReason',
      'coSignedBy',
      'coSignerMsp',
      ...REVIEW,
      ...REF,
    ],
    rows: (r) =>
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
        b.breakGlassReason,
        b.coSignedBy,
        b.coSignerMsp,
        ...reviewCells(b.review),
        b.txId,
        b.blockNumber,
      ]),
  },
  {
    name: 'emergency listings',
    header: [
      'state',
      'listingId',
      'txTime',
      'reviewDeadline',
      'actorDid',
      'actorMsp',
      'actorRole',
      'breakGlassReason',
      'patientDid',
      'categories',
      ...REVIEW,
      ...REF,
    ],
    rows: (r) =>
      r.emergencyListings.map((l) => [
        l.state,
        l.listingId,
        l.txTime,
        l.reviewDeadline,
        l.actorDid,
        l.actorMsp,
        l.actorRole,
        l.breakGlassReason,
        l.patientDid,
        l.categories?.join(' '),
        ...reviewCells(l.review),
        l.txId,
        l.blockNumber,
      ]),
  },
  fieldSection(
    'accesses by purpose and org',
    ['purpose', 'org', 'granted', 'denied'],
    (r) => r.accessesByPurposeAndOrg,
  ),
  fieldSection(
    'consents expiring soon',
    ['consentId', 'granteeOrg', 'patientDid', 'grantee', 'periodEnd', ...REF],
    (r) => r.consentsExpiringSoon,
  ),
  fieldSection(
    'records held for quality review',
    ['recordId', 'version', 'custodian', 'anchoredAt', ...REF],
    (r) => r.recordsHeldForReview,
  ),
  {
    name: 'erasures',
    header: ['recordId', 'versions', 'custodian', 'reason', 'staged', 'txTime', ...REF],
    rows: (r) =>
      r.erasures.map((e) => [
        e.recordId,
        e.versions.join(' '),
        e.custodian,
        e.reason,
        e.staged,
        e.txTime,
        e.txId,
        e.blockNumber,
      ]),
  },
  fieldSection(
    'erasure requests',
    [
      'requestId',
      'custodian',
      'recordId',
      'requestedAt',
      'dueAt',
      'status',
      'refusal',
      'answeredAt',
      'late',
      ...REF,
    ],
    (r) => r.erasureRequests,
  ),
  fieldSection(
    'freezes',
    [
      'freezeId',
      'subjectKind',
      'subject',
      'org',
      'reason',
      'incidentId',
      'frozenBy',
      'status',
      'frozenAt',
      'liftedAt',
      ...REF,
    ],
    (r) => r.freezes,
  ),
  {
    name: 'deletion attestations',
    header: ['attestedInRange', 'dueInRange'],
    rows: (r) => [[r.deletionAttestations.attestedInRange, r.deletionAttestations.dueInRange]],
  },
  fieldSection(
    'deletion attestations overdue',
    ['consentId', 'grantee', 'keepUntil', 'overdueHours'],
    (r) => r.deletionAttestations.overdue,
  ),
];

/** The report as CSV. */
export function complianceReportCsv(r: ComplianceReport): string {
  return SECTIONS.map((s) => csvSection(s.name, s.header, s.rows(r))).join('\r\n\r\n') + '\r\n';
}
