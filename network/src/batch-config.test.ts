import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { common, orderer } from '@hyperledger/fabric-protos';
import { batchConfigUpdate, batchSettingsOf, orderingChange } from './batch-config';

/** A channel config with an Orderer group holding the two batch values (and an org the update must leave alone). */
function config(timeout: string, count: number): common.Config {
  const value = (bytes: Uint8Array, version: number): common.ConfigValue => {
    const v = new common.ConfigValue();
    v.setValue(bytes);
    v.setVersion(version);
    v.setModPolicy('Admins');
    return v;
  };
  const t = new orderer.BatchTimeout();
  t.setTimeout(timeout);
  const size = new orderer.BatchSize();
  size.setMaxMessageCount(count);
  size.setAbsoluteMaxBytes(10 * 1024 * 1024);
  size.setPreferredMaxBytes(2 * 1024 * 1024);
  const group = new common.ConfigGroup();
  group.setVersion(3);
  group.setModPolicy('Admins');
  group.getValuesMap().set('BatchTimeout', value(t.serializeBinary(), 2));
  group.getValuesMap().set('BatchSize', value(size.serializeBinary(), 0));
  group.getGroupsMap().set('OrdererOrg', new common.ConfigGroup());
  const root = new common.ConfigGroup();
  root.setVersion(7);
  root.getGroupsMap().set('Orderer', group);
  const c = new common.Config();
  c.setChannelGroup(root);
  return c;
}

void describe('batch settings as channel config', () => {
  void it('when the config is read, then its batch timeout and message count come back', () => {
    assert.deepEqual(batchSettingsOf(config('20ms', 500)), { batchTimeout: '20ms', maxMessageCount: 500 });
  });

  void it('when both settings change, then the write set holds each value at its next version and the byte limits as they were', () => {
    const update = batchConfigUpdate(config('20ms', 500), 'ch1', {
      batchTimeout: '50ms',
      maxMessageCount: 10,
    });
    assert.ok(update);
    assert.equal(update.getChannelId(), 'ch1');
    const read = update.getReadSet()?.getGroupsMap().get('Orderer');
    const write = update.getWriteSet()?.getGroupsMap().get('Orderer');
    assert.ok(read && write);
    assert.equal(update.getReadSet()?.getVersion(), 7);
    assert.equal(read.getVersion(), 3);
    assert.equal(write.getVersion(), 3);
    assert.equal(write.getGroupsMap().getLength(), 0);
    const t = write.getValuesMap().get('BatchTimeout');
    const s = write.getValuesMap().get('BatchSize');
    assert.ok(t && s);
    assert.equal(t.getVersion(), 3);
    assert.equal(t.getModPolicy(), 'Admins');
    assert.equal(orderer.BatchTimeout.deserializeBinary(t.getValue_asU8()).getTimeout(), '50ms');
    assert.equal(s.getVersion(), 1);
    const size = orderer.BatchSize.deserializeBinary(s.getValue_asU8());
    assert.equal(size.getMaxMessageCount(), 10);
    assert.equal(size.getAbsoluteMaxBytes(), 10 * 1024 * 1024);
    assert.equal(size.getPreferredMaxBytes(), 2 * 1024 * 1024);
  });

  void it('when only the timeout changes, then only BatchTimeout is written; when nothing changes, there is no update', () => {
    const update = batchConfigUpdate(config('20ms', 500), 'ch1', {
      batchTimeout: '10ms',
      maxMessageCount: 500,
    });
    assert.deepEqual(
      [...(update?.getWriteSet()?.getGroupsMap().get('Orderer')?.getValuesMap().keys() ?? [])],
      ['BatchTimeout'],
    );
    assert.equal(
      batchConfigUpdate(config('20ms', 500), 'ch1', { batchTimeout: '20ms', maxMessageCount: 500 }),
      undefined,
    );
  });

  void it('when a setting is malformed, then no update is built', () => {
    assert.throws(
      () => batchConfigUpdate(config('20ms', 500), 'ch1', { batchTimeout: '20', maxMessageCount: 5 }),
      /20ms or 2s/,
    );
    assert.throws(
      () => batchConfigUpdate(config('20ms', 500), 'ch1', { batchTimeout: '20ms', maxMessageCount: 0 }),
      /positive/,
    );
  });
});

void describe('the ordering command', () => {
  const current = { batchTimeout: '50ms', maxMessageCount: 500 };

  void it('when nothing is asked, then nothing changes; when one setting is, then the other stays', () => {
    assert.equal(orderingChange(current, {}, 'etcdraft'), undefined);
    assert.deepEqual(orderingChange(current, { 'batch-timeout': '10ms' }, 'etcdraft'), {
      batchTimeout: '10ms',
      maxMessageCount: 500,
    });
    assert.deepEqual(orderingChange(current, { 'max-message-count': '50' }, 'BFT'), {
      batchTimeout: '50ms',
      maxMessageCount: 50,
    });
  });

  void it('when a value is malformed, zero, or a timeout for BFT, then it is refused naming the option', () => {
    for (const bad of ['0ms', '10', '-5ms', '1.5s', '10 ms'])
      assert.throws(
        () => orderingChange(current, { 'batch-timeout': bad }, 'etcdraft'),
        /--batch-timeout takes/,
      );
    for (const bad of ['0', '-1', '2.5', 'many', '1000000'])
      assert.throws(
        () => orderingChange(current, { 'max-message-count': bad }, 'etcdraft'),
        /--max-message-count takes/,
      );
    assert.throws(() => orderingChange(current, { 'batch-timeout': '10ms' }, 'BFT'), /is for Raft/);
  });
});
