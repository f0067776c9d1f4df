import { common, msp } from '@hyperledger/fabric-protos';

/**
 * A signature policy over the peers of orgs: one org's peer, or n out of several policies. Written as
 * a key-level (state-based) endorsement policy; Fabric then validates every later change of the key
 * against it instead of the chaincode's policy. A NEW key always follows the chaincode's policy, so a
 * key-level policy only guards what already exists.
 */
export type Policy = { readonly peerOf: string } | { readonly outOf: number; readonly of: readonly Policy[] };

/** Every one of these orgs' peers. */
export function allOf(orgs: readonly string[]): Policy {
  return { outOf: orgs.length, of: orgs.map((o) => ({ peerOf: o })) };
}

/**
 * The regulator's peer and the peer of one other org: no two orgs without the regulator, and not the
 * regulator alone, can change the key.
 */
export function regulatorAndOneOf(regulator: string, orgs: readonly string[]): Policy {
  const others = orgs.filter((o) => o !== regulator);
  return {
    outOf: 2,
    of: [{ peerOf: regulator }, { outOf: 1, of: others.map((o) => ({ peerOf: o })) }],
  };
}

function principalsOf(policy: Policy, into: string[]): void {
  if ('peerOf' in policy) {
    if (!into.includes(policy.peerOf)) into.push(policy.peerOf);
    return;
  }
  for (const p of policy.of) principalsOf(p, into);
}

function ruleOf(policy: Policy, principals: readonly string[]): common.SignaturePolicy {
  const rule = new common.SignaturePolicy();
  if ('peerOf' in policy) {
    rule.setSignedBy(principals.indexOf(policy.peerOf));
    return rule;
  }
  const nOutOf = new common.SignaturePolicy.NOutOf();
  nOutOf.setN(policy.outOf);
  nOutOf.setRulesList(policy.of.map((p) => ruleOf(p, principals)));
  rule.setNOutOf(nOutOf);
  return rule;
}

/** The policy as a SignaturePolicyEnvelope of PEER roles: the bytes `setStateValidationParameter` takes. */
export function policyBytes(policy: Policy): Uint8Array {
  const principals: string[] = [];
  principalsOf(policy, principals);
  const envelope = new common.SignaturePolicyEnvelope();
  envelope.setVersion(0);
  envelope.setIdentitiesList(
    principals.map((mspId) => {
      const role = new msp.MSPRole();
      role.setMspIdentifier(mspId);
      role.setRole(msp.MSPRole.MSPRoleType.PEER);
      const principal = new msp.MSPPrincipal();
      principal.setPrincipalClassification(msp.MSPPrincipal.Classification.ROLE);
      principal.setPrincipal(role.serializeBinary());
      return principal;
    }),
  );
  envelope.setRule(ruleOf(policy, principals));
  return envelope.serializeBinary();
}

function decodeRule(rule: common.SignaturePolicy, principals: readonly string[]): Policy {
  if (rule.hasSignedBy()) return { peerOf: principals[rule.getSignedBy()] ?? '' };
  const nOutOf = rule.getNOutOf();
  if (!nOutOf) throw new Error('a signature policy rule is neither signed-by nor n-out-of');
  return { outOf: nOutOf.getN(), of: nOutOf.getRulesList().map((r) => decodeRule(r, principals)) };
}

/** Decodes a SignaturePolicyEnvelope of PEER roles (what a peer validates a key against). */
export function decodePolicy(bytes: Uint8Array): Policy {
  const envelope = common.SignaturePolicyEnvelope.deserializeBinary(bytes);
  const principals = envelope.getIdentitiesList().map((identity) => {
    const role = msp.MSPRole.deserializeBinary(identity.getPrincipal_asU8());
    if (role.getRole() !== msp.MSPRole.MSPRoleType.PEER) throw new Error('only PEER principals are used');
    return role.getMspIdentifier();
  });
  const rule = envelope.getRule();
  if (!rule) throw new Error('a signature policy envelope without a rule');
  return decodeRule(rule, principals);
}

/**
 * Whether endorsements by the peers of `orgs` satisfy the policy. Like Fabric, one endorsement
 * counts once: each org's peer satisfies at most one signed-by leaf of an n-out-of.
 */
export function satisfiedBy(policy: Policy, orgs: ReadonlySet<string>): boolean {
  const used = new Set<string>();
  const walk = (p: Policy): boolean => {
    if ('peerOf' in p) {
      if (!orgs.has(p.peerOf) || used.has(p.peerOf)) return false;
      used.add(p.peerOf);
      return true;
    }
    let met = 0;
    for (const sub of p.of) if (met < p.outOf && walk(sub)) met += 1;
    return met >= p.outOf;
  };
  return walk(policy);
}
