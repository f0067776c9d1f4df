/**
 * The key a gateway signs SD-JWT credentials with (`POST /v1/records/{id}/credentials`).
 *
 * Rules:
 * - It is a P-256 key in a PKCS#8 PEM file beside the gateway's other keys (wallet, cursor and token
 *   keys: `<MEDLEDGER_HOME>/gateways/<org>/`, folder 0700, file 0600), written once by the network
 *   and named by `credentials.issuerKeyPath`. It is not in the org's keyring of key-encryption keys:
 *   that file belongs to the chaincode server alone, and a gateway never holds a key that opens
 *   content at rest.
 * - Verifiers never read this file: each credential's anchor holds the public key it was signed with
 *   (`AnchorCredential`), so replacing the file (a rotation) leaves earlier credentials verifiable.
 * - A named file that is missing or holds another kind of key stops the gateway at start; with no
 *   file named, a key is drawn at start and each restart signs with a new one.
 */
import { createPublicKey, generateKeyPairSync, createPrivateKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';

import { es256PublicJwkSchema, jwkThumbprint, type Es256PublicJwk } from '@medledger/domain';

import type { GatewayConfig } from './config';
import { ConfigError } from './config';

/** The issuer key and what a credential names it by. */
export interface CredentialIssuerKey {
  readonly privateKey: KeyObject;
  /** The public half, anchored with every credential it signs. */
  readonly publicJwk: Es256PublicJwk;
  /** RFC 7638 thumbprint of the public half (the credential's `kid` ends with it). */
  readonly thumbprint: string;
  /** Kept in a file (survives a restart), or drawn at start. */
  readonly source: 'file' | 'drawn';
}

function issuerKeyOf(privateKey: KeyObject, source: CredentialIssuerKey['source']): CredentialIssuerKey {
  const parsed = es256PublicJwkSchema.safeParse(createPublicKey(privateKey).export({ format: 'jwk' }));
  if (!parsed.success) throw new ConfigError('credentials.issuerKeyPath must hold a P-256 private key');
  return { privateKey, publicJwk: parsed.data, thumbprint: jwkThumbprint(parsed.data), source };
}

/** Reads the issuer key from its PKCS#8 PEM file. Throws ConfigError (naming no key material). */
export function loadCredentialIssuerKey(path: string): CredentialIssuerKey {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(readFileSync(path));
  } catch {
    throw new ConfigError('credentials.issuerKeyPath must name a readable PKCS#8 PEM private key file');
  }
  return issuerKeyOf(privateKey, 'file');
}

/** The configured issuer key, or one drawn now when the configuration names no file. */
export function credentialIssuerKeyOf(
  config: Readonly<Pick<GatewayConfig, 'credentials'>>,
): CredentialIssuerKey {
  const path = config.credentials.issuerKeyPath;
  if (path !== undefined) return loadCredentialIssuerKey(path);
  return issuerKeyOf(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey, 'drawn');
}
