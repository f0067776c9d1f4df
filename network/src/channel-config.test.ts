import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { common } from '@hyperledger/fabric-protos';
import { consortiumGovernanceUpdate, fabricMspOf } from './channel-config';
import { CONSORTIUM_ADMINS, consortiumGovernedOrg, type ConfigGroupJson } from './config-update';
import { revocationListUpdate } from './revocation';
import { channelConfig, flatten, orgGroup, policiesToSatisfy } from './testing/channel-config-model';

/** The config after `update`, as Fabric computes it: the delta overlaid on the current config. */
function applied(config: common.Config, update: common.ConfigUpdate): common.Config {
  const next = common.Config.deserializeBinary(config.serializeBinary());
  const app = next.getChannelGroup()?.getGroupsMap().get('Application');
  const written = update.getWriteSet()?.getGroupsMap().get('Application');
  assert.ok(app && written);
  for (const [name, w] of written.getGroupsMap().entries()) {
    const group = app.getGroupsMap().get(name);
    assert.ok(group);
    if (w.getVersion() !== group.getVersion()) {
      group.setVersion(w.getVersion());
      group.setModPolicy(w.getModPolicy());
    }
    for (const [k, v] of w.getValuesMap().entries())
      if (v.getVersion() !== group.getValuesMap().get(k)?.getVersion()) group.getValuesMap().set(k, v);
    for (const [k, p] of w.getPoliciesMap().entries())
      if (p.getVersion() !== group.getPoliciesMap().get(k)?.getVersion()) group.getPoliciesMap().set(k, p);
  }
  return next;
}

const CRL = Buffer.from('-----BEGIN X509 CRL-----\nMIIB\n-----END X509 CRL-----\n');

void describe('channel config: what one org admin may change alone', () => {
  void it('when the network governs the orgs, then each org signs for its own group and afterwards its MSP, policies and group need the majority; its anchor peers stay its own', () => {
    const config = channelConfig({
      Hospital1: orgGroup('Hospital1MSP'),
      Hospital2: orgGroup('Hospital2MSP'),
    });
    const pending = consortiumGovernanceUpdate(config, 'medchannel');
    assert.ok(pending);
    assert.deepEqual(pending.signers, ['Hospital1MSP', 'Hospital2MSP']);
    // configtxgen's defaults: each element is checked against its own org's Admins.
    assert.deepEqual(policiesToSatisfy(config, pending.update), [
      '/Channel/Application/Hospital1/Admins',
      '/Channel/Application/Hospital2/Admins',
    ]);
    const governed = applied(config, pending.update);
    const h1 = flatten(governed.getChannelGroup() ?? new common.ConfigGroup());
    for (const key of ['[Group]', '[Value]', '[Policy]'].flatMap((k) =>
      [...h1.keys()].filter((x) => x.startsWith(k) && x.includes('/Hospital1')),
    ))
      assert.equal(
        h1.get(key)?.modPolicy,
        key.endsWith('/AnchorPeers') ? 'Admins' : CONSORTIUM_ADMINS,
        `mod_policy of ${key}`,
      );
    // Members and content unchanged: the MSP still names its org.
    assert.equal(
      h1.get('[Group] /Channel/Application/Hospital1')?.members,
      flatten(config.getChannelGroup() ?? new common.ConfigGroup()).get(
        '[Group] /Channel/Application/Hospital1',
      )?.members,
    );
    const h1Group = governed
      .getChannelGroup()
      ?.getGroupsMap()
      .get('Application')
      ?.getGroupsMap()
      .get('Hospital1');
    assert.equal(h1Group ? fabricMspOf(h1Group)?.getName() : undefined, 'Hospital1MSP');
    assert.equal(consortiumGovernanceUpdate(governed, 'medchannel'), undefined, 'nothing left to do');
  });

  void it('when an org admin strips its CRL, then before the change its own Admins decide and after it the channel majority does', () => {
    const mspId = `Hospital${randomBytes(2).toString('hex')}MSP`;
    const before = channelConfig({ Org: orgGroup(mspId, [CRL]), Other: orgGroup('OtherMSP') });
    const strip = revocationListUpdate(before, 'medchannel', mspId, []);
    assert.ok(strip);
    assert.deepEqual(policiesToSatisfy(before, strip), ['/Channel/Application/Org/Admins']);
    const pending = consortiumGovernanceUpdate(before, 'medchannel');
    assert.ok(pending);
    const after = applied(before, pending.update);
    const stripAfter = revocationListUpdate(after, 'medchannel', mspId, []);
    assert.ok(stripAfter);
    assert.deepEqual(policiesToSatisfy(after, stripAfter), [CONSORTIUM_ADMINS]);
    // An update computed before the change (a replay) no longer matches the versions it read.
    assert.throws(() => policiesToSatisfy(after, strip), /read set \[Group\] \/Channel\/Application\/Org/);
    assert.equal(
      revocationListUpdate(before, 'medchannel', 'OtherMSP', []),
      undefined,
      'nothing revoked there',
    );
  });

  void it('when an org is admitted, then its group enters with its MSP, policies and group under the majority and its anchor peers its own', () => {
    const printed: ConfigGroupJson = {
      mod_policy: 'Admins',
      policies: { Admins: { mod_policy: 'Admins' }, Endorsement: { mod_policy: 'Admins' } },
      values: { MSP: { mod_policy: 'Admins', value: {} }, AnchorPeers: { mod_policy: 'Admins', value: {} } },
    };
    const governed = consortiumGovernedOrg(printed);
    assert.deepEqual(
      [
        governed.mod_policy,
        (governed.values?.['MSP'] as { mod_policy: string }).mod_policy,
        (governed.values?.['AnchorPeers'] as { mod_policy: string }).mod_policy,
        (governed.policies?.['Admins'] as { mod_policy: string }).mod_policy,
        (governed.policies?.['Endorsement'] as { mod_policy: string }).mod_policy,
      ],
      [CONSORTIUM_ADMINS, CONSORTIUM_ADMINS, 'Admins', CONSORTIUM_ADMINS, CONSORTIUM_ADMINS],
    );
    assert.equal(printed.mod_policy, 'Admins', 'the printed group is left as it was');
  });
});
