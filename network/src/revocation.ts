/**
 * Fabric-level revocation of a person: the org's Fabric CA revokes every certificate of the enrollment
 * id and issues its certificate revocation list (`fabric-ca-client revoke --gencrl`), then a channel
 * configuration update puts that CRL in the org's MSP, signed by a majority of the orgs' admins (each
 * with their own identity, `peer channel signconfigtx`) and submitted by the last of them (`peer
 * channel update`). From the update's commit every peer's MSP refuses the revoked certificates: the
 * person's proposals are rejected before any chaincode runs.
 *
 * The update is computed here from the decoded config block, as `configtxlator compute_update` would:
 * the org's `MSP` value at its next version in the write set, every group on the path at its current
 * version in both sets, so only the value's own modification policy (the org's `Admins`) is checked by
 * the orderer, and the majority's signatures are extra evidence the consortium agreed.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { common, msp } from '@hyperledger/fabric-protos';
import type { FabricInstall } from './binaries';
import { majorityOf } from './config-update';
import { ordererFlags, peerAdminEnv, runTool } from './fabric-cli';
import { revokeEnrollment } from './identities';
import type { StatePaths } from './paths';
import type { PeerOrg, Topology } from './topology';

/** The admins who sign, in order (the last one submits): the revoking org's first, then the others. */
export function revocationSigners<T extends string>(members: readonly T[], org: T): T[] {
  if (!members.includes(org)) throw new Error(`${org} is not a member of the channel`);
  return [org, ...members.filter((m) => m !== org)].slice(0, majorityOf(members.length));
}

/** The channel config a config block carries. */
export function configOfBlock(block: Uint8Array): common.Config {
  const data = common.Block.deserializeBinary(block).getData()?.getDataList_asU8()[0];
  if (data === undefined) throw new Error('the config block holds no transaction');
  const payload = common.Payload.deserializeBinary(common.Envelope.deserializeBinary(data).getPayload_asU8());
  const config = common.ConfigEnvelope.deserializeBinary(payload.getData_asU8()).getConfig();
  if (config === undefined) throw new Error('the config block holds no config');
  return config;
}

/** The application org group whose MSP is `mspId`, with its name. */
function orgGroupOf(config: common.Config, mspId: string): { name: string; group: common.ConfigGroup } {
  const app = config.getChannelGroup()?.getGroupsMap().get('Application');
  if (app === undefined) throw new Error('the channel config has no Application group');
  for (const [name, group] of app.getGroupsMap().entries()) {
    if (fabricMspOf(group)?.getName() === mspId) return { name, group };
  }
  throw new Error(`${mspId} is not an application org of the channel`);
}

function fabricMspOf(group: common.ConfigGroup): msp.FabricMSPConfig | undefined {
  const value = group.getValuesMap().get('MSP');
  if (value === undefined) return undefined;
  return msp.FabricMSPConfig.deserializeBinary(
    msp.MSPConfig.deserializeBinary(value.getValue_asU8()).getConfig_asU8(),
  );
}

/** A group holding only its version and, under `name`, one child: the path of a read or write set. */
function pathGroup(version: number, name: string, child: common.ConfigGroup): common.ConfigGroup {
  const group = new common.ConfigGroup();
  group.setVersion(version);
  group.getGroupsMap().set(name, child);
  return group;
}

/**
 * The config update that makes `crl` (PEM) the revocation list of `mspId`'s MSP. The org's CA issues
 * one cumulative CRL (every certificate it revoked), so it replaces the list rather than joining it.
 * `undefined` when the MSP holds exactly that list already.
 */
export function crlConfigUpdate(
  config: common.Config,
  channel: string,
  mspId: string,
  crl: Uint8Array,
): common.ConfigUpdate | undefined {
  const root = config.getChannelGroup();
  const app = root?.getGroupsMap().get('Application');
  if (root === undefined || app === undefined) throw new Error('the channel config has no Application group');
  const { name, group } = orgGroupOf(config, mspId);
  const value = group.getValuesMap().get('MSP');
  const fabricMsp = fabricMspOf(group);
  if (value === undefined || fabricMsp === undefined) throw new Error(`${mspId} has no MSP value`);
  const current = fabricMsp.getRevocationListList_asU8();
  if (current.length === 1 && Buffer.from(current[0] ?? []).equals(Buffer.from(crl))) return undefined;
  fabricMsp.setRevocationListList([crl]);
  const mspConfig = msp.MSPConfig.deserializeBinary(value.getValue_asU8());
  mspConfig.setConfig(fabricMsp.serializeBinary());
  const written = new common.ConfigValue();
  written.setVersion(value.getVersion() + 1);
  written.setModPolicy(value.getModPolicy());
  written.setValue(mspConfig.serializeBinary());
  const readOrg = new common.ConfigGroup();
  readOrg.setVersion(group.getVersion());
  const writeOrg = new common.ConfigGroup();
  writeOrg.setVersion(group.getVersion());
  writeOrg.getValuesMap().set('MSP', written);
  const update = new common.ConfigUpdate();
  update.setChannelId(channel);
  update.setReadSet(pathGroup(root.getVersion(), 'Application', pathGroup(app.getVersion(), name, readOrg)));
  update.setWriteSet(
    pathGroup(root.getVersion(), 'Application', pathGroup(app.getVersion(), name, writeOrg)),
  );
  return update;
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

/** What a revocation did: the CRL's size, who signed the update, and whether one was needed. */
export interface RevocationResult {
  readonly crlBytes: number;
  readonly signers: readonly string[];
  readonly updated: boolean;
}

function firstPeer(org: PeerOrg) {
  const peer = org.peerNodes[0];
  if (peer === undefined) throw new Error(`${org.name} has no peer`);
  return peer;
}

/**
 * Revokes `enrollmentId` of `org` at the org's CA and puts the CA's new CRL in the org's MSP in the
 * channel config, signed by a majority of the orgs' admins. Waits for nothing: the update is committed
 * when `peer channel update` returns, and each peer applies it as it commits the config block.
 */
export function revokeIdentity(
  install: FabricInstall,
  topology: Topology,
  paths: StatePaths,
  org: PeerOrg,
  enrollmentId: string,
): RevocationResult {
  const crl = revokeEnrollment(install, paths, org, enrollmentId);
  const dir = mkdtempSync(join(tmpdir(), 'medledger-revoke-'));
  try {
    const peer = firstPeer(org);
    const blockFile = join(dir, 'config.block');
    runTool(
      install,
      'peer',
      [
        'channel',
        'fetch',
        'config',
        blockFile,
        '-c',
        topology.channel,
        ...ordererFlags(topology, paths, peer),
      ],
      peerAdminEnv(paths, peer),
    );
    const update = crlConfigUpdate(configOfBlock(readFileSync(blockFile)), topology.channel, org.mspId, crl);
    if (update === undefined) return { crlBytes: crl.length, signers: [], updated: false };
    const envelopeFile = join(dir, 'update.pb');
    writeFileSync(envelopeFile, configUpdateEnvelopeBytes(update));
    const members = topology.peerOrgs.map((o) => o.mspId);
    const signers = revocationSigners(members, org.mspId).map((m) => {
      const found = topology.peerOrgs.find((o) => o.mspId === m);
      if (found === undefined) throw new Error(`no org ${m}`);
      return found;
    });
    signers.forEach((signer, i) => {
      const signerPeer = firstPeer(signer);
      const env = peerAdminEnv(paths, signerPeer);
      if (i < signers.length - 1)
        runTool(install, 'peer', ['channel', 'signconfigtx', '-f', envelopeFile], env);
      else
        runTool(
          install,
          'peer',
          [
            'channel',
            'update',
            '-f',
            envelopeFile,
            '-c',
            topology.channel,
            ...ordererFlags(topology, paths, signerPeer),
          ],
          env,
        );
    });
    return { crlBytes: crl.length, signers: signers.map((s) => s.mspId), updated: true };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
