import assert from 'node:assert/strict';

import { z } from 'zod';

import { describe, it } from '../testing/node-test';
import { strictProblems } from '../testing/response-contract';

// Every route answering over the fake ledger, each answer parsed strictly: examples.test.ts sends the
// documented example of every route and checks that the gateway's ResponseContract saw each one.
describe('the OpenAPI document is a checked contract', () => {
  it('when a value has a member its schema does not declare, lacks one or has a wrong type, then the strict parse says where', () => {
    const schema = z.object({ a: z.string(), items: z.array(z.object({ n: z.number() })) });
    assert.deepEqual(strictProblems(schema, { a: 'x', items: [{ n: 1 }] }), []);
    assert.deepEqual(strictProblems(schema, { a: 'x', items: [{ n: 1, secret: 2 }], more: true }), [
      '/items/0/secret: not in the schema',
      '/more: not in the schema',
    ]);
    assert.equal(strictProblems(schema, { items: [] }).length, 1);
    assert.equal(strictProblems(schema, { a: 'x', items: [{ n: '1' }] }).length, 1);
  });
});
