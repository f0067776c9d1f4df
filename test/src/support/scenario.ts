/**
 * One fault scenario: light journaled load, a fault injected while it runs, the fault repaired, then the
 * journal checked against every peer's blocks. The summary goes to the test output and to
 * `<MEDLEDGER_HOME>/fault-results.jsonl` (for the report).
 */
import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { NetworkInfo } from '@medledger/network';
import {
  convergedTip,
  killProcess,
  ordererMetrics,
  ordererName,
  raftLeader,
  restartProcess,
  waitUntil,
} from './faults';
import { checkJournal, resumedAt, type JournalReport } from './journal';
import type { WriteOptions } from './journal';
import { prepareWorkload, type Workload } from './workload';

/** How a scenario runs. */
export interface ScenarioSpec {
  readonly name: string;
  readonly workers?: number;
  /** Load before the fault. */
  readonly warmupMs?: number;
  /** Total load duration. */
  readonly durationMs?: number;
  readonly maxOps?: number;
  /** Injects the fault; resolves the processes it stopped (restarted by the default repair). */
  readonly inject: (info: NetworkInfo, workload: Workload) => Promise<string[]>;
  /** How long the fault lasts before {@link ScenarioSpec.repair}. */
  readonly faultMs?: number;
  /** Repairs the fault; default: restart the processes `inject` stopped, in order. */
  readonly repair?: (info: NetworkInfo, stopped: readonly string[]) => Promise<void>;
  readonly writeOptions?: WriteOptions;
}

/** What a scenario measured. */
export interface ScenarioResult {
  readonly name: string;
  readonly fault: string;
  readonly report: JournalReport;
  /** From the fault to the first acknowledged write that started after it. */
  readonly resumeMs: number | undefined;
  /** From the end of the repair to the first acknowledged write that started after it. */
  readonly resumeAfterRepairMs: number | undefined;
  readonly repairMs: number;
  readonly totalMs: number;
  readonly statusesDuringFault: Record<string, number>;
}

/** Runs a scenario and returns what it measured (assertions are the caller's). */
export async function runScenario(info: NetworkInfo, spec: ScenarioSpec): Promise<ScenarioResult> {
  const started = performance.now();
  const workers = spec.workers ?? 3;
  const workload = await prepareWorkload(info, workers);
  const fromBlock = (await convergedTip(info)).height;
  const loading = workload.load(
    workers,
    spec.durationMs ?? 35_000,
    spec.maxOps ?? 600,
    spec.writeOptions ?? { attemptTimeoutMs: 20_000, opDeadlineMs: 120_000 },
  );
  await sleep(spec.warmupMs ?? 4000);
  const faultAt = Date.now();
  const stopped = await spec.inject(info, workload);
  const fault = `${spec.name}: ${stopped.join(', ')}`;
  await sleep(spec.faultMs ?? 8000);
  const repairStarted = performance.now();
  const restartAll = async (_: NetworkInfo, names: readonly string[]) => {
    for (const name of names) await restartProcess(name);
  };
  await (spec.repair ?? restartAll)(info, stopped);
  const repairedAt = Date.now();
  const repairMs = performance.now() - repairStarted;
  await loading;
  const report = await checkJournal(info, workload.journal, fromBlock);
  const resume = resumedAt(workload.journal, faultAt);
  const resumeAfterRepair = resumedAt(workload.journal, repairedAt);
  const statusesDuringFault: Record<string, number> = {};
  for (const a of workload.journal.attempts()) {
    if (a.startedAt < faultAt || a.startedAt > repairedAt) continue;
    statusesDuringFault[String(a.status)] = (statusesDuringFault[String(a.status)] ?? 0) + 1;
  }
  const result: ScenarioResult = {
    name: spec.name,
    fault,
    report,
    resumeMs: resume === undefined ? undefined : resume - faultAt,
    resumeAfterRepairMs: resumeAfterRepair === undefined ? undefined : resumeAfterRepair - repairedAt,
    repairMs: Math.round(repairMs),
    totalMs: Math.round(performance.now() - started),
    statusesDuringFault,
  };
  const line = JSON.stringify({ at: new Date().toISOString(), ...result });
  console.log(`[fault] ${line}`);
  appendFileSync(join(info.stateDir, 'fault-results.jsonl'), `${line}\n`);
  return result;
}

/** The pass criteria every scenario shares: nothing lost, nothing twice, same answers, no 500. */
export function assertNothingLost(result: ScenarioResult): void {
  const { report } = result;
  assert.deepEqual(report.lost, [], 'acknowledged writes lost');
  assert.deepEqual(report.appliedTwice, [], 'business effects applied twice');
  assert.deepEqual(report.differentReplies, [], 'retries answered differently');
  assert.deepEqual(report.refusedAfterAmbiguous, [], 'retries of ambiguous writes refused');
  assert.equal(report.fiveHundreds, 0, 'no 500');
  assert.ok(report.peersAgree, 'every peer holds the same transactions');
  assert.equal(report.unresolved, 0, 'every write got a definite answer');
  assert.ok(report.acked > 0, 'some writes were acknowledged');
}

/**
 * The Raft-leader fault (full suite and the short e2e version): SIGKILL the leader under journaled
 * load, restart it, and require that nothing acknowledged is lost or applied twice, that writes
 * resume within 15 s, and that the restarted orderer catches up with the others.
 */
export async function raftLeaderKill(
  info: NetworkInfo,
  options: { readonly name: string; readonly durationMs?: number },
): Promise<ScenarioResult> {
  let killed = -1;
  const result = await runScenario(info, {
    name: options.name,
    ...(options.durationMs === undefined ? {} : { durationMs: options.durationMs }),
    inject: async () => {
      killed = await raftLeader(info);
      await killProcess(ordererName(info, killed));
      return [ordererName(info, killed)];
    },
  });
  assertNothingLost(result);
  assert.ok(
    result.resumeMs !== undefined && result.resumeMs <= 15_000,
    `writes resumed after ${String(result.resumeMs)} ms`,
  );
  const others = info.orderers.map((_, i) => i).filter((i) => i !== killed);
  await waitUntil(
    'the restarted orderer to catch up',
    async () => {
      const views = await Promise.all(info.orderers.map((_, i) => ordererMetrics(info, i)));
      const top = Math.max(...others.map((i) => views[i]?.height ?? -1));
      return (views[killed]?.height ?? -1) >= top && top > 0;
    },
    30_000,
  );
  return result;
}
