import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  decodeCompactJws,
  jwkThumbprint,
  keyRecoveryPayloadSchema,
  patientRegistrationPayloadSchema,
  consentGrantPayloadSchema,
  consentRevokePayloadSchema,
  erasureRequestPayloadSchema,
  recordListPayloadSchema,
  summaryReadPayloadSchema,
  registerPatientPayload,
  verifyCompactJws,
  type P256PublicJwk,
} from '@medledger/domain';

import { after, describe, it } from '../testing/node-test';

const SCRIPT = join(__dirname, 'patient-sign.js');
const dir = mkdtempSync(join(tmpdir(), 'patient-sign-'));
const run = (...args: string[]): string =>
  execFileSync(process.execPath, [SCRIPT, ...args], { encoding: 'utf8' });
const newKey = (name: string): P256PublicJwk =>
  JSON.parse(run('--new-key', join(dir, name))) as P256PublicJwk;
const did = 'did:medledger:patient:cli-test-0001';

describe("patient-sign: what a patient's app signs", () => {
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('when a registration is made, then the body carries a proof signed by the new key naming the org and the recovery key thumbprint (RFC 7638, as jose computes it)', async () => {
    const key = newKey('key.jwk.json');
    const recovery = newKey('recovery.jwk.json');
    const out = run(
      '--register',
      '--org',
      'Hospital1MSP',
      '--did',
      did,
      '--key',
      join(dir, 'key.jwk.json'),
      '--recovery-key',
      join(dir, 'recovery.jwk.json'),
    );
    const body = registerPatientPayload.parse(JSON.parse(out));
    assert.deepEqual(body.publicKeyJwk, key);
    const { header, payload } = verifyCompactJws(body.proof, key);
    assert.equal(header.kid, `${did}#key-1`);
    const proof = patientRegistrationPayloadSchema.parse(payload);
    assert.equal(proof.org, 'Hospital1MSP');
    assert.equal(proof.patientDid, did);
    const { calculateJwkThumbprint } = await import('jose');
    assert.equal(proof.recoveryKeyThumbprint, await calculateJwkThumbprint(recovery, 'sha256'));
    assert.ok(!out.includes(recovery.x), 'the recovery key itself is not sent');
  });

  it('when a recovery is signed, then the recovery key signs it (kid #recovery), reveals itself and names the new and next recovery keys', () => {
    const recovery = newKey('r1.jwk.json');
    const next = newKey('k2.jwk.json');
    const nextRecovery = newKey('r2.jwk.json');
    const out = JSON.parse(
      run(
        '--recover',
        '--did',
        did,
        '--recovery-key',
        join(dir, 'r1.jwk.json'),
        '--new-public-key',
        join(dir, 'k2.jwk.json'),
        '--next-recovery-key',
        join(dir, 'r2.jwk.json'),
      ),
    ) as { jws: string };
    assert.equal(decodeCompactJws(out.jws).header.kid, `${did}#recovery`);
    const payload = keyRecoveryPayloadSchema.parse(verifyCompactJws(out.jws, recovery).payload);
    assert.deepEqual(payload.recoveryPublicKeyJwk, recovery);
    assert.deepEqual(payload.newPublicKeyJwk, next);
    assert.equal(payload.newRecoveryKeyThumbprint, jwkThumbprint(nextRecovery));
  });

  it('when a grant is revoked, then the body carries the revocation signed by the patient key and the signed grant it revokes', () => {
    const key = newKey('grantor.jwk.json');
    const keyFile = join(dir, 'grantor.jwk.json');
    const grant = run('--key', keyFile, '--did', did, '--grantee-org', 'Hospital2MSP');
    const grantFile = join(dir, 'grant.json');
    writeFileSync(grantFile, grant);
    const consentId = 'c'.repeat(64);
    const out = JSON.parse(
      run('--revoke', '--key', keyFile, '--did', did, '--consent-id', consentId, '--grant', grantFile),
    ) as { jws: string; grantJws: string };
    assert.deepEqual(Object.keys(out).sort(), ['grantJws', 'jws']);
    assert.equal(out.grantJws, (JSON.parse(grant) as { jws: string }).jws);
    const revocation = consentRevokePayloadSchema.parse(verifyCompactJws(out.jws, key).payload);
    assert.deepEqual([revocation.consentId, revocation.patientDid], [consentId, did]);
    const granted = consentGrantPayloadSchema.parse(verifyCompactJws(out.grantJws, key).payload);
    assert.deepEqual(granted.grantee, { kind: 'org', mspId: 'Hospital2MSP' });
  });

  it('when a registration lacks the recovery key, then it says how to call it and prints nothing', () => {
    newKey('lonely.jwk.json');
    assert.throws(
      () =>
        execFileSync(
          process.execPath,
          [
            SCRIPT,
            '--register',
            '--org',
            'Hospital1MSP',
            '--did',
            did,
            '--key',
            join(dir, 'lonely.jwk.json'),
          ],
          { encoding: 'utf8', stdio: 'pipe' },
        ),
      (err: { status?: number; stderr?: string; stdout?: string }) =>
        err.status === 2 &&
        /--register needs --org, --did, --key, --recovery-key/.test(err.stderr ?? '') &&
        err.stdout === '',
    );
  });
});

describe('patient-sign: requests relayed through one org', () => {
  it('when a summary, listing or erasure request is signed, then each is addressed to the relaying org, names the patient and lives 120 s', () => {
    // Its own folder: the suite above removes `dir` when it ends.
    const keyFile = join(mkdtempSync(join(tmpdir(), 'patient-requests-')), 'requests.jwk.json');
    const key = JSON.parse(run('--new-key', keyFile)) as P256PublicJwk;
    const common = ['--aud', 'Hospital2MSP', '--key', keyFile, '--did', did];
    const summary = verifyCompactJws(run('--summary-request', ...common).trim(), key).payload;
    const listing = verifyCompactJws(run('--records-request', ...common).trim(), key).payload;
    const { jws } = JSON.parse(
      run('--erasure-request', '--custodian', 'Hospital1MSP', '--record-id', 'rec-0001', ...common),
    ) as { jws: string };
    const erasure = erasureRequestPayloadSchema.parse(verifyCompactJws(jws, key).payload);
    for (const p of [
      summaryReadPayloadSchema.parse(summary),
      recordListPayloadSchema.parse(listing),
      erasure,
    ]) {
      assert.deepEqual([p.aud, p.patientDid, p.exp - p.iat], ['Hospital2MSP', did, 120]);
    }
    assert.deepEqual([erasure.custodian, erasure.recordId], ['Hospital1MSP', 'rec-0001']);
    assert.throws(() => run('--erasure-request', ...common), /--custodian, --record-id/);
  });
});
