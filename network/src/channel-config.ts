/**
 * The channel configuration as protobufs: reading the config a config block carries, building
 * `CONFIG_UPDATE` envelopes, having org admins sign and submit them, and the update that puts every
 * org's identity (its MSP) and policies under the consortium's majority.
 *
 * Why the last one: `configtxgen` gives each org's group, MSP value and policies the mod_policy
 * `Admins`, relative to the org's group, so the orderers accept a change to them signed by that org's
 * admin alone. The org's MSP is where the consortium's decisions about the org live (its root and
 * intermediate CAs, its CRL, which certificates are admins): one org's admin could strip the CRL
 * that revoked one of its people, or swap its root CA for one that issues anyone, and through the
 * group's own mod_policy remove a policy and add it back under its own control. With their
 * mod_policy `/Channel/Application/Admins` (MAJORITY of the member orgs' admins) none of that passes
 * without a majority. The org keeps its anchor peers (where its own peers gossip), which decide
 * nothing for the others.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { common, msp } from '@hyperledger/fabric-protos';
import type { FabricInstall } from './binaries';
import { CONSORTIUM_ADMINS, governedByConsortium } from './config-update';
import { ordererFlags, peerAdminEnv, runTool } from './fabric-cli';
import type { StatePaths } from './paths';
import type { PeerNode, PeerOrg, Topology } from './topology';

/** The channel config a config block carries. */
export function configOfBlock(block: Uint8Array): common.Config {
  const data = common.Block.deserializeBinary(block).getData()?.getDataList_asU8()[0];
  if (data === undefined) throw new Error('the config block holds no transaction');
  const payload = common.Payload.deserializeBinary(common.Envelope.deserializeBinary(data).getPayload_asU8());
  const config = common.ConfigEnvelope.deserializeBinary(payload.getData_asU8()).getConfig();
  if (config === undefined) throw new Error('the config block holds no config');
  return config;
}

/** A group holding only its version and, under `name`, one child: the path of a read or write set. */
export function pathGroup(version: number, name: string, child: common.ConfigGroup): common.ConfigGroup {
  const group = new common.ConfigGroup();
  group.setVersion(version);
  group.getGroupsMap().set(name, child);
  return group;
}

/**
 * An update of the content (values, policies) of the channel's top-level group `name`, the group
 * itself staying at its version: the read set holds that version only, the write set `write` (at
 * the same version, with each changed element at its next version).
 */
export function groupContentUpdate(
  config: common.Config,
  channel: string,
  name: string,
  write: common.ConfigGroup,
): common.ConfigUpdate {
  const root = config.getChannelGroup();
  const group = root?.getGroupsMap().get(name);
  if (root === undefined || group === undefined) throw new Error(`the channel config has no ${name} group`);
  const read = new common.ConfigGroup();
  read.setVersion(group.getVersion());
  write.setVersion(group.getVersion());
  const update = new common.ConfigUpdate();
  update.setChannelId(channel);
  update.setReadSet(pathGroup(root.getVersion(), name, read));
  update.setWriteSet(pathGroup(root.getVersion(), name, write));
  return update;
}

/** The config's Application group and the channel group above it. */
export function applicationOf(config: common.Config): {
  root: common.ConfigGroup;
  app: common.ConfigGroup;
} {
  const root = config.getChannelGroup();
  const app = root?.getGroupsMap().get('Application');
  if (root === undefined || app === undefined) throw new Error('the channel config has no Application group');
  return { root, app };
}

/** An update whose read and write sets each hold one Application org group under the path's versions. */
export function orgGroupUpdate(
  config: common.Config,
  channel: string,
  groups: readonly { name: string; read: common.ConfigGroup; write: common.ConfigGroup }[],
): common.ConfigUpdate {
  const { root, app } = applicationOf(config);
  const set = (pick: 'read' | 'write') => {
    const appSet = new common.ConfigGroup();
    appSet.setVersion(app.getVersion());
    for (const g of groups) appSet.getGroupsMap().set(g.name, g[pick]);
    return pathGroup(root.getVersion(), 'Application', appSet);
  };
  const update = new common.ConfigUpdate();
  update.setChannelId(channel);
  update.setReadSet(set('read'));
  update.setWriteSet(set('write'));
  return update;
}

/** `group` at its current version with every child at its current version and no content: a read set. */
function versionsOf(group: common.ConfigGroup): common.ConfigGroup {
  const read = new common.ConfigGroup();
  read.setVersion(group.getVersion());
  for (const [name, value] of group.getValuesMap().entries()) {
    const v = new common.ConfigValue();
    v.setVersion(value.getVersion());
    read.getValuesMap().set(name, v);
  }
  for (const [name, policy] of group.getPoliciesMap().entries()) {
    const p = new common.ConfigPolicy();
    p.setVersion(policy.getVersion());
    read.getPoliciesMap().set(name, p);
  }
  return read;
}

/**
 * `group` with every element the consortium governs under {@link CONSORTIUM_ADMINS}, each changed one
 * at its next version; undefined when nothing needs to change. Fabric checks each changed element
 * against its current mod_policy, so the org's own admin must sign for its group.
 */
function governedGroup(group: common.ConfigGroup): common.ConfigGroup | undefined {
  const write = versionsOf(group);
  let changed = false;
  for (const [name, value] of group.getValuesMap().entries()) {
    const v = common.ConfigValue.deserializeBinary(value.serializeBinary());
    if (governedByConsortium('value', name) && v.getModPolicy() !== CONSORTIUM_ADMINS) {
      v.setModPolicy(CONSORTIUM_ADMINS);
      v.setVersion(value.getVersion() + 1);
      changed = true;
    }
    write.getValuesMap().set(name, v);
  }
  for (const [name, policy] of group.getPoliciesMap().entries()) {
    const p = common.ConfigPolicy.deserializeBinary(policy.serializeBinary());
    if (governedByConsortium('policy', name) && p.getModPolicy() !== CONSORTIUM_ADMINS) {
      p.setModPolicy(CONSORTIUM_ADMINS);
      p.setVersion(policy.getVersion() + 1);
      changed = true;
    }
    write.getPoliciesMap().set(name, p);
  }
  // The group's own version moves only with its mod_policy: its members stay the same.
  write.setModPolicy(group.getModPolicy());
  if (group.getModPolicy() !== CONSORTIUM_ADMINS) {
    write.setModPolicy(CONSORTIUM_ADMINS);
    write.setVersion(group.getVersion() + 1);
    changed = true;
  }
  return changed ? write : undefined;
}

/** The org's MSP definition, from its group's `MSP` value. */
export function fabricMspOf(group: common.ConfigGroup): msp.FabricMSPConfig | undefined {
  const value = group.getValuesMap().get('MSP');
  if (value === undefined) return undefined;
  return msp.FabricMSPConfig.deserializeBinary(
    msp.MSPConfig.deserializeBinary(value.getValue_asU8()).getConfig_asU8(),
  );
}

/**
 * The update that puts every member org's MSP, policies and group under {@link CONSORTIUM_ADMINS},
 * and the MSP IDs of the orgs whose admins must sign it (those whose groups it changes); undefined
 * when every org is governed so already.
 */
export function consortiumGovernanceUpdate(
  config: common.Config,
  channel: string,
): { update: common.ConfigUpdate; signers: string[] } | undefined {
  const { app } = applicationOf(config);
  const groups: { name: string; read: common.ConfigGroup; write: common.ConfigGroup }[] = [];
  const signers: string[] = [];
  for (const [name, group] of app.getGroupsMap().entries()) {
    const write = governedGroup(group);
    if (write === undefined) continue;
    const mspId = fabricMspOf(group)?.getName();
    if (mspId === undefined) throw new Error(`application org ${name} has no MSP value`);
    groups.push({ name, read: versionsOf(group), write });
    signers.push(mspId);
  }
  if (groups.length === 0) return undefined;
  return { update: orgGroupUpdate(config, channel, groups), signers };
}

/** The envelope `peer channel signconfigtx` and `peer channel update` take: a CONFIG_UPDATE, unsigned. */
export function configUpdateEnvelopeBytes(update: common.ConfigUpdate): Uint8Array {
  const updateEnvelope = new common.ConfigUpdateEnvelope();
  updateEnvelope.setConfigUpdate(update.serializeBinary());
  const channelHeader = new common.ChannelHeader();
  channelHeader.setType(common.HeaderType.CONFIG_UPDATE);
  channelHeader.setChannelId(update.getChannelId());
  const header = new common.Header();
  header.setChannelHeader(channelHeader.serializeBinary());
  const payload = new common.Payload();
  payload.setHeader(header);
  payload.setData(updateEnvelope.serializeBinary());
  const envelope = new common.Envelope();
  envelope.setPayload(payload.serializeBinary());
  return envelope.serializeBinary();
}

function firstPeer(org: PeerOrg): PeerNode {
  const peer = org.peerNodes[0];
  if (peer === undefined) throw new Error(`${org.name} runs no peer`);
  return peer;
}

/** Writes the channel's current config block to `file`, fetched from the ordering service as `asOrg`'s admin. */
export function fetchConfigBlock(
  install: FabricInstall,
  topology: Topology,
  paths: StatePaths,
  asOrg: PeerOrg,
  file: string,
): void {
  const peer = firstPeer(asOrg);
  runTool(
    install,
    'peer',
    ['channel', 'fetch', 'config', file, '-c', topology.channel, ...ordererFlags(topology, paths, peer)],
    peerAdminEnv(paths, peer),
  );
}

/** The channel's current config, fetched from the ordering service as `asOrg`'s admin. */
export function fetchChannelConfigProto(
  install: FabricInstall,
  topology: Topology,
  paths: StatePaths,
  asOrg: PeerOrg,
): common.Config {
  const dir = mkdtempSync(join(tmpdir(), 'medledger-config-'));
  try {
    const block = join(dir, 'config.block');
    fetchConfigBlock(install, topology, paths, asOrg, block);
    return configOfBlock(readFileSync(block));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Each of `signers` adds its admin's signature to the update envelope in `file` (`peer channel signconfigtx`). */
export function signConfigFile(
  install: FabricInstall,
  paths: StatePaths,
  file: string,
  signers: readonly PeerOrg[],
  log: (message: string) => void = () => undefined,
): void {
  for (const org of signers) {
    runTool(install, 'peer', ['channel', 'signconfigtx', '-f', file], peerAdminEnv(paths, firstPeer(org)));
    log(`${org.mspId} admin signed the update`);
  }
}

/**
 * Each of `signers` signs the update envelope in `file` with its own admin identity, and the last one
 * submits it to the ordering service (`peer channel update`, adding that admin's signature). The
 * orderers check the signatures against the mod_policy of every element the update changes; throws
 * with the orderers' answer when they are not enough.
 */
export function signAndSubmitFile(
  install: FabricInstall,
  topology: Topology,
  paths: StatePaths,
  file: string,
  signers: readonly PeerOrg[],
  log: (message: string) => void = () => undefined,
): void {
  const submitter = signers.at(-1);
  if (submitter === undefined) throw new Error('a configuration update needs at least one signer');
  signConfigFile(install, paths, file, signers.slice(0, -1), log);
  const peer = firstPeer(submitter);
  runTool(
    install,
    'peer',
    ['channel', 'update', '-f', file, '-c', topology.channel, ...ordererFlags(topology, paths, peer)],
    peerAdminEnv(paths, peer),
  );
  log(`${submitter.mspId} admin signed and submitted the update`);
}

/**
 * Signs and submits a config update envelope (`envelope`: unsigned, or carrying signatures already)
 * as {@link signAndSubmitFile} does; returns the envelope as the submitter sent it less the
 * submitter's own signature (what that admin holds afterwards, and could send again).
 */
export function submitConfigEnvelope(
  install: FabricInstall,
  topology: Topology,
  paths: StatePaths,
  envelope: Uint8Array,
  signers: readonly PeerOrg[],
): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'medledger-update-'));
  try {
    const file = join(dir, 'update.pb');
    writeFileSync(file, envelope);
    signConfigFile(install, paths, file, signers.slice(0, -1));
    const signed = readFileSync(file);
    signAndSubmitFile(install, topology, paths, file, signers.slice(-1));
    return signed;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The peer orgs of `topology` with these MSP IDs, in that order. */
export function orgsByMsp(topology: Topology, mspIds: readonly string[]): PeerOrg[] {
  return mspIds.map((m) => {
    const found = topology.peerOrgs.find((o) => o.mspId === m);
    if (found === undefined) throw new Error(`no org ${m} in the topology`);
    return found;
  });
}

/**
 * Puts every member org's MSP, policies and group under the consortium's majority
 * ({@link consortiumGovernanceUpdate}), each org's admin signing for its own group; nothing when the
 * channel is governed so already (a restart, or orgs admitted that way). Returns the orgs that signed.
 * Retries while the ordering service has no leader yet (`SERVICE_UNAVAILABLE` right after the
 * channel's first start).
 */
export async function governOrgsByConsortium(
  install: FabricInstall,
  topology: Topology,
  paths: StatePaths,
  timeoutMs = 60_000,
): Promise<string[]> {
  const [first] = topology.peerOrgs;
  if (first === undefined) throw new Error('the topology has no peer org');
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const pending = consortiumGovernanceUpdate(
      fetchChannelConfigProto(install, topology, paths, first),
      topology.channel,
    );
    if (pending === undefined) return [];
    try {
      submitConfigEnvelope(
        install,
        topology,
        paths,
        configUpdateEnvelopeBytes(pending.update),
        orgsByMsp(topology, pending.signers),
      );
      return pending.signers;
    } catch (err) {
      if (!/SERVICE_UNAVAILABLE/.test(String(err)) || performance.now() > deadline) throw err;
      await sleep(1000);
    }
  }
}
