import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

// The patched shim's chaincode server (patches/fabric-shim+2.5.8.patch), the one every org's peers dial,
// and the gRPC library it runs on; neither is typed here.
interface ShimServer {
  start(): Promise<void>;
  _server: { forceShutdown(): void };
}
type ShimServerClass = new (chaincode: object, options: { ccid: string; address: string }) => ShimServer;
interface GrpcClient {
  makeUnaryRequest(
    method: string,
    serialize: (b: Buffer) => Buffer,
    deserialize: (b: Buffer) => Buffer,
    argument: Buffer,
    options: { deadline: number },
    callback: (err: { code: number } | null) => void,
  ): void;
  close(): void;
}
interface Grpc {
  Client: new (address: string, credentials: unknown) => GrpcClient;
  credentials: { createInsecure(): unknown };
  status: { UNIMPLEMENTED: number };
}
const shimRequire = createRequire(require.resolve('fabric-shim/package.json'));
const ChaincodeServer = shimRequire('./lib/server.js') as ShimServerClass;
const grpc = shimRequire('@grpc/grpc-js') as Grpc;

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** The gRPC status a call of a method nobody serves gets from `address`. */
function statusOfUnknownCall(address: string): Promise<number> {
  const client = new grpc.Client(address, grpc.credentials.createInsecure());
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      '/medledger.Probe/Nothing',
      (b) => b,
      (b) => b,
      Buffer.alloc(0),
      { deadline: Date.now() + 5000 },
      (err) => {
        client.close();
        resolve(err?.code ?? 0);
      },
    );
  });
}

describe("the chaincode server's start", () => {
  it('when it starts, then it serves gRPC calls and Node warns of nothing deprecated', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error): void => {
      warnings.push(`${warning.name}: ${warning.message}`);
    };
    process.on('warning', onWarning);
    const address = `127.0.0.1:${String(await freePort())}`;
    const server = new ChaincodeServer(
      { Init: () => Promise.resolve({}), Invoke: () => Promise.resolve({}) },
      { ccid: 'medledger-probe:1', address },
    );
    try {
      await server.start();
      assert.equal(await statusOfUnknownCall(address), grpc.status.UNIMPLEMENTED);
      await sleep(10); // process warnings are emitted on a later tick
    } finally {
      server._server.forceShutdown();
      process.off('warning', onWarning);
    }
    assert.deepEqual(warnings, []);
  });
});
