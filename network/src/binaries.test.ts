import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import {
  archiveSource,
  cacheSource,
  defaultSources,
  ensureFabric,
  FABRIC,
  FABRIC_CA,
  FabricUnavailableError,
  homeSource,
  resolveComponent,
  type Component,
  type Source,
} from './binaries';
import { archiveFileName, archiveUrl, currentPlatform, PINNED_SHA256 } from './fabric-releases';
import {
  buildReleaseArchive,
  filesUnder,
  startReleaseServer,
  tempDir,
  type ReleaseServer,
} from './testing/release-server';

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');
const FILE = archiveFileName('fabric', 'linux-amd64');
const quiet = (): void => undefined;

describe('the release archive source', () => {
  let server: ReleaseServer;
  let archive: Buffer;
  let cache: string;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    archive = buildReleaseArchive('fabric', tempDir('archive'));
    server = await startReleaseServer();
  });
  after(() => server.close());
  beforeEach(() => {
    server.files.clear();
    server.requests.length = 0;
    server.sent.length = 0;
    server.plan.length = 0;
    cache = tempDir('cache');
    env = { XDG_CACHE_HOME: cache, MEDLEDGER_FABRIC_MIRROR: server.url };
  });

  const source = (pinned: string, component: Component = FABRIC): Source =>
    archiveSource(component, env, { platform: 'linux-amd64', pinned: { 'linux-amd64': pinned }, log: quiet });

  it('when the archive has the pinned digest, then it is unpacked into the cache and its tools run', async () => {
    server.files.set(FILE, archive);
    const answer = await source(sha256(archive)).obtain();
    const root = join(cache, 'medledger', 'fabric-3.1.5');
    assert.deepEqual(answer, { root });
    const peer = spawnSync(join(root, 'bin', 'peer'), { encoding: 'utf8' });
    assert.equal(peer.stdout.trim(), 'peer from a test archive');
    assert.ok(existsSync(join(root, 'config', 'core.yaml')));
    // Only the install is left: no archive, part file or temporary folder.
    assert.deepEqual(
      filesUnder(join(cache, 'medledger')).filter((f) => !f.startsWith('fabric-3.1.5/')),
      [],
    );
  });

  it('when a mirror is set, then the archive is asked of the mirror by its release file name', async () => {
    server.files.set(`mirror/${FILE}`, archive);
    env.MEDLEDGER_FABRIC_MIRROR = `${server.url}/mirror/`;
    const answer = await source(sha256(archive)).obtain();
    assert.ok('root' in answer);
    assert.deepEqual(
      server.requests.map((r) => r.path),
      [`/mirror/${FILE}`],
    );
  });

  it('when the mirror is a folder, then the archive is read from it and verified alike', async () => {
    const folder = tempDir('mirror');
    writeFileSync(join(folder, FILE), archive);
    env.MEDLEDGER_FABRIC_MIRROR = folder;
    const answer = await source(sha256(archive)).obtain();
    assert.ok('root' in answer);
    assert.equal(server.requests.length, 0);
  });

  it('when the digest differs from the pinned one, then the archive is refused and nothing is left in the cache', async () => {
    server.files.set(FILE, archive);
    const pinned = sha256(Buffer.from('another archive'));
    await assert.rejects(source(pinned).obtain(), (err: Error) => {
      assert.match(err.message, new RegExp(`SHA-256 ${sha256(archive)} is not the pinned ${pinned}`));
      return true;
    });
    assert.deepEqual(filesUnder(cache), []);
  });

  it('when the archive is truncated, then it is refused and nothing is left in the cache', async () => {
    // Even with a digest that matches the truncated bytes (a bad mirror entry pinned by mistake),
    // unpacking fails and no install appears.
    const truncated = archive.subarray(0, Math.floor(archive.length / 2));
    server.files.set(FILE, truncated);
    await assert.rejects(source(sha256(truncated)).obtain(), /could not unpack/);
    assert.deepEqual(filesUnder(cache), []);
  });

  it('when the archive lacks a tool, then it is refused and nothing is left in the cache', async () => {
    const partial = buildReleaseArchive('fabric', tempDir('partial'), ['bin/orderer']);
    server.files.set(FILE, partial);
    await assert.rejects(
      source(sha256(partial)).obtain(),
      /not a Fabric 3\.1\.5 install: lacks bin\/orderer/,
    );
    assert.deepEqual(filesUnder(cache), []);
  });

  it('when the download is interrupted, then the next attempt asks for the rest with a Range request and installs', async () => {
    server.files.set(FILE, archive);
    const half = Math.floor(archive.length / 2);
    server.plan.push({ cutAfter: half });
    await assert.rejects(
      source(sha256(archive)).obtain(),
      /interrupted after \d+ bytes.*the next run resumes/,
    );
    const part = join(cache, 'medledger', 'downloads', `${FILE}.part`);
    assert.equal(statSync(part).size, half);
    assert.ok(!existsSync(join(cache, 'medledger', 'fabric-3.1.5')));

    const answer = await source(sha256(archive)).obtain();
    assert.ok('root' in answer);
    assert.deepEqual(
      server.requests.map((r) => r.range),
      [undefined, `bytes=${String(half)}-`],
    );
    assert.deepEqual(server.sent, [half, archive.length - half]);
    assert.ok(!existsSync(part));
  });

  it('when the server ignores the range on a resume, then the part is rewritten from the start and still verified', async () => {
    server.files.set(FILE, archive);
    server.plan.push({ cutAfter: 100 }, 'ignore-range');
    await assert.rejects(source(sha256(archive)).obtain(), /interrupted/);
    const answer = await source(sha256(archive)).obtain();
    assert.ok('root' in answer);
    assert.deepEqual(server.sent, [100, archive.length]);
  });

  it('when the mirror does not have the archive, then the answer is its HTTP status and the cache stays empty', async () => {
    await assert.rejects(source(sha256(archive)).obtain(), (err: Error) => {
      assert.equal(err.message, 'HTTP 404 Not Found');
      return true;
    });
    assert.deepEqual(filesUnder(cache), []);
  });

  it('when no digest is pinned for the platform, then the archive is refused without being downloaded', async () => {
    server.files.set(archiveFileName('fabric-ca', 'linux-amd64'), archive);
    const answer = await archiveSource(FABRIC_CA, env, {
      platform: 'linux-amd64',
      pinned: {},
      log: quiet,
    }).obtain();
    assert.ok('refused' in answer);
    assert.match(
      answer.refused,
      /no SHA-256 is pinned for hyperledger-fabric-ca-linux-amd64-1\.5\.21\.tar\.gz/,
    );
    assert.equal(server.requests.length, 0);
  });

  it('when the machine has no published archive, then the archive source says so', async () => {
    const answer = await archiveSource(FABRIC, env, { platform: undefined, log: quiet }).obtain();
    assert.ok('refused' in answer);
    assert.match(answer.refused, /no official archive is published for this OS and architecture/);
  });
});

describe('the pinned release table', () => {
  it('when no mirror is set, then the archive URLs are the projects GitHub releases', () => {
    assert.equal(
      archiveUrl('fabric', 'linux-amd64'),
      'https://github.com/hyperledger/fabric/releases/download/v3.1.5/hyperledger-fabric-linux-amd64-3.1.5.tar.gz',
    );
    assert.equal(
      archiveUrl('fabric-ca', 'darwin-arm64'),
      'https://github.com/hyperledger/fabric-ca/releases/download/v1.5.21/hyperledger-fabric-ca-darwin-arm64-1.5.21.tar.gz',
    );
  });

  it('when a digest is pinned, then it is 64 lowercase hex digits', () => {
    for (const table of Object.values(PINNED_SHA256)) {
      for (const digest of Object.values(table)) assert.match(digest, /^[0-9a-f]{64}$/);
    }
  });

  it('when the machine is Linux or macOS on x64 or arm64, then its platform is spelled as in the archives', () => {
    assert.equal(currentPlatform('linux', 'x64'), 'linux-amd64');
    assert.equal(currentPlatform('darwin', 'arm64'), 'darwin-arm64');
    assert.equal(currentPlatform('win32', 'x64'), undefined);
    assert.equal(currentPlatform('linux', 'ia32'), undefined);
  });
});

describe('the order of sources', () => {
  /** A stand-in source that records being asked and answers as told. */
  function stub(kind: Source['kind'], calls: string[], root?: string): Source {
    return {
      kind,
      what: `${kind} stand-in`,
      obtain: () => {
        calls.push(kind);
        return Promise.resolve(root === undefined ? { refused: `${kind} has none` } : { root });
      },
    };
  }

  it('when nothing is configured, then the sources are home, cache, release archive and Go proxy, in that order', () => {
    assert.deepEqual(
      defaultSources(FABRIC, { XDG_CACHE_HOME: tempDir('order') }).map((s) => s.kind),
      ['home', 'cache', 'archive', 'proxy'],
    );
  });

  it('when a source has the component, then the later ones are not asked', async () => {
    for (const [winner, asked] of [
      ['home', ['home']],
      ['cache', ['home', 'cache']],
      ['archive', ['home', 'cache', 'archive']],
      ['proxy', ['home', 'cache', 'archive', 'proxy']],
    ] as const) {
      const calls: string[] = [];
      const kinds = ['home', 'cache', 'archive', 'proxy'] as const;
      const found = await resolveComponent(
        FABRIC,
        kinds.map((k) => stub(k, calls, k === winner ? `/${k}` : undefined)),
      );
      assert.equal(found.root, `/${winner}`);
      assert.deepEqual(calls, asked);
    }
  });

  it('when no source has it, then the error lists every answer in order and the two ways out', async () => {
    const calls: string[] = [];
    const sources = (['home', 'cache', 'archive', 'proxy'] as const).map((k) => stub(k, calls));
    await assert.rejects(resolveComponent(FABRIC, sources), (err: unknown) => {
      assert.ok(err instanceof FabricUnavailableError);
      assert.deepEqual(
        err.attempts.map((a) => a.answer),
        ['home has none', 'cache has none', 'archive has none', 'proxy has none'],
      );
      const lines = err.message.split('\n');
      assert.match(lines[0] ?? '', /^Fabric 3\.1\.5 is not available, so nothing was started/);
      assert.deepEqual(lines.slice(1, 5), [
        '  - home stand-in: home has none',
        '  - cache stand-in: cache has none',
        '  - archive stand-in: archive has none',
        '  - proxy stand-in: proxy has none',
      ]);
      assert.match(lines[5] ?? '', /^Two ways out: point MEDLEDGER_FABRIC_HOME at a Fabric 3\.1\.5 install/);
      assert.match(lines[5] ?? '', /MEDLEDGER_FABRIC_MIRROR/);
      assert.match(lines[5] ?? '', /GOPROXY/);
      return true;
    });
    assert.deepEqual(calls, ['home', 'cache', 'archive', 'proxy']);
  });

  it('when a source throws, then its message is its answer and the next source is asked', async () => {
    const calls: string[] = [];
    const broken: Source = {
      kind: 'archive',
      what: 'broken',
      obtain: () => Promise.reject(new Error('connection reset')),
    };
    const found = await resolveComponent(FABRIC, [broken, stub('proxy', calls, '/built')]);
    assert.equal(found.root, '/built');
  });

  it('when MEDLEDGER_FABRIC_HOME lacks Fabric, then no other source is asked (the setting is to be fixed)', async () => {
    const home = tempDir('home');
    const calls: string[] = [];
    const env = { MEDLEDGER_FABRIC_HOME: home };
    await assert.rejects(
      resolveComponent(FABRIC, [homeSource(FABRIC, env), stub('cache', calls, '/cached')]),
      (err: Error) => {
        assert.match(
          err.message,
          new RegExp(
            `MEDLEDGER_FABRIC_HOME=${home}: lacks bin/peer, bin/orderer, bin/configtxgen and 4 more`,
          ),
        );
        assert.match(
          err.message,
          /Two ways out: point MEDLEDGER_FABRIC_HOME at a complete Fabric 3\.1\.5 install, or unset it/,
        );
        return true;
      },
    );
    assert.deepEqual(calls, []);
  });

  it('when MEDLEDGER_FABRIC_HOME has Fabric but not Fabric CA, then Fabric comes from it and Fabric CA from the next source', async () => {
    const home = tempDir('home');
    mkdirSync(join(home, 'bin'));
    mkdirSync(join(home, 'config'));
    for (const f of FABRIC.required) writeFileSync(join(home, f), '');
    const calls: string[] = [];
    const install = await ensureFabric({ MEDLEDGER_FABRIC_HOME: home }, (component, env) => [
      homeSource(component, env),
      stub('cache', calls, '/cached-ca'),
    ]);
    assert.equal(install.binDir, join(home, 'bin'));
    assert.equal(install.sampleConfigDir, join(home, 'config'));
    assert.equal(install.bin('peer'), join(home, 'bin', 'peer'));
    assert.equal(install.bin('fabric-ca-server'), join('/cached-ca', 'bin', 'fabric-ca-server'));
    assert.equal(install.from.fabric.kind, 'home');
    assert.equal(install.from['fabric-ca'].kind, 'cache');
    assert.deepEqual(calls, ['cache']);
  });

  it('when the cache holds a partial install, then the cache source refuses it', async () => {
    const xdg = tempDir('cache');
    mkdirSync(join(xdg, 'medledger', 'fabric-ca-1.5.21', 'bin'), { recursive: true });
    writeFileSync(join(xdg, 'medledger', 'fabric-ca-1.5.21', 'bin', 'fabric-ca-server'), '');
    const answer = await cacheSource(FABRIC_CA, { XDG_CACHE_HOME: xdg }).obtain();
    assert.deepEqual(answer, { refused: 'incomplete (lacks bin/fabric-ca-client)' });
  });
});
