/** Consents: relaying patient-signed payloads (the gateway never holds a patient key) and queries. */
import { decodeCompactJws, type Consent, type TransactionOutput } from '@medledger/domain';

import { AppError, GatewayErrorCode } from '../errors';
import { submitAnswer, type ServiceContext } from './context';

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
    throw new AppError(GatewayErrorCode.VALIDATION_FAILED, 'the signed payload is not a valid compact JWS', {
      issues: [{ path: '/body/jws', message: 'not a valid ES256 compact JWS' }],
    });
  }
}

export function grantConsent(ctx: ServiceContext, jws: string): Promise<{ txId: string; consent: Consent }> {
  return submitAnswer(ctx, 'GrantConsent', { jws }, 'consent');
}

export async function revokeConsent(
  ctx: ServiceContext,
  consentId: string,
  jws: string,
): Promise<{ txId: string; consent: Consent }> {
  if (unverifiedPayloadField(jws, 'consentId') !== consentId) {
    throw new AppError(GatewayErrorCode.VALIDATION_FAILED, 'the signed revocation names another consent', {
      issues: [{ path: '/body/jws', message: 'consentId differs from the path' }],
    });
  }
  return submitAnswer(ctx, 'RevokeConsent', { jws }, 'consent');
}

export function setPreferences(
  ctx: ServiceContext,
  jws: string,
): Promise<{ txId: string; preferences: TransactionOutput<'SetPatientPreferences'> }> {
  return submitAnswer(ctx, 'SetPatientPreferences', { jws }, 'preferences');
}

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
