import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { peer } from '@hyperledger/fabric-protos';
import type { ChaincodeStub } from 'fabric-shim';

// The patched shim's handler (patches/fabric-shim+2.5.8.patch) has no type declarations of its own.
interface ChaincodeMessageHandler {
  chat(start: peer.ChaincodeMessage): void;
}
interface Chaincode {
  Init(stub: ChaincodeStub): Promise<{ status: number; message?: string }>;
  Invoke(stub: ChaincodeStub): Promise<{ status: number; message?: string }>;
}
const { ChaincodeMessageHandler } = createRequire(__filename)('fabric-shim/lib/handler.js') as {
  ChaincodeMessageHandler: new (stream: EventEmitter, chaincode: Chaincode) => ChaincodeMessageHandler;
};

const Type = peer.ChaincodeMessage.Type;
const CHANNEL = 'medchannel';

interface RuntimeParams {
  useWriteBatch: boolean;
  maxSizeWriteBatch: number;
  useGetMultipleKeys: boolean;
  maxSizeGetMultipleKeys: number;
}

/**
 * The peer's side of the chaincode stream, written from Fabric 3.1's handler: it answers every request
 * with RESPONSE (or ERROR for a key in `refuse`), applies writes to its simulator in the order they
 * arrive (a write batch record by record), answers reads from committed state only (the simulator does
 * not read its own writes), and announces `params` in READY.
 */
class FakePeer extends EventEmitter {
  readonly sent: peer.ChaincodeMessage[] = [];
  readonly committed = new Map<string, Buffer>();
  readonly simulated = new Map<string, Buffer | null>();
  readonly refuse = new Set<string>();
  readonly #completed = new Map<string, (msg: peer.ChaincodeMessage) => void>();

  constructor(params: RuntimeParams | undefined, body: (stub: ChaincodeStub) => Promise<void>) {
    super();
    const handler = new ChaincodeMessageHandler(this, {
      Init: () => Promise.resolve({ status: 200 }),
      Invoke: async (stub) => {
        try {
          await body(stub);
          return { status: 200 };
        } catch (err) {
          return { status: 500, message: (err as Error).message };
        }
      },
    });
    handler.chat(new peer.ChaincodeMessage());
    this.#deliver(Type.REGISTERED);
    const ready = new peer.ChaincodeAdditionalParams();
    if (params) {
      ready.setUseWriteBatch(params.useWriteBatch);
      ready.setMaxSizeWriteBatch(params.maxSizeWriteBatch);
      ready.setUseGetMultipleKeys(params.useGetMultipleKeys);
      ready.setMaxSizeGetMultipleKeys(params.maxSizeGetMultipleKeys);
    }
    this.#deliver(Type.READY, params ? ready.serializeBinary() : new Uint8Array());
  }

  /** Runs one transaction and answers its COMPLETED response. */
  transact(): Promise<peer.Response> {
    const txId = randomUUID();
    const input = new peer.ChaincodeInput();
    input.setArgsList([Buffer.from('Run')]);
    return new Promise((resolve) => {
      this.#completed.set(txId, (msg) => {
        resolve(peer.Response.deserializeBinary(msg.getPayload_asU8()));
      });
      this.#deliver(Type.TRANSACTION, input.serializeBinary(), txId);
    });
  }

  /** The types of the messages the chaincode sent during transactions, in order. */
  types(): number[] {
    return this.sent.map((m) => m.getType()).filter((t) => t !== Type.REGISTER && t !== Type.UNDEFINED);
  }

  /** The stream's write: the chaincode speaking to the peer. */
  write(msg: peer.ChaincodeMessage): void {
    this.sent.push(msg);
    const txId = msg.getTxid();
    const payload = msg.getPayload_asU8();
    switch (msg.getType()) {
      case Type.COMPLETED:
        this.#completed.get(txId)?.(msg);
        return;
      case Type.PUT_STATE: {
        const put = peer.PutState.deserializeBinary(payload);
        this.#answer(txId, () => {
          this.#write(put.getKey(), Buffer.from(put.getValue_asU8()));
          return new Uint8Array();
        });
        return;
      }
      case Type.DEL_STATE:
        this.#answer(txId, () => {
          this.#write(peer.DelState.deserializeBinary(payload).getKey(), null);
          return new Uint8Array();
        });
        return;
      case Type.WRITE_BATCH_STATE:
        this.#answer(txId, () => {
          for (const rec of peer.WriteBatchState.deserializeBinary(payload).getRecList()) {
            const isPut = rec.getType() === peer.WriteRecord.Type.PUT_STATE;
            this.#write(rec.getKey(), isPut ? Buffer.from(rec.getValue_asU8()) : null);
          }
          return new Uint8Array();
        });
        return;
      case Type.GET_STATE:
        this.#answer(txId, () => this.#read(peer.GetState.deserializeBinary(payload).getKey()));
        return;
      case Type.GET_STATE_MULTIPLE:
        this.#answer(txId, () => {
          const keys = peer.GetStateMultiple.deserializeBinary(payload).getKeysList();
          const result = new peer.GetStateMultipleResult();
          result.setValuesList(keys.map((k) => this.#read(k)));
          return Buffer.from(result.serializeBinary());
        });
        return;
      default:
        return;
    }
  }

  end(): void {
    // The handler ends the stream on the peer's end; nothing to release here.
  }

  #write(key: string, value: Buffer | null): void {
    if (this.refuse.has(key)) throw new Error(`refused ${key}`);
    this.simulated.set(key, value);
  }

  #read(key: string): Buffer {
    return this.committed.get(key) ?? Buffer.alloc(0);
  }

  #answer(txId: string, apply: () => Uint8Array): void {
    setImmediate(() => {
      try {
        this.#deliver(Type.RESPONSE, apply(), txId);
      } catch (err) {
        this.#deliver(Type.ERROR, Buffer.from((err as Error).message), txId);
      }
    });
  }

  #deliver(type: number, payload: Uint8Array = new Uint8Array(), txId = ''): void {
    const msg = new peer.ChaincodeMessage();
    msg.setType(type as peer.ChaincodeMessage.TypeMap[keyof peer.ChaincodeMessage.TypeMap]);
    msg.setPayload(payload);
    msg.setTxid(txId);
    msg.setChannelId(CHANNEL);
    this.emit('data', msg);
  }
}

const BATCHING: RuntimeParams = {
  useWriteBatch: true,
  maxSizeWriteBatch: 1000,
  useGetMultipleKeys: true,
  maxSizeGetMultipleKeys: 1000,
};

function batchRecords(msg: peer.ChaincodeMessage): string[] {
  return peer.WriteBatchState.deserializeBinary(msg.getPayload_asU8())
    .getRecList()
    .map((r) => `${r.getType() === peer.WriteRecord.Type.PUT_STATE ? 'put' : 'del'} ${r.getKey()}`);
}

describe('patched fabric-shim write batching', () => {
  it('when the peer announces write batching, then a transaction sends its writes in one WRITE_BATCH_STATE before COMPLETED, in order', async () => {
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    const net = new FakePeer(BATCHING, async (stub) => {
      for (const id of ids) await stub.putState(id, Buffer.from(`v-${id}`));
    });
    const response = await net.transact();
    assert.equal(response.getStatus(), 200);
    assert.deepEqual(net.types(), [Type.WRITE_BATCH_STATE, Type.COMPLETED]);
    const batch = net.sent.find((m) => m.getType() === Type.WRITE_BATCH_STATE);
    assert.ok(batch);
    assert.deepEqual(
      batchRecords(batch),
      ids.map((id) => `put ${id}`),
    );
    assert.deepEqual(
      ids.map((id) => net.simulated.get(id)?.toString()),
      ids.map((id) => `v-${id}`),
    );
  });

  it('when a key is deleted then put, or put then deleted, then the batch carries only the last write of each key', async () => {
    const [deletedThenPut, putThenDeleted] = [randomUUID(), randomUUID()];
    const net = new FakePeer(BATCHING, async (stub) => {
      await stub.deleteState(deletedThenPut);
      await stub.putState(putThenDeleted, Buffer.from('first'));
      await stub.putState(deletedThenPut, Buffer.from('again'));
      await stub.deleteState(putThenDeleted);
    });
    assert.equal((await net.transact()).getStatus(), 200);
    const batch = net.sent.find((m) => m.getType() === Type.WRITE_BATCH_STATE);
    assert.ok(batch);
    assert.deepEqual(batchRecords(batch), [`put ${deletedThenPut}`, `del ${putThenDeleted}`]);
    assert.equal(net.simulated.get(deletedThenPut)?.toString(), 'again');
    assert.equal(net.simulated.get(putThenDeleted), null);
  });

  it('when writes outnumber the announced maximum, then they go in batches of at most that many, in order', async () => {
    const keys = Array.from({ length: 7 }, () => randomUUID());
    const net = new FakePeer({ ...BATCHING, maxSizeWriteBatch: 3 }, async (stub) => {
      for (const key of keys) await stub.putState(key, Buffer.from(key));
    });
    assert.equal((await net.transact()).getStatus(), 200);
    const batches = net.sent.filter((m) => m.getType() === Type.WRITE_BATCH_STATE).map(batchRecords);
    assert.deepEqual(
      batches.map((b) => b.length),
      [3, 3, 1],
    );
    assert.deepEqual(
      batches.flat(),
      keys.map((k) => `put ${k}`),
    );
  });

  it('when the peer announces nothing (before Fabric 3.1), then each write is its own message as in the unpatched shim', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    const net = new FakePeer(undefined, async (stub) => {
      await stub.putState(a, Buffer.from('a'));
      await stub.deleteState(b);
      assert.deepEqual(
        (await stub.getMultipleStates(a, b)).map((v) => Buffer.from(v).toString()),
        ['', ''],
      );
    });
    assert.equal((await net.transact()).getStatus(), 200);
    assert.deepEqual(net.types(), [
      Type.PUT_STATE,
      Type.DEL_STATE,
      Type.GET_STATE,
      Type.GET_STATE,
      Type.COMPLETED,
    ]);
  });

  it('when the peer refuses a batched write, then the transaction fails and answers the refusal', async () => {
    const [ok, refused] = [randomUUID(), randomUUID()];
    const net = new FakePeer(BATCHING, async (stub) => {
      await stub.putState(ok, Buffer.from('ok'));
      await stub.putState(refused, Buffer.from('no'));
    });
    net.refuse.add(refused);
    const response = await net.transact();
    assert.equal(response.getStatus(), 500);
    assert.match(response.getMessage(), new RegExp(`refused ${refused}`));
  });

  it('when the transaction fails, then its pending writes are never sent', async () => {
    const key = randomUUID();
    const net = new FakePeer(BATCHING, async (stub) => {
      await stub.putState(key, Buffer.from('x'));
      throw new Error('[FORBIDDEN] no');
    });
    assert.equal((await net.transact()).getStatus(), 500);
    assert.deepEqual(net.types(), [Type.COMPLETED]);
    assert.equal(net.simulated.has(key), false);
  });
});

describe('patched fabric-shim multi-key reads', () => {
  it('when the peer announces multi-key reads, then getMultipleStates asks in messages of at most the maximum and answers in key order', async () => {
    const keys = Array.from({ length: 5 }, () => randomUUID());
    let values: string[] = [];
    const net = new FakePeer({ ...BATCHING, maxSizeGetMultipleKeys: 2 }, async (stub) => {
      values = (await stub.getMultipleStates(...keys)).map((v) => Buffer.from(v).toString());
    });
    for (const key of keys.slice(0, 4)) net.committed.set(key, Buffer.from(`v-${key}`));
    assert.equal((await net.transact()).getStatus(), 200);
    assert.deepEqual(net.types(), [
      Type.GET_STATE_MULTIPLE,
      Type.GET_STATE_MULTIPLE,
      Type.GET_STATE_MULTIPLE,
      Type.COMPLETED,
    ]);
    assert.deepEqual(values, [...keys.slice(0, 4).map((k) => `v-${k}`), '']);
  });
});
