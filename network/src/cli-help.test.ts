import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import { checkHelpContract, runNode } from '@medledger/cli-kit/testing';

const cli = join(__dirname, 'cli.js');
const COMMANDS = [
  'start',
  'stop',
  'status',
  'clean',
  'generate',
  'deploy',
  'compose',
  'token',
  'add-org',
  'upgrade',
  'ordering',
  'member-policies',
  'fabric-install',
];

describe('the network command line', () => {
  it('when asked for help, then it answers with usage, options and an example, names every command, and does nothing else', async () => {
    const home = join(mkdtempSync(join(tmpdir(), 'cli-help-')), 'state');
    const env = { MEDLEDGER_HOME: home, MEDLEDGER_BASE_PORT: '29500' };
    assert.deepEqual(await checkHelpContract({ file: cli, commands: COMMANDS, env }), []);
    // `start --help` and `clean --help` neither started nor removed anything.
    assert.ok(!existsSync(home));
  });

  it('when the token command lacks --user or names an unknown org, then it says so with the usage', async () => {
    const missing = await runNode(cli, ['token', '--org', 'Hospital1']);
    assert.equal(missing.code, 2);
    assert.match(
      missing.stderr,
      /--user is required\nUsage: node network\/dist\/cli\.js token --org ORG --user ID \[options\]/,
    );
    const help = await runNode(cli, ['help', 'token']);
    assert.equal(help.code, 0);
    assert.match(
      help.stdout,
      /--org ORG +the org: Hospital1, Hospital2, Research, Regulator, Insurer, Hospital3 \(required\)/,
    );
    assert.match(help.stdout, /npm run -s token -- --org Hospital1 --user hospital1-attending-1/);
  });
});
