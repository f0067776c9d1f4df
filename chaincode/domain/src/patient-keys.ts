import { jwkThumbprint, signPatientPayload, type P256PrivateJwk, type P256PublicJwk } from './jws';
import { firstPatientKeyId, keyRecoveryBody, recoveryKeyId, registrationBody } from './signed-payload';

/** A P-256 key pair as JWKs. */
export interface PatientKeyPair {
  readonly publicJwk: P256PublicJwk;
  readonly privateJwk: P256PrivateJwk;
}

/** The clock of the caller (a patient app, a test), passed in: the chaincode loads this module too. */
export interface SigningClock {
  readonly nowMs: number;
  readonly ttlSeconds?: number;
}

/**
 * What a patient's app hands a hospital of `org` to register the patient (the body of
 * `POST /v1/patients`, the transient `patient` of `RegisterPatient`): the DID, the public key, and the proof of
 * possession signed by that key (`kid` `<did>#key-1`) naming `org` and the RFC 7638 thumbprint of the
 * recovery key, which the app keeps offline and never sends. Client side only (draws a nonce).
 */
export function signPatientRegistration(
  patientDid: string,
  key: PatientKeyPair,
  recoveryPublicJwk: P256PublicJwk,
  org: string,
  clock: SigningClock,
): { patientDid: string; publicKeyJwk: P256PublicJwk; proof: string } {
  const proof = signPatientPayload(
    registrationBody(org, jwkThumbprint(recoveryPublicJwk)),
    { patientDid, privateJwk: key.privateJwk, kid: firstPatientKeyId(patientDid) },
    clock,
  );
  return { patientDid, publicKeyJwk: key.publicJwk, proof };
}

/**
 * The compact JWS a patient signs with the recovery key (`kid` `<did>#recovery`) when the current key
 * is lost (the transient `recovery` of `RecoverPatientKey`): it reveals the recovery public key, names the new key,
 * and names the next recovery key by its thumbprint (a revealed recovery key is spent). Client side
 * only (draws a nonce).
 */
export function signKeyRecovery(
  patientDid: string,
  recovery: PatientKeyPair,
  newPublicJwk: P256PublicJwk,
  nextRecoveryPublicJwk: P256PublicJwk,
  clock: SigningClock,
): string {
  return signPatientPayload(
    keyRecoveryBody(recovery.publicJwk, newPublicJwk, jwkThumbprint(nextRecoveryPublicJwk)),
    { patientDid, privateJwk: recovery.privateJwk, kid: recoveryKeyId(patientDid) },
    clock,
  );
}
