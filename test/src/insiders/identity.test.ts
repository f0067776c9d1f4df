import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { before, describe, it } from 'node:test';
import {
  canonicalJson,
  generatePatientKey,
  qualifiedName,
  signKeyRecovery,
  signPatientPayload,
  signPatientRegistration,
  type PatientPrivateJwk,
} from '@medledger/domain';
import { accessLogProof, apiAs, until, type ApiClient } from '../support/api';
import { chaincodeCode } from '../support/authz-matrix';
import { orgIssuedIdentity } from '../support/crafted-identity';
import { labConsentForHospital2, newPatientRegistration } from '../support/fixtures';
import { connectAs, orgInfo, useNetwork } from '../support/network';

/**
 * Issue 12, hostile insiders, identity: what an insider holding an org's CA key (or able to choose
 * the other fields of their certificate) and a hospital relaying patient keys can no longer do, shown
 * on the real consortium (the peers' MSPs accept the crafted certificates; only the chaincode's
 * reading of them decides).
 */
describe('insiders: identity (issue 12 holes 4 and 7)', () => {
  const network = useNetwork();
  let h1Admin: ApiClient;
  const run = randomBytes(4).toString('hex');
  const attendingId = `ins-att-${run}`;
  const base = [
    ['C', 'US'],
    ['ST', 'North Carolina'],
  ] as const;

  /**
   * Calls `fn` of the chaincode as a certificate with `subject`, issued by Hospital1's CA, signing with
   * its key; `creator` makes the id bytes sent from the certificate (default: the certificate).
   */
  async function callAs(
    subject: readonly (readonly [string, string])[],
    kind: 'submit' | 'evaluate',
    fn: string,
    input: unknown,
    creator: (certificate: string) => string = (certificate) => certificate,
  ): Promise<string> {
    const { identity, signer } = await orgIssuedIdentity(network(), 'Hospital1', subject);
    const credentials = Buffer.from(creator(Buffer.from(identity.credentials).toString('utf8')));
    const { gateway, client } = connectAs(orgInfo(network(), 'Hospital1'), {
      identity: { ...identity, credentials },
      signer,
    });
    try {
      const contract = gateway.getNetwork(network().channel).getContract(network().chaincode);
      const options = { arguments: [canonicalJson(input)] };
      const out =
        kind === 'submit' ? await contract.submit(fn, options) : await contract.evaluate(fn, options);
      return Buffer.from(out).toString('utf8');
    } finally {
      gateway.close();
      client.close();
    }
  }

  /** The chaincode's `[CODE]` of a refused call, or 'ALLOWED'. */
  async function codeOf(call: Promise<unknown>): Promise<string> {
    try {
      await call;
      return 'ALLOWED';
    } catch (err) {
      return chaincodeCode(err).code ?? `uncoded: ${chaincodeCode(err).text.slice(0, 200)}`;
    }
  }

  before(async () => {
    h1Admin = await apiAs(network(), 'Hospital1', 'hospital1-admin');
    const onboarded = await h1Admin.post('/v1/staff', {
      enrollmentId: attendingId,
      role: 'attending',
      department: 'cardiology',
    });
    assert.equal(onboarded.status, 201, JSON.stringify(onboarded.body));
  });

  it('hole 4: when a Hospital1-issued client certificate carries O "x/y/OU=admin", then it cannot register staff and nothing is written; a real admin certificate of the same CA can', async () => {
    const victim = `ins-victim-${run}`;
    const registration = { enrollmentId: victim, role: 'attending', department: 'cardiology' };
    const smuggled = [
      ...base,
      ['O', 'x/y/OU=admin'],
      ['OU', 'client'],
      ['CN', `ins-smuggler-${run}`],
    ] as const;
    assert.equal(
      await codeOf(callAs(smuggled, 'submit', qualifiedName('RegisterStaff'), registration)),
      'NOT_REGISTERED',
    );
    const resolved = await h1Admin.get(`/v1/dids/${encodeURIComponent(`did:medledger:hospital1:${victim}`)}`);
    assert.equal(resolved.status, 404, 'no staff document was written');
    // The control: the same CA's certificate with the admin NodeOU in its own attribute is an admin
    // (evaluated only, so it writes nothing).
    const admin = [...base, ['O', 'Hyperledger'], ['OU', 'admin'], ['CN', `ins-admin-${run}`]] as const;
    assert.equal(
      await codeOf(callAs(admin, 'evaluate', qualifiedName('RegisterStaff'), registration)),
      'ALLOWED',
    );
  });

  it('hole 4: when a certificate carries a second CN naming a registered attending, then the chaincode refuses it instead of acting as that attending', async () => {
    const patientDid = `did:medledger:patient:ins-cn-${run}`;
    const twoCns = [
      ...base,
      ['O', 'Hyperledger'],
      ['OU', 'client'],
      ['CN', `ins-ghost-${run}`],
      ['CN', attendingId],
    ] as const;
    assert.equal(
      await codeOf(callAs(twoCns, 'evaluate', qualifiedName('ListPatientConsents'), { patientDid })),
      'FORBIDDEN',
    );
  });

  it("hole 4: when the id bytes carry the signer's own certificate in a PEM block of another type (which the peer validates) and then an admin certificate of the same CA, then the chaincode refuses the identity; the signer's certificate then an admin's likewise", async () => {
    const registration = { enrollmentId: `ins-v2-${run}`, role: 'attending', department: 'cardiology' };
    // Certificates are public: the admin's is one anyone in the org may have seen. Its key is not used.
    const admin = await orgIssuedIdentity(network(), 'Hospital1', [
      ...base,
      ['O', 'Hyperledger'],
      ['OU', 'admin'],
      ['CN', `ins-admin2-${run}`],
    ]);
    const adminPem = Buffer.from(admin.identity.credentials).toString('utf8');
    const nurse = [...base, ['O', 'Hyperledger'], ['OU', 'client'], ['CN', `ins-nurse-${run}`]] as const;
    const behindAnotherType = (own: string) => `${own.replaceAll('CERTIFICATE', 'NOTE')}\n${adminPem}`;
    const behindOwn = (own: string) => `${own}\n${adminPem}`;
    for (const creator of [behindAnotherType, behindOwn]) {
      assert.equal(
        await codeOf(callAs(nurse, 'evaluate', qualifiedName('RegisterStaff'), registration, creator)),
        'FORBIDDEN',
        creator.name,
      );
    }
    // The control: the same nurse certificate alone reaches the chaincode as an unregistered client.
    assert.equal(
      await codeOf(callAs(nurse, 'evaluate', qualifiedName('RegisterStaff'), registration)),
      'NOT_REGISTERED',
    );
  });

  it('hole 7: when a hospital registers a patient key with a proof signed by another key or naming another org, then 403 INVALID_SIGNATURE and the DID does not exist', async () => {
    const patientDid = `did:medledger:patient:ins-pop-${run}`;
    const genuine = newPatientRegistration(patientDid);
    const forged = signPatientRegistration(
      patientDid,
      generatePatientKey(),
      generatePatientKey().publicJwk,
      'Hospital1MSP',
      { nowMs: Date.now() },
    );
    const otherOrg = signPatientRegistration(
      patientDid,
      genuine.key,
      genuine.recovery.publicJwk,
      'Hospital2MSP',
      {
        nowMs: Date.now(),
      },
    );
    for (const body of [{ ...forged, publicKeyJwk: genuine.body.publicKeyJwk }, otherOrg]) {
      const res = await h1Admin.post('/v1/patients', body);
      assert.equal(res.status, 403, JSON.stringify(res.body));
      assert.equal(res.body['code'], 'INVALID_SIGNATURE');
    }
    assert.equal((await h1Admin.get(`/v1/dids/${encodeURIComponent(patientDid)}`)).status, 404);
  });

  it('hole 7: when a patient lost their key, then the recovery key registered at onboarding replaces it through another hospital; the old key no longer signs, the new one does, and the access log shows both key changes', async () => {
    const patientDid = `did:medledger:patient:ins-rec-${run}`;
    const { key, recovery, body } = newPatientRegistration(patientDid);
    const doctor = await apiAs(network(), 'Hospital1', attendingId);
    assert.equal((await doctor.post('/v1/patients', body)).status, 201);
    const patientApp = await apiAs(network(), 'Hospital1', patientDid, { kind: 'patient' });
    const grant = (privateJwk: PatientPrivateJwk, kid: string) => ({
      jws: signPatientPayload(
        labConsentForHospital2(),
        { patientDid, privateJwk, kid },
        { nowMs: Date.now() },
      ),
    });
    const next = generatePatientKey();
    // Another hospital relays the recovery (the patient's own hospital may be the one they lost touch with).
    const relay = await apiAs(network(), 'Hospital2', 'hospital2-admin');
    const recovered = await relay.post(`/v1/patients/${encodeURIComponent(patientDid)}/keys/recovery`, {
      jws: signKeyRecovery(patientDid, recovery, next.publicJwk, generatePatientKey().publicJwk, {
        nowMs: Date.now(),
      }),
    });
    assert.equal(recovered.status, 200, JSON.stringify(recovered.body));
    const kid2 = `${patientDid}#key-2`;
    assert.equal(
      (recovered.body['didDocument'] as { medledger: { currentKeyId: string } }).medledger.currentKeyId,
      kid2,
    );
    const stale = await patientApp.post('/v1/consents', grant(key.privateJwk, `${patientDid}#key-1`));
    assert.equal(stale.status, 403, JSON.stringify(stale.body));
    const fresh = await patientApp.post('/v1/consents', grant(next.privateJwk, kid2));
    assert.equal(fresh.status, 201, JSON.stringify(fresh.body));
    const patient = { did: patientDid, privateJwk: next.privateJwk, kid: kid2 };
    // The projection follows the ledger asynchronously: wait for the recovery to reach it.
    const log = await until(
      patientApp,
      `/v1/patients/${encodeURIComponent(patientDid)}/access-log`,
      (r) => r.status === 200 && (r.body['keyChanges'] as unknown[]).length >= 2,
      () => accessLogProof(patient, 'Hospital1MSP'),
    );
    const changes = (log.body['keyChanges'] as { keyId: string; change: string; relayedBy: string }[]).map(
      (k) => [k.keyId, k.change, k.relayedBy],
    );
    assert.deepEqual(changes, [
      [kid2, 'recovered', 'Hospital2MSP'],
      [`${patientDid}#key-1`, 'registered', 'Hospital1MSP'],
    ]);
  });
});
