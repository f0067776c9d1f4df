import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getRecordInput, MAX_JSON_DEPTH } from '@medledger/domain';
import { readTransientContent } from './content';
import { parseInput } from './errors';
import { Ledger } from './ledger/store';
import { condition, salt } from './testing/fixtures';
import { client, Harness, uid } from './testing/harness';

/** `{"resource": <condition with a note nested `depth` arrays deep>, "salt": ...}` as raw JSON text. */
function deepEnvelope(depth: number): string {
  const note = `${'['.repeat(depth)}"x"${']'.repeat(depth)}`;
  const resource = JSON.stringify(condition()).replace(/^\{/, `{"note":${note},`);
  return `{"resource":${resource},"salt":"${salt()}"}`;
}

void describe('JSON depth in the chaincode (issue 12 hole 13)', () => {
  void it('when content in the transient map nests 2,000 levels deep, then VALIDATION_FAILED content too deep, not a stack overflow', async () => {
    const h = new Harness();
    const signer = client('Hospital1MSP', uid('doc'));
    for (const depth of [MAX_JSON_DEPTH, 2_000, 50_000]) {
      await assert.rejects(
        h.ledger.evaluate({ signer, transient: { content: deepEnvelope(depth) } }, (ctx) =>
          Promise.resolve(readTransientContent(new Ledger(ctx), 'SHA-256')),
        ),
        /\[VALIDATION_FAILED\] content too deep/,
      );
    }
    // Just inside the bound (the envelope and the resource take two levels) is read as usual.
    const read = await h.ledger.evaluate(
      { signer, transient: { content: deepEnvelope(MAX_JSON_DEPTH - 3) } },
      (ctx) => Promise.resolve(readTransientContent(new Ledger(ctx), 'SHA-256')),
    );
    assert.match(read.contentHash, /^[0-9a-f]{64}$/);
  });

  void it('when a transaction input nests 2,000 levels deep, then VALIDATION_FAILED input too deep', () => {
    const text = `${'{"recordId":'.repeat(2_000)}"x"${'}'.repeat(2_000)}`;
    assert.throws(() => parseInput(getRecordInput, text), /\[VALIDATION_FAILED\] input too deep/);
    assert.throws(() => parseInput(getRecordInput, '{"recordId":[[[]]]}'), /\[VALIDATION_FAILED\] recordId/);
  });
});
