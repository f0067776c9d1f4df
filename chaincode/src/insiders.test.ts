// Issue 12 (hostile insiders), holes 3, 5, 6, 10, 11 and 15, against the in-memory channel that
// models per-org collection membership, collection and key-level endorsement policies and the
// endorsing orgs of each call. The first version of each test, written against the chaincode of
// 88c7d87, failed there (scratch commit 6af1da8 on branch insiders-privacy-red).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  canonicalBytes,
  KeyFamily,
  patientKeyOf,
  sealedCollection,
  sha256Hex,
  type AccessDecision,
  type BreakGlassState,
  type ConsentState,
  type Erasure,
  type RecordAnchor,
  type StoredAnchor,
} from '@medledger/domain';
import type { Context } from 'fabric-contract-api';
import { accessRecord, anchor, condition, readRecord, recordMeta, salt } from './testing/fixtures';
import type { FakeSigner } from './testing/fake-identity';
import {
  daysFromNow,
  Harness,
  orgAdmin,
  patientJws,
  registerPatient,
  registerStaff,
  uid,
  type TestPatient,
} from './testing/harness';

const H1 = 'Hospital1MSP';
const H2 = 'Hospital2MSP';
const RESEARCH = 'ResearchMSP';
const REGULATOR = 'RegulatorMSP';

interface World {
  h: Harness;
  patient: TestPatient;
  doc1: FakeSigner;
  record: RecordAnchor;
  envelope: { resource: Record<string, unknown>; salt: string };
}

async function world(): Promise<World> {
  const h = new Harness();
  const patient = await registerPatient(h);
  const doc1 = await registerStaff(h, H1, 'attending', 'cardiology');
  const { anchor: record, envelope } = await anchor(h, doc1, patient);
  return { h, patient, doc1, record, envelope };
}

/** The patient's consent to Hospital2 for treatment, relayed by a Hospital2 nurse; returns the signed grant too. */
async function consentToHospital2(w: World): Promise<{ state: ConsentState; jws: string }> {
  const relay = await registerStaff(w.h, H2, 'nurse', 'er');
  const jws = patientJws(w.h, w.patient, {
    typ: 'medledger.consent.grant',
    grantee: { kind: 'org', mspId: H2 },
    categories: ['diagnosis'],
    maxLevel: 3,
    purpose: 'treatment',
    periodStart: daysFromNow(w.h, -1),
    periodEnd: daysFromNow(w.h, 30),
  });
  const { result, tx } = await w.h.submit<ConsentState>(
    relay,
    'consent:GrantConsent',
    {},
    {
      transient: { consent: { jws } },
    },
  );
  assert.equal(tx.status, 'VALID');
  return { state: result, jws };
}

function access(
  w: World,
  who: FakeSigner,
  body: Record<string, unknown>,
  consents: { consentId: string; jws: string }[] = [],
): Promise<AccessDecision> {
  return accessRecord(w.h, who, w.record, body, consents);
}

function read(w: World, who: FakeSigner, accessId: string) {
  return readRecord(w.h, who, w.record, accessId);
}

/** A committed public key of a family whose attributes start with `parts`. */
function publicKey(w: World, family: string, parts: readonly string[]): string {
  const prefix = `\u0000${family}\u0000${parts.map((p) => `${p}\u0000`).join('')}`;
  const key = w.h.ledger.committedKeys().find((k) => k.startsWith(prefix));
  if (key === undefined) throw new Error(`no ${family} key`);
  return key;
}

void describe('insiders: hole 3, write-once anchors', () => {
  void it('hole 3: when the custodian alone rewrites a past anchor, then the transaction is invalid and the anchor is unchanged', async () => {
    const w = await world();
    const key = publicKey(w, KeyFamily.anchor, [H1, w.record.recordId]);
    const before = w.h.ledger.getCommitted(key);
    const forged = canonicalBytes({
      ...JSON.parse(before?.toString('utf8') ?? '{}'),
      contentHash: 'f'.repeat(64),
    });
    const rewrite = (endorsers: string[]) =>
      w.h.ledger.submit({ signer: w.doc1, endorsers }, async (ctx: Context) => {
        await ctx.stub.putState(key, forged);
        return '';
      });
    assert.equal((await rewrite([H1])).status, 'ENDORSEMENT_POLICY_FAILURE');
    assert.equal((await rewrite([H1, REGULATOR])).status, 'ENDORSEMENT_POLICY_FAILURE');
    assert.equal((await rewrite([H1, H2, RESEARCH])).status, 'ENDORSEMENT_POLICY_FAILURE');
    assert.deepEqual(w.h.ledger.getCommitted(key), before);
    const got = await w.h.evaluate<RecordAnchor>(w.doc1, 'record:GetRecord', {
      recordId: w.record.recordId,
      custodian: H1,
    });
    assert.equal(got.contentHash, w.record.contentHash);
  });

  void it('hole 3: when two other orgs create a next version in the custodian’s name, then it commits without a receipt, every reader of that version refuses it and the latest stays the custodian’s', async () => {
    const w = await world();
    const doc2 = await registerStaff(w.h, H2, 'attending', 'er');
    const forged: StoredAnchor = {
      ...w.record,
      version: 2,
      contentHash: 'e'.repeat(64),
      previousHash: w.record.contentHash,
      txId: 'b'.repeat(64),
    };
    const tx = await w.h.ledger.submit({ signer: doc2, endorsers: [H2, RESEARCH] }, async (ctx: Context) => {
      const key = ctx.stub.createCompositeKey(KeyFamily.anchor, [H1, w.record.recordId, '000002']);
      await ctx.stub.putState(key, canonicalBytes(forged));
      return '';
    });
    // Creating a key follows the chaincode policy (two orgs): Fabric lets it commit.
    assert.equal(tx.status, 'VALID');
    // The record's latest state is the custodian's (bound, guarded): the forged version never becomes it.
    const latest = await w.h.evaluate<RecordAnchor>(w.doc1, 'record:GetRecord', {
      recordId: w.record.recordId,
      custodian: H1,
    });
    assert.deepEqual([latest.version, latest.contentHash], [1, w.record.contentHash]);
    await assert.rejects(
      w.h.evaluate(w.doc1, 'record:GetRecord', { recordId: w.record.recordId, custodian: H1, version: 2 }),
      /\[STATE_INVALID\]/,
    );
    await assert.rejects(
      w.h.evaluate(w.doc1, 'record:GetRecordHistory', { recordId: w.record.recordId, custodian: H1 }),
      /\[STATE_INVALID\]/,
    );
    await assert.rejects(
      w.h.submit(doc2, 'access:AccessRecord', {
        recordId: w.record.recordId,
        custodian: H1,
        version: 2,
        purpose: 'treatment',
      }),
      /\[STATE_INVALID\]/,
    );
  });

  void it('hole 3: when a version is reviewed or erased, then the anchor stays as written and the change has its own write-once key', async () => {
    const h = new Harness();
    const patient = await registerPatient(h);
    const doc = await registerStaff(h, H1, 'attending', 'cardiology');
    const { anchor: a } = await anchor(h, doc, patient, {
      resource: condition({ code: { coding: [{ system: 'http://snomed.info/sct', code: '38341003' }] } }),
    });
    assert.equal(a.qualityStatus, 'needs_review');
    const anchorKey = h.ledger
      .committedKeys()
      .find((k) => k.startsWith(`\u0000${KeyFamily.anchor}\u0000${H1}\u0000${a.recordId}`));
    const stored = anchorKey === undefined ? undefined : h.ledger.getCommitted(anchorKey);
    await h.submit(orgAdmin(H1), 'record:ReviewRecordQuality', { recordId: a.recordId, version: 1 });
    await assert.rejects(
      h.submit(orgAdmin(H1), 'record:ReviewRecordQuality', { recordId: a.recordId, version: 1 }),
      /\[CONFLICT\]/,
    );
    await h.submit(orgAdmin(H1), 'record:EraseRecordContent', { recordId: a.recordId, reason: 'data_error' });
    assert.deepEqual(anchorKey === undefined ? undefined : h.ledger.getCommitted(anchorKey), stored);
    const got = await h.evaluate<RecordAnchor>(doc, 'record:GetRecord', {
      recordId: a.recordId,
      custodian: H1,
    });
    assert.deepEqual(
      [got.qualityStatus, got.erased, got.reviewedBy],
      ['accepted', true, 'did:medledger:hospital1:admin'],
    );
  });
});

void describe('insiders: hole 5, who-accessed-whom stays with the parties', () => {
  void it('hole 5: when Hospital2 reads a Hospital1 record by consent, then nothing Research holds or was handed names the patient, while the custodian and the regulator know', async () => {
    const w = await world();
    const consent = await consentToHospital2(w);
    const doc2 = await registerStaff(w.h, H2, 'attending', 'er');
    const d = await access(w, doc2, { purpose: 'treatment' }, [
      { consentId: consent.state.consentId, jws: consent.jws },
    ]);
    assert.equal(d.outcome, 'granted');
    const content = await read(w, doc2, d.accessId);
    assert.deepEqual(content.resource, w.envelope.resource);
    const names = (org: string) => w.h.ledger.orgView(org).some((s) => s.includes(w.patient.did));
    assert.equal(names(RESEARCH), false, 'Research learns nothing of the patient');
    assert.equal(names(H1), true, 'the custodian holds the access event with the patient');
    assert.equal(names(REGULATOR), true, 'the regulator holds it too');
    const events = w.h.ledger.blocks.map((b) => b.event?.payload.toString('utf8') ?? '');
    assert.equal(
      events.some((e) => e.includes(w.patient.did)),
      false,
    );
  });

  void it('hole 5: when a patient has data at a custodian, then no sealed key holds the DID or a plain hash of it, and every sealed value is salted', async () => {
    const w = await world();
    const consent = await consentToHospital2(w);
    const doc2 = await registerStaff(w.h, H2, 'attending', 'er');
    await access(w, doc2, { purpose: 'treatment' }, [
      { consentId: consent.state.consentId, jws: consent.jws },
    ]);
    const did = w.patient.did;
    const plain = [did, sha256Hex(did), patientKeyOf(did)];
    for (const org of [H1, H2, REGULATOR]) {
      const collection = sealedCollection(org);
      for (const key of w.h.ledger.committedPrivateKeys(collection)) {
        assert.equal(
          plain.some((p) => key.includes(p)),
          false,
          `${collection} key names the patient`,
        );
        const value = w.h.ledger.getCommittedPrivate(collection, key)?.toString('utf8') ?? '';
        if (value.includes(did)) assert.match(value, /^\{"salt":"[0-9a-f]{64}","value":/);
      }
    }
    // Every hash in every block is of a key or value Research cannot rebuild from the DID.
    const guesses = new Set(plain.map((p) => sha256Hex(p)));
    for (const b of w.h.ledger.blocks)
      for (const [, k, v] of b.privateHashes) assert.ok(!guesses.has(k) && !guesses.has(v ?? ''));
  });

  void it('hole 5: when a submitted transaction carries or reads patient data, then the registry names its endorsers, and an evaluate with transient data stays on the caller’s org', async () => {
    const { transactions } = await import('@medledger/domain');
    for (const [name, spec] of Object.entries(transactions)) {
      if (!('transient' in spec)) continue;
      if (spec.kind === 'submit') assert.notEqual(spec.endorsement, 'two-orgs', name);
      // A patient's request to confirm their own record goes to the regulator's peer, which holds every
      // record's patient link already, and to no custodian.
      else if (name === 'ConfirmPatientRecord') assert.equal(spec.endorsement, 'regulator', name);
      // A card holder's proof (patient and card) goes to the insurer that issued the card and holds both.
      else assert.ok((['own-org', 'insurer'] as string[]).includes(spec.endorsement), name);
    }
  });
});

void describe('insiders: hole 6, decisions on a record need its custodian', () => {
  void it('hole 6: when two colluding non-custodian orgs write an access grant, then it is invalid and the custodian reads no content for it', async () => {
    const w = await world();
    const doc2 = await registerStaff(w.h, H2, 'attending', 'er');
    const accessId = 'a'.repeat(64);
    const grant = {
      accessId,
      actorDid: `did:medledger:hospital2:${doc2.cn}`,
      actorMsp: H2,
      recordId: w.record.recordId,
      version: 1,
      custodian: H1,
      purpose: 'treatment',
      consentId: null,
      consentTerms: null,
      studyId: null,
      breakGlassReason: null,
      deidentify: false,
      breakGlass: false,
      grantedAt: w.h.ledger.now.toISOString(),
      expiresAt: daysFromNow(w.h, 1),
    };
    const value = canonicalBytes({ salt: sha256Hex(salt()), value: grant });
    for (const endorsers of [
      [H2, RESEARCH],
      [H2, RESEARCH, REGULATOR],
    ]) {
      const tx = await w.h.ledger.submit({ signer: doc2, endorsers }, async (ctx: Context) => {
        const key = ctx.stub.createCompositeKey(KeyFamily.accessGrant, [accessId]);
        await ctx.stub.putPrivateData(sealedCollection(H1), key, value);
        return '';
      });
      assert.equal(tx.status, 'ENDORSEMENT_POLICY_FAILURE', endorsers.join('+'));
    }
    await assert.rejects(read(w, doc2, accessId), /\[ACCESS_NOT_GRANTED\]/);
  });

  void it('hole 6: when an access decision is endorsed without the custodian, then no endorsement can be had (its peer cannot read the record’s patient)', async () => {
    const w = await world();
    const consent = await consentToHospital2(w);
    const doc2 = await registerStaff(w.h, H2, 'attending', 'er');
    await assert.rejects(
      w.h.submit(
        doc2,
        'access:AccessRecord',
        { recordId: w.record.recordId, custodian: H1, purpose: 'treatment' },
        {
          transient: { consents: [{ consentId: consent.state.consentId, jws: consent.jws }] },
          endorsers: [H2, REGULATOR],
        },
      ),
      /private data matching public hash version is not available/,
    );
  });

  void it('hole 6: when the consent is revoked, the reader suspended or moved after a grant, then ReadRecordContent decides again and refuses', async () => {
    const w = await world();
    const consent = await consentToHospital2(w);
    const doc2 = await registerStaff(w.h, H2, 'attending', 'er');
    const d = await access(w, doc2, { purpose: 'treatment' }, [
      { consentId: consent.state.consentId, jws: consent.jws },
    ]);
    await read(w, doc2, d.accessId);
    const relay = await registerStaff(w.h, H1, 'nurse', 'cardiology');
    const revoke = patientJws(w.h, w.patient, {
      typ: 'medledger.consent.revoke',
      consentId: consent.state.consentId,
    });
    const { tx } = await w.h.submit(
      relay,
      'consent:RevokeConsent',
      {},
      {
        transient: { revocation: { jws: revoke, grantJws: consent.jws } },
      },
    );
    assert.equal(tx.status, 'VALID');
    await assert.rejects(read(w, doc2, d.accessId), /\[ACCESS_NOT_GRANTED\] \w+ CONSENT_REVOKED/);

    const intern = await registerStaff(w.h, H1, 'intern', 'cardiology');
    const own = await access(w, intern, { purpose: 'treatment' });
    await read(w, intern, own.accessId);
    await w.h.submit(orgAdmin(H1), 'identity:UpdateStaff', {
      did: `did:medledger:hospital1:${intern.cn}`,
      department: 'oncology',
    });
    await assert.rejects(read(w, intern, own.accessId), /\[ACCESS_NOT_GRANTED\] \w+ DEPARTMENT_MISMATCH/);
  });
});

void describe('insiders: hole 6, forged freezes', () => {
  void it('hole 6: when two colluding orgs create freezes without the regulator (an index entry of the regulator org naming bytes, a well-formed active freeze of a doctor), then they hold no one and lock no one out; a real freeze still holds', async () => {
    const w = await world();
    const doc2 = await registerStaff(w.h, H2, 'attending', 'er');
    const auditor = await registerStaff(w.h, REGULATOR, 'auditor', null);
    const doctorDid = `did:medledger:hospital1:${w.doc1.cn}`;
    const forgedFreeze = {
      freezeId: 'f'.repeat(64),
      subject: { kind: 'person', did: doctorDid },
      org: H1,
      reason: 'data_leak',
      incidentId: null,
      frozenBy: `did:medledger:regulator:${auditor.cn}`,
      frozenAt: w.h.ledger.now.toISOString(),
      status: 'active',
      liftApprovals: { regulator: null, org: null },
      liftedAt: null,
    };
    const tx = await w.h.ledger.submit({ signer: doc2, endorsers: [H2, RESEARCH] }, async (ctx: Context) => {
      const garbage = 'e'.repeat(64);
      await ctx.stub.putState(
        ctx.stub.createCompositeKey(KeyFamily.freeze, [garbage]),
        Buffer.from('{"no":1}'),
      );
      await ctx.stub.putState(
        ctx.stub.createCompositeKey(KeyFamily.freezeBySubject, [REGULATOR, garbage]),
        Buffer.from([0]),
      );
      await ctx.stub.putState(
        ctx.stub.createCompositeKey(KeyFamily.freeze, [forgedFreeze.freezeId]),
        canonicalBytes(forgedFreeze),
      );
      await ctx.stub.putState(
        ctx.stub.createCompositeKey(KeyFamily.freezeBySubject, [doctorDid, forgedFreeze.freezeId]),
        Buffer.from([0]),
      );
      return '';
    });
    // Creating keys follows the chaincode policy (two orgs): Fabric lets it commit.
    assert.equal(tx.status, 'VALID');
    // The doctor still works, and the regulator's auditor still acts: the forgeries are not read as freezes.
    const { tx: anchored } = await anchor(w.h, w.doc1, w.patient);
    assert.equal(anchored.status, 'VALID');
    const { result: real, tx: frozen } = await w.h.submit<{ freezeId: string }>(
      auditor,
      'freeze:FreezeAccess',
      {
        subject: { kind: 'person', did: doctorDid },
        reason: 'data_leak',
      },
    );
    assert.equal(frozen.status, 'VALID');
    await assert.rejects(anchor(w.h, w.doc1, w.patient), /\[FROZEN\]/);
    const ofDoctor = await w.h.evaluate<{ items: { freezeId: string }[] }>(auditor, 'freeze:ListFreezes', {
      subject: { kind: 'person', did: doctorDid },
    });
    const ofRegulator = await w.h.evaluate<{ items: unknown[] }>(auditor, 'freeze:ListFreezes', {});
    assert.deepEqual([ofDoctor.items.map((f) => f.freezeId), ofRegulator.items.length], [[real.freezeId], 0]);
  });
});

void describe('insiders: hole 10, staged-only purge and per-custodian record ids', () => {
  void it('hole 10: when staged content was never anchored, then the custodian admin purges it with a public record and it can no longer be anchored', async () => {
    const h = new Harness();
    const patient = await registerPatient(h);
    const doc = await registerStaff(h, H1, 'attending', 'cardiology');
    const recordId = uid('rec');
    const meta = recordMeta(recordId);
    const { result: staged } = await h.submit<{
      contentHash: string;
      qualityStatus: string;
      reasons: string[];
    }>(doc, 'record:StageRecordContent', meta, {
      transient: { content: { resource: condition(), salt: salt() }, subject: { patientDid: patient.did } },
    });
    const implicit = `_implicit_org_${H1}`;
    // The sealed content, its wrapped data key and the verdict.
    assert.equal(h.ledger.committedPrivateKeys(implicit).filter((k) => k.includes(recordId)).length, 3);
    await assert.rejects(
      h.submit(doc, 'record:PurgeStagedContent', { recordId, version: 1, reason: 'data_error' }),
      /\[FORBIDDEN\]/,
    );
    const { result, tx } = await h.submit<Erasure>(orgAdmin(H1), 'record:PurgeStagedContent', {
      recordId,
      version: 1,
      reason: 'data_error',
    });
    assert.equal(tx.status, 'VALID');
    assert.deepEqual([result.staged, result.custodian, tx.event?.name], [true, H1, 'RecordContentErased']);
    assert.deepEqual(
      h.ledger.committedPrivateKeys(implicit).filter((k) => k.includes(recordId)),
      [],
    );
    await assert.rejects(
      h.submit(
        doc,
        'record:AnchorRecord',
        { ...meta, previousHash: null, ...staged },
        { transient: { subject: { patientDid: patient.did } } },
      ),
      /\[CONTENT_NOT_STAGED\]/,
    );
    await assert.rejects(
      h.submit(orgAdmin(H1), 'record:PurgeStagedContent', { recordId, version: 1, reason: 'data_error' }),
      /\[NOT_FOUND\]/,
    );
  });

  void it('hole 10: when a version is anchored, then PurgeStagedContent refuses it (erasure is the path)', async () => {
    const w = await world();
    await assert.rejects(
      w.h.submit(orgAdmin(H1), 'record:PurgeStagedContent', {
        recordId: w.record.recordId,
        version: 1,
        reason: 'data_error',
      }),
      /\[CONFLICT\]/,
    );
  });

  void it('hole 10: when Hospital2 anchors a record id Hospital1 already uses, then both records exist under their own custodians', async () => {
    const h = new Harness();
    const patient = await registerPatient(h);
    const doc1 = await registerStaff(h, H1, 'attending', 'cardiology');
    const doc2 = await registerStaff(h, H2, 'attending', 'cardiology');
    const recordId = uid('rec');
    const first = await anchor(h, doc1, patient, { recordId });
    const second = await anchor(h, doc2, patient, { recordId });
    assert.equal(second.anchor.custodian, H2);
    for (const [custodian, hash] of [
      [H1, first.anchor.contentHash],
      [H2, second.anchor.contentHash],
    ] as const) {
      const got = await h.evaluate<RecordAnchor>(doc1, 'record:GetRecord', { recordId, custodian });
      assert.deepEqual([got.custodian, got.contentHash], [custodian, hash]);
    }
    await assert.rejects(anchor(h, doc1, patient, { recordId }), /\[ALREADY_EXISTS\]/);
  });
});

void describe('insiders: hole 11, appended break-glass reviews', () => {
  async function breakGlass(w: World, doctor: FakeSigner): Promise<AccessDecision> {
    const d = await access(w, doctor, { purpose: 'emergency', breakGlassReason: 'unconscious_patient' });
    assert.equal(d.reason, 'BREAK_GLASS');
    return d;
  }

  void it('hole 11: when the custodian clears its own doctor, then the regulator still reviews, its verdict stands, and the custodian cannot override it', async () => {
    const w = await world();
    const er = await registerStaff(w.h, H1, 'attending', 'er');
    const d = await breakGlass(w, er);
    const review = (who: FakeSigner, outcome: string, suspend = false) =>
      w.h.submit<BreakGlassState>(who, 'access:ReviewBreakGlass', {
        accessId: d.accessId,
        custodian: H1,
        outcome,
        suspend,
      });
    const first = await review(orgAdmin(H1), 'justified');
    assert.deepEqual([first.result.status, first.result.outcome], ['custodian_reviewed', 'justified']);
    const auditor = await registerStaff(w.h, REGULATOR, 'auditor', null);
    const second = await review(auditor, 'unjustified', true);
    assert.deepEqual(
      [second.result.status, second.result.outcome, second.result.suspended, second.result.reviews.length],
      ['regulator_reviewed', 'unjustified', true, 2],
    );
    assert.equal(second.tx.event?.name, 'BreakGlassReviewed');
    assert.ok(
      !second.tx.response.includes(w.patient.did),
      'the result (written into the block) names no patient',
    );
    await assert.rejects(review(orgAdmin(H1), 'justified'), /\[CONFLICT\]/);
    // Suspended: the doctor's next decision is an audited denial, and the open grant reads nothing.
    assert.equal((await access(w, er, { purpose: 'treatment' })).reason, 'INACTIVE');
    await assert.rejects(read(w, er, d.accessId), /\[INACTIVE\]/);
    // The regulator may review again; a justified verdict lifts the suspension.
    const third = await review(auditor, 'justified');
    assert.deepEqual(
      [third.result.outcome, third.result.suspended, third.result.reviews.length],
      ['justified', false, 3],
    );
    assert.equal((await access(w, er, { purpose: 'treatment' })).outcome, 'granted');
  });

  void it('hole 11: when the regulator finds a break-glass access unjustified, then its open grant reads no more content', async () => {
    const w = await world();
    const er = await registerStaff(w.h, H1, 'attending', 'er');
    const d = await breakGlass(w, er);
    await read(w, er, d.accessId);
    const auditor = await registerStaff(w.h, REGULATOR, 'auditor', null);
    await w.h.submit(auditor, 'access:ReviewBreakGlass', {
      accessId: d.accessId,
      custodian: H1,
      outcome: 'unjustified',
    });
    await assert.rejects(read(w, er, d.accessId), /\[ACCESS_NOT_GRANTED\] \w+ BREAK_GLASS_DISALLOWED/);
  });

  void it('hole 11: when suspension is asked with a justified verdict, or by someone else, then it is refused', async () => {
    const w = await world();
    const er = await registerStaff(w.h, H1, 'attending', 'er');
    const d = await breakGlass(w, er);
    await assert.rejects(
      w.h.submit(orgAdmin(H1), 'access:ReviewBreakGlass', {
        accessId: d.accessId,
        custodian: H1,
        outcome: 'justified',
        suspend: true,
      }),
      /\[VALIDATION_FAILED\] suspend/,
    );
    await assert.rejects(
      w.h.submit(orgAdmin(H2), 'access:ReviewBreakGlass', {
        accessId: d.accessId,
        custodian: H1,
        outcome: 'unjustified',
      }),
      /\[FORBIDDEN\]/,
    );
  });
});

void describe('insiders: hole 15, VerifyRecord stays on the caller’s org', () => {
  void it("hole 15: when VerifyRecord runs on a peer of another org than the caller's, then it refuses, and on its own org's peer it verifies", async () => {
    const w = await world();
    const input = { recordId: w.record.recordId, custodian: H1 };
    const sawSalt = () => w.h.ledger.orgView(RESEARCH).some((s) => s.includes(w.envelope.salt));
    const ok = await w.h.evaluate<{ matches: boolean }>(w.doc1, 'record:VerifyRecord', input, {
      transient: { content: w.envelope },
    });
    assert.equal(ok.matches, true);
    assert.equal(sawSalt(), false, 'routed by the registry, the copy stays on the caller’s org');
    await assert.rejects(
      w.h.evaluate(w.doc1, 'record:VerifyRecord', input, {
        transient: { content: w.envelope },
        peer: RESEARCH,
      }),
      /\[FORBIDDEN\]/,
    );
    // Sent elsewhere, the peer received the copy before the chaincode refused: the pin is the caller's.
    assert.equal(sawSalt(), true);
  });
});
