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
 * version in both sets. The orderers check it against the MSP value's mod_policy, which the network
 * sets to the channel's `MAJORITY Admins` (`channel-config.ts`): the org's admin alone can neither put
 * a CRL in nor take it out.
 */
import { common, msp } from '@hyperledger/fabric-protos';
import type { FabricInstall } from './binaries';
import {
  configUpdateEnvelopeBytes,
  fabricMspOf,
  fetchChannelConfigProto,
  orgGroupUpdate,
  orgsByMsp,
  submitConfigEnvelope,
} from './channel-config';
import { admissionSigners } from './config-update';
import { revokeEnrollment } from './identities';
import type { StatePaths } from './paths';
import type { PeerOrg, Topology } from './topology';

/** The admins who sign, in order (the last one submits): the revoking org's first, then the others. */
export function revocationSigners<T extends string>(members: readonly T[], org: T): T[] {
  return admissionSigners(members, org);
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

/**
 * The config update that makes `crls` (PEM) the revocation lists of `mspId`'s MSP (none: the MSP
 * revokes nothing). `undefined` when the MSP holds exactly these lists already.
 */
export function revocationListUpdate(
  config: common.Config,
  channel: string,
  mspId: string,
  crls: readonly Uint8Array[],
): common.ConfigUpdate | undefined {
  const { name, group } = orgGroupOf(config, mspId);
  const value = group.getValuesMap().get('MSP');
  const fabricMsp = fabricMspOf(group);
  if (value === undefined || fabricMsp === undefined) throw new Error(`${mspId} has no MSP value`);
  const current = fabricMsp.getRevocationListList_asU8();
  if (
    current.length === crls.length &&
    current.every((c, i) => Buffer.from(c).equals(Buffer.from(crls[i] ?? [])))
  )
    return undefined;
  fabricMsp.setRevocationListList([...crls]);
  const mspConfig = msp.MSPConfig.deserializeBinary(value.getValue_asU8());
  mspConfig.setConfig(fabricMsp.serializeBinary());
  const written = new common.ConfigValue();
  written.setVersion(value.getVersion() + 1);
  written.setModPolicy(value.getModPolicy());
  written.setValue(mspConfig.serializeBinary());
  const read = new common.ConfigGroup();
  read.setVersion(group.getVersion());
  const write = new common.ConfigGroup();
  write.setVersion(group.getVersion());
  write.getValuesMap().set('MSP', written);
  return orgGroupUpdate(config, channel, [{ name, read, write }]);
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
  return revocationListUpdate(config, channel, mspId, [crl]);
}

/** What a revocation did: the CRL's size, who signed the update, and whether one was needed. */
export interface RevocationResult {
  readonly crlBytes: number;
  readonly signers: readonly string[];
  readonly updated: boolean;
  /** The update as signed by all but its submitter (the copy a signer keeps); empty when none was needed. */
  readonly envelope: Uint8Array;
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
  const config = fetchChannelConfigProto(install, topology, paths, org);
  const update = crlConfigUpdate(config, topology.channel, org.mspId, crl);
  if (update === undefined)
    return { crlBytes: crl.length, signers: [], updated: false, envelope: new Uint8Array() };
  const members = topology.peerOrgs.map((o) => o.mspId);
  const signers = orgsByMsp(topology, revocationSigners(members, org.mspId));
  const envelope = submitConfigEnvelope(install, topology, paths, configUpdateEnvelopeBytes(update), signers);
  return { crlBytes: crl.length, signers: signers.map((s) => s.mspId), updated: true, envelope };
}
