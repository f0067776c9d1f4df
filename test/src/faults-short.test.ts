import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { NetworkInfo } from '@medledger/network';
import { apiAs } from './support/api';
import { newPatientRegistration } from './support/fixtures';
import { assertNoCanaryLeak, assertSweep } from './support/leak-check';
import { ensureNetwork, releaseNetwork } from './support/network';
import { ordererLeaderKill } from './support/scenario';
import { sweepGateway } from './support/sweep-suite';
import { canaryName } from './support/workload';

/**
 * The short reliability and security check of the end-to-end run: one ordering-leader kill (Raft or
 * BFT, as the network runs) under light journaled load, the bad-input sweep of one gateway, and the canary search over everything on disk.
 * `npm run test:faults` runs the full versions.
 */
describe('faults, bad input and leaks (short)', () => {
  let info: NetworkInfo;
  const canary = canaryName(randomBytes(4).toString('hex'));
  before(async () => {
    info = await ensureNetwork();
  });
  after(releaseNetwork);

  it('when the ordering leader (Raft or BFT) is SIGKILLed under light load and restarted, then nothing acknowledged is lost or applied twice and writes resume within 15 s', async () => {
    await ordererLeaderKill(info, {
      name: `short-${info.ordering ?? 'raft'}-leader-kill`,
      durationMs: 25_000,
    });
  });

  it('when every endpoint gets bad input, then each answer is a 4xx problem+json without stack or canary, nothing is written and the gateway stays up', async () => {
    const admin = await apiAs(info, 'Hospital1', 'hospital1-admin');
    const patientDid = `did:medledger:patient:sweep-${randomBytes(4).toString('hex')}`;
    const reg = await admin.post('/v1/patients', newPatientRegistration(patientDid).body);
    assert.equal(reg.status, 201);
    assertSweep('Hospital1', await sweepGateway(info, 'Hospital1', canary, patientDid, false));
  });

  it('when the runs are over, then no canary personal data is in any log, block file or state database, the private store of the custodian included', () => {
    assertNoCanaryLeak(info);
  });
});
