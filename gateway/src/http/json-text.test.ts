import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { findJsonTextProblem } from './json-text';

const duplicateOf = (text: string) => {
  const problem = findJsonTextProblem(text, 64);
  return problem?.kind === 'duplicate-key' ? problem.key : undefined;
};

describe('JSON text: duplicate keys', () => {
  it('when an object repeats a key, then it is found, at any depth', () => {
    assert.equal(duplicateOf('{"role":"nurse","role":"admin"}'), 'role');
    assert.equal(duplicateOf('{"a":{"b":1,"c":[{"d":1,"d":2}]}}'), 'd');
    assert.equal(duplicateOf('{"a\\u0062":1,"ab":2}'), 'ab');
  });

  it('when keys repeat only across different objects or as values, then nothing is found', () => {
    assert.equal(findJsonTextProblem('{"a":{"a":1},"b":[{"a":1},{"a":2}],"c":"a"}', 64), undefined);
    assert.equal(findJsonTextProblem('{"s":"he said \\"a\\", \\"a\\"","t":["x","x"]}', 64), undefined);
    assert.equal(findJsonTextProblem('[1,"a","a"]', 64), undefined);
  });

  it('when any JSON value is serialized, then no duplicate is reported', () => {
    fc.assert(
      fc.property(
        fc.jsonValue({ maxDepth: 10 }),
        (value) => findJsonTextProblem(JSON.stringify(value), 64) === undefined,
      ),
      { numRuns: 300 },
    );
  });
});

describe('JSON text: depth (issue 12 hole 13)', () => {
  it('when arrays or objects nest deeper than the bound, then too-deep is found without recursion, brackets inside strings aside', () => {
    const arrays = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
    const objects = (n: number) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;
    assert.equal(findJsonTextProblem(arrays(4), 4), undefined);
    assert.equal(findJsonTextProblem(objects(4), 4), undefined);
    for (const text of [arrays(5), objects(5), arrays(2_000), objects(1_000_000)]) {
      assert.deepEqual(findJsonTextProblem(text, 4), { kind: 'too-deep', maxDepth: 4 });
    }
    assert.equal(findJsonTextProblem(`{"s":"${'['.repeat(100)}"}`, 4), undefined);
    assert.equal(findJsonTextProblem(`[${arrays(3)},${arrays(3)},{"a":[[1]]}]`, 4), undefined);
  });
});
