/**
 * The gateway's authentication, as other packages use it (`@medledger/gateway/auth`): bearer tokens
 * (minted by the local network's stand-in identity provider, verified by the gateway), each org's
 * token signing key and its JWKS, and the patient's proof of key possession for the access log.
 * Light to load: no HTTP server or Fabric client behind it.
 */
export {
  ensureEs256PrivateKey,
  ensureOrgSigningKey,
  jwksOf,
  jwkThumbprint,
  type OrgSigningKey,
} from './signing-key';
export {
  createTokenVerifier,
  mintToken,
  type MintOptions,
  type Principal,
  type TokenVerifier,
  type VerifierOptions,
} from './tokens';
export { PATIENT_PROOF_HEADER, signPatientProof } from './patient-proof';
