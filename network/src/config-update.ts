/**
 * The pure parts of the consortium's governance: the channel configuration update that admits an org
 * (built on the JSON `configtxlator` decodes a config block into), who must sign it, and the next
 * chaincode definition of an upgrade. The steps that run Fabric's tools are in `governance.ts`.
 */

/** A config group as `configtxlator proto_decode --type common.Config` writes it. */
export interface ConfigGroupJson {
  readonly groups?: Readonly<Record<string, ConfigGroupJson>>;
  readonly values?: Readonly<Record<string, unknown>>;
  readonly policies?: Readonly<Record<string, unknown>>;
  readonly mod_policy?: string;
  readonly version?: string;
}

/** A channel config (`common.Config`) as JSON. */
export interface ChannelConfigJson {
  readonly channel_group: ConfigGroupJson;
  readonly sequence?: string;
}

function applicationGroup(config: ChannelConfigJson): ConfigGroupJson {
  const app = config.channel_group.groups?.['Application'];
  if (app === undefined) throw new Error('the channel config has no Application group');
  return app;
}

/** The MSP ID an org group of the config declares (its `MSP` value's `config.name`). */
export function groupMspId(group: ConfigGroupJson): string | undefined {
  const msp = group.values?.['MSP'] as { value?: { config?: { name?: unknown } } } | undefined;
  const name = msp?.value?.config?.name;
  return typeof name === 'string' ? name : undefined;
}

/** The application orgs of a channel config: group name and MSP ID, in the config's order. */
export function applicationOrgs(config: ChannelConfigJson): { name: string; mspId: string }[] {
  return Object.entries(applicationGroup(config).groups ?? {}).map(([name, group]) => {
    const mspId = groupMspId(group);
    if (mspId === undefined) throw new Error(`application org ${name} has no MSP value`);
    return { name, mspId };
  });
}

/**
 * The channel policy that governs every member org's identity (its MSP: CAs, CRLs, admins) and
 * policies: a majority of the member orgs' admins. Why: `channel-config.ts`.
 */
export const CONSORTIUM_ADMINS = '/Channel/Application/Admins';

/**
 * Whether an element of an application org's group is the consortium's to change: everything but the
 * org's anchor peers. `group` is the org's group itself, whose mod_policy decides which values and
 * policies it holds (an org that could remove a policy could add it back under its own control).
 */
export function governedByConsortium(element: 'group' | 'policy' | 'value', name: string): boolean {
  return element !== 'value' || name !== 'AnchorPeers';
}

/**
 * An org group as `configtxgen -printOrg` prints it (every mod_policy the org's own `Admins`), with
 * what the consortium governs under {@link CONSORTIUM_ADMINS}: how an admitted org enters the channel.
 */
export function consortiumGovernedOrg(group: ConfigGroupJson): ConfigGroupJson {
  const under = <T>(entries: Readonly<Record<string, T>> | undefined, kind: 'policy' | 'value') =>
    Object.fromEntries(
      Object.entries(entries ?? {}).map(([name, element]) => [
        name,
        governedByConsortium(kind, name)
          ? { ...(element as object), mod_policy: CONSORTIUM_ADMINS }
          : element,
      ]),
    );
  return {
    ...group,
    mod_policy: CONSORTIUM_ADMINS,
    values: under(group.values, 'value'),
    policies: under(group.policies, 'policy'),
  };
}

/** The two member policies of the Application group: who may read the channel, who may write to it. */
export type MemberPolicyName = 'Readers' | 'Writers';

export const MEMBER_POLICY_NAMES: readonly MemberPolicyName[] = ['Readers', 'Writers'];

/**
 * The roles each org's own policy of that name admits, and the channel's signature form of it names
 * for every org (configtx.yaml renders both from here).
 */
export const MEMBER_POLICY_ROLES: Readonly<
  Record<MemberPolicyName, readonly ('admin' | 'peer' | 'client')[]>
> = {
  Readers: ['admin', 'peer', 'client'],
  Writers: ['admin', 'client'],
};

// configtxlator's policy types (`common.Policy.PolicyType`).
const SIGNATURE_POLICY = 1;

/**
 * Who the signature form of member policy `name` names over the orgs `mspIds`: every org's roles of
 * that name, the orgs sorted by MSP ID and each org's roles in {@link MEMBER_POLICY_ROLES}'s order. The
 * one order configtx.yaml, an admission's JSON and a config update's protobuf all write, so the channel's
 * policy compares equal whichever wrote it.
 */
export function memberPolicyPrincipals(
  name: MemberPolicyName,
  mspIds: readonly string[],
): { mspId: string; role: 'admin' | 'peer' | 'client' }[] {
  return [...mspIds].sort().flatMap((mspId) => MEMBER_POLICY_ROLES[name].map((role) => ({ mspId, role })));
}

/** configtxlator's JSON of the signature form of member policy `name` over the orgs `mspIds`: any one of {@link memberPolicyPrincipals}. */
export function memberPolicyJson(name: MemberPolicyName, mspIds: readonly string[]): unknown {
  const identities = memberPolicyPrincipals(name, mspIds).map(({ mspId, role }) => ({
    principal: { msp_identifier: mspId, role: role.toUpperCase() },
    principal_classification: 'ROLE',
  }));
  return {
    type: SIGNATURE_POLICY,
    value: {
      identities,
      rule: { n_out_of: { n: 1, rules: identities.map((_, i) => ({ signed_by: i })) } },
      version: 0,
    },
  };
}

/**
 * The config with one more application org: `orgGroup` is what `configtxgen -printOrg` prints for it
 * (MSP, policies, anchor peers). The Application group's Readers and Writers, when they are signature
 * policies naming every member (MedLedger's channels: one signature check instead of one per org
 * tried), name the new org too; an implicit-meta `ANY` form finds it by itself. Nothing else changes,
 * so `configtxlator compute_update` yields an update that touches the Application group only, whose
 * `Admins` policy (a majority of the member orgs' admins) then decides. Throws when the group name or
 * MSP ID is taken, or the group declares no MSP.
 */
export function withApplicationOrg(
  config: ChannelConfigJson,
  name: string,
  orgGroup: ConfigGroupJson,
): ChannelConfigJson {
  const mspId = groupMspId(orgGroup);
  if (mspId === undefined) throw new Error(`the definition of ${name} declares no MSP`);
  const members = applicationOrgs(config);
  const clash = members.find((m) => m.name === name || m.mspId === mspId);
  if (clash !== undefined)
    throw new Error(`${clash.name} (${clash.mspId}) is already a member of the channel`);
  const copy = structuredClone(config) as ChannelConfigJson & {
    channel_group: {
      groups: Record<
        string,
        { groups?: Record<string, ConfigGroupJson>; policies?: Record<string, unknown> }
      >;
    };
  };
  const app = copy.channel_group.groups['Application'];
  if (app === undefined) throw new Error('the channel config has no Application group');
  app.groups = { ...(app.groups ?? {}), [name]: structuredClone(orgGroup) };
  const mspIds = [...members.map((m) => m.mspId), mspId];
  for (const policyName of MEMBER_POLICY_NAMES) {
    const element = app.policies?.[policyName] as { policy?: { type?: number } } | undefined;
    if (app.policies === undefined || element?.policy?.type !== SIGNATURE_POLICY) continue;
    app.policies[policyName] = { ...element, policy: memberPolicyJson(policyName, mspIds) };
  }
  return copy;
}

/**
 * The envelope `peer channel signconfigtx` and `peer channel update` take around a config update
 * (`configtxlator compute_update`'s output, as JSON): a CONFIG_UPDATE payload (header type 2) for the
 * channel, with no signatures yet; each admin adds theirs.
 */
export function configUpdateEnvelope(channel: string, update: unknown): unknown {
  return {
    payload: {
      header: { channel_header: { channel_id: channel, type: 2 } },
      data: { config_update: update },
    },
  };
}

/** Fabric's `MAJORITY` of `n` sub-policies: more than half. */
export function majorityOf(n: number): number {
  if (!Number.isInteger(n) || n < 1) throw new Error(`a majority of ${String(n)} members is undefined`);
  return Math.floor(n / 2) + 1;
}

/**
 * Whose admins sign an admission, in order (the last one submits it): the proposer first, then the
 * other members in their order, until a majority of `members` is reached. Throws when the proposer
 * is not a member.
 */
export function admissionSigners<T extends string>(members: readonly T[], proposer: T): T[] {
  if (!members.includes(proposer)) throw new Error(`${proposer} is not a member and cannot propose`);
  const others = members.filter((m) => m !== proposer);
  return [proposer, ...others].slice(0, majorityOf(members.length));
}

/** A chaincode definition's version, sequence and server slot (see `ChaincodeSpec`). */
export interface DefinitionStep {
  readonly version: string;
  readonly sequence: number;
  readonly serverSlot: 0 | 1;
}

/** The next patch version (`0.1.0` -> `0.1.1`); a version without a numeric last part gets `.1`. */
export function nextPatchVersion(version: string): string {
  const m = /^(.*?)(\d+)$/.exec(version);
  if (m === null) return `${version}.1`;
  return `${m[1] ?? ''}${String(Number(m[2]) + 1)}`;
}

/**
 * The definition an upgrade moves to: a new version (the next patch one unless given; it must differ
 * from the current one, since the version names the package), the next sequence, and the other server
 * slot, so the new package's servers start beside the old ones.
 */
export function upgradeStep(current: DefinitionStep, version?: string): DefinitionStep {
  const next = version ?? nextPatchVersion(current.version);
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/.test(next))
    throw new Error(`a chaincode version is letters, digits, '.', '_' and '-', got ${JSON.stringify(next)}`);
  if (next === current.version) throw new Error(`the chaincode is at version ${next} already`);
  return { version: next, sequence: current.sequence + 1, serverSlot: current.serverSlot === 0 ? 1 : 0 };
}

/**
 * A new definition of the same package (same version and server slot) at the next sequence: what
 * admitting an org needs, as the endorsement policy and the collections name every org.
 */
export function redefinitionStep(current: DefinitionStep): DefinitionStep {
  return { ...current, sequence: current.sequence + 1 };
}
