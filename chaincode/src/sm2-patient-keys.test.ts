import assert from 'node:assert/strict';
import { createPrivateKey, randomBytes, sign as nodeSign } from 'node:crypto';
import { describe, it } from 'node:test';
import { sm2 } from '@medledger/crypto';
import {
  base64urlOfBytes,
  decodeCompactJws,
  generatePatientKey,
  jwsSigningInput,
  patientPayload,
  type DidDocument,
  type PatientPrivateJwk,
  type PatientRecord,
} from '@medledger/domain';
import {
  client,
  Harness,
  newPatient,
  patientJws,
  registerPatient,
  registerStaff,
  registrationInput,
  type TestPatient,
} from './testing/harness';
import type { FakeSigner } from './testing/fake-identity';
import { consentGrantBody, relayConsentGrant, rotatePatientKey } from './testing/fixtures';

/** A ledger of the `sm` profile, a patient with SM2 keys registered through it, and a relaying nurse. */
async function smLedger(): Promise<{ h: Harness; patient: TestPatient; relay: FakeSigner }> {
  const h = new Harness(undefined, { cryptoProfile: 'sm' });
  const patient = await registerPatient(h, 'Hospital1MSP', 'SM2SM3');
  const relay = await registerStaff(h, 'Hospital1MSP', 'nurse');
  return { h, patient, relay };
}

const grantBody = (h: Harness) => consentGrantBody(h);
const grant = relayConsentGrant;

/**
 * A compact JWS over `body` with the header `alg` chosen by the caller and the signature `signer`
 * makes over the signing input: the forger's tool, for headers no honest signer writes.
 */
function forgedJws(
  h: Harness,
  patient: TestPatient,
  alg: string,
  body: Record<string, unknown>,
  signer: (signingInput: Buffer) => Buffer,
): string {
  const payload = patientPayload(body, patient.did, {
    nowMs: h.ledger.now.getTime(),
    nonce: randomBytes(18).toString('base64url'),
  });
  // The header type admits the two real algorithms only; a forger writes any string.
  const header = { alg, kid: `${patient.did}#key-${String(patient.keyNumber)}` } as unknown as Parameters<
    typeof jwsSigningInput
  >[0];
  const signingInput = jwsSigningInput(header, payload);
  return `${signingInput}.${base64urlOfBytes(signer(Buffer.from(signingInput)))}`;
}

const sm2Signer =
  (key: PatientPrivateJwk, id?: string) =>
  (data: Buffer): Buffer => {
    const d = Buffer.from(key.d, 'base64url');
    return sm2.sign(d, sm2.publicKeyOf(d), data, id);
  };

const es256Signer =
  (key: PatientPrivateJwk) =>
  (data: Buffer): Buffer =>
    nodeSign('sha256', data, {
      key: createPrivateKey({ key: { ...key }, format: 'jwk' }),
      dsaEncoding: 'ieee-p1363',
    });

void describe('SM2 patient signatures (SM2SM3 beside ES256)', () => {
  void it('when a patient registers an SM2 key on an sm ledger and signs a grant with it, then the DID document holds the EC/SM2 key and the grant is recorded', async () => {
    const { h, patient, relay } = await smLedger();
    const doc = await h.evaluate<DidDocument>(client('Hospital2MSP', 'reader'), 'identity:ResolveDid', {
      did: patient.did,
    });
    const method = doc.verificationMethod.at(0);
    assert.deepEqual(method?.publicKeyJwk, patient.publicJwk);
    assert.equal(method.publicKeyJwk.crv, 'SM2');
    assert.equal(method.type, 'JsonWebKey2020');
    const jws = patientJws(h, patient, grantBody(h));
    assert.equal(decodeCompactJws(jws).header.alg, 'SM2SM3');
    const { result } = await grant(h, relay, jws);
    assert.equal(result.status, 'active');
  });

  void it('when an SM2 signature hashes another user id than the GM/T 0009 default, then INVALID_SIGNATURE and nothing is written', async () => {
    const { h, patient, relay } = await smLedger();
    const before = h.ledger.committedKeys().length;
    const jws = forgedJws(
      h,
      patient,
      'SM2SM3',
      grantBody(h),
      sm2Signer(patient.privateJwk, 'ALICE123@YAHOO.COM'),
    );
    await assert.rejects(grant(h, relay, jws), /\[INVALID_SIGNATURE\] patient$/);
    assert.equal(h.ledger.committedKeys().length, before);
    // The same forger's tool with the default id is accepted: only the id made the difference.
    const honest = forgedJws(h, patient, 'SM2SM3', grantBody(h), sm2Signer(patient.privateJwk));
    assert.equal((await grant(h, relay, honest)).result.status, 'active');
  });

  void it('when a JWS claims SM2SM3 against a P-256 key, or ES256 against an SM2 key, then INVALID_SIGNATURE', async () => {
    const h = new Harness(undefined, { cryptoProfile: 'sm' });
    const relay = await registerStaff(h, 'Hospital1MSP', 'nurse');
    const p256 = await registerPatient(h, 'Hospital1MSP', 'ES256');
    const onSm2 = await registerPatient(h, 'Hospital1MSP', 'SM2SM3');
    // Signed correctly by each key's own algorithm, relabelled with the other one.
    const relabelled = [
      forgedJws(h, p256, 'SM2SM3', grantBody(h), es256Signer(p256.privateJwk)),
      forgedJws(h, onSm2, 'ES256', grantBody(h), sm2Signer(onSm2.privateJwk)),
      // The P-256 key's d used as an SM2 scalar: a valid SM2 signature, but not by the registered key.
      forgedJws(h, p256, 'SM2SM3', grantBody(h), sm2Signer(p256.privateJwk)),
    ];
    for (const jws of relabelled)
      await assert.rejects(grant(h, relay, jws), /\[INVALID_SIGNATURE\] patient$/);
    assert.equal((await grant(h, relay, patientJws(h, p256, grantBody(h)))).result.status, 'active');
  });

  void it('when a JWS names an algorithm that is neither (none, ES256K, SM2), then INVALID_SIGNATURE malformed', async () => {
    const { h, patient, relay } = await smLedger();
    for (const alg of ['none', 'ES256K', 'SM2', 'sm2sm3']) {
      const jws = forgedJws(h, patient, alg, grantBody(h), sm2Signer(patient.privateJwk));
      await assert.rejects(grant(h, relay, jws), /\[INVALID_SIGNATURE\] malformed/);
    }
  });

  void it('when an international ledger is asked to register an SM2 key or rotate to one, then VALIDATION_FAILED and nothing is written; an SM2-signed payload is refused', async () => {
    const h = new Harness(undefined, { cryptoProfile: 'international' });
    const nurse = await registerStaff(h, 'Hospital1MSP', 'nurse');
    const before = h.ledger.committedKeys().length;
    await assert.rejects(
      h.submit(
        nurse,
        'identity:RegisterPatient',
        {},
        {
          transient: { patient: registrationInput(h, newPatient('SM2SM3'), 'Hospital1MSP') },
        },
      ),
      /\[VALIDATION_FAILED\] publicKeyJwk algorithm not accepted/,
    );
    assert.equal(h.ledger.committedKeys().length, before);
    const patient = await registerPatient(h);
    const rotate = (newPublicKeyJwk: unknown) =>
      h.submit<PatientRecord>(
        nurse,
        'identity:RotatePatientKey',
        {},
        {
          transient: {
            rotation: { jws: patientJws(h, patient, { typ: 'medledger.key.rotate', newPublicKeyJwk }) },
          },
        },
      );
    await assert.rejects(
      rotate(generatePatientKey('SM2SM3').publicJwk),
      /\[VALIDATION_FAILED\] payload newPublicKeyJwk algorithm not accepted/,
    );
    const sm2Forged = forgedJws(
      h,
      patient,
      'SM2SM3',
      grantBody(h),
      sm2Signer(generatePatientKey('SM2SM3').privateJwk),
    );
    await assert.rejects(grant(h, nurse, sm2Forged), /\[INVALID_SIGNATURE\] patient algorithm not accepted/);
    assert.equal((await rotate(generatePatientKey().publicJwk)).result.currentKey, 2);
  });

  void it('when an SM2 patient rotates to a P-256 key (the browser console signs ES256 only), then the sm ledger accepts it and the new key signs', async () => {
    const { h, patient, relay } = await smLedger();
    const { result, rotated } = await rotatePatientKey(h, relay, patient, generatePatientKey('ES256'));
    assert.equal(result.currentKey, 2);
    assert.equal((await grant(h, relay, patientJws(h, rotated, grantBody(h)))).result.status, 'active');
    // The old SM2 key no longer signs for the patient.
    await assert.rejects(
      grant(h, relay, patientJws(h, rotated, grantBody(h), { key: patient.privateJwk })),
      /\[INVALID_SIGNATURE\] patient$/,
    );
  });
});
