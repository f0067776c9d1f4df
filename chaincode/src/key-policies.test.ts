import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalBytes, KeyFamily, type AccessDecision } from '@medledger/domain';
import type { Context } from 'fabric-contract-api';
import { allOf, decodePolicy, policyBytes, regulatorAndOneOf } from './ledger/policies';
import { activeStudy, anchor, consentGrantBody, type PresentedConsent } from './testing/fixtures';
import { Harness, ORGS, orgAdmin, patientJws, registerPatient, registerStaff } from './testing/harness';
import type { Committed } from './testing/memory-ledger';

/**
 * A rewritten key keeps its key-level policy without setting it again. On a peer, a transaction that
 * writes a key after another transaction of the same block set that key's policy is invalid as
 * ENDORSEMENT_POLICY_FAILURE ("validation parameters changed"), not as the MVCC conflict a client
 * retries; so only a new key, or one whose policy must change, carries a policy in its write set.
 */

const H1 = 'Hospital1MSP';
const H2 = 'Hospital2MSP';
const REGULATOR = 'RegulatorMSP';
const RESEARCH = 'ResearchMSP';

/** The committed key of a consent's use counter. */
function useKey(consentId: string): string {
  return `\u0000${KeyFamily.consentUse}\u0000${consentId}\u0000`;
}

/** The keys of one family whose policy a transaction set. */
function policiesSet(tx: Committed<string>, family: string): string[] {
  return [...tx.validationParameters.keys()].filter((k) => k.startsWith(`\u0000${family}\u0000`));
}

async function useLimited(): Promise<{
  h: Harness;
  consent: PresentedConsent;
  granted: Committed<string>;
  decide: () => Promise<{ decision: AccessDecision; tx: Committed<string> }>;
}> {
  const h = new Harness();
  const patient = await registerPatient(h);
  const writer = await registerStaff(h, H1, 'attending', 'cardiology');
  const { anchor: record } = await anchor(h, writer, patient);
  const doctor = await registerStaff(h, H2, 'attending', 'er');
  const relay = await registerStaff(h, H2, 'nurse', 'er');
  const jws = patientJws(h, patient, consentGrantBody(h, { maxReads: 3 }));
  const { result, tx: granted } = await h.submit<{ consentId: string }>(
    relay,
    'consent:GrantConsent',
    {},
    { transient: { consent: { jws } } },
  );
  assert.equal(granted.status, 'VALID');
  const consent: PresentedConsent = { consentId: result.consentId, jws };
  const decide = async () => {
    const { result, tx } = await h.submit<AccessDecision>(
      doctor,
      'access:AccessRecord',
      { recordId: record.recordId, custodian: H1, purpose: 'treatment' },
      { transient: { consents: [consent] } },
    );
    assert.equal(tx.status, 'VALID');
    return { decision: result, tx };
  };
  return { h, consent, granted, decide };
}

void describe('key-level policies: set when a key is new or its policy changes, never again', () => {
  void it("when a use-limited consent is granted and its reads counted, then the grant creates the counter with the regulator's-and-one-other's policy and no count sets it again", async () => {
    const { h, consent, granted, decide } = await useLimited();
    const key = useKey(consent.consentId);
    assert.deepEqual(policiesSet(granted, KeyFamily.consentUse), [key]);
    const counted = [await decide(), await decide()];
    assert.deepEqual(
      counted.map((c) => c.decision.reason),
      ['CONSENT', 'CONSENT'],
    );
    for (const { tx } of counted) {
      assert.ok(tx.writes.has(key), 'each count is written');
      assert.deepEqual(policiesSet(tx, KeyFamily.consentUse), []);
    }
    const policy = h.ledger.readValidationParameter(key);
    assert.ok(policy);
    assert.deepEqual(decodePolicy(policy), regulatorAndOneOf(REGULATOR, [...ORGS]));
  });

  void it('when two orgs without the regulator rewrite a counter whose policy was not set again, then the peer still refuses it', async () => {
    const { h, consent, decide } = await useLimited();
    await decide();
    await decide();
    const key = useKey(consent.consentId);
    const forged = canonicalBytes({ consentId: consent.consentId, reads: 0, lastTxId: 'x' });
    const put = (endorsers: string[]) =>
      h.ledger.submit({ signer: orgAdmin(endorsers[0] ?? H1), endorsers }, async (ctx: Context) => {
        await ctx.stub.putState(key, forged);
        return '';
      });
    assert.equal((await put([H1, H2])).status, 'ENDORSEMENT_POLICY_FAILURE');
    assert.equal((await put([REGULATOR])).status, 'ENDORSEMENT_POLICY_FAILURE');
  });

  void it("when a counter's stored policy is not the one the code gives it, then the next count restores it", async () => {
    const { h, consent, decide } = await useLimited();
    await decide();
    const key = useKey(consent.consentId);
    // The regulator and a hospital (what the counter's policy asks) let the custodian alone change it.
    const weakened = await h.ledger.submit(
      { signer: orgAdmin(REGULATOR), endorsers: [REGULATOR, H1] },
      async (ctx: Context) => {
        await ctx.stub.setStateValidationParameter(key, policyBytes(allOf([H1])));
        return '';
      },
    );
    assert.equal(weakened.status, 'VALID');
    const { tx } = await decide();
    assert.deepEqual(policiesSet(tx, KeyFamily.consentUse), [key]);
    const policy = h.ledger.readValidationParameter(key);
    assert.ok(policy);
    assert.deepEqual(decodePolicy(policy), regulatorAndOneOf(REGULATOR, [...ORGS]));
  });

  void it("when a record's second version is anchored, then the latest state is rewritten without its policy; the first version set it", async () => {
    const h = new Harness();
    const patient = await registerPatient(h);
    const doctor = await registerStaff(h, H1, 'attending', 'cardiology');
    const v1 = await anchor(h, doctor, patient);
    const v2 = await anchor(h, doctor, patient, {
      recordId: v1.anchor.recordId,
      version: 2,
      previousHash: v1.anchor.contentHash,
    });
    const latest = `\u0000${KeyFamily.recordLatest}\u0000${H1}\u0000${v1.anchor.recordId}\u0000`;
    assert.deepEqual(policiesSet(v1.tx, KeyFamily.recordLatest), [latest]);
    assert.deepEqual(policiesSet(v2.tx, KeyFamily.recordLatest), []);
    assert.ok(v2.tx.writes.has(latest), 'the latest state is rewritten');
    const policy = h.ledger.readValidationParameter(latest);
    assert.ok(policy);
    assert.deepEqual(decodePolicy(policy), allOf([H1, REGULATOR]));
  });

  void it("when a study is proposed, then only the study org with the regulator may change its record: the research org's peer alone widening it is refused", async () => {
    const h = new Harness();
    const lead = await registerStaff(h, RESEARCH, 'researcher', null);
    const studyId = await activeStudy(h, lead);
    const key = `\u0000${KeyFamily.study}\u0000${studyId}\u0000`;
    const policy = h.ledger.readValidationParameter(key);
    assert.ok(policy);
    assert.deepEqual(decodePolicy(policy), allOf([RESEARCH, REGULATOR]));
    const widened = await h.ledger.submit({ signer: lead, endorsers: [RESEARCH] }, async (ctx: Context) => {
      const study = JSON.parse(Buffer.from(await ctx.stub.getState(key)).toString('utf8')) as Record<
        string,
        unknown
      >;
      await ctx.stub.putState(
        key,
        canonicalBytes({ ...study, maxLevel: 4, categories: ['diagnosis', 'genetic'] }),
      );
      return '';
    });
    assert.equal(widened.status, 'ENDORSEMENT_POLICY_FAILURE');
  });
});
