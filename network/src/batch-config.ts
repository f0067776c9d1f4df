/**
 * The orderers' batch settings (`BatchTimeout`, `BatchSize.MaxMessageCount`) of a running channel. They
 * are channel configuration: a change is a config update of the `Orderer` group's two values, whose
 * mod_policy (`/Channel/Orderer/Admins`) the ordering org's admin satisfies. The benchmark's `batch`
 * lever walks a curve of settings this way on one network instead of starting a network per value.
 */
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { common, orderer } from '@hyperledger/fabric-protos';
import type { FabricInstall } from './binaries';
import { configUpdateEnvelopeBytes, fetchChannelConfigProto, groupContentUpdate } from './channel-config';
import { ordererFlags, peerAdminEnv, runTool } from './fabric-cli';
import type { StatePaths } from './paths';
import type { PeerOrg, Topology } from './topology';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';

/** What the lever changes; the byte limits stay as the channel has them. */
export interface BatchSettings {
  /** A Go duration, e.g. `20ms`. */
  readonly batchTimeout: string;
  readonly maxMessageCount: number;
}

/** A positive Go duration in milliseconds or seconds. */
const BATCH_TIMEOUT = /^[1-9][0-9]*(ms|s)$/;

/**
 * The settings the `ordering` command asks for over `current`, or undefined when it names none. A
 * BatchTimeout change on a BFT channel is refused: its orderers cut batches by their own interval.
 */
export function orderingChange(
  current: BatchSettings,
  asked: { readonly 'batch-timeout'?: string | undefined; readonly 'max-message-count'?: string | undefined },
  ordererType: 'etcdraft' | 'BFT',
): BatchSettings | undefined {
  const timeout = asked['batch-timeout'];
  const count = asked['max-message-count'];
  if (timeout === undefined && count === undefined) return undefined;
  if (timeout !== undefined && ordererType === 'BFT')
    throw new Error('--batch-timeout is for Raft: BFT orderers batch by their RequestBatchMaxInterval');
  if (timeout !== undefined && !BATCH_TIMEOUT.test(timeout))
    throw new Error(`--batch-timeout takes a duration like 10ms or 2s, not ${JSON.stringify(timeout)}`);
  if (count !== undefined && !/^[1-9][0-9]{0,5}$/.test(count))
    throw new Error(`--max-message-count takes a positive whole number, not ${JSON.stringify(count)}`);
  return {
    batchTimeout: timeout ?? current.batchTimeout,
    maxMessageCount: count === undefined ? current.maxMessageCount : Number(count),
  };
}

function ordererGroupOf(config: common.Config): common.ConfigGroup {
  const group = config.getChannelGroup()?.getGroupsMap().get('Orderer');
  if (group === undefined) throw new Error('the channel config has no Orderer group');
  return group;
}

/** The channel's batch settings as its config holds them. */
export function batchSettingsOf(config: common.Config): BatchSettings {
  const group = ordererGroupOf(config);
  const timeout = group.getValuesMap().get('BatchTimeout');
  const size = group.getValuesMap().get('BatchSize');
  if (timeout === undefined || size === undefined) throw new Error('the Orderer group has no batch values');
  return {
    batchTimeout: orderer.BatchTimeout.deserializeBinary(timeout.getValue_asU8()).getTimeout(),
    maxMessageCount: orderer.BatchSize.deserializeBinary(size.getValue_asU8()).getMaxMessageCount(),
  };
}

/**
 * The config update that sets `settings`: the read set holds the `Orderer` group's version, the write
 * set that group at the same version with the changed values at their next version (each keeping its
 * mod_policy); undefined when the channel has them already.
 */
export function batchConfigUpdate(
  config: common.Config,
  channel: string,
  settings: BatchSettings,
): common.ConfigUpdate | undefined {
  if (!BATCH_TIMEOUT.test(settings.batchTimeout))
    throw new Error(`batch timeout ${settings.batchTimeout} is not like 20ms or 2s`);
  if (!Number.isInteger(settings.maxMessageCount) || settings.maxMessageCount < 1)
    throw new Error(`max message count ${String(settings.maxMessageCount)} is not a positive integer`);
  const group = ordererGroupOf(config);
  const current = batchSettingsOf(config);
  const write = new common.ConfigGroup();
  const changed = (name: string, value: Uint8Array): void => {
    const existing = group.getValuesMap().get(name);
    if (existing === undefined) throw new Error(`the Orderer group has no ${name}`);
    const v = new common.ConfigValue();
    v.setVersion(existing.getVersion() + 1);
    v.setModPolicy(existing.getModPolicy());
    v.setValue(value);
    write.getValuesMap().set(name, v);
  };
  if (current.batchTimeout !== settings.batchTimeout) {
    const t = new orderer.BatchTimeout();
    t.setTimeout(settings.batchTimeout);
    changed('BatchTimeout', t.serializeBinary());
  }
  if (current.maxMessageCount !== settings.maxMessageCount) {
    const existing = group.getValuesMap().get('BatchSize');
    const size = orderer.BatchSize.deserializeBinary(existing?.getValue_asU8() ?? new Uint8Array());
    size.setMaxMessageCount(settings.maxMessageCount);
    changed('BatchSize', size.serializeBinary());
  }
  if (write.getValuesMap().getLength() === 0) return undefined;
  return groupContentUpdate(config, channel, 'Orderer', write);
}

/** The running channel's batch settings, read through the first org's first peer. */
export function channelBatchSettings(
  install: FabricInstall,
  topology: Topology,
  paths: StatePaths,
): BatchSettings {
  return batchSettingsOf(fetchChannelConfigProto(install, topology, paths, firstPeerOf(topology).org));
}

function firstPeerOf(topology: Topology): { org: PeerOrg; peer: PeerOrg['peerNodes'][number] } {
  const org = topology.peerOrgs[0];
  const peer = org?.peerNodes[0];
  if (org === undefined || peer === undefined) throw new Error('the topology has no peer');
  return { org, peer };
}

/**
 * Sets the channel's batch settings: the ordering org's admin signs and submits the update (through
 * the first org's first peer's CLI config), then waits until the channel's config carries them.
 * `signedBy` names a member org whose admin signs instead, which the orderers must refuse (tests).
 */
export async function setBatchSettings(
  install: FabricInstall,
  topology: Topology,
  paths: StatePaths,
  settings: BatchSettings,
  signedBy?: PeerOrg,
): Promise<void> {
  const { org, peer } = firstPeerOf(topology);
  const update = batchConfigUpdate(
    fetchChannelConfigProto(install, topology, paths, org),
    topology.channel,
    settings,
  );
  // The ordering org's admin, or the member org's whose signature the orderers must refuse.
  const signer =
    signedBy === undefined
      ? { mspId: topology.ordererOrg.mspId, adminDir: paths.ordererAdminDir(topology) }
      : { mspId: signedBy.mspId, adminDir: paths.peerAdminDir(signedBy) };
  if (update === undefined) return;
  const dir = mkdtempSync(join(tmpdir(), 'medledger-batch-'));
  try {
    const file = join(dir, 'update.pb');
    writeFileSync(file, configUpdateEnvelopeBytes(update));
    runTool(
      install,
      'peer',
      ['channel', 'update', '-f', file, '-c', topology.channel, ...ordererFlags(topology, paths, peer)],
      {
        ...peerAdminEnv(paths, peer),
        CORE_PEER_LOCALMSPID: signer.mspId,
        CORE_PEER_MSPCONFIGPATH: join(signer.adminDir, 'msp'),
      },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  for (let i = 0; i < 50; i++) {
    const now = channelBatchSettings(install, topology, paths);
    if (now.batchTimeout === settings.batchTimeout && now.maxMessageCount === settings.maxMessageCount)
      return;
    await sleep(200);
  }
  throw new Error(`the channel did not take batch settings ${JSON.stringify(settings)}`);
}
