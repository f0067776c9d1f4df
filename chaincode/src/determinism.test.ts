import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalJson, transactions } from '@medledger/domain';
import { condition, recordMeta, salt } from './testing/fixtures';
import type { FakeSigner } from './testing/fake-identity';
import { daysFromNow, Harness, patientJws, registerPatient, registerStaff, uid } from './testing/harness';
import type { Committed, TransientValue } from './testing/memory-ledger';

/**
 * What a transaction's endorsement holds, as text. `sealed` masks the values of private keys holding
 * ciphertext (content and wrapped data keys), which are random by design (content-at-rest.ts).
 */
function snapshot(tx: Committed<string>, sealed = false): string {
  const isSealed = (key: string) =>
    sealed && (key.includes('\u0000content\u0000') || key.includes('\u0000data-key\u0000'));
  const hex = (b: Buffer | null) => (b === null ? null : b.toString('hex'));
  return canonicalJson({
    response: tx.response,
    writes: [...tx.writes].map(([k, v]) => [k, hex(v)]),
    privateWrites: [...tx.privateWrites].map(([c, m]) => [
      c,
      [...m].map(([k, v]) => [k, isSealed(k) ? 'sealed' : hex(v)]),
    ]),
    purges: [...tx.purges].map(([c, s]) => [c, [...s]]),
    sbe: [...tx.validationParameters].map(([k, v]) => [k, v.toString('hex')]),
    event: tx.event ? [tx.event.name, tx.event.payload.toString('hex')] : null,
  });
}

/** Runs the same transaction (same signer, tx id, time, input) on two copies of the same state. */
async function twice(
  base: Harness,
  signer: FakeSigner,
  name: string,
  input: unknown,
  transient?: Record<string, TransientValue>,
  sealed = false,
): Promise<[string, string, Committed<string>, Committed<string>]> {
  const txId = 'd'.repeat(63) + String(name.length % 10);
  const time = base.ledger.now;
  // Endorsed as the registry says (two orgs for each of these): both peers must agree.
  const options = { txId, time, ...(transient ? { transient } : {}) };
  const a = new Harness(base.ledger.clone());
  const b = new Harness(base.ledger.clone());
  const ra = await a.submit(signer, name, input, options);
  const rb = await b.submit(signer, name, input, options);
  return [snapshot(ra.tx, sealed), snapshot(rb.tx, sealed), ra.tx, rb.tx];
}

void describe('determinism', () => {
  void it('when the same transaction runs twice on the same state, then writes, events and responses are identical', async () => {
    const h = new Harness();
    const patient = await registerPatient(h);
    const doctor = await registerStaff(h, 'Hospital1MSP', 'attending', 'cardiology');
    const relay = await registerStaff(h, 'Hospital1MSP', 'nurse', 'cardiology');
    const recordId = uid('rec');
    const meta = recordMeta(recordId);
    const envelope = { resource: condition(), salt: salt() };

    const subject = { subject: { patientDid: patient.did } };
    // Staging seals content under a random data key: one peer of the custodian endorses it, so only
    // the ciphertext differs between two simulations, and nothing else may.
    assert.equal(transactions.StageRecordContent.endorsement, 'custodian-only');
    const [s1, s2, t1, t2] = await twice(
      h,
      doctor,
      'record:StageRecordContent',
      meta,
      { content: envelope, ...subject },
      true,
    );
    assert.equal(s1, s2);
    assert.notEqual(snapshot(t1), snapshot(t2));

    const { result: staged } = await h.submit<{
      contentHash: string;
      qualityStatus: string;
      reasons: string[];
    }>(doctor, 'record:StageRecordContent', meta, { transient: { content: envelope, ...subject } });
    const anchorInput = { ...meta, previousHash: null, ...staged };
    const [a1, a2] = await twice(h, doctor, 'record:AnchorRecord', anchorInput, subject);
    assert.equal(a1, a2);
    await h.submit(doctor, 'record:AnchorRecord', anchorInput, { transient: subject });

    const grant = {
      jws: patientJws(h, patient, {
        typ: 'medledger.consent.grant',
        grantee: { kind: 'org', mspId: 'Hospital2MSP' },
        categories: ['diagnosis'],
        maxLevel: 3,
        purpose: 'treatment',
        periodStart: daysFromNow(h, -1),
        periodEnd: daysFromNow(h, 10),
      }),
    };
    const [g1, g2] = await twice(h, relay, 'consent:GrantConsent', {}, { consent: grant });
    assert.equal(g1, g2);
    const { result: consent } = await h.submit<{ consentId: string }>(
      relay,
      'consent:GrantConsent',
      {},
      {
        transient: { consent: grant },
      },
    );

    const doc2 = await registerStaff(h, 'Hospital2MSP', 'attending', 'er');
    const [x1, x2] = await twice(
      h,
      doc2,
      'access:AccessRecord',
      { recordId, custodian: 'Hospital1MSP', purpose: 'treatment' },
      { consents: [{ consentId: consent.consentId, jws: grant.jws }] },
    );
    assert.equal(x1, x2);
    assert.ok(x1.includes('"AccessDecided"'));
  });
});
