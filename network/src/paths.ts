import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { OrdererNode, PeerNode, PeerOrg, Topology } from './topology';

/** The repository root (network/dist/.. /..). */
export const repoRoot = resolve(__dirname, '..', '..');

/** Fabric and Fabric CA versions the network is built for (docs/architecture.md, the consortium). */
export const FABRIC_VERSION = '3.1.5';
export const FABRIC_COMMIT = '86c1172bec37e6590c6b1ae6f847833df48d65fc';
export const FABRIC_CA_VERSION = '1.5.21';

/**
 * Where generated state lives: `.medledger/` in the clone (ignored by git), or `MEDLEDGER_HOME`.
 * Two networks side by side use two homes and two base ports.
 */
export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.MEDLEDGER_HOME ?? join(repoRoot, '.medledger'));
}

/** Per-user cache of built binaries, keyed by version, shared by every clone and CI run. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME ?? join(homedir(), '.cache');
  return join(base, 'medledger');
}

/** The layout of the state folder. */
export class StatePaths {
  constructor(readonly root: string) {}

  get configDir(): string {
    return join(this.root, 'config');
  }
  get cryptoDir(): string {
    return join(this.root, 'crypto');
  }
  get logsDir(): string {
    return join(this.root, 'logs');
  }
  get runDir(): string {
    return join(this.root, 'run');
  }
  get genesisBlock(): string {
    return join(this.configDir, 'genesis.block');
  }
  /** The chaincode definition's collections config (rendered from the topology). */
  get collectionsConfig(): string {
    return join(this.configDir, 'collections_config.json');
  }
  get networkFile(): string {
    return join(this.root, 'network.json');
  }
  /** The topology options (ordering, hosts) the state was generated for. */
  get optionsFile(): string {
    return join(this.root, 'topology-options.json');
  }
  /** The number of peer orgs the state was generated with (`MEDLEDGER_ORGS`, see `consortiumOfSize`). */
  get orgCountFile(): string {
    return join(this.root, 'consortium-size.json');
  }
  /** What governance decided after generation: admitted orgs, the committed chaincode definition. */
  get governanceFile(): string {
    return join(this.root, 'governance.json');
  }
  /** Working files of channel configuration updates (fetched config, update, signatures). */
  get configUpdatesDir(): string {
    return join(this.root, 'config-updates');
  }
  nodeDir(name: string): string {
    return join(this.root, 'nodes', name);
  }
  caHome(org: PeerOrg): string {
    return join(this.root, 'cas', org.slug);
  }
  usersDir(org: PeerOrg): string {
    return join(this.root, 'users', org.slug);
  }
  userMsp(org: PeerOrg, userId: string): string {
    return join(this.usersDir(org), userId, 'msp');
  }
  /** The org's bench-loader identity (benchmark networks only), apart from the people and wallets. */
  benchLoaderDir(org: PeerOrg): string {
    return join(this.root, 'bench-loader', org.slug);
  }
  /**
   * The org's keyring (its key-encryption keys of content at rest), for its chaincode server only:
   * the folder is 0700 and the file 0600.
   */
  keyringFile(org: PeerOrg): string {
    return join(this.root, 'keyrings', org.slug, 'keyring.json');
  }
  chaincodeDir(org: PeerOrg): string {
    return join(this.root, 'chaincode', org.slug);
  }
  gatewayDir(org: PeerOrg): string {
    return join(this.root, 'gateways', org.slug);
  }
  logFile(processName: string): string {
    return join(this.logsDir, `${processName}.log`);
  }
  pidFile(processName: string): string {
    return join(this.runDir, `${processName}.pid`);
  }

  // cryptogen output layout
  ordererOrgDir(topology: Topology): string {
    return join(this.cryptoDir, 'ordererOrganizations', topology.ordererOrg.domain);
  }
  peerOrgDir(org: PeerOrg): string {
    return join(this.cryptoDir, 'peerOrganizations', org.domain);
  }
  ordererNodeDir(topology: Topology, node: OrdererNode): string {
    return join(this.ordererOrgDir(topology), 'orderers', node.name);
  }
  peerNodeDir(peer: PeerNode): string {
    return join(this.peerOrgDir(peer.org), 'peers', peer.name);
  }
  /** A cryptogen node that is not a peer (chaincode server, gateway TLS client). */
  orgNodeDir(org: PeerOrg, host: string): string {
    return join(this.peerOrgDir(org), 'peers', `${host}.${org.domain}`);
  }
  ordererAdminDir(topology: Topology): string {
    return join(this.ordererOrgDir(topology), 'users', `Admin@${topology.ordererOrg.domain}`);
  }
  peerAdminDir(org: PeerOrg): string {
    return join(this.peerOrgDir(org), 'users', `Admin@${org.domain}`);
  }
  tlsCaCert(orgDir: string, domain: string): string {
    return join(orgDir, 'tlsca', `tlsca.${domain}-cert.pem`);
  }
  orgCaCert(orgDir: string, domain: string): string {
    return join(orgDir, 'ca', `ca.${domain}-cert.pem`);
  }
}
