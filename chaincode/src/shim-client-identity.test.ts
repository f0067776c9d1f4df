import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { Contract, JSONSerializer, type Context } from 'fabric-contract-api';
import { TestCertificateAuthority } from './testing/test-ca';

// The patched shim's contract dispatcher (patches/fabric-shim+2.5.8.patch), which has no type
// declarations: it builds each transaction's context and calls the contract.
interface Dispatcher {
  invokeFunctionality(stub: unknown): Promise<{ status: number; message?: string }>;
}
type DispatcherClass = new (
  contracts: (new () => Contract)[],
  serializers: unknown,
  metadata: object,
  title: string,
  version: string,
) => Dispatcher;
const ChaincodeFromContract = createRequire(__filename)(
  'fabric-shim/lib/contract-spi/chaincodefromcontract.js',
) as DispatcherClass;

/** Runs one transaction through the shim's dispatcher with `idBytes` as the creator; returns its context. */
async function dispatch(idBytes: string): Promise<{ status: number; ctx: Context | undefined }> {
  let seen: Context | undefined;
  class Probe extends Contract {
    constructor() {
      super('probe');
    }
    override unknownTransaction(ctx: Context): Promise<void> {
      seen = ctx;
      return Promise.resolve();
    }
  }
  const chaincode = new ChaincodeFromContract(
    [Probe],
    { transaction: 'jsonSerializer', serializers: { jsonSerializer: JSONSerializer } },
    {},
    'probe',
    '1',
  );
  const stub = {
    getBufferArgs: () => [Buffer.from('probe:Anything')],
    getTxID: () => 'tx1',
    getChannelID: () => 'medchannel',
    getCreator: () => ({ mspid: 'Hospital1MSP', idBytes: Buffer.from(idBytes) }),
  };
  const { status } = await chaincode.invokeFunctionality(stub);
  return { status, ctx: seen };
}

describe("the shim builds a transaction's ClientIdentity only when the contract reads it", () => {
  it('when a contract does not read ctx.clientIdentity, then the creator is not parsed (bytes the shim cannot parse do not fail the call)', async () => {
    const { status, ctx } = await dispatch('not a certificate');
    assert.equal(status, 200);
    assert.ok(ctx);
    // Read now, the identity is parsed, and the shim's own error surfaces to the reader.
    assert.throws(() => ctx.clientIdentity, /certificate/);
  });

  it('when a contract reads ctx.clientIdentity, then it is the creator parsed once, the same object on every read', async () => {
    const pem = await new TestCertificateAuthority().certificateFor({
      mspId: 'Hospital1MSP',
      cn: 'dr.probe',
    });
    const { status, ctx } = await dispatch(pem);
    assert.equal(status, 200);
    assert.ok(ctx);
    assert.equal(ctx.clientIdentity.getMSPID(), 'Hospital1MSP');
    assert.match(ctx.clientIdentity.getID(), /CN=dr\.probe/);
    assert.equal(ctx.clientIdentity, ctx.clientIdentity);
  });
});
