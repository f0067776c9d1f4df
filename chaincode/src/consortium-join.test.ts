import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  chaincodeCollections,
  implicitCollection,
  KeyFamily,
  patientKeyOf,
  sealedCollection,
  type AccessDecision,
  type Consortium,
} from '@medledger/domain';
import { decodePolicy, regulatorAndOneOf } from './ledger/policies';
import { accessRecord, anchor, condition, grantConsent, setEmergencyProfile } from './testing/fixtures';
import { client, Harness, orgAdmin, ORGS, registerPatient, registerStaff } from './testing/harness';
import { MemoryLedger } from './testing/memory-ledger';

const NEW_ORG = 'Hospital3MSP';

/**
 * A channel whose configuration admitted Hospital3 (its MSP is a channel member, as after a config
 * update signed by a majority), while the chaincode's consortium still holds the four founding orgs
 * with their collection keys and study secret.
 */
async function admittedToChannel(
  extra: readonly string[] = [NEW_ORG],
  cryptoProfile?: 'sm',
): Promise<Harness> {
  const orgs = [...ORGS, ...extra];
  // The collections of the founders and the new org (a second regulator would have none of its own).
  const known = orgs.filter((o) => !o.startsWith('Regulator') || o === 'RegulatorMSP');
  const collections = [
    ...chaincodeCollections(known),
    ...orgs.map((o) => ({
      name: implicitCollection(o),
      members: [o],
      endorsers: [o],
      memberOnlyRead: false,
      memberOnlyWrite: false,
    })),
  ];
  const h = new Harness(new MemoryLedger({ orgs, collections }));
  const founders = [...ORGS];
  await h.submit(
    orgAdmin('Hospital1MSP'),
    'consortium:InitConsortium',
    { orgs: founders, ...(cryptoProfile === undefined ? {} : { cryptoProfile }) },
    { endorsers: founders },
  );
  for (const org of founders) {
    await h.submit(
      orgAdmin(org),
      'consortium:InstallCollectionKey',
      {},
      {
        transient: { collectionKey: { key: randomBytes(32).toString('hex') } },
        endorsers: [org, 'RegulatorMSP'],
      },
    );
  }
  await h.submit(
    orgAdmin('RegulatorMSP'),
    'consortium:InstallStudySecret',
    {},
    {
      transient: { studySecret: { key: randomBytes(32).toString('hex') } },
      endorsers: ['Hospital1MSP', 'Hospital2MSP', 'RegulatorMSP'],
    },
  );
  return h;
}

const everyOrg = [...ORGS, NEW_ORG];

/** An emergency profile: allergies, nothing beyond them. */
const ALLERGIES = { categories: ['allergy' as const], beyondProfile: 'never' as const };

void describe('JoinConsortium', () => {
  void it("when the admitted org's admin joins, endorsed by every member, then the consortium names it and its collection key can be installed", async () => {
    const h = await admittedToChannel();
    const { result, tx } = await h.submit<Consortium>(
      orgAdmin(NEW_ORG),
      'consortium:JoinConsortium',
      {},
      { endorsers: everyOrg },
    );
    assert.equal(tx.status, 'VALID');
    assert.deepEqual(result.orgs, everyOrg);
    assert.equal(result.regulator, 'RegulatorMSP');
    assert.equal(tx.event?.name, 'ConsortiumOrgJoined');
    const read = await h.evaluate<Consortium>(orgAdmin('Hospital1MSP'), 'consortium:GetConsortium', {});
    assert.deepEqual(read.orgs, everyOrg);
    const key = randomBytes(32).toString('hex');
    const installed = await h.submit(
      orgAdmin(NEW_ORG),
      'consortium:InstallCollectionKey',
      {},
      { transient: { collectionKey: { key } }, endorsers: [NEW_ORG, 'RegulatorMSP'] },
    );
    assert.equal(installed.tx.status, 'VALID');
    await assert.rejects(
      h.submit(orgAdmin(NEW_ORG), 'consortium:JoinConsortium', {}, { endorsers: everyOrg }),
      /\[ALREADY_EXISTS\] Hospital3MSP/,
    );
  });

  void it('when an org joins a consortium of the sm profile, then the consortium keeps the profile and its algorithms', async () => {
    const h = await admittedToChannel([NEW_ORG], 'sm');
    const before = await h.evaluate<Consortium>(orgAdmin('Hospital1MSP'), 'consortium:GetConsortium', {});
    assert.equal(before.crypto?.profile, 'sm');
    const { result, tx } = await h.submit<Consortium>(
      orgAdmin(NEW_ORG),
      'consortium:JoinConsortium',
      {},
      { endorsers: everyOrg },
    );
    assert.equal(tx.status, 'VALID');
    assert.deepEqual(result.crypto, before.crypto);
    const read = await h.evaluate<Consortium>(orgAdmin(NEW_ORG), 'consortium:GetConsortium', {});
    assert.deepEqual([read.orgs, read.crypto], [everyOrg, before.crypto]);
  });

  void it('when fewer than every member endorse the join, then the key-level policy invalidates it and the consortium is unchanged', async () => {
    const h = await admittedToChannel();
    const { tx } = await h.submit(
      orgAdmin(NEW_ORG),
      'consortium:JoinConsortium',
      {},
      {
        endorsers: [NEW_ORG, 'Hospital1MSP'],
      },
    );
    assert.equal(tx.status, 'ENDORSEMENT_POLICY_FAILURE');
    const read = await h.evaluate<Consortium>(orgAdmin('Hospital1MSP'), 'consortium:GetConsortium', {});
    assert.deepEqual(read.orgs, [...ORGS]);
  });

  void it('when a member admin, a client of the new org, a second regulator or an org of no kind tries to join, then it is refused', async () => {
    const h = await admittedToChannel([NEW_ORG, 'Regulator2MSP', 'ClinicMSP']);
    const endorsers = [...ORGS];
    await assert.rejects(
      h.submit(orgAdmin('Hospital2MSP'), 'consortium:JoinConsortium', {}, { endorsers }),
      /\[ALREADY_EXISTS\]/,
    );
    await assert.rejects(
      h.submit(client(NEW_ORG, 'someone'), 'consortium:JoinConsortium', {}, { endorsers }),
      /\[(FORBIDDEN|NOT_REGISTERED)\]/,
    );
    await assert.rejects(
      h.submit(orgAdmin('Regulator2MSP'), 'consortium:JoinConsortium', {}, { endorsers }),
      /\[VALIDATION_FAILED\] orgs regulator/,
    );
    await assert.rejects(
      h.submit(orgAdmin('ClinicMSP'), 'consortium:JoinConsortium', {}, { endorsers }),
      /\[VALIDATION_FAILED\] org kind/,
    );
  });

  void it("when the new org joined, then its peers hold none of an older patient's sealed data, its doctor is denied without consent and granted with it", async () => {
    const h = await admittedToChannel();
    const patient = await registerPatient(h);
    const attending = await registerStaff(h, 'Hospital1MSP', 'attending', 'cardiology');
    const { anchor: record } = await anchor(h, attending, patient, { resource: condition() });
    await h.submit(orgAdmin(NEW_ORG), 'consortium:JoinConsortium', {}, { endorsers: everyOrg });
    await h.submit(
      orgAdmin(NEW_ORG),
      'consortium:InstallCollectionKey',
      {},
      {
        transient: { collectionKey: { key: randomBytes(32).toString('hex') } },
        endorsers: [NEW_ORG, 'RegulatorMSP'],
      },
    );
    const sealed = sealedCollection('Hospital1MSP');
    const values = h.ledger
      .committedPrivateKeys(sealed)
      .map((k) => h.ledger.getCommittedPrivate(sealed, k)?.toString('utf8') ?? '')
      .filter((v) => v.length > 16);
    assert.ok(values.length > 0, 'the custodian holds sealed values');
    const view = h.ledger.orgView(NEW_ORG);
    assert.deepEqual(
      values.filter((v) => view.some((text) => text.includes(v))),
      [],
    );
    const doctor = await registerStaff(h, NEW_ORG, 'attending', 'er');
    const denied = await accessRecord(h, doctor, record, { purpose: 'treatment' }, []);
    assert.deepEqual([denied.outcome, denied.reason], ['denied', 'NO_CONSENT']);
    const consent = await grantConsent(h, patient, { grantee: { kind: 'org', mspId: NEW_ORG } });
    const granted: AccessDecision = await accessRecord(h, doctor, record, { purpose: 'treatment' }, [
      consent,
    ]);
    assert.deepEqual([granted.outcome, granted.reason], ['granted', 'CONSENT']);
  });

  void it("when the new org joined, then a patient's next preferences give the patient's keys the policy that counts the new org among the regulator's partners", async () => {
    const h = await admittedToChannel();
    const patient = await registerPatient(h);
    await setEmergencyProfile(h, patient, ALLERGIES);
    const patientKey = patientKeyOf(patient.did);
    const keys = [
      `\u0000${KeyFamily.preferences}\u0000${patientKey}\u0000`,
      `\u0000${KeyFamily.signedIat}\u0000${patientKey}\u0000medledger.preferences\u0000`,
    ];
    const policies = () =>
      keys.map((k) => {
        const bytes = h.ledger.readValidationParameter(k);
        assert.ok(bytes, `no policy on ${k}`);
        return decodePolicy(bytes);
      });
    const founders = regulatorAndOneOf('RegulatorMSP', [...ORGS]);
    assert.deepEqual(policies(), [founders, founders]);
    await h.submit(orgAdmin(NEW_ORG), 'consortium:JoinConsortium', {}, { endorsers: everyOrg });
    await setEmergencyProfile(h, patient, ALLERGIES, 60);
    const joined = regulatorAndOneOf('RegulatorMSP', everyOrg);
    assert.deepEqual(policies(), [joined, joined]);
  });
});
