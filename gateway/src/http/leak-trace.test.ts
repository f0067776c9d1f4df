import assert from 'node:assert/strict';

import { FAKE_RECIPIENT } from '../testing/fake-ledger';
import { callJson, startTestGateway, type TestGateway } from '../testing/harness';
import { after, before, describe, it } from '../testing/node-test';

let gw: TestGateway;
before(async () => {
  gw = await startTestGateway();
});
after(async () => {
  await gw.close();
});

const send = (method: string, path: string, token: string, body?: unknown) =>
  callJson(gw, method, path, token, body);

describe('data-use receipts and POST /v1/incidents/trace', () => {
  it('when content is read, then its receipt is recorded with the custodian and the regulator before the content is answered with it', async () => {
    const accessId = 'ab'.repeat(32);
    const r = await send('GET', `/v1/records/rec-1/content?accessId=${accessId}`, await gw.token('doc1'));
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const receipt = r.body['receipt'] as Record<string, unknown>;
    assert.equal(receipt['accessId'], accessId);
    assert.equal(receipt['recipientDid'], FAKE_RECIPIENT);
    const recorded = gw.fake.callsOf('trace:RecordDataUse').at(-1);
    assert.deepEqual(recorded?.input, { custodian: 'Hospital1MSP' });
    assert.deepEqual(recorded.options.endorsingOrganizations, ['Hospital1MSP', 'RegulatorMSP']);
    assert.deepEqual(JSON.parse(recorded.options.transient?.['receipts'] ?? '[]'), [receipt]);
  });

  it("when the regulator's peer has not yet committed the grant a receipt belongs to, then the receipt is recorded once it has and the content answered", async () => {
    const saved = gw.fake.handlers['trace:RecordDataUse'];
    let lagging = 2;
    gw.fake.handlers['trace:RecordDataUse'] = (input, call) => {
      if (lagging > 0) {
        lagging -= 1;
        throw new Error('[RECEIPT_INVALID] lagging grant');
      }
      if (!saved) throw new Error('no RecordDataUse handler');
      return saved(input, call);
    };
    try {
      const accessId = 'ef'.repeat(32);
      const before = gw.fake.callsOf('trace:RecordDataUse').length;
      const r = await send('GET', `/v1/records/rec-1/content?accessId=${accessId}`, await gw.token('doc1'));
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(lagging, 0);
      assert.equal(gw.fake.callsOf('trace:RecordDataUse').length - before, 3);
    } finally {
      if (saved) gw.fake.handlers['trace:RecordDataUse'] = saved;
    }
  });

  it('when recording the receipt keeps failing, then the content is not answered', async () => {
    const saved = gw.fake.handlers['trace:RecordDataUse'];
    gw.fake.handlers['trace:RecordDataUse'] = () => {
      throw new Error('[RECEIPT_INVALID] x');
    };
    try {
      const r = await send(
        'GET',
        `/v1/records/rec-1/content?accessId=${'cd'.repeat(32)}`,
        await gw.token('doc1'),
      );
      assert.equal(r.status, 422);
      assert.equal(r.body['resource'], undefined);
    } finally {
      if (saved) gw.fake.handlers['trace:RecordDataUse'] = saved;
    }
  });

  it("when an auditor traces a leaked dataset, then only its marks reach the ledger, evaluated on the auditor's own peer", async () => {
    const pseudonym = '0123456789abcdef0123456789abcdef';
    const leaked = {
      items: [
        {
          resource: {
            resourceType: 'Condition',
            subject: { reference: `Patient/${pseudonym}` },
            note: 'CANARY-LEAK',
          },
        },
      ],
    };
    const r = await send('POST', '/v1/incidents/trace', await gw.token('aud1'), { document: leaked });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body['leak'], { hashes: 1, rows: 1, receipts: 0 });
    const call = gw.fake.callsOf('trace:TraceLeak').at(-1);
    assert.equal(
      JSON.stringify(call?.input).includes('CANARY-LEAK'),
      false,
      'the document stays at the gateway',
    );
    assert.deepEqual(
      (call?.input['rows'] as { pseudonym: string }[]).map((x) => x.pseudonym),
      [pseudonym],
    );
  });

  it('when the trace body has no document, an unknown field or a document without anything to trace, then 400 and nothing reaches the ledger', async () => {
    const before = gw.fake.callsOf('trace:TraceLeak').length;
    const token = await gw.token('aud1');
    const unmarked = [123, 'not.a.jws', [], { note: 'no record here' }].map((document) => ({ document }));
    for (const body of [{}, { document: [], extra: 1 }, ...unmarked]) {
      const r = await send('POST', '/v1/incidents/trace', token, body);
      assert.equal(r.status, 400, JSON.stringify(r.body));
    }
    assert.equal(gw.fake.callsOf('trace:TraceLeak').length, before);
  });
});
