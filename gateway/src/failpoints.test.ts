import assert from 'node:assert/strict';
import { mock } from 'node:test';

import { crashAt, FAILPOINT_STAGES, parseFailpoint } from './failpoints';
import { describe, it } from './testing/node-test';

describe('failpoints', () => {
  it('when a header names a stage, then it parses; anything else is no failpoint', () => {
    for (const stage of FAILPOINT_STAGES) assert.equal(parseFailpoint(stage), stage);
    for (const other of [undefined, '', 'AFTER-ENDORSE', 'after-endorse ', '__proto__']) {
      assert.equal(parseFailpoint(other), undefined);
    }
  });

  it('when the stage reached is the one asked, then the process kills itself with SIGKILL, else nothing happens', () => {
    const kill = mock.method(process, 'kill', () => true);
    try {
      crashAt('after-submit', 'after-endorse');
      crashAt('after-submit', undefined);
      assert.equal(kill.mock.callCount(), 0);
      crashAt('after-submit', 'after-submit');
      assert.deepEqual(kill.mock.calls[0]?.arguments, [process.pid, 'SIGKILL']);
    } finally {
      kill.mock.restore();
    }
  });
});
