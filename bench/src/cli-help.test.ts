import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import { checkHelpContract } from '@medledger/cli-kit/testing';

describe("the benchmark's command lines", () => {
  it('when run.js, audit-loader.js, profile.js and levers.js are asked for help, then each answers with usage, options and an example, and starts nothing', async () => {
    const env = {
      MEDLEDGER_HOME: join(mkdtempSync(join(tmpdir(), 'bench-help-')), 'state'),
      MEDLEDGER_BASE_PORT: '29600',
    };
    for (const file of ['run.js', 'audit-loader.js', 'profile.js']) {
      assert.deepEqual(await checkHelpContract({ file: join(__dirname, file), env }), [], file);
    }
    const commands = [
      'fabric-logging',
      'commit-tracking',
      'token-cache',
      'batch',
      'block-cost',
      'gogc',
      'gomaxprocs',
      'history',
      'validator-pool',
      'sqlite',
      'chaincode-logging',
      'gossip',
      'writers-policy',
      'readers-policy',
      'signature-checks',
    ];
    assert.deepEqual(await checkHelpContract({ file: join(__dirname, 'levers.js'), commands, env }), []);
  });
});
