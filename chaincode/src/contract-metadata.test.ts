import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { transactions, type TransactionName } from '@medledger/domain';
import { contracts } from './index';

/** fabric-contract-api loads reflect-metadata, which adds `Reflect.getMetadata`. */
function reflectMetadata(key: string, target: object): unknown {
  return (Reflect as unknown as { getMetadata(k: string, t: object): unknown }).getMetadata(key, target);
}

interface TxMeta {
  name: string;
  tag: string[];
  parameters: { name: string; schema: unknown }[];
}

/** Transactions of the chaincode, read from the decorators, as `contract:Name` → kind and parameters. */
function metadata(): Record<string, { kind: string; parameters: string[] }> {
  const out: Record<string, { kind: string; parameters: string[] }> = {};
  for (const C of contracts) {
    const name = new C().getName();
    const txs = (reflectMetadata('fabric:transactions', C.prototype) ?? []) as TxMeta[];
    for (const tx of txs) {
      out[`${name}:${tx.name}`] = {
        kind: tx.tag.includes('SUBMIT') ? 'submit' : 'evaluate',
        parameters: tx.parameters.map((p) => `${p.name}:${JSON.stringify(p.schema)}`),
      };
    }
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
}

const GOLDEN = join(__dirname, '..', 'src', 'contract-metadata.golden.json');

/** Decorated transactions that are outside the domain registry on purpose (owned by the health baseline). */
const OUTSIDE_REGISTRY = new Set(['health:GetPing']);

void describe('contract metadata', () => {
  void it('when the contracts are loaded, then their transactions equal the golden file (regenerate with MEDLEDGER_UPDATE_GOLDEN=1)', () => {
    const actual = metadata();
    if (process.env.MEDLEDGER_UPDATE_GOLDEN === '1')
      writeFileSync(GOLDEN, `${JSON.stringify(actual, null, 2)}\n`);
    const golden = JSON.parse(readFileSync(GOLDEN, 'utf8')) as unknown;
    assert.deepEqual(actual, golden);
  });

  void it('when the domain registry is compared with the decorators, then every transaction exists with the same kind and one argument', () => {
    const actual = metadata();
    for (const [name, spec] of Object.entries(transactions)) {
      const key = `${spec.contract}:${name}`;
      const meta = actual[key];
      assert.ok(meta, `${key} is decorated`);
      assert.equal(meta.kind, spec.kind, key);
      assert.equal(meta.parameters.length, 'noArgs' in spec ? 0 : 1, key);
    }
    const registered = new Set(
      Object.entries(transactions).map(([n, s]) => `${s.contract}:${n as TransactionName}`),
    );
    for (const key of Object.keys(actual)) {
      if (!OUTSIDE_REGISTRY.has(key)) assert.ok(registered.has(key), `${key} is in the domain registry`);
    }
  });
});
