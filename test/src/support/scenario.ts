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
  ordererCaughtUp,
  ordererLeader,
  ordererMetrics,
  ordererName,
  restartProcess,
} from './faults';
import { checkJournal, resumedAt, type JournalReport } from './journal';
import type { OrdererPartitions } from './partition';
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
export function assertNothingLost(result: Pick<ScenarioResult, 'report'>): void {
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
 * Every answer given while the fault lasted was a clean one: success, a conflict, 503 or 504, or the
 * client's own timeout (never a 500).
 */
export function assertCleanAnswersDuringFault(result: ScenarioResult): void {
  const during = Object.keys(result.statusesDuringFault);
  assert.ok(
    during.every((s) => ['200', '201', '409', '503', '504', 'timeout'].includes(s)),
    `statuses during the fault: ${during.join(',')}`,
  );
}

/** An ordering fault's result: the scenario's, which orderer it hit and who led meanwhile. */
export interface OrderingFaultResult extends ScenarioResult {
  /** The orderer the fault hit. */
  readonly orderer: number;
  /** The ordering leader found while the fault lasted (-1: none within the wait). */
  readonly leaderDuringFault: number;
}

/**
 * An ordering fault under journaled load: `inject` hits one orderer (chosen by `pick` from the current
 * leader), the leader is looked up while the fault lasts, `heal` ends it; then the orderer must catch
 * up with the others. Requires that nothing acknowledged is lost or applied twice and that writes
 * resume within `resumeWithinMs` of the fault.
 */
async function ordererFault(
  info: NetworkInfo,
  options: {
    readonly name: string;
    readonly durationMs?: number;
    readonly faultMs?: number;
    readonly resumeWithinMs: number;
    readonly pick: (leader: number) => number;
    readonly inject: (orderer: number) => Promise<void>;
    readonly heal: (orderer: number) => Promise<void>;
  },
): Promise<OrderingFaultResult> {
  let hit = -1;
  let leaderDuringFault = -1;
  const result = await runScenario(info, {
    name: options.name,
    ...(options.durationMs === undefined ? {} : { durationMs: options.durationMs }),
    ...(options.faultMs === undefined ? {} : { faultMs: options.faultMs }),
    inject: async () => {
      hit = options.pick(await ordererLeader(info));
      await options.inject(hit);
      return [ordererName(info, hit)];
    },
    repair: async () => {
      leaderDuringFault = await ordererLeader(info, 10_000).catch(() => -1);
      await options.heal(hit);
    },
  });
  assertNothingLost(result);
  assert.ok(
    result.resumeMs !== undefined && result.resumeMs <= options.resumeWithinMs,
    `writes resumed after ${String(result.resumeMs)} ms`,
  );
  await ordererCaughtUp(info, hit);
  return { ...result, orderer: hit, leaderDuringFault };
}

/**
 * The ordering-leader fault (full suite and the short e2e version), Raft or BFT: SIGKILL the leader
 * under journaled load, restart it, and require that nothing acknowledged is lost or applied twice,
 * that writes resume within 15 s, that another orderer leads meanwhile, and that the restarted
 * orderer catches up with the others.
 */
export async function ordererLeaderKill(
  info: NetworkInfo,
  options: { readonly name: string; readonly durationMs?: number },
): Promise<OrderingFaultResult> {
  const result = await ordererFault(info, {
    ...options,
    resumeWithinMs: 15_000,
    pick: (leader) => leader,
    inject: (orderer) => killProcess(ordererName(info, orderer)),
    heal: async (orderer) => {
      await restartProcess(ordererName(info, orderer));
    },
  });
  assert.ok(
    result.leaderDuringFault >= 0 && result.leaderDuringFault !== result.orderer,
    `orderer ${String(result.leaderDuringFault)} led while orderer ${String(result.orderer)} was down`,
  );
  return result;
}

/**
 * SIGKILL an orderer that does not lead, under journaled load, and restart it: the others keep their
 * quorum and leader, so writes must not stop at all (`resumeWithinMs`), nothing acknowledged may be
 * lost or applied twice, and the restarted orderer catches up.
 */
export async function ordererFollowerKill(
  info: NetworkInfo,
  options: { readonly name: string; readonly resumeWithinMs: number },
): Promise<OrderingFaultResult> {
  const result = await ordererFault(info, {
    ...options,
    pick: (leader) => (leader + 1) % info.orderers.length,
    inject: (orderer) => killProcess(ordererName(info, orderer)),
    heal: async (orderer) => {
      await restartProcess(ordererName(info, orderer));
    },
  });
  assert.notEqual(result.leaderDuringFault, result.orderer);
  return result;
}

/**
 * Cut the ordering leader off with a network partition (the orderers in namespaces of their own, see
 * `partition.ts`) under journaled load, for 12 s, then heal it: the others must choose another leader
 * (checked while the cut lasts, when the cut-off orderer answers nobody), writes resume within 15 s,
 * nothing is lost or applied twice, and the healed orderer catches up.
 */
export async function ordererLeaderPartition(
  info: NetworkInfo,
  partitions: OrdererPartitions,
  options: { readonly name: string },
): Promise<OrderingFaultResult> {
  let unreachable = false;
  const result = await ordererFault(info, {
    ...options,
    faultMs: 12_000,
    resumeWithinMs: 15_000,
    pick: (leader) => leader,
    inject: (orderer) => {
      partitions.cut(orderer);
      return Promise.resolve();
    },
    heal: async (orderer) => {
      unreachable = (await ordererMetrics(info, orderer)) === undefined;
      partitions.heal(orderer);
    },
  });
  assert.ok(unreachable, 'the cut-off orderer answered during the partition');
  assert.ok(
    result.leaderDuringFault >= 0 && result.leaderDuringFault !== result.orderer,
    'another orderer led during the partition',
  );
  return result;
}

/**
 * SIGKILL as many orderers as it takes to lose the ordering quorum (2 of 3 Raft nodes, 2 of 4 BFT
 * nodes: f+1), the leader among them, under journaled load, then restart them: writes get clean
 * answers meanwhile (2xx, 409, 503, 504 or a client timeout, never a 500), resume within 30 s of the
 * quorum's return, and nothing acknowledged is lost or applied twice.
 */
export async function ordererQuorumLoss(
  info: NetworkInfo,
  options: { readonly name: string },
): Promise<ScenarioResult> {
  const n = info.orderers.length;
  const quorum =
    info.ordering === 'bft' ? Math.ceil((n + Math.floor((n - 1) / 3) + 1) / 2) : Math.floor(n / 2) + 1;
  const result = await runScenario(info, {
    name: options.name,
    faultMs: 12_000,
    inject: async () => {
      const leader = await ordererLeader(info);
      const names = Array.from({ length: n - quorum + 1 }, (_, k) => ordererName(info, (leader + k) % n));
      for (const name of names) await killProcess(name);
      return names;
    },
  });
  assertNothingLost(result);
  assertCleanAnswersDuringFault(result);
  assert.ok(
    result.resumeAfterRepairMs !== undefined && result.resumeAfterRepairMs <= 30_000,
    `writes resumed ${String(result.resumeAfterRepairMs)} ms after quorum`,
  );
  return result;
}
