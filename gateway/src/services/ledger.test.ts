import assert from 'node:assert/strict';

import {
  generatePatientKey,
  qualifiedName,
  transactions,
  type TransactionName,
  type TransactionSpec,
} from '@medledger/domain';

import type { EndorsedTransaction } from '../fabric/ledger-port';
import { FakeLedgerClient, txId } from '../testing/fake-ledger';
import { describe, it } from '../testing/node-test';
import { Ledger, type EvaluateName, type SubmitName } from './ledger';

const ORG = 'Hospital1MSP';
const CUSTODIAN = 'Hospital2MSP';
const caller = { enrollmentId: 'doc1' };
const patientDid = 'did:medledger:patient:abcdefgh12';
const metadata = {
  recordId: 'rec-1',
  patientDid,
  department: 'cardiology',
  category: 'diagnosis',
  level: 3,
  fhirResourceType: 'Condition',
  version: 1,
};
const hash = 'ab'.repeat(32);
const jws = 'eyJh.eyJi.c2ln';
const content = { resource: { resourceType: 'Condition' }, salt: 'a'.repeat(32) };

/** A valid input of every transaction (the compiler asks for one when the registry grows). */
const INPUTS: Record<TransactionName, unknown> = {
  RegisterStaff: { enrollmentId: 'nurse7', role: 'nurse', department: 'cardiology' },
  UpdateStaff: { did: 'did:medledger:hospital1:nurse7', role: 'attending' },
  DeactivateStaff: { did: 'did:medledger:hospital1:nurse7' },
  RegisterPatient: { patientDid, publicKeyJwk: generatePatientKey().publicJwk },
  RotatePatientKey: { jws },
  ResolveDid: { did: patientDid },
  GrantConsent: { jws },
  RevokeConsent: { jws },
  SetPatientPreferences: { jws },
  ListPatientConsents: { patientDid },
  ListGranteeConsents: { grantee: { kind: 'org', mspId: CUSTODIAN } },
  StageRecordContent: metadata,
  AnchorRecord: {
    ...metadata,
    previousHash: null,
    contentHash: hash,
    qualityStatus: 'accepted',
    reasons: [],
  },
  GetRecord: { recordId: 'rec-1' },
  GetRecordHistory: { recordId: 'rec-1' },
  VerifyRecord: { recordId: 'rec-1' },
  ReviewRecordQuality: { recordId: 'rec-1', version: 1 },
  EraseRecordContent: { recordId: 'rec-1', reason: 'patient_request' },
  AccessRecord: { recordId: 'rec-1', purpose: 'treatment' },
  ReadRecordContent: { recordId: 'rec-1', accessId: txId() },
  ReviewBreakGlass: { accessId: txId(), outcome: 'justified' },
  RegisterStudy: {
    studyId: 'study-1',
    categories: ['lab'],
    maxLevel: 3,
    periodStart: '2026-01-01T00:00:00.000Z',
    periodEnd: '2027-01-01T00:00:00.000Z',
    ethicsApprovalRef: 'ETH-1',
  },
  GetStudy: { studyId: 'study-1' },
  GetStudyCohort: { studyId: 'study-1' },
  QueryAudit: { by: 'patient', id: patientDid },
  GetAuditEvent: { eventId: txId() },
  LoadSyntheticAuditEvents: { count: 1 },
  Ping: {},
  GetBuildInfo: {},
};

/** What a call of `spec` needs besides its input. */
function optionsFor(spec: TransactionSpec): { content?: unknown; custodian?: string } {
  return {
    ...(spec.transient ? { content } : {}),
    ...(spec.targetsCustodian ? { custodian: CUSTODIAN } : {}),
  };
}

/** Calls `name` through `ledger` as the registry declares it. */
async function callDeclared(ledger: Ledger, name: TransactionName): Promise<void> {
  const spec: TransactionSpec = transactions[name];
  const options = optionsFor(spec) as never;
  if (spec.kind === 'submit') await ledger.submit(caller, name as SubmitName, INPUTS[name], options);
  else await ledger.evaluate(caller, name as EvaluateName, INPUTS[name], options);
}

/** Compile-time checks: the compiler refuses a call against the registry (never run). */
export function refusedByTheCompiler(ledger: Ledger): void {
  // @ts-expect-error -- GetRecord is declared evaluate, not submit
  void ledger.submit(caller, 'GetRecord', {});
  // @ts-expect-error -- AnchorRecord is declared submit, not evaluate
  void ledger.evaluate(caller, 'AnchorRecord', {});
  // @ts-expect-error -- ReadRecordContent targets the custodian, which must be named
  void ledger.evaluate(caller, 'ReadRecordContent', {});
  // @ts-expect-error -- StageRecordContent takes content in the transient map
  void ledger.submit(caller, 'StageRecordContent', {});
  // @ts-expect-error -- GetRecord does not target a custodian
  void ledger.evaluate(caller, 'GetRecord', {}, { custodian: CUSTODIAN });
}

describe('the ledger follows the transaction registry', () => {
  it('when every registered transaction is called as declared, then the client gets its declared kind and endorsing orgs', async () => {
    const fake = new FakeLedgerClient();
    const ledger = new Ledger(fake, { org: ORG });
    const seen = new Set<string>();
    for (const name of Object.keys(transactions) as TransactionName[]) {
      const spec: TransactionSpec = transactions[name];
      const before = fake.calls.length;
      await callDeclared(ledger, name);
      const sent = fake.calls.slice(before);
      assert.equal(sent.length, 1, name);
      const [call] = sent;
      assert.ok(call);
      assert.equal(call.fn, qualifiedName(name));
      assert.equal(call.kind, spec.kind, `${name} kind`);
      assert.equal(
        spec.endorsement === 'none',
        spec.kind === 'evaluate',
        `${name}: only reads endorse nothing`,
      );
      const endorsers = call.options.endorsingOrganizations;
      if (spec.endorsement === 'custodian-only') assert.deepEqual(endorsers, [ORG], name);
      else if (spec.targetsCustodian) assert.deepEqual(endorsers, [CUSTODIAN], name);
      else assert.equal(endorsers, undefined, `${name} is left to the chaincode's policy`);
      seen.add(spec.endorsement + (spec.targetsCustodian ? '+custodian' : ''));
    }
    assert.deepEqual([...seen].sort(), ['custodian-only', 'none', 'none+custodian', 'two-orgs']);
  });

  it('when a transaction is called as the other kind, then the ledger refuses it before the client is called', async () => {
    const fake = new FakeLedgerClient();
    const ledger = new Ledger(fake, { org: ORG });
    await assert.rejects(
      ledger.evaluate(caller, 'AnchorRecord' as EvaluateName, INPUTS.AnchorRecord),
      /AnchorRecord is declared submit/,
    );
    await assert.rejects(
      ledger.submit(caller, 'GetRecord' as SubmitName, INPUTS.GetRecord),
      /GetRecord is declared evaluate/,
    );
    assert.equal(fake.calls.length, 0);
  });

  it('when a custodian-targeted read names no custodian, or another read names one, then the ledger refuses it', async () => {
    const fake = new FakeLedgerClient();
    const ledger = new Ledger(fake, { org: ORG });
    await assert.rejects(
      ledger.evaluate(caller, 'ReadRecordContent', INPUTS.ReadRecordContent, {} as never),
      /needs the custodian/,
    );
    await assert.rejects(
      ledger.evaluate(caller, 'GetRecord', INPUTS.GetRecord, { custodian: CUSTODIAN } as never),
      /only custodian-targeted/,
    );
    assert.equal(fake.calls.length, 0);
  });

  it('when a write is simulated, then it is evaluated as its submit would be endorsed and nothing commits', async () => {
    const fake = new FakeLedgerClient();
    const ledger = new Ledger(fake, { org: ORG });
    await ledger.simulate(caller, 'RegisterStaff', INPUTS.RegisterStaff);
    await ledger.simulate(caller, 'StageRecordContent', INPUTS.StageRecordContent, { content });
    assert.deepEqual(
      fake.calls.map((c) => [c.kind, c.fn, c.options.endorsingOrganizations]),
      [
        ['evaluate', 'identity:RegisterStaff', undefined],
        ['evaluate', 'record:StageRecordContent', [ORG]],
      ],
    );
    assert.equal(fake.committed.size, 0);
  });
});

describe('the journaled ledger', () => {
  /** A journal that keeps what it hears. */
  const journalOf = (prior: readonly EndorsedTransaction[] = []) => {
    const heard: EndorsedTransaction[] = [];
    return { prior, heard, endorsed: (tx: EndorsedTransaction) => heard.push(tx) };
  };

  it('when a journaled ledger submits, then the journal hears of each endorsement before the answer, and reads are not journaled', async () => {
    const fake = new FakeLedgerClient();
    const journal = journalOf();
    const ledger = new Ledger(fake, { org: ORG }).journaled(journal);
    const first = await ledger.submit(caller, 'Ping', {});
    await ledger.evaluate(caller, 'GetRecord', INPUTS.GetRecord);
    const second = await ledger.submit(caller, 'AccessRecord', INPUTS.AccessRecord);
    assert.deepEqual(
      journal.heard.map((t) => [t.fn, t.txId]),
      [
        ['health:Ping', first.txId],
        ['access:AccessRecord', second.txId],
      ],
    );
  });

  it("when the journal holds an earlier attempt's committed transaction, then the submit returns it, tells the journal, and writes nothing", async () => {
    const fake = new FakeLedgerClient();
    const base = new Ledger(fake, { org: ORG });
    const earlier = await base.submit(caller, 'Ping', {});
    const writes = fake.committed.size;
    const journal = journalOf([{ fn: 'health:Ping', txId: earlier.txId }]);
    const retried = await base.journaled(journal).submit(caller, 'Ping', {});
    assert.equal(retried.txId, earlier.txId);
    assert.equal(fake.committed.size, writes);
    assert.deepEqual(journal.heard, [{ fn: 'health:Ping', txId: earlier.txId }]);
  });

  it('when a journaled ledger has a failpoint, then every submit carries both and the base ledger neither', async () => {
    const fake = new FakeLedgerClient();
    const base = new Ledger(fake, { org: ORG });
    const journal = journalOf();
    await base.journaled(journal).withFailpoint('after-commit').submit(caller, 'Ping', {});
    await base.submit(caller, 'Ping', {});
    const [withBoth, plain] = fake.callsOf('health:Ping');
    assert.ok(withBoth && plain);
    assert.equal(withBoth.options.failpoint, 'after-commit');
    assert.equal(typeof withBoth.options.onEndorsed, 'function');
    assert.equal(plain.options.failpoint, undefined);
    assert.equal(plain.options.onEndorsed, undefined);
    assert.equal(journal.heard.length, 1);
  });
});
