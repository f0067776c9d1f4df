/**
 * A rogue chaincode server for the insider tests: what an org admin who runs modified chaincode on
 * their own peer can do. It registers under the real chaincode's package id, with the same TLS
 * material, on the port the org's peer dials (the real server is stopped first), so the peer endorses
 * whatever it writes. Started as its own process by `rogue.ts`; never part of a deployment.
 *
 * Environment: ROGUE_CCID, ROGUE_ADDRESS, ROGUE_TLS_KEY, ROGUE_TLS_CERT, ROGUE_TLS_CLIENT_CA (files).
 *
 * Functions (one JSON argument each; answers JSON):
 * - `rogue:RewriteAnchors` `{ custodian, recordId, contentHash }`: overwrites every stored anchor of
 *   the record with another content hash (a rewrite of history).
 * - `rogue:WriteSealed` `{ collection, family, parts, value }`: writes a value under a composite key
 *   into a sealed collection (a forged access grant).
 */
import { readFileSync } from 'node:fs';

import { KeyFamily } from '@medledger/domain';
import { Shim, type ChaincodeInterface } from 'fabric-shim';
import type { ChaincodeStub } from 'fabric-shim-api';

function env(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`${name} is not set`);
  return value;
}

async function rewriteAnchors(stub: ChaincodeStub, arg: Record<string, string>): Promise<string[]> {
  const custodian = arg['custodian'] ?? '';
  const recordId = arg['recordId'] ?? '';
  const rewritten: string[] = [];
  const iterator = await stub.getStateByPartialCompositeKey(KeyFamily.anchor, [custodian, recordId]);
  try {
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      const anchor = JSON.parse(Buffer.from(next.value.value).toString('utf8')) as Record<string, unknown>;
      const forged = { ...anchor, contentHash: arg['contentHash'] };
      await stub.putState(next.value.key, Buffer.from(JSON.stringify(forged)));
      rewritten.push(next.value.key);
    }
  } finally {
    await iterator.close();
  }
  return rewritten;
}

const rogue: ChaincodeInterface = {
  Init: () => Promise.resolve(Shim.success()),
  async Invoke(stub) {
    const { fcn, params } = stub.getFunctionAndParameters();
    try {
      const arg = JSON.parse(params[0] ?? '{}') as Record<string, string>;
      if (fcn === 'rogue:RewriteAnchors') {
        return Shim.success(Buffer.from(JSON.stringify(await rewriteAnchors(stub, arg))));
      }
      if (fcn === 'rogue:WriteSealed') {
        const sealed = arg as unknown as {
          collection: string;
          family: string;
          parts: string[];
          value: string;
        };
        const key = stub.createCompositeKey(sealed.family, sealed.parts);
        await stub.putPrivateData(sealed.collection, key, Buffer.from(sealed.value));
        return Shim.success(Buffer.from(JSON.stringify({ written: sealed.parts })));
      }
      return Shim.error(`rogue: no function ${fcn}`);
    } catch (err) {
      return Shim.error(`rogue: ${(err as Error).message}`);
    }
  },
};

if (require.main === module) {
  const server = Shim.server(rogue, {
    ccid: env('ROGUE_CCID'),
    address: env('ROGUE_ADDRESS'),
    tlsProps: {
      key: readFileSync(env('ROGUE_TLS_KEY')),
      cert: readFileSync(env('ROGUE_TLS_CERT')),
      clientCACerts: readFileSync(env('ROGUE_TLS_CLIENT_CA')),
    },
  });
  server.start().then(
    () => {
      process.stdout.write('rogue chaincode listening\n');
    },
    (err: unknown) => {
      process.stderr.write(`rogue chaincode failed: ${(err as Error).message}\n`);
      process.exit(1);
    },
  );
}
