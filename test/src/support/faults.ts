/**
 * Fault injection on the local consortium: signals to the processes the network started (by their pid
 * files), restarts through the CLI (`start` restarts only what is not running), the ordering leader (Raft
 * or BFT) from the orderers' metrics, and each peer's chain tip for the "same height and block hash everywhere" check.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { common } from '@hyperledger/fabric-protos';
import {
  allPeers,
  chaincodeServerProcess,
  gatewayProcess,
  httpsGet,
  networkContext,
  ordererProcess,
  peerProcess,
  renderGatewayConfig,
  repoRoot,
  runningPid,
  startProcess,
  StatePaths,
  stateDir,
  waitForGossip,
  type NetworkInfo,
  type ProcessSpec,
  type TlsClient,
} from '@medledger/network';
import { packageChaincode } from '@medledger/network';
import { gatewayFor } from './network';

const run = promisify(execFile);

function paths(): StatePaths {
  return new StatePaths(stateDir());
}

/** The pid of a network process (`orderer0`, `peer0-hospital1`, `gateway-hospital1`, ...), if it runs. */
export function pidOf(name: string): number | undefined {
  return runningPid(paths().pidFile(name));
}

/** Sends `sig` to a network process and its process group (servers may have children). */
export function signalProcess(name: string, sig: NodeJS.Signals): number {
  const pid = pidOf(name);
  if (pid === undefined) throw new Error(`${name} is not running`);
  try {
    process.kill(-pid, sig);
  } catch {
    process.kill(pid, sig);
  }
  return pid;
}

/** SIGKILLs a process and waits until it is gone. */
export async function killProcess(name: string): Promise<void> {
  const pid = signalProcess(name, 'SIGKILL');
  for (let i = 0; i < 100; i++) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await sleep(50);
  }
  throw new Error(`${name} (${String(pid)}) survived SIGKILL`);
}

/** Restarts every process of the network that does not run (the CLI's `start`); resolves its duration. */
export async function restartStopped(): Promise<number> {
  const started = performance.now();
  await run(process.execPath, [join(repoRoot, 'network', 'dist', 'cli.js'), 'start'], {
    cwd: repoRoot,
    env: process.env,
    timeout: 180_000,
    maxBuffer: 4 * 1024 * 1024,
  });
  return performance.now() - started;
}

/**
 * Restarts one process by name if it does not run, leaving every other process alone (the CLI's `start`
 * would also restart processes whose code another build changed), with `extraEnv` added to its
 * environment. Resolves the milliseconds it took.
 */
export async function restartProcess(
  name: string,
  extraEnv: Readonly<Record<string, string>> = {},
): Promise<number> {
  const started = performance.now();
  const ctx = await networkContext();
  const { topology, paths: p } = ctx;
  let spec: ProcessSpec | undefined;
  const orderer = topology.ordererOrg.nodes.find((n) => n.shortName === name);
  if (orderer) spec = ordererProcess(ctx, orderer);
  const peer = allPeers(topology).find((n) => n.shortName === name);
  if (peer) spec = peerProcess(ctx, peer);
  for (const org of topology.peerOrgs) {
    if (name === `chaincode-${org.slug}`) {
      spec = chaincodeServerProcess(ctx, packageChaincode(topology, p, org));
    }
    if (name === `gateway-${org.slug}`) {
      spec = gatewayProcess(p, org, renderGatewayConfig(topology, p, org));
    }
  }
  if (spec === undefined) throw new Error(`no process ${name}`);
  await startProcess({ ...spec, env: { ...spec.env, ...extraEnv } }, 120_000);
  return performance.now() - started;
}

/** Polls `check` every `everyMs` until it is true; resolves the elapsed milliseconds. */
export async function waitUntil(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
  everyMs = 250,
): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < timeoutMs) {
    if (await check().catch(() => false)) return performance.now() - started;
    await sleep(everyMs);
  }
  throw new Error(`timed out after ${String(timeoutMs)} ms waiting for ${what}`);
}

/**
 * Waits until every running peer's gossip view of the channel holds exactly the others that run: with
 * `down` named, the consortium has noticed their outage; with none, every peer is back in every view.
 * A peer restarted before the others noticed its death can drop out of their views once they notice
 * (the old connection's end), until its next alive message: a few seconds of 503s for its org's
 * endorsements after it already answered (docs/operations.md). A test that means "an outage, then a
 * recovery" waits for both. The gauge it reads is refreshed every 5 s, so it may answer up to that late.
 */
export async function waitForGossipView(down: readonly string[] = [], timeoutMs = 60_000): Promise<number> {
  const started = performance.now();
  await waitForGossip(await networkContext(), timeoutMs, down);
  return performance.now() - started;
}

function ordererAdminTls(info: NetworkInfo): TlsClient {
  const admin = join(
    info.stateDir,
    'crypto',
    'ordererOrganizations',
    'orderer.medledger.local',
    'users',
    'Admin@orderer.medledger.local',
    'tls',
  );
  const first = info.orderers[0];
  if (first === undefined) throw new Error('no orderers');
  return {
    ca: readFileSync(first.tlsCaCert),
    cert: readFileSync(join(admin, 'client.crt')),
    key: readFileSync(join(admin, 'client.key')),
  };
}

/** One orderer's view of the ordering service, from its operations endpoint. */
export interface OrdererView {
  /** Raft: whether it is the leader (`consensus_etcdraft_is_leader`). */
  readonly leader: boolean;
  readonly height: number;
  /**
   * BFT: the consenter id of the leader of the view it is in (`consensus_smartbft_view_leader_id`,
   * set when a view starts). `consensus_BFT_is_leader` is not used: a node updates it only with the
   * blocks it commits, so a restarted former leader can report itself leader long after a view change.
   */
  readonly viewLeaderId?: number;
}

/** One orderer's view (see {@link OrdererView}), or undefined when it does not answer. */
export async function ordererMetrics(info: NetworkInfo, index: number): Promise<OrdererView | undefined> {
  const node = info.orderers[index];
  if (node === undefined) throw new Error(`no orderer ${String(index)}`);
  try {
    const res = await httpsGet(
      `https://${node.ip ?? '127.0.0.1'}:${String(node.operationsPort)}/metrics`,
      ordererAdminTls(info),
      1500,
    );
    const channel = `\\{channel="${info.channel}"\\}`;
    const value = (metric: string) => new RegExp(`^${metric}${channel} (\\d+)`, 'm').exec(res.body)?.[1];
    const viewLeader = value('consensus_smartbft_view_leader_id');
    return {
      leader: value('consensus_etcdraft_is_leader') === '1',
      height: Number(value('ledger_blockchain_height') ?? -1),
      ...(viewLeader === undefined ? {} : { viewLeaderId: Number(viewLeader) }),
    };
  } catch {
    return undefined;
  }
}

/**
 * The index of the ordering leader in these views, or -1: for Raft the node that says it leads; for BFT
 * the view leader that a quorum of the nodes (2f+1 of 3f+1) agree on.
 */
export function leaderOf(info: NetworkInfo, views: readonly (OrdererView | undefined)[]): number {
  if (info.ordering !== 'bft') return views.findIndex((v) => v?.leader === true);
  const n = info.orderers.length;
  const quorum = Math.ceil((n + Math.floor((n - 1) / 3) + 1) / 2);
  const votes = new Map<number, number>();
  for (const v of views) {
    if (v?.viewLeaderId !== undefined) votes.set(v.viewLeaderId, (votes.get(v.viewLeaderId) ?? 0) + 1);
  }
  const [id] = [...votes].find(([, count]) => count >= quorum) ?? [];
  return id === undefined ? -1 : info.orderers.findIndex((o, i) => (o.consenterId ?? i + 1) === id);
}

/** Index of the ordering leader, Raft or BFT (waits for one; see {@link leaderOf}). */
export async function ordererLeader(info: NetworkInfo, timeoutMs = 30_000): Promise<number> {
  let found = -1;
  await waitUntil(
    'an ordering leader',
    async () => {
      found = leaderOf(info, await Promise.all(info.orderers.map((_, i) => ordererMetrics(info, i))));
      return found >= 0;
    },
    timeoutMs,
  );
  return found;
}

/** Waits until orderer `index` answers at the height of the highest of the others (and above 0). */
export async function ordererCaughtUp(info: NetworkInfo, index: number, timeoutMs = 30_000): Promise<void> {
  await waitUntil(
    `orderer ${String(index)} to catch up`,
    async () => {
      const views = await Promise.all(info.orderers.map((_, i) => ordererMetrics(info, i)));
      const top = Math.max(...views.map((v, i) => (i === index ? -1 : (v?.height ?? -1))));
      return (views[index]?.height ?? -1) >= top && top > 0;
    },
    timeoutMs,
  );
}

/** The process name of orderer `index` (`orderer0`, ...). */
export function ordererName(info: NetworkInfo, index: number): string {
  const node = info.orderers[index];
  if (node === undefined) throw new Error(`no orderer ${String(index)}`);
  return node.name.split('.')[0] ?? node.name;
}

/** Process names of an org's first peer, chaincode server and gateway. */
export function orgProcesses(orgName: string): { peer: string; chaincode: string; gateway: string } {
  const slug = orgName.toLowerCase();
  return { peer: `peer0-${slug}`, chaincode: `chaincode-${slug}`, gateway: `gateway-${slug}` };
}

/** The process names of every peer an org runs (`peer0-<org>`, `peer1-<org>`, ...). */
export function orgPeerProcesses(info: NetworkInfo, orgName: string): string[] {
  const org = info.orgs.find((o) => o.name === orgName);
  if (org === undefined) throw new Error(`no org ${orgName}`);
  return org.peers.map((_, i) => `peer${String(i)}-${orgName.toLowerCase()}`);
}

/** The admin person every org enrolls (reads the chain through its own peer). */
export function orgAdmin(orgName: string): string {
  return `${orgName.toLowerCase()}-admin`;
}

/** Height and current block hash as one peer reports them. */
export interface ChainTip {
  readonly org: string;
  readonly height: number;
  readonly hash: string;
}

/** Every peer's chain tip (undefined for a peer that does not answer). */
export async function chainTips(info: NetworkInfo): Promise<(ChainTip | undefined)[]> {
  return Promise.all(
    info.orgs.map(async (org) => {
      const { gateway, client } = gatewayFor(info, org.name, orgAdmin(org.name));
      try {
        const bytes = await gateway
          .getNetwork(info.channel)
          .getContract('qscc')
          .evaluate('GetChainInfo', { arguments: [info.channel], endorsingOrganizations: [org.mspId] });
        const chain = common.BlockchainInfo.deserializeBinary(bytes);
        return {
          org: org.name,
          height: chain.getHeight(),
          hash: Buffer.from(chain.getCurrentblockhash_asU8()).toString('hex'),
        };
      } catch {
        return undefined;
      } finally {
        gateway.close();
        client.close();
      }
    }),
  );
}

/** Waits until every peer answering is at the same height (polled every 20 ms, at most 10 s). */
export async function peersLevel(info: NetworkInfo): Promise<void> {
  await waitUntil(
    'every peer at the same height',
    async () => {
      const heights = (await chainTips(info)).map((t) => t?.height);
      return heights.every((h) => h === undefined || h === heights.find((x) => x !== undefined));
    },
    10_000,
    20,
  );
}

/** Waits until every peer answers with the same height and block hash; resolves that tip. */
export async function convergedTip(info: NetworkInfo, timeoutMs = 60_000): Promise<ChainTip> {
  let tip: ChainTip | undefined;
  await waitUntil(
    'every peer at the same height and block hash',
    async () => {
      const tips = await chainTips(info);
      const first = tips[0];
      if (first === undefined) return false;
      tip = first;
      return tips.every((t) => t !== undefined && t.height === first.height && t.hash === first.hash);
    },
    timeoutMs,
    500,
  );
  if (tip === undefined) throw new Error('no tip');
  return tip;
}
