/**
 * Consortium governance on the running network: admitting an org by a channel configuration update
 * that a majority of the member orgs' admins sign, and moving the chaincode to a new version through
 * the lifecycle, each org approving with its own admin. Who signs what: docs/operations.md.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { sealedCollection } from '@medledger/domain';
import type { FabricInstall } from './binaries';
import { bootstrapConsortium } from './consortium';
import {
  admissionSigners,
  applicationOrgs,
  consortiumGovernedOrg,
  configUpdateEnvelope,
  redefinitionStep,
  upgradeStep,
  withApplicationOrg,
  type ChannelConfigJson,
  type ConfigGroupJson,
  type DefinitionStep,
} from './config-update';
import { fetchConfigBlock, signAndSubmitFile } from './channel-config';
import { configtxlator } from './configtxlator';
import { runTool, runToolStdout } from './fabric-cli';
import { setUpIsolatedHosts } from './hosts';
import { caProcess } from './identities';
import {
  approveForOrg,
  commitDefinition,
  committedDefinition,
  installPackage,
  joinPeers,
  packageChaincode,
} from './lifecycle';
import {
  chaincodeServerName,
  chaincodeServerProcess,
  enrolledPeople,
  enrollOrgPeople,
  generate,
  generatedSpec,
  networkInfo,
  peerProcess,
  recordedGovernance,
  recordGovernance,
  startOrgGateway,
  waitForGossip,
  type NetworkContext,
  type NetworkInfo,
} from './network';
import { registerDemoPeople } from './gateways';
import { renderOrgDefinition } from './render';
import { startProcess, stopProcess, waitFor } from './processes';
import {
  admittedOrgSpec,
  resolveTopology,
  withGovernance,
  type GovernanceRecord,
  type TopologySpec,
  type PeerOrg,
  type Topology,
} from './topology';
import { ensureKeyring } from './keyrings';

function log(message: string): void {
  console.log(`[medledger] ${message}`);
}

/** One line per step with its duration (as `npm start` prints them). */
async function step<T>(label: string, fn: () => Promise<T> | T): Promise<T> {
  const started = performance.now();
  const result = await fn();
  log(`${label} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  return result;
}

/**
 * The spec governance `record` describes: the orgs and peers the network was generated with, and its
 * crypto profile (an admitted org and an upgrade keep them), with what the record adds.
 */
function governedSpec(ctx: NetworkContext, record: GovernanceRecord, env: NodeJS.ProcessEnv): TopologySpec {
  return withGovernance(
    { ...generatedSpec(env, ctx.paths), cryptoProfile: ctx.topology.cryptoProfile },
    record,
  );
}

/** The context with the topology governance `record` describes. */
export function governedContext(
  ctx: NetworkContext,
  record: GovernanceRecord,
  env: NodeJS.ProcessEnv = process.env,
): NetworkContext {
  const spec = governedSpec(ctx, record, env);
  return { ...ctx, topology: resolveTopology(spec, ctx.topology.basePort, ctx.topology.options) };
}

function orgNamed(topology: Topology, nameOrMsp: string): PeerOrg {
  const org = topology.peerOrgs.find((o) => o.name === nameOrMsp || o.mspId === nameOrMsp);
  if (org === undefined) throw new Error(`${nameOrMsp} is not an org of the topology`);
  return org;
}

/** Decodes a protobuf file into JSON with configtxlator. */
function decode(install: FabricInstall, type: string, file: string): unknown {
  // configtxlator opens /dev/stdout by default, which a socket (what Node gives a child) refuses.
  const json = `${file}.decoded.json`;
  runTool(configtxlator(install), 'configtxlator', [
    'proto_decode',
    '--type',
    type,
    '--input',
    file,
    '--output',
    json,
  ]);
  return JSON.parse(readFileSync(json, 'utf8')) as unknown;
}

/** Encodes JSON into a protobuf file with configtxlator. */
function encode(install: FabricInstall, type: string, value: unknown, file: string): void {
  const json = `${file}.json`;
  writeFileSync(json, JSON.stringify(value));
  runTool(configtxlator(install), 'configtxlator', [
    'proto_encode',
    '--type',
    type,
    '--input',
    json,
    '--output',
    file,
  ]);
}

/** The channel's current config, fetched from the ordering service as `asOrg`'s admin. */
export function fetchChannelConfig(ctx: NetworkContext, asOrg: PeerOrg, dir: string): ChannelConfigJson {
  const { install, topology, paths } = ctx;
  const block = join(dir, 'config-block.pb');
  fetchConfigBlock(install, topology, paths, asOrg, block);
  const decoded = decode(install, 'common.Block', block) as {
    data: { data: { payload: { data: { config: ChannelConfigJson } } }[] };
  };
  const config = decoded.data.data[0]?.payload.data.config;
  if (config === undefined) throw new Error('the config block holds no config');
  return config;
}

/**
 * Builds the configuration update that adds `org` to the channel's Application group (its MSP,
 * policies and anchor peer, as `configtxgen -printOrg` prints them), unsigned, into `dir`; returns the
 * envelope's file, or undefined when the channel has the org already. `proposer`'s admin fetches the
 * current config.
 */
export function buildOrgAdmission(
  ctx: NetworkContext,
  org: PeerOrg,
  proposer: PeerOrg,
  dir: string,
): string | undefined {
  const { install, topology, paths } = ctx;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const definition = renderOrgDefinition(paths, org, dir);
  writeFileSync(definition.path, definition.content);
  const printed = runToolStdout(install, 'configtxgen', ['-printOrg', org.name, '-configPath', dir]);
  const orgGroup = JSON.parse(printed) as ConfigGroupJson;
  const config = fetchChannelConfig(ctx, proposer, dir);
  if (applicationOrgs(config).some((m) => m.mspId === org.mspId)) return undefined;
  const original = join(dir, 'config.pb');
  const modified = join(dir, 'modified.pb');
  encode(install, 'common.Config', config, original);
  encode(
    install,
    'common.Config',
    withApplicationOrg(config, org.name, consortiumGovernedOrg(orgGroup)),
    modified,
  );
  const update = join(dir, 'update.pb');
  runTool(configtxlator(install), 'configtxlator', [
    'compute_update',
    '--channel_id',
    topology.channel,
    '--original',
    original,
    '--updated',
    modified,
    '--output',
    update,
  ]);
  const envelope = join(dir, 'update-envelope.pb');
  encode(
    install,
    'common.Envelope',
    configUpdateEnvelope(topology.channel, decode(install, 'common.ConfigUpdate', update)),
    envelope,
  );
  return envelope;
}

/**
 * Each of `signers` signs the update in `envelope` with its own admin identity, and the last one
 * submits it: an update that adds an org needs the Application group's `Admins`, a majority of the
 * member orgs' admins, and fails otherwise.
 */
export function signAndSubmit(ctx: NetworkContext, envelope: string, signers: readonly PeerOrg[]): void {
  signAndSubmitFile(ctx.install, ctx.topology, ctx.paths, envelope, signers, log);
}

/**
 * The admission of `org` proposed to the ordering service: its certificates (`cryptogen extend`) and
 * node configs, the configuration update adding it, signed by `signers` (the first fetches the
 * config, the last submits). Throws with the orderers' answer when the signatures do not satisfy the
 * channel's policy; `already-member` when the channel has the org. Nothing is recorded: see
 * {@link admitOrg}.
 */
export function proposeOrgAdmission(
  ctx: NetworkContext,
  org: PeerOrg,
  signers: readonly PeerOrg[],
): 'submitted' | 'already-member' {
  const [first] = signers;
  if (first === undefined) throw new Error('an admission needs at least one signer');
  generate(ctx);
  const envelope = buildOrgAdmission(ctx, org, first, join(ctx.paths.configUpdatesDir, `admit-${org.slug}`));
  if (envelope === undefined) {
    log(`${org.mspId} is a member of ${ctx.topology.channel} already`);
    return 'already-member';
  }
  signAndSubmit(ctx, envelope, signers);
  return 'submitted';
}

/** What `admitOrg` asks for. */
export interface AdmissionRequest {
  readonly name: string;
  readonly kind: string;
  /** The member org whose admin proposes (fetches the config, signs first); default the first org. */
  readonly proposer?: string;
}

/**
 * Admits an org into the running channel and consortium: its certificates (`cryptogen extend`, its own
 * CA key), the configuration update signed by a majority of the member orgs' admins, its CA, people,
 * chaincode server, peer (joined to the channel) and gateway, a new chaincode definition that names
 * it (endorsement policy and collections; approved by every org's admin, a majority needed, and
 * committed), and on the ledger its entry in the consortium and its sealed collection's key. Every
 * step is idempotent, so a second run finishes a first one that stopped half way. The admitted org is
 * recorded in the state (`governance.json`), so `npm stop` / `npm start` keep it.
 */
export async function admitOrg(ctx: NetworkContext, request: AdmissionRequest): Promise<NetworkInfo> {
  if (ctx.topology.options.hosts === 'containers') {
    throw new Error('a container deployment admits an org with docker compose, not the native CLI');
  }
  const record = recordedGovernance(ctx.paths);
  const already = record.admittedOrgs.find((o) => o.name === request.name);
  const members = ctx.topology.peerOrgs.filter((o) => o.name !== already?.name);
  const spec = already ?? admittedOrgSpec(governedSpec(ctx, record, process.env), request.name, request.kind);
  const current = committedStep(ctx, record);
  const nextRecord: GovernanceRecord = {
    admittedOrgs: already ? record.admittedOrgs : [...record.admittedOrgs, spec],
    chaincode: current,
  };
  let next = governedContext(ctx, nextRecord);
  const org = orgNamed(next.topology, spec.name);
  const proposer = orgNamed(ctx.topology, request.proposer ?? members[0]?.name ?? '');
  await step(`${org.name}: channel configuration update signed by a majority of member admins`, () => {
    const signers = admissionSigners(
      members.map((m) => m.mspId),
      proposer.mspId,
    ).map((msp) => orgNamed(ctx.topology, msp));
    proposeOrgAdmission(next, org, signers);
  });
  recordGovernance(ctx.paths, nextRecord);
  if (next.topology.options.hosts === 'isolated') {
    // Its own namespace and address; every org's hosts file (rewritten in place, so the processes
    // running there see it) learns its names.
    await step(`${org.name}: a network namespace of its own, its names in every hosts file`, () => {
      setUpIsolatedHosts(next.topology);
    });
  }
  await startAdmittedOrg(next, org);
  const committed = committedDefinition(next.install, next.topology, next.paths);
  if (committed === undefined) throw new Error('no chaincode definition is committed: run `npm start` first');
  if (!committed.collections.includes(sealedCollection(org.mspId))) {
    const redefined = redefinitionStep({ ...current, sequence: committed.sequence });
    next = governedContext(ctx, { ...nextRecord, chaincode: redefined });
    await step(`chaincode definition ${String(redefined.sequence)} naming ${org.mspId}`, () =>
      redefineChaincode(next),
    );
  } else {
    next = governedContext(ctx, { ...nextRecord, chaincode: { ...current, sequence: committed.sequence } });
  }
  recordGovernance(ctx.paths, { ...nextRecord, chaincode: stepOf(next.topology) });
  await step(`${org.mspId} joins the consortium on the ledger, its sealed collection key`, () =>
    bootstrapConsortium(next.topology, next.paths),
  );
  const admitted = orgNamed(next.topology, spec.name);
  await step(`${org.name}: REST gateway and demo people`, async () => {
    await startOrgGateway(next, admitted);
    await registerDemoPeople(next.paths, admitted);
  });
  const info = networkInfo(next, enrolledPeople(next));
  writeFileSync(next.paths.networkFile, JSON.stringify(info, null, 2));
  return info;
}

function stepOf(topology: Topology): DefinitionStep {
  const { version, sequence, serverSlot } = topology.chaincode;
  return { version, sequence, serverSlot };
}

/** The chaincode step the record names, or the topology's. */
function committedStep(ctx: NetworkContext, record: GovernanceRecord): DefinitionStep {
  return record.chaincode ?? stepOf(ctx.topology);
}

/** Starts an admitted org's CA, people, chaincode server and peer, and joins the peer to the channel. */
async function startAdmittedOrg(ctx: NetworkContext, org: PeerOrg): Promise<void> {
  const { install, topology, paths } = ctx;
  await step(`${org.name}: certificate authority and people`, async () => {
    await startProcess(caProcess(install, paths, org));
    enrollOrgPeople(ctx, org);
  });
  const pkg = packageChaincode(topology, paths, org);
  // Its chaincode server seals the content it keeps under its own key-encryption key from the start.
  await step(`${org.name}: keyring (${topology.cryptoProfile} profile)`, () => {
    ensureKeyring(topology, paths, org, Date.now());
  });
  await step(`${org.name}: chaincode server, peer, joined to ${topology.channel}`, async () => {
    await startProcess(chaincodeServerProcess(ctx, pkg));
    await Promise.all(org.peerNodes.map((p) => startProcess(peerProcess(ctx, p))));
    // The peer's first deliver request may reach an orderer before the update's block is cut.
    await waitFor(
      `${org.name}'s peers to join ${topology.channel}`,
      () =>
        joinPeers(install, topology, paths).then(
          () => true,
          () => false,
        ),
      60_000,
    );
    installPackage(install, paths, pkg);
  });
  await step('peers know each other (gossip membership)', () => waitForGossip(ctx, 120_000));
}

/**
 * A new definition of the packages the chaincode servers serve already (a new sequence of the same
 * version): every org's admin approves it with its own package, and it is committed.
 */
async function redefineChaincode(ctx: NetworkContext): Promise<void> {
  const { install, topology, paths } = ctx;
  for (const org of topology.peerOrgs) {
    const pkg = packageChaincode(topology, paths, org);
    installPackage(install, paths, pkg);
    log(`${org.mspId} admin: ${approveForOrg(install, topology, paths, pkg)}`);
  }
  commitDefinition(install, topology, paths);
  await waitForDefinition(ctx);
}

/** Waits until every peer has the context's chaincode definition committed. */
async function waitForDefinition(ctx: NetworkContext): Promise<void> {
  const { install, topology, paths } = ctx;
  for (const org of topology.peerOrgs) {
    for (const peer of org.peerNodes) {
      await waitFor(
        `${peer.name} to commit sequence ${String(topology.chaincode.sequence)}`,
        () =>
          Promise.resolve(
            (committedDefinition(install, topology, paths, peer)?.sequence ?? 0) >=
              topology.chaincode.sequence,
          ),
        60_000,
      );
    }
  }
}

/**
 * Moves the chaincode to a new version (the next patch version unless given): a new package per org
 * from the current build, pointing at the org's other chaincode server port; one org at a time, its
 * new server starts beside the old one, its peers install the package and its admin approves the new
 * definition (next sequence); once every org approved, the definition is committed and the peers
 * switch to the new servers, and the old servers stop one at a time. The API answers throughout:
 * until the commit the old servers serve, after it the new ones. Recorded in the state.
 */
export async function upgradeChaincode(
  ctx: NetworkContext,
  { version }: { version?: string } = {},
): Promise<{ from: DefinitionStep; to: DefinitionStep; info: NetworkInfo }> {
  if (ctx.topology.options.hosts === 'containers')
    throw new Error('a container deployment upgrades with docker compose, not the native CLI');
  const record = recordedGovernance(ctx.paths);
  const from = committedStep(ctx, record);
  const committed = committedDefinition(ctx.install, ctx.topology, ctx.paths);
  if (committed !== undefined && committed.sequence !== from.sequence)
    throw new Error(
      `the channel's chaincode definition is at sequence ${String(committed.sequence)}, the state says ${String(from.sequence)}: run \`npm start\` first`,
    );
  const to = upgradeStep(from, version);
  const next = governedContext(ctx, { ...record, chaincode: to });
  const { install, topology, paths } = next;
  const packages = topology.peerOrgs.map((org) => packageChaincode(topology, paths, org));
  for (const pkg of packages) {
    await step(`${pkg.org.name}: ${to.version} server beside the old one, installed, approved`, async () => {
      await startProcess(chaincodeServerProcess(next, pkg, { next: true }));
      installPackage(install, paths, pkg);
      log(`${pkg.org.mspId} admin: ${approveForOrg(install, topology, paths, pkg)}`);
    });
  }
  await step(`definition ${to.version} (sequence ${String(to.sequence)}) committed`, async () => {
    commitDefinition(install, topology, paths);
    await waitForDefinition(next);
  });
  recordGovernance(ctx.paths, { ...record, chaincode: to });
  // Transactions already endorsed by the old servers still commit; a short grace lets them finish.
  await sleep(2000);
  for (const org of topology.peerOrgs) {
    await step(`${org.name}: old chaincode server stopped, the new one takes its name`, async () => {
      await stopProcess(paths.pidFile(chaincodeServerName(org)));
      promoteNextServer(next, org);
    });
  }
  const info = networkInfo(next, enrolledPeople(next));
  writeFileSync(paths.networkFile, JSON.stringify(info, null, 2));
  return { from, to, info };
}

/** The next server's pid (and fingerprint) files become the org's chaincode server's. */
function promoteNextServer(ctx: NetworkContext, org: PeerOrg): void {
  const { paths } = ctx;
  const from = paths.pidFile(chaincodeServerName(org, { next: true }));
  const to = paths.pidFile(chaincodeServerName(org));
  for (const suffix of ['', '.fingerprint']) {
    if (existsSync(`${from}${suffix}`)) {
      writeFileSync(`${to}${suffix}`, readFileSync(`${from}${suffix}`));
      rmSync(`${from}${suffix}`, { force: true });
    }
  }
}
