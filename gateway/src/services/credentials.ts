/**
 * Selective disclosure on the ledger: a custodian issues a record version as an SD-JWT and anchors
 * its hash with the key it signed with; a verifier reads that anchor and checks a holder's
 * presentation against it on its own side (`verifyPresentationWithAnchor`), so no gateway ever sees
 * the presentation (docs/research.md, "Selective disclosure on the ledger").
 */
import {
  ErrorCode,
  type CredentialAnchor,
  type Es256PublicJwk,
  type TransactionOutput,
} from '@medledger/domain';

import type { CredentialIssuerKey } from '../credential-issuer';
import { AppError } from '../errors';
import { submitAnswer, type ServiceContext } from './context';
import { verifyRecord } from './records';
import { issueRecordSdJwt } from './selective-disclosure';

/**
 * Issues a version of one of the caller's hospital's records as an SD-JWT bound to the holder's key,
 * signed with the gateway's issuer key (`issuer`), and anchors it with that key's public half. The content is first checked against the record's anchored hash (with its salt), so
 * a credential only ever carries what the ledger anchored. The answer holds the record's content (in
 * the disclosures): it goes to the holder only.
 */
export async function issueCredential(
  ctx: ServiceContext,
  issuer: CredentialIssuerKey,
  recordId: string,
  body: { version: number; resource: Record<string, unknown>; salt: string; holderJwk: Es256PublicJwk },
): Promise<{ txId: string; sdJwt: string; credential: CredentialAnchor }> {
  const check = await verifyRecord(ctx, recordId, {
    version: body.version,
    resource: body.resource,
    salt: body.salt,
  });
  if (!check.matches) throw new AppError(ErrorCode.CONTENT_MISMATCH, recordId);
  let issued: { sdJwt: string; anchorHash: string };
  try {
    issued = await issueRecordSdJwt({
      record: { custodian: ctx.mspId, recordId, version: body.version },
      claims: body.resource,
      issuer: {
        id: ctx.mspId,
        kid: `${ctx.mspId}#sd-jwt-${issuer.thumbprint}`,
        privateKey: issuer.privateKey,
      },
      holderJwk: body.holderJwk,
      issuedAt: Math.floor(Date.now() / 1000),
    });
  } catch (e) {
    // A resource whose top-level field is a name the credential keeps for itself (`custodian`, ...).
    if (e instanceof RangeError) throw new AppError(ErrorCode.VALIDATION_FAILED, 'resource');
    throw e;
  }
  const { txId, credential } = await submitAnswer(
    ctx,
    'AnchorCredential',
    { recordId, version: body.version, sdJwtHash: issued.anchorHash, issuerJwk: issuer.publicJwk },
    'credential',
  );
  return { txId, sdJwt: issued.sdJwt, credential };
}

/** A credential's anchor: what a verifier checks a presentation against. */
export function getCredentialAnchor(
  ctx: ServiceContext,
  custodian: string,
  sdJwtHash: string,
): Promise<TransactionOutput<'GetCredentialAnchor'>> {
  return ctx.ledger.evaluate(ctx.caller, 'GetCredentialAnchor', { custodian, sdJwtHash });
}
