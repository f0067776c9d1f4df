import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { findDuplicateKey } from './duplicate-keys';

describe('duplicate JSON keys', () => {
  it('when an object repeats a key, then it is found, at any depth', () => {
    assert.equal(findDuplicateKey('{"role":"nurse","role":"admin"}'), 'role');
    assert.equal(findDuplicateKey('{"a":{"b":1,"c":[{"d":1,"d":2}]}}'), 'd');
    assert.equal(findDuplicateKey('{"a\\u0062":1,"ab":2}'), 'ab');
  });

  it('when keys repeat only across different objects or as values, then nothing is found', () => {
    assert.equal(findDuplicateKey('{"a":{"a":1},"b":[{"a":1},{"a":2}],"c":"a"}'), undefined);
    assert.equal(findDuplicateKey('{"s":"he said \\"a\\", \\"a\\"","t":["x","x"]}'), undefined);
    assert.equal(findDuplicateKey('[1,"a","a"]'), undefined);
  });

  it('when any JSON value is serialized, then no duplicate is reported', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => findDuplicateKey(JSON.stringify(value)) === undefined),
      { numRuns: 300 },
    );
  });
});
