import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import type { FabricInstall } from './binaries';
import { renderGatewayConfig } from './gateways';
import {
  benchLoaderId,
  caClientCall,
  caProcess,
  enrollBenchLoader,
  enrollDemoUsers,
  forgetBenchLoader,
  GATEWAY_AFFILIATION,
  GATEWAY_REGISTRAR_ATTRS,
  gatewayRegistrarSecret,
  registerGatewayRegistrar,
  registrarSecret,
} from './identities';
import { StatePaths } from './paths';
import { ORG_SERVICE_HOSTS } from './render';
import { FakeCa, type CaCall } from './testing/fake-ca';
import { tempDir } from './testing/release-server';
import { defaultTopologySpec, resolveTopology, type PeerOrg } from './topology';

const roots: string[] = [];
after(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

function fixture(): { paths: StatePaths; org: PeerOrg; install: FabricInstall; calls: () => CaCall[] } {
  const root = tempDir('identities');
  roots.push(root);
  const topology = resolveTopology(defaultTopologySpec, 29300);
  const org = topology.peerOrgs[0];
  if (org === undefined) throw new Error('no org');
  const paths = new StatePaths(join(root, 'state'));
  const orgDir = paths.peerOrgDir(org);
  mkdirSync(join(orgDir, 'ca'), { recursive: true });
  writeFileSync(join(orgDir, 'ca', 'priv_sk'), 'ca key');
  mkdirSync(join(paths.tlsCaCert(orgDir, org.domain), '..'), { recursive: true });
  writeFileSync(paths.tlsCaCert(orgDir, org.domain), 'tls ca');
  const tls = join(paths.orgNodeDir(org, ORG_SERVICE_HOSTS.gateway), 'tls');
  mkdirSync(tls, { recursive: true });
  writeFileSync(join(tls, 'server.crt'), 'crt');
  writeFileSync(join(tls, 'server.key'), 'key');
  const ca = new FakeCa(root);
  const { install } = ca;
  const calls = (): CaCall[] => ca.calls();
  return { paths, org, install, calls };
}

/** Every secret of the org's state: the bootstrap's, the gateway registrar's, each person's. */
function secretsOf(paths: StatePaths, org: PeerOrg, people: readonly string[]): string[] {
  return [
    registrarSecret(paths, org).secret,
    gatewayRegistrarSecret(paths, org).secret,
    ...people.map((id) => readFileSync(join(paths.usersDir(org), id, 'secret'), 'utf8')),
  ];
}

describe('secrets of the CAs stay off command lines (issue 12 hole 9)', () => {
  it('when the CA server is started, then its bootstrap secret is in its environment, not its arguments, and its home is private', () => {
    const { paths, org, install } = fixture();
    const spec = caProcess(install, paths, org);
    const { id, secret } = registrarSecret(paths, org);
    assert.ok(!spec.args.some((a) => a.includes(secret)), 'no argument holds the secret');
    assert.ok(!spec.args.includes('-b'));
    assert.equal(spec.env['FABRIC_CA_SERVER_BOOT'], `${id}:${secret}`);
    assert.equal(statSync(paths.caHome(org)).mode & 0o777, 0o700);
    assert.equal(statSync(join(paths.caHome(org), 'registrar.json')).mode & 0o777, 0o600);
  });

  it('when people and the gateway registrar are registered and enrolled, then no fabric-ca-client call has a secret in its arguments; each gets it from its environment', () => {
    const { paths, org, install, calls } = fixture();
    const people = enrollDemoUsers(install, paths, org);
    registerGatewayRegistrar(install, paths, org);
    assert.ok(people.length >= 3);
    const secrets = secretsOf(paths, org, people);
    const all = calls();
    assert.ok(all.length >= 2 * people.length + 3, `${String(all.length)} calls`);
    for (const call of all) {
      for (const secret of secrets) {
        assert.ok(
          !call.args.some((a) => a.includes(secret)),
          `${call.args.slice(0, 2).join(' ')}: secret in argv`,
        );
      }
    }
    // Each secret reached the client through the environment.
    const envText = all.map((c) => JSON.stringify(c.env)).join('\n');
    for (const secret of secrets) assert.ok(envText.includes(secret));
    // The gateway's registrar: clients only, in its own affiliation, nothing else.
    const register = all.find((c) => c.args[0] === 'register' && c.args.includes('gateway-registrar'));
    assert.ok(register);
    const flag = (name: string) => register.args[register.args.indexOf(name) + 1];
    assert.equal(flag('--id.type'), 'client');
    assert.equal(flag('--id.affiliation'), GATEWAY_AFFILIATION);
    assert.equal(flag('--id.attrs'), GATEWAY_REGISTRAR_ATTRS);
    assert.deepEqual(Object.fromEntries(GATEWAY_REGISTRAR_ATTRS.split(',').map((a) => a.split('='))), {
      'hf.Registrar.Roles': 'client',
      'hf.Revoker': 'false',
      'hf.GenCRL': 'false',
      'hf.AffiliationMgr': 'false',
      'hf.IntermediateCA': 'false',
    });
    assert.ok(all.some((c) => c.args.slice(0, 3).join(' ') === `affiliation add ${GATEWAY_AFFILIATION}`));
    // Registered once: a second start calls the CA for nothing.
    const before = all.length;
    enrollDemoUsers(install, paths, org);
    registerGatewayRegistrar(install, paths, org);
    assert.equal(calls().length, before);
  });

  it("when a gateway's config is rendered, then its registrar is the restricted one, never the CA's bootstrap identity", () => {
    const { paths, org } = fixture();
    const topology = resolveTopology(defaultTopologySpec, 29300);
    const configFile = renderGatewayConfig(topology, paths, org);
    const config = JSON.parse(readFileSync(configFile, 'utf8')) as {
      ca: { registrar: { credentialsPath: string } };
    };
    const file = resolve(dirname(configFile), config.ca.registrar.credentialsPath);
    const creds = JSON.parse(readFileSync(file, 'utf8')) as { enrollmentId: string; secret: string };
    assert.deepEqual(creds, {
      enrollmentId: 'gateway-registrar',
      secret: gatewayRegistrarSecret(paths, org).secret,
    });
    assert.notEqual(creds.secret, registrarSecret(paths, org).secret);
    assert.equal(statSync(file).mode & 0o777, 0o600);
  });

  it('when a client call is built, then secrets go to FABRIC_CA_CLIENT_URL and FABRIC_CA_CLIENT_ID_SECRET only', () => {
    const call = caClientCall(['enroll', '-H', '/h'], {
      enroll: { id: 'a@b', secret: 's/ec:ret', url: '127.0.0.1:7054' },
      idSecret: 'other',
    });
    assert.deepEqual(call.args, ['enroll', '-H', '/h']);
    assert.deepEqual(call.env, {
      FABRIC_CA_CLIENT_URL: 'https://a%40b:s%2Fec%3Aret@127.0.0.1:7054',
      FABRIC_CA_CLIENT_ID_SECRET: 'other',
    });
  });
});

describe('the bench loader is a certificate attribute (issue 12 hole 16)', () => {
  it("when a benchmark network starts, then the hospital's bench-loader is an admin registered with medledger.benchLoader=true in its certificate, kept apart from the people; a start without the flag deletes its key", () => {
    const { paths, org, install, calls } = fixture();
    const msp = enrollBenchLoader(install, paths, org);
    assert.equal(msp, join(paths.benchLoaderDir(org), 'msp'));
    assert.ok(existsSync(join(msp, 'keystore')));
    assert.ok(
      !existsSync(join(paths.usersDir(org), benchLoaderId(org))),
      'not among the people a wallet imports',
    );
    const register = calls().find((c) => c.args[0] === 'register' && c.args.includes(benchLoaderId(org)));
    assert.ok(register);
    const flag = (name: string) => register.args[register.args.indexOf(name) + 1];
    assert.equal(flag('--id.type'), 'admin');
    assert.equal(flag('--id.attrs'), 'medledger.benchLoader=true:ecert');
    forgetBenchLoader(paths, org);
    assert.ok(!existsSync(paths.benchLoaderDir(org)));
  });
});
