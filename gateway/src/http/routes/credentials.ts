/** Routes of selective disclosure: a custodian issues a record as an SD-JWT; a verifier reads its anchor. */
import {
  credentialAnchorSchema,
  mspIdSchema,
  es256PublicJwkSchema,
  recordIdSchema,
  sha256HexSchema,
  versionSchema,
} from '@medledger/domain';
import { z } from 'zod';

import type { CredentialIssuerKey } from '../../credential-issuer';
import * as credentials from '../../services/credentials';
import { route, type RouteDef } from './route';
import { idParam, tx } from './shared';

const issueBody = z.strictObject({
  version: versionSchema,
  resource: z.record(z.string(), z.unknown()),
  salt: z.string().min(1).max(256),
  holderJwk: es256PublicJwkSchema,
});

/** The routes of selective disclosure; credentials are signed with `issuer`. */
export function credentialRoutes(issuer: CredentialIssuerKey): RouteDef[] {
  return [
    route({
      method: 'post',
      path: '/v1/records/{id}/credentials',
      operationId: 'issueRecordCredential',
      summary:
        "The custodian issues a version of its record as an SD-JWT bound to the holder's key: the content (with its salt) is checked against the anchored hash, every claim is disclosable, and the credential's hash is anchored with the key it was signed with; the answer (every disclosure) goes to the holder",
      tag: 'hospital',
      params: idParam(recordIdSchema),
      body: issueBody,
      response: tx({ sdJwt: z.string(), credential: credentialAnchorSchema }),
      answerHoldsContent: true,
      handler: (ctx, { params, body }) => credentials.issueCredential(ctx, issuer, params.id, body),
    }),
    route({
      method: 'get',
      path: '/v1/credentials/{custodian}/{sdJwtHash}',
      operationId: 'getCredentialAnchor',
      summary:
        "A credential's anchor (record version, hash, the custodian's signing key): what a verifier checks a holder's presentation against on its own side, so no gateway sees the presentation",
      tag: 'researcher',
      params: z.strictObject({ custodian: mspIdSchema, sdJwtHash: sha256HexSchema }),
      response: credentialAnchorSchema,
      handler: (ctx, { params }) => credentials.getCredentialAnchor(ctx, params.custodian, params.sdJwtHash),
    }),
  ];
}
