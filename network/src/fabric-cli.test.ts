import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FabricInstall } from './binaries';
import { runTool, runToolAsync } from './fabric-cli';

/** An install whose every tool is one shell script: it sleeps, prints its arguments and exits with $1. */
function scriptInstall(dir: string): FabricInstall {
  const script = join(dir, 'tool.sh');
  writeFileSync(script, '#!/bin/sh\nsleep 0.3\necho "args: $*"\necho "to stderr" >&2\nexit "$1"\n');
  chmodSync(script, 0o755);
  return { binDir: dir, caBinDir: dir, sampleConfigDir: dir, bin: () => script };
}

void describe('fabric-cli: running the tools side by side', () => {
  let dir: string;
  let install: FabricInstall;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'fabric-cli-'));
    install = scriptInstall(dir);
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  void it('when several tools run at once, then they overlap and each answers its own output, as the blocking runner would', async () => {
    const started = performance.now();
    const outputs = await Promise.all(
      ['0', '0', '0', '0'].map((code, i) => runToolAsync(install, 'osnadmin', [code, `node${String(i)}`])),
    );
    const took = performance.now() - started;
    assert.deepEqual(
      outputs.map((o) => o.split('\n')[0]),
      ['args: 0 node0', 'args: 0 node1', 'args: 0 node2', 'args: 0 node3'],
    );
    assert.ok(took < 4 * 300, `four 0.3 s tools took ${took.toFixed(0)} ms: they did not overlap`);
    assert.equal(outputs[0], runTool(install, 'osnadmin', ['0', 'node0']));
  });

  void it('when a tool fails, then the error names it with its exit code and last lines, as the blocking runner does', async () => {
    const failing = ['3', 'channel', 'join', 'more'];
    const blocking = (() => {
      try {
        runTool(install, 'peer', failing);
        return undefined;
      } catch (err) {
        return (err as Error).message;
      }
    })();
    await assert.rejects(runToolAsync(install, 'peer', failing), (err: Error) => {
      assert.match(
        err.message,
        /^peer 3 channel join failed \(exit 3\):\nargs: 3 channel join more\nto stderr$/,
      );
      assert.equal(err.message, blocking);
      return true;
    });
  });
});
