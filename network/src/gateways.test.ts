import assert from 'node:assert/strict';
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { loadConfig } from '@medledger/gateway/config';
import { mintDevToken, registerDemoPeople, renderGatewayConfig } from './gateways';
import { StatePaths } from './paths';
import { FakeGateway } from './testing/fake-gateway';
import { tempDir } from './testing/release-server';
import { allPeers, defaultTopologySpec, resolveTopology, type PeerOrg } from './topology';

describe('registering the demo people on chain', () => {
  let gateway: FakeGateway;
  let url: string;
  let paths: StatePaths;
  /** What the gateway received: who asked (the token's subject) and what. */
  const received = () => gateway.received.map(({ subject, body }) => ({ subject, body }));
  const topology = resolveTopology(defaultTopologySpec, 29100);
  const orgNamed = (name: string): PeerOrg => {
    const org = topology.peerOrgs.find((o) => o.name === name);
    if (org === undefined) throw new Error(name);
    return org;
  };

  before(async () => {
    gateway = await FakeGateway.start();
    url = gateway.url;
  });
  after(() => gateway.close());
  beforeEach(() => {
    gateway.reset();
    paths = new StatePaths(tempDir('gateways'));
    for (const org of topology.peerOrgs) renderGatewayConfig(topology, paths, org);
  });

  it('when start runs, then the org admin registers each demo person but the admin with their role and department', async () => {
    const done = await registerDemoPeople(paths, orgNamed('Hospital1'), { gatewayUrl: url });
    assert.deepEqual(done, {
      registered: ['hospital1-attending-1', 'hospital1-intern-1', 'hospital1-nurse-1', 'hospital1-ethics-1'],
      already: [],
    });
    assert.deepEqual(received(), [
      {
        subject: 'hospital1-admin',
        body: { enrollmentId: 'hospital1-attending-1', role: 'attending', department: 'cardiology' },
      },
      {
        subject: 'hospital1-admin',
        body: { enrollmentId: 'hospital1-intern-1', role: 'intern', department: 'cardiology' },
      },
      {
        subject: 'hospital1-admin',
        body: { enrollmentId: 'hospital1-nurse-1', role: 'nurse', department: 'oncology' },
      },
      {
        subject: 'hospital1-admin',
        body: { enrollmentId: 'hospital1-ethics-1', role: 'ethics', department: null },
      },
    ]);
  });

  it('when a person has no department (auditor), then it is sent as null', async () => {
    await registerDemoPeople(paths, orgNamed('Regulator'), { gatewayUrl: url });
    assert.deepEqual(received(), [
      {
        subject: 'regulator-admin',
        body: { enrollmentId: 'regulator-auditor-1', role: 'auditor', department: null },
      },
    ]);
  });

  it('when the insurer starts, then its admin registers the claims adjuster, without a department', async () => {
    await registerDemoPeople(paths, orgNamed('Insurer'), { gatewayUrl: url });
    assert.deepEqual(received(), [
      {
        subject: 'insurer-admin',
        body: { enrollmentId: 'insurer-adjuster-1', role: 'adjuster', department: null },
      },
    ]);
  });

  it('when start runs again, then everyone is found registered and nothing fails or is written twice', async () => {
    await registerDemoPeople(paths, orgNamed('Research'), { gatewayUrl: url });
    const again = await registerDemoPeople(paths, orgNamed('Research'), { gatewayUrl: url });
    assert.deepEqual(again, { registered: [], already: ['research-researcher-1'] });
    assert.equal(gateway.onChain.size, 1);
  });

  it('when the gateway is still connecting (503), then the registration is retried', async () => {
    gateway.answers.push(
      { status: 503, code: 'LEDGER_UNAVAILABLE' },
      { status: 503, code: 'LEDGER_UNAVAILABLE' },
    );
    const done = await registerDemoPeople(paths, orgNamed('Regulator'), { gatewayUrl: url });
    assert.deepEqual(done.registered, ['regulator-auditor-1']);
    assert.equal(gateway.received.length, 3);
  });

  it('when the gateway refuses, then start fails naming the org, the person and the answer', async () => {
    gateway.answers.push({ status: 403, code: 'FORBIDDEN' });
    await assert.rejects(
      registerDemoPeople(paths, orgNamed('Hospital2'), { gatewayUrl: url }),
      /Hospital2's admin could not register hospital2-attending-1 on chain: HTTP 403 FORBIDDEN/,
    );
  });

  it('when a dev token is minted, then it names the org, the subject and the gateway as audience', async () => {
    const token = await mintDevToken(paths, orgNamed('Hospital1'), 'hospital1-attending-1');
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Record<
      string,
      unknown
    >;
    assert.equal(payload.sub, 'hospital1-attending-1');
    assert.equal(payload.org, 'Hospital1MSP');
    assert.equal(payload.aud, 'medledger-gateway');
    assert.equal(payload.iss, 'https://idp.hospital1.medledger.local');
  });
});

/** Every string value of a config, with where it is. */
function strings(value: unknown, at = ''): [string, string][] {
  if (typeof value === 'string') return [[at, value]];
  if (value !== null && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => strings(v, `${at}.${k}`));
  return [];
}

describe("a gateway's config wherever its state folder is mounted", () => {
  const topology = resolveTopology(defaultTopologySpec, 29150, { ordering: 'raft', hosts: 'containers' });
  const org = topology.peerOrgs.find((o) => o.name === 'Hospital2');
  if (org === undefined) throw new Error('Hospital2');

  it('when the state folder is moved after rendering, then the config names no absolute path and the gateway resolves every one under the new place, its own files there', async () => {
    const first = join(tempDir('gateway-config'), 'state');
    const file = renderGatewayConfig(topology, new StatePaths(first), org);
    const raw: unknown = JSON.parse(readFileSync(file, 'utf8'));
    assert.deepEqual(
      strings(raw).filter(([, v]) => isAbsolute(v)),
      [],
    );
    const moved = join(tempDir('gateway-config-moved'), 'elsewhere');
    renameSync(first, moved);
    const paths = new StatePaths(moved);
    const config = loadConfig({}, join(paths.gatewayDir(org), 'config.json'));
    const named = strings(config).filter(([, v]) => isAbsolute(v));
    assert.ok(named.length >= allPeers(topology).length + 10, `${String(named.length)} paths`);
    for (const [at, path] of named) assert.ok(path.startsWith(`${moved}/`), `${at}: ${path}`);
    const own = named.filter(([, path]) => path.startsWith(`${paths.gatewayDir(org)}/`));
    assert.equal(own.length, 9);
    for (const [at, path] of own) assert.ok(existsSync(path), `${at}: ${path}`);
    const token = await mintDevToken(paths, org, 'hospital2-nurse-1');
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as {
      sub: string;
    };
    assert.equal(payload.sub, 'hospital2-nurse-1');
  });
});

describe("a gateway's TLS names for the peers it dials", () => {
  it('when every process is on loopback, then each peer is dialled at 127.0.0.1 and its TLS name is the host name its certificate carries', () => {
    const topology = resolveTopology(defaultTopologySpec, 29170);
    const org = topology.peerOrgs[0];
    if (org === undefined) throw new Error('no org');
    const paths = new StatePaths(tempDir('gateway-tls-names'));
    const config = loadConfig({}, renderGatewayConfig(topology, paths, org));
    assert.deepEqual(
      config.peers.map((p) => [p.endpoint.split(':')[0], p.hostnameOverride]),
      allPeers(topology).map((p) => ['127.0.0.1', p.host]),
    );
    assert.ok(config.peers.every((p) => p.hostnameOverride?.endsWith('.medledger.local')));
  });

  it('when the processes run in containers, then each peer is dialled by its host name and needs no other TLS name', () => {
    const topology = resolveTopology(defaultTopologySpec, 29180, { ordering: 'raft', hosts: 'containers' });
    const org = topology.peerOrgs[0];
    if (org === undefined) throw new Error('no org');
    const paths = new StatePaths(tempDir('gateway-tls-names-containers'));
    const config = loadConfig({}, renderGatewayConfig(topology, paths, org));
    assert.deepEqual(
      config.peers.map((p) => [p.endpoint, p.hostnameOverride]),
      allPeers(topology).map((p) => [`${p.host}:${String(p.port)}`, undefined]),
    );
  });
});
