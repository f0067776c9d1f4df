import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import { pruneStaleOutputs } from './stale-outputs.mjs';

function tree(files) {
  const root = mkdtempSync(join(tmpdir(), 'stale-outputs-'));
  for (const f of files) {
    mkdirSync(join(root, f, '..'), { recursive: true });
    writeFileSync(join(root, f), '');
  }
  return root;
}

describe('stale build outputs', () => {
  it('when a source file was moved, then its old outputs are removed and the new ones kept', () => {
    const root = tree([
      'pkg/src/moved/a.ts',
      'pkg/src/b.test.ts',
      'pkg/dist/a.js',
      'pkg/dist/a.d.ts',
      'pkg/dist/a.js.map',
      'pkg/dist/moved/a.js',
      'pkg/dist/moved/a.d.ts.map',
      'pkg/dist/b.test.js',
      'pkg/dist/gone.test.js',
      'pkg/dist/data.json',
    ]);
    try {
      const stale = pruneStaleOutputs(root, ['pkg']);
      assert.deepEqual(stale.sort(), [
        'pkg/dist/a.d.ts',
        'pkg/dist/a.js',
        'pkg/dist/a.js.map',
        'pkg/dist/gone.test.js',
      ]);
      assert.deepEqual(pruneStaleOutputs(root, ['pkg']), []);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('when asked for a dry run or a package without dist, then nothing is removed', () => {
    const root = tree(['pkg/dist/old.js', 'other/src/x.ts']);
    try {
      assert.deepEqual(pruneStaleOutputs(root, ['pkg', 'other'], { dryRun: true }), ['pkg/dist/old.js']);
      assert.deepEqual(pruneStaleOutputs(root, ['pkg']), ['pkg/dist/old.js']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
