import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  generatePatientKey,
  patientKeyOf,
  type Consent,
  type ConsentState,
  type PatientRecord,
} from '@medledger/domain';
import type { FakeSigner } from './testing/fake-identity';
import {
  daysFromNow,
  Harness,
  orgAdmin,
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
  relay: FakeSigner;
  grantee: FakeSigner;
}> {
  const h = new Harness();
  const patient = await registerPatient(h);
  const relay = await registerStaff(h, 'Hospital1MSP', 'nurse');
  // Staff of the grantee org: consents to Hospital2 live in its sealed collection.
  const grantee = await registerStaff(h, 'Hospital2MSP', 'nurse', 'er');
  return { h, patient, relay, grantee };
}

function grant(h: Harness, relay: FakeSigner, jws: string) {
  return h.submit<ConsentState>(relay, 'consent:GrantConsent', {}, { transient: { consent: { jws } } });
}

function revoke(h: Harness, relay: FakeSigner, jws: string, grantJws: string) {
  return h.submit<ConsentState>(
    relay,
    'consent:RevokeConsent',
    {},
    {
      transient: { revocation: { jws, grantJws } },
    },
  );
}

void describe('ConsentContract', () => {
  void it('when a patient signs a grant, then the consent is active and listed for patient and grantee', async () => {
    const { h, patient, relay, grantee } = await setup();
    const jws = patientJws(h, patient, grantBody(h));
    const { result, tx } = await grant(h, relay, jws);
    assert.deepEqual([result.status, result.granteeOrg], ['active', 'Hospital2MSP']);
    assert.equal(result.consentId, tx.txId);
    assert.equal(tx.event?.name, 'ConsentGranted');
    const payload = JSON.parse(tx.event.payload.toString('utf8')) as Record<string, unknown>;
    assert.deepEqual([payload['periodEnd'], payload['granteeOrg']], [result.periodEnd, 'Hospital2MSP']);
    const mine = await h.evaluate<{ items: Consent[] }>(grantee, 'consent:ListPatientConsents', {
      patientDid: patient.did,
    });
    assert.deepEqual(
      mine.items.map((c) => [c.consentId, c.jws]),
      [[result.consentId, jws]],
    );
    const theirs = await h.evaluate<{ items: Consent[] }>(grantee, 'consent:ListGranteeConsents', {
      grantee: { kind: 'org', mspId: 'Hospital2MSP' },
    });
    assert.ok(theirs.items.some((c) => c.consentId === result.consentId));
    // The relaying hospital is no party to the consent: its peer holds none of it.
    const atRelay = await h.evaluate<{ items: Consent[] }>(relay, 'consent:ListPatientConsents', {
      patientDid: patient.did,
    });
    assert.deepEqual(atRelay.items, []);
    await assert.rejects(
      h.evaluate(relay, 'consent:ListGranteeConsents', { grantee: { kind: 'org', mspId: 'Hospital2MSP' } }),
      /\[FORBIDDEN\]/,
    );
  });

  void it("when a consent is read by id, then the grantee org's staff and the regulator's admin get it, another org is refused, an unknown id is NOT_FOUND", async () => {
    const { h, patient, relay, grantee } = await setup();
    const jws = patientJws(h, patient, grantBody(h));
    const { result } = await grant(h, relay, jws);
    const read = (who: FakeSigner, consentId = result.consentId) =>
      h.evaluate<Consent>(who, 'consent:GetConsent', { consentId });
    assert.equal((await read(grantee)).patientDid, patient.did);
    // The regulator's gateway projects every consent as the regulator's admin.
    assert.equal((await read(orgAdmin('RegulatorMSP'))).jws, jws);
    await assert.rejects(read(relay), /\[FORBIDDEN\]/);
    await assert.rejects(read(orgAdmin('ResearchMSP')), /\[FORBIDDEN\]/);
    await assert.rejects(read(grantee, 'ab'.repeat(32)), /\[NOT_FOUND\]/);
  });

  void it('when the same signed grant is replayed, then REPLAYED_NONCE', async () => {
    const { h, patient, relay } = await setup();
    const jws = patientJws(h, patient, grantBody(h));
    await grant(h, relay, jws);
    await assert.rejects(grant(h, relay, jws), /\[REPLAYED_NONCE\]/);
  });

  void it('when the grant is signed by another key, then INVALID_SIGNATURE', async () => {
    const { h, patient, relay } = await setup();
    const jws = patientJws(h, patient, grantBody(h), { key: generatePatientKey().privateJwk });
    await assert.rejects(grant(h, relay, jws), /\[INVALID_SIGNATURE\]/);
  });

  void it('when the signed payload has expired at the tx time, then EXPIRED', async () => {
    const { h, patient, relay } = await setup();
    const jws = patientJws(h, patient, grantBody(h), { expInSeconds: 60 });
    h.ledger.advance(120_000);
    await assert.rejects(grant(h, relay, jws), /\[EXPIRED\]/);
  });

  void it('when the header says alg none, then INVALID_SIGNATURE', async () => {
    const { h, patient, relay } = await setup();
    const good = patientJws(h, patient, grantBody(h)).split('.');
    const header = Buffer.from(JSON.stringify({ alg: 'none', kid: `${patient.did}#key-1` })).toString(
      'base64url',
    );
    await assert.rejects(
      grant(h, relay, `${header}.${good[1] ?? ''}.${good[2] ?? ''}`),
      /\[INVALID_SIGNATURE\]/,
    );
  });

  void it('when a consent is revoked through any org, then it lists as revoked at the grantee and a second revoke is a CONFLICT', async () => {
    const { h, patient, relay, grantee } = await setup();
    const jws = patientJws(h, patient, grantBody(h));
    const { result } = await grant(h, relay, jws);
    const revokeBody = { typ: 'medledger.consent.revoke', consentId: result.consentId };
    // The research institute relays it: the grantee (Hospital2) does not endorse, so cannot hold it back.
    const elsewhere = await registerStaff(h, 'ResearchMSP', 'researcher', null);
    const { result: revoked, tx } = await revoke(h, elsewhere, patientJws(h, patient, revokeBody), jws);
    assert.equal(revoked.status, 'revoked');
    assert.equal(tx.privateWrites.has('sealed-hospital2'), false);
    const listed = await h.evaluate<{ items: Consent[] }>(grantee, 'consent:GetConsent', {
      consentId: result.consentId,
    });
    assert.equal((listed as unknown as Consent).status, 'revoked');
    await assert.rejects(revoke(h, relay, patientJws(h, patient, revokeBody), jws), /\[CONFLICT\]/);
  });

  void it('when a revocation presents a signed grant that is not the consent’s, then VALIDATION_FAILED', async () => {
    const { h, patient, relay } = await setup();
    const { result } = await grant(h, relay, patientJws(h, patient, grantBody(h)));
    const other = patientJws(h, patient, grantBody(h));
    await assert.rejects(
      revoke(
        h,
        relay,
        patientJws(h, patient, { typ: 'medledger.consent.revoke', consentId: result.consentId }),
        other,
      ),
      /\[VALIDATION_FAILED\] grantJws/,
    );
  });

  void it("when another patient signs a revocation of someone's consent, then FORBIDDEN", async () => {
    const { h, patient, relay } = await setup();
    const other = await registerPatient(h);
    const jws = patientJws(h, patient, grantBody(h));
    const { result } = await grant(h, relay, jws);
    await assert.rejects(
      revoke(
        h,
        relay,
        patientJws(h, other, { typ: 'medledger.consent.revoke', consentId: result.consentId }),
        jws,
      ),
      /\[FORBIDDEN\]/,
    );
  });

  void it('when the period has ended, then the consent lists as expired', async () => {
    const { h, patient, relay, grantee } = await setup();
    await grant(h, relay, patientJws(h, patient, grantBody(h, { periodEnd: daysFromNow(h, 1) })));
    h.ledger.advance(2 * 86_400_000);
    const page = await h.evaluate<{ items: Consent[] }>(grantee, 'consent:ListPatientConsents', {
      patientDid: patient.did,
    });
    assert.equal(page.items[0]?.status, 'expired');
  });

  void it('when consents are paged, then bookmarks walk them all, and a bookmark of another scan only moves within this patient’s', async () => {
    const { h, patient, relay, grantee } = await setup();
    const other = await registerPatient(h);
    for (let i = 0; i < 5; i++) await grant(h, relay, patientJws(h, patient, grantBody(h)));
    await grant(h, relay, patientJws(h, other, grantBody(h)));
    await grant(h, relay, patientJws(h, other, grantBody(h)));
    const seen: string[] = [];
    let bookmark = '';
    for (;;) {
      const page = await h.evaluate<{ items: Consent[]; bookmark: string }>(
        grantee,
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
    const first = await h.evaluate<{ bookmark: string }>(grantee, 'consent:ListPatientConsents', {
      patientDid: patient.did,
      pageSize: 1,
    });
    const moved = await h.evaluate<{ items: Consent[] }>(grantee, 'consent:ListPatientConsents', {
      patientDid: other.did,
      bookmark: first.bookmark,
    });
    assert.ok(moved.items.every((c) => c.patientDid === other.did));
    await assert.rejects(
      h.evaluate(grantee, 'consent:ListPatientConsents', { patientDid: other.did, bookmark: 'x'.repeat(64) }),
      /\[VALIDATION_FAILED\] bookmark/,
    );
  });

  void it('when a patient rotates their key, then the old key no longer signs and the new one does', async () => {
    const { h, patient, relay } = await setup();
    const next = generatePatientKey();
    const { result } = await h.submit<PatientRecord>(
      relay,
      'identity:RotatePatientKey',
      {},
      {
        transient: {
          rotation: {
            jws: patientJws(h, patient, { typ: 'medledger.key.rotate', newPublicKeyJwk: next.publicJwk }),
          },
        },
      },
    );
    assert.equal(result.currentKey, 2);
    await assert.rejects(grant(h, relay, patientJws(h, patient, grantBody(h))), /\[INVALID_SIGNATURE\]/);
    const rotated = { ...patient, privateJwk: next.privateJwk, publicJwk: next.publicJwk, keyNumber: 2 };
    const { tx } = await grant(h, relay, patientJws(h, rotated, grantBody(h)));
    assert.equal(tx.status, 'VALID');
  });

  void it('when a rotation is signed by the new key instead of the old, then INVALID_SIGNATURE', async () => {
    const { h, patient, relay } = await setup();
    const next = generatePatientKey();
    await assert.rejects(
      h.submit(
        relay,
        'identity:RotatePatientKey',
        {},
        {
          transient: {
            rotation: {
              jws: patientJws(
                h,
                patient,
                { typ: 'medledger.key.rotate', newPublicKeyJwk: next.publicJwk },
                { key: next.privateJwk },
              ),
            },
          },
        },
      ),
      /\[INVALID_SIGNATURE\]/,
    );
  });
});

void describe("issue 12 hole 14: a patient's signed settings cannot be rolled back by relaying an older payload", () => {
  const setPreferences = (h: Harness, relay: FakeSigner, jws: string) =>
    h.submit(relay, 'consent:SetPatientPreferences', {}, { transient: { preferences: { jws } } });
  const rotateKey = (h: Harness, relay: FakeSigner, jws: string) =>
    h.submit(relay, 'identity:RotatePatientKey', {}, { transient: { rotation: { jws } } });
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
    await setPreferences(h, relay, newer);
    await assert.rejects(setPreferences(h, relay, older), /\[STALE_PAYLOAD\]/);
    const stored = h.ledger
      .committedKeys()
      .filter((k) => k.includes('prefs') && k.includes(patientKeyOf(patient.did)))
      .map((k) => h.ledger.getCommitted(k)?.toString('utf8') ?? '');
    assert.equal(stored.length, 1);
    const kept = JSON.parse(stored[0] ?? '{}') as { emergencyProfile: { beyondProfile: string } };
    assert.equal(kept.emergencyProfile.beyondProfile, 'never');
  });

  void it('when two preferences payloads carry the same iat, then the second is STALE_PAYLOAD', async () => {
    const { h, patient, relay } = await setup();
    const now = Math.floor(h.ledger.now.getTime() / 1000);
    await setPreferences(h, relay, patientJws(h, patient, prefs(false, now)));
    await assert.rejects(
      setPreferences(h, relay, patientJws(h, patient, prefs(true, now))),
      /\[STALE_PAYLOAD\]/,
    );
  });

  void it('when preferences of another type or patient were signed later, then an older payload of this patient still applies', async () => {
    const { h, patient, relay } = await setup();
    const other = await registerPatient(h);
    const now = Math.floor(h.ledger.now.getTime() / 1000);
    await setPreferences(h, relay, patientJws(h, other, prefs(false, now + 60)));
    await rotateKey(
      h,
      relay,
      patientJws(h, patient, {
        typ: 'medledger.key.rotate',
        newPublicKeyJwk: patient.publicJwk,
        iat: now + 60,
        exp: now + 600,
      }),
    );
    const rotated = { ...patient, keyNumber: 2 };
    const { tx } = await setPreferences(h, relay, patientJws(h, rotated, prefs(false, now)));
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
    await rotateKey(h, relay, rotate(now + 60));
    const again = { ...patient, keyNumber: 2 };
    // The same key pair is now #key-2; an older rotation re-signed under the new kid is still older.
    await assert.rejects(
      rotateKey(
        h,
        relay,
        patientJws(h, again, {
          typ: 'medledger.key.rotate',
          newPublicKeyJwk: patient.publicJwk,
          iat: now,
          exp: now + 600,
        }),
      ),
      /\[STALE_PAYLOAD\]/,
    );
  });
});
