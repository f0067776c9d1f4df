import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generatePatientKey, type Consent, type DidDocument } from '@medledger/domain';
import {
  daysFromNow,
  Harness,
  patientJws,
  registerPatient,
  registerStaff,
  type TestPatient,
} from './testing/harness';

function grantBody(h: Harness, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    typ: 'medledger.consent.grant',
    grantee: { kind: 'org', mspId: 'Hospital2MSP' },
    categories: ['diagnosis', 'lab'],
    maxLevel: 3,
    purpose: 'treatment',
    periodStart: daysFromNow(h, -1),
    periodEnd: daysFromNow(h, 30),
    ...extra,
  };
}

async function setup(): Promise<{
  h: Harness;
  patient: TestPatient;
  relay: Awaited<ReturnType<typeof registerStaff>>;
}> {
  const h = new Harness();
  const patient = await registerPatient(h);
  const relay = await registerStaff(h, 'Hospital1MSP', 'nurse');
  return { h, patient, relay };
}

void describe('ConsentContract', () => {
  void it('when a patient signs a grant, then the consent is active and listed for patient and grantee', async () => {
    const { h, patient, relay } = await setup();
    const { result, tx } = await h.submit<Consent>(relay, 'consent:GrantConsent', {
      jws: patientJws(h, patient, grantBody(h)),
    });
    assert.equal(result.status, 'active');
    assert.equal(result.consentId, tx.txId);
    assert.equal(tx.event?.name, 'ConsentGranted');
    const payload = JSON.parse(tx.event.payload.toString('utf8')) as Record<string, unknown>;
    assert.equal(payload['periodEnd'], result.periodEnd);
    const mine = await h.evaluate<{ items: Consent[] }>(relay, 'consent:ListPatientConsents', {
      patientDid: patient.did,
    });
    assert.deepEqual(
      mine.items.map((c) => c.consentId),
      [result.consentId],
    );
    const theirs = await h.evaluate<{ items: Consent[] }>(relay, 'consent:ListGranteeConsents', {
      grantee: { kind: 'org', mspId: 'Hospital2MSP' },
    });
    assert.ok(theirs.items.some((c) => c.consentId === result.consentId));
  });

  void it('when the same signed grant is replayed, then REPLAYED_NONCE', async () => {
    const { h, patient, relay } = await setup();
    const jws = patientJws(h, patient, grantBody(h));
    await h.submit(relay, 'consent:GrantConsent', { jws });
    await assert.rejects(h.submit(relay, 'consent:GrantConsent', { jws }), /\[REPLAYED_NONCE\]/);
  });

  void it('when the grant is signed by another key, then INVALID_SIGNATURE', async () => {
    const { h, patient, relay } = await setup();
    const jws = patientJws(h, patient, grantBody(h), { key: generatePatientKey().privateJwk });
    await assert.rejects(h.submit(relay, 'consent:GrantConsent', { jws }), /\[INVALID_SIGNATURE\]/);
  });

  void it('when the signed payload has expired at the tx time, then EXPIRED', async () => {
    const { h, patient, relay } = await setup();
    const jws = patientJws(h, patient, grantBody(h), { expInSeconds: 60 });
    h.ledger.advance(120_000);
    await assert.rejects(h.submit(relay, 'consent:GrantConsent', { jws }), /\[EXPIRED\]/);
  });

  void it('when the header says alg none, then INVALID_SIGNATURE', async () => {
    const { h, patient, relay } = await setup();
    const good = patientJws(h, patient, grantBody(h)).split('.');
    const header = Buffer.from(JSON.stringify({ alg: 'none', kid: `${patient.did}#key-1` })).toString(
      'base64url',
    );
    await assert.rejects(
      h.submit(relay, 'consent:GrantConsent', { jws: `${header}.${good[1] ?? ''}.${good[2] ?? ''}` }),
      /\[INVALID_SIGNATURE\]/,
    );
  });

  void it('when a consent is revoked, then it lists as revoked and a second revoke is a CONFLICT', async () => {
    const { h, patient, relay } = await setup();
    const { result } = await h.submit<Consent>(relay, 'consent:GrantConsent', {
      jws: patientJws(h, patient, grantBody(h)),
    });
    const revokeBody = { typ: 'medledger.consent.revoke', consentId: result.consentId };
    const { result: revoked } = await h.submit<Consent>(relay, 'consent:RevokeConsent', {
      jws: patientJws(h, patient, revokeBody),
    });
    assert.equal(revoked.status, 'revoked');
    await assert.rejects(
      h.submit(relay, 'consent:RevokeConsent', { jws: patientJws(h, patient, revokeBody) }),
      /\[CONFLICT\]/,
    );
  });

  void it("when another patient signs a revocation of someone's consent, then FORBIDDEN", async () => {
    const { h, patient, relay } = await setup();
    const other = await registerPatient(h);
    const { result } = await h.submit<Consent>(relay, 'consent:GrantConsent', {
      jws: patientJws(h, patient, grantBody(h)),
    });
    await assert.rejects(
      h.submit(relay, 'consent:RevokeConsent', {
        jws: patientJws(h, other, { typ: 'medledger.consent.revoke', consentId: result.consentId }),
      }),
      /\[FORBIDDEN\]/,
    );
  });

  void it('when the period has ended, then the consent lists as expired', async () => {
    const { h, patient, relay } = await setup();
    await h.submit(relay, 'consent:GrantConsent', {
      jws: patientJws(h, patient, grantBody(h, { periodEnd: daysFromNow(h, 1) })),
    });
    h.ledger.advance(2 * 86_400_000);
    const page = await h.evaluate<{ items: Consent[] }>(relay, 'consent:ListPatientConsents', {
      patientDid: patient.did,
    });
    assert.equal(page.items[0]?.status, 'expired');
  });

  void it('when consents are paged, then bookmarks walk them all and a bookmark of another patient is rejected', async () => {
    const { h, patient, relay } = await setup();
    const other = await registerPatient(h);
    for (let i = 0; i < 5; i++) {
      await h.submit(relay, 'consent:GrantConsent', { jws: patientJws(h, patient, grantBody(h)) });
    }
    await h.submit(relay, 'consent:GrantConsent', { jws: patientJws(h, other, grantBody(h)) });
    const seen: string[] = [];
    let bookmark = '';
    for (;;) {
      const page = await h.evaluate<{ items: Consent[]; bookmark: string }>(
        relay,
        'consent:ListPatientConsents',
        {
          patientDid: patient.did,
          pageSize: 2,
          bookmark,
        },
      );
      seen.push(...page.items.map((c) => c.patientDid));
      if (page.bookmark === '') break;
      bookmark = page.bookmark;
    }
    assert.equal(seen.length, 5);
    assert.ok(seen.every((d) => d === patient.did));
    const first = await h.evaluate<{ bookmark: string }>(relay, 'consent:ListPatientConsents', {
      patientDid: patient.did,
      pageSize: 1,
    });
    await assert.rejects(
      h.evaluate(relay, 'consent:ListPatientConsents', { patientDid: other.did, bookmark: first.bookmark }),
      /\[VALIDATION_FAILED\] bookmark/,
    );
  });

  void it('when a patient rotates their key, then the old key no longer signs and the new one does', async () => {
    const { h, patient, relay } = await setup();
    const next = generatePatientKey();
    const { result } = await h.submit<DidDocument>(relay, 'identity:RotatePatientKey', {
      jws: patientJws(h, patient, { typ: 'medledger.key.rotate', newPublicKeyJwk: next.publicJwk }),
    });
    assert.equal(result.medledger.currentKeyId, `${patient.did}#key-2`);
    await assert.rejects(
      h.submit(relay, 'consent:GrantConsent', { jws: patientJws(h, patient, grantBody(h)) }),
      /\[INVALID_SIGNATURE\]/,
    );
    const rotated = { ...patient, privateJwk: next.privateJwk, publicJwk: next.publicJwk, keyNumber: 2 };
    const { tx } = await h.submit(relay, 'consent:GrantConsent', {
      jws: patientJws(h, rotated, grantBody(h)),
    });
    assert.equal(tx.status, 'VALID');
  });

  void it('when a rotation is signed by the new key instead of the old, then INVALID_SIGNATURE', async () => {
    const { h, patient, relay } = await setup();
    const next = generatePatientKey();
    await assert.rejects(
      h.submit(relay, 'identity:RotatePatientKey', {
        jws: patientJws(
          h,
          patient,
          { typ: 'medledger.key.rotate', newPublicKeyJwk: next.publicJwk },
          { key: next.privateJwk },
        ),
      }),
      /\[INVALID_SIGNATURE\]/,
    );
  });
});

void describe("issue 12 hole 14: a patient's signed settings cannot be rolled back by relaying an older payload", () => {
  const prefs = (allow: boolean, iat: number) => ({
    typ: 'medledger.preferences',
    allowEmergencyAccess: allow,
    iat,
    exp: iat + 600,
  });

  void it('when an older signed preferences payload is relayed after a newer one, then STALE_PAYLOAD and the newer preferences stay', async () => {
    const { h, patient, relay } = await setup();
    const now = Math.floor(h.ledger.now.getTime() / 1000);
    const older = patientJws(h, patient, prefs(true, now));
    const newer = patientJws(h, patient, prefs(false, now + 60));
    await h.submit(relay, 'consent:SetPatientPreferences', { jws: newer });
    await assert.rejects(
      h.submit(relay, 'consent:SetPatientPreferences', { jws: older }),
      /\[STALE_PAYLOAD\]/,
    );
    const stored = h.ledger
      .committedKeys()
      .map((k) => h.ledger.getCommitted(k)?.toString('utf8') ?? '')
      .filter((v) => v.includes('allowEmergencyAccess') && v.includes(patient.did));
    assert.equal(stored.length, 1);
    assert.equal(
      (JSON.parse(stored[0] ?? '{}') as { allowEmergencyAccess: boolean }).allowEmergencyAccess,
      false,
    );
  });

  void it('when two preferences payloads carry the same iat, then the second is STALE_PAYLOAD', async () => {
    const { h, patient, relay } = await setup();
    const now = Math.floor(h.ledger.now.getTime() / 1000);
    await h.submit(relay, 'consent:SetPatientPreferences', {
      jws: patientJws(h, patient, prefs(false, now)),
    });
    await assert.rejects(
      h.submit(relay, 'consent:SetPatientPreferences', { jws: patientJws(h, patient, prefs(true, now)) }),
      /\[STALE_PAYLOAD\]/,
    );
  });

  void it('when preferences of another type or patient were signed later, then an older payload of this patient still applies', async () => {
    const { h, patient, relay } = await setup();
    const other = await registerPatient(h);
    const now = Math.floor(h.ledger.now.getTime() / 1000);
    await h.submit(relay, 'consent:SetPatientPreferences', {
      jws: patientJws(h, other, prefs(false, now + 60)),
    });
    await h.submit(relay, 'identity:RotatePatientKey', {
      jws: patientJws(h, patient, {
        typ: 'medledger.key.rotate',
        newPublicKeyJwk: patient.publicJwk,
        iat: now + 60,
        exp: now + 600,
      }),
    });
    const rotated = { ...patient, keyNumber: 2 };
    const { tx } = await h.submit(relay, 'consent:SetPatientPreferences', {
      jws: patientJws(h, rotated, prefs(false, now)),
    });
    assert.equal(tx.status, 'VALID');
  });

  void it('when an older key rotation signed by the current key is relayed after a newer one, then STALE_PAYLOAD', async () => {
    const { h, patient, relay } = await setup();
    const now = Math.floor(h.ledger.now.getTime() / 1000);
    const rotate = (iat: number) =>
      patientJws(h, patient, {
        typ: 'medledger.key.rotate',
        newPublicKeyJwk: patient.publicJwk,
        iat,
        exp: iat + 600,
      });
    await h.submit(relay, 'identity:RotatePatientKey', { jws: rotate(now + 60) });
    const again = { ...patient, keyNumber: 2 };
    // The same key pair is now #key-2; an older rotation re-signed under the new kid is still older.
    await assert.rejects(
      h.submit(relay, 'identity:RotatePatientKey', {
        jws: patientJws(h, again, {
          typ: 'medledger.key.rotate',
          newPublicKeyJwk: patient.publicJwk,
          iat: now,
          exp: now + 600,
        }),
      }),
      /\[STALE_PAYLOAD\]/,
    );
  });
});
