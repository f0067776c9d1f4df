import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import { consoleBuildIsStale } from './console-build.mjs';

function tree() {
  const root = mkdtempSync(join(tmpdir(), 'console-build-'));
  for (const dir of ['console/src/app', 'console/src/lib', 'console/dist-web', 'chaincode/domain/src']) {
    mkdirSync(join(root, dir), { recursive: true });
  }
  const at = (path, seconds) => {
    writeFileSync(join(root, path), 'x');
    utimesSync(join(root, path), seconds, seconds);
  };
  return { root, at };
}

describe('the console build, when stale', () => {
  it('when nothing was built, then the build is stale', () => {
    const { root, at } = tree();
    at('console/src/app/main.tsx', 1000);
    assert.equal(consoleBuildIsStale(root), true);
  });

  it('when the build is newer than every input, then it is fresh; a newer source or shared-model file makes it stale', () => {
    const { root, at } = tree();
    at('console/src/app/main.tsx', 1000);
    at('chaincode/domain/src/ids.ts', 1000);
    for (const dir of [
      'console/src/app',
      'console/src/lib',
      'chaincode/domain/src',
      'console/dist-web',
      'console/src',
      'console',
      'chaincode/domain',
      'chaincode',
    ]) {
      utimesSync(join(root, dir), 1000, 1000);
    }
    at('console/dist-web/index.html', 2000);
    assert.equal(consoleBuildIsStale(root), false);
    at('chaincode/domain/src/ids.ts', 3000);
    assert.equal(consoleBuildIsStale(root), true);
  });

  it('when only a unit test of the console changed, then the bundle is not rebuilt for it', () => {
    const { root, at } = tree();
    for (const dir of ['console/src/app', 'console/src/lib', 'chaincode/domain/src'])
      utimesSync(join(root, dir), 1000, 1000);
    at('console/dist-web/index.html', 2000);
    at('console/src/lib/flows.test.ts', 3000);
    utimesSync(join(root, 'console/src/lib'), 1000, 1000);
    assert.equal(consoleBuildIsStale(root), false);
  });
});
