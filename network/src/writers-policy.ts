/**
 * The channel's `/Channel/Application/Writers` policy: who may write, as every endorsing peer checks
 * each proposal (the `peer/Propose` ACL names it) and the orderers each transaction (through
 * `/Channel/Writers`). configtxgen makes it `ANY Writers` over the orgs' own Writers policies. Fabric
 * evaluates such an implicit-meta policy by trying the orgs' policies one after another in no fixed
 * order, and each try verifies the creator's signature again, so a proposal costs about (n+1)/2
 * signature checks for n orgs before its org's policy says yes. A signature policy naming every org's
 * writer roles (admin and client, what each org's own Writers policy names) verifies it once. The
 * benchmark's `writers-policy` lever measures the two on one running network, switched by config
 * updates a majority of the orgs' admins sign (the policy's mod_policy is the Application group's
 * `Admins`, MAJORITY).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { common, msp } from '@hyperledger/fabric-protos';
import type { FabricInstall } from './binaries';
import {
  applicationOf,
  configUpdateEnvelopeBytes,
  fabricMspOf,
  fetchChannelConfigProto,
  groupContentUpdate,
  orgsByMsp,
  submitConfigEnvelope,
} from './channel-config';
import type { StatePaths } from './paths';
import type { Topology } from './topology';

/** `implicit`: configtxgen's `ANY Writers`; `signature`: one signature policy over every org's writers. */
export type WritersPolicy = 'implicit' | 'signature';

const WRITERS = 'Writers';

/** The MSP IDs of the channel's application orgs, as its config names them. */
export function applicationMspIds(config: common.Config): string[] {
  const { app } = applicationOf(config);
  return [...app.getGroupsMap().entries()]
    .map(([name, group]) => {
      const id = fabricMspOf(group)?.getName();
      if (id === undefined) throw new Error(`application org ${name} has no MSP value`);
      return id;
    })
    .sort();
}

/** The policy a `mode` stands for, over the orgs `mspIds`. */
export function writersPolicy(mode: WritersPolicy, mspIds: readonly string[]): common.Policy {
  const policy = new common.Policy();
  if (mode === 'implicit') {
    const meta = new common.ImplicitMetaPolicy();
    meta.setSubPolicy(WRITERS);
    meta.setRule(common.ImplicitMetaPolicy.Rule.ANY);
    policy.setType(common.Policy.PolicyType.IMPLICIT_META);
    policy.setValue(meta.serializeBinary());
    return policy;
  }
  const roles = [msp.MSPRole.MSPRoleType.ADMIN, msp.MSPRole.MSPRoleType.CLIENT];
  const principals = mspIds.flatMap((mspId) =>
    roles.map((r) => {
      const role = new msp.MSPRole();
      role.setMspIdentifier(mspId);
      role.setRole(r);
      const principal = new msp.MSPPrincipal();
      principal.setPrincipalClassification(msp.MSPPrincipal.Classification.ROLE);
      principal.setPrincipal(role.serializeBinary());
      return principal;
    }),
  );
  const anyOf = new common.SignaturePolicy.NOutOf();
  anyOf.setN(1);
  anyOf.setRulesList(
    principals.map((_, i) => {
      const rule = new common.SignaturePolicy();
      rule.setSignedBy(i);
      return rule;
    }),
  );
  const rule = new common.SignaturePolicy();
  rule.setNOutOf(anyOf);
  const envelope = new common.SignaturePolicyEnvelope();
  envelope.setVersion(0);
  envelope.setIdentitiesList(principals);
  envelope.setRule(rule);
  policy.setType(common.Policy.PolicyType.SIGNATURE);
  policy.setValue(envelope.serializeBinary());
  return policy;
}

/** Which of the two the channel's Application Writers policy is (a signature policy of other content counts as `signature`). */
export function writersPolicyOf(config: common.Config): WritersPolicy {
  const { app } = applicationOf(config);
  const type = app.getPoliciesMap().get(WRITERS)?.getPolicy()?.getType();
  if (type === common.Policy.PolicyType.IMPLICIT_META) return 'implicit';
  if (type === common.Policy.PolicyType.SIGNATURE) return 'signature';
  throw new Error('the Application group has no Writers policy of a known type');
}

/**
 * The config update that makes the Application Writers policy `mode` over every application org:
 * the Application group at its version in both sets, the policy at its next version (keeping its
 * mod_policy) in the write set; undefined when the channel has that policy already.
 */
export function writersPolicyUpdate(
  config: common.Config,
  channel: string,
  mode: WritersPolicy,
): common.ConfigUpdate | undefined {
  const { app } = applicationOf(config);
  const existing = app.getPoliciesMap().get(WRITERS);
  if (existing === undefined) throw new Error('the Application group has no Writers policy');
  const wanted = writersPolicy(mode, applicationMspIds(config));
  const current = existing.getPolicy();
  if (current && Buffer.from(current.serializeBinary()).equals(Buffer.from(wanted.serializeBinary())))
    return undefined;
  const next = new common.ConfigPolicy();
  next.setVersion(existing.getVersion() + 1);
  next.setModPolicy(existing.getModPolicy());
  next.setPolicy(wanted);
  const write = new common.ConfigGroup();
  write.getPoliciesMap().set(WRITERS, next);
  return groupContentUpdate(config, channel, 'Application', write);
}

/**
 * Sets the channel's Application Writers policy: a majority of the topology's orgs' admins sign the
 * update and the last submits it; then waits (30 s at most) until the ordering service's config
 * carries it.
 */
export async function setWritersPolicy(
  install: FabricInstall,
  topology: Topology,
  paths: StatePaths,
  mode: WritersPolicy,
): Promise<void> {
  const [first] = topology.peerOrgs;
  if (first === undefined) throw new Error('the topology has no peer org');
  const config = fetchChannelConfigProto(install, topology, paths, first);
  const update = writersPolicyUpdate(config, topology.channel, mode);
  if (update === undefined) return;
  const members = applicationMspIds(config).filter((m) => topology.peerOrgs.some((o) => o.mspId === m));
  const majority = members.slice(0, Math.floor(members.length / 2) + 1);
  submitConfigEnvelope(
    install,
    topology,
    paths,
    configUpdateEnvelopeBytes(update),
    orgsByMsp(topology, majority),
  );
  const deadline = performance.now() + 30_000;
  while (writersPolicyOf(fetchChannelConfigProto(install, topology, paths, first)) !== mode) {
    if (performance.now() > deadline)
      throw new Error(`the channel's Writers policy is not ${mode} after 30 s`);
    await sleep(500);
  }
}
