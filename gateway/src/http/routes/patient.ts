/**
 * Patient routes: consents and preferences signed by the patient and relayed (by staff or the patient's
 * app), the patient's consents, and the patient's own accounting of disclosures.
 */
import {
  breakGlassReasonSchema,
  compactJwsSchema,
  erasureRequestStateSchema,
  listPatientRecordsOutput,
  consentPageSchema,
  consentStateSchema,
  deletionAttestationSchema,
  patientDidSchema,
  patientPreferencesReadSchema,
  patientPreferencesSchema,
  txIdSchema,
} from '@medledger/domain';
import { z } from 'zod';

import { PATIENT_PROOF_HEADER } from '../../auth/patient-proof';
import { GatewayErrorCode } from '../../errors';
import * as auditProjection from '../../services/audit-projection';
import { AppError } from '../../errors';
import * as consentTemplates from '../../services/consent-templates';
import * as consents from '../../services/consents';
import * as records from '../../services/records';
import { patientErasureRequests } from '../../services/erasure-requests';
import { owedAttestationsSchema } from '../../projection/read/owed-attestations';
import { owedAttestations } from '../../services/owed-attestations';
import { patientSummary } from '../../services/summary';
import { summaryBundleSchema } from '../../services/summary-bundle';
import { accessLogPageSchema } from '../../projection/read/views';
import { route, type HandlerContext, type HeaderParam, type RouteDef } from './route';
import { idParam, jwsBody, ledgerPage, projectionPage, tx, type RouteLimits } from './shared';

const patientParam = z.strictObject({ did: patientDidSchema });

/** The `Medledger-Patient-Proof` header of the patient's own views (access log, contribution points). */
export const proofHeader: HeaderParam = {
  name: PATIENT_PROOF_HEADER,
  required: true,
  description:
    "Compact JWS (ES256) signed with the current key of the patient's DID document (header kid = that key id), payload { typ: 'medledger.access-log.read', patientDid: <the path DID>, aud: <this gateway's org MSP ID>, nonce: <16-128 base64url characters, used once>, iat, exp } in seconds since the epoch, exp - iat <= 300, iat at most 30 s in the future",
  pattern: '^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$',
};

/** The error answers of a patient's own view read with a proof. */
export const accessLogProblems = {
  '401': `Missing or invalid token (${GatewayErrorCode.UNAUTHENTICATED}); ${GatewayErrorCode.PATIENT_PROOF_REQUIRED}: no ${PATIENT_PROOF_HEADER} header; ${GatewayErrorCode.PATIENT_PROOF_INVALID}: the proof is malformed, not signed with the patient current key, for another DID or org, expired or outside its time window, or its nonce was already used`,
  '403': 'The token is not this patient (another patient, or staff)',
};

const listRequestHeader: HeaderParam = {
  name: PATIENT_PROOF_HEADER,
  required: false,
  description:
    "A patient (required) or a staff member relaying for the patient: compact JWS (ES256) signed with the current key of the patient's DID document, payload { typ: 'medledger.records.list', patientDid: <the path DID>, aud: <this gateway's org MSP ID>, nonce: <16-128 base64url characters, used once, on chain>, iat, exp } in seconds since the epoch, exp - iat <= 300. A clinician listing under their own custodianship or consents sends none",
  pattern: proofHeader.pattern,
};

/**
 * The patient's signed request in the proof header: required from a patient; a staff member relays
 * one or sends none (a clinician's own listing or summary).
 */
function signedRequest(ctx: HandlerContext): string | undefined {
  const request = ctx.header(PATIENT_PROOF_HEADER);
  if (request !== undefined && request !== '') return request;
  if (ctx.principal.kind === 'patient') {
    throw new AppError(
      GatewayErrorCode.PATIENT_PROOF_REQUIRED,
      `send the signed request in ${PATIENT_PROOF_HEADER}`,
    );
  }
  return undefined;
}

const recordsQuery = z.strictObject({
  purpose: z
    .enum(['treatment', 'emergency'])
    .optional()
    .describe(
      "`emergency`: a hospital doctor lists what the patient's signed emergency profile opens (nothing beyond it), with `breakGlassReason`; audited and flagged like break-glass. Default `treatment`",
    ),
  breakGlassReason: breakGlassReasonSchema
    .optional()
    .describe(
      'The stated reason of an emergency listing (required with `purpose=emergency`, refused otherwise)',
    ),
});

/**
 * The emergency of an emergency listing, or `undefined`: a staff member's, with its stated reason,
 * never with a patient's signed request (each listing rests on one thing). Errors: VALIDATION_FAILED.
 */
function emergencyOf(
  ctx: HandlerContext,
  query: z.output<typeof recordsQuery>,
  request: string | undefined,
): records.EmergencyListing | undefined {
  if (query.purpose !== 'emergency') {
    if (query.breakGlassReason !== undefined) {
      throw new AppError('VALIDATION_FAILED', 'breakGlassReason is for purpose=emergency only');
    }
    return undefined;
  }
  if (query.breakGlassReason === undefined) {
    throw new AppError('VALIDATION_FAILED', 'an emergency listing needs breakGlassReason');
  }
  if (ctx.principal.kind === 'patient' || request !== undefined) {
    throw new AppError(
      'VALIDATION_FAILED',
      `an emergency listing is a doctor's, without ${PATIENT_PROOF_HEADER}`,
    );
  }
  return { reason: query.breakGlassReason };
}

/** `GET /v1/patients/{did}/records`: record discovery (docs/patients.md). */
function patientRecordsRoute(): RouteDef {
  return route({
    method: 'get',
    path: '/v1/patients/{did}/records',
    operationId: 'listPatientRecords',
    summary:
      "A patient's records (metadata only) at every custodian, read on the regulator's peer after an audited listing decision: the patient (signed request in Medledger-Patient-Proof) sees all of them; a clinician those their custodianship or their org's treatment consents cover; a hospital doctor in an emergency (`purpose=emergency`) those the patient's signed emergency profile opens on one doctor's word",
    tag: 'patient',
    principals: ['staff', 'patient'],
    patientSelf: 'did',
    params: patientParam,
    query: recordsQuery,
    headers: [listRequestHeader],
    problems: {
      '401': `Missing or invalid token (${GatewayErrorCode.UNAUTHENTICATED}); ${GatewayErrorCode.PATIENT_PROOF_REQUIRED}: a patient sent no signed request`,
      '403':
        'The token is another patient; ACCESS_NOT_GRANTED: the listing was denied (and audited; an emergency listing of a patient without a signed emergency profile: NO_EMERGENCY_PROFILE, of a nurse: ROLE_NOT_PERMITTED); INVALID_SIGNATURE, REPLAYED_NONCE, EXPIRED: the signed request; FORBIDDEN: the regulator, or a request for another org',
    },
    response: listPatientRecordsOutput.extend({ txId: txIdSchema }),
    handler: (ctx, { params, query }) => {
      const request = signedRequest(ctx);
      return records.listPatientRecords(ctx, params.did, request, emergencyOf(ctx, query, request));
    },
  });
}

const summaryRequestHeader: HeaderParam = {
  name: PATIENT_PROOF_HEADER,
  required: false,
  description:
    "A patient (required): compact JWS (ES256) signed with the current key of the patient's DID document, payload { typ: 'medledger.summary.read', patientDid: <the path DID>, aud: <this gateway's org MSP ID>, nonce: <16-128 base64url characters, consumed on chain by the listing and once at each custodian>, iat, exp } in seconds since the epoch, exp - iat <= 300. A clinician sends none",
  pattern: proofHeader.pattern,
};

/** `GET /v1/patients/{did}/summary`: the health summary (docs/patients.md). */
function patientSummaryRoute(): RouteDef {
  return route({
    method: 'get',
    path: '/v1/patients/{did}/summary',
    operationId: 'patientSummary',
    summary:
      "A patient's health summary across custodians as a FHIR R4 document Bundle in the International Patient Summary shape (allergies, medication, problems, results): every record the caller may read, each read an audited access, each entry with its custodian, version, on-chain hash and salt (extension urn:medledger:record-anchor) to verify it. The patient with a signed request in Medledger-Patient-Proof; a clinician by custodianship or their org's treatment consents",
    tag: 'patient',
    principals: ['staff', 'patient'],
    patientSelf: 'did',
    params: patientParam,
    headers: [summaryRequestHeader],
    problems: {
      '401': `Missing or invalid token (${GatewayErrorCode.UNAUTHENTICATED}); ${GatewayErrorCode.PATIENT_PROOF_REQUIRED}: a patient sent no signed request`,
      '403':
        'The token is another patient; ACCESS_NOT_GRANTED: the listing was denied (and audited); INVALID_SIGNATURE, EXPIRED: the signed request; FORBIDDEN: the regulator, or a request for another org',
      '409': 'REPLAYED_NONCE: the signed request was relayed before',
    },
    response: summaryBundleSchema,
    contentType: 'application/fhir+json',
    handler: (ctx, { params }) => {
      return patientSummary(ctx, params.did, signedRequest(ctx));
    },
  });
}

/** Consent templates: the list, and one expanded into the payload the patient signs (docs/consent-templates.md). */
function templateRoutes(): RouteDef[] {
  return [
    route({
      method: 'get',
      path: '/v1/consent-templates',
      operationId: 'listConsentTemplates',
      summary:
        'The consent templates a patient app offers for a grant in one step: treatment at a hospital for 30 days, a study until the end of the year (diabetes data unless other categories are given), the emergency profile',
      tag: 'patient',
      principals: ['staff', 'patient'],
      response: z.object({ items: z.array(templateSchema) }),
      handler: () => Promise.resolve(consentTemplates.listTemplates()),
    }),
    route({
      method: 'post',
      path: '/v1/patients/{did}/consent-payloads',
      operationId: 'expandConsentTemplate',
      summary:
        "A template expanded for this patient into the exact payload the patient signs (fresh nonce, valid 10 minutes): sign it with the patient's key and relay it where `relayTo` says, verified on chain as any signed grant or preference. Writes nothing",
      tag: 'patient',
      principals: ['staff', 'patient'],
      patientSelf: 'did',
      params: patientParam,
      body: consentTemplates.expandBody,
      response: consentTemplates.expandedSchema,
      status: 200,
      handler: (_ctx, { params, body }) => Promise.resolve(consentTemplates.expand(params.did, body)),
    }),
  ];
}

const templateSchema = z.object({
  templateId: z.string(),
  title: z.string(),
  description: z.string(),
  typ: z.string(),
  relayTo: z.string(),
});

/** `POST /v1/consents/{id}/deletion-attestations`: the grantee's attestation (docs/use-limited-consents.md). */
function deletionAttestationRoute(): RouteDef {
  return route({
    method: 'post',
    path: '/v1/consents/{id}/deletion-attestations',
    operationId: 'attestDeletion',
    summary:
      "The grantee org attests that every copy it made under a consent (content it read, datasets it exported) is deleted: on chain, write-once, `late` after the consent's keep-until date; a consent read under and not attested by then is overdue in the compliance report and an alert",
    tag: 'patient',
    params: idParam(txIdSchema),
    body: z.strictObject({}),
    response: tx({ attestation: deletionAttestationSchema }),
    problems: {
      '403': 'FORBIDDEN: the caller is not a member of the consent grantee org; NOT_REGISTERED, INACTIVE',
      '404': 'NOT_FOUND: no such consent',
      '409': 'CONFLICT: the consent has an attestation already',
    },
    handler: (ctx, { params }) => consents.attestDeletion(ctx, params.id),
  });
}

/** `GET /v1/patients/{did}/preferences`: the emergency profile read back, the patient's own (docs/emergency-profile.md). */
function preferencesReadRoute(): RouteDef {
  return route({
    method: 'get',
    path: '/v1/patients/{did}/preferences',
    operationId: 'getPatientPreferences',
    summary:
      "The patient's own emergency profile as break-glass reads it now: the profile they signed, the profile an older yes/no stands for, or the default when they signed nothing (`signed` says which), with the transaction that set it; patient token plus a proof signed with the patient key (staff learn what it opens only through audited emergency listings and break-glass decisions)",
    tag: 'patient',
    principals: ['patient'],
    patientSelf: 'did',
    params: patientParam,
    headers: [proofHeader],
    problems: { ...accessLogProblems, '404': 'NOT_FOUND: no such patient' },
    response: patientPreferencesReadSchema,
    handler: (ctx, { params }) => consents.readPreferences(ctx, params.did, ctx.header(PATIENT_PROOF_HEADER)),
  });
}

/** `GET /v1/deletion-attestations/owed`: what the caller's org still owes (docs/use-limited-consents.md). */
function owedAttestationsRoute(): RouteDef {
  return route({
    method: 'get',
    path: '/v1/deletion-attestations/owed',
    operationId: 'listOwedDeletionAttestations',
    summary:
      "The deletion attestations this gateway's org still owes: consents granted to it with a keep-until date, not attested, that its own staff read under (content reads, dataset records), each with its due date, whether it is overdue and how many reads it covers, oldest deadline first. Always the caller's own org; which consent each read used is asked of the regulator's peer, which answers for the caller's org's own reads only",
    tag: 'patient',
    response: owedAttestationsSchema,
    problems: {
      '403':
        "FORBIDDEN: the regulator's staff (no consent is granted to the regulator); NOT_REGISTERED, INACTIVE",
    },
    handler: (ctx) => owedAttestations(ctx),
  });
}

/** The patient routes; `limits` bound their pages. */
export function patientRoutes(limits: RouteLimits): RouteDef[] {
  return [
    patientRecordsRoute(),
    patientSummaryRoute(),
    ...templateRoutes(),
    route({
      method: 'post',
      path: '/v1/consents',
      operationId: 'grantConsent',
      summary:
        "Relay a consent grant signed by the patient (compact JWS, ES256): kept in the grantee org's sealed collection, endorsed by the grantee org and the regulator; the answer is the consent's public state",
      tag: 'patient',
      principals: ['staff', 'patient'],
      body: jwsBody,
      response: tx({ consent: consentStateSchema }),
      handler: (ctx, { body }) => consents.grantConsent(ctx, body.jws),
    }),
    route({
      method: 'post',
      path: '/v1/consents/{id}/revoke',
      operationId: 'revokeConsent',
      summary:
        'Relay a consent revocation signed by the patient, with the signed grant it revokes (`grantJws`, kept by the patient)',
      tag: 'patient',
      principals: ['staff', 'patient'],
      params: idParam(txIdSchema),
      body: z.strictObject({ jws: compactJwsSchema, grantJws: compactJwsSchema }),
      response: tx({ consent: consentStateSchema }),
      status: 200,
      handler: (ctx, { params, body }) => consents.revokeConsent(ctx, params.id, body),
    }),
    deletionAttestationRoute(),
    owedAttestationsRoute(),
    route({
      method: 'put',
      path: '/v1/patients/{did}/preferences',
      operationId: 'setPatientPreferences',
      summary:
        "Relay standing preferences signed by the patient: the emergency profile (the categories break-glass opens, and whether a second attending's co-signature may open more); a yes/no signed by an older app is stored as the profile it stands for",
      tag: 'patient',
      principals: ['staff', 'patient'],
      patientSelf: 'did',
      params: patientParam,
      body: jwsBody,
      response: tx({ preferences: patientPreferencesSchema }),
      status: 200,
      handler: (ctx, { body }) => consents.setPreferences(ctx, body.jws),
    }),
    preferencesReadRoute(),
    route({
      method: 'get',
      path: '/v1/patients/{did}/consents',
      operationId: 'listPatientConsents',
      summary:
        "Consents of a patient held by this gateway's org (granted to it, its staff or studies; at the regulator's gateway, every org's for its auditors), in id order",
      tag: 'patient',
      principals: ['staff', 'patient'],
      patientSelf: 'did',
      params: patientParam,
      query: z.strictObject(ledgerPage(limits)),
      response: consentPageSchema,
      handler: (ctx, { params, query }) => consents.listPatientConsents(ctx, params.did, query),
    }),
    route({
      method: 'get',
      path: '/v1/patients/{did}/access-log',
      operationId: 'patientAccessLog',
      summary:
        "The patient own accounting of disclosures (who, which org, when, purpose, consent or break-glass), newest first, from the audit projection: at a hospital's gateway the accesses to records that hospital holds, at the regulator's every access; patient token plus a proof signed with the patient key",
      tag: 'patient',
      principals: ['patient'],
      patientSelf: 'did',
      params: patientParam,
      query: z.strictObject(projectionPage(limits)),
      headers: [proofHeader],
      problems: accessLogProblems,
      // The patient's erasure requests this org holds, with their deadlines: one left unanswered shows overdue.
      response: accessLogPageSchema.extend({ erasureRequests: z.array(erasureRequestStateSchema) }),
      handler: async (ctx, { params, query }) => {
        const page = await auditProjection.accessLog(
          ctx,
          params.did,
          ctx.header(PATIENT_PROOF_HEADER),
          query.cursor,
          query.limit,
        );
        return { ...page, erasureRequests: await patientErasureRequests(ctx, params.did) };
      },
    }),
  ];
}
