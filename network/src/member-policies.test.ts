import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { common, msp } from '@hyperledger/fabric-protos';
import type { MemberPolicyName } from './config-update';
import { memberPoliciesUpdate, memberPolicy, memberPolicyOf } from './member-policies';
import { channelConfig, orgGroup, policiesToSatisfy } from './testing/channel-config-model';

const ORGS = ['Hospital2MSP', 'Hospital1MSP', 'RegulatorMSP'];

/** A channel of `ORGS` whose Application Readers and Writers are `ANY Readers` and `ANY Writers`, as configtxgen makes them. */
function config(): common.Config {
  const c = channelConfig(Object.fromEntries(ORGS.map((m) => [m.replace(/MSP$/, ''), orgGroup(m)])));
  const app = c.getChannelGroup()?.getGroupsMap().get('Application');
  assert.ok(app);
  for (const name of ['Readers', 'Writers'] as const) {
    const policy = new common.ConfigPolicy();
    policy.setVersion(0);
    policy.setModPolicy('Admins');
    policy.setPolicy(memberPolicy(name, 'implicit', []));
    app.getPoliciesMap().set(name, policy);
  }
  return c;
}

const ROLE_NAMES = new Map<number, string>([
  [msp.MSPRole.MSPRoleType.ADMIN, 'admin'],
  [msp.MSPRole.MSPRoleType.PEER, 'peer'],
  [msp.MSPRole.MSPRoleType.CLIENT, 'client'],
]);

/** The roles a signature policy names, as `MSP.role`. */
function principalsOf(policy: common.Policy): string[] {
  const envelope = common.SignaturePolicyEnvelope.deserializeBinary(policy.getValue_asU8());
  return envelope.getIdentitiesList().map((p) => {
    const role = msp.MSPRole.deserializeBinary(p.getPrincipal_asU8());
    return `${role.getMspIdentifier()}.${ROLE_NAMES.get(role.getRole()) ?? 'other'}`;
  });
}

/** The policy `name` an update writes, or undefined. */
function written(
  update: common.ConfigUpdate | undefined,
  name: MemberPolicyName,
): common.ConfigPolicy | undefined {
  return update?.getWriteSet()?.getGroupsMap().get('Application')?.getPoliciesMap().get(name);
}

/** How many of its rules a signature policy needs, and which principals they name. */
function anyOfRules(policy: common.Policy): { n: number; signedBy: number[] } {
  const anyOf = common.SignaturePolicyEnvelope.deserializeBinary(policy.getValue_asU8())
    .getRule()
    ?.getNOutOf();
  assert.ok(anyOf);
  return { n: anyOf.getN(), signedBy: anyOf.getRulesList().map((r) => r.getSignedBy()) };
}

void describe("the channel's Application Readers and Writers policies", () => {
  void it("when Writers is made a signature policy, then it names every org's admin and client, any one suffices, Readers is left alone, and a majority of the orgs' admins must sign", () => {
    const c = config();
    assert.equal(memberPolicyOf(c, 'Writers'), 'implicit');
    const update = memberPoliciesUpdate(c, 'medchannel', { Writers: 'signature' });
    assert.ok(update);
    assert.deepEqual(policiesToSatisfy(c, update), ['/Channel/Application/Admins']);
    assert.equal(written(update, 'Readers'), undefined);
    const writers = written(update, 'Writers');
    assert.ok(writers);
    assert.equal(writers.getVersion(), 1);
    assert.equal(writers.getModPolicy(), 'Admins');
    const policy = writers.getPolicy();
    assert.ok(policy);
    assert.equal(policy.getType(), common.Policy.PolicyType.SIGNATURE);
    assert.deepEqual(principalsOf(policy), [
      'Hospital1MSP.admin',
      'Hospital1MSP.client',
      'Hospital2MSP.admin',
      'Hospital2MSP.client',
      'RegulatorMSP.admin',
      'RegulatorMSP.client',
    ]);
    assert.deepEqual(anyOfRules(policy), { n: 1, signedBy: [0, 1, 2, 3, 4, 5] });
  });

  void it("when both are made signature policies in one update, then Readers names every org's admin, peer and client (gossip is signed by peers)", () => {
    const c = config();
    const update = memberPoliciesUpdate(c, 'medchannel', { Readers: 'signature', Writers: 'signature' });
    assert.deepEqual(policiesToSatisfy(c, update ?? new common.ConfigUpdate()), [
      '/Channel/Application/Admins',
    ]);
    const readers = written(update, 'Readers')?.getPolicy();
    assert.ok(readers);
    assert.deepEqual(principalsOf(readers), [
      'Hospital1MSP.admin',
      'Hospital1MSP.peer',
      'Hospital1MSP.client',
      'Hospital2MSP.admin',
      'Hospital2MSP.peer',
      'Hospital2MSP.client',
      'RegulatorMSP.admin',
      'RegulatorMSP.peer',
      'RegulatorMSP.client',
    ]);
    assert.deepEqual(anyOfRules(readers).n, 1);
    assert.equal(written(update, 'Writers')?.getPolicy()?.getType(), common.Policy.PolicyType.SIGNATURE);
  });

  void it('when the channel has the policies asked for already, then there is no update; asking for ANY back writes the implicit-meta policy of that name', () => {
    const c = config();
    assert.equal(
      memberPoliciesUpdate(c, 'medchannel', { Readers: 'implicit', Writers: 'implicit' }),
      undefined,
    );
    assert.equal(memberPoliciesUpdate(c, 'medchannel', {}), undefined);
    const app = c.getChannelGroup()?.getGroupsMap().get('Application');
    const existing = app?.getPoliciesMap().get('Readers');
    assert.ok(existing);
    existing.setPolicy(memberPolicy('Readers', 'signature', ORGS));
    assert.equal(memberPolicyOf(c, 'Readers'), 'signature');
    const back = memberPoliciesUpdate(c, 'medchannel', { Readers: 'implicit', Writers: 'implicit' });
    assert.equal(written(back, 'Writers'), undefined);
    const policy = written(back, 'Readers')?.getPolicy();
    assert.ok(policy);
    const meta = common.ImplicitMetaPolicy.deserializeBinary(policy.getValue_asU8());
    assert.deepEqual([meta.getSubPolicy(), meta.getRule()], ['Readers', common.ImplicitMetaPolicy.Rule.ANY]);
  });
});
