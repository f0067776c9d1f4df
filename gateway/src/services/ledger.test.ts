import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';

import {
  generatePatientKey,
  qualifiedName,
  transactions,
  type Endorsement,
  type TransactionName,
  type TransactionSpec,
} from '@medledger/domain';

import { AppError } from '../errors';
import type { EndorsedTransaction } from '../fabric/ledger-port';
import { FakeLedgerClient, txId } from '../testing/fake-ledger';
import { describe, it } from '../testing/node-test';
import { Ledger, type EvaluateName, type SubmitName } from './ledger';

const ORG = 'Hospital1MSP';
const CUSTODIAN = 'Hospital2MSP';
const REGULATOR = 'RegulatorMSP';
const INSURER = 'InsurerMSP';
const ORGS = ['Hospital1MSP', 'Hospital2MSP', 'ResearchMSP', REGULATOR, INSURER];
const caller = { enrollmentId: 'doc1' };
const patientDid = 'did:medledger:patient:abcdefgh12';
const metadata = {
  recordId: 'rec-1',
  department: 'cardiology',
  category: 'diagnosis',
  level: 3,
  fhirResourceType: 'Condition',
  version: 1,
};
const hash = 'ab'.repeat(32);
const jws = 'eyJh.eyJi.c2ln';
const content = { resource: { resourceType: 'Condition' }, salt: 'a'.repeat(32) };
const subject = { patientDid };

/** A valid input of every transaction (the compiler asks for one when the registry grows). */
const INPUTS: Record<TransactionName, unknown> = {
  InitConsortium: { orgs: ORGS },
  JoinConsortium: {},
  InstallCollectionKey: {},
  InstallStudySecret: {},
  GetConsortium: {},
  RegisterStaff: { enrollmentId: 'nurse7', role: 'nurse', department: 'cardiology' },
  UpdateStaff: { did: 'did:medledger:hospital1:nurse7', role: 'attending' },
  DeactivateStaff: { did: 'did:medledger:hospital1:nurse7' },
  ProposeStaffRoleChange: { did: 'did:medledger:hospital1:nurse7', role: 'admin' },
  ApproveStaffRoleChange: { did: 'did:medledger:hospital1:nurse7', proposalId: txId() },
  RegisterPatient: {},
  RotatePatientKey: {},
  RecoverPatientKey: {},
  ResolveDid: { did: patientDid },
  GrantConsent: {},
  RevokeConsent: {},
  AttestDeletion: { consentId: txId() },
  SetPatientPreferences: {},
  GetPatientPreferences: { patientDid },
  ResolveAccessConsents: { accesses: [{ accessId: txId(), custodian: CUSTODIAN }] },
  GetConsent: { consentId: txId() },
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
  GetRecord: { recordId: 'rec-1', custodian: CUSTODIAN },
  GetRecordHistory: { recordId: 'rec-1', custodian: CUSTODIAN },
  VerifyRecord: { recordId: 'rec-1', custodian: CUSTODIAN },
  ReviewRecordQuality: { recordId: 'rec-1', version: 1 },
  EraseRecordContent: { recordId: 'rec-1', reason: 'patient_request' },
  PurgeStagedContent: { recordId: 'rec-1', version: 1, reason: 'data_error' },
  ListWrappedDataKeys: { limit: 10 },
  RewrapDataKeys: { versions: [{ recordId: 'rec-1', version: 1 }] },
  AccessRecord: { recordId: 'rec-1', custodian: CUSTODIAN, purpose: 'treatment' },
  ReadRecordContent: { recordId: 'rec-1', custodian: CUSTODIAN, accessId: txId() },
  CoSignBreakGlass: { requestId: txId(), custodian: CUSTODIAN },
  ReviewBreakGlass: { accessId: txId(), custodian: CUSTODIAN, outcome: 'justified' },
  RecordDataUse: { custodian: CUSTODIAN },
  TraceLeak: { hashes: [hash], rows: [{ pseudonym: 'ab'.repeat(16), resourceHash: hash }], receipts: [] },
  OpenRecordListing: {},
  ListPatientRecords: { listingId: txId() },
  ConfirmPatientRecord: { custodian: CUSTODIAN, recordId: 'rec-1' },
  OpenPatientAccess: { custodian: CUSTODIAN, records: [{ recordId: 'rec-1', version: 1 }] },
  ReadPatientContent: { custodian: CUSTODIAN, accessId: txId() },
  RequestErasure: { custodian: CUSTODIAN, recordId: 'rec-1' },
  AnswerErasureRequest: { requestId: txId(), answer: 'erased' },
  ListErasureRequests: {},
  ProposeStudy: {
    studyId: 'study-1',
    categories: ['diagnosis'],
    maxLevel: 3,
    periodStart: '2026-01-01T00:00:00.000Z',
    periodEnd: '2027-01-01T00:00:00.000Z',
    sites: ['Hospital1MSP', 'Hospital2MSP'],
    quorum: { kind: 'all' },
    protocolHash: hash,
  },
  DecideStudy: { studyId: 'study-1', decision: 'approved', protocolVersion: 1 },
  ChangeStudy: { studyId: 'study-1', action: 'activate' },
  GetStudyGovernance: { studyId: 'study-1' },
  GetStudy: { studyId: 'study-1' },
  GetStudyCohort: { studyId: 'study-1' },
  AssignStudyTask: {
    studyId: 'study-1',
    taskId: 'task-1',
    site: 'Hospital1MSP',
    cohort: { criteriaId: 'criteria-1', criteriaHash: hash },
    recordCount: 10,
    dueDate: '2026-06-01T00:00:00.000Z',
  },
  RecordContribution: { studyId: 'study-1', taskId: 'task-1', datasetHash: hash },
  GetStudyCredit: { studyId: 'study-1' },
  GetContributionPoints: { patientDid },
  FreezeAccess: { subject: { kind: 'org', mspId: CUSTODIAN }, reason: 'data_leak' },
  LiftFreeze: { freezeId: txId(), org: CUSTODIAN },
  GetFreeze: { freezeId: txId() },
  ListFreezes: {},
  OpenIncident: {},
  LinkIncidentEvents: {},
  RecordIncidentStep: {},
  CloseIncident: {},
  GetIncident: { incidentId: txId() },
  ListIncidents: {},
  SubmitModelUpdate: { studyId: 'study-1', round: 1, updateHash: hash, sampleCount: 10 },
  AggregateRound: {
    studyId: 'study-1',
    round: 1,
    aggregateHash: hash,
    sites: ['Hospital1MSP'],
    merkleRoot: hash,
  },
  GetStudyRound: { studyId: 'study-1', round: 1 },
  AnchorResult: {
    studyId: 'study-1',
    resultId: 'model-1',
    kind: 'model',
    contentHash: hash,
    datasets: [],
    rounds: [1],
    derivedFrom: [],
  },
  GetResultLineage: { studyId: 'study-1', resultId: 'model-1' },
  AnchorCredential: {
    recordId: 'rec-1',
    version: 1,
    sdJwtHash: hash,
    issuerJwk: generatePatientKey().publicJwk,
  },
  GetCredentialAnchor: { custodian: 'Hospital1MSP', sdJwtHash: hash },
  QueryAudit: { by: 'patient', id: patientDid },
  GetAuditEvent: { eventId: txId() },
  LoadSyntheticAuditEvents: { count: 1 },
  RegisterCoverage: {},
  SuspendCoverage: { coverageId: 'cov-1', effective: '2026-03-01' },
  ReinstateCoverage: { coverageId: 'cov-1', effective: '2026-03-01' },
  EndCoverage: { coverageId: 'cov-1', effective: '2026-03-01' },
  GetCoverage: { coverageId: 'cov-1' },
  GetClaimContext: { coverageId: 'cov-1' },
  GetRecordLinks: { recordIds: ['rec-1'] },
  SubmitClaim: { claimId: 'clm-1', insurer: INSURER },
  GetClaim: { claimId: 'clm-1', provider: ORG },
  GetSettlementContext: {
    provider: ORG,
    insurer: INSURER,
    claimId: 'clm-1',
    disputeId: null,
    openEntries: true,
  },
  OpenDispute: { insurer: INSURER, claimId: 'clm-1' },
  ResolveDispute: { provider: ORG, insurer: INSURER, disputeId: txId() },
  CloseSettlementBatch: { provider: ORG, insurer: INSURER, currency: 'EUR' },
  GetUnindexedSettlementEntries: { provider: ORG, insurer: INSURER, after: null, limit: 500 },
  IndexOpenSettlementEntries: { provider: ORG, insurer: INSURER },
  GetClaimReport: { after: null },
  Ping: {},
  GetBuildInfo: {},
};

const card = 'ef'.repeat(32);
const item = { system: 'http://www.ama-assn.org/go/cpt', code: '99213' };
const claimLine = {
  item,
  servicedDate: '2026-02-01',
  quantity: 1,
  unitPrice: 100,
  recordId: 'rec-1',
  recordHash: 'ab'.repeat(32),
};

/** A valid transient map of every transaction that declares one. */
const TRANSIENTS: Partial<Record<TransactionName, unknown>> = {
  InstallCollectionKey: { collectionKey: { key: 'cd'.repeat(32) } },
  InstallStudySecret: { studySecret: { key: 'ef'.repeat(32) } },
  RegisterPatient: { patient: { patientDid, publicKeyJwk: generatePatientKey().publicJwk, proof: jws } },
  RotatePatientKey: { rotation: { jws } },
  RecoverPatientKey: { recovery: { jws } },
  GrantConsent: { consent: { jws } },
  RevokeConsent: { revocation: { jws, grantJws: jws } },
  SetPatientPreferences: { preferences: { jws } },
  RegisterCoverage: {
    coverage: {
      coverageId: 'cov-1',
      patientDid,
      planId: 'plan-1',
      periodStart: '2026-01-01',
      periodEnd: '2026-12-31',
      currency: 'EUR',
      deductible: 0,
      periodLimit: null,
      benefits: [{ item, rateBasisPoints: 10000, maxUnitPrice: 100, periodCap: null }],
    },
    card: { secret: card },
  },
  GetCoverage: { holder: { patientDid, card } },
  GetClaimContext: { holder: { patientDid, card } },
  SubmitClaim: {
    claim: { claimId: 'clm-1', coverageId: 'cov-1', patientDid, currency: 'EUR', lines: [claimLine] },
    consents: [{ consentId: txId(), jws }],
    presented: { card, coverage: 'e30=', usage: null, recordLinks: ['e30='], nonce: card },
  },
  OpenDispute: {
    dispute: { lineSequence: 1, reason: 'AMOUNT_MISCALCULATED', requestedAmount: 80 },
    presented: { claim: 'e30=', nonce: card },
  },
  ResolveDispute: {
    resolution: { approvedAmount: 80, resolution: 'ADJUDICATION_CORRECTED' },
    presented: { dispute: 'e30=', nonce: card },
  },
  CloseSettlementBatch: { presented: { entries: ['e30='], nonce: card } },
  IndexOpenSettlementEntries: { presented: { entries: ['e30='], nonce: card } },
  StageRecordContent: { content, subject },
  AnchorRecord: { subject },
  VerifyRecord: { content },
  AccessRecord: { consents: [{ consentId: txId(), jws }] },
  OpenRecordListing: { subject, request: { jws } },
  RecordContribution: { records: [{ recordId: 'rec-1', version: 1, accessId: txId() }] },
  RecordDataUse: {
    receipts: [
      {
        accessId: txId(),
        exportId: null,
        studyId: null,
        recipientDid: 'did:medledger:hospital1:nurse7',
        recipientMsp: 'Hospital1MSP',
        custodian: CUSTODIAN,
        recordId: 'rec-1',
        version: 1,
        contentHash: hash,
        resourceHash: hash,
        pseudonym: null,
        orderKey: null,
        issuedAt: '2026-01-01T00:00:00.000Z',
        mac: hash,
      },
    ],
  },
  OpenPatientAccess: { subject, request: { jws } },
  ConfirmPatientRecord: { request: { jws } },
  RequestErasure: { subject, request: { jws } },
  OpenIncident: { incident: { category: 'data_leak', severity: 'high' } },
  LinkIncidentEvents: { incident: { incidentId: txId(), links: [{ kind: 'freeze', freezeId: txId() }] } },
  RecordIncidentStep: { incident: { incidentId: txId(), step: 'contain' } },
  CloseIncident: { incident: { incidentId: txId(), finding: 'no_breach' } },
};

/** The party a call of `spec` names: the custodian or the grantee org (Hospital2 either way). */
function partyOf(spec: TransactionSpec): { custodian?: string; granteeOrg?: string; insurer?: string } {
  if (
    spec.endorsement === 'custodian+regulator' ||
    spec.endorsement === 'custodian' ||
    spec.endorsement === 'regulator+bystander'
  ) {
    return { custodian: CUSTODIAN };
  }
  if (spec.endorsement === 'provider+insurer+regulator' || spec.endorsement === 'insurer') {
    return { insurer: INSURER };
  }
  return spec.endorsement === 'grantee+regulator' ? { granteeOrg: CUSTODIAN } : {};
}

/** What a call of `name` needs besides its input. */
function optionsFor(name: TransactionName): object {
  const spec: TransactionSpec = transactions[name];
  return { ...(spec.transient ? { transient: TRANSIENTS[name] } : {}), ...partyOf(spec) };
}

/** Calls `name` through `ledger` as the registry declares it. */
async function callDeclared(ledger: Ledger, name: TransactionName): Promise<void> {
  const spec: TransactionSpec = transactions[name];
  const options = optionsFor(name) as never;
  if (spec.kind === 'submit') await ledger.submit(caller, name as SubmitName, INPUTS[name], options);
  else await ledger.evaluate(caller, name as EvaluateName, INPUTS[name], options);
}

/** The endorsing orgs each kind of endorsement must give, for a call from Hospital1 naming Hospital2. */
const EXPECTED: Readonly<Record<Endorsement, readonly string[] | undefined>> = {
  'custodian-only': [ORG],
  'own-org': [ORG],
  'custodian+regulator': [CUSTODIAN, REGULATOR],
  'grantee+regulator': [CUSTODIAN, REGULATOR],
  'caller+regulator': [ORG, REGULATOR],
  // The subject org named is Hospital2: the first org that is neither it nor the regulator.
  'regulator+bystander': [REGULATOR, ORG],
  'all-orgs': ORGS,
  // The custodians' collection: the hospitals and the regulator (not research, not the insurer).
  'custodians+regulator': ORGS.filter((o) => o !== 'ResearchMSP' && o !== INSURER),
  custodian: [CUSTODIAN],
  'provider+insurer+regulator': [ORG, INSURER, REGULATOR],
  insurer: [INSURER],
  regulator: [REGULATOR],
  'two-orgs': undefined,
  any: undefined,
};

/** Compile-time checks: the compiler refuses a call against the registry (never run). */
export function refusedByTheCompiler(ledger: Ledger): void {
  // @ts-expect-error -- GetRecord is declared evaluate, not submit
  void ledger.submit(caller, 'GetRecord', {});
  // @ts-expect-error -- AnchorRecord is declared submit, not evaluate
  void ledger.evaluate(caller, 'AnchorRecord', {});
  // @ts-expect-error -- ReadRecordContent is answered by the custodian, which must be named
  void ledger.evaluate(caller, 'ReadRecordContent', {});
  // @ts-expect-error -- StageRecordContent takes content and patient in the transient map
  void ledger.submit(caller, 'StageRecordContent', {});
  // @ts-expect-error -- AccessRecord is endorsed by the custodian and the regulator: name the custodian
  void ledger.submit(caller, 'AccessRecord', {}, { transient: {} });
  // @ts-expect-error -- GrantConsent is endorsed by the grantee org, not a custodian
  void ledger.submit(caller, 'GrantConsent', {}, { custodian: CUSTODIAN, transient: { consent: { jws } } });
  // @ts-expect-error -- GetRecord takes no transient map
  void ledger.evaluate(caller, 'GetRecord', {}, { transient: {} });
}

describe('the ledger follows the transaction registry', () => {
  it('when every registered transaction is called as declared, then the client gets its kind, endorsing orgs and transient map', async () => {
    const fake = new FakeLedgerClient();
    const ledger = new Ledger(fake, { org: ORG, orgs: ORGS });
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
      assert.deepEqual(call.options.endorsingOrganizations, EXPECTED[spec.endorsement], name);
      const keys = Object.keys(TRANSIENTS[name] ?? {}).sort();
      assert.deepEqual(Object.keys(call.options.transient ?? {}).sort(), keys, `${name} transient keys`);
      seen.add(spec.endorsement);
    }
    assert.deepEqual([...seen].sort(), Object.keys(EXPECTED).sort());
  });

  it('when a transaction carries a patient, then the patient is in the transient map and never in the argument', async () => {
    const fake = new FakeLedgerClient();
    const ledger = new Ledger(fake, { org: ORG, orgs: ORGS });
    for (const name of ['StageRecordContent', 'AnchorRecord', 'RegisterPatient'] as const) {
      await callDeclared(ledger, name);
      const call = fake.callsOf(qualifiedName(name))[0];
      assert.ok(call);
      assert.equal(JSON.stringify(call.input).includes(patientDid), false, name);
      assert.equal(
        Object.values(call.options.transient ?? {})
          .join()
          .includes(patientDid),
        true,
        name,
      );
    }
  });

  it('when the consortium is not given, then it is read once from the ledger and shared by the ledgers made from it', async () => {
    const fake = new FakeLedgerClient();
    const ledger = new Ledger(fake, { org: ORG });
    await ledger.submit(caller, 'AccessRecord', INPUTS.AccessRecord, { custodian: CUSTODIAN, transient: {} });
    await ledger
      .journaled({ prior: [], endorsed: () => undefined })
      .submit(caller, 'GrantConsent', {}, { granteeOrg: CUSTODIAN, transient: { consent: { jws } } });
    assert.equal(fake.callsOf('consortium:GetConsortium').length, 1);
    assert.deepEqual(fake.callsOf('consent:GrantConsent')[0]?.options.endorsingOrganizations, [
      CUSTODIAN,
      REGULATOR,
    ]);
  });
});

describe('the ledger refuses calls the registry does not declare', () => {
  it('when a named custodian or grantee org is not of the consortium, then the call is a 404 and nothing is sent', async () => {
    const fake = new FakeLedgerClient();
    const ledger = new Ledger(fake, { org: ORG, orgs: ORGS });
    await assert.rejects(
      ledger.evaluate(
        caller,
        'ReadRecordContent',
        { ...(INPUTS.ReadRecordContent as object), custodian: 'Hospital9MSP' },
        { custodian: 'Hospital9MSP' },
      ),
      (err: unknown) => err instanceof AppError && err.status === 404,
    );
    await assert.rejects(
      ledger.submit(
        caller,
        'GrantConsent',
        {},
        { granteeOrg: 'Hospital9MSP', transient: { consent: { jws } } },
      ),
      (err: unknown) => err instanceof AppError && err.status === 404,
    );
    // The consortium is read again in case it admitted the org since; nothing else is sent.
    assert.deepEqual(
      fake.calls.map((c) => c.fn),
      ['consortium:GetConsortium', 'consortium:GetConsortium'],
    );
  });

  it('when the insurer resolves a hospital dispute, then the hospital it names endorses with the insurer and the regulator; an unknown insurer is a 404', async () => {
    const fake = new FakeLedgerClient();
    const ledger = new Ledger(fake, { org: INSURER, orgs: ORGS });
    await ledger.submit(caller, 'ResolveDispute', INPUTS.ResolveDispute, {
      insurer: INSURER,
      provider: ORG,
      transient: TRANSIENTS.ResolveDispute as never,
    });
    assert.deepEqual(fake.calls[0]?.options.endorsingOrganizations, [ORG, INSURER, REGULATOR]);
    await assert.rejects(
      ledger.evaluate(
        caller,
        'GetClaimContext',
        { coverageId: 'cov-1' },
        {
          insurer: 'Insurer9MSP',
          transient: TRANSIENTS.GetClaimContext as never,
        },
      ),
      (err: unknown) => err instanceof AppError && err.status === 404,
    );
    assert.equal(fake.calls.length, 1);
  });
});

describe('the ledger refuses calls of the wrong kind or parties', () => {
  it('when a transaction is called as the other kind, then the ledger refuses it before the client is called', async () => {
    const fake = new FakeLedgerClient();
    const ledger = new Ledger(fake, { org: ORG, orgs: ORGS });
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

  it('when a custodian-endorsed call names no custodian, or another call names one, then the ledger refuses it', async () => {
    const fake = new FakeLedgerClient();
    const ledger = new Ledger(fake, { org: ORG, orgs: ORGS });
    await assert.rejects(
      ledger.evaluate(caller, 'ReadRecordContent', INPUTS.ReadRecordContent, {} as never),
      /ReadRecordContent needs custodian/,
    );
    await assert.rejects(
      ledger.evaluate(caller, 'GetRecord', INPUTS.GetRecord, { custodian: CUSTODIAN } as never),
      /GetRecord takes no custodian/,
    );
    await assert.rejects(
      ledger.submit(caller, 'AnchorRecord', INPUTS.AnchorRecord, { custodian: ORG } as never),
      /AnchorRecord needs its transient map/,
    );
    assert.equal(fake.calls.length, 0);
  });

  it('when a write is simulated, then it is evaluated as its submit would be endorsed and nothing commits', async () => {
    const fake = new FakeLedgerClient();
    const ledger = new Ledger(fake, { org: ORG, orgs: ORGS });
    await ledger.simulate(caller, 'RegisterStaff', INPUTS.RegisterStaff);
    await ledger.simulate(caller, 'StageRecordContent', INPUTS.StageRecordContent, {
      transient: { content, subject },
    });
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
    const ledger = new Ledger(fake, { org: ORG, orgs: ORGS }).journaled(journal);
    const first = await ledger.submit(caller, 'Ping', {});
    await ledger.evaluate(caller, 'GetRecord', INPUTS.GetRecord);
    const second = await ledger.submit(caller, 'AccessRecord', INPUTS.AccessRecord, {
      custodian: CUSTODIAN,
      transient: {},
    });
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

describe('the ledger follows the consortium as it admits orgs', () => {
  it('when the consortium admitted an org after it was read, then a call naming the org reads it again and endorses with it', async () => {
    const fake = new FakeLedgerClient();
    const ledger = new Ledger(fake, { org: ORG, orgs: ORGS });
    const admitted = `Hospital${String(3 + randomInt(90))}MSP`;
    fake.handlers['consortium:GetConsortium'] = () => ({
      orgs: [...ORGS, admitted],
      regulator: REGULATOR,
      txId: txId(),
      txTime: new Date(0).toISOString(),
    });
    await ledger.submit(
      caller,
      'GrantConsent',
      {},
      { granteeOrg: admitted, transient: { consent: { jws } } },
    );
    await ledger.submit(
      caller,
      'GrantConsent',
      {},
      { granteeOrg: admitted, transient: { consent: { jws } } },
    );
    assert.equal(fake.callsOf('consortium:GetConsortium').length, 1);
    assert.deepEqual(fake.callsOf('consent:GrantConsent')[1]?.options.endorsingOrganizations, [
      admitted,
      REGULATOR,
    ]);
  });
});
