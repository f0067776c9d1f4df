import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  admissionSigners,
  applicationOrgs,
  configUpdateEnvelope,
  majorityOf,
  memberPolicyJson,
  nextPatchVersion,
  redefinitionStep,
  upgradeStep,
  withApplicationOrg,
  type ChannelConfigJson,
  type ConfigGroupJson,
} from './config-update';

/** An org group as `configtxgen -printOrg` prints it (the parts the update touches). */
function orgGroup(mspId: string): ConfigGroupJson {
  return {
    groups: {},
    mod_policy: 'Admins',
    policies: { Admins: { mod_policy: 'Admins', policy: { type: 1 } } },
    values: {
      MSP: { mod_policy: 'Admins', value: { config: { name: mspId, root_certs: ['cert'] }, type: 0 } },
      AnchorPeers: { mod_policy: 'Admins', value: { anchor_peers: [{ host: '127.0.0.1', port: 1 }] } },
    },
    version: '0',
  };
}

/** A channel config as `configtxlator` decodes it, with the given application orgs. */
function channelConfig(orgs: Record<string, string>): ChannelConfigJson {
  return {
    sequence: '3',
    channel_group: {
      mod_policy: 'Admins',
      version: '0',
      groups: {
        Orderer: { groups: { Orderer: orgGroup('OrdererMSP') }, version: '1' },
        Application: {
          mod_policy: 'Admins',
          version: '2',
          policies: { Admins: { policy: { type: 3, value: { rule: 'MAJORITY', sub_policy: 'Admins' } } } },
          groups: Object.fromEntries(Object.entries(orgs).map(([name, msp]) => [name, orgGroup(msp)])),
        },
      },
    },
  };
}

const FOUR = {
  Hospital1: 'Hospital1MSP',
  Hospital2: 'Hospital2MSP',
  Research: 'ResearchMSP',
  Regulator: 'RegulatorMSP',
};

describe('the configuration update that admits an org', () => {
  it('when an org is added, then the Application group holds it beside the members and nothing else changes', () => {
    const name = `Hospital${randomBytes(2).toString('hex')}`;
    const config = channelConfig(FOUR);
    const updated = withApplicationOrg(config, name, orgGroup(`${name}MSP`));
    assert.deepEqual(
      applicationOrgs(updated).map((o) => o.mspId),
      [...Object.values(FOUR), `${name}MSP`],
    );
    assert.deepEqual(updated.channel_group.groups?.['Application']?.groups?.[name], orgGroup(`${name}MSP`));
    // Everything but the new group is as it was: compute_update then touches the Application group only.
    const app = updated.channel_group.groups['Application'];
    const withoutNew = {
      ...updated,
      channel_group: {
        ...updated.channel_group,
        groups: {
          ...updated.channel_group.groups,
          Application: {
            ...app,
            groups: Object.fromEntries(Object.entries(app.groups ?? {}).filter(([n]) => n !== name)),
          },
        },
      },
    };
    assert.deepEqual(withoutNew, config);
    // The input is left alone.
    assert.equal(applicationOrgs(config).length, 4);
  });

  it("when the channel's Readers and Writers are signature policies over the members, then the admission names the new org's roles in both, and leaves their mod_policy and ANY forms alone", () => {
    const config = channelConfig(FOUR);
    const app = config.channel_group.groups?.['Application'];
    assert.ok(app);
    const element = (policy: unknown) => ({ mod_policy: 'Admins', version: '0', policy });
    const members = Object.values(FOUR);
    const signed = {
      ...config,
      channel_group: {
        ...config.channel_group,
        groups: {
          ...config.channel_group.groups,
          Application: {
            ...app,
            policies: {
              ...app.policies,
              Readers: element(memberPolicyJson('Readers', members)),
              Writers: element(memberPolicyJson('Writers', members)),
            },
          },
        },
      },
    };
    const policies = withApplicationOrg(signed, 'Hospital4', orgGroup('Hospital4MSP')).channel_group.groups?.[
      'Application'
    ]?.policies as Record<string, { mod_policy: string; version: string; policy: unknown }>;
    const five = [...members, 'Hospital4MSP'];
    assert.deepEqual(policies['Readers'], element(memberPolicyJson('Readers', five)));
    assert.deepEqual(policies['Writers'], element(memberPolicyJson('Writers', five)));
    const writers = policies['Writers'];
    assert.ok(writers);
    const principals = (writers.policy as { value: { identities: { principal: object }[] } }).value
      .identities;
    assert.deepEqual(
      principals.slice(0, 4),
      [
        { msp_identifier: 'Hospital1MSP', role: 'ADMIN' },
        { msp_identifier: 'Hospital1MSP', role: 'CLIENT' },
        { msp_identifier: 'Hospital2MSP', role: 'ADMIN' },
        { msp_identifier: 'Hospital2MSP', role: 'CLIENT' },
      ].map((principal) => ({ principal, principal_classification: 'ROLE' })),
    );
    assert.equal(principals.length, 10);
    // An implicit-meta ANY finds the new org by itself: left as it is.
    const implicit = element({ type: 3, value: { rule: 'ANY', sub_policy: 'Readers' } });
    const mixed = structuredClone(signed);
    (mixed.channel_group.groups.Application.policies as Record<string, unknown>)['Readers'] = implicit;
    const after = withApplicationOrg(mixed, 'Hospital4', orgGroup('Hospital4MSP')).channel_group.groups?.[
      'Application'
    ]?.policies as Record<string, unknown>;
    assert.deepEqual(after['Readers'], implicit);
    assert.deepEqual(after['Writers'], element(memberPolicyJson('Writers', five)));
  });

  it('when the org or its MSP ID is a member already, or its definition has no MSP, then it is refused', () => {
    const config = channelConfig(FOUR);
    assert.throws(() => withApplicationOrg(config, 'Hospital1', orgGroup('OtherMSP')), /already a member/);
    assert.throws(() => withApplicationOrg(config, 'Other', orgGroup('Hospital2MSP')), /already a member/);
    assert.throws(() => withApplicationOrg(config, 'Other', { values: {} }), /declares no MSP/);
    assert.throws(
      () => withApplicationOrg({ channel_group: { groups: {} } }, 'Other', orgGroup('OtherMSP')),
      /no Application group/,
    );
  });

  it('when the update is wrapped, then it is an unsigned CONFIG_UPDATE envelope for the channel', () => {
    const channel = `ch-${randomBytes(3).toString('hex')}`;
    const update = { channel_id: channel, read_set: { version: '2' }, write_set: { version: '3' } };
    assert.deepEqual(configUpdateEnvelope(channel, update), {
      payload: {
        header: { channel_header: { channel_id: channel, type: 2 } },
        data: { config_update: update },
      },
    });
  });
});

describe('who signs an admission', () => {
  it("when the members number 1 to 6, then a majority is more than half, as Fabric's MAJORITY counts", () => {
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6].map((n) => majorityOf(n)),
      [1, 2, 2, 3, 3, 4],
    );
    assert.throws(() => majorityOf(0), /undefined/);
  });

  it('when four orgs are members, then the proposer and the next two sign, and a non-member cannot propose', () => {
    const members = Object.values(FOUR);
    assert.deepEqual(admissionSigners(members, 'ResearchMSP'), [
      'ResearchMSP',
      'Hospital1MSP',
      'Hospital2MSP',
    ]);
    assert.deepEqual(admissionSigners([...members, 'Hospital3MSP'], 'Hospital3MSP').length, 3);
    assert.throws(() => admissionSigners(members, 'Hospital9MSP'), /not a member/);
  });
});

describe('the next chaincode definition', () => {
  it('when upgrading, then the version moves on, the sequence grows by one and the other server slot is used', () => {
    assert.deepEqual(upgradeStep({ version: '0.1.0', sequence: 2, serverSlot: 0 }), {
      version: '0.1.1',
      sequence: 3,
      serverSlot: 1,
    });
    assert.deepEqual(upgradeStep({ version: '0.1.1', sequence: 3, serverSlot: 1 }, '0.2.0'), {
      version: '0.2.0',
      sequence: 4,
      serverSlot: 0,
    });
    assert.equal(nextPatchVersion('1.9'), '1.10');
    assert.equal(nextPatchVersion('beta'), 'beta.1');
  });

  it('when the version asked for is the current one or not a version, then the upgrade is refused', () => {
    const current = { version: '0.3.0', sequence: 5, serverSlot: 1 } as const;
    assert.throws(() => upgradeStep(current, '0.3.0'), /at version 0\.3\.0 already/);
    assert.throws(() => upgradeStep(current, '0.4 0'), /letters, digits/);
  });

  it('when an org is admitted, then the same package gets the next sequence on the same server slot', () => {
    assert.deepEqual(redefinitionStep({ version: '0.1.0', sequence: 1, serverSlot: 0 }), {
      version: '0.1.0',
      sequence: 2,
      serverSlot: 0,
    });
  });
});
