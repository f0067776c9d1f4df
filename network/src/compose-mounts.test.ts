import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, sep } from 'node:path';
import { after, describe, it } from 'node:test';
import { parse } from 'yaml';
import { parseConfig } from '@medledger/gateway/config';
import { renderCompose } from './compose';
import { writeServiceState } from './network';
import { layOutCryptogen, layOutState } from './testing/state-layout';
import { allPeers, DEFAULT_BASE_PORT, defaultTopologySpec, resolveTopology, type Topology } from './topology';

interface Service {
  user?: string;
  environment?: Record<string, string>;
  command?: string[];
  volumes?: string[];
  tmpfs?: string[];
}

interface Mount {
  /** The state-relative source ('' for the whole state folder), or undefined for a named volume. */
  source: string | undefined;
  target: string;
  readOnly: boolean;
}

function mounts(service: Service): Mount[] {
  return (service.volumes ?? []).map((v) => {
    const [source = '', target = '', mode] = v.split(':');
    const inState = source === './.medledger' || source.startsWith('./.medledger/');
    return {
      source: inState ? source.slice('./.medledger/'.length) : undefined,
      target,
      readOnly: mode === 'ro',
    };
  });
}

function within(path: string, dir: string): boolean {
  return dir === '' || path === dir || path.startsWith(`${dir}/`);
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => statSync(join(dir, f)).isFile())
    .map((f) => f.split(sep).join('/'));
}

/** Secrets by where they are and what they hold: private keys, keystores, wallets, CA homes, keyrings. */
function isSecret(root: string, file: string): boolean {
  const name = file.split('/').pop() ?? '';
  const parts = file.split('/');
  return (
    name.endsWith('_sk') ||
    name.startsWith('priv') ||
    name.endsWith('.key') ||
    parts.includes('keystore') ||
    parts.includes('wallet') ||
    parts[0] === 'cas' ||
    parts[0] === 'keyrings' ||
    readFileSync(join(root, file), 'utf8').includes('PRIVATE KEY')
  );
}

/** The state files a service can read: those under a bind mount, less what a tmpfs hides. */
function readable(root: string, all: readonly string[], service: Service): string[] {
  const hidden = (service.tmpfs ?? []).map((t) => t.split(':')[0] ?? '');
  const binds = mounts(service).filter((m) => m.source !== undefined);
  return all.filter((file) =>
    binds.some((m) => {
      const source = m.source ?? '';
      if (!within(file, source)) return false;
      const inContainer = `${m.target}${file.slice(source.length)}`;
      return !hidden.some((h) => within(inContainer, h));
    }),
  );
}

/** Where, in the state folder, each service may find a private key: its own node's, org's or folder. */
function ownedSecrets(topology: Topology): Map<string, string[]> {
  const crypto = (org: string, rest: string) => `crypto/peerOrganizations/${org}/${rest}`;
  const owned = new Map<string, string[]>();
  for (const node of topology.ordererOrg.nodes)
    owned.set(node.shortName, [
      `crypto/ordererOrganizations/${topology.ordererOrg.domain}/orderers/${node.name}`,
    ]);
  for (const peer of allPeers(topology))
    owned.set(peer.shortName, [crypto(peer.org.domain, `peers/${peer.name}`)]);
  for (const org of topology.peerOrgs) {
    owned.set(`ca-${org.slug}`, [
      crypto(org.domain, 'ca'),
      crypto(org.domain, `peers/${org.ca.host}`),
      `cas/${org.slug}`,
    ]);
    owned.set(`chaincode-${org.slug}`, [
      crypto(org.domain, `peers/${org.chaincodeServer.host}`),
      `chaincode/${org.slug}`,
      `keyrings/${org.slug}`,
    ]);
    owned.set(`gateway-${org.slug}`, [
      crypto(org.domain, `peers/${org.gateway.host}`),
      `gateways/${org.slug}`,
    ]);
  }
  return owned;
}

/** Absolute container paths a service's environment and command name. */
function namedPaths(service: Service): string[] {
  const text = [...Object.values(service.environment ?? {}), ...(service.command ?? [])].join(' ');
  return [...text.matchAll(/(?<![\w.$])\/(?:var|etc|app)\/[^\s,[\]"')]+/g)].map((m) => m[0]);
}

/** The state-relative file a container path shows, or undefined outside every bind mount. */
function resolveInState(
  path: string,
  service: Service,
): { mount: Mount; file: string | undefined } | undefined {
  const mount = mounts(service)
    .filter((m) => path === m.target || path.startsWith(`${m.target}/`))
    .sort((a, b) => b.target.length - a.target.length)[0];
  if (mount === undefined) return undefined;
  if (mount.source === undefined) return { mount, file: undefined };
  const rest = path.slice(mount.target.length);
  return { mount, file: mount.source === '' ? rest.slice(1) : `${mount.source}${rest}` };
}

/** The absolute paths among a config's string values (once resolved, every path it names). */
function absolutePaths(value: unknown): string[] {
  if (typeof value === 'string') return isAbsolute(value) ? [value] : [];
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(absolutePaths);
  return [];
}

for (const ordering of ['raft', 'bft'] as const) {
  const topology = resolveTopology(defaultTopologySpec, DEFAULT_BASE_PORT, { ordering, hosts: 'containers' });
  const root = mkdtempSync(join(tmpdir(), 'medledger-mounts-'));
  const generated = mkdtempSync(join(tmpdir(), 'medledger-generated-'));
  after(() => {
    rmSync(root, { recursive: true, force: true });
    rmSync(generated, { recursive: true, force: true });
  });

  describe(`docker-compose.yaml's mounts (${ordering})`, () => {
    const paths = layOutState(topology, root);
    const all = filesUnder(paths.root);
    const services = (parse(renderCompose(topology)) as { services: Record<string, Service> }).services;
    const owned = ownedSecrets(topology);

    it('when every file each service can read is listed, then no private key, keystore, wallet, CA folder or keyring of another node or org is among them', () => {
      assert.ok(all.filter((f) => isSecret(root, f)).length > 100, 'the laid-out state holds the secrets');
      assert.deepEqual([...owned.keys()].sort(), Object.keys(services).sort());
      for (const [name, service] of Object.entries(services)) {
        const mine = owned.get(name) ?? [];
        const leaked = readable(root, all, service).filter(
          (f) => isSecret(root, f) && !mine.some((dir) => within(f, dir)),
        );
        assert.deepEqual(leaked, [], `${name} can read secrets that are not its own`);
      }
    });

    it("when a gateway's readable files are listed, then it sees no CA key, no CA folder, no keyring and no other org's wallet, but its own folder", () => {
      for (const org of topology.peerOrgs) {
        const files = readable(root, all, services[`gateway-${org.slug}`] ?? {});
        assert.deepEqual(
          files.filter(
            (f) => /\/(ca|tlsca)\/priv_sk$/.test(f) || f.startsWith('cas/') || f.startsWith('keyrings/'),
          ),
          [],
          org.slug,
        );
        const wallets = files.filter((f) => f.split('/').includes('wallet'));
        assert.ok(wallets.length > 0, `${org.slug} sees its own wallet`);
        for (const f of wallets) assert.ok(f.startsWith(`gateways/${org.slug}/`), `${org.slug} sees ${f}`);
        assert.ok(files.includes(`gateways/${org.slug}/credential-issuer.pem`));
      }
    });

    it('when the mounts are listed, then their sources exist, none is mounted inside another, only gateways and CAs write, and nothing hides a mount with a tmpfs', () => {
      for (const [name, service] of Object.entries(services)) {
        const list = mounts(service);
        for (const m of list) {
          if (m.source !== undefined) assert.ok(existsSync(join(root, m.source)), `${name}: ${m.source}`);
          for (const other of list)
            assert.ok(
              other === m || !within(other.target, m.target),
              `${name}: ${other.target} in ${m.target}`,
            );
        }
        const writable = list.filter((m) => m.source !== undefined && !m.readOnly).map((m) => m.source);
        const expected = name.startsWith('gateway-')
          ? [`gateways/${name.slice('gateway-'.length)}`]
          : name.startsWith('ca-')
            ? [`cas/${name.slice('ca-'.length)}`]
            : [];
        assert.deepEqual(writable, expected, name);
        assert.equal(service.tmpfs, undefined, name);
      }
    });
  });

  describe(`docker-compose.yaml on a freshly generated state (${ordering})`, () => {
    // What `network:generate` writes: cryptogen's tree, then the network's own writers; nothing that
    // only a running network (a started CA, an enrollment) adds.
    writeServiceState(topology, layOutCryptogen(topology, generated), Date.UTC(2026, 0, 1));
    const services = (parse(renderCompose(topology)) as { services: Record<string, Service> }).services;

    it('when every path a service names (environment, command) is looked up, then it is inside one of its mounts and the generated state holds it', () => {
      let checked = 0;
      for (const [name, service] of Object.entries(services)) {
        for (const path of namedPaths(service)) {
          if (path.startsWith('/app/') && !path.startsWith('/app/.medledger/')) continue; // in the image
          const found = resolveInState(path, service);
          assert.ok(found, `${name} names ${path}, outside its mounts`);
          if (found.file !== undefined)
            assert.ok(existsSync(join(generated, found.file)), `${name}: ${path}`);
          checked++;
        }
      }
      assert.ok(checked > Object.keys(services).length * 3, `only ${String(checked)} paths checked`);
      for (const org of topology.peerOrgs) {
        const command = (services[`ca-${org.slug}`]?.command ?? []).join(' ');
        assert.ok(command.includes('/etc/hyperledger/fabric-ca-server/registrar.json'), org.slug);
      }
    });

    it("when a gateway's config is read as the gateway reads it in its container, then it names no host path and every file it names is inside the gateway's mounts and generated", () => {
      for (const org of topology.peerOrgs) {
        const service = services[`gateway-${org.slug}`] ?? {};
        const configPath = service.environment?.MEDLEDGER_GATEWAY_CONFIG ?? '';
        const configFile = resolveInState(configPath, service)?.file ?? '';
        const raw: unknown = JSON.parse(readFileSync(join(generated, configFile), 'utf8'));
        assert.deepEqual(absolutePaths(raw), [], `${org.slug}'s config names host paths`);
        const named = absolutePaths(parseConfig(raw, dirname(configPath)));
        assert.ok(
          named.length >= allPeers(topology).length + 12,
          `${org.slug}: ${String(named.length)} paths`,
        );
        for (const path of named) {
          const found = resolveInState(path, service);
          assert.ok(
            found?.file !== undefined,
            `gateway-${org.slug}'s config names ${path}, outside its mounts`,
          );
          assert.ok(existsSync(join(generated, found.file)), path);
        }
      }
    });

    it("when the services that run this repository's image are listed, then each runs as the owner of the state it reads (MEDLEDGER_USER, the image's node user by default)", () => {
      for (const [name, service] of Object.entries(services)) {
        const ours = name.startsWith('gateway-') || name.startsWith('chaincode-');
        assert.equal(service.user, ours ? '${MEDLEDGER_USER:-node}' : undefined, name);
      }
    });
  });
}
