import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { common, msp } from '@hyperledger/fabric-protos';
import { majorityOf } from './config-update';
import { configUpdateEnvelopeBytes, crlConfigUpdate, revocationSigners } from './revocation';

/** A channel config with an Application group of two orgs, each with an MSP value at version 3. */
function channelConfig(crls: Uint8Array[] = []): common.Config {
  const orgGroup = (mspId: string, version: number): common.ConfigGroup => {
    const fabricMsp = new msp.FabricMSPConfig();
    fabricMsp.setName(mspId);
    fabricMsp.setRevocationListList(crls);
    const mspConfig = new msp.MSPConfig();
    mspConfig.setType(0);
    mspConfig.setConfig(fabricMsp.serializeBinary());
    const value = new common.ConfigValue();
    value.setVersion(3);
    value.setModPolicy('Admins');
    value.setValue(mspConfig.serializeBinary());
    const group = new common.ConfigGroup();
    group.setVersion(version);
    group.getValuesMap().set('MSP', value);
    return group;
  };
  const app = new common.ConfigGroup();
  app.setVersion(7);
  app.getGroupsMap().set('Hospital1', orgGroup('Hospital1MSP', 1));
  app.getGroupsMap().set('Hospital2', orgGroup('Hospital2MSP', 2));
  const root = new common.ConfigGroup();
  root.setVersion(11);
  root.getGroupsMap().set('Application', app);
  const config = new common.Config();
  config.setSequence(5);
  config.setChannelGroup(root);
  return config;
}

const CRL = Buffer.from('-----BEGIN X509 CRL-----\nMIIB\n-----END X509 CRL-----\n');

void describe('revocation: the channel config update', () => {
  void it('when a CRL is put in an org MSP, then the write set holds that MSP value at its next version and the read set only the versions on its path', () => {
    const update = crlConfigUpdate(channelConfig([Buffer.from('older')]), 'medchannel', 'Hospital1MSP', CRL);
    assert.ok(update);
    assert.equal(update.getChannelId(), 'medchannel');
    const path = (set: common.ConfigGroup | undefined) => {
      const app = set?.getGroupsMap().get('Application');
      return { root: set, app, org: app?.getGroupsMap().get('Hospital1') };
    };
    const read = path(update.getReadSet());
    const write = path(update.getWriteSet());
    assert.deepEqual(
      [
        read.root?.getVersion(),
        read.app?.getVersion(),
        read.org?.getVersion(),
        read.org?.getValuesMap().getLength(),
      ],
      [11, 7, 1, 0],
    );
    assert.equal(write.app?.getGroupsMap().has('Hospital2'), false, 'the other org is untouched');
    const value = write.org?.getValuesMap().get('MSP');
    assert.deepEqual([value?.getVersion(), value?.getModPolicy()], [4, 'Admins']);
    const fabricMsp = msp.FabricMSPConfig.deserializeBinary(
      msp.MSPConfig.deserializeBinary(value?.getValue_asU8() ?? new Uint8Array()).getConfig_asU8(),
    );
    assert.equal(fabricMsp.getName(), 'Hospital1MSP');
    // The CA's CRL is cumulative: it replaces the list.
    assert.deepEqual(
      fabricMsp.getRevocationListList_asU8().map((c) => Buffer.from(c).toString()),
      [CRL.toString()],
    );
  });

  void it('when the MSP holds that CRL already, then there is no update; an org outside the channel is an error', () => {
    assert.equal(crlConfigUpdate(channelConfig([CRL]), 'medchannel', 'Hospital1MSP', CRL), undefined);
    assert.throws(
      () => crlConfigUpdate(channelConfig(), 'medchannel', 'Hospital9MSP', CRL),
      /not an application org/,
    );
  });

  void it('when the update is wrapped, then it is an unsigned CONFIG_UPDATE envelope of the channel', () => {
    const update = crlConfigUpdate(channelConfig(), 'medchannel', 'Hospital2MSP', CRL);
    assert.ok(update);
    const envelope = common.Envelope.deserializeBinary(configUpdateEnvelopeBytes(update));
    const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
    const header = common.ChannelHeader.deserializeBinary(
      payload.getHeader()?.getChannelHeader_asU8() ?? new Uint8Array(),
    );
    assert.deepEqual(
      [header.getType(), header.getChannelId()],
      [common.HeaderType.CONFIG_UPDATE, 'medchannel'],
    );
    const inner = common.ConfigUpdateEnvelope.deserializeBinary(payload.getData_asU8());
    assert.equal(inner.getSignaturesList().length, 0);
    assert.deepEqual(
      common.ConfigUpdate.deserializeBinary(inner.getConfigUpdate_asU8()).getChannelId(),
      'medchannel',
    );
  });

  void it('when the signers are chosen, then the revoking org comes first and a majority of the members sign', () => {
    const members = ['Hospital1MSP', 'Hospital2MSP', 'ResearchMSP', 'RegulatorMSP'];
    assert.deepEqual(revocationSigners(members, 'Hospital2MSP'), [
      'Hospital2MSP',
      'Hospital1MSP',
      'ResearchMSP',
    ]);
    assert.deepEqual([majorityOf(1), majorityOf(4), majorityOf(5)], [1, 3, 3]);
    assert.throws(() => revocationSigners(members, 'Hospital9MSP'), /not a member/);
  });
});
