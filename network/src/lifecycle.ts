import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chaincodeCollections } from '@medledger/domain';
import type { FabricInstall } from './binaries';
import { osnadminFlags, ordererFlags, peerAdminEnv, runTool, runToolAsync } from './fabric-cli';
import type { StatePaths } from './paths';
import { renderConnectionJson } from './render';
import type { PeerNode, PeerOrg, Topology } from './topology';
import { allPeers } from './topology';

/**
 * Joins every orderer to the channel through the channel participation API (no system channel), all
 * at once: each join returns when that orderer has started the channel, which on BFT with
 * `SyncOnStart` means a sync of several seconds per orderer, so one after another they added up.
 */
export async function joinOrderers(
  install: FabricInstall,
  topology: Topology,
  paths: StatePaths,
): Promise<void> {
  await Promise.all(
    topology.ordererOrg.nodes.map(async (node) => {
      const flags = osnadminFlags(topology, paths, node);
      const list = await runToolAsync(install, 'osnadmin', ['channel', 'list', ...flags]);
      if (list.includes(`"name": "${topology.channel}"`) || list.includes(`"name":"${topology.channel}"`))
        return;
      await runToolAsync(install, 'osnadmin', [
        'channel',
        'join',
        '--channelID',
        topology.channel,
        '--config-block',
        paths.genesisBlock,
        ...flags,
      ]);
    }),
  );
}

/** Joins every peer to the channel from the genesis block (anchor peers come with it), all at once. */
export async function joinPeers(
  install: FabricInstall,
  topology: Topology,
  paths: StatePaths,
): Promise<void> {
  await Promise.all(
    allPeers(topology).map(async (peer) => {
      const env = peerAdminEnv(paths, peer);
      const list = await runToolAsync(install, 'peer', ['channel', 'list'], env);
      if (list.split('\n').some((line) => line.trim() === topology.channel)) return;
      await runToolAsync(install, 'peer', ['channel', 'join', '-b', paths.genesisBlock], env);
    }),
  );
}

/** A chaincode package for one org's chaincode server, and its package id. */
export interface OrgPackage {
  readonly org: PeerOrg;
  readonly file: string;
  readonly packageId: string;
}

function packageLabel(topology: Topology, org: PeerOrg): string {
  return `${topology.chaincode.name}_${topology.chaincode.version.replace(/[^A-Za-z0-9]/g, '_')}_${org.slug}`;
}

/**
 * Builds the org's chaincode-as-a-service package: `metadata.json` (type ccaas) and `code.tar.gz`
 * holding `connection.json`. Each org runs its own chaincode server, so each org has its own
 * package (and package id); the chaincode definition the orgs approve is the same.
 */
export function packageChaincode(topology: Topology, paths: StatePaths, org: PeerOrg): OrgPackage {
  const dir = paths.chaincodeDir(org);
  mkdirSync(dir, { recursive: true });
  const connection = renderConnectionJson(paths, org, (p) => readFileSync(p, 'utf8'));
  const label = packageLabel(topology, org);
  const file = join(dir, `${label}.tgz`);
  const previous = existsSync(connection.path) ? readFileSync(connection.path, 'utf8') : '';
  if (!existsSync(file) || previous !== connection.content) {
    const work = join(dir, 'build');
    rmSync(work, { recursive: true, force: true });
    mkdirSync(work, { recursive: true });
    writeFileSync(connection.path, connection.content);
    writeFileSync(join(work, 'connection.json'), connection.content);
    writeFileSync(join(work, 'metadata.json'), JSON.stringify({ type: 'ccaas', label }));
    tar(work, 'code.tar.gz', ['connection.json']);
    tar(work, file, ['metadata.json', 'code.tar.gz']);
  }
  const packageId = `${label}:${createHash('sha256').update(readFileSync(file)).digest('hex')}`;
  // Container deployments read the id from here (docker-compose.yaml's chaincode services).
  writeFileSync(join(dir, 'package-id'), packageId);
  return { org, file, packageId };
}

function tar(cwd: string, out: string, files: string[]): void {
  // Fixed owner and mtime so the same inputs give the same package id.
  const result = spawnSync(
    'tar',
    ['--owner=0', '--group=0', '--numeric-owner', '--mtime=2020-01-01', '-czf', out, ...files],
    { cwd, encoding: 'utf8' },
  );
  if (result.status !== 0) throw new Error(`tar failed: ${result.stderr}`);
}

function definitionFlags(topology: Topology, paths: StatePaths): string[] {
  const cc = topology.chaincode;
  return [
    '--channelID',
    topology.channel,
    '--name',
    cc.name,
    '--version',
    cc.version,
    '--sequence',
    String(cc.sequence),
    '--signature-policy',
    cc.endorsementPolicy,
    '--collections-config',
    paths.collectionsConfig,
  ];
}

/** Installs the org's package on each of its peers that lacks it, as the org's admin. */
export function installPackage(install: FabricInstall, paths: StatePaths, pkg: OrgPackage): void {
  for (const peer of pkg.org.peerNodes) {
    const env = peerAdminEnv(paths, peer);
    const installed = runTool(install, 'peer', ['lifecycle', 'chaincode', 'queryinstalled'], env);
    if (!installed.includes(pkg.packageId)) {
      runTool(install, 'peer', ['lifecycle', 'chaincode', 'install', pkg.file], env);
    }
  }
}

/**
 * Approves the topology's chaincode definition for the package's org, with that org's admin identity
 * and its own package, unless the org approved this very definition (same sequence, version and
 * package) already. An approval of something else at the same sequence is replaced.
 */
export function approveForOrg(
  install: FabricInstall,
  topology: Topology,
  paths: StatePaths,
  pkg: OrgPackage,
): 'approved' | 'already-approved' {
  const peer = firstPeer(pkg.org);
  const env = peerAdminEnv(paths, peer);
  if (isApproved(install, topology, env, pkg.packageId)) return 'already-approved';
  runTool(
    install,
    'peer',
    [
      'lifecycle',
      'chaincode',
      'approveformyorg',
      ...definitionFlags(topology, paths),
      '--package-id',
      pkg.packageId,
      ...ordererFlags(topology, paths, peer),
    ],
    env,
  );
  return 'approved';
}

/**
 * Commits the topology's chaincode definition, submitted by `submitter`'s admin, with the endorsement
 * of the first peer of each of `endorsers` (by default every org): the channel's
 * LifecycleEndorsement policy (a majority of the orgs) decides whether that is enough, and each of
 * those peers checks that the majority of orgs approved this definition.
 */
export function commitDefinition(
  install: FabricInstall,
  topology: Topology,
  paths: StatePaths,
  { submitter, endorsers }: { submitter?: PeerOrg; endorsers?: readonly PeerOrg[] } = {},
): void {
  const first = firstPeer(submitter ?? topology.peerOrgs[0]);
  const peerFlags = (endorsers ?? topology.peerOrgs).flatMap((org) => {
    const peer = firstPeer(org);
    return [
      '--peerAddresses',
      peer.address,
      '--tlsRootCertFiles',
      join(paths.peerNodeDir(peer), 'tls', 'ca.crt'),
    ];
  });
  runTool(
    install,
    'peer',
    [
      'lifecycle',
      'chaincode',
      'commit',
      ...definitionFlags(topology, paths),
      ...peerFlags,
      ...ordererFlags(topology, paths, first),
    ],
    peerAdminEnv(paths, first),
  );
}

/**
 * Installs each org's package on its peers, approves the definition (with the sealed collections
 * config rendered from the topology) for every org, each with its own admin, and commits it.
 */
export function deployChaincode(
  install: FabricInstall,
  topology: Topology,
  paths: StatePaths,
  packages: readonly OrgPackage[],
): 'deployed' | 'already-committed' {
  const committed = isCommitted(install, topology, paths);
  for (const pkg of packages) installPackage(install, paths, pkg);
  if (committed) return 'already-committed';
  for (const pkg of packages) approveForOrg(install, topology, paths, pkg);
  commitDefinition(install, topology, paths, { submitter: packages[0]?.org ?? topology.peerOrgs[0] });
  return 'deployed';
}

function firstPeer(org: PeerOrg | undefined): PeerNode {
  const peer = org?.peerNodes[0];
  if (peer === undefined) throw new Error('an org without peers cannot take part in the chaincode lifecycle');
  return peer;
}

function isApproved(
  install: FabricInstall,
  topology: Topology,
  env: Record<string, string>,
  packageId: string,
): boolean {
  let out: string;
  try {
    out = runTool(
      install,
      'peer',
      [
        'lifecycle',
        'chaincode',
        'queryapproved',
        '--channelID',
        topology.channel,
        '--name',
        topology.chaincode.name,
        '--sequence',
        String(topology.chaincode.sequence),
        '--output',
        'json',
      ],
      env,
    );
  } catch {
    return false;
  }
  return approvalMatches(out, topology.chaincode.version, packageId);
}

/**
 * Whether `peer lifecycle chaincode queryapproved --output json` shows an approval of `version` with
 * `packageId`: an org's approval of another version or package at the same sequence (a proposal that
 * did not pass, say) is not this definition's.
 */
export function approvalMatches(queryOutput: string, version: string, packageId: string): boolean {
  const start = queryOutput.indexOf('{');
  if (start < 0) return false;
  const approved = JSON.parse(queryOutput.slice(start)) as {
    version?: string;
    source?: { Type?: { LocalPackage?: { package_id?: string } } };
  };
  return approved.version === version && approved.source?.Type?.LocalPackage?.package_id === packageId;
}

/**
 * The chaincode definition committed on the channel, as `peer` (by default the first org's) sees it:
 * sequence, version and the names of its collections.
 */
export function committedDefinition(
  install: FabricInstall,
  topology: Topology,
  paths: StatePaths,
  peer: PeerNode = firstPeer(topology.peerOrgs[0]),
): { sequence: number; version: string; collections: string[] } | undefined {
  try {
    const out = runTool(
      install,
      'peer',
      [
        'lifecycle',
        'chaincode',
        'querycommitted',
        '--channelID',
        topology.channel,
        '--name',
        topology.chaincode.name,
        '--output',
        'json',
      ],
      peerAdminEnv(paths, peer),
    );
    const parsed = JSON.parse(out.slice(out.indexOf('{'))) as { sequence: number; version: string };
    const collections = [...out.matchAll(/"name":\s*"([^"]+)"/g)].map((m) => m[1] ?? '');
    return { sequence: parsed.sequence, version: parsed.version, collections };
  } catch {
    return undefined;
  }
}

/**
 * Whether the chaincode definition is committed at the topology's sequence. A definition committed
 * without the sealed collections (a ledger from before them) cannot run this chaincode: that is an
 * error that says to start from a clean state, not a definition to reuse.
 */
export function isCommitted(install: FabricInstall, topology: Topology, paths: StatePaths): boolean {
  const committed = committedDefinition(install, topology, paths);
  if (committed?.sequence !== topology.chaincode.sequence) return false;
  const missing = chaincodeCollections(topology.peerOrgs.map((o) => o.mspId))
    .map((c) => c.name)
    .filter((name) => !committed.collections.includes(name));
  if (missing.length > 0) {
    throw new Error(
      `the committed chaincode definition lacks the collections ${missing.join(', ')}: this ledger predates them; run \`npm run network:clean\` and start again`,
    );
  }
  return true;
}
