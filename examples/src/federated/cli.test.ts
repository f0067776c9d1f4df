import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { checkHelpContract, runNode } from '@medledger/cli-kit/testing';

const cli = join(__dirname, 'cli.js');

void describe('the federated example command line', () => {
  void it('when asked for help, then it answers with usage, options and an example and trains nothing', async () => {
    assert.deepEqual(await checkHelpContract({ file: cli }), []);
  });

  void it('when --sites is out of range, then it is a usage error (exit 2) and no site process starts', async () => {
    const run = await runNode(cli, ['--sites', '1']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--sites must be an integer from 2 to 8/);
    assert.equal(run.stdout, '');
  });

  void it('when run for two rounds, then it prints the accuracy of round 0 to 2', async () => {
    const run = await runNode(cli, ['--sites', '2', '--rounds', '2', '--samples', '200']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^\| 2 \| 0\.\d{3} \| 0\.\d{4} \|/m);
    assert.match(run.stdout, /2 site processes, 2 rounds in/);
  });
});
