import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { settle } from './consortium';

/** A submit failure as Fabric's gateway reports it when BFT orderers had already ordered the transaction. */
function alreadyProcessed(): Error {
  return Object.assign(
    new Error('14 UNAVAILABLE: insufficient number of orderers could successfully process transaction'),
    {
      name: 'SubmitError',
      details: [
        {
          address: 'orderer1.orderer.medledger.local:7060',
          mspId: 'OrdererMSP',
          message:
            'received unsuccessful response from orderer: status=SERVICE_UNAVAILABLE, info=failed to submit request: request already processed',
        },
      ],
    },
  );
}

describe('consortium bootstrap steps', () => {
  it('when a write fails because BFT orderers had already ordered it, then the step runs again and finds it', async () => {
    const answers: (() => string)[] = [
      () => {
        throw alreadyProcessed();
      },
      () => 'present',
    ];
    let calls = 0;
    const result = await settle(() => Promise.resolve().then(answers[calls++] ?? (() => 'extra')), {
      delayMs: 0,
    });
    assert.deepEqual([result, calls], ['present', 2]);
  });

  it('when a retry loses to the first copy at validation, then the step runs again', async () => {
    let calls = 0;
    const result = await settle(
      () => {
        calls++;
        if (calls === 1) return Promise.reject(alreadyProcessed());
        if (calls === 2)
          return Promise.reject(Object.assign(new Error('MVCC_READ_CONFLICT'), { name: 'CommitError' }));
        return Promise.resolve('present');
      },
      { delayMs: 0 },
    );
    assert.deepEqual([result, calls], ['present', 3]);
  });

  it('when the peer does not know yet that an org runs the chaincode, then the step runs again once gossip had time to tell', async () => {
    let calls = 0;
    const result = await settle(
      () => {
        calls++;
        if (calls < 3)
          return Promise.reject(
            Object.assign(
              new Error('14 UNAVAILABLE: failed to find any endorsing peers for org(s): Hospital4MSP'),
              {
                name: 'EndorseError',
              },
            ),
          );
        return Promise.resolve('written');
      },
      { delayMs: 0 },
    );
    assert.deepEqual([result, calls], ['written', 3]);
  });

  it('when a write fails for another reason, then its error stands at once', async () => {
    let calls = 0;
    const refused = Object.assign(new Error('10 ABORTED: failed to endorse transaction'), {
      name: 'EndorseError',
    });
    await assert.rejects(
      settle(
        () => {
          calls++;
          return Promise.reject(refused);
        },
        { delayMs: 0 },
      ),
      (err) => err === refused,
    );
    assert.equal(calls, 1);
  });

  it('when every attempt is answered as already ordered, then the last error stands after the attempts', async () => {
    let calls = 0;
    await assert.rejects(
      settle(
        () => {
          calls++;
          return Promise.reject(alreadyProcessed());
        },
        { attempts: 3, delayMs: 0 },
      ),
      { name: 'SubmitError' },
    );
    assert.equal(calls, 3);
  });
});
