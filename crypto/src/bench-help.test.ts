import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import { checkHelpContract, runNode } from '@medledger/cli-kit/testing';

const bench = join(__dirname, 'bench.js');

describe('the crypto micro-benchmark command line', () => {
  it('when asked for help, then it answers with usage, options and an example without measuring anything', async () => {
    assert.deepEqual(await checkHelpContract({ file: bench }), []);
  });

  it('when --ms is below 10, then it fails with the reason and measures nothing', async () => {
    const run = await runNode(bench, ['--ms', '5']);
    assert.deepEqual(run, { code: 1, stdout: '', stderr: 'bench:crypto: --ms must be a number >= 10\n' });
  });
});
