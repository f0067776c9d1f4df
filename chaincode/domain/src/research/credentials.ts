/**
 * Anchors of selective-disclosure credentials (SD-JWT) issued from records: the custodian anchors the
 * SHA-256 of the issuer-signed JWT with the public key it signed with, so a verifier checks a
 * presentation against the custodian's key and the ledger without seeing any undisclosed field
 * (docs/research.md, "Selective disclosure on the ledger").
 */
import { z } from 'zod';
import { mspIdSchema, recordIdSchema, sha256HexSchema, txIdSchema } from '../ids';
import { es256PublicJwkSchema } from '../jws';
import { isoTimeSchema } from '../schemas/common';
import { versionSchema } from '../schemas/record';

/** AnchorCredential input: the record version, the credential's hash and the issuer's public key. */
export const anchorCredentialInput = z.strictObject({
  recordId: recordIdSchema,
  version: versionSchema,
  /** SHA-256 (hex) of the issuer-signed JWT: it covers every disclosure's digest. */
  sdJwtHash: sha256HexSchema,
  issuerJwk: es256PublicJwkSchema,
});

/** zod: a credential's anchor as the ledger keeps it (bound to the custodian). */
export const credentialAnchorSchema = z.object({
  custodian: mspIdSchema,
  recordId: recordIdSchema,
  version: versionSchema,
  sdJwtHash: sha256HexSchema,
  issuerJwk: es256PublicJwkSchema,
  anchoredBy: z.string(),
  anchoredAt: isoTimeSchema,
  txId: txIdSchema,
});
/** A credential's anchor. */
export type CredentialAnchor = z.infer<typeof credentialAnchorSchema>;

/** GetCredentialAnchor input: the custodian and the credential's hash. */
export const getCredentialAnchorInput = z.strictObject({
  custodian: mspIdSchema,
  sdJwtHash: sha256HexSchema,
});
