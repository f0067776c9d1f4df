import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { signPatientPayload, type PatientPrivateJwk } from '@medledger/domain';
import {
  admittedOrgSpec,
  applicationOrgs,
  approveForOrg,
  commitDefinition,
  committedDefinition,
  defaultTopologySpec,
  fetchChannelConfig,
  governedContext,
  majorityOf,
  networkContext,
  packageChaincode,
  proposeOrgAdmission,
  readNetworkInfo,
  recordedGovernance,
  slugOf,
  upgradeStep,
  withGovernance,
  type NetworkInfo,
} from '@medledger/network';
import { apiAs, type ApiResponse } from '../support/api';
import { scanForCanaries } from '../support/canary';
import { diagnosisRecord, hypertensionCondition, newPatientRegistration } from '../support/fixtures';
import { networkCli, underLoad } from '../support/governance';
import { useNetwork } from '../support/network';
import { assertNothingLost } from '../support/scenario';

const run = randomBytes(3).toString('hex');
/** The hospital this run admits (a name the chaincode reads as a hospital). */
const NEW_ORG = `Hospital${run}`;
const NEW_MSP = `${NEW_ORG}MSP`;
const CANARY = `Canary${randomBytes(4).toString('hex')} Zzyzxpatient`;

function decisionOf(res: ApiResponse): { accessId: string; outcome: string; reason: string } {
  return (res.body.decision ?? res.body) as { accessId: string; outcome: string; reason: string };
}

/** The current network as `start` / `add-org` / `upgrade` last wrote it. */
function currentInfo(): NetworkInfo {
  const info = readNetworkInfo();
  if (info === undefined) throw new Error('no network.json');
  return info;
}

describe('when the consortium admits an org and upgrades its chaincode, with writes flowing', () => {
  const network = useNetwork();

  it('when fewer than a majority of member admins sign an admission, then the orderers refuse it and the channel is unchanged', async () => {
    const ctx = await networkContext();
    const record = recordedGovernance(ctx.paths);
    const rogue = admittedOrgSpec(withGovernance(defaultTopologySpec, record), `Hospital${run}r`, 'hospital');
    const next = governedContext(ctx, { ...record, admittedOrgs: [...record.admittedOrgs, rogue] });
    const org = next.topology.peerOrgs.find((o) => o.mspId === rogue.mspId);
    assert.ok(org);
    const members = ctx.topology.peerOrgs;
    for (const signers of [members.slice(0, 1), members.slice(0, majorityOf(members.length) - 1)]) {
      assert.throws(
        () => proposeOrgAdmission(next, org, signers),
        /FORBIDDEN|sub-policies|policy/,
        `${signers.map((s) => s.mspId).join(' + ')} alone`,
      );
    }
    const config = fetchChannelConfig(ctx, members[0] ?? org, mkdtempSync(join(tmpdir(), 'config-')));
    assert.deepEqual(
      applicationOrgs(config)
        .map((o) => o.mspId)
        .sort(),
      members.map((o) => o.mspId).sort(),
    );
  });

  it('when a hospital is admitted while writes flow, then nothing acknowledged is lost and writes are answered throughout', async () => {
    const result = await underLoad(network(), 'add-org', () =>
      networkCli(['add-org', '--name', NEW_ORG, '--kind', 'hospital']),
    );
    assertNothingLost(result);
    assert.ok(result.answered.during > 0 && result.answered.after > 0, JSON.stringify(result.answered));
    assert.ok(
      result.longestGapMs < 20_000,
      `longest gap between answered writes ${String(result.longestGapMs)} ms`,
    );
    const ctx = await networkContext();
    const org = ctx.topology.peerOrgs.find((o) => o.mspId === NEW_MSP);
    assert.ok(org, 'the topology remembers the admitted org');
    const members = ctx.topology.peerOrgs.filter((o) => o !== org).map((o) => o.peerNodes.length);
    if (new Set(members).size === 1) {
      assert.equal(org.peerNodes.length, members[0], 'it runs as many peers as each member');
    }
    const config = fetchChannelConfig(ctx, org, mkdtempSync(join(tmpdir(), 'config-')));
    assert.ok(applicationOrgs(config).some((o) => o.mspId === NEW_MSP));
    const committed = committedDefinition(ctx.install, ctx.topology, ctx.paths);
    assert.ok(
      committed?.collections.includes(`sealed-${slugOf(NEW_ORG)}`),
      'its sealed collection is defined',
    );
  });

  it("when the new hospital anchors a record, then it is denied an older patient's record until the patient consents, and its peer holds none of that content", async () => {
    const info = currentInfo();
    const slug = slugOf(NEW_ORG);
    const newAdmin = await apiAs(info, NEW_ORG, `${slug}-admin`);
    const doctorId = `${slug}-att-${run}`;
    const onboarded = await newAdmin.post('/v1/staff', {
      enrollmentId: doctorId,
      role: 'attending',
      department: 'er',
    });
    assert.equal(onboarded.status, 201, JSON.stringify(onboarded.body));
    const doctor = await apiAs(info, NEW_ORG, doctorId);

    const ownDid = `did:medledger:patient:gov-own-${run}`;
    const own = newPatientRegistration(ownDid, NEW_MSP);
    assert.equal((await doctor.post('/v1/patients', own.body)).status, 201);
    const ownRecord = `rec-gov-own-${run}`;
    const anchored = await doctor.post(
      '/v1/records',
      diagnosisRecord(
        ownRecord,
        ownDid,
        hypertensionCondition({ id: `c-own-${run}`, patientRef: run, display: 'Essential hypertension' }),
      ),
    );
    assert.equal(anchored.status, 201, JSON.stringify(anchored.body));

    // An older patient of Hospital1, with a record whose content is a canary.
    const h1Admin = await apiAs(info, 'Hospital1', 'hospital1-admin');
    const h1DoctorId = `h1-gov-att-${run}`;
    assert.equal(
      (
        await h1Admin.post('/v1/staff', {
          enrollmentId: h1DoctorId,
          role: 'attending',
          department: 'cardiology',
        })
      ).status,
      201,
    );
    const h1Doctor = await apiAs(info, 'Hospital1', h1DoctorId);
    const did = `did:medledger:patient:gov-old-${run}`;
    const older = newPatientRegistration(did, 'Hospital1MSP');
    assert.equal((await h1Doctor.post('/v1/patients', older.body)).status, 201);
    const recordId = `rec-gov-old-${run}`;
    const oldRecord = await h1Doctor.post(
      '/v1/records',
      diagnosisRecord(
        recordId,
        did,
        hypertensionCondition({ id: `c-old-${run}`, patientRef: run, display: CANARY }),
      ),
    );
    assert.equal(oldRecord.status, 201);

    const ask = { purpose: 'treatment', custodian: 'Hospital1MSP', patientDid: did };
    const denied = decisionOf(await doctor.post(`/v1/records/${recordId}/access`, ask));
    assert.deepEqual([denied.outcome, denied.reason], ['denied', 'NO_CONSENT']);
    const refused = await doctor.get(
      `/v1/records/${recordId}/content?custodian=Hospital1MSP&accessId=${denied.accessId}`,
    );
    assert.ok(
      refused.status >= 400 && refused.status < 500,
      `content without consent: ${String(refused.status)}`,
    );

    // The patient consents through Hospital1's gateway, which read the consortium before the admission.
    const patientApp = await apiAs(info, 'Hospital1', did, { kind: 'patient' });
    const privateJwk: PatientPrivateJwk = older.key.privateJwk;
    const jws = signPatientPayload(
      {
        typ: 'medledger.consent.grant',
        grantee: { kind: 'org', mspId: NEW_MSP },
        categories: ['diagnosis'],
        maxLevel: 3,
        purpose: 'treatment',
        periodStart: new Date(Date.now() - 60_000).toISOString(),
        periodEnd: new Date(Date.now() + 86_400_000).toISOString(),
      },
      { patientDid: did, privateJwk, kid: `${did}#key-1` },
      { nowMs: Date.now() },
    );
    const grant = await patientApp.post('/v1/consents', { jws });
    assert.equal(grant.status, 201, JSON.stringify(grant.body));
    const granted = decisionOf(await doctor.post(`/v1/records/${recordId}/access`, ask));
    assert.deepEqual([granted.outcome, granted.reason], ['granted', 'CONSENT']);
    const content = await doctor.get(
      `/v1/records/${recordId}/content?custodian=Hospital1MSP&accessId=${granted.accessId}`,
    );
    assert.equal(content.status, 200);
    assert.ok(JSON.stringify(content.body).includes(CANARY), 'the consented read returns the content');

    // Every peer the new hospital runs (`nodes/peer0-<slug>`, `nodes/peer1-<slug>`, ...).
    const onNewPeers = scanForCanaries(info.stateDir, []).filter((h) =>
      new RegExp(`^nodes/peer\\d+-${slug}/`).test(h.file.split(sep).join('/')),
    );
    assert.deepEqual(onNewPeers, [], "the new hospital's peers hold no custodian content");
  });

  it('when fewer than a majority of orgs approve an upgrade, then its commit is refused and the definition stays', async () => {
    const ctx = await networkContext();
    const record = recordedGovernance(ctx.paths);
    const from = record.chaincode ?? ctx.topology.chaincode;
    const to = upgradeStep(from, `${from.version}-minority`);
    const next = governedContext(ctx, { ...record, chaincode: to });
    const orgs = next.topology.peerOrgs;
    for (const org of orgs.slice(0, majorityOf(orgs.length) - 1)) {
      approveForOrg(
        next.install,
        next.topology,
        next.paths,
        packageChaincode(next.topology, next.paths, org),
      );
    }
    assert.throws(() => {
      commitDefinition(next.install, next.topology, next.paths);
    }, /ENDORSEMENT_POLICY_FAILURE|not agreed|failed/);
    assert.equal(committedDefinition(ctx.install, ctx.topology, ctx.paths)?.sequence, from.sequence);
  });

  it('when the chaincode is upgraded while writes flow, then nothing acknowledged is lost, writes are answered throughout, and every org writes on the new version', async () => {
    const start = await networkContext();
    const before = committedDefinition(start.install, start.topology, start.paths);
    const result = await underLoad(network(), 'upgrade', () => networkCli(['upgrade']));
    assertNothingLost(result);
    assert.ok(result.answered.during > 0 && result.answered.after > 0, JSON.stringify(result.answered));
    assert.ok(
      result.longestGapMs < 20_000,
      `longest gap between answered writes ${String(result.longestGapMs)} ms`,
    );
    const ctx = await networkContext();
    const after = committedDefinition(ctx.install, ctx.topology, ctx.paths);
    assert.equal(after?.sequence, (before?.sequence ?? 0) + 1);
    assert.equal(after.version, ctx.topology.chaincode.version);
    const info = currentInfo();
    const slug = slugOf(NEW_ORG);
    const newAdmin = await apiAs(info, NEW_ORG, `${slug}-admin`);
    const staff = await newAdmin.post('/v1/staff', {
      enrollmentId: `${slug}-nurse-${run}`,
      role: 'nurse',
      department: 'er',
    });
    assert.equal(staff.status, 201, 'the admitted org writes on the new version');
  });
});
