import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { CUSTODIANS_COLLECTION, KeyFamily, type AccessDecision } from '@medledger/domain';
import { activeStudy, anchor, condition, grantConsent, readRecord } from './testing/fixtures';
import { Harness, orgAdmin, ORGS, registerPatient, registerStaff } from './testing/harness';
import { MemoryLedger } from './testing/memory-ledger';

/** The key of the study secret as the chaincode builds it (one composite key, no attributes). */
const SECRET_KEY = `\u0000${KeyFamily.studySecret}\u0000`;

function secretTransient(hex = randomBytes(32).toString('hex')) {
  return { transient: { studySecret: { key: hex } } };
}

/** A consortium deployed as before the study secret existed: the consortium and every collection key. */
async function deployedWithoutSecret(): Promise<Harness> {
  const h = new Harness(undefined, { bootstrap: false });
  await h.submit(orgAdmin('Hospital1MSP'), 'consortium:InitConsortium', { orgs: [...ORGS] });
  for (const org of ORGS) {
    await h.submit(
      orgAdmin(org),
      'consortium:InstallCollectionKey',
      {},
      {
        transient: { collectionKey: { key: randomBytes(32).toString('hex') } },
      },
    );
  }
  return h;
}

/** A researcher granted research access to a fresh Hospital1 record through a study consent. */
async function researchGrant(h: Harness) {
  const patient = await registerPatient(h);
  const attending = await registerStaff(h, 'Hospital1MSP', 'attending', 'cardiology');
  const { anchor: record } = await anchor(h, attending, patient, { resource: condition() });
  const researcher = await registerStaff(h, 'ResearchMSP', 'researcher', null);
  const studyId = await activeStudy(h, researcher);
  const consent = await grantConsent(h, patient, {
    grantee: { kind: 'study', studyId },
    purpose: 'research',
  });
  const { result: decision } = await h.submit<AccessDecision>(
    researcher,
    'access:AccessRecord',
    { recordId: record.recordId, custodian: record.custodian, purpose: 'research', studyId },
    { transient: { consents: [consent] } },
  );
  assert.equal(decision.outcome, 'granted');
  return { researcher, record, accessId: decision.accessId, patient };
}

void describe('InstallStudySecret', () => {
  void it('when the regulator installs the secret, then only the custodians and the regulator hold it, and a second install is refused', async () => {
    const h = await deployedWithoutSecret();
    const hex = randomBytes(32).toString('hex');
    const { result } = await h.submit<{ collection: string }>(
      orgAdmin('RegulatorMSP'),
      'consortium:InstallStudySecret',
      {},
      secretTransient(hex),
    );
    assert.equal(result.collection, CUSTODIANS_COLLECTION);
    assert.equal(h.ledger.getCommittedPrivate(CUSTODIANS_COLLECTION, SECRET_KEY)?.toString('hex'), hex);
    const holds = (org: string) =>
      h.ledger
        .orgView(org)
        .some((text) => text.includes(hex) || text.includes(Buffer.from(hex, 'hex').toString('utf8')));
    assert.deepEqual(
      ORGS.map((org) => [org, holds(org)]),
      [
        ['Hospital1MSP', true],
        ['Hospital2MSP', true],
        ['ResearchMSP', false],
        ['RegulatorMSP', true],
      ],
    );
    await assert.rejects(
      h.submit(orgAdmin('Hospital2MSP'), 'consortium:InstallStudySecret', {}, secretTransient()),
      /\[ALREADY_EXISTS\] custodians/,
    );
  });

  void it('when the research institute or a hospital client tries to install it, then FORBIDDEN and nothing is written', async () => {
    const h = await deployedWithoutSecret();
    const nurse = await registerStaff(h, 'Hospital1MSP', 'nurse', 'cardiology');
    for (const who of [orgAdmin('ResearchMSP'), nurse]) {
      await assert.rejects(
        h.submit(who, 'consortium:InstallStudySecret', {}, secretTransient()),
        /\[FORBIDDEN\]/,
      );
    }
    assert.deepEqual(h.ledger.committedPrivateKeys(CUSTODIANS_COLLECTION), []);
  });

  void it('when the consortium has an insurer, then the custodians collection and its endorsers leave it out', () => {
    const orgs = [
      'Hospital1MSP',
      'Hospital2MSP',
      'Hospital3MSP',
      'ResearchMSP',
      'InsurerMSP',
      'RegulatorMSP',
    ];
    const ledger = new MemoryLedger({ orgs });
    assert.deepEqual(ledger.collection(CUSTODIANS_COLLECTION).members, [
      'Hospital1MSP',
      'Hospital2MSP',
      'Hospital3MSP',
      'RegulatorMSP',
    ]);
  });
});

void describe('research reads on a ledger without the study secret', () => {
  void it('when the secret is not installed, then a research read is refused NOT_INITIALIZED, and after the install it is served under a pseudonym', async () => {
    const h = await deployedWithoutSecret();
    const g = await researchGrant(h);
    await assert.rejects(readRecord(h, g.researcher, g.record, g.accessId), /\[NOT_INITIALIZED\] custodians/);
    await h.submit(orgAdmin('RegulatorMSP'), 'consortium:InstallStudySecret', {}, secretTransient());
    const content = await readRecord(h, g.researcher, g.record, g.accessId);
    const subject = (content.resource.subject as { reference: string }).reference;
    assert.match(subject, /^Patient\/[0-9a-f]{32}$/);
    assert.ok(!JSON.stringify(content).includes(g.patient.did));
  });
});
