import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';

import {
  generatePatientKey,
  signPatientPayload,
  SIGNED_PAYLOAD_TYPES,
  type PatientPrivateJwk,
} from '@medledger/domain';

import { PATIENT_PROOF_HEADER, signPatientProof } from '../auth/patient-proof';
import { consentAccessEvent, LedgerBuilder } from '../projection/testing/fixtures';
import { anchorFixture } from '../testing/fake-ledger';
import { startTestGateway, type TestGateway } from '../testing/harness';
import { after, before, describe, it } from '../testing/node-test';

let gw: TestGateway;
before(async () => {
  gw = await startTestGateway();
});
after(async () => {
  await gw.close();
});

const newDid = (): string => `did:medledger:patient:${randomBytes(6).toString('hex')}`;

async function get(
  path: string,
  token: string,
  headers: Record<string, string> = {},
  at: TestGateway = gw,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${at.url}${path}`, { headers: { authorization: `Bearer ${token}`, ...headers } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** A patient whose key is on the fake ledger, with their token. */
async function patient(): Promise<{ did: string; privateJwk: PatientPrivateJwk; token: string }> {
  const did = newDid();
  const { publicJwk, privateJwk } = generatePatientKey();
  gw.fake.registerPatientKey(did, publicJwk);
  return { did, privateJwk, token: await gw.token(did, { kind: 'patient' }) };
}

const proofOf = (p: { did: string; privateJwk: PatientPrivateJwk }): Record<string, string> => ({
  [PATIENT_PROOF_HEADER]: signPatientProof(p.privateJwk, `${p.did}#key-1`, {
    patientDid: p.did,
    aud: 'Hospital1MSP',
  }),
});

describe('reading the emergency profile back', () => {
  it('when the patient asks with a proof of their key, then the profile is read on the own peer by the service identity with the DID as its only input', async () => {
    const p = await patient();
    const r = await get(`/v1/patients/${p.did}/preferences`, p.token, proofOf(p));
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body['signed'], 'profile');
    const sent = gw.fake.callsOf('consent:GetPatientPreferences').at(-1);
    assert.deepEqual(sent?.input, { patientDid: p.did });
    assert.equal(sent.kind, 'evaluate');
    assert.equal(sent.caller, 'gateway-service');
  });

  it('when staff, another patient, or the patient without a proof ask, then 403 / 403 / 401 and the ledger is not asked', async () => {
    const p = await patient();
    const before = gw.fake.callsOf('consent:GetPatientPreferences').length;
    const path = `/v1/patients/${p.did}/preferences`;
    assert.equal((await get(path, await gw.token('hospital1-attending-1'))).status, 403);
    const other = await patient();
    assert.equal((await get(path, other.token, proofOf(other))).status, 403);
    assert.equal((await get(path, p.token)).status, 401);
    assert.equal(gw.fake.callsOf('consent:GetPatientPreferences').length, before);
  });

  it('when a proof is sent twice, then the second read is 401', async () => {
    const p = await patient();
    const proof = proofOf(p);
    assert.equal((await get(`/v1/patients/${p.did}/preferences`, p.token, proof)).status, 200);
    const again = await get(`/v1/patients/${p.did}/preferences`, p.token, proof);
    assert.equal(again.status, 401);
    assert.equal(again.body['code'], 'PATIENT_PROOF_INVALID');
  });

  it("when one patient has 32 proofs in flight, then that patient's next proof is 429 and another patient still reads", async () => {
    const p = await patient();
    const path = `/v1/patients/${p.did}/preferences`;
    for (let i = 0; i < 32; i += 1) assert.equal((await get(path, p.token, proofOf(p))).status, 200);
    const res = await fetch(`${gw.url}${path}`, {
      headers: { authorization: `Bearer ${p.token}`, ...proofOf(p) },
    });
    assert.equal(res.status, 429);
    assert.equal(((await res.json()) as Record<string, unknown>)['code'], 'RATE_LIMITED');
    assert.ok(Number(res.headers.get('retry-after')) >= 1);
    const other = await patient();
    const r = await get(`/v1/patients/${other.did}/preferences`, other.token, proofOf(other));
    assert.equal(r.status, 200, JSON.stringify(r.body));
  });
});

/** The patient's signed request to read the anchor of `recordId` at Hospital1 through Hospital1's gateway. */
const readRequest = (
  p: { did: string; privateJwk: PatientPrivateJwk },
  recordId: string,
  aud = 'Hospital1MSP',
): Record<string, string> => ({
  [PATIENT_PROOF_HEADER]: signPatientPayload(
    { typ: SIGNED_PAYLOAD_TYPES.recordRead, aud, custodian: 'Hospital1MSP', recordId },
    { patientDid: p.did, privateJwk: p.privateJwk, kid: `${p.did}#key-1` },
    { nowMs: Date.now(), ttlSeconds: 120 },
  ),
});

describe("a patient reading their own record's public anchor", () => {
  /**
   * Record links as the regulator's peer holds them: `ConfirmPatientRecord` answers for the signer's own
   * records and NOT_FOUND otherwise, and `GetRecord` NOT_FOUND for a record that does not exist.
   */
  function linkRecords(links: ReadonlyMap<string, string>): void {
    gw.fake.handlers['listing:ConfirmPatientRecord'] = (i, o) => {
      const jws = (JSON.parse(o.transient?.['request'] ?? '{}') as { jws: string }).jws;
      const signer = (
        JSON.parse(Buffer.from(jws.split('.')[1] ?? '', 'base64url').toString()) as {
          patientDid: string;
        }
      ).patientDid;
      if (links.get(String(i['recordId'])) !== signer)
        throw new Error(`[NOT_FOUND] ${String(i['recordId'])}`);
      return { recordId: i['recordId'], custodian: i['custodian'] };
    };
    gw.fake.handlers['record:GetRecord'] = (i) => {
      if (!links.has(String(i['recordId']))) throw new Error(`[NOT_FOUND] ${String(i['recordId'])}`);
      return anchorFixture(i);
    };
  }

  it('when the patient names their own record in a signed request, then the link is checked on the regulator peer and the anchor read on the own peer', async () => {
    const p = await patient();
    const recordId = `rec-${randomBytes(4).toString('hex')}`;
    linkRecords(new Map([[recordId, p.did]]));
    const r = await get(
      `/v1/records/${recordId}?custodian=Hospital1MSP&version=1`,
      p.token,
      readRequest(p, recordId),
    );
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body['recordId'], recordId);
    const confirm = gw.fake.callsOf('listing:ConfirmPatientRecord').at(-1);
    assert.deepEqual(confirm?.input, { custodian: 'Hospital1MSP', recordId });
    assert.deepEqual(confirm.options.endorsingOrganizations, ['RegulatorMSP']);
    assert.equal(confirm.caller, 'gateway-service');
    // The patient travels in the signed request, in the transient map only.
    assert.equal(JSON.stringify(confirm.input).includes(p.did), false);
    const read = gw.fake.callsOf('record:GetRecord').at(-1);
    assert.deepEqual(read?.input, { recordId, custodian: 'Hospital1MSP', version: 1 });
  });

  it("when a patient asks for another patient's record, then the answer is the one of a record that does not exist", async () => {
    const p = await patient();
    const other = await patient();
    const theirs = `rec-${randomBytes(4).toString('hex')}`;
    linkRecords(new Map([[theirs, other.did]]));
    const foreign = await get(
      `/v1/records/${theirs}?custodian=Hospital1MSP`,
      p.token,
      readRequest(p, theirs),
    );
    const none = `rec-${randomBytes(4).toString('hex')}`;
    const missing = await get(`/v1/records/${none}?custodian=Hospital1MSP`, p.token, readRequest(p, none));
    assert.equal(foreign.status, 404);
    assert.equal(missing.status, 404);
    // Everything but the record id and the request's own ids.
    const shape = (b: Record<string, unknown>, id: string) =>
      JSON.stringify({
        ...b,
        detail: String(b['detail']).replace(id, '<id>'),
        instance: undefined,
        requestId: undefined,
      });
    assert.equal(shape(foreign.body, theirs), shape(missing.body, none));
  });

  it('when a patient sends no request, or one signed by another patient, then 401 / 403 and the ledger is not asked', async () => {
    const p = await patient();
    const other = await patient();
    const recordId = `rec-${randomBytes(4).toString('hex')}`;
    const before = gw.fake.callsOf('listing:ConfirmPatientRecord').length;
    const none = await get(`/v1/records/${recordId}`, p.token);
    assert.deepEqual([none.status, none.body['code']], [401, 'PATIENT_PROOF_REQUIRED']);
    const borrowed = await get(`/v1/records/${recordId}`, p.token, readRequest(other, recordId));
    assert.deepEqual([borrowed.status, borrowed.body['code']], [403, 'FORBIDDEN']);
    assert.equal(gw.fake.callsOf('listing:ConfirmPatientRecord').length, before);
  });
});

const H2 = 'Hospital2MSP';
const hoursAgo = (h: number): string => new Date(Date.now() - h * 3_600_000).toISOString();

/**
 * Hospital2's projection: consents granted to it (overdue, due, unread, attested, without keep-until)
 * and one to the research institute, and its staff's reads of Hospital1's records, id-only as its
 * gateway sees them. Answers the ids by name, and the consent each granted read used, as the
 * regulator's peer knows it.
 */
function owedScript(h2: TestGateway): { ids: Record<string, string>; usedUnder: Map<string, string> } {
  const b = new LedgerBuilder({ salt: `owed-${randomBytes(4).toString('hex')}` });
  const ids: Record<string, string> = {};
  const usedUnder = new Map<string, string>();
  const consent = (name: string, granteeOrg: string, keepUntil: string | null) => {
    ids[name] = b.peekTxId();
    const body = { consentId: ids[name], granteeOrg, periodEnd: hoursAgo(-2000), keepUntil };
    h2.events.append(b.event('ConsentGranted', body, hoursAgo(100)));
    b.nextBlock();
  };
  const read = (name: string, consentName: string, outcome: 'granted' | 'denied' = 'granted') => {
    const eventId = b.peekTxId();
    ids[name] = eventId;
    const body = { ...consentAccessEvent(eventId, 'Hospital1MSP'), outcome };
    if (outcome === 'denied') Object.assign(body, { reason: 'NO_CONSENT' });
    h2.events.append(b.event('AccessDecided', body, hoursAgo(90), eventId));
    b.nextBlock();
    if (outcome === 'granted') usedUnder.set(eventId, ids[consentName] ?? '');
  };
  consent('overdue', H2, hoursAgo(10));
  consent('due', H2, hoursAgo(-48));
  consent('unread', H2, hoursAgo(20));
  consent('attested', H2, hoursAgo(30));
  consent('plain', H2, null);
  consent('elsewhere', 'ResearchMSP', hoursAgo(5));
  read('r1', 'overdue');
  read('r2', 'overdue');
  read('r3', 'due');
  read('r4', 'attested');
  read('r5', 'plain');
  read('d1', 'unread', 'denied');
  const attested = {
    consentId: ids['attested'] ?? '',
    granteeOrg: H2,
    attestedBy: 'did:medledger:hospital2:adm',
    late: true,
  };
  h2.events.append(b.event('DeletionAttested', attested, hoursAgo(1)));
  return { ids, usedUnder };
}

describe('the deletion attestations a grantee still owes, at its own gateway', () => {
  let h2: TestGateway;
  let ids: Record<string, string>;

  before(async () => {
    h2 = await startTestGateway({ org: { name: 'Hospital2', mspId: H2 } });
    const script = owedScript(h2);
    ids = script.ids;
    h2.fake.handlers['consent:ResolveAccessConsents'] = (i) => ({
      items: (i['accesses'] as { accessId: string }[]).flatMap((a) => {
        const consentId = script.usedUnder.get(a.accessId);
        return consentId === undefined ? [] : [{ accessId: a.accessId, consentId }];
      }),
    });
    await h2.caughtUp();
  });
  after(async () => {
    await h2.close();
  });

  it('when a Hospital2 attending asks, then the consents it read under and did not attest are listed with their due dates, overdue first, resolved on the regulator peer', async () => {
    const r = await get('/v1/deletion-attestations/owed', await h2.token('hospital2-attending-1'), {}, h2);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const items = r.body['items'] as {
      consentId: string;
      overdue: boolean;
      reads: number;
      overdueHours: number | null;
    }[];
    assert.deepEqual(
      items.map((i) => [i.consentId, i.overdue, i.reads]),
      [
        [ids['overdue'], true, 2],
        [ids['due'], false, 1],
      ],
    );
    assert.ok((items[0]?.overdueHours ?? 0) >= 9.9);
    assert.equal(items[1]?.overdueHours, null);
    const call = h2.fake.callsOf('consent:ResolveAccessConsents').at(-1);
    assert.deepEqual(call?.options.endorsingOrganizations, ['RegulatorMSP']);
    assert.equal(call.caller, 'hospital2-attending-1');
    // Only the org's own granted reads under a consent are asked about, each with its custodian.
    assert.deepEqual(
      (call.input['accesses'] as { accessId: string }[]).map((a) => a.accessId).sort(),
      ['r1', 'r2', 'r3', 'r4', 'r5'].map((n) => ids[n]).sort(),
    );
  });

  it("when the chaincode refuses the caller (the regulator's staff), then 403; a patient token is refused before", async () => {
    h2.fake.handlers['consent:ResolveAccessConsents'] = () => {
      throw new Error('[FORBIDDEN] did:medledger:regulator:aud1');
    };
    assert.equal(
      (await get('/v1/deletion-attestations/owed', await h2.token('hospital2-attending-1'), {}, h2)).status,
      403,
    );
    const patientToken = await h2.token(newDid(), { kind: 'patient' });
    assert.equal((await get('/v1/deletion-attestations/owed', patientToken, {}, h2)).status, 403);
  });
});
