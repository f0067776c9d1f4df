import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { checkHelpContract, runNode } from '@medledger/cli-kit/testing';

import { describe, it } from '../testing/node-test';

const dist = join(__dirname, '..');

describe("the gateway's command lines", () => {
  it('when the token, patient-sign and server commands are asked for help, then each answers with usage, options and an example', async () => {
    // A config path that does not exist: a server that ignored --help would fail, not start.
    const env = { MEDLEDGER_GATEWAY_CONFIG: join(tmpdir(), 'no-such-gateway-config.json') };
    for (const file of ['cli/token.js', 'cli/patient-sign.js', 'server.js']) {
      assert.deepEqual(await checkHelpContract({ file: join(dist, file), env }), [], file);
    }
  });

  it('when the projection CLI is asked for help, then it names rebuild, check, load-synthetic and time, each with its own help', async () => {
    const commands = ['rebuild', 'check', 'load-synthetic', 'time'];
    assert.deepEqual(await checkHelpContract({ file: join(dist, 'projection/tools/cli.js'), commands }), []);
  });

  it('when patient-sign gets options of no mode, then a usage error; with a key, then a grant it can verify', async () => {
    const sign = join(dist, 'cli/patient-sign.js');
    const partial = await runNode(sign, ['--did', 'did:medledger:patient:p-1']);
    assert.equal(partial.code, 2);
    assert.match(partial.stderr, /a consent grant needs --key, --did, --grantee-org\nUsage:/);
    const dir = mkdtempSync(join(tmpdir(), 'patient-sign-'));
    const keyFile = join(dir, 'patient.jwk.json');
    const created = await runNode(sign, ['--new-key', keyFile]);
    assert.equal(created.code, 0, created.stderr);
    assert.equal((JSON.parse(created.stdout) as { crv: string }).crv, 'P-256');
    assert.ok('d' in (JSON.parse(readFileSync(keyFile, 'utf8')) as object));
    const grant = await runNode(sign, [
      '--key',
      keyFile,
      '--did',
      'did:medledger:patient:p-1',
      '--grantee-org',
      'Hospital2MSP',
    ]);
    assert.equal(grant.code, 0, grant.stderr);
    assert.match((JSON.parse(grant.stdout) as { jws: string }).jws, /^[\w-]+\.[\w-]+\.[\w-]+$/);
    const badTtl = await runNode(sign, [
      '--access-log-proof',
      '--aud',
      'H',
      '--key',
      keyFile,
      '--did',
      'd',
      '--ttl',
      '900',
    ]);
    assert.equal(badTtl.code, 2);
    assert.match(badTtl.stderr, /--ttl must be 1-300 seconds/);
  });
});
