import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { archiveFileName, currentPlatform } from './fabric-releases';
import { filesUnder, startReleaseServer, tempDir, type ReleaseServer } from './testing/release-server';

const run = promisify(execFile);

describe('npm start on a machine where no source has Fabric', () => {
  let mirror: ReleaseServer;
  before(async () => {
    mirror = await startReleaseServer(); // holds no file: every archive is a 404
  });
  after(() => mirror.close());

  it('when every source fails, then start exits non-zero at once with one message naming each attempt and the ways out, and writes nothing', async () => {
    const dir = tempDir('no-source');
    const cache = join(dir, 'cache');
    const home = join(dir, 'home');
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      XDG_CACHE_HOME: cache,
      MEDLEDGER_HOME: home,
      MEDLEDGER_BASE_PORT: '29000',
      MEDLEDGER_FABRIC_MIRROR: mirror.url,
      // The Go path offline: no proxy, an empty module cache, no toolchain download.
      GOPROXY: 'off',
      GOMODCACHE: join(dir, 'gomodcache'),
      GOTOOLCHAIN: 'local',
    };
    const started = performance.now();
    const result = await run(process.execPath, [join(__dirname, 'cli.js'), 'start'], { env }).then(
      () => assert.fail('start succeeded without Fabric'),
      (err: unknown) => err as { code: number; stdout: string; stderr: string },
    );
    const seconds = (performance.now() - started) / 1000;

    assert.equal(result.code, 1);
    assert.equal(result.stdout, '');
    const lines = result.stderr.trimEnd().split('\n');
    const archive = archiveFileName('fabric', currentPlatform() ?? 'linux-amd64');
    assert.equal(
      lines[0],
      '[medledger] Fabric 3.1.5 is not available, so nothing was started. Tried, in order:',
    );
    assert.equal(lines[1], '  - MEDLEDGER_FABRIC_HOME: not set');
    assert.equal(lines[2], `  - cache ${join(cache, 'medledger', 'fabric-3.1.5')}: empty`);
    assert.equal(lines[3], `  - release archive ${mirror.url}/${archive}: HTTP 404 Not Found`);
    assert.match(
      lines[4] ?? '',
      /^ {2}- Go module proxy build of github\.com\/hyperledger\/fabric@86c1172bec37e6590c6b1ae6f847833df48d65fc: .*(GOPROXY=off|go is not on PATH)/,
    );
    assert.match(lines[5] ?? '', /^Two ways out: point MEDLEDGER_FABRIC_HOME at a Fabric 3\.1\.5 install/);
    assert.equal(lines.length, 6);
    assert.doesNotMatch(result.stderr, /^\s+at /m);
    assert.deepEqual(
      mirror.requests.map((r) => r.path),
      [`/${archive}`],
    );
    assert.ok(seconds < 20, `took ${seconds.toFixed(1)} s`);
    // Nothing half-written: no state folder, no pid files, nothing in the cache.
    assert.ok(!existsSync(home));
    assert.deepEqual(filesUnder(cache), []);
  });
});

describe('stopping and cleaning a network whose options the environment no longer asks for', () => {
  it('when the state was generated for Raft and the environment asks for BFT, then clean removes it while status refuses', async () => {
    const home = join(tempDir('clean-other-options'), 'home');
    mkdirSync(join(home, 'logs'), { recursive: true });
    writeFileSync(
      join(home, 'topology-options.json'),
      JSON.stringify({ ordering: 'raft', hosts: 'loopback' }),
    );
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      MEDLEDGER_HOME: home,
      MEDLEDGER_BASE_PORT: '29600',
      MEDLEDGER_ORDERER: 'bft',
    };
    const cli = join(__dirname, 'cli.js');
    const status = await run(process.execPath, [cli, 'status'], { env }).then(
      () => assert.fail('status served a Raft state as BFT'),
      (err: unknown) => err as { code: number; stderr: string },
    );
    assert.equal(status.code, 1);
    assert.match(status.stderr, /generated with ordering raft, hosts loopback/);
    assert.ok(existsSync(home), 'status left the state alone');

    const clean = await run(process.execPath, [cli, 'clean'], { env });
    assert.match(clean.stdout, /removed/);
    assert.ok(!existsSync(home), 'clean removed the state');
  });

  it('when member-policies is asked for a form it does not know, then it exits non-zero naming the forms, before it reads any state', async () => {
    const home = join(tempDir('member-policies-form'), 'home');
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      MEDLEDGER_HOME: home,
      MEDLEDGER_BASE_PORT: '29600',
    };
    const result = await run(
      process.execPath,
      [join(__dirname, 'cli.js'), 'member-policies', '--form', 'any'],
      {
        env,
      },
    ).then(
      () => assert.fail('an unknown form was taken'),
      (err: unknown) => err as { code: number; stderr: string },
    );
    assert.equal(result.code, 1);
    assert.match(result.stderr, /--form takes signature or implicit/);
    assert.ok(!existsSync(home), 'nothing was written');
  });

  it('when the state was generated with one peer per org and six orgs and the environment asks for two peers and eight orgs, then stop and clean act on it while status refuses', async () => {
    const home = join(tempDir('clean-other-size'), 'home');
    mkdirSync(join(home, 'crypto'), { recursive: true });
    writeFileSync(join(home, 'consortium-size.json'), JSON.stringify({ orgs: 6, peers: 1 }));
    const cli = join(__dirname, 'cli.js');
    for (const asked of [{ MEDLEDGER_PEERS: '2' }, { MEDLEDGER_ORGS: '8' }]) {
      const env: NodeJS.ProcessEnv = {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        MEDLEDGER_HOME: home,
        MEDLEDGER_BASE_PORT: '29600',
        ...asked,
      };
      const status = await run(process.execPath, [cli, 'status'], { env }).then(
        () => assert.fail(`status served the state as ${JSON.stringify(asked)}`),
        (err: unknown) => err as { code: number; stderr: string },
      );
      assert.equal(status.code, 1);
      assert.match(status.stderr, /generated with (1 peers per org|6 orgs)/);
      const stop = await run(process.execPath, [cli, 'stop'], { env });
      assert.match(stop.stdout, /nothing was running/);
    }
    const clean = await run(process.execPath, [cli, 'clean'], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, MEDLEDGER_HOME: home, MEDLEDGER_PEERS: '2' },
    });
    assert.match(clean.stdout, /removed/);
    assert.ok(!existsSync(home), 'clean removed the state');
  });
});
