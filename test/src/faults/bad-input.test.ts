import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { NetworkInfo } from '@medledger/network';
import { apiAs } from '../support/api';
import { newPatientRegistration } from '../support/fixtures';
import { assertSweep } from '../support/leak-check';
import { ensureNetwork, releaseNetwork } from '../support/network';
import { sweepGateway } from '../support/sweep-suite';
import { canaryName } from '../support/workload';

describe('bad input on every endpoint of every gateway', () => {
  let info: NetworkInfo;
  let patientDid = '';
  const canary = canaryName(randomBytes(4).toString('hex'));
  before(async () => {
    info = await ensureNetwork();
    const admin = await apiAs(info, 'Hospital1', 'hospital1-admin');
    patientDid = `did:medledger:patient:sweep-${randomBytes(4).toString('hex')}`;
    const reg = await admin.post('/v1/patients', newPatientRegistration(patientDid).body);
    assert.equal(reg.status, 201);
  });
  after(releaseNetwork);

  for (const org of ['Hospital1', 'Hospital2', 'Research', 'Regulator', 'Insurer']) {
    it(`when ${org}'s gateway gets every generated and hand-written bad request, then each is a 4xx problem+json without stack or canary, nothing is written and it stays up`, async () => {
      assertSweep(org, await sweepGateway(info, org, canary, patientDid, true));
    });
  }
});
