/**
 * The consortium on isolated hosts (`MEDLEDGER_ISOLATED_HOSTS=1`): checks that each org really runs on
 * a host of its own, so that the end-to-end story, which runs in the same test run, crossed a network
 * between hosts that know each other only by name. `scripts/test.mjs` runs this folder only when the
 * running network is on isolated hosts.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, readlinkSync } from 'node:fs';
import { connect } from 'node:net';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { currentTopology, ipCommand, NETNS_ETC, type PeerOrg } from '@medledger/network';
import { useNetwork } from '../support/network';

const run = promisify(execFile);

/** The network namespace a process of the network runs in (by its pid file). */
function netNamespaceOf(processName: string): string {
  const { paths } = currentTopology();
  const pid = readFileSync(paths.pidFile(processName), 'utf8').trim();
  return readlinkSync(`/proc/${pid}/ns/net`);
}

/** Whether a TCP connection from this machine to `host:port` is accepted. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 3000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => {
      resolve(false);
    });
  });
}

/** Whether a process started in `org`'s namespace can open a TCP connection to `host:port`. */
async function acceptsFrom(org: PeerOrg, host: string, port: number): Promise<boolean> {
  const script = `require('node:net').connect(${String(port)}, ${JSON.stringify(host)}).on('connect', () => process.exit(0)).on('error', () => process.exit(3)).setTimeout(3000, () => process.exit(4))`;
  try {
    await run(ipCommand(), ['netns', 'exec', org.namespace ?? '', process.execPath, '-e', script], {
      timeout: 10_000,
    });
    return true;
  } catch {
    return false;
  }
}

describe('when every org runs on a host of its own (isolated hosts)', () => {
  const network = useNetwork();

  it("then each org's peer, CA, chaincode server and gateway share one network namespace, which no other org and not this machine shares", () => {
    assert.equal(network().hosts, 'isolated');
    const { topology } = currentTopology();
    const own = readlinkSync('/proc/self/ns/net');
    const orderers = new Set(topology.ordererOrg.nodes.map((n) => netNamespaceOf(n.shortName)));
    assert.equal(orderers.size, 1, 'the orderers share the orderer org host');
    const seen = new Set([own, ...orderers]);
    for (const org of topology.peerOrgs) {
      const names = [
        ...org.peerNodes.map((p) => p.shortName),
        `ca-${org.slug}`,
        `chaincode-${org.slug}`,
        `gateway-${org.slug}`,
      ];
      const spaces = new Set(names.map(netNamespaceOf));
      assert.equal(spaces.size, 1, `${org.name}: ${names.join(', ')} in one namespace`);
      const [space] = spaces;
      assert.ok(space !== undefined && !seen.has(space), `${org.name} has a host of its own`);
      seen.add(space);
    }
  });

  it("then this machine reaches each org's gateway at the org's own address and not on its loopback", async () => {
    for (const org of network().orgs) {
      assert.ok(org.ip !== undefined && org.ip !== '127.0.0.1', `${org.name} has an address of its own`);
      assert.equal(org.gatewayUrl, `http://${org.ip}:${String(org.gatewayPort)}`);
      assert.equal(await accepts(org.ip, org.gatewayPort), true, `${org.name} gateway at ${org.ip}`);
      assert.equal(await accepts('127.0.0.1', org.gatewayPort), false, `${org.name} gateway on loopback`);
    }
  });

  it("then one org's host reaches another org's peer by its host name and nothing of it on its own loopback, and the machine's /etc/hosts knows none of the names", async () => {
    const { topology } = currentTopology();
    const [hospital1, , , regulator] = topology.peerOrgs;
    assert.ok(hospital1 && regulator);
    const peer = hospital1.peerNodes[0];
    assert.ok(peer);
    assert.equal(await acceptsFrom(regulator, peer.host, peer.port), true, `${peer.host} from Regulator`);
    assert.equal(
      await acceptsFrom(regulator, '127.0.0.1', peer.port),
      false,
      'Hospital1 on Regulator loopback',
    );
    const hostsFile = readFileSync(`${NETNS_ETC}/${regulator.namespace ?? ''}/hosts`, 'utf8');
    assert.match(hostsFile, new RegExp(`^${hospital1.ip.replaceAll('.', '\\.')} .*\\b${peer.host}\\b`, 'm'));
    assert.doesNotMatch(readFileSync('/etc/hosts', 'utf8'), /medledger\.local/);
  });
});
