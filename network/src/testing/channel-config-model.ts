/**
 * A model of channel configs for unit tests: org groups and channels shaped as configtxgen makes them,
 * and what Fabric's configtx validator asks of an update.
 */
import assert from 'node:assert/strict';
import { common, msp } from '@hyperledger/fabric-protos';

interface Element {
  readonly version: number;
  readonly modPolicy: string;
  readonly members?: string;
}

/** A config group flattened into `[Group] /a/b`, `[Value] /a/b/MSP`, ... as Fabric's configtx maps it. */
export function flatten(group: common.ConfigGroup, path = '/Channel', out = new Map<string, Element>()) {
  const children = [
    ...[...group.getGroupsMap().keys()].map((k) => `g:${k}`),
    ...[...group.getValuesMap().keys()].map((k) => `v:${k}`),
    ...[...group.getPoliciesMap().keys()].map((k) => `p:${k}`),
  ].sort();
  out.set(`[Group] ${path}`, {
    version: group.getVersion(),
    modPolicy: group.getModPolicy(),
    members: children.join(','),
  });
  for (const [name, child] of group.getGroupsMap().entries()) flatten(child, `${path}/${name}`, out);
  for (const [name, v] of group.getValuesMap().entries())
    out.set(`[Value] ${path}/${name}`, { version: v.getVersion(), modPolicy: v.getModPolicy() });
  for (const [name, p] of group.getPoliciesMap().entries())
    out.set(`[Policy] ${path}/${name}`, { version: p.getVersion(), modPolicy: p.getModPolicy() });
  return out;
}

/**
 * What Fabric's configtx validator (`common/configtx/update.go`) does with an update, reduced to the
 * versions and mod_policies: the read set must match the config's versions; the delta is every
 * write-set element whose version differs from the read set's; each must be the existing element's
 * next version (or a new one at 0), and the existing element's mod_policy must be satisfied. Returns
 * those policies, each resolved to an absolute path (a relative one names a policy of the element's
 * own group).
 */
export function policiesToSatisfy(config: common.Config, update: common.ConfigUpdate): string[] {
  const current = flatten(config.getChannelGroup() ?? new common.ConfigGroup());
  const read = flatten(update.getReadSet() ?? new common.ConfigGroup());
  const write = flatten(update.getWriteSet() ?? new common.ConfigGroup());
  for (const [key, r] of read) assert.equal(current.get(key)?.version, r.version, `read set ${key}`);
  const needed = new Set<string>();
  for (const [key, w] of write) {
    if (read.get(key)?.version === w.version) continue;
    const existing = current.get(key);
    if (existing === undefined) {
      assert.equal(w.version, 0, `new ${key}`);
      continue;
    }
    assert.equal(w.version, existing.version + 1, `version of ${key}`);
    const path = key.replace(/^\[\w+\] /, '');
    const group = key.startsWith('[Group]') ? path : path.slice(0, path.lastIndexOf('/'));
    needed.add(existing.modPolicy.startsWith('/') ? existing.modPolicy : `${group}/${existing.modPolicy}`);
  }
  return [...needed].sort();
}

/** An org group as configtxgen makes it: every mod_policy the org's own `Admins`. */
export function orgGroup(mspId: string, crls: Uint8Array[] = []): common.ConfigGroup {
  const fabricMsp = new msp.FabricMSPConfig();
  fabricMsp.setName(mspId);
  fabricMsp.setRevocationListList(crls);
  const mspConfig = new msp.MSPConfig();
  mspConfig.setConfig(fabricMsp.serializeBinary());
  const value = (bytes: Uint8Array) => {
    const v = new common.ConfigValue();
    v.setModPolicy('Admins');
    v.setValue(bytes);
    return v;
  };
  const group = new common.ConfigGroup();
  group.setModPolicy('Admins');
  group.getValuesMap().set('MSP', value(mspConfig.serializeBinary()));
  group.getValuesMap().set('AnchorPeers', value(Buffer.from('anchors')));
  for (const name of ['Admins', 'Readers', 'Writers', 'Endorsement']) {
    const p = new common.ConfigPolicy();
    p.setModPolicy('Admins');
    group.getPoliciesMap().set(name, p);
  }
  return group;
}

export function channelConfig(orgs: Record<string, common.ConfigGroup>): common.Config {
  const app = new common.ConfigGroup();
  app.setVersion(1);
  app.setModPolicy('Admins');
  for (const [name, group] of Object.entries(orgs)) app.getGroupsMap().set(name, group);
  const root = new common.ConfigGroup();
  root.getGroupsMap().set('Application', app);
  const config = new common.Config();
  config.setChannelGroup(root);
  return config;
}
