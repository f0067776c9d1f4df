import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';

import { generatePatientKey, verifyCompactJws } from '@medledger/domain';

import { BenchClient, type BenchResponse } from './http';
import {
  consentGrantJws,
  grantedAccessId,
  HOSPITAL_DAY_MIX,
  mixCycle,
  mixedOperation,
  mixKindOf,
  mixOperations,
  peakRate,
  type MixKind,
} from './mix';

/** A client that answers every call with `answer(method, path)` and remembers the calls. */
class RecordingClient extends BenchClient {
  readonly calls: string[] = [];
  constructor(private readonly answer: (method: string, path: string) => BenchResponse) {
    super('http://gateway.test', 'token');
  }

  override call(method: 'GET' | 'POST', path: string): Promise<BenchResponse> {
    this.calls.push(`${method} ${path}`);
    return Promise.resolve(this.answer(method, path));
  }
}

describe('the hospital day mix', () => {
  it('when the seed day is 100,000 interactions with peaks 10x the mean, then its peak rate is 12/s', () => {
    assert.equal(peakRate({ interactionsPerDay: 100_000, peakFactor: 10 }), 12);
    assert.equal(peakRate({ interactionsPerDay: 8_640, peakFactor: 1 }), 1);
  });

  it('when the mix is spread over a cycle, then every kind appears as often as its share and none in a run of more than two', () => {
    const cycle = mixCycle();
    assert.equal(
      HOSPITAL_DAY_MIX.reduce((a, m) => a + m.share, 0),
      100,
    );
    assert.equal(cycle.length, 20);
    for (const m of HOSPITAL_DAY_MIX)
      assert.equal(cycle.filter((k) => k === m.kind).length, m.share / 5, `${m.kind} in ${cycle.join(',')}`);
    // The largest share (40 %) never fills three slots in a row, even across the cycle's end.
    const twice = [...cycle, ...cycle];
    for (let i = 0; i + 2 < twice.length; i++)
      assert.ok(!(twice[i] === twice[i + 1] && twice[i] === twice[i + 2]), `run at ${String(i)}`);
    const kindOf = mixKindOf(cycle);
    assert.equal(kindOf(3), kindOf(23));
  });

  it('when a mix has a share that is not a positive whole number, then it is refused', () => {
    assert.throws(() => mixCycle([{ kind: 'anchor', share: 0, what: '' }]), /positive whole shares/);
    assert.throws(() => mixCycle([]), /positive whole shares/);
  });

  it('when an access is granted, then the interaction reads the content with its access id; when denied, it does not count as done', async () => {
    const accessId = `acc-${randomBytes(4).toString('hex')}`;
    let outcome = 'granted';
    const clinician = new RecordingClient((method, path) =>
      method === 'POST' && path.endsWith('/access')
        ? { status: 200, body: { txId: 'tx1', decision: { outcome, accessId } } }
        : { status: 200, body: {} },
    );
    const recordId = `rec-${randomBytes(4).toString('hex')}`;
    const ops = mixOperations({
      clinicians: [clinician],
      auditor: clinician,
      records: [recordId],
      patientDid: `did:medledger:patient:${randomBytes(4).toString('hex')}`,
      consentPatient: { did: 'did:medledger:patient:x', key: generatePatientKey() },
      anchor: () => Promise.resolve('committed'),
    });
    assert.equal(await ops['access-content'](0), 'committed');
    assert.deepEqual(clinician.calls, [
      `POST /v1/records/${recordId}/access`,
      `GET /v1/records/${recordId}/content?accessId=${accessId}`,
    ]);
    outcome = 'denied';
    assert.equal(await ops['access-content'](1), 'rejected');
    assert.equal(clinician.calls.length, 3, 'no content read after a denial');
  });

  it('when the mixed operation runs, then each call goes to the operation of its kind in the schedule', async () => {
    const seen: [MixKind, number][] = [];
    const kinds: MixKind[] = ['record-read', 'access-content', 'anchor', 'consent-grant', 'audit-read'];
    const ops = Object.fromEntries(
      kinds.map((k) => [k, (i: number) => (seen.push([k, i]), Promise.resolve('committed' as const))]),
    ) as unknown as Parameters<typeof mixedOperation>[0];
    const op = mixedOperation(ops, mixKindOf(['anchor', 'record-read']));
    await op(0);
    await op(1);
    await op(2);
    assert.deepEqual(seen, [
      ['anchor', 0],
      ['record-read', 1],
      ['anchor', 2],
    ]);
  });

  it('when a consent grant is signed, then it verifies against the patient key and names Hospital2', () => {
    const key = generatePatientKey();
    const did = `did:medledger:patient:${randomBytes(4).toString('hex')}`;
    const jws = consentGrantJws({ did, key }, Date.now());
    const { header, payload } = verifyCompactJws(jws, key.publicJwk);
    assert.equal(header.kid, `${did}#key-1`);
    assert.equal((payload as { grantee: { mspId: string } }).grantee.mspId, 'Hospital2MSP');
    assert.throws(() => verifyCompactJws(jws, generatePatientKey().publicJwk), /does not verify/);
  });

  it('when an access answer is read, then only a granted 200 gives an access id', () => {
    assert.equal(grantedAccessId({ status: 200, body: { outcome: 'granted', accessId: 'a1' } }), 'a1');
    assert.equal(grantedAccessId({ status: 403, body: { outcome: 'granted', accessId: 'a1' } }), undefined);
  });
});
