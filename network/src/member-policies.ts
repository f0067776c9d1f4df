/**
 * The channel's `/Channel/Application/Readers` and `/Channel/Application/Writers` policies: who may
 * read and who may write.
 * - Writers: every endorsing peer checks each proposal's creator against it (the `peer/Propose` ACL),
 *   and the orderers check each transaction against `/Channel/Writers`, which includes it.
 * - Readers: every peer checks each channel-scoped gossip message it receives (the StateInfo that
 *   carries another peer's ledger height, pushed and pulled every few seconds) against it, and each
 *   block stream once when it opens.
 *
 * configtxgen makes both implicit-meta `ANY` policies over the orgs' own policies of that name. Fabric
 * evaluates such a policy by trying the orgs' policies one after another in no fixed order, and each
 * try verifies the signature again, so one check costs about (n+1)/2 signature verifications for n orgs.
 * A signature policy naming every org's roles of that name (what each org's own policy names) verifies
 * it once. The benchmark's `writers-policy`, `readers-policy` and `signature-checks` levers measure the
 * two on one running network, switched by config updates a majority of the orgs' admins sign (the
 * policies' mod_policy is the Application group's `Admins`, MAJORITY).
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
import { MEMBER_POLICY_NAMES, memberPolicyPrincipals, type MemberPolicyName } from './config-update';
import type { StatePaths } from './paths';
import type { Topology } from './topology';

/** `implicit`: configtxgen's `ANY <name>`; `signature`: one signature policy over every org's roles of that name. */
export type MemberPolicyMode = 'implicit' | 'signature';

const ROLE_TYPES = {
  admin: msp.MSPRole.MSPRoleType.ADMIN,
  peer: msp.MSPRole.MSPRoleType.PEER,
  client: msp.MSPRole.MSPRoleType.CLIENT,
} as const;

/** The MSP IDs of the channel's application orgs, as its config names them. */
export function applicationMspIds(config: common.Config): string[] {
  const { app } = applicationOf(config);
  return [...app.getGroupsMap().entries()].map(([name, group]) => {
    const id = fabricMspOf(group)?.getName();
    if (id === undefined) throw new Error(`application org ${name} has no MSP value`);
    return id;
  });
}

/** The policy `name` in `mode`, over the orgs `mspIds`. */
export function memberPolicy(
  name: MemberPolicyName,
  mode: MemberPolicyMode,
  mspIds: readonly string[],
): common.Policy {
  const policy = new common.Policy();
  if (mode === 'implicit') {
    const meta = new common.ImplicitMetaPolicy();
    meta.setSubPolicy(name);
    meta.setRule(common.ImplicitMetaPolicy.Rule.ANY);
    policy.setType(common.Policy.PolicyType.IMPLICIT_META);
    policy.setValue(meta.serializeBinary());
    return policy;
  }
  const principals = memberPolicyPrincipals(name, mspIds).map(({ mspId, role: r }) => {
    const role = new msp.MSPRole();
    role.setMspIdentifier(mspId);
    role.setRole(ROLE_TYPES[r]);
    const principal = new msp.MSPPrincipal();
    principal.setPrincipalClassification(msp.MSPPrincipal.Classification.ROLE);
    principal.setPrincipal(role.serializeBinary());
    return principal;
  });
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

/** Which of the two the channel's Application policy `name` is (a signature policy of other content counts as `signature`). */
export function memberPolicyOf(config: common.Config, name: MemberPolicyName): MemberPolicyMode {
  const { app } = applicationOf(config);
  const type = app.getPoliciesMap().get(name)?.getPolicy()?.getType();
  if (type === common.Policy.PolicyType.IMPLICIT_META) return 'implicit';
  if (type === common.Policy.PolicyType.SIGNATURE) return 'signature';
  throw new Error(`the Application group has no ${name} policy of a known type`);
}

/** The modes asked for, by policy; a policy not named is left as it is. */
export type MemberPolicyModes = Partial<Record<MemberPolicyName, MemberPolicyMode>>;

/**
 * The config update that gives the Application group's member policies the `modes` asked for, over
 * every application org: the Application group at its version in both sets, each changed policy at its
 * next version (keeping its mod_policy) in the write set; undefined when the channel has them already.
 */
export function memberPoliciesUpdate(
  config: common.Config,
  channel: string,
  modes: MemberPolicyModes,
): common.ConfigUpdate | undefined {
  const { app } = applicationOf(config);
  const mspIds = applicationMspIds(config);
  const write = new common.ConfigGroup();
  for (const name of MEMBER_POLICY_NAMES) {
    const mode = modes[name];
    if (mode === undefined) continue;
    const existing = app.getPoliciesMap().get(name);
    if (existing === undefined) throw new Error(`the Application group has no ${name} policy`);
    const wanted = memberPolicy(name, mode, mspIds);
    const current = existing.getPolicy();
    if (current && Buffer.from(current.serializeBinary()).equals(Buffer.from(wanted.serializeBinary())))
      continue;
    const next = new common.ConfigPolicy();
    next.setVersion(existing.getVersion() + 1);
    next.setModPolicy(existing.getModPolicy());
    next.setPolicy(wanted);
    write.getPoliciesMap().set(name, next);
  }
  if (write.getPoliciesMap().getLength() === 0) return undefined;
  return groupContentUpdate(config, channel, 'Application', write);
}

/** The forms of the channel's Application member policies as the ordering service's config has them. */
export function channelMemberPolicies(
  install: FabricInstall,
  topology: Topology,
  paths: StatePaths,
): Record<MemberPolicyName, MemberPolicyMode> {
  const [first] = topology.peerOrgs;
  if (first === undefined) throw new Error('the topology has no peer org');
  const config = fetchChannelConfigProto(install, topology, paths, first);
  return { Readers: memberPolicyOf(config, 'Readers'), Writers: memberPolicyOf(config, 'Writers') };
}

/**
 * Sets the channel's Application member policies: a majority of the topology's orgs' admins sign the
 * update and the last submits it; then waits (30 s at most) until the ordering service's config
 * carries it.
 */
export async function setMemberPolicies(
  install: FabricInstall,
  topology: Topology,
  paths: StatePaths,
  modes: MemberPolicyModes,
): Promise<void> {
  const [first] = topology.peerOrgs;
  if (first === undefined) throw new Error('the topology has no peer org');
  const config = fetchChannelConfigProto(install, topology, paths, first);
  const update = memberPoliciesUpdate(config, topology.channel, modes);
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
  const carried = (c: common.Config): boolean =>
    MEMBER_POLICY_NAMES.every((name) => modes[name] === undefined || memberPolicyOf(c, name) === modes[name]);
  const deadline = performance.now() + 30_000;
  while (!carried(fetchChannelConfigProto(install, topology, paths, first))) {
    if (performance.now() > deadline)
      throw new Error(`the channel's member policies are not ${JSON.stringify(modes)} after 30 s`);
    await sleep(500);
  }
}
