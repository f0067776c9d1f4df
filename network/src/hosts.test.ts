import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { gatewayProcess, renderGatewayConfig } from './gateways';
import {
  inNamespace,
  ipCommand,
  isolatedHostsLeftovers,
  isolatedHostsPlan,
  NETNS_ETC,
  setUpIsolatedHosts,
  tearDownIsolatedHosts,
} from './hosts';
import { StatePaths } from './paths';
import { startProcess, stopProcess, type ProcessSpec } from './processes';
import { tempDir } from './testing/release-server';
import { allPeers, defaultTopologySpec, resolveTopology, type PeerOrg } from './topology';

const roots: string[] = [];
after(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

function orgNamed(orgs: readonly PeerOrg[], name: string): PeerOrg {
  const org = orgs.find((o) => o.name === name);
  if (org === undefined) throw new Error(name);
  return org;
}

/** What a TCP server at `host:port` sends first, or the error code of the attempt. */
function firstLine(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 3000 });
    socket.once('data', (d) => {
      resolve(d.toString('utf8').trim());
      socket.destroy();
    });
    socket.once('timeout', () => {
      resolve('ETIMEDOUT');
      socket.destroy();
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      resolve(err.code ?? err.message);
    });
  });
}

/** A node script that greets every connection with `greeting`, on `0.0.0.0:port`. */
const greeter = (port: number, greeting: string): string[] => [
  '-e',
  `require('node:net').createServer((s) => s.end(${JSON.stringify(`${greeting}\n`)})).listen(${String(port)}, '0.0.0.0')`,
];

describe('isolated hosts', () => {
  const topology = resolveTopology(defaultTopologySpec, 29700, { ordering: 'bft', hosts: 'isolated' });

  it('when planned, then each org and the orderers get a namespace, an address of the subnet, short link names and every host name in one hosts file', () => {
    const plan = isolatedHostsPlan(topology);
    assert.equal(plan.bridge, 'mlbr29700');
    assert.equal(plan.bridgeIp, '10.77.41.1');
    assert.deepEqual(
      plan.hosts.map((h) => [h.namespace, h.ip]),
      [
        ['medledger-29700-orderers', '10.77.41.2'],
        ['medledger-29700-hospital1', '10.77.41.10'],
        ['medledger-29700-hospital2', '10.77.41.11'],
        ['medledger-29700-research', '10.77.41.12'],
        ['medledger-29700-regulator', '10.77.41.13'],
        ['medledger-29700-insurer', '10.77.41.14'],
        ['medledger-29700-hospital3', '10.77.41.15'],
      ],
    );
    for (const name of [plan.bridge, ...plan.hosts.flatMap((h) => [h.hostLink, h.nsLink])]) {
      assert.ok(name.length <= 15, `${name} is longer than a Linux interface name may be`);
    }
    const lines = plan.hostsFile.split('\n');
    assert.ok(lines.includes('127.0.0.1 localhost'));
    for (const node of topology.ordererOrg.nodes) assert.ok(plan.hostsFile.includes(node.host));
    for (const org of topology.peerOrgs) {
      const line = lines.find((l) => l.startsWith(`${org.ip} `)) ?? '';
      for (const host of [org.ca.host, org.chaincodeServer.host, org.gateway.host]) {
        assert.ok(line.split(' ').includes(host), `${host} on ${org.ip}`);
      }
    }
    for (const peer of allPeers(topology))
      assert.match(plan.hostsFile, new RegExp(`${peer.ip} ${peer.host}`));
    assert.throws(() => isolatedHostsPlan(resolveTopology(defaultTopologySpec, 29700)), /isolated hosts/);
  });

  it("when an org's process spec is built, then it runs in the org's namespace through ip netns exec, with the gateway config dialling host names", () => {
    const paths = new StatePaths(join(tempDir('hosts'), 'state'));
    roots.push(paths.root);
    const org = orgNamed(topology.peerOrgs, 'Research');
    const configFile = renderGatewayConfig(topology, paths, org);
    const config = JSON.parse(readFileSync(configFile, 'utf8')) as {
      listen: { host: string };
      peers: { endpoint: string }[];
      ca: { url: string };
    };
    assert.equal(config.listen.host, '0.0.0.0');
    assert.ok(config.peers.every((p) => /^peer0\.[a-z0-9]+\.medledger\.local:\d+$/.test(p.endpoint)));
    assert.equal(config.ca.url, 'https://fabric-ca.research.medledger.local:30000');
    const spec = gatewayProcess(paths, org, configFile);
    assert.equal(spec.command, ipCommand());
    assert.deepEqual(spec.args.slice(0, 4), ['netns', 'exec', 'medledger-29700-research', process.execPath]);
    const plain: ProcessSpec = { ...spec, command: 'x', args: ['y'] };
    assert.equal(inNamespace(plain, undefined), plain);
  });

  it('when set up (as root), then a process in one org namespace reaches another org by host name, this machine reaches it at its address and not on its own loopback, and tearing down leaves nothing', async () => {
    const paths = new StatePaths(join(tempDir('hosts-live'), 'state'));
    roots.push(paths.root);
    const h1 = orgNamed(topology.peerOrgs, 'Hospital1');
    const regulator = orgNamed(topology.peerOrgs, 'Regulator');
    const server = inNamespace(
      {
        name: 'greeter',
        command: process.execPath,
        args: greeter(h1.gatewayPort, `hello from ${h1.gateway.host}`),
        env: { PATH: process.env.PATH ?? '' },
        cwd: paths.root,
        logFile: paths.logFile('greeter'),
        pidFile: paths.pidFile('greeter'),
        ready: async () => (await firstLine(h1.ip, h1.gatewayPort)).startsWith('hello'),
      },
      h1.namespace,
    );
    try {
      setUpIsolatedHosts(topology);
      setUpIsolatedHosts(topology); // a second start finds everything in place
      await startProcess(server, 10_000);
      assert.equal(await firstLine(h1.ip, h1.gatewayPort), `hello from ${h1.gateway.host}`);
      assert.equal(await firstLine('127.0.0.1', h1.gatewayPort), 'ECONNREFUSED');
      const script = `require('node:net').connect(${String(h1.gatewayPort)}, ${JSON.stringify(h1.gateway.host)}).on('data', (d) => { process.stdout.write(d); process.exit(0); })`;
      const across = execFileSync(
        ipCommand(),
        ['netns', 'exec', regulator.namespace ?? '', process.execPath, '-e', script],
        { encoding: 'utf8', timeout: 10_000 },
      );
      assert.equal(across.trim(), `hello from ${h1.gateway.host}`);
      assert.notEqual(isolatedHostsLeftovers(topology).length, 0);
    } finally {
      await stopProcess(server.pidFile);
      tearDownIsolatedHosts(topology);
    }
    assert.deepEqual(isolatedHostsLeftovers(topology), []);
    assert.ok(
      !existsSync(NETNS_ETC) ||
        !execFileSync('ls', [NETNS_ETC], { encoding: 'utf8' }).includes('medledger-29700'),
    );
  });
});
