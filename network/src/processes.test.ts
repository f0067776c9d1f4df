import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { isAlive, procStatFields, stopProcess } from './processes';
import { tempDir } from './testing/release-server';

const parents: ChildProcess[] = [];
const roots: string[] = [];
after(() => {
  for (const parent of parents) parent.kill('SIGKILL');
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

/**
 * A `sleep` whose parent never collects its children, as a late-collecting init does with the network's
 * detached processes: the child's pid, once it is running.
 */
async function childOfNeglectfulParent(): Promise<number> {
  const parent = spawn('sh', ['-c', 'sleep 60 & echo $!; exec sleep 120'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  parents.push(parent);
  const line = await new Promise<string>((resolve) => {
    parent.stdout.once('data', (d: Buffer) => {
      resolve(d.toString('utf8').trim());
    });
  });
  const pid = Number(line);
  assert.ok(Number.isInteger(pid) && pid > 0, `child pid ${line}`);
  // Until the shell has become `sleep`, the shell itself may still collect the child.
  const parentPid = String(parent.pid);
  for (let i = 0; i < 500 && readFileSync(`/proc/${parentPid}/comm`, 'utf8').trim() !== 'sleep'; i++) {
    await sleep(10);
  }
  assert.equal(readFileSync(`/proc/${parentPid}/comm`, 'utf8').trim(), 'sleep');
  return pid;
}

const processState = (pid: number): string | undefined => procStatFields(pid)?.[0];

describe('a network process that exited but was not collected', () => {
  it('when it has exited and its parent has not collected it, then it is not alive, though signal 0 still finds it', async () => {
    const pid = await childOfNeglectfulParent();
    assert.equal(isAlive(pid), true);
    process.kill(pid, 'SIGTERM');
    for (let i = 0; i < 100 && processState(pid) !== 'Z'; i++) await sleep(20);
    assert.equal(processState(pid), 'Z');
    assert.doesNotThrow(() => process.kill(pid, 0));
    assert.equal(isAlive(pid), false);
  });

  it('when it is stopped, then the stop returns once it exited instead of waiting out the grace period, and its pid file is gone', async () => {
    const root = tempDir('processes');
    roots.push(root);
    const pidFile = join(root, 'server.pid');
    const pid = await childOfNeglectfulParent();
    writeFileSync(pidFile, String(pid));
    const graceMs = 20_000;
    const started = performance.now();
    assert.equal(await stopProcess(pidFile, graceMs), true);
    const tookMs = performance.now() - started;
    assert.ok(tookMs < graceMs / 2, `stopped after ${tookMs.toFixed(0)} ms of a ${String(graceMs)} ms grace`);
    assert.equal(processState(pid), 'Z');
    assert.equal(existsSync(pidFile), false);
  });
});

describe("a process's /proc/<pid>/stat fields", () => {
  it("when the command's name holds ') ', then the fields after it still start with the state and hold its CPU times", async () => {
    const root = tempDir('proc-stat');
    roots.push(root);
    const program = join(root, 'x) y');
    copyFileSync('/bin/sleep', program);
    const child = spawn(program, ['30'], { stdio: 'ignore' });
    parents.push(child);
    await new Promise((resolve) => child.once('spawn', resolve));
    const fields = procStatFields(child.pid ?? 0);
    assert.ok(fields !== undefined);
    assert.match(fields[0] ?? '', /^[RS]$/);
    assert.equal(fields[1], String(process.pid), 'the parent pid follows the state');
    assert.match(fields[11] ?? '', /^\d+$/, 'user time');
    assert.match(fields[12] ?? '', /^\d+$/, 'kernel time');
  });

  it('when there is no such process, then there are no fields', () => {
    assert.equal(procStatFields(2 ** 22 + 1), undefined);
  });
});
