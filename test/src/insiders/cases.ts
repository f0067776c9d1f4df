/**
 * The insider cases, each an assertion over the running consortium (see `support.ts`): the full suite
 * runs all four, the short end-to-end run the two that leave every process as it was.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  canonicalJson,
  generatePatientKey,
  KeyFamily,
  qualifiedName,
  sealedCollection,
  signPatientPayload,
} from '@medledger/domain';
import type { NetworkInfo } from '@medledger/network';
import { apiAs, onboardAttending } from '../support/api';
import { chaincodeCode } from '../support/authz-matrix';
import {
  killProcess,
  orgPeerProcesses,
  restartProcess,
  waitForGossipView,
  waitUntil,
} from '../support/faults';
import {
  diagnosisRecord,
  hospital2TreatmentGrant,
  hypertensionCondition,
  newPatientRegistration,
} from '../support/fixtures';
import {
  contractOf,
  ENDORSEMENT_POLICY_FAILURE,
  hospitalToHospitalAccess,
  orgFilesHolding,
  projected,
  submitOutcome,
  swapInRogue,
  untilRogueAnswers,
  type RogueServer,
} from './support';

const H1 = 'Hospital1MSP';
const COLLUDERS = ['Hospital2MSP', 'ResearchMSP'];

/**
 * Hole 5: a Hospital1-to-Hospital2 access of a canary patient leaves no trace of the patient on the
 * research institute's disk (peer ledger, state and private data, gateway projection and databases,
 * peer, gateway and chaincode logs), once its peer and projection have taken the access in; the same
 * scan finds the patient at the custodian and the regulator, so it is not blind. No org's logs name
 * the patient at all.
 */
export async function assertNoCanaryOutsideParties(info: NetworkInfo): Promise<void> {
  const c = await hospitalToHospitalAccess(info);
  for (const org of ['Research', 'Hospital1', 'Regulator']) await projected(info, org, c.accessId);
  const found = Object.fromEntries(
    ['Research', 'Hospital1', 'Hospital2', 'Regulator'].map((org) => [
      org,
      orgFilesHolding(info, org, c.needle),
    ]),
  );
  console.log(`[insiders] canary ${c.needle} found in ${JSON.stringify(found)}`);
  for (const org of ['Hospital1', 'Regulator']) {
    const files = found[org] ?? [];
    assert.ok(
      files.some((f) => f.startsWith('nodes/')),
      `the scan finds the patient in ${org}'s peer data`,
    );
    assert.ok(
      files.some((f) => f.startsWith('gateways/')),
      `the scan finds the patient in ${org}'s gateway projection`,
    );
  }
  assert.deepEqual(found['Research'], [], 'the research institute holds a trace of the patient');
  // No org's peer, gateway or chaincode log names the patient, party or not.
  const logged = Object.values(found).flatMap((files) => files.filter((f) => f.startsWith('logs/')));
  assert.deepEqual(logged, [], 'a log names the patient');
}

/** A Hospital1 attending and an anchored record of a new patient of theirs (with the patient's key). */
async function anchoredRecord(info: NetworkInfo): Promise<{
  recordId: string;
  patientDid: string;
  doctorId: string;
  privateJwk: ReturnType<typeof generatePatientKey>['privateJwk'];
}> {
  const run = randomBytes(4).toString('hex');
  const doctorId = `ins-rec-${run}`;
  const doctor = await onboardAttending(info, 'Hospital1', doctorId);
  const patientDid = `did:medledger:patient:ins-${run}`;
  const { key: keys, body } = newPatientRegistration(patientDid);
  const reg = await doctor.post('/v1/patients', body);
  assert.equal(reg.status, 201, JSON.stringify(reg.body));
  const recordId = `rec-ins-a-${run}`;
  const resource = hypertensionCondition({ id: `cond-${run}`, patientRef: run });
  const anchored = await doctor.post('/v1/records', diagnosisRecord(recordId, patientDid, resource));
  assert.equal(anchored.status, 201, JSON.stringify(anchored.body));
  return { recordId, patientDid, doctorId, privateJwk: keys.privateJwk };
}

/**
 * Hole 3: the custodian's peer, running a rogue chaincode, endorses a rewrite of its own record's
 * anchor; submitted with `endorsingOrganizations: [custodian]`, it is invalidated
 * (ENDORSEMENT_POLICY_FAILURE: the anchor's key-level policy needs every peer org) and the anchor
 * every org reads is unchanged.
 */
export async function assertAnchorRewriteInvalid(info: NetworkInfo): Promise<void> {
  const { recordId, doctorId } = await anchoredRecord(info);
  const doctor = await apiAs(info, 'Hospital1', doctorId);
  const before = await doctor.get(`/v1/records/${recordId}`);
  assert.equal(before.status, 200);
  const forged = { custodian: H1, recordId, contentHash: 'f'.repeat(64) };
  let rogue: RogueServer | undefined;
  const admin = await contractOf(info, 'Hospital1', 'hospital1-admin');
  try {
    rogue = await swapInRogue(info, 'Hospital1');
    await untilRogueAnswers(admin.contract, 'rogue:RewriteAnchors', forged, [H1]);
    const outcome = await submitOutcome(admin.contract, 'rogue:RewriteAnchors', {
      arguments: [canonicalJson(forged)],
      endorsingOrganizations: [H1],
    });
    console.log(`[insiders] anchor rewrite endorsed by the custodian alone: ${JSON.stringify(outcome)}`);
    assert.equal(outcome.endorsed, true, `the custodian's rogue endorses: ${outcome.text}`);
    assert.equal(outcome.valid, false, 'the rewrite commits VALID');
    assert.equal(outcome.code, ENDORSEMENT_POLICY_FAILURE);
  } finally {
    admin.close();
    await rogue?.restore();
  }
  const after = await doctor.get(`/v1/records/${recordId}`);
  assert.equal(after.status, 200, JSON.stringify(after.body));
  assert.deepEqual(after.body, before.body, 'the anchor is unchanged');
  const elsewhere = await apiAs(info, 'Hospital2', 'hospital2-admin');
  const read = await elsewhere.get(`/v1/records/${recordId}?custodian=${H1}`);
  assert.equal(read.body['contentHash'], before.body['contentHash']);
}

/**
 * Hole 6: Hospital2 and the research institute, endorsing together with the SDK, cannot make an
 * access grant on Hospital1's record: an access decision endorsed by them is refused at endorsement
 * (their peers cannot read Hospital1's sealed collection) and, with `rogue` (both run a rogue
 * chaincode that writes a grant straight into Hospital1's sealed collection), it is invalidated by the
 * collection's endorsement policy. Either way Hospital1's peer honours no content read with it.
 */
export async function assertColludersCannotGrant(
  info: NetworkInfo,
  options: { readonly rogue: boolean },
): Promise<void> {
  const c = await hospitalToHospitalAccess(info);
  const colluder = await contractOf(info, 'Hospital2', c.h2DoctorId);
  const attempts: string[] = [];
  const refusedRead = async (accessId: string): Promise<void> => {
    await assert.rejects(
      colluder.contract.evaluate(qualifiedName('ReadRecordContent'), {
        arguments: [canonicalJson({ recordId: c.recordId, custodian: H1, accessId })],
        endorsingOrganizations: [H1],
      }),
      (err: unknown) => chaincodeCode(err).code === 'ACCESS_NOT_GRANTED',
      'the custodian honours a grant it never endorsed',
    );
  };
  try {
    const decided = await submitOutcome(colluder.contract, qualifiedName('AccessRecord'), {
      arguments: [canonicalJson({ recordId: c.recordId, custodian: H1, purpose: 'treatment' })],
      transientData: {
        consents: Buffer.from(canonicalJson([{ consentId: c.consentId, jws: c.grantJws }])),
      },
      endorsingOrganizations: COLLUDERS,
    });
    attempts.push(`AccessRecord: ${JSON.stringify(decided)}`);
    assert.equal(decided.valid, false, 'an access decision endorsed by the colluders commits VALID');
    await refusedRead(decided.txId);
    if (options.rogue) await rogueGrant(info, c.recordId, c.h2DoctorId, attempts, refusedRead);
  } finally {
    colluder.close();
    console.log(`[insiders] colluders: ${attempts.join(' | ')}`);
  }
}

/** The colluders' rogue chaincode writes a grant into Hospital1's sealed collection. */
async function rogueGrant(
  info: NetworkInfo,
  recordId: string,
  colluderId: string,
  attempts: string[],
  refusedRead: (accessId: string) => Promise<void>,
): Promise<void> {
  const rogues: RogueServer[] = [];
  const colluder = await contractOf(info, 'Hospital2', colluderId);
  try {
    rogues.push(await swapInRogue(info, 'Hospital2'), await swapInRogue(info, 'Research'));
    const accessId = randomBytes(32).toString('hex');
    const now = Date.now();
    const grant = {
      collection: sealedCollection(H1),
      family: KeyFamily.accessGrant,
      parts: [accessId],
      value: canonicalJson({
        accessId,
        actorDid: `did:medledger:hospital2:${colluderId}`,
        actorMsp: 'Hospital2MSP',
        recordId,
        version: 1,
        custodian: H1,
        purpose: 'treatment',
        consentId: null,
        consentTerms: null,
        studyId: null,
        breakGlassReason: null,
        deidentify: false,
        breakGlass: false,
        grantedAt: new Date(now).toISOString(),
        expiresAt: new Date(now + 3_600_000).toISOString(),
      }),
    };
    await untilRogueAnswers(colluder.contract, 'rogue:WriteSealed', grant, COLLUDERS);
    const forged = await submitOutcome(colluder.contract, 'rogue:WriteSealed', {
      arguments: [canonicalJson(grant)],
      endorsingOrganizations: COLLUDERS,
    });
    attempts.push(`rogue grant: ${JSON.stringify(forged)}`);
    assert.equal(forged.endorsed, true, `the colluders' rogues endorse: ${forged.text}`);
    assert.equal(forged.valid, false, 'a grant written by the colluders commits VALID');
    assert.equal(forged.code, ENDORSEMENT_POLICY_FAILURE);
    await refusedRead(accessId);
  } finally {
    colluder.close();
    for (const r of rogues) await r.restore();
  }
}

/**
 * The trade-off: with the regulator's peer down, access decisions (custodian and regulator endorse)
 * and consent grants answer a clean 503 with Retry-After within the client's deadline, public reads
 * keep working, and decisions resume once the peer is back. Resolves the measured times.
 */
export async function assertRegulatorOutageIsClean(
  info: NetworkInfo,
): Promise<{ refusedInMs: number[]; resumedAfterMs: number }> {
  const { recordId, doctorId, patientDid, privateJwk } = await anchoredRecord(info);
  const doctor = await apiAs(info, 'Hospital1', doctorId);
  // The regulator's outage: every peer it runs (one by default; MEDLEDGER_PEERS runs more).
  const peers = orgPeerProcesses(info, 'Regulator');
  const refusedInMs: number[] = [];
  let resumedAfterMs: number;
  for (const peer of peers) await killProcess(peer);
  try {
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      const res = await doctor.post(`/v1/records/${recordId}/access`, { purpose: 'treatment' });
      refusedInMs.push(Math.round(performance.now() - started));
      assert.equal(res.status, 503, `access decision without the regulator: ${JSON.stringify(res.body)}`);
      assert.equal(res.headers.get('content-type')?.split(';')[0], 'application/problem+json');
      assert.ok(res.headers.get('retry-after') !== null, 'Retry-After');
      // The operator reading it learns whose outage it is.
      assert.match(String((res.body as { detail?: unknown }).detail), /: no answer from RegulatorMSP$/);
    }
    const registered = await doctor.post('/v1/patients', newPatientRegistration(`${patientDid}-x`).body);
    assert.equal(registered.status, 503, `a registration without the regulator: ${registered.status}`);
    const grant = signPatientPayload(
      hospital2TreatmentGrant(),
      { patientDid, privateJwk, kid: `${patientDid}#key-1` },
      { nowMs: Date.now() },
    );
    const consent = await doctor.post('/v1/consents', { jws: grant });
    assert.equal(consent.status, 503, `a consent grant without the regulator: ${consent.status}`);
    const read = await doctor.get(`/v1/records/${recordId}`);
    assert.equal(read.status, 200, 'public metadata is read without the regulator');
    // An outage the consortium noticed: a restart before that is a flap of its own (waitForGossipView).
    await waitForGossipView(peers);
  } finally {
    // Even when an assertion above failed: the next test needs the regulator back and serving.
    for (const peer of peers) await restartProcess(peer);
    const back = performance.now();
    const gossipWholeMs = Math.round(await waitForGossipView());
    await waitUntil(
      'access decisions to resume with the regulator back',
      async () =>
        (await doctor.post(`/v1/records/${recordId}/access`, { purpose: 'treatment' })).status === 200,
      120_000,
      1000,
    );
    resumedAfterMs = Math.round(performance.now() - back);
    console.log(
      `[insiders] regulator down: access decisions refused in ${refusedInMs.join(', ')} ms; every gossip view whole ${String(gossipWholeMs)} ms after its restart, decisions resumed after ${String(resumedAfterMs)} ms`,
    );
  }
  return { refusedInMs, resumedAfterMs };
}
