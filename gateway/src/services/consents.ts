/**
 * Consents: relaying patient-signed payloads (the gateway never holds a patient key) and queries. The
 * signed payloads name the patient, so they travel in the transient map, to the endorsing peers only:
 * a grant to the grantee org's and the regulator's, a revocation or preferences to this gateway's
 * org's and the regulator's.
 */
import {
  decodeCompactJws,
  granteeOrgOf,
  granteeSchema,
  type ConsentState,
  type TransactionOutput,
} from '@medledger/domain';

import type { NonceCache } from '../auth/patient-proof';
import type { Principal } from '../auth/tokens';
import { AppError, GatewayErrorCode } from '../errors';
import { requirePatientReader } from './audit-projection';
import { submitAnswer, type ServiceContext } from './context';

function invalidJws(message: string): AppError {
  return new AppError(GatewayErrorCode.VALIDATION_FAILED, 'the signed payload cannot be relayed', {
    issues: [{ path: '/body/jws', message }],
  });
}

/**
 * Reads a field of a JWS payload without verifying it (the chaincode verifies); used only to route
 * and to check that a path id matches what the patient signed.
 */
export function unverifiedPayloadField(jws: string, field: string): unknown {
  try {
    const payload = decodeCompactJws(jws).payload;
    if (payload !== null && typeof payload === 'object' && Object.hasOwn(payload, field)) {
      return (payload as Record<string, unknown>)[field];
    }
    return undefined;
  } catch {
    throw invalidJws('not a valid compact JWS (ES256 or SM2SM3)');
  }
}

/**
 * The org a signed grant names as grantee (a study's org from the ledger): its peer and the
 * regulator's endorse the grant, and its sealed collection keeps it.
 */
async function granteeOrgOfGrant(ctx: ServiceContext, jws: string): Promise<string> {
  const grantee = granteeSchema.safeParse(unverifiedPayloadField(jws, 'grantee'));
  if (!grantee.success) throw invalidJws('the grant names no valid grantee');
  const studyOrg =
    grantee.data.kind === 'study'
      ? (await ctx.ledger.evaluate(ctx.caller, 'GetStudy', { studyId: grantee.data.studyId })).org
      : undefined;
  const named = studyOrg ?? (grantee.data.kind === 'org' ? grantee.data.mspId : undefined);
  const org = granteeOrgOf(grantee.data, await ctx.ledger.orgs(ctx.caller, named), studyOrg);
  if (org === undefined) throw invalidJws('the grantee is not of the consortium');
  return org;
}

export async function grantConsent(
  ctx: ServiceContext,
  jws: string,
): Promise<{ txId: string; consent: ConsentState }> {
  const granteeOrg = await granteeOrgOfGrant(ctx, jws);
  return submitAnswer(ctx, 'GrantConsent', {}, 'consent', {
    granteeOrg,
    transient: { consent: { jws } },
  });
}

/**
 * Relays a revocation with the signed grant it revokes (the patient keeps both): with the grant at
 * hand the relaying org and the regulator check that the same patient signed both, so no grantee can
 * hold a revocation back.
 */
export async function revokeConsent(
  ctx: ServiceContext,
  consentId: string,
  signed: { jws: string; grantJws: string },
): Promise<{ txId: string; consent: ConsentState }> {
  if (unverifiedPayloadField(signed.jws, 'consentId') !== consentId) {
    throw new AppError(GatewayErrorCode.VALIDATION_FAILED, 'the signed revocation names another consent', {
      issues: [{ path: '/body/jws', message: 'consentId differs from the path' }],
    });
  }
  return submitAnswer(ctx, 'RevokeConsent', {}, 'consent', { transient: { revocation: signed } });
}

/**
 * Attests, for the caller's org, that every copy made under a consent was deleted (write-once, endorsed
 * by the caller's org and the regulator; the chaincode refuses an org that is not the grantee).
 */
export function attestDeletion(
  ctx: ServiceContext,
  consentId: string,
): Promise<{ txId: string; attestation: TransactionOutput<'AttestDeletion'> }> {
  return submitAnswer(ctx, 'AttestDeletion', { consentId }, 'attestation');
}

export function setPreferences(
  ctx: ServiceContext,
  jws: string,
): Promise<{ txId: string; preferences: TransactionOutput<'SetPatientPreferences'> }> {
  return submitAnswer(ctx, 'SetPatientPreferences', {}, 'preferences', {
    transient: { preferences: { jws } },
  });
}

/**
 * The patient's own emergency profile as break-glass reads it now, read back on this org's peer (it is
 * public state under the patient key). The patient only, with a fresh proof of their key: a doctor
 * learns what the profile opens through the audited emergency listing and break-glass decisions, never
 * by an unaudited read of which categories a patient guards.
 */
export async function readPreferences(
  ctx: ServiceContext & { readonly principal: Principal; readonly patientProofNonces: NonceCache },
  patientDid: string,
  proof: string | undefined,
): Promise<TransactionOutput<'GetPatientPreferences'>> {
  await requirePatientReader(ctx, patientDid, proof, 'an emergency profile');
  return ctx.ledger.evaluate(ctx.caller, 'GetPatientPreferences', { patientDid });
}

/**
 * A patient's consents as this gateway's org holds them (granted to it, its staff or its studies; at
 * the regulator's gateway, for its auditors, every org's), read on the org's own peer.
 */
export function listPatientConsents(
  ctx: ServiceContext,
  patientDid: string,
  page: { pageSize?: number | undefined; bookmark?: string | undefined },
): Promise<TransactionOutput<'ListPatientConsents'>> {
  return ctx.ledger.evaluate(ctx.caller, 'ListPatientConsents', { patientDid, ...definedOnly(page) });
}

/** Drops undefined members (the domain schemas are strict and apply their own defaults). */
export function definedOnly<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
