import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { common, msp } from '@hyperledger/fabric-protos';
import { channelConfig, orgGroup, policiesToSatisfy } from './testing/channel-config-model';
import { writersPolicy, writersPolicyOf, writersPolicyUpdate } from './writers-policy';

const ORGS = ['Hospital2MSP', 'Hospital1MSP', 'RegulatorMSP'];

/** A channel of `ORGS` whose Application Writers policy is `ANY Writers`, as configtxgen makes it. */
function config(): common.Config {
  const c = channelConfig(Object.fromEntries(ORGS.map((m) => [m.replace(/MSP$/, ''), orgGroup(m)])));
  const app = c.getChannelGroup()?.getGroupsMap().get('Application');
  assert.ok(app);
  const writers = new common.ConfigPolicy();
  writers.setVersion(0);
  writers.setModPolicy('Admins');
  writers.setPolicy(writersPolicy('implicit', []));
  app.getPoliciesMap().set('Writers', writers);
  return c;
}

/** The roles a signature policy names, as `MSP.role`. */
function principalsOf(policy: common.Policy): string[] {
  const envelope = common.SignaturePolicyEnvelope.deserializeBinary(policy.getValue_asU8());
  const names = new Map<number, string>([
    [msp.MSPRole.MSPRoleType.ADMIN, 'admin'],
    [msp.MSPRole.MSPRoleType.CLIENT, 'client'],
  ]);
  return envelope.getIdentitiesList().map((p) => {
    const role = msp.MSPRole.deserializeBinary(p.getPrincipal_asU8());
    return `${role.getMspIdentifier()}.${names.get(role.getRole()) ?? 'other'}`;
  });
}

void describe("the channel's Application Writers policy", () => {
  void it("when it is made a signature policy, then it names every org's admin and client, any one suffices, and a majority of the orgs' admins must sign", () => {
    const c = config();
    assert.equal(writersPolicyOf(c), 'implicit');
    const update = writersPolicyUpdate(c, 'medchannel', 'signature');
    assert.ok(update);
    assert.deepEqual(policiesToSatisfy(c, update), ['/Channel/Application/Admins']);
    const written = update.getWriteSet()?.getGroupsMap().get('Application')?.getPoliciesMap().get('Writers');
    assert.ok(written);
    assert.equal(written.getVersion(), 1);
    const policy = written.getPolicy();
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
    const anyOf = common.SignaturePolicyEnvelope.deserializeBinary(policy.getValue_asU8())
      .getRule()
      ?.getNOutOf();
    assert.ok(anyOf);
    assert.equal(anyOf.getN(), 1);
    assert.deepEqual(
      anyOf.getRulesList().map((r) => r.getSignedBy()),
      [0, 1, 2, 3, 4, 5],
    );
  });

  void it('when the channel has the policy asked for already, then there is no update; asking for ANY Writers back writes the implicit-meta policy', () => {
    const c = config();
    assert.equal(writersPolicyUpdate(c, 'medchannel', 'implicit'), undefined);
    const app = c.getChannelGroup()?.getGroupsMap().get('Application');
    const existing = app?.getPoliciesMap().get('Writers');
    assert.ok(existing);
    existing.setPolicy(writersPolicy('signature', ORGS));
    assert.equal(writersPolicyOf(c), 'signature');
    const back = writersPolicyUpdate(c, 'medchannel', 'implicit');
    const policy = back
      ?.getWriteSet()
      ?.getGroupsMap()
      .get('Application')
      ?.getPoliciesMap()
      .get('Writers')
      ?.getPolicy();
    assert.ok(policy);
    const meta = common.ImplicitMetaPolicy.deserializeBinary(policy.getValue_asU8());
    assert.deepEqual([meta.getSubPolicy(), meta.getRule()], ['Writers', common.ImplicitMetaPolicy.Rule.ANY]);
  });
});
