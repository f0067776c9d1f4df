/**
 * Every v1 route as data (see `routes/route.ts`), one module per role or area under `routes/`. The
 * Express routes and the OpenAPI document are both built from this table, in this order (Express
 * matches `/v1/audit/fhir` before `/v1/audit/{id}`).
 */
import { erasureRequestRoutes } from './routes/erasure-requests';
import { hospitalRecordRoutes } from './routes/hospital-records';
import { identityRoutes } from './routes/identity';
import { insuranceRoutes } from './routes/insurance';
import { leakTraceRoutes } from './routes/incidents-trace';
import { freezeRoutes } from './routes/freezes';
import { incidentRoutes } from './routes/incidents';
import { operationsRoutes } from './routes/operations';
import { patientRoutes } from './routes/patient';
import { regulatorRoutes } from './routes/regulator';
import { researcherRoutes } from './routes/researcher';
import { credentialRoutes } from './routes/credentials';
import { studyResultRoutes } from './routes/study-results';
import { studyRoundRoutes } from './routes/study-rounds';
import { studyWorkRoutes } from './routes/study-work';
import type { RouteDef } from './routes/route';
import { credentialIssuerKeyOf, type CredentialIssuerKey } from '../credential-issuer';

export { RawReply, type HandlerContext, type HeaderParam, type RouteDef } from './routes/route';

/**
 * Builds the route table; `pageSizeMax` bounds every page, and credentials are signed with
 * `credentialIssuer` (default: a key drawn now, as for a table built only to be described).
 */
export function buildRoutes(
  pageSizeMax: number,
  credentialIssuer: CredentialIssuerKey = credentialIssuerKeyOf({ credentials: {} }),
): RouteDef[] {
  const limits = { pageSizeMax };
  return [
    ...identityRoutes(),
    ...hospitalRecordRoutes(),
    ...patientRoutes(limits),
    ...erasureRequestRoutes(),
    ...researcherRoutes(limits),
    ...studyWorkRoutes(),
    ...studyRoundRoutes(),
    ...studyResultRoutes(),
    ...credentialRoutes(credentialIssuer),
    ...operationsRoutes(),
    ...regulatorRoutes(limits),
    ...insuranceRoutes(),
    ...leakTraceRoutes(),
    ...freezeRoutes(),
    ...incidentRoutes(),
  ];
}
