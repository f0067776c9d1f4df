import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmodSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FileWallet, readWalletKey, type WalletIdentity } from '@medledger/gateway/wallet';
import { caName, gatewayRegistrarSecret, GATEWAY_AFFILIATION } from './identities';
import { enrollDeployedPeople, writeServiceState, type NetworkContext } from './network';
import type { StatePaths } from './paths';
import { FakeCa } from './testing/fake-ca';
import { FakeGateway } from './testing/fake-gateway';
import { tempDir } from './testing/release-server';
import { layOutCryptogen } from './testing/state-layout';
import { defaultTopologySpec, demoUsers, resolveTopology, type PeerOrg } from './topology';

const topology = resolveTopology(defaultTopologySpec, 29400, { ordering: 'raft', hosts: 'containers' });
const orgNamed = (name: string): PeerOrg => {
  const org = topology.peerOrgs.find((o) => o.name === name);
  if (org === undefined) throw new Error(name);
  return org;
};
const idsOf = (org: PeerOrg): string[] => demoUsers(org).map((u) => u.id);
const sorted = (ids: readonly string[]): string[] => [...ids].sort();

/** What the org's gateway wallet holds, opened with the gateway's wallet key. */
async function walletOf(paths: StatePaths, org: PeerOrg): Promise<WalletIdentity[]> {
  const dir = paths.gatewayDir(org);
  const wallet = new FileWallet(join(dir, 'wallet'), readWalletKey(join(dir, 'wallet.key')));
  const ids = await wallet.list();
  const identities = await Promise.all(ids.map((id) => wallet.get(id)));
  return identities.filter((i): i is WalletIdentity => i !== undefined);
}

/** Every file under `dir`, with a hash of its content, its mode and when it was last written. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const file = join(entry.parentPath, entry.name);
    const stat = statSync(file);
    const content = entry.isFile() ? createHash('sha256').update(readFileSync(file)).digest('hex') : 'dir';
    out[file] = `${content} ${(stat.mode & 0o777).toString(8)} ${String(stat.mtimeMs)}`;
  }
  return out;
}

describe("network:deploy puts each org's people into its gateway's wallet (containers)", () => {
  const roots: string[] = [];
  const gateways = new Map<string, FakeGateway>();

  before(async () => {
    for (const org of topology.peerOrgs) gateways.set(org.name, await FakeGateway.start());
  });
  after(async () => {
    await Promise.all([...gateways.values()].map((g) => g.close()));
    for (const root of roots) rmSync(root, { recursive: true, force: true });
  });

  /**
   * A state folder as `MEDLEDGER_HOSTS=containers npm run network:generate` leaves it, Fabric CAs that
   * know nobody yet, gateways that have registered nobody on chain, and the deploy step against them.
   */
  function deployment() {
    const root = tempDir('deploy');
    roots.push(root);
    const paths = layOutCryptogen(topology, join(root, 'state'));
    writeServiceState(topology, paths, Date.now());
    const ca = new FakeCa(root);
    for (const gateway of gateways.values()) gateway.reset();
    const ctx: NetworkContext = { install: ca.install, topology, paths, benchLoader: false };
    const gatewayUrl = (org: PeerOrg): string => gateways.get(org.name)?.url ?? '';
    const deploy = () => enrollDeployedPeople(ctx, { timeoutMs: 10_000, gatewayUrl });
    return { paths, ca, deploy };
  }

  it("when the people are deployed, then each person of the topology is enrolled at their own org's CA, is in that org's wallet alone, and that org's admin registers them on chain", async () => {
    const { paths, ca, deploy } = deployment();
    const users = await deploy();
    for (const org of topology.peerOrgs) {
      assert.deepEqual(sorted(users[org.name] ?? []), sorted(idsOf(org)), org.name);
      const wallet = await walletOf(paths, org);
      assert.deepEqual(sorted(wallet.map((i) => i.enrollmentId)), sorted(idsOf(org)), `${org.name}'s wallet`);
      for (const identity of wallet) {
        assert.equal(identity.mspId, org.mspId);
        // The certificate and key its own enrollment at its org's CA wrote.
        assert.match(identity.certificate, new RegExp(`\\n${caName(org)} ${identity.enrollmentId}\\n`));
        assert.match(identity.privateKey, new RegExp(`key of ${identity.enrollmentId}\\n`));
      }
      const registered = ca.registered(caName(org));
      for (const person of demoUsers(org))
        assert.equal(registered[person.id]?.type, person.role === 'admin' ? 'admin' : 'client', person.id);
      assert.equal(registered['gateway-registrar']?.affiliation, GATEWAY_AFFILIATION);
      assert.equal(registered['gateway-registrar'].secret, gatewayRegistrarSecret(paths, org).secret);
      const received = gateways.get(org.name)?.received ?? [];
      assert.deepEqual(
        received.map((r) => r.body.enrollmentId),
        demoUsers(org)
          .filter((p) => p.role !== 'admin')
          .map((p) => p.id),
      );
      for (const r of received) assert.deepEqual([r.subject, r.org], [`${org.slug}-admin`, org.mspId]);
    }
  });

  it('when deploy runs a second time, then nobody is enrolled or registered again and no file is rewritten', async () => {
    const { paths, ca, deploy } = deployment();
    const first = await deploy();
    const calls = ca.calls().length;
    const files = snapshot(paths.root);
    const onChain = topology.peerOrgs.map((org) => gateways.get(org.name)?.onChain.size);
    const second = await deploy();
    assert.deepEqual(second, first);
    assert.equal(ca.calls().length, calls, 'no call to any CA');
    assert.deepEqual(snapshot(paths.root), files);
    assert.deepEqual(
      topology.peerOrgs.map((org) => gateways.get(org.name)?.onChain.size),
      onChain,
      'nobody registered on chain twice',
    );
  });

  it('when a person cannot be enrolled, then deploy names them and their org without their secret, every other person is in their wallet, and the next deploy enrolls them alone', async () => {
    const { paths, ca, deploy } = deployment();
    const hospital2 = orgNamed('Hospital2');
    ca.refuse('enroll', 'hospital2-nurse-1');
    const secretOf = () =>
      readFileSync(join(paths.usersDir(hospital2), 'hospital2-nurse-1', 'secret'), 'utf8');
    await assert.rejects(deploy(), (err: Error) => {
      assert.match(err.message, /Hospital2\b.*hospital2-nurse-1/s);
      assert.ok(!err.message.includes(secretOf()), `the secret is in: ${err.message}`);
      return true;
    });
    for (const org of topology.peerOrgs) {
      const expected = idsOf(org).filter((id) => id !== 'hospital2-nurse-1');
      const wallet = await walletOf(paths, org);
      assert.deepEqual(sorted(wallet.map((i) => i.enrollmentId)), sorted(expected), `${org.name}'s wallet`);
    }
    ca.heal();
    const before = ca.calls().length;
    const users = await deploy();
    assert.ok(users['Hospital2']?.includes('hospital2-nurse-1'));
    const enrolls = ca
      .calls()
      .slice(before)
      .filter((c) => c.args[0] === 'enroll');
    assert.equal(enrolls.length, 1);
    assert.ok(enrolls[0]?.args.some((a) => a.endsWith('hospital2-nurse-1')));
    const wallet = await walletOf(paths, hospital2);
    assert.ok(wallet.some((i) => i.enrollmentId === 'hospital2-nurse-1'));
    assert.ok(gateways.get('Hospital2')?.onChain.has('hospital2-nurse-1'));
  });

  it("when a person's registration at the CA fails, then the next deploy registers and enrolls them", async () => {
    const { paths, ca, deploy } = deployment();
    ca.refuse('register', 'research-researcher-1');
    await assert.rejects(deploy(), /Research\b.*research-researcher-1/s);
    assert.equal(ca.registered(caName(orgNamed('Research')))['research-researcher-1'], undefined);
    ca.heal();
    await deploy();
    const wallet = await walletOf(paths, orgNamed('Research'));
    assert.ok(wallet.some((i) => i.enrollmentId === 'research-researcher-1'));
  });

  it("when the wallets are written, then each wallet file and folder is its owner's alone, even a folder made with wider rights before (as Docker makes a missing mount's source)", async () => {
    const { paths, deploy } = deployment();
    const first = topology.peerOrgs[0];
    assert.ok(first);
    chmodSync(join(paths.gatewayDir(first), 'wallet'), 0o755);
    await deploy();
    for (const org of topology.peerOrgs) {
      const dir = join(paths.gatewayDir(org), 'wallet');
      assert.equal(statSync(dir).mode & 0o777, 0o700, dir);
      const files = readdirSync(dir);
      assert.equal(files.length, idsOf(org).length);
      for (const file of files) assert.equal(statSync(join(dir, file)).mode & 0o777, 0o600, file);
    }
  });

  it('when a gateway is not up yet, then deploy waits for it before registering its people on chain', async () => {
    const { deploy } = deployment();
    const regulator = gateways.get('Regulator');
    assert.ok(regulator);
    regulator.healthy = false;
    setTimeout(() => {
      regulator.healthy = true;
    }, 600);
    await deploy();
    assert.ok(regulator.onChain.has('regulator-auditor-1'));
  });
});
