import assert from 'node:assert/strict';

import type { Network } from '@hyperledger/fabric-gateway';
import { common, peer } from '@hyperledger/fabric-protos';
import fc from 'fast-check';

import { describe, it } from '../../testing/node-test';
import { PushStream } from '../../testing/push-stream';
import { chaincodeEventsOfBlock, FabricEventSource, feedBlockOf } from './fabric-source';
import { isBlockEnd, type OpenOptions } from './source';
import { bytesField, varintField, WireFormatError } from './protobuf-wire';

const CHAINCODE = 'medledger';
const ENDORSER_TRANSACTION = 3;
const CONFIG = 1;

/** What one action of a transaction emits: a chaincode event, or nothing. */
interface ActionSpec {
  readonly event?: { readonly chaincodeId: string; readonly name: string; readonly payload: Uint8Array };
}

/** One transaction of a test block, built with Fabric's own protos. */
interface TxSpec {
  readonly txId: string;
  readonly type?: number;
  readonly valid?: boolean;
  readonly actions: readonly ActionSpec[];
}

function actionOf(spec: ActionSpec): peer.TransactionAction {
  const cc = new peer.ChaincodeAction();
  cc.setResults(Uint8Array.from([1, 2, 3]));
  const response = new peer.Response();
  response.setStatus(200);
  response.setPayload(Buffer.from('{"ok":true}'));
  cc.setResponse(response);
  if (spec.event) {
    const event = new peer.ChaincodeEvent();
    event.setChaincodeId(spec.event.chaincodeId);
    event.setTxId('ignored');
    event.setEventName(spec.event.name);
    event.setPayload(spec.event.payload);
    cc.setEvents(event.serializeBinary());
  }
  const prp = new peer.ProposalResponsePayload();
  prp.setProposalHash(Uint8Array.from([9, 9]));
  prp.setExtension$(cc.serializeBinary());
  const endorsed = new peer.ChaincodeEndorsedAction();
  endorsed.setProposalResponsePayload(prp.serializeBinary());
  const endorsement = new peer.Endorsement();
  endorsement.setSignature(Uint8Array.from([7, 7, 7]));
  endorsed.setEndorsementsList([endorsement]);
  const cap = new peer.ChaincodeActionPayload();
  cap.setChaincodeProposalPayload(Uint8Array.from([5]));
  cap.setAction(endorsed);
  const action = new peer.TransactionAction();
  action.setHeader(Uint8Array.from([4, 4]));
  action.setPayload(cap.serializeBinary());
  return action;
}

function envelopeOf(spec: TxSpec): Uint8Array {
  const ch = new common.ChannelHeader();
  ch.setType(spec.type ?? ENDORSER_TRANSACTION);
  ch.setVersion(1);
  ch.setChannelId('medchannel');
  ch.setTxId(spec.txId);
  ch.setEpoch(0);
  const header = new common.Header();
  header.setChannelHeader(ch.serializeBinary());
  header.setSignatureHeader(Uint8Array.from([3, 3]));
  const tx = new peer.Transaction();
  tx.setActionsList(spec.actions.map(actionOf));
  const payload = new common.Payload();
  payload.setHeader(header);
  payload.setData(tx.serializeBinary());
  const envelope = new common.Envelope();
  envelope.setPayload(payload.serializeBinary());
  envelope.setSignature(Uint8Array.from([8, 8, 8]));
  return envelope.serializeBinary();
}

function blockOf(number: number, txs: readonly TxSpec[]): common.Block {
  const header = new common.BlockHeader();
  header.setNumber(number);
  const data = new common.BlockData();
  data.setDataList(txs.map(envelopeOf));
  const metadata = new common.BlockMetadata();
  const filter = Uint8Array.from(txs.map((t) => (t.valid === false ? 11 : 0)));
  metadata.setMetadataList([new Uint8Array(), new Uint8Array(), filter, new Uint8Array(), new Uint8Array()]);
  const block = new common.Block();
  block.setHeader(header);
  block.setData(data);
  block.setMetadata(metadata);
  // As delivered: decoded from the bytes the peer sends.
  return common.Block.deserializeBinary(block.serializeBinary());
}

const bytes = (text: string): Uint8Array => new Uint8Array(Buffer.from(text));

describe('chaincode events read from the bytes of a block', () => {
  it('when a block holds events of this chaincode, of another, none, an invalid and a config transaction, then only the valid events of this chaincode come, in block order', () => {
    const block = blockOf(42, [
      {
        txId: 'tx-be-1',
        actions: [{ event: { chaincodeId: CHAINCODE, name: 'AccessDecided', payload: bytes('{"a":1}') } }],
      },
      { txId: 'tx-be-2', actions: [{}] },
      {
        txId: 'tx-be-3',
        actions: [{ event: { chaincodeId: 'other', name: 'AccessDecided', payload: bytes('{}') } }],
      },
      {
        txId: 'tx-be-4',
        valid: false,
        actions: [{ event: { chaincodeId: CHAINCODE, name: 'ConsentGranted', payload: bytes('{}') } }],
      },
      {
        txId: 'tx-be-5',
        type: CONFIG,
        actions: [{ event: { chaincodeId: CHAINCODE, name: 'ConsentGranted', payload: bytes('{}') } }],
      },
      { txId: 'tx-be-6', actions: [{ event: { chaincodeId: CHAINCODE, name: '', payload: bytes('{}') } }] },
      {
        txId: 'tx-be-7',
        actions: [
          { event: { chaincodeId: CHAINCODE, name: 'RecordAnchored', payload: bytes('{"v":1}') } },
          { event: { chaincodeId: CHAINCODE, name: 'RecordAnchored', payload: bytes('{"v":2}') } },
        ],
      },
    ]);
    const events = chaincodeEventsOfBlock(block, CHAINCODE).map((e) => ({
      ...e,
      payload: Buffer.from(e.payload).toString('utf8'),
    }));
    assert.deepEqual(events, [
      { blockNumber: 42n, txId: 'tx-be-1', eventName: 'AccessDecided', payload: '{"a":1}' },
      { blockNumber: 42n, txId: 'tx-be-7', eventName: 'RecordAnchored', payload: '{"v":1}' },
      { blockNumber: 42n, txId: 'tx-be-7', eventName: 'RecordAnchored', payload: '{"v":2}' },
    ]);
  });

  it('when ids, names and payloads are any strings and bytes, then each event reads back exactly as Fabric encoded it', () => {
    const tx = fc.record({
      txId: fc.string({ minLength: 1, maxLength: 80 }),
      name: fc.string({ minLength: 1, maxLength: 300 }),
      payload: fc.uint8Array({ maxLength: 2000 }),
    });
    fc.assert(
      fc.property(fc.array(tx, { minLength: 1, maxLength: 6 }), fc.nat({ max: 1_000_000 }), (txs, number) => {
        const block = blockOf(
          number,
          txs.map((t) => ({
            txId: t.txId,
            actions: [{ event: { chaincodeId: CHAINCODE, name: t.name, payload: t.payload } }],
          })),
        );
        const events = chaincodeEventsOfBlock(block, CHAINCODE);
        assert.deepEqual(
          events.map((e) => [e.blockNumber, e.txId, e.eventName, [...e.payload]]),
          txs.map((t) => [BigInt(number), t.txId, t.name, [...t.payload]]),
        );
      }),
      { numRuns: 60 },
    );
  });

  it('when bytes are truncated or use a group wire type, then reading them fails rather than inventing fields', () => {
    const ch = new common.ChannelHeader();
    ch.setType(ENDORSER_TRANSACTION);
    ch.setTxId('tx-be-trunc');
    const whole = ch.serializeBinary();
    assert.equal(varintField(whole, 1), ENDORSER_TRANSACTION);
    assert.throws(() => bytesField(whole.subarray(0, whole.length - 2), 5), WireFormatError);
    assert.throws(() => varintField(Uint8Array.from([0x08, 0x80]), 1), WireFormatError);
    assert.throws(() => varintField(Uint8Array.from([0x0b]), 1), WireFormatError);
  });
});

describe("a block of the gateway's one stream, read once", () => {
  it("when the gateway's one stream delivers a block, then one read gives every transaction's id and validation code (commit tracking) and the valid transactions' events (projection)", () => {
    const accessed = bytes('{"b":2}');
    const block = blockOf(43, [
      {
        txId: 'tx-fb-1',
        actions: [{ event: { chaincodeId: CHAINCODE, name: 'AccessDecided', payload: accessed } }],
      },
      {
        txId: 'tx-fb-2',
        valid: false,
        actions: [{ event: { chaincodeId: CHAINCODE, name: 'ConsentGranted', payload: bytes('{}') } }],
      },
      { txId: 'tx-fb-3', type: CONFIG, actions: [] },
      { txId: 'tx-fb-4', actions: [{}] },
    ]);
    const item = new peer.BlockAndPrivateData();
    item.setBlock(block);
    const read = feedBlockOf(item, CHAINCODE);
    assert.equal(read.number, 43n);
    assert.deepEqual(read.transactions, [
      { txId: 'tx-fb-1', code: 0 },
      { txId: 'tx-fb-2', code: 11 },
      { txId: 'tx-fb-3', code: 0 },
      { txId: 'tx-fb-4', code: 0 },
    ]);
    assert.deepEqual(
      read.events.map((e) => [e.blockNumber, e.txId, e.eventName, Buffer.from(e.payload).toString('utf8')]),
      [[43n, 'tx-fb-1', 'AccessDecided', '{"b":2}']],
    );
  });
});

/** A channel's blocks behind the one call a bounded read without private data makes (a stream from `startBlock` on). */
function blocksNetwork(blocks: readonly common.Block[]): Network {
  const getBlockEvents = ({ startBlock }: { startBlock: bigint }) => {
    const stream = new PushStream<common.Block>();
    for (const b of blocks) if (BigInt(b.getHeader()?.getNumber() ?? 0) >= startBlock) stream.push(b);
    return Promise.resolve(stream);
  };
  return { getBlockEvents } as unknown as Network;
}

describe('a bounded read says where blocks end', () => {
  it('when blocks carry no event of this chaincode (configuration, another chaincode), then the read says the end of each block it passed, after the events of the block', async () => {
    const event = (txId: string): TxSpec => ({
      txId,
      actions: [
        { event: { chaincodeId: CHAINCODE, name: 'AccessDecided', payload: bytes(`{"t":"${txId}"}`) } },
      ],
    });
    const source = new FabricEventSource(
      blocksNetwork([
        blockOf(5, [event('tx-end-5')]),
        blockOf(6, [{ txId: 'tx-end-6', type: CONFIG, actions: [] }]),
        blockOf(7, [
          {
            txId: 'tx-end-7',
            actions: [{ event: { chaincodeId: 'other', name: 'X', payload: bytes('{}') } }],
          },
        ]),
        blockOf(8, [event('tx-end-8')]),
      ]),
      CHAINCODE,
    );
    const read = async (options: OpenOptions): Promise<string[]> => {
      const out: string[] = [];
      for await (const item of await source.open(options)) {
        out.push(isBlockEnd(item) ? `end ${String(item.blockNumber)}` : item.txId);
      }
      return out;
    };
    assert.deepEqual(await read({ after: { blockNumber: 5n, txId: 'tx-end-5' }, endBlock: 9n }), [
      'end 5',
      'end 6',
      'end 7',
      'tx-end-8',
      'end 8',
    ]);
    // After a block passed whole, the read starts at the next one.
    assert.deepEqual(await read({ after: { blockNumber: 6n, txId: '' }, endBlock: 9n }), [
      'end 7',
      'tx-end-8',
      'end 8',
    ]);
  });
});
