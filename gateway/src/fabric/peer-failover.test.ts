import assert from 'node:assert/strict';

import { describe, it } from '../testing/node-test';
import { PushStream } from '../testing/push-stream';
import { acrossPeers, PeerPreference, type PeerStreamSource } from './peer-failover';

/** One peer of the org: a height, streams of numbered items from a start, and a switch that kills it. */
class FakePeer implements PeerStreamSource<number, number> {
  readonly opens: number[] = [];
  readonly streams: PushStream<number>[] = [];
  heightCalls = 0;
  down = false;

  constructor(readonly name: string) {}

  height(): Promise<bigint> {
    this.heightCalls++;
    return this.down ? Promise.reject(new Error(`${this.name} unavailable`)) : Promise.resolve(10n);
  }

  open(from: number): Promise<PushStream<number>> {
    this.opens.push(from);
    if (this.down) return Promise.reject(new Error(`${this.name} unavailable`));
    const s = new PushStream<number>();
    s.push(from);
    this.streams.push(s);
    return Promise.resolve(s);
  }

  /** The process dies: its open streams fail, and later calls are refused. */
  kill(): void {
    this.down = true;
    for (const s of this.streams) s.push(new Error(`${this.name} connection reset`));
  }
}

/** The first item of `stream`, and the stream itself to read on. */
async function firstItem(
  stream: AsyncIterable<number>,
): Promise<{ value: number; rest: AsyncIterator<number> }> {
  const it = stream[Symbol.asyncIterator]();
  const r = await it.next();
  assert.equal(r.done, false);
  return { value: r.value, rest: it };
}

describe("the gateway's streams across its org's peers", () => {
  it('when every peer is up, then streams and heights come from the local peer only', async () => {
    const local = new FakePeer('peer0');
    const other = new FakePeer('peer1');
    const source = acrossPeers([local, other]);
    assert.equal(await source.height(), 10n);
    const { value } = await firstItem(await source.open(3));
    assert.equal(value, 3);
    assert.deepEqual([local.opens, other.opens], [[3], []]);
    assert.equal(other.heightCalls, 0);
    assert.equal(source.current(), 0);
  });

  it('when the followed peer dies under an open stream, then the stream fails and the next opening follows the next peer', async () => {
    const local = new FakePeer('peer0');
    const other = new FakePeer('peer1');
    const moves: number[] = [];
    const source = acrossPeers([local, other], { onMove: (i) => moves.push(i) });
    const { rest } = await firstItem(await source.open(0));
    local.kill();
    await assert.rejects(rest.next(), /peer0 connection reset/);
    assert.equal(source.current(), 1);
    const { value } = await firstItem(await source.open(1));
    assert.equal(value, 1);
    assert.deepEqual(other.opens, [1]);
    assert.deepEqual(moves, [1]);
  });

  it('when the followed peer refuses to open a stream or answer its height, then the next peer answers in the same call', async () => {
    const local = new FakePeer('peer0');
    const other = new FakePeer('peer1');
    const source = acrossPeers([local, other]);
    local.kill();
    assert.equal(await source.height(), 10n);
    assert.equal(source.current(), 0, 'a height from another peer does not move the streams');
    const { value } = await firstItem(await source.open(5));
    assert.equal(value, 5);
    assert.deepEqual([local.opens, other.opens], [[5], [5]]);
    assert.equal(source.current(), 1);
  });

  it('when the second peer fails in turn after the local peer came back, then the streams go back to the local peer', async () => {
    const local = new FakePeer('peer0');
    const other = new FakePeer('peer1');
    const source = acrossPeers([local, other]);
    local.kill();
    const onOther = await firstItem(await source.open(0));
    local.down = false;
    // The stream stays where it works while the local peer is back.
    assert.equal(source.current(), 1);
    other.kill();
    await assert.rejects(onOther.rest.next(), /peer1 connection reset/);
    assert.equal(source.current(), 0);
    const { value } = await firstItem(await source.open(7));
    assert.equal(value, 7);
    assert.deepEqual(local.opens, [0, 7]);
  });

  it('when every peer of the org is down, then the call fails with the last error and nothing moves', async () => {
    const local = new FakePeer('peer0');
    const other = new FakePeer('peer1');
    const source = acrossPeers([local, other]);
    local.kill();
    other.kill();
    await assert.rejects(source.open(0), /peer1 unavailable/);
    await assert.rejects(source.height(), /peer1 unavailable/);
    assert.equal(source.current(), 0);
  });

  it('when the org has no peer, then there is nothing to follow', () => {
    assert.throws(() => acrossPeers([]), /no peers to follow/);
  });
});

describe('a stream its reader closes', () => {
  it('when the reader closes its stream, then the stream ends without moving to another peer', async () => {
    const local = new FakePeer('peer0');
    const other = new FakePeer('peer1');
    const source = acrossPeers([local, other]);
    const stream = await source.open(0);
    const { rest } = await firstItem(stream);
    stream.close();
    // A closed fabric-gateway stream may end with an error (CANCELLED); it is not a peer's failure.
    local.streams[0]?.push(new Error('CANCELLED'));
    await assert.rejects(rest.next(), /CANCELLED/);
    assert.equal(source.current(), 0);
    assert.equal(local.streams[0]?.closed, true);
  });

  it('when the reader gives its stream up as stalled, then the next opening follows the next peer', async () => {
    const local = new FakePeer('peer0');
    const other = new FakePeer('peer1');
    const source = acrossPeers([local, other]);
    const stream = await source.open(0);
    await firstItem(stream);
    // The peer hung: its stream is open but silent, and the commit tracker closes it as stalled.
    stream.close('stalled');
    assert.equal(local.streams[0]?.closed, true);
    assert.equal(source.current(), 1);
    const { value } = await firstItem(await source.open(4));
    assert.equal(value, 4);
    assert.deepEqual(other.opens, [4]);
  });
});

describe("the order in which calls try the org's peers", () => {
  it('when no peer failed, then calls try them in the configured order, the local one first', () => {
    assert.deepEqual(new PeerPreference(3).order(), [0, 1, 2]);
  });

  it('when the local peer failed a call, then the others go first until the cooldown passes or it answers', () => {
    let now = 1000;
    const preference = new PeerPreference(2, { cooldownMs: 30_000, now: () => now });
    preference.failed(0);
    assert.deepEqual(preference.order(), [1, 0]);
    now += 29_999;
    assert.deepEqual(preference.order(), [1, 0]);
    now += 1;
    assert.deepEqual(preference.order(), [0, 1], 'tried first again once the cooldown passed');
    preference.failed(0);
    preference.answered(0);
    assert.deepEqual(preference.order(), [0, 1], 'an answer clears the failure');
  });

  it('when every peer failed lately, then calls still try each, in the configured order', () => {
    const preference = new PeerPreference(2, { now: () => 5 });
    preference.failed(1);
    preference.failed(0);
    assert.deepEqual(preference.order(), [0, 1]);
  });
});
