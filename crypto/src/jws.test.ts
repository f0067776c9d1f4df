import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';

import { toBase64Url } from './bytes';
import {
  decodeCompactJws,
  JwsError,
  MAX_JWS_LENGTH,
  signCompactJws,
  signPatientPayload,
  verifyPatientJws,
  type PatientSigner,
} from './jws';
import { CRYPTO_PROFILES } from './profile';
import { generateKeyPair, signBytes, type SignatureAlgorithm } from './signature';

const { international, sm } = CRYPTO_PROFILES;

function patient(
  algorithm: SignatureAlgorithm,
): PatientSigner & { publicJwk: ReturnType<typeof generateKeyPair>['publicJwk'] } {
  const did = `did:medledger:patient:${randomBytes(9).toString('base64url')}`;
  const { publicJwk, privateJwk } = generateKeyPair(algorithm);
  return { patientDid: did, kid: `${did}#key-1`, privateJwk, publicJwk };
}

const NOW_MS = Date.UTC(2026, 10, 29, 8, 0, 0);

describe('patient JWS', () => {
  it('when an SM2 patient signs a grant, then the sm profile verifies it and returns header and payload', () => {
    const signer = patient('SM2SM3');
    const jws = signPatientPayload({ typ: 'medledger.consent.grant', purpose: 'treatment' }, signer, {
      nowMs: NOW_MS,
    });
    const { header, payload } = verifyPatientJws(jws, signer.publicJwk, sm);
    assert.deepEqual(header, { alg: 'SM2SM3', kid: signer.kid });
    const p = payload as Record<string, unknown>;
    assert.equal(p.patientDid, signer.patientDid);
    assert.equal(p.typ, 'medledger.consent.grant');
    assert.equal(p.iat, NOW_MS / 1000);
    assert.equal(p.exp, NOW_MS / 1000 + 600);
    assert.match(String(p.nonce), /^[A-Za-z0-9_-]{24}$/);
  });

  it('when a P-256 patient signs, then both profiles verify it (the browser path of an sm deployment)', () => {
    const signer = patient('ES256');
    const jws = signPatientPayload({ typ: 'medledger.consent.revoke' }, signer, {
      nowMs: NOW_MS,
      ttlSeconds: 60,
    });
    assert.equal(verifyPatientJws(jws, signer.publicJwk, international).header.alg, 'ES256');
    assert.equal(verifyPatientJws(jws, signer.publicJwk, sm).header.alg, 'ES256');
  });

  it('when the international profile meets an SM2SM3 JWS, then it refuses the algorithm', () => {
    const signer = patient('SM2SM3');
    const jws = signPatientPayload({ typ: 'x' }, signer, { nowMs: NOW_MS });
    assert.throws(() => verifyPatientJws(jws, signer.publicJwk, international), /algorithm not accepted/);
  });

  it('when the header names another algorithm than the registered key’s, then it does not verify', () => {
    const sm2Patient = patient('SM2SM3');
    const p256Patient = patient('ES256');
    const payload = toBase64Url(JSON.stringify({ patientDid: sm2Patient.patientDid }));
    // An SM2 signature presented as ES256 (and checked with the patient's SM2 key) is refused.
    const header = toBase64Url(JSON.stringify({ alg: 'ES256', kid: sm2Patient.kid }));
    const input = `${header}.${payload}`;
    const forged = `${input}.${toBase64Url(signBytes('SM2SM3', sm2Patient.privateJwk, Buffer.from(input)))}`;
    assert.throws(() => verifyPatientJws(forged, sm2Patient.publicJwk, sm), /does not verify/);
    // An SM2SM3 JWS checked against a P-256 key is refused too.
    const jws = signPatientPayload({}, sm2Patient, { nowMs: NOW_MS });
    assert.throws(() => verifyPatientJws(jws, p256Patient.publicJwk, sm), /does not verify/);
  });

  it('when the payload, header or signature is altered, then verification fails', () => {
    for (const algorithm of ['ES256', 'SM2SM3'] as const) {
      const signer = patient(algorithm);
      const jws = signPatientPayload({ typ: 'medledger.consent.grant' }, signer, { nowMs: NOW_MS });
      const [h, p, s] = jws.split('.') as [string, string, string];
      const otherPayload = toBase64Url(JSON.stringify({ patientDid: 'did:medledger:patient:someone-else' }));
      const otherHeader = toBase64Url(JSON.stringify({ alg: algorithm, kid: `${signer.kid}0` }));
      const flipped = Buffer.from(s, 'base64url');
      flipped[5] = (flipped[5] ?? 0) ^ 0x01;
      for (const altered of [
        `${h}.${otherPayload}.${s}`,
        `${otherHeader}.${p}.${s}`,
        `${h}.${p}.${toBase64Url(flipped)}`,
      ]) {
        assert.throws(() => verifyPatientJws(altered, signer.publicJwk, sm), JwsError, algorithm);
      }
    }
  });

  it('when a JWS is malformed, unsigned or has unknown header members, then decoding refuses it', () => {
    const signer = patient('SM2SM3');
    const good = signPatientPayload({}, signer, { nowMs: NOW_MS });
    const [, p, s] = good.split('.') as [string, string, string];
    const headerOf = (value: unknown): string => toBase64Url(JSON.stringify(value));
    const bad = [
      '',
      'a.b',
      `${good}.x`,
      `${headerOf({ alg: 'none', kid: signer.kid })}.${p}.`,
      `${headerOf({ alg: 'SM2', kid: signer.kid })}.${p}.${s}`,
      `${headerOf({ alg: 'SM2SM3', kid: signer.kid, jwk: signer.publicJwk })}.${p}.${s}`,
      `${headerOf({ alg: 'SM2SM3', kid: signer.kid, crit: ['b64'] })}.${p}.${s}`,
      `${headerOf({ alg: 'SM2SM3' })}.${p}.${s}`,
      `${headerOf({ alg: 'SM2SM3', kid: '' })}.${p}.${s}`,
      `${headerOf({ alg: 'SM2SM3', kid: 'k'.repeat(257) })}.${p}.${s}`,
      `${headerOf(['SM2SM3'])}.${p}.${s}`,
      `${headerOf({ alg: 'SM2SM3', kid: signer.kid })}.${p}.${s}=`,
      `${headerOf({ alg: 'SM2SM3', kid: signer.kid })}.not+base64.${s}`,
      `${headerOf({ alg: 'SM2SM3', kid: signer.kid })}.${toBase64Url('{not json')}.${s}`,
      `${headerOf({ alg: 'SM2SM3', kid: signer.kid })}.${'A'.repeat(MAX_JWS_LENGTH)}.${s}`,
    ];
    for (const jws of bad) assert.throws(() => decodeCompactJws(jws, sm), JwsError, jws.slice(0, 80));
  });

  it('when a payload is signed twice with the same key and kid, then the headers are identical and sorted', () => {
    const signer = patient('ES256');
    const a = signCompactJws('{"a":1}', signer.privateJwk, signer.kid, { typ: 'JWT' });
    const b = signCompactJws(Buffer.from('{"a":1}'), signer.privateJwk, signer.kid, { typ: 'JWT' });
    assert.equal(a.split('.')[0], b.split('.')[0]);
    assert.equal(
      Buffer.from(a.split('.')[0] ?? '', 'base64url').toString(),
      JSON.stringify({ alg: 'ES256', kid: signer.kid, typ: 'JWT' }),
    );
    assert.equal(verifyPatientJws(b, signer.publicJwk, international).header.typ, 'JWT');
  });

  it('when a caller passes its serializer and fields in the body, then they shape the signed payload', () => {
    const signer = patient('SM2SM3');
    const serialize = (value: Readonly<Record<string, unknown>>): string =>
      JSON.stringify(Object.fromEntries(Object.entries(value).sort(([x], [y]) => x.localeCompare(y))));
    const jws = signPatientPayload({ z: 1, nonce: 'fixed-nonce', exp: 1 }, signer, {
      nowMs: NOW_MS,
      serialize,
    });
    const text = Buffer.from(jws.split('.')[1] ?? '', 'base64url').toString();
    assert.equal(
      text,
      serialize({ patientDid: signer.patientDid, nonce: 'fixed-nonce', iat: NOW_MS / 1000, exp: 1, z: 1 }),
    );
    assert.deepEqual(verifyPatientJws(jws, signer.publicJwk, sm).payload, JSON.parse(text));
  });
});
