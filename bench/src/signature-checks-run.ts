/**
 * Runs the `signature-checks` lever on the running network: with the channel's Application Readers and
 * Writers policies in each form in turn (config updates a majority of the orgs' admins sign), every
 * peer and orderer logging each verification it makes (`PUT /logspec`, no restart), it counts them over
 * an idle window and over operations of each kind run one at a time, and writes
 * `lever-signature-checks.md` and `.json`. The channel's own policies and the log spec are restored at
 * the end.
 */
import { closeSync, mkdirSync, openSync, readSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  allPeers,
  channelMemberPolicies,
  fabricLoggingSpec,
  networkContext,
  setMemberPolicies,
  type MemberPolicyMode,
  type NetworkInfo,
} from '@medledger/network';
import type { Operation } from './load';
import {
  addCounts,
  countSignatureChecks,
  SIGNATURE_LOG_SPEC,
  signatureRatios,
  signatureTable,
  type SignatureCounts,
  type SignatureRow,
} from './signature-checks';

export interface SignatureChecksOptions {
  /** Operations of each kind, one at a time (each its own block). */
  readonly ops: number;
  /** Length of each idle window. */
  readonly idleS: number;
  readonly out: string;
  /** Sets every peer's and orderer's Fabric log spec at run time. */
  readonly setLogSpec: (info: NetworkInfo, spec: string) => Promise<void>;
  /** The benchmark's operations, its staff and records set up. */
  readonly operations: (
    info: NetworkInfo,
  ) => Promise<{ ping: Operation; access: Operation; freshAnchor: () => Operation }>;
}

const MODES: readonly [MemberPolicyMode, MemberPolicyMode] = ['implicit', 'signature'];
// Long enough for every peer to commit the last operation's block (and log its checks).
const SETTLE_MS = 2000;

/** The bytes appended to `file` since `from`. */
function appended(file: string, from: number): string {
  const size = statSync(file).size;
  if (size <= from) return '';
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(size - from);
    readSync(fd, buf, 0, buf.length, from);
    return buf.toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** The counts of each group of log files over `work` and the settling after it, and its seconds. */
async function countWindow(
  groups: { peers: readonly string[]; orderers: readonly string[] },
  work: () => Promise<unknown>,
): Promise<{ peers: SignatureCounts; orderers: SignatureCounts; seconds: number }> {
  const sizes = new Map([...groups.peers, ...groups.orderers].map((f) => [f, statSync(f).size]));
  const t0 = performance.now();
  await work();
  await sleep(SETTLE_MS);
  const seconds = (performance.now() - t0) / 1000;
  const count = (files: readonly string[]): SignatureCounts =>
    addCounts(files.map((f) => countSignatureChecks(appended(f, sizes.get(f) ?? 0))));
  return { peers: count(groups.peers), orderers: count(groups.orderers), seconds };
}

/** Runs `op` `n` times one after another; every run must commit. */
async function runEach(label: string, op: Operation, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const outcome = await op(i);
    if (outcome !== 'committed') throw new Error(`${label} ${String(i)}: ${outcome}`);
  }
}

function report(rows: readonly SignatureRow[], options: SignatureChecksOptions, orderers: number): string[] {
  const peers = rows[0]?.peerCount ?? 0;
  return [
    "# Lever: the signature verifications Fabric makes, with the channel's Application Readers and Writers each `ANY` (implicit) and each one signature policy over every org's roles (signature)",
    '',
    `Counted from the debug log lines of every peer (${String(peers)}) and orderer (${String(orderers)}) (\`${SIGNATURE_LOG_SPEC}\`, set at run time): each signature a policy evaluation verifies and each creator check. Per setting: an idle window of ${String(options.idleS)} s, then ${String(options.ops)} operations of each kind one after another, each its own block. Per operation: every verification but gossip's (the idle network makes none). Per second: the verifications of gossip messages checked against \`/Channel/Application/Readers\`, which run on gossip's timers. "Writers checks" are evaluations of \`/Channel/Application/Writers\` (the \`peer/Propose\` ACL); in brackets, how many orgs' own policies they tried, each one more verification.`,
    '',
    ...signatureTable(rows),
    '',
    ...signatureRatios(rows, MODES),
  ];
}

export async function runSignatureChecks(info: NetworkInfo, options: SignatureChecksOptions): Promise<void> {
  const ctx = await networkContext();
  const peerCount = allPeers(ctx.topology).length;
  const groups = {
    peers: allPeers(ctx.topology).map((p) => ctx.paths.logFile(p.shortName)),
    orderers: ctx.topology.ordererOrg.nodes.map((o) => ctx.paths.logFile(o.shortName)),
  };
  const ops = await options.operations(info);
  const workloads: [string, () => Operation][] = [
    ['empty transaction', () => ops.ping],
    ['access decision', () => ops.access],
    ['anchor (staging and anchor)', ops.freshAnchor],
  ];
  const rows: SignatureRow[] = [];
  const own = channelMemberPolicies(ctx.install, ctx.topology, ctx.paths);
  const log = (m: string): void => void process.stderr.write(`[signature-checks] ${m}\n`);
  await options.setLogSpec(info, SIGNATURE_LOG_SPEC);
  try {
    for (const mode of MODES) {
      log(`Readers and Writers ${mode}`);
      await setMemberPolicies(ctx.install, ctx.topology, ctx.paths, { Readers: mode, Writers: mode });
      // Every peer applies the config block when it commits it.
      await sleep(5000);
      const idle = await countWindow(groups, () => sleep(options.idleS * 1000));
      rows.push({ policies: mode, workload: 'idle network', ops: 0, peerCount, ...idle });
      for (const [label, op] of workloads) {
        const busy = await countWindow(groups, () => runEach(label, op(), options.ops));
        rows.push({ policies: mode, workload: label, ops: options.ops, peerCount, ...busy });
      }
    }
  } finally {
    await setMemberPolicies(ctx.install, ctx.topology, ctx.paths, own);
    await options.setLogSpec(info, fabricLoggingSpec());
  }
  const md = report(rows, options, groups.orderers.length);
  mkdirSync(options.out, { recursive: true });
  writeFileSync(join(options.out, 'lever-signature-checks.md'), `${md.join('\n')}\n`);
  writeFileSync(
    join(options.out, 'lever-signature-checks.json'),
    `${JSON.stringify({ at: new Date().toISOString(), ops: options.ops, idleS: options.idleS, rows }, null, 2)}\n`,
  );
  process.stdout.write(`${md.join('\n')}\n`);
}
