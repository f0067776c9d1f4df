import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalJson } from '@medledger/domain';
import { condition, recordMeta, salt } from './testing/fixtures';
import type { FakeSigner } from './testing/fake-identity';
import { daysFromNow, Harness, patientJws, registerPatient, registerStaff, uid } from './testing/harness';
import type { Committed, TransientValue } from './testing/memory-ledger';

function snapshot(tx: Committed<string>): string {
  const hex = (b: Buffer | null) => (b === null ? null : b.toString('hex'));
  return canonicalJson({
    response: tx.response,
    writes: [...tx.writes].map(([k, v]) => [k, hex(v)]),
    privateWrites: [...tx.privateWrites].map(([c, m]) => [c, [...m].map(([k, v]) => [k, hex(v)])]),
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
): Promise<[string, string]> {
  const txId = 'd'.repeat(63) + String(name.length % 10);
  const time = base.ledger.now;
  // Endorsed as the registry says (two orgs for each of these): both peers must agree.
  const options = { txId, time, ...(transient ? { transient } : {}) };
  const a = new Harness(base.ledger.clone());
  const b = new Harness(base.ledger.clone());
  const ra = await a.submit(signer, name, input, options);
  const rb = await b.submit(signer, name, input, options);
  return [snapshot(ra.tx), snapshot(rb.tx)];
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
    const [s1, s2] = await twice(h, doctor, 'record:StageRecordContent', meta, {
      content: envelope,
      ...subject,
    });
    assert.equal(s1, s2);

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
