import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { NetworkInfo } from '@medledger/network';
import { apiAs, type ApiClient } from './support/api';
import { newPatientRegistration } from './support/fixtures';
import { ensureNetwork, releaseNetwork } from './support/network';

function newPatient(): { patientDid: string; publicKeyJwk: object; proof: string } {
  return newPatientRegistration(`did:medledger:patient:idem-${randomBytes(6).toString('hex')}`).body;
}

describe('idempotent writes against the real consortium', () => {
  let info: NetworkInfo;
  let admin: ApiClient;
  before(async () => {
    info = await ensureNetwork();
    admin = await apiAs(info, 'Hospital1', 'hospital1-admin');
  });
  after(releaseNetwork);

  it('when a write is retried with the same key, then the first committed result comes back and nothing is written twice', async () => {
    const key = randomUUID();
    const body = newPatient();
    const first = await admin.post('/v1/patients', body, { idempotencyKey: key });
    assert.equal(first.status, 201, JSON.stringify(first.body));
    const retry = await admin.post('/v1/patients', body, { idempotencyKey: key });
    assert.equal(retry.status, 201);
    assert.deepEqual(retry.body, first.body);
    // A fresh key for the same patient is a second attempt, which the ledger refuses.
    const again = await admin.post('/v1/patients', body, { idempotencyKey: randomUUID() });
    assert.equal(again.status, 409, JSON.stringify(again.body));
  });

  it('when the same key comes with another payload, then it is a 422 and nothing is written', async () => {
    const key = randomUUID();
    const first = await admin.post('/v1/patients', newPatient(), { idempotencyKey: key });
    assert.equal(first.status, 201);
    const other = newPatient();
    const clash = await admin.post('/v1/patients', other, { idempotencyKey: key });
    assert.equal(clash.status, 422);
    assert.equal(clash.headers.get('content-type')?.split(';')[0], 'application/problem+json');
    const resolved = await admin.get(`/v1/dids/${encodeURIComponent(other.patientDid)}`);
    assert.equal(resolved.status, 404);
  });

  it('when two identical requests race with one key, then one commits and the other is told it is in progress or gets the same result', async () => {
    const key = randomUUID();
    const body = newPatient();
    const [a, b] = await Promise.all([
      admin.post('/v1/patients', body, { idempotencyKey: key }),
      admin.post('/v1/patients', body, { idempotencyKey: key }),
    ]);
    const statuses = [a.status, b.status].sort();
    assert.ok(
      (statuses[0] === 201 && statuses[1] === 409) || (statuses[0] === 201 && statuses[1] === 201),
      `statuses ${statuses.join(',')}`,
    );
    if (a.status === 201 && b.status === 201) assert.deepEqual(a.body, b.body);
  });
});
