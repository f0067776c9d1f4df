import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { ensureComposeCli, renderCompose } from './compose';
import { repoRoot } from './paths';
import { allPeers, DEFAULT_BASE_PORT, defaultTopologySpec, resolveTopology, type Topology } from './topology';

const composeFile = join(repoRoot, 'docker-compose.yaml');
const topology = resolveTopology(defaultTopologySpec, DEFAULT_BASE_PORT, {
  ordering: 'raft',
  hosts: 'containers',
});

interface ComposeService {
  image: string;
  hostname?: string;
  network_mode?: string;
  networks?: Record<string, { aliases?: string[] }>;
  ports?: string[];
  environment?: Record<string, string>;
  command?: string[];
  volumes?: string[];
}
interface ComposeDoc {
  services: Record<string, ComposeService>;
  networks?: Record<string, { driver?: string }>;
}

/** Runs `docker compose config` on a file: the CLI's own parse, no engine needed. */
function composeConfig(
  file: string,
  ...args: string[]
): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(ensureComposeCli(), ['-f', file, 'config', ...args], { encoding: 'utf8', cwd: repoRoot });
}

/** Every `<name>.medledger.local` a service's environment or command names (what it dials or serves). */
function namedHosts(service: ComposeService): string[] {
  const text = [...Object.values(service.environment ?? {}), ...(service.command ?? [])].join(' ');
  return [...text.matchAll(/\b([a-z0-9-]+(?:\.[a-z0-9-]+)*\.medledger\.local):\d+/g)].map((m) => m[1] ?? '');
}

function parsed(t: Topology): ComposeDoc {
  return parse(renderCompose(t)) as ComposeDoc;
}

describe('docker-compose.yaml', () => {
  it('when compared with the native topology, then it is exactly what the topology renders for containers', () => {
    assert.equal(
      readFileSync(composeFile, 'utf8'),
      renderCompose(topology),
      'docker-compose.yaml is stale: run `npm run network:compose`',
    );
  });

  it('when read, then it has one service per orderer, peer, CA, chaincode server and gateway, on the native ports', () => {
    const doc = parse(readFileSync(composeFile, 'utf8')) as ComposeDoc;
    const expected = [
      ...topology.ordererOrg.nodes.map((n) => n.shortName),
      ...topology.peerOrgs.map((o) => `ca-${o.slug}`),
      ...allPeers(topology).map((p) => p.shortName),
      ...topology.peerOrgs.map((o) => `chaincode-${o.slug}`),
      ...topology.peerOrgs.map((o) => `gateway-${o.slug}`),
    ];
    assert.deepEqual(Object.keys(doc.services).sort(), expected.sort());
    for (const peer of allPeers(topology)) {
      const env = doc.services[peer.shortName]?.environment ?? {};
      assert.equal(env.CORE_PEER_LISTENADDRESS, `0.0.0.0:${String(peer.port)}`);
      assert.equal(env.CORE_PEER_ADDRESS, `${peer.host}:${String(peer.port)}`);
      assert.equal(env.CORE_PEER_LOCALMSPID, peer.org.mspId);
      assert.equal(env.CORE_PEER_TLS_CLIENTAUTHREQUIRED, 'true');
    }
    for (const node of topology.ordererOrg.nodes) {
      const env = doc.services[node.shortName]?.environment ?? {};
      assert.equal(env.ORDERER_GENERAL_LISTENPORT, String(node.port));
      assert.equal(env.ORDERER_ADMIN_LISTENADDRESS, `0.0.0.0:${String(node.adminPort)}`);
    }
    assert.equal(doc.services.orderer0?.image, 'hyperledger/fabric-orderer:3.1.5');
    assert.equal(doc.services['peer0-hospital1']?.image, 'hyperledger/fabric-peer:3.1.5');
    assert.equal(doc.services['ca-hospital1']?.image, 'hyperledger/fabric-ca:1.5.21');
  });

  it("when read, then each chaincode server mounts its own org's keyring folder read-only and is told the file's path; no other service can read a keyring", () => {
    const doc = parse(readFileSync(composeFile, 'utf8')) as ComposeDoc;
    for (const org of topology.peerOrgs) {
      const service = doc.services[`chaincode-${org.slug}`];
      const mounts = (service?.volumes ?? []).filter((v) => v.includes('keyrings'));
      assert.deepEqual(mounts, [`./.medledger/keyrings/${org.slug}:/var/hyperledger/keyring:ro`]);
      assert.equal(service?.environment?.MEDLEDGER_KEYRING_FILE, '/var/hyperledger/keyring/keyring.json');
    }
    const others = Object.entries(doc.services).filter(([name]) => !name.startsWith('chaincode-'));
    for (const [name, service] of others) {
      assert.ok(!(service.volumes ?? []).some((v) => v.includes('keyrings')), `${name} mounts a keyring`);
      assert.equal(service.environment?.MEDLEDGER_KEYRING_FILE, undefined, name);
    }
    // No service mounts the state folder whole (which holds every keyring): see compose-mounts.test.ts.
    for (const [name, service] of Object.entries(doc.services)) {
      assert.ok(
        !(service.volumes ?? []).some((v) => v.startsWith('./.medledger:')),
        `${name} mounts the state`,
      );
    }
  });

  it('when read, then every service is on the medledger network under its host name, none on the host network, and only the gateways are published beyond loopback', () => {
    const doc = parse(readFileSync(composeFile, 'utf8')) as ComposeDoc;
    assert.equal(doc.networks?.medledger?.driver, 'bridge');
    for (const [name, service] of Object.entries(doc.services)) {
      assert.equal(service.network_mode, undefined, `${name} uses the host network`);
      const aliases = service.networks?.medledger?.aliases ?? [];
      assert.equal(aliases.length, 1, name);
      assert.equal(service.hostname, aliases[0], name);
      for (const port of service.ports ?? []) {
        if (name.startsWith('gateway-')) assert.match(port, /^\d+:\d+$/, name);
        else assert.match(port, /^127\.0\.0\.1:\d+:\d+$/, `${name} publishes ${port} beyond loopback`);
      }
    }
    const gateway = doc.services['gateway-hospital2'];
    assert.deepEqual(gateway?.ports, [
      `${String(topology.peerOrgs[1]?.gatewayPort)}:${String(topology.peerOrgs[1]?.gatewayPort)}`,
    ]);
  });

  it('when every address a service names is looked up, then it is the alias of a service on the network (nothing dials 127.0.0.1 across containers)', () => {
    const doc = parse(readFileSync(composeFile, 'utf8')) as ComposeDoc;
    const aliases = new Set(Object.values(doc.services).flatMap((s) => s.networks?.medledger?.aliases ?? []));
    const named = Object.values(doc.services).flatMap(namedHosts);
    assert.ok(named.length >= allPeers(topology).length * 3, `only ${String(named.length)} named addresses`);
    for (const host of named) assert.ok(aliases.has(host), `${host} is no service's alias`);
    for (const [name, service] of Object.entries(doc.services)) {
      for (const [key, value] of Object.entries(service.environment ?? {}))
        assert.doesNotMatch(value, /127\.0\.0\.1/, `${name} ${key}`);
    }
  });

  it('when an org runs two peers, then both pull blocks from the orderers themselves and each bootstraps gossip from the other', () => {
    const twoPeers = resolveTopology(
      {
        ...defaultTopologySpec,
        peerOrgs: defaultTopologySpec.peerOrgs.map((o) => (o.name === 'Hospital1' ? { ...o, peers: 2 } : o)),
      },
      DEFAULT_BASE_PORT,
      { ordering: 'raft', hosts: 'containers' },
    );
    const doc = parsed(twoPeers);
    for (const peer of allPeers(twoPeers)) {
      const env = doc.services[peer.shortName]?.environment ?? {};
      assert.equal(env.CORE_PEER_GOSSIP_USELEADERELECTION, 'false', peer.shortName);
      assert.equal(env.CORE_PEER_GOSSIP_ORGLEADER, 'true', peer.shortName);
    }
    const hospital1 = doc.services['peer1-hospital1']?.environment ?? {};
    assert.equal(hospital1.CORE_PEER_GOSSIP_BOOTSTRAP, 'peer0.hospital1.medledger.local:17110');
  });

  it('when the topology is not resolved for containers, then rendering refuses', () => {
    assert.throws(() => renderCompose(resolveTopology(defaultTopologySpec, DEFAULT_BASE_PORT)), /containers/);
  });

  it('when the network runs BFT ordering, then the file has four orderers with a BFT WAL and peers with the short censorship timeout, and docker compose accepts it', () => {
    const bft = resolveTopology(defaultTopologySpec, DEFAULT_BASE_PORT, {
      ordering: 'bft',
      hosts: 'containers',
    });
    const doc = parsed(bft);
    const orderers = Object.keys(doc.services).filter((n) => n.startsWith('orderer'));
    assert.deepEqual(orderers, ['orderer0', 'orderer1', 'orderer2', 'orderer3']);
    assert.match(doc.services.orderer3?.environment?.ORDERER_CONSENSUS_WALDIR ?? '', /smartbft/);
    assert.equal(
      doc.services['peer0-research']?.environment?.CORE_PEER_DELIVERYCLIENT_BLOCKCENSORSHIPTIMEOUTKEY,
      '5s',
    );
    const dir = mkdtempSync(join(tmpdir(), 'medledger-compose-'));
    try {
      const file = join(dir, 'docker-compose.yaml');
      writeFileSync(file, renderCompose(bft));
      const result = composeConfig(file, '--quiet');
      assert.equal(result.status, 0, result.stderr);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('when parsed by docker compose itself, then it is valid (no engine needed)', () => {
    const result = composeConfig(composeFile, '--quiet');
    assert.equal(result.status, 0, result.stderr);
    const services = composeConfig(composeFile, '--services');
    assert.equal(
      services.stdout.trim().split('\n').length,
      Object.keys((parse(readFileSync(composeFile, 'utf8')) as ComposeDoc).services).length,
    );
    const networks = composeConfig(composeFile, '--networks');
    assert.deepEqual(networks.stdout.trim().split('\n'), ['medledger']);
  });
});
