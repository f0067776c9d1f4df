/**
 * Governance under load: a steady stream of journaled writes (patients registered, access decisions)
 * through Hospital1's gateway before, during and after a governance action (admitting an org, an
 * upgrade), then the journal checked against every peer's blocks, and the longest wait between two
 * answered writes measured. The summary goes to the test output and to
 * `<MEDLEDGER_HOME>/fault-results.jsonl`.
 */
import { execFile } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { repoRoot, type NetworkInfo } from '@medledger/network';
import { convergedTip } from './faults';
import { checkJournal, type Journal, type JournalReport } from './journal';
import { prepareWorkload } from './workload';

const run = promisify(execFile);

/** What a governance action under load measured. */
export interface GovernedLoadResult {
  readonly name: string;
  readonly report: JournalReport;
  /** How long the action took. */
  readonly actionMs: number;
  /** The longest time between two consecutive answered (2xx) writes, over the whole run. */
  readonly longestGapMs: number;
  /** The same, over the writes answered while the action ran. */
  readonly longestGapDuringMs: number;
  /** Writes answered before, during and after the action. */
  readonly answered: { readonly before: number; readonly during: number; readonly after: number };
  /** What the action's command printed last. */
  readonly output: string;
}

/** The longest time between consecutive answered writes whose answers fall in [from, to]. */
export function longestGap(journal: Journal, from: number, to: number): number {
  const answers = journal
    .attempts()
    .filter((a) => typeof a.status === 'number' && a.status >= 200 && a.status < 300)
    .map((a) => a.endedAt)
    .filter((t) => t >= from && t <= to)
    .sort((a, b) => a - b);
  const edges = [from, ...answers, to];
  let longest = 0;
  for (let i = 1; i < edges.length; i++) longest = Math.max(longest, (edges[i] ?? 0) - (edges[i - 1] ?? 0));
  return longest;
}

/** Runs the network CLI (`add-org`, `upgrade`, ...) as `npm run network:*` would, in this environment. */
export async function networkCli(args: readonly string[]): Promise<string> {
  const { stdout, stderr } = await run(
    process.execPath,
    [join(repoRoot, 'network', 'dist', 'cli.js'), ...args],
    {
      cwd: repoRoot,
      env: process.env,
      timeout: 600_000,
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  return `${stdout}${stderr}`;
}

/**
 * Runs `action` while two workers write through Hospital1's gateway without pause (100 ms between a
 * worker's writes): `beforeMs` of writes first, `afterMs` after the action; then checks the journal.
 */
export async function underLoad(
  info: NetworkInfo,
  name: string,
  action: () => Promise<string>,
  { beforeMs = 5000, afterMs = 10_000 }: { beforeMs?: number; afterMs?: number } = {},
): Promise<GovernedLoadResult> {
  const workload = await prepareWorkload(info, 2);
  const fromBlock = (await convergedTip(info)).height;
  let running = true;
  const loadStarted = Date.now();
  const workers = [0, 1].map(async (w) => {
    for (let seq = 0; running; seq++) {
      await workload.op(w, seq, { attemptTimeoutMs: 20_000, opDeadlineMs: 120_000 });
      await sleep(100);
    }
  });
  let output: string;
  let actionStarted: number;
  let actionEnded: number;
  try {
    await sleep(beforeMs);
    actionStarted = Date.now();
    output = await action();
    actionEnded = Date.now();
    await sleep(afterMs);
  } finally {
    // Also when the action fails: writers left running would keep the test file from ever ending.
    running = false;
    await Promise.allSettled(workers);
  }
  await Promise.all(workers);
  const loadEnded = Date.now();
  const report = await checkJournal(info, workload.journal, fromBlock);
  const answeredIn = (from: number, to: number) =>
    workload.journal
      .attempts()
      .filter((a) => typeof a.status === 'number' && a.status < 300 && a.endedAt >= from && a.endedAt < to)
      .length;
  const result: GovernedLoadResult = {
    name,
    report,
    actionMs: actionEnded - actionStarted,
    longestGapMs: longestGap(workload.journal, loadStarted + 1000, loadEnded),
    longestGapDuringMs: longestGap(workload.journal, actionStarted, actionEnded),
    answered: {
      before: answeredIn(loadStarted, actionStarted),
      during: answeredIn(actionStarted, actionEnded),
      after: answeredIn(actionEnded, loadEnded + 1),
    },
    output: output.split('\n').slice(-3).join('\n'),
  };
  const r = result.report;
  const line = JSON.stringify({
    at: new Date().toISOString(),
    name,
    actionMs: result.actionMs,
    longestGapMs: result.longestGapMs,
    longestGapDuringMs: result.longestGapDuringMs,
    answered: result.answered,
    ops: r.ops,
    acked: r.acked,
    lost: r.lost.length,
    statusCounts: r.statusCounts,
    invalidTxs: r.invalidTxs.length,
  });
  console.log(`[governance] ${line}`);
  appendFileSync(join(info.stateDir, 'fault-results.jsonl'), `${line}\n`);
  return result;
}
