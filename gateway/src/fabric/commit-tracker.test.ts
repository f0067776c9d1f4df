import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

import { StatusCode, type Status } from '@hyperledger/fabric-gateway';

import { ConfigError } from '../config';
import { AppError, GatewayErrorCode } from '../errors';
import { testConfig } from '../testing/harness';
import { describe, it } from '../testing/node-test';
import { PushStream } from '../testing/push-stream';
import {
  CommitTracker,
  RESUBMIT_MAX_FACTOR,
  resubmitDelays,
  ordererRefused,
  resubmitWhileWaiting,
  submitAlreadyOrdered,
  submitAndWait,
  type AbortableSleep,
  type BlockSource,
  type BlockStream,
  type CommitOutcome,
  type CommittedBlock,
  type ValidationCode,
} from './commit-tracker';
import { isRetryableConflict, ledgerTimeout, ledgerUnavailable, mapLedgerError } from './error-mapping';

/** A channel whose blocks the test appends; records where each stream opened. */
class FakeLedger implements BlockSource {
  heightNow = 5n;
  readonly opens: bigint[] = [];
  streams: PushStream<CommittedBlock>[] = [];
  failOpens = 0;
  /** The peer hangs: its height is never answered (its open stream says nothing either). */
  hung = false;
  /** Heights asked. */
  heightCalls = 0;

  height(): Promise<bigint> {
    this.heightCalls++;
    return this.hung ? new Promise<bigint>(() => undefined) : Promise.resolve(this.heightNow);
  }

  open(startBlock: bigint): Promise<BlockStream> {
    if (this.failOpens > 0) {
      this.failOpens--;
      return Promise.reject(new Error('14 UNAVAILABLE: connection refused'));
    }
    this.opens.push(startBlock);
    const s = new PushStream<CommittedBlock>();
    this.streams.push(s);
    return Promise.resolve(s);
  }

  get current(): PushStream<CommittedBlock> {
    const s = this.streams.at(-1);
    if (!s) throw new Error('no stream open');
    return s;
  }

  /** Commits a block holding `txs` and delivers it to the open stream. */
  commit(...txs: [txId: string, code: ValidationCode][]): bigint {
    const number = this.heightNow++;
    this.current.push({ number, transactions: txs.map(([txId, code]) => ({ txId, code })) });
    return number;
  }
}

function tracker(ledger: FakeLedger, timeoutMs = 2000, stallMs?: number): CommitTracker {
  const t = new CommitTracker({
    source: ledger,
    timeoutMs,
    ...(stallMs === undefined ? {} : { stallMs, stallProbeMs: 30 }),
    timeoutError: (txId) => ledgerTimeout('submit', { txId }),
    closedError: (txId) => ledgerUnavailable('submit', { txId }),
    retryMs: 5,
    maxRetryMs: 20,
  });
  t.start();
  return t;
}

async function until(what: string, check: () => boolean): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (check()) return;
    await sleep(5);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A tracker over a fresh fake ledger, its stream open. */
async function openTracker(
  timeoutMs?: number,
  stallMs?: number,
): Promise<{ ledger: FakeLedger; t: CommitTracker }> {
  const ledger = new FakeLedger();
  const t = tracker(ledger, timeoutMs, stallMs);
  await until('up', () => t.status().up);
  return { ledger, t };
}

/** A tracker (stall time 60 ms) whose stream delivered one block with a write's commit. */
async function trackerPastOneBlock(): Promise<{ ledger: FakeLedger; t: CommitTracker; b5: bigint }> {
  const { ledger, t } = await openTracker(2000, 60);
  const first = randomUUID();
  const firstWait = t.expect(first).wait(noStatusCall);
  const b5 = ledger.commit([first, StatusCode.VALID]);
  await firstWait;
  return { ledger, t, b5 };
}

/** A tracker whose peer refuses every stream (an outage). */
function downTracker(): CommitTracker {
  const ledger = new FakeLedger();
  ledger.failOpens = 1000;
  return tracker(ledger);
}

const noStatusCall = (): Promise<CommitOutcome> => Promise.reject(new Error('unexpected CommitStatus call'));

function statusOf(txId: string, code: ValidationCode, blockNumber: bigint): Status {
  return { code, blockNumber, transactionId: txId, successful: code === StatusCode.VALID };
}

describe('commit tracker: the block stream', () => {
  it('when the stream opens, then it starts at the channel height', async () => {
    const { ledger, t } = await openTracker();
    assert.deepEqual(ledger.opens, [5n]);
    await t.close();
  });

  it('when a transaction commits before its write waits, then the wait resolves without a status call', async () => {
    const { ledger, t } = await openTracker();
    const txId = randomUUID();
    const waiter = t.expect(txId);
    const block = ledger.commit(['other', StatusCode.VALID], [txId, StatusCode.VALID]);
    await until('delivered', () => t.status().lastBlock === block);
    assert.equal(t.status().waiting, 0, 'the settled waiter left the map');
    assert.deepEqual(await waiter.wait(noStatusCall), { code: StatusCode.VALID, blockNumber: block });
    assert.equal(t.status().statusCalls, 0);
    await t.close();
  });

  it('when a block reports an invalid code, then the waiter gets that code', async () => {
    const { ledger, t } = await openTracker();
    const txId = randomUUID();
    const waiting = t.expect(txId).wait(noStatusCall);
    const block = ledger.commit([txId, StatusCode.MVCC_READ_CONFLICT], [txId, StatusCode.DUPLICATE_TXID]);
    assert.deepEqual(await waiting, { code: StatusCode.MVCC_READ_CONFLICT, blockNumber: block });
    await t.close();
  });

  it('when the stream breaks, then pending writes ask the peer and the stream resumes after the last block', async () => {
    const { ledger, t } = await openTracker();
    const seen = randomUUID();
    const early = t.expect(seen).wait(noStatusCall);
    const b5 = ledger.commit([seen, StatusCode.VALID]);
    await early;
    const pending = randomUUID();
    let asked = 0;
    const waiting = t.expect(pending).wait(() => {
      asked++;
      return Promise.resolve({ code: StatusCode.VALID, blockNumber: 6n });
    });
    ledger.failOpens = 2;
    ledger.current.push(new Error('14 UNAVAILABLE: peer killed'));
    assert.deepEqual(await waiting, { code: StatusCode.VALID, blockNumber: 6n });
    assert.equal(asked, 1);
    await until('reopened', () => t.status().up);
    assert.deepEqual(ledger.opens, [5n, b5 + 1n], 'resumed from the checkpoint, past two failed opens');
    // A write registered after the resume is served by the stream again.
    const later = randomUUID();
    const laterWait = t.expect(later).wait(noStatusCall);
    ledger.heightNow = 7n;
    const b7 = ledger.commit([later, StatusCode.VALID]);
    assert.deepEqual(await laterWait, { code: StatusCode.VALID, blockNumber: b7 });
    assert.equal(t.status().statusCalls, 1);
    await t.close();
  });
});

describe('commit tracker: a stream that stalls', () => {
  it('when the stream delivers nothing while a write waits, then after the stall time the write asks the peer and the stream reopens after its last block', async () => {
    const { ledger, t, b5 } = await trackerPastOneBlock();
    // The peer hangs: the stream stays open and silent, and the peer answers nothing.
    ledger.hung = true;
    const stalledStream = ledger.current;
    const txId = randomUUID();
    const started = performance.now();
    const outcome = await t
      .expect(txId)
      .wait(() => Promise.resolve({ code: StatusCode.VALID, blockNumber: 6n }));
    const waitedMs = performance.now() - started;
    assert.deepEqual(outcome, { code: StatusCode.VALID, blockNumber: 6n });
    assert.ok(
      waitedMs >= 55 && waitedMs < 1000,
      `asked the peer after the stall time (${String(waitedMs)} ms)`,
    );
    await until('reopened', () => ledger.opens.length === 2 && t.status().up);
    assert.equal(stalledStream.closed, true);
    assert.deepEqual(ledger.opens, [5n, b5 + 1n]);
    assert.equal(t.status().stalledStreams, 1);
    assert.equal(t.status().statusCalls, 1);
    await t.close();
  });

  it('when blocks keep coming while a write waits, then it neither asks the peer nor gives the stream up', async () => {
    const { ledger, t } = await openTracker(2000, 60);
    const txId = randomUUID();
    const waiting = t.expect(txId).wait(noStatusCall);
    for (let i = 0; i < 8; i++) {
      await sleep(25);
      ledger.commit([randomUUID(), StatusCode.VALID]);
    }
    const block = ledger.commit([txId, StatusCode.VALID]);
    assert.deepEqual(await waiting, { code: StatusCode.VALID, blockNumber: block });
    assert.deepEqual([t.status().statusCalls, t.status().stalledStreams, ledger.opens.length], [0, 0, 1]);
    await t.close();
  });

  it('when no write waits, then a quiet stream is kept however long it delivers nothing', async () => {
    const { ledger, t } = await openTracker(2000, 20);
    await sleep(150);
    assert.deepEqual([t.status().stalledStreams, ledger.opens.length, t.status().up], [0, 1, true]);
    await t.close();
  });
});

describe("commit tracker: a silent stream's peer asked for its height", () => {
  it('when the peer answers that it holds blocks the silent stream has not delivered, then the stream is given up and resumes after its last block', async () => {
    const { ledger, t } = await openTracker(2000, 60);
    // Two blocks committed on the peer that the open stream never delivers.
    ledger.heightNow = 7n;
    await t.expect(randomUUID()).wait(() => Promise.resolve({ code: StatusCode.VALID, blockNumber: 6n }));
    await until('reopened', () => ledger.opens.length === 2 && t.status().up);
    assert.deepEqual(ledger.opens, [5n, 5n], 'resumed where the stalled stream stood');
    assert.equal(t.status().stalledStreams, 1);
    await t.close();
  });

  it('when a write waits on a quiet chain (the ordering service cuts no block), then it asks the peer but the stream is kept', async () => {
    const { ledger, t } = await openTracker(2000, 60);
    const b5 = ledger.commit([randomUUID(), StatusCode.VALID]);
    await until('delivered', () => t.status().lastBlock === b5);
    let asked = 0;
    const waiting = t.expect(randomUUID()).wait(() => {
      asked++;
      // The CommitStatus call waits as long as the ordering service cuts nothing.
      return new Promise<CommitOutcome>(() => undefined);
    });
    await until('asked', () => asked === 1);
    await until('the height asked', () => ledger.heightCalls >= 2);
    await sleep(100);
    assert.deepEqual(
      [t.status().stalledStreams, ledger.opens.length, t.status().up, ledger.current.closed],
      [0, 1, true, false],
      'the stream its peer says is complete is kept',
    );
    // Blocks come again: the same stream delivers them.
    const next = randomUUID();
    const nextWait = t.expect(next).wait(noStatusCall);
    const b6 = ledger.commit([next, StatusCode.VALID]);
    assert.deepEqual(await nextWait, { code: StatusCode.VALID, blockNumber: b6 });
    void waiting.catch(() => undefined);
    await t.close();
  });

  it('when the stream is given up, then it reopens without the retry delay and the writes waiting on it are served by the new stream', async () => {
    const ledger = new FakeLedger();
    const t = new CommitTracker({
      source: ledger,
      timeoutMs: 2000,
      timeoutError: (txId) => ledgerTimeout('submit', { txId }),
      closedError: (txId) => ledgerUnavailable('submit', { txId }),
      retryMs: 60_000,
      stallMs: 200,
      stallProbeMs: 20,
    });
    t.start();
    await until('up', () => t.status().up);
    // The stream has been silent for the stall time when the write starts waiting; the peer hangs.
    await sleep(220);
    ledger.hung = true;
    const txId = randomUUID();
    const waiting = t.expect(txId).wait(noStatusCall);
    t.checkStalled();
    await until('reopened', () => ledger.opens.length === 2 && t.status().up);
    assert.deepEqual(ledger.opens, [5n, 5n]);
    const block = ledger.commit([txId, StatusCode.VALID]);
    assert.deepEqual(await waiting, { code: StatusCode.VALID, blockNumber: block });
    assert.equal(t.status().statusCalls, 0, 'the waiting write did not ask the peer');
    await t.close();
  });

  it("when a call to the stream's peer ran past its deadline while the stream delivered nothing and the peer does not say its height, then the stream is given up and resumes after its last block", async () => {
    const { ledger, t, b5 } = await trackerPastOneBlock();
    const silent = ledger.current;
    await sleep(80);
    ledger.hung = true;
    t.checkStalled();
    await until('reopened', () => ledger.opens.length === 2 && t.status().up);
    assert.equal(silent.closed, true);
    assert.deepEqual(ledger.opens, [5n, b5 + 1n]);
    assert.equal(t.status().stalledStreams, 1);
    await t.close();
  });

  it("when a call to the stream's peer ran past its deadline but the stream delivers blocks, or its peer says there is nothing to deliver, then the stream is kept", async () => {
    const { ledger, t } = await openTracker(2000, 60);
    await sleep(80);
    ledger.commit([randomUUID(), StatusCode.VALID]);
    await until('delivered', () => t.status().lastBlock === 5n);
    const heights = ledger.heightCalls;
    t.checkStalled();
    await sleep(30);
    assert.equal(ledger.heightCalls, heights, 'a stream that just delivered is not even checked');
    // Silent for the stall time, but complete: the ordering service (a deadline past on a submit's
    // commit during a quorum loss) is what stopped, not the peer.
    await sleep(80);
    t.checkStalled();
    await until('the height asked', () => ledger.heightCalls === heights + 1);
    await sleep(30);
    assert.deepEqual([t.status().stalledStreams, ledger.opens.length, ledger.current.closed], [0, 1, false]);
    await t.close();
  });
});

describe('commit tracker: outages, deadlines and closing', () => {
  it('when a write registers while the stream is down, then it asks the peer once it waits', async () => {
    const t = downTracker();
    const txId = randomUUID();
    const waiter = t.expect(txId);
    await sleep(20);
    const outcome = await waiter.wait(() => Promise.resolve({ code: StatusCode.VALID, blockNumber: 9n }));
    assert.deepEqual(outcome, { code: StatusCode.VALID, blockNumber: 9n });
    assert.equal(t.status().waiting, 0);
    await t.close();
  });

  it('when the status call fails during an outage, then the write fails with its error', async () => {
    const t = downTracker();
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    await assert.rejects(
      t.expect(randomUUID()).wait(() => Promise.reject(refused)),
      (err) => err === refused,
    );
    await t.close();
  });

  it('when no block names the transaction within the deadline, then the write times out like a status call and is forgotten', async () => {
    const { t } = await openTracker(30);
    const txId = randomUUID();
    await assert.rejects(t.expect(txId).wait(noStatusCall), (err) => {
      assert.ok(err instanceof AppError);
      assert.equal(err.status, 504);
      assert.equal(err.code, GatewayErrorCode.LEDGER_TIMEOUT);
      assert.equal(err.txId, txId);
      return true;
    });
    assert.equal(t.status().waiting, 0);
    await t.close();
  });

  it('when a submit fails, then cancelling forgets the waiter', async () => {
    const ledger = new FakeLedger();
    const t = tracker(ledger);
    const waiter = t.expect(randomUUID());
    assert.equal(t.status().waiting, 1);
    waiter.cancel();
    assert.equal(t.status().waiting, 0);
    await t.close();
  });

  it('when the tracker closes, then pending writes fail as unavailable and the stream closes', async () => {
    const { ledger, t } = await openTracker();
    const waiting = t.expect(randomUUID()).wait(noStatusCall);
    await t.close();
    await assert.rejects(waiting, (err) => err instanceof AppError && err.status === 503);
    assert.equal(ledger.current.closed, true);
  });

  it('when many writes commit, then none stays in the map', async () => {
    const { ledger, t } = await openTracker();
    const ids = Array.from({ length: 500 }, () => randomUUID());
    const waits = ids.map((id) => t.expect(id).wait(noStatusCall));
    for (let i = 0; i < ids.length; i += 100) {
      ledger.commit(...ids.slice(i, i + 100).map((id): [string, ValidationCode] => [id, StatusCode.VALID]));
    }
    await Promise.all(waits);
    assert.equal(t.status().waiting, 0);
    await t.close();
  });
});

describe('submit and wait, stream and status paths', () => {
  const codes: ValidationCode[] = [
    StatusCode.VALID,
    StatusCode.MVCC_READ_CONFLICT,
    StatusCode.PHANTOM_READ_CONFLICT,
    StatusCode.ENDORSEMENT_POLICY_FAILURE,
    StatusCode.DUPLICATE_TXID,
    StatusCode.INVALID_OTHER_REASON,
  ];

  /** Runs one submit on either path; the fake peer commits the transaction with `code`. */
  async function outcome(
    code: ValidationCode,
    ledger?: FakeLedger,
    t?: CommitTracker,
  ): Promise<{ valid: true } | { status: number; code: string; mvcc: boolean }> {
    const txId = randomUUID();
    let statusCalls = 0;
    const transaction = {
      getTransactionId: () => txId,
      submit: () => {
        // The stream delivers the block before submit returns: the waiter must already be registered.
        const block = ledger ? ledger.commit([txId, code]) : 42n;
        return Promise.resolve({
          getStatus: () => {
            statusCalls++;
            return Promise.resolve(statusOf(txId, code, block));
          },
        });
      },
    };
    try {
      await submitAndWait(transaction, t);
      assert.equal(statusCalls, t ? 0 : 1);
      return { valid: true };
    } catch (err) {
      const mapped = mapLedgerError(err, 'submit');
      assert.equal(mapped.txId, txId);
      return { status: mapped.status, code: mapped.code, mvcc: isRetryableConflict(err) };
    }
  }

  for (const code of codes) {
    it(`when a transaction commits with code ${String(code)}, then both paths answer alike`, async () => {
      const { ledger, t } = await openTracker();
      const byStream = await outcome(code, ledger, t);
      const byStatus = await outcome(code);
      assert.deepEqual(byStream, byStatus);
      if (code === StatusCode.MVCC_READ_CONFLICT) {
        assert.deepEqual(byStream, { status: 409, code: GatewayErrorCode.LEDGER_CONFLICT, mvcc: true });
      }
      await t.close();
    });
  }

  it('when the submit fails, then the waiter is forgotten and the error passes through', async () => {
    const ledger = new FakeLedger();
    const t = tracker(ledger);
    const boom = new Error('submit failed');
    await assert.rejects(
      submitAndWait({ getTransactionId: () => 'tx-x', submit: () => Promise.reject(boom) }, t),
      (err) => err === boom,
    );
    assert.equal(t.status().waiting, 0);
    await t.close();
  });
});

describe('submit and wait: a transaction an orderer lost', () => {
  it('when an orderer accepts a transaction and loses it, then the same transaction is submitted again and commits once', async () => {
    const { ledger, t } = await openTracker();
    const txId = randomUUID();
    let submits = 0;
    const transaction = {
      getTransactionId: () => txId,
      submit: () => {
        submits++;
        // The first copy is accepted and lost (a cut-off Raft leader); the second is ordered.
        if (submits === 2) setImmediate(() => ledger.commit([txId, StatusCode.VALID]));
        return Promise.resolve({ getStatus: () => Promise.reject(new Error('no status call expected')) });
      },
    };
    const started = performance.now();
    await submitAndWait(transaction, t, { resubmitAfterMs: 50 });
    assert.equal(submits, 2);
    assert.ok(performance.now() - started < 1000);
    assert.equal(t.status().waiting, 0);
    await t.close();
  });

  it('when a transaction commits before the resubmit interval, then it is submitted once', async () => {
    const { ledger, t } = await openTracker();
    const txId = randomUUID();
    let submits = 0;
    const transaction = {
      getTransactionId: () => txId,
      submit: () => {
        submits++;
        setImmediate(() => ledger.commit([txId, StatusCode.VALID]));
        return Promise.resolve({ getStatus: () => Promise.reject(new Error('no status call expected')) });
      },
    };
    await submitAndWait(transaction, t, { resubmitAfterMs: 200 });
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(submits, 1);
    await t.close();
  });

  it('when a resubmit fails, then the write keeps waiting for its commit', async () => {
    const { ledger, t } = await openTracker();
    const txId = randomUUID();
    let submits = 0;
    const transaction = {
      getTransactionId: () => txId,
      submit: () => {
        submits++;
        if (submits === 1) return Promise.resolve({ getStatus: () => Promise.reject(new Error('unused')) });
        if (submits === 2) return Promise.reject(new Error('orderers unavailable'));
        setImmediate(() => ledger.commit([txId, StatusCode.VALID]));
        return Promise.resolve({ getStatus: () => Promise.reject(new Error('unused')) });
      },
    };
    await submitAndWait(transaction, t, { resubmitAfterMs: 30 });
    assert.equal(submits, 3);
    await t.close();
  });
});

/**
 * Virtual time for {@link resubmitWhileWaiting}: each pause moves the clock on at once, except the one
 * the commit falls in, which ends with the commit at its time.
 */
function virtualCommit(commitAtMs: number, resubmitFails: boolean | Error = false) {
  let now = 0;
  const resubmittedAt: number[] = [];
  let commit: (outcome: string) => void = () => undefined;
  const committed = new Promise<string>((resolve) => {
    commit = resolve;
  });
  const pause: AbortableSleep = (ms, signal) => {
    if (now >= commitAtMs) return Promise.reject(new Error('a pause after the commit'));
    if (now + ms < commitAtMs) {
      now += ms;
      return Promise.resolve();
    }
    now = commitAtMs;
    commit(`committed at ${String(now)}`);
    // A settled wait aborts the pause at once; were it not aborted, one more resubmit would show.
    return new Promise((resolve, reject) => {
      signal.addEventListener('abort', () => {
        reject(new Error('aborted'));
      });
      setImmediate(resolve);
    });
  };
  const resubmit = (): Promise<unknown> => {
    resubmittedAt.push(now);
    if (resubmitFails instanceof Error) return Promise.reject(resubmitFails);
    return resubmitFails ? Promise.reject(new Error('orderers unavailable')) : Promise.resolve();
  };
  return { pause, resubmit, committed, resubmittedAt };
}

describe('submit and wait: the resubmit schedule', () => {
  it('when the first delay is 6 s, then the gaps double from 6 s up to four times it and stay there', () => {
    const delays = resubmitDelays(6000);
    const first = Array.from({ length: 6 }, () => delays.next().value);
    assert.deepEqual(first, [6000, 12_000, 24_000, 24_000, 24_000, 24_000]);
    assert.equal(Math.max(...first), 6000 * RESUBMIT_MAX_FACTOR);
  });

  it('when a commit takes 100 s, then the resubmits come at 6, 18, 42, 66 and 90 s and stop with the commit', async () => {
    const v = virtualCommit(100_000);
    const outcome = await resubmitWhileWaiting(v.committed, v.resubmit, 6000, v.pause);
    assert.equal(outcome, 'committed at 100000');
    assert.deepEqual(v.resubmittedAt, [6000, 18_000, 42_000, 66_000, 90_000]);
  });

  it('when the commit comes before the first delay, then nothing is resubmitted', async () => {
    const v = virtualCommit(5999);
    assert.equal(await resubmitWhileWaiting(v.committed, v.resubmit, 6000, v.pause), 'committed at 5999');
    assert.deepEqual(v.resubmittedAt, []);
  });

  it('when every resubmit fails, then the schedule and the outcome are the same', async () => {
    const ok = virtualCommit(50_000);
    const failing = virtualCommit(50_000, true);
    const outcome = await resubmitWhileWaiting(failing.committed, failing.resubmit, 6000, failing.pause);
    await resubmitWhileWaiting(ok.committed, ok.resubmit, 6000, ok.pause);
    assert.equal(outcome, 'committed at 50000');
    assert.deepEqual(failing.resubmittedAt, [6000, 18_000, 42_000]);
    assert.deepEqual(failing.resubmittedAt, ok.resubmittedAt);
  });

  it('when the wait fails, then the resubmits stop and its error passes through', async () => {
    const v = virtualCommit(30_000);
    const boom = new Error('commit deadline');
    const wait = v.committed.then(() => Promise.reject(boom));
    await assert.rejects(resubmitWhileWaiting(wait, v.resubmit, 6000, v.pause), (err) => err === boom);
    assert.deepEqual(v.resubmittedAt, [6000, 18_000]);
  });
});

/** A SubmitError as the Gateway reports an orderer's unsuccessful broadcast status. */
function ordererStatusError(status: string): Error {
  const err = new Error(`10 ABORTED: received unsuccessful response from orderer: status=${status}, info=x`);
  return Object.assign(err, { name: 'SubmitError', details: [] });
}

describe('submit and wait: a resubmit the orderers refuse for good', () => {
  it('when a resubmit is refused as FORBIDDEN and no commit comes, then the refusal answers one delay later', async () => {
    const refusal = ordererStatusError('FORBIDDEN');
    const v = virtualCommit(60_000, refusal);
    await assert.rejects(
      resubmitWhileWaiting(v.committed, v.resubmit, 6000, v.pause),
      (err) => err === refusal,
    );
    assert.deepEqual(v.resubmittedAt, [6000]);
  });

  it('when the commit of a copy ordered earlier comes within that delay, then it is the answer', async () => {
    const v = virtualCommit(9000, ordererStatusError('BAD_REQUEST'));
    assert.equal(await resubmitWhileWaiting(v.committed, v.resubmit, 6000, v.pause), 'committed at 9000');
    assert.deepEqual(v.resubmittedAt, [6000]);
  });

  it('when the orderers answer anything else, then the refusal rule leaves it to the commit deadline', () => {
    assert.equal(ordererRefused(ordererStatusError('FORBIDDEN')), true);
    assert.equal(ordererRefused(ordererStatusError('BAD_REQUEST')), true);
    assert.equal(ordererRefused(ordererStatusError('SERVICE_UNAVAILABLE')), false);
    assert.equal(ordererRefused(new Error('status=FORBIDDEN')), false);
  });
});

/** A SubmitError as fabric-gateway shapes it, with one detail per orderer that refused. */
function bftSubmitError(...orderers: string[]): Error {
  const err = new Error(
    '14 UNAVAILABLE: insufficient number of orderers could successfully process transaction',
  );
  return Object.assign(err, {
    name: 'SubmitError',
    details: orderers.map((info, i) => ({
      address: `127.0.0.1:${String(7050 + i)}`,
      mspId: 'OrdererMSP',
      message: `received unsuccessful response from orderer: status=SERVICE_UNAVAILABLE, info=${info}`,
    })),
  });
}

describe('submit and wait: BFT orderers that already ordered the transaction', () => {
  it('when the submit fails because orderers had already ordered it, then the write waits for the commit and succeeds', async () => {
    const { ledger, t } = await openTracker();
    const txId = randomUUID();
    const transaction = {
      getTransactionId: () => txId,
      submit: () => {
        setImmediate(() => ledger.commit([txId, StatusCode.VALID]));
        return Promise.reject(
          bftSubmitError(
            'failed to submit request: request already processed',
            'failed to submit request: request already processed',
          ),
        );
      },
    };
    assert.equal(await submitAndWait(transaction, t), ledger.heightNow - 1n);
    assert.equal(t.status().waiting, 0);
    await t.close();
  });

  it('when the submit fails for another reason, or without a stream, then the error stands at once and no waiter is left', async () => {
    const { t } = await openTracker();
    const refused = bftSubmitError('failed to submit request: connection refused');
    const txId = randomUUID();
    await assert.rejects(
      submitAndWait({ getTransactionId: () => txId, submit: () => Promise.reject(refused) }, t),
      (err) => err === refused,
    );
    assert.equal(t.status().waiting, 0);
    const ordered = bftSubmitError('failed to submit request: request already processed');
    await assert.rejects(
      submitAndWait({ getTransactionId: () => randomUUID(), submit: () => Promise.reject(ordered) }),
      (err) => err === ordered,
    );
    await t.close();
  });

  it('when only the message, not an orderer, says already processed, then it is not taken as ordered', () => {
    assert.equal(
      submitAlreadyOrdered(bftSubmitError('failed to submit request: request already processed')),
      true,
    );
    assert.equal(
      submitAlreadyOrdered(Object.assign(new Error('request already processed'), { name: 'SubmitError' })),
      false,
    );
    assert.equal(
      submitAlreadyOrdered(
        Object.assign(bftSubmitError('request already processed'), { name: 'EndorseError' }),
      ),
      false,
    );
    assert.equal(submitAlreadyOrdered('request already processed'), false);
  });
});

describe('ledger.commitTracking config', () => {
  it('when it is stream or status, then the config takes it; unset, it is stream; otherwise it is refused', () => {
    assert.equal(
      testConfig('/tmp', 'jwks.json', { ledger: { commitTracking: 'stream' } }).ledger.commitTracking,
      'stream',
    );
    assert.equal(
      testConfig('/tmp', 'jwks.json', { ledger: { commitTracking: 'status' } }).ledger.commitTracking,
      'status',
    );
    assert.equal(testConfig('/tmp', 'jwks.json').ledger.commitTracking, 'stream');
    assert.throws(
      () => testConfig('/tmp', 'jwks.json', { ledger: { commitTracking: 'poll' } }),
      (err) => err instanceof ConfigError && /ledger\.commitTracking/.test(err.message),
    );
  });
});
