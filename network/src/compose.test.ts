import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { ensureComposeCli, renderCompose } from './compose';
import { repoRoot } from './paths';
import { allPeers, DEFAULT_BASE_PORT, defaultTopologySpec, resolveTopology } from './topology';

const composeFile = join(repoRoot, 'docker-compose.yaml');
const topology = resolveTopology(defaultTopologySpec, DEFAULT_BASE_PORT);

interface ComposeDoc {
  services: Record<string, { image: string; environment?: Record<string, string>; command?: string[] }>;
}

describe('docker-compose.yaml', () => {
  it('when compared with the native topology, then it is exactly what the topology renders', () => {
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
      assert.equal(env.CORE_PEER_LISTENADDRESS, peer.address);
      assert.equal(env.CORE_PEER_LOCALMSPID, peer.org.mspId);
      assert.equal(env.CORE_PEER_TLS_CLIENTAUTHREQUIRED, 'true');
    }
    for (const node of topology.ordererOrg.nodes) {
      const env = doc.services[node.shortName]?.environment ?? {};
      assert.equal(env.ORDERER_GENERAL_LISTENPORT, String(node.port));
      assert.equal(env.ORDERER_ADMIN_LISTENADDRESS, `127.0.0.1:${node.adminPort}`);
    }
    assert.equal(doc.services.orderer0?.image, 'hyperledger/fabric-orderer:3.1.5');
    assert.equal(doc.services['peer0-hospital1']?.image, 'hyperledger/fabric-peer:3.1.5');
    assert.equal(doc.services['ca-hospital1']?.image, 'hyperledger/fabric-ca:1.5.21');
  });

  it('when parsed by docker compose itself, then it is valid (no engine needed)', () => {
    const cli = ensureComposeCli();
    const result = spawnSync(cli, ['-f', composeFile, 'config', '--quiet'], {
      encoding: 'utf8',
      cwd: repoRoot,
    });
    assert.equal(result.status, 0, result.stderr);
    const services = spawnSync(cli, ['-f', composeFile, 'config', '--services'], {
      encoding: 'utf8',
      cwd: repoRoot,
    });
    assert.equal(
      services.stdout.trim().split('\n').length,
      Object.keys((parse(readFileSync(composeFile, 'utf8')) as ComposeDoc).services).length,
    );
  });
});
