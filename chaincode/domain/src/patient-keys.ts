import { jwkThumbprint, signPatientPayload, type PatientPrivateJwk, type PatientPublicJwk } from './jws';
import { firstPatientKeyId, keyRecoveryBody, recoveryKeyId, registrationBody } from './signed-payload';

/** A P-256 key pair as JWKs. */
export interface PatientKeyPair {
  readonly publicJwk: PatientPublicJwk;
  readonly privateJwk: PatientPrivateJwk;
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
  recoveryPublicJwk: PatientPublicJwk,
  org: string,
  clock: SigningClock,
): { patientDid: string; publicKeyJwk: PatientPublicJwk; proof: string } {
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
  newPublicJwk: PatientPublicJwk,
  nextRecoveryPublicJwk: PatientPublicJwk,
  clock: SigningClock,
): string {
  return signPatientPayload(
    keyRecoveryBody(recovery.publicJwk, newPublicJwk, jwkThumbprint(nextRecoveryPublicJwk)),
    { patientDid, privateJwk: recovery.privateJwk, kid: recoveryKeyId(patientDid) },
    clock,
  );
}
