import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { renderCompose } from './compose';
import { DEFAULT_BASE_PORT, defaultTopologySpec, resolveTopology } from './topology';
import {
  chaincodeLoggingLevel,
  coreYamlEnvName,
  DEFAULT_GOSSIP,
  fabricLoggingSpec,
  GOSSIP_PROFILES,
  gossipEnv,
  NO_TUNING,
  nodeTuningEnv,
  ordererTuningEnv,
  peerTuningEnv,
  tuningFingerprint,
  tuningFromEnv,
} from './tuning';

const topology = resolveTopology(defaultTopologySpec, 22000);
const peer = topology.peerOrgs[0]?.peerNodes[0];
const orderer = topology.ordererOrg.nodes[0];

void describe('performance switches', () => {
  void it('when nothing is asked, then peers keep no history database and gossip on Fabric timing, chaincode servers log warnings and nothing else is overridden', () => {
    const tuning = tuningFromEnv({});
    assert.deepEqual(tuning, NO_TUNING);
    assert.ok(peer && orderer);
    assert.deepEqual(peerTuningEnv(tuning, peer, '127.0.0.1'), {
      CORE_LEDGER_HISTORY_ENABLEHISTORYDATABASE: 'false',
    });
    assert.equal(
      peerTuningEnv(tuningFromEnv({ MEDLEDGER_HISTORY_DB: '1' }), peer, '127.0.0.1')[
        'CORE_LEDGER_HISTORY_ENABLEHISTORYDATABASE'
      ],
      'true',
    );
    assert.deepEqual(ordererTuningEnv(tuning, orderer, '127.0.0.1'), {});
    assert.deepEqual(nodeTuningEnv(tuning, 'gateway-hospital1'), {});
    assert.equal(tuningFingerprint({}), '');
    assert.equal(chaincodeLoggingLevel(tuning), 'warning');
    assert.equal(chaincodeLoggingLevel(tuningFromEnv({ MEDLEDGER_CHAINCODE_LOGGING: 'info' })), 'info');
  });

  void it('when profiling is asked, then each peer and orderer serves pprof on its own port inside the span', () => {
    const tuning = tuningFromEnv({ MEDLEDGER_PROFILING: '1' });
    const ports = new Set<number>();
    const used = new Set<number>();
    for (const o of topology.ordererOrg.nodes) {
      const env = ordererTuningEnv(tuning, o, '127.0.0.1');
      assert.equal(env['ORDERER_GENERAL_PROFILE_ENABLED'], 'true');
      assert.equal(env['ORDERER_GENERAL_PROFILE_ADDRESS'], `127.0.0.1:${String(o.profilePort)}`);
      ports.add(o.profilePort);
      [o.port, o.adminPort, o.operationsPort].forEach((p) => used.add(p));
    }
    for (const org of topology.peerOrgs) {
      [org.caPort, org.caOperationsPort, org.gatewayPort, org.chaincodeServerPort].forEach((p) =>
        used.add(p),
      );
      for (const p of org.peerNodes) {
        const env = peerTuningEnv(tuning, p, '127.0.0.1');
        assert.equal(env['CORE_PEER_PROFILE_ENABLED'], 'true');
        assert.equal(env['CORE_PEER_PROFILE_LISTENADDRESS'], `127.0.0.1:${String(p.profilePort)}`);
        ports.add(p.profilePort);
        [p.port, p.chaincodePort, p.operationsPort].forEach((x) => used.add(x));
      }
    }
    assert.equal(ports.size, topology.ordererOrg.nodes.length + topology.peerOrgs.length);
    for (const p of ports) {
      assert.ok(!used.has(p), `pprof port ${String(p)} is taken by another listener`);
      assert.ok(p >= 22000 && p < 22000 + 700, `pprof port ${String(p)} is outside the network's span`);
    }
  });

  void it('when the Go runtime, history database and validator pool are set, then peers get each and orderers the Go runtime', () => {
    const tuning = tuningFromEnv({
      MEDLEDGER_GOGC: '400',
      MEDLEDGER_GOMEMLIMIT: '512MiB',
      MEDLEDGER_GOMAXPROCS: '1',
      MEDLEDGER_HISTORY_DB: '0',
      MEDLEDGER_VALIDATOR_POOL_SIZE: '2',
    });
    assert.ok(peer && orderer);
    assert.deepEqual(peerTuningEnv(tuning, peer, '0.0.0.0'), {
      GOGC: '400',
      GOMEMLIMIT: '512MiB',
      GOMAXPROCS: '1',
      CORE_LEDGER_HISTORY_ENABLEHISTORYDATABASE: 'false',
      CORE_PEER_VALIDATORPOOLSIZE: '2',
      ...gossipEnv(DEFAULT_GOSSIP),
    });
    assert.deepEqual(ordererTuningEnv(tuning, orderer, '0.0.0.0'), {
      GOGC: '400',
      GOMEMLIMIT: '512MiB',
      GOMAXPROCS: '1',
    });
  });

  void it('when a switch holds a value Fabric or Go would not take, then reading it throws naming the variable', () => {
    assert.throws(() => tuningFromEnv({ MEDLEDGER_PROFILING: 'yes' }), /MEDLEDGER_PROFILING/);
    assert.throws(() => tuningFromEnv({ MEDLEDGER_GOGC: '-5' }), /MEDLEDGER_GOGC/);
    assert.throws(() => tuningFromEnv({ MEDLEDGER_GOMEMLIMIT: '1 GB' }), /MEDLEDGER_GOMEMLIMIT/);
    assert.throws(() => tuningFromEnv({ MEDLEDGER_GOMAXPROCS: '0' }), /MEDLEDGER_GOMAXPROCS/);
    assert.throws(() => tuningFromEnv({ MEDLEDGER_GOMAXPROCS: '2 cores' }), /MEDLEDGER_GOMAXPROCS/);
    assert.throws(
      () => tuningFromEnv({ MEDLEDGER_VALIDATOR_POOL_SIZE: '0' }),
      /MEDLEDGER_VALIDATOR_POOL_SIZE/,
    );
    assert.throws(
      () => tuningFromEnv({ MEDLEDGER_CHAINCODE_LOGGING: 'loud' }),
      /MEDLEDGER_CHAINCODE_LOGGING/,
    );
    assert.equal(tuningFromEnv({ MEDLEDGER_GOGC: 'off' }).gogc, 'off');
  });

  void it('when Node CPU profiles are asked, then each process writes into its own folder and the fingerprint changes', () => {
    const tuning = tuningFromEnv({ MEDLEDGER_NODE_CPU_PROF_DIR: '/tmp/prof-a' });
    const env = nodeTuningEnv(tuning, 'chaincode-hospital1', '/x/exit-on-term.js');
    assert.equal(
      env['NODE_OPTIONS'],
      '--cpu-prof --cpu-prof-dir=/tmp/prof-a/chaincode-hospital1 --require=/x/exit-on-term.js',
    );
    assert.notEqual(tuningFingerprint(env), tuningFingerprint({}));
    assert.equal(tuningFingerprint({ B: '1', A: '2' }), tuningFingerprint({ A: '2', B: '1' }));
  });

  void it('when compose is rendered with profiling, then each node gets the override and publishes its pprof port on loopback', () => {
    const containers = resolveTopology(defaultTopologySpec, DEFAULT_BASE_PORT, {
      ordering: 'raft',
      hosts: 'containers',
    });
    const doc = parse(renderCompose(containers, tuningFromEnv({ MEDLEDGER_PROFILING: '1' }))) as {
      services: Partial<Record<string, { environment?: Record<string, string>; ports?: string[] }>>;
    };
    const p0 = containers.peerOrgs[0]?.peerNodes[0];
    const o0 = containers.ordererOrg.nodes[0];
    assert.ok(p0 && o0);
    const ps = doc.services[p0.shortName];
    const os = doc.services[o0.shortName];
    assert.ok(ps && os);
    assert.equal(ps.environment?.['CORE_PEER_PROFILE_LISTENADDRESS'], `0.0.0.0:${String(p0.profilePort)}`);
    assert.ok(ps.ports?.includes(`127.0.0.1:${String(p0.profilePort)}:${String(p0.profilePort)}`));
    assert.equal(os.environment?.['ORDERER_GENERAL_PROFILE_ENABLED'], 'true');
    assert.ok(os.ports?.includes(`127.0.0.1:${String(o0.profilePort)}:${String(o0.profilePort)}`));
  });

  void it("when compose is rendered, then its peers and orderers keep Go's own GOMAXPROCS unless MEDLEDGER_GOMAXPROCS names one", () => {
    const containers = resolveTopology(defaultTopologySpec, DEFAULT_BASE_PORT, {
      ordering: 'raft',
      hosts: 'containers',
    });
    const goMaxProcsOf = (env: NodeJS.ProcessEnv): (string | undefined)[] => {
      const doc = parse(renderCompose(containers, tuningFromEnv(env))) as {
        services: Partial<Record<string, { environment?: Record<string, string> }>>;
      };
      const nodes = [
        ...containers.peerOrgs.flatMap((o) => o.peerNodes.map((p) => p.shortName)),
        ...containers.ordererOrg.nodes.map((n) => n.shortName),
      ];
      return nodes.map((name) => doc.services[name]?.environment?.['GOMAXPROCS']);
    };
    assert.ok(goMaxProcsOf({}).every((v) => v === undefined));
    const set = goMaxProcsOf({ MEDLEDGER_GOMAXPROCS: '1' });
    assert.equal(set.length, 9);
    assert.ok(set.every((v) => v === '1'));
  });

  void it('when compose is rendered, then its nodes log at the levels the local network uses: warning unless MEDLEDGER_FABRIC_LOGGING or MEDLEDGER_CHAINCODE_LOGGING asks otherwise', () => {
    const containers = resolveTopology(defaultTopologySpec, DEFAULT_BASE_PORT, {
      ordering: 'raft',
      hosts: 'containers',
    });
    const levelsOf = (env: NodeJS.ProcessEnv): string[] => {
      const doc = parse(renderCompose(containers, tuningFromEnv(env))) as {
        services: Partial<Record<string, { environment?: Record<string, string> }>>;
      };
      const fabric = [
        ...containers.peerOrgs.flatMap((o) => o.peerNodes.map((p) => p.shortName)),
        ...containers.ordererOrg.nodes.map((n) => n.shortName),
      ].map((name) => doc.services[name]?.environment?.['FABRIC_LOGGING_SPEC'] ?? 'unset');
      const chaincode = containers.peerOrgs.map(
        (o) => doc.services[`chaincode-${o.slug}`]?.environment?.['CORE_CHAINCODE_LOGGING_LEVEL'] ?? 'unset',
      );
      return [...new Set([...fabric.map((l) => `fabric ${l}`), ...chaincode.map((l) => `chaincode ${l}`)])];
    };
    // The same spec the local network starts its nodes with.
    assert.equal(fabricLoggingSpec({}), 'warning');
    assert.deepEqual(levelsOf({}), ['fabric warning', 'chaincode warning']);
    assert.deepEqual(
      levelsOf({ MEDLEDGER_FABRIC_LOGGING: 'gossip=warning:info', MEDLEDGER_CHAINCODE_LOGGING: 'info' }),
      ['fabric gossip=warning:info', 'chaincode info'],
    );
  });

  void it('when the relaxed gossip profile is asked, then every peer gets its intervals as core.yaml overrides, and the fabric profile (the default) gets none and another fingerprint', () => {
    const relaxed = peerTuningEnv(
      tuningFromEnv({ MEDLEDGER_GOSSIP: 'relaxed' }),
      peer ?? assert.fail(),
      '127.0.0.1',
    );
    assert.deepEqual(relaxed, {
      CORE_LEDGER_HISTORY_ENABLEHISTORYDATABASE: 'false',
      CORE_PEER_GOSSIP_REQUESTSTATEINFOINTERVAL: '20s',
      CORE_PEER_GOSSIP_PULLINTERVAL: '10s',
      CORE_PEER_GOSSIP_ALIVETIMEINTERVAL: '10s',
      CORE_PEER_GOSSIP_ALIVEEXPIRATIONTIMEOUT: '50s',
    });
    const fabric = peerTuningEnv(
      tuningFromEnv({ MEDLEDGER_GOSSIP: 'fabric' }),
      peer ?? assert.fail(),
      '127.0.0.1',
    );
    assert.deepEqual(gossipEnv('fabric'), {});
    assert.notEqual(tuningFingerprint(relaxed), tuningFingerprint(fabric));
    assert.deepEqual(peerTuningEnv(tuningFromEnv({}), peer ?? assert.fail(), '127.0.0.1'), fabric);
    assert.equal(
      orderer &&
        Object.keys(ordererTuningEnv(tuningFromEnv({ MEDLEDGER_GOSSIP: 'relaxed' }), orderer, '127.0.0.1'))
          .length,
      0,
    );
  });

  void it('when a gossip profile is rendered, then each key is a peer.gossip duration Fabric parses and alive expiry stays five alive intervals', () => {
    for (const keys of Object.values(GOSSIP_PROFILES)) {
      const values: Readonly<Record<string, string>> = keys;
      for (const [key, value] of Object.entries(values)) {
        assert.match(key, /^peer\.gossip\.[a-zA-Z]+$/);
        assert.match(value, /^[1-9][0-9]*(ms|s|m)$/);
      }
      const seconds = (v: string | undefined): number => Number(v?.replace(/s$/, '') ?? NaN);
      if (values['peer.gossip.aliveTimeInterval'] !== undefined)
        assert.equal(
          seconds(values['peer.gossip.aliveExpirationTimeout']),
          5 * seconds(values['peer.gossip.aliveTimeInterval']),
        );
    }
    assert.equal(
      coreYamlEnvName('peer.gossip.publishStateInfoInterval'),
      'CORE_PEER_GOSSIP_PUBLISHSTATEINFOINTERVAL',
    );
    assert.throws(
      () => tuningFromEnv({ MEDLEDGER_GOSSIP: 'lazy' }),
      /MEDLEDGER_GOSSIP must be fabric or relaxed/,
    );
  });

  void it('when compose is rendered with the relaxed gossip profile, then each peer container gets the intervals', () => {
    const containers = resolveTopology(defaultTopologySpec, DEFAULT_BASE_PORT, {
      ordering: 'raft',
      hosts: 'containers',
    });
    const doc = parse(renderCompose(containers, tuningFromEnv({ MEDLEDGER_GOSSIP: 'relaxed' }))) as {
      services: Partial<Record<string, { environment?: Record<string, string> }>>;
    };
    for (const org of containers.peerOrgs)
      for (const p of org.peerNodes)
        assert.equal(
          doc.services[p.shortName]?.environment?.['CORE_PEER_GOSSIP_REQUESTSTATEINFOINTERVAL'],
          '20s',
        );
  });
});
