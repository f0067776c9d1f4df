import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { Harness, client, daysFromNow, orgAdmin, registerStaff, uid } from '@medledger/chaincode/testing';
import {
  consentGrantPayloadSchema,
  decodeCompactJws,
  generatePatientKey,
  jwkThumbprint as domainThumbprint,
  keyRecoveryPayloadSchema,
  patientRegistrationPayloadSchema,
  signCompactJws as domainSignCompactJws,
  signKeyRecovery as domainSignKeyRecovery,
  signPatientPayload,
  signPatientRegistration,
  SIGNED_PAYLOAD_TYPES,
  verifyCompactJws,
  type ConsentState,
  type PatientPreferences,
  type PatientRecord,
  type P256PrivateJwk,
  type P256PublicJwk,
} from '@medledger/domain';
import { signPatientProof } from '@medledger/gateway/auth';

import {
  exportPublicJwk,
  generateRecoveryKey,
  generateSigningKey,
  importPrivateJwk,
  jwkThumbprint,
  newPatientDid,
  privateJwkProblem,
  signAccessLogProof,
  signCompactJws,
  signConsentGrant,
  signConsentRevocation,
  signKeyRecovery,
  signPreferences,
  signRegistration,
  type CryptoKey,
  type PatientKey,
} from './patient-signer';

/** `header.payload` of a compact JWS: what was signed. */
const signingInputOf = (jws: string): string => jws.split('.').slice(0, 2).join('.');
const payloadOf = (jws: string): Record<string, unknown> =>
  decodeCompactJws(jws).payload as Record<string, unknown>;

/** The same private key in both worlds: a JWK for Node's signer, a WebCrypto key for the browser's. */
async function twinKey(): Promise<{ jwk: P256PrivateJwk; key: CryptoKey; publicJwk: P256PublicJwk }> {
  const { privateJwk, publicJwk } = generatePatientKey();
  const { privateKey } = await importPrivateJwk(privateJwk);
  return { jwk: privateJwk, key: privateKey, publicJwk };
}

describe('the browser signer against the domain signer', () => {
  it('when both sign the same payload, then the signing inputs are byte-identical and both verify with the domain verifier', async () => {
    const { jwk, key, publicJwk: pub } = await twinKey();
    const did = newPatientDid();
    const payload = { typ: 'x', b: [1, 2, { z: 'é', a: null }], a: 'ü\u2028', n: -0 };
    const fromNode = domainSignCompactJws(payload, jwk, `${did}#key-1`);
    const fromBrowser = await signCompactJws(payload, key, `${did}#key-1`);
    assert.equal(signingInputOf(fromBrowser), signingInputOf(fromNode));
    assert.notEqual(fromBrowser, fromNode, 'ECDSA signatures are randomized: the test compares real work');
    assert.deepEqual(verifyCompactJws(fromBrowser, pub).payload, verifyCompactJws(fromNode, pub).payload);
  });

  it('when a registration is signed with the nonce and clock of the domain one, then both JWS sign the same bytes', async () => {
    const { jwk, key, publicJwk: pub } = await twinKey();
    const recovery = generatePatientKey();
    const did = newPatientDid();
    const nowMs = Date.UTC(2026, 5, 1, 8, 0, 0);
    const node = signPatientRegistration(
      did,
      { publicJwk: pub, privateJwk: jwk },
      recovery.publicJwk,
      'Hospital2MSP',
      {
        nowMs,
      },
    );
    const nonce = String(payloadOf(node.proof)['nonce']);
    const browser = await signRegistration(
      did,
      { privateKey: key, publicJwk: pub },
      await jwkThumbprint(recovery.publicJwk),
      'Hospital2MSP',
      { nowMs, nonce },
    );
    assert.equal(signingInputOf(browser.proof), signingInputOf(node.proof));
    assert.deepEqual(browser.publicKeyJwk, node.publicKeyJwk);
    const verified = verifyCompactJws(browser.proof, browser.publicKeyJwk);
    assert.equal(verified.header.kid, `${did}#key-1`);
    const parsed = patientRegistrationPayloadSchema.parse(verified.payload);
    assert.equal(parsed.iat, nowMs / 1000);
    assert.equal(parsed.exp, nowMs / 1000 + 600);
  });

  it('when a grant, a revocation and an access-log proof are signed in both, then each pair signs the same bytes', async () => {
    const { jwk, key, publicJwk } = await twinKey();
    const did = newPatientDid();
    const kid = `${did}#key-3`;
    const patient: PatientKey = { patientDid: did, kid, privateKey: key, publicJwk };
    const nowMs = Date.UTC(2026, 0, 2, 3, 4, 5, 678);
    const scope = {
      grantee: { kind: 'org', mspId: 'Hospital2MSP' },
      categories: ['diagnosis', 'lab'],
      maxLevel: 3,
      purpose: 'treatment',
      periodStart: '2026-01-02T00:00:00.000Z',
      periodEnd: '2026-02-01T00:00:00.000Z',
    } as const;
    const signer = { patientDid: did, privateJwk: jwk, kid };
    const nodeGrant = signPatientPayload({ typ: SIGNED_PAYLOAD_TYPES.grant, ...scope }, signer, { nowMs });
    const grant = await signConsentGrant(patient, scope, {
      nowMs,
      nonce: String(payloadOf(nodeGrant)['nonce']),
    });
    assert.equal(signingInputOf(grant), signingInputOf(nodeGrant));
    consentGrantPayloadSchema.parse(verifyCompactJws(grant, publicJwk).payload);

    const consentId = 'a'.repeat(64);
    const nodeRevoke = signPatientPayload({ typ: SIGNED_PAYLOAD_TYPES.revoke, consentId }, signer, { nowMs });
    const revoke = await signConsentRevocation(patient, consentId, {
      nowMs,
      nonce: String(payloadOf(nodeRevoke)['nonce']),
    });
    assert.equal(signingInputOf(revoke), signingInputOf(nodeRevoke));

    const nodeProof = signPatientProof(jwk, kid, {
      patientDid: did,
      aud: 'Hospital1MSP',
      ttlSeconds: 60,
      nowMs,
    });
    const proof = await signAccessLogProof(patient, 'Hospital1MSP', {
      nowMs,
      nonce: String(payloadOf(nodeProof)['nonce']),
    });
    assert.equal(signingInputOf(proof), signingInputOf(nodeProof));
  });

  it('when a key recovery is signed in both, then they sign the same bytes and the recovery key id is used', async () => {
    const recoveryTwin = await twinKey();
    const did = newPatientDid();
    const newKey = generatePatientKey();
    const nextRecovery = generatePatientKey();
    const nowMs = Date.UTC(2026, 3, 4, 5, 6, 7);
    const pub = recoveryTwin.publicJwk;
    const recoveryPair = { publicJwk: pub, privateJwk: recoveryTwin.jwk };
    const node = domainSignKeyRecovery(did, recoveryPair, newKey.publicJwk, nextRecovery.publicJwk, {
      nowMs,
    });
    const browser = await signKeyRecovery(
      did,
      { privateKey: recoveryTwin.key, publicJwk: pub },
      newKey.publicJwk,
      nextRecovery.publicJwk,
      { nowMs, nonce: String(payloadOf(node)['nonce']) },
    );
    assert.equal(signingInputOf(browser), signingInputOf(node));
    const verified = verifyCompactJws(browser, pub);
    assert.equal(verified.header.kid, `${did}#recovery`);
    keyRecoveryPayloadSchema.parse(verified.payload);
  });

  it('when a thumbprint is computed in the browser, then it equals the domain one (RFC 7638)', async () => {
    const { publicJwk } = generatePatientKey();
    assert.equal(await jwkThumbprint(publicJwk), domainThumbprint(publicJwk));
  });
});

describe('the browser keys', () => {
  it('when a signing key is generated, then its private half cannot be exported and its public half has only the four members', async () => {
    const { privateKey, publicJwk } = await generateSigningKey();
    assert.equal(privateKey.extractable, false);
    await assert.rejects(crypto.subtle.exportKey('jwk', privateKey));
    assert.deepEqual(Object.keys(publicJwk).sort(), ['crv', 'kty', 'x', 'y']);
  });

  it('when a recovery key is generated, then its private JWK signs for its public JWK', async () => {
    const { privateJwk, publicJwk } = await generateRecoveryKey();
    const { privateKey, publicJwk: imported } = await importPrivateJwk(privateJwk);
    assert.deepEqual(imported, publicJwk);
    assert.equal(privateKey.extractable, false);
    const jws = await signCompactJws({ hello: 1 }, privateKey, 'k');
    assert.deepEqual(verifyCompactJws(jws, { ...publicJwk, kty: 'EC', crv: 'P-256' }).payload, { hello: 1 });
  });

  it('when a file is not a private P-256 JWK, then it is refused with the reason', async () => {
    const { publicJwk } = generatePatientKey();
    assert.match(privateJwkProblem([]) ?? '', /not a JSON object/);
    assert.match(privateJwkProblem({ ...publicJwk, crv: 'P-384' }) ?? '', /not a P-256/);
    assert.match(privateJwkProblem(publicJwk) ?? '', /no "d"/);
    await assert.rejects(importPrivateJwk(publicJwk as never), /no "d"/);
    assert.equal(privateJwkProblem(generatePatientKey().privateJwk), undefined);
  });

  it('when a patient DID is made, then it is an opaque patient DID', () => {
    assert.match(newPatientDid(), /^did:medledger:patient:[A-Za-z0-9_-]{16}$/);
    assert.notEqual(newPatientDid(), newPatientDid());
  });
});

describe('the chaincode accepts what the browser signs', () => {
  it('when a browser-made key registers, grants, revokes, sets preferences and is recovered, then every transaction is VALID', async () => {
    const h = new Harness();
    const nurse = await registerStaff(h, 'Hospital1MSP', 'nurse', 'oncology', uid('nurse'));
    const did = newPatientDid();
    const nowMs = h.ledger.now.getTime();
    const key = await generateSigningKey();
    const recovery = await generateRecoveryKey();
    const registration = await signRegistration(
      did,
      key,
      await jwkThumbprint(recovery.publicJwk),
      'Hospital1MSP',
      {
        nowMs,
      },
    );
    const registered = await h.submit<PatientRecord>(
      nurse,
      'identity:RegisterPatient',
      {},
      { transient: { patient: registration } },
    );
    assert.equal(registered.tx.status, 'VALID');
    assert.equal(registered.result.currentKey, 1);

    const patient: PatientKey = { patientDid: did, kid: `${did}#key-1`, ...key };
    const scope = {
      grantee: { kind: 'org', mspId: 'Hospital2MSP' },
      categories: ['diagnosis'],
      maxLevel: 3,
      purpose: 'treatment',
      periodStart: h.ledger.now.toISOString(),
      periodEnd: daysFromNow(h, 30),
    } as const;
    const relay = client('Hospital1MSP', nurse.cn);
    const grantJws = await signConsentGrant(patient, scope, { nowMs });
    const granted = await h.submit<ConsentState>(
      relay,
      'consent:GrantConsent',
      {},
      { transient: { consent: { jws: grantJws } } },
    );
    assert.equal(granted.tx.status, 'VALID');
    assert.equal(granted.result.status, 'active');
    const revocation = await signConsentRevocation(patient, granted.result.consentId, {
      nowMs: nowMs + 1000,
    });
    const revoked = await h.submit<ConsentState>(
      relay,
      'consent:RevokeConsent',
      {},
      { transient: { revocation: { jws: revocation, grantJws } } },
    );
    assert.equal(revoked.result.status, 'revoked');
    const preferences = await h.submit<PatientPreferences>(
      relay,
      'consent:SetPatientPreferences',
      {},
      { transient: { preferences: { jws: await signPreferences(patient, false, { nowMs: nowMs + 1500 }) } } },
    );
    assert.equal(preferences.tx.status, 'VALID');
    assert.deepEqual(preferences.result.emergencyProfile, { categories: [], beyondProfile: 'never' });

    const recoveryKey = await importPrivateJwk(recovery.privateJwk);
    const replacement = await generateSigningKey();
    const next = await generateRecoveryKey();
    const recoveryJws = await signKeyRecovery(did, recoveryKey, replacement.publicJwk, next.publicJwk, {
      nowMs: nowMs + 2000,
    });
    const recovered = await h.submit<PatientRecord>(
      orgAdmin('Hospital1MSP'),
      'identity:RecoverPatientKey',
      {},
      { transient: { recovery: { jws: recoveryJws } } },
    );
    assert.equal(recovered.tx.status, 'VALID');
    assert.equal(recovered.result.currentKey, 2);
    assert.deepEqual(
      recovered.result.keys.find((k) => k.number === 2)?.publicKeyJwk,
      await exportPublicJwk(
        await crypto.subtle.importKey(
          'jwk',
          { ...replacement.publicJwk },
          { name: 'ECDSA', namedCurve: 'P-256' },
          true,
          ['verify'],
        ),
      ),
    );
  });

  it('when a grant is signed by a key other than the registered one, then the chaincode refuses it', async () => {
    const h = new Harness();
    const nurse = await registerStaff(h, 'Hospital1MSP', 'nurse', 'oncology', uid('nurse'));
    const did = newPatientDid();
    const nowMs = h.ledger.now.getTime();
    const key = await generateSigningKey();
    const recovery = await generateRecoveryKey();
    const registration = await signRegistration(
      did,
      key,
      await jwkThumbprint(recovery.publicJwk),
      'Hospital1MSP',
      { nowMs },
    );
    await h.submit(nurse, 'identity:RegisterPatient', {}, { transient: { patient: registration } });
    const other = await generateSigningKey();
    const jws = await signConsentGrant(
      { patientDid: did, kid: `${did}#key-1`, ...other },
      {
        grantee: { kind: 'org', mspId: 'Hospital2MSP' },
        categories: ['lab'],
        maxLevel: 3,
        purpose: 'treatment',
        periodStart: h.ledger.now.toISOString(),
        periodEnd: daysFromNow(h, 1),
      },
      { nowMs },
    );
    await assert.rejects(
      h.submit(nurse, 'consent:GrantConsent', {}, { transient: { consent: { jws } } }),
      /\[INVALID_SIGNATURE\]/,
    );
  });
});
