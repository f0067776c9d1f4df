/**
 * Regulator and patient views answered from the audit projection (docs/architecture.md): the audit query, the
 * compliance report, alerts, the FHIR export and a patient's access log. Who may see what is decided
 * here from the authenticated principal and their on-chain DID document, never from a parameter.
 */
import { orgKindOf, staffDid, type Incident } from '@medledger/domain';

import { verifyPatientProof, type NonceCache } from '../auth/patient-proof';
import type { Principal } from '../auth/tokens';
import { AppError, GatewayErrorCode } from '../errors';
import type { BundleLink, FhirAuditBundle } from '../projection/read/fhir/schema';
import { complianceReportCsv, csvSection } from '../projection/read/reports/csv';
import type { ProjectionService } from '../projection/read/service';
import type {
  AccessLogPage,
  Alert,
  AuditEventView,
  AuditFilters,
  ComplianceReport,
  Page,
  Viewer,
} from '../projection/read/views';
import type { ServiceContext } from './context';
import { listIncidents } from './incidents';

/** What the projection routes need besides the ledger. */
export interface ProjectionContext extends ServiceContext {
  readonly principal: Principal;
  readonly projection: ProjectionService;
}

/** The access log also needs the process's cache of patient-proof nonces. */
export interface AccessLogContext extends ProjectionContext {
  readonly patientProofNonces: NonceCache;
}

function forbidden(detail: string): AppError {
  return new AppError(GatewayErrorCode.FORBIDDEN, detail);
}

/** A well-formed patient DID nobody holds (the probe of {@link viewerOf}). */
const PROBE_PATIENT = 'did:medledger:patient:viewer-probe';

/**
 * The projection viewer of a caller. A patient token is the patient (their own access log only). A
 * staff member is decided on chain, signed by the caller, before anything is read from the
 * projection: the chaincode's audit scan (`QueryAudit`, on a patient nobody holds) refuses anyone it
 * would refuse a consortium-wide scan, frozen, suspended and inactive people included (their DID
 * document alone does not show a freeze); then their document gives the role: an auditor of a
 * regulator org sees everything, an admin of a hospital the events of their hospital (as custodian or
 * as the actor's org). A NodeOU admin without a document (the bootstrap admins) is an admin. Anyone
 * else is refused (403).
 */
export async function viewerOf(ctx: ProjectionContext): Promise<Viewer> {
  const { principal } = ctx;
  if (principal.kind === 'patient') return { kind: 'patient', patientDid: principal.subject };
  const kind = orgKindOf(ctx.mspId);
  await ctx.ledger.evaluate(ctx.caller, 'QueryAudit', { by: 'patient', id: PROBE_PATIENT, pageSize: 1 });
  let role: string;
  try {
    const doc = await ctx.ledger.evaluate(ctx.caller, 'ResolveDid', {
      did: staffDid(ctx.mspId, principal.subject),
    });
    const m = doc.medledger;
    if (m.status !== 'active' || m.org !== ctx.mspId) throw forbidden('the caller is not active staff');
    role = m.role ?? '';
  } catch (err) {
    if (!(err instanceof AppError) || err.status !== 404) throw err;
    // No DID document, yet the scan above passed: a certificate with the NodeOU `admin`.
    role = 'admin';
  }
  if (kind === 'regulator' && role === 'auditor') return { kind: 'auditor' };
  if (kind === 'hospital' && role === 'admin') return { kind: 'hospital', mspId: ctx.mspId };
  throw forbidden('audit views are for regulator auditors and hospital admins');
}

/** Audit query parameters as the HTTP layer names them. */
export interface AuditQuery {
  readonly patient?: string | undefined;
  readonly actor?: string | undefined;
  readonly org?: string | undefined;
  readonly custodian?: string | undefined;
  readonly record?: string | undefined;
  readonly purpose?: AuditFilters['purpose'];
  readonly outcome?: AuditFilters['outcome'];
  readonly from?: string | undefined;
  readonly to?: string | undefined;
}

/** The service's filters from the query (only the given ones, so cursors bind to what was asked). */
export function auditFiltersOf(q: AuditQuery): AuditFilters {
  const f: Record<string, string> = {};
  const put = (key: keyof AuditFilters, value: string | undefined): void => {
    if (value !== undefined) f[key] = value;
  };
  put('patientDid', q.patient);
  put('actorDid', q.actor);
  put('org', q.org);
  put('custodian', q.custodian);
  put('recordId', q.record);
  put('purpose', q.purpose);
  put('outcome', q.outcome);
  put('from', q.from);
  put('to', q.to);
  return f;
}

export async function queryAudit(
  ctx: ProjectionContext,
  query: AuditQuery,
  cursor: string | undefined,
  limit: number | undefined,
): Promise<Page<AuditEventView>> {
  const viewer = await viewerOf(ctx);
  return ctx.projection.queryAudit(viewer, auditFiltersOf(query), cursor, limit);
}

/**
 * Audit events as a FHIR R4 Bundle of AuditEvent resources; the next page is the Bundle's `next`
 * link (`path` with the same query and the new cursor), as FHIR clients expect.
 */
export async function exportFhir(
  ctx: ProjectionContext,
  path: string,
  query: AuditQuery & { readonly limit?: number | undefined; readonly cursor?: string | undefined },
): Promise<FhirAuditBundle> {
  const viewer = await viewerOf(ctx);
  const { bundle, nextCursor } = await ctx.projection.exportFhirAuditEvents(
    viewer,
    auditFiltersOf(query),
    query.cursor,
    query.limit ?? 100,
  );
  const url = (cursor: string | undefined): string => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) {
      if (k !== 'cursor' && v !== undefined) params.set(k, String(v));
    }
    if (cursor !== undefined) params.set('cursor', cursor);
    const text = params.toString();
    return text === '' ? path : `${path}?${text}`;
  };
  const link: BundleLink[] = [{ relation: 'self', url: url(query.cursor) }];
  if (nextCursor !== null) link.push({ relation: 'next', url: url(nextCursor) });
  // Bundle elements in R4 order: link comes before entry.
  const { entry, ...head } = bundle;
  return { ...head, link, entry };
}

export async function accessLog(
  ctx: AccessLogContext,
  patientDid: string,
  proof: string | undefined,
  cursor: string | undefined,
  limit: number | undefined,
): Promise<AccessLogPage> {
  await requirePatientReader(ctx, patientDid, proof, 'an access log');
  return ctx.projection.accessLog(await viewerOf(ctx), patientDid, cursor, limit);
}

/**
 * Lets only the patient read a view of their own (`what`), with a fresh proof of the patient's key
 * (`Medledger-Patient-Proof`): 403 for anyone else, 401 for a missing or bad proof.
 */
export async function requirePatientReader(
  ctx: ServiceContext & { readonly principal: Principal; readonly patientProofNonces: NonceCache },
  patientDid: string,
  proof: string | undefined,
  what: string,
): Promise<void> {
  if (ctx.principal.kind !== 'patient' || ctx.principal.subject !== patientDid) {
    throw forbidden(`${what} is readable by its patient only`);
  }
  await verifyPatientProof({
    proof,
    patientDid,
    subject: ctx.principal.subject,
    audience: ctx.mspId,
    resolve: (did) => ctx.ledger.evaluate(ctx.caller, 'ResolveDid', { did }),
    nonces: ctx.patientProofNonces,
  });
}

/** A report or alert list with the open incidents its reader may see. */
export type WithIncidents<T> = T & { readonly openIncidents: Incident[] };

/**
 * The open incidents the caller may see, read on the regulator's peer as the caller (the chaincode
 * decides: the regulator's auditors all, a hospital's admin those that concern their hospital).
 * Incidents are never projected: they live in the regulator's sealed collection only.
 */
async function openIncidents(ctx: ProjectionContext): Promise<Incident[]> {
  return (await listIncidents(ctx, 'open')).items;
}

/**
 * The compliance report over [from, to); `to` defaults to now and `from` to 30 days before `to`. The
 * open incidents come from the ledger beside the projection's sections.
 */
export async function complianceReport(
  ctx: ProjectionContext,
  range: { from?: string | undefined; to?: string | undefined },
  now = new Date(),
): Promise<WithIncidents<ComplianceReport>> {
  const viewer = await viewerOf(ctx);
  const to = range.to ?? now.toISOString();
  const toMs = Date.parse(to);
  const from =
    range.from ?? new Date((Number.isNaN(toMs) ? now.getTime() : toMs) - 30 * 86_400_000).toISOString();
  const report = await ctx.projection.complianceReport(viewer, from, to, now);
  return { ...report, openIncidents: await openIncidents(ctx) };
}

/** The compliance report as CSV (one section per list). */
export async function complianceReportAsCsv(
  ctx: ProjectionContext,
  range: { from?: string | undefined; to?: string | undefined },
): Promise<string> {
  const report = await complianceReport(ctx, range);
  const incidents = csvSection(
    'open incidents',
    ['incidentId', 'category', 'severity', 'orgs', 'openedAt', 'links', 'steps'],
    report.openIncidents.map((i) => [
      i.incidentId,
      i.category,
      i.severity,
      i.orgs.join(' '),
      i.openedAt,
      i.links.length,
      i.steps.map((s) => s.step).join(' '),
    ]),
  );
  return `${complianceReportCsv(report)}\r\n${incidents}\r\n`;
}

/** The unusual-access alerts from the projection, and the open incidents from the ledger. */
export async function alerts(
  ctx: ProjectionContext,
  now = new Date(),
): Promise<WithIncidents<{ items: Alert[] }>> {
  const viewer = await viewerOf(ctx);
  return { items: await ctx.projection.alerts(viewer, now), openIncidents: await openIncidents(ctx) };
}
