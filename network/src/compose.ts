import { spawnSync } from 'node:child_process';
import { KEYRING_FILE_ENV } from '@medledger/domain';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { buildGoModule } from './binaries';
import {
  BFT_REPLICATION,
  EVERY_PEER_PULLS_BLOCKS,
  PRIVATE_DATA_PULL_THRESHOLD,
  runtimeParams,
  SKIP_PULLING_INVALID,
} from './render';
import { cacheDir, FABRIC_CA_VERSION, FABRIC_VERSION } from './paths';
import type { OrdererNode, PeerNode, PeerOrg, Topology } from './topology';
import { allPeers } from './topology';
import {
  chaincodeLoggingLevel,
  fabricLogging,
  NO_TUNING,
  ordererTuningEnv,
  peerTuningEnv,
  type Tuning,
} from './tuning';

/** The peer's `chaincode.runtimeParams` as the native core.yaml has them, as environment variables. */
function peerRuntimeEnv(topology: Topology): Record<string, string> {
  const p = runtimeParams(topology);
  return {
    CORE_CHAINCODE_RUNTIMEPARAMS_USEWRITEBATCH: String(p.useWriteBatch),
    CORE_CHAINCODE_RUNTIMEPARAMS_MAXSIZEWRITEBATCH: String(p.maxSizeWriteBatch),
    CORE_CHAINCODE_RUNTIMEPARAMS_USEGETMULTIPLEKEYS: String(p.useGetMultipleKeys),
    CORE_CHAINCODE_RUNTIMEPARAMS_MAXSIZEGETMULTIPLEKEYS: String(p.maxSizeGetMultipleKeys),
  };
}

/**
 * `docker-compose.yaml` for container deployments: the same topology as the native network, on the
 * official Hyperledger images, with the chaincode servers and REST gateways built from this repository.
 *
 * The services share one user-defined network, `medledger`, where each is reached by its topology host
 * name (`peer0.hospital1.medledger.local`, `orderer0.orderer.medledger.local`, ...: a network alias of
 * the service, and the name its TLS certificates carry) and by its service name. So the topology must
 * be resolved for containers (`hosts: 'containers'`): every address a service dials is a host name,
 * every process listens on all of its container's addresses, and the ports the tools on the host need
 * are published on 127.0.0.1 (orderers' main and admin ports, peers, CAs); the REST gateways' ports are
 * published on every address of the host. Every file the services open comes from
 * `MEDLEDGER_HOSTS=containers npm run network:generate` (`writeServiceState` beside cryptogen's tree);
 * each service mounts only the part of `.medledger/` its process opens (see `cryptoMount` and
 * `gatewayMounts`), never the whole folder, and this repository's processes run as `STATE_OWNER`.
 * `tuning` adds the peers' and orderers' performance switches (`tuning.ts`), publishing their pprof
 * ports on 127.0.0.1 when profiling; the Node processes' `--cpu-prof` is for the native network only.
 */
export function renderCompose(topology: Topology, tuning: Tuning = NO_TUNING): string {
  if (topology.options.hosts !== 'containers') {
    throw new Error('docker-compose.yaml is rendered from a topology resolved for containers');
  }
  const services: Record<string, unknown> = {};
  for (const node of topology.ordererOrg.nodes)
    services[node.shortName] = ordererService(topology, node, tuning);
  for (const org of topology.peerOrgs) services[`ca-${org.slug}`] = caService(org);
  for (const peer of allPeers(topology)) services[peer.shortName] = peerService(topology, peer, tuning);
  for (const org of topology.peerOrgs) services[`chaincode-${org.slug}`] = chaincodeService(org, tuning);
  for (const org of topology.peerOrgs) services[`gateway-${org.slug}`] = gatewayService(topology, org);
  const volumes: Record<string, null> = {};
  for (const name of [
    ...topology.ordererOrg.nodes.map((n) => n.shortName),
    ...allPeers(topology).map((p) => p.shortName),
  ]) {
    volumes[`${name}-data`] = null;
  }
  const header = [
    '# Generated from network/src/topology.ts by `npm run network:compose`; do not edit by hand.',
    '# Prepare the state first with `MEDLEDGER_HOSTS=containers npm run network:generate` (certificates,',
    '# genesis block, packages, keyrings, CA credentials and gateway folders, naming the hosts below), then',
    '# `MEDLEDGER_USER="$(id -u):$(id -g)" docker compose up -d` (the chaincode servers and gateways run as',
    "# the state's owner) and `npm run network:deploy` (channel join, chaincode lifecycle with the sealed",
    "# collections config, the consortium and collection keys on the ledger, each org's people enrolled",
    "# from its CA into its gateway's wallet and registered on chain).",
    '',
  ].join('\n');
  const networks = { [NETWORK]: { name: NETWORK, driver: 'bridge' } };
  return (
    header + stringify({ name: 'medledger', services, networks, volumes }, { lineWidth: 0, nullStr: '' })
  );
}

const STATE = './.medledger';
const CRYPTO = '/var/hyperledger/crypto';
const KEYRING_DIR = '/var/hyperledger/keyring';
/** Where a gateway sees its part of the state folder: the same layout as on the host, so relative paths agree. */
const GATEWAY_STATE = '/app/.medledger';
const NETWORK = 'medledger';
/**
 * Who MedLedger's own containers (chaincode servers, gateways) run as: `MEDLEDGER_USER` (`uid:gid`) when
 * set, else the image's `node` user (uid 1000). The state's keys and secrets are written with mode 0600
 * by whoever ran `network:generate`, and these processes read them (and the gateways write their
 * wallets and databases), so set it to that user: `MEDLEDGER_USER="$(id -u):$(id -g)" docker compose up -d`.
 * The Fabric images run as root and read the files whoever owns them.
 */
const STATE_OWNER = '${MEDLEDGER_USER:-node}';

/*
 * Least privilege: each container mounts only what its process opens, and never a folder that holds
 * another node's or another org's private key. A TLS CA's certificate sits beside that CA's key
 * (`tlsca/priv_sk`) and a peer's `tls/ca.crt` beside its `server.key`, so the certificates others must
 * trust are mounted one file at a time. Every crypto path keeps its place in cryptogen's layout under
 * `CRYPTO` (or `GATEWAY_STATE/crypto`), so the paths the configs name read the same everywhere.
 */

/** A read-only mount of `rel` (a path inside `crypto/`) at its place under `root`. */
function cryptoMount(rel: string, root: string = CRYPTO): string {
  return `${STATE}/crypto/${rel}:${root}/${rel}:ro`;
}

function ordererOrgRel(topology: Topology): string {
  return `ordererOrganizations/${topology.ordererOrg.domain}`;
}
function peerOrgRel(org: PeerOrg): string {
  return `peerOrganizations/${org.domain}`;
}
/** An org's TLS CA certificate (public; its key is beside it and never mounted). */
function tlsCaRel(orgRel: string, domain: string): string {
  return `${orgRel}/tlsca/tlsca.${domain}-cert.pem`;
}
function ordererTlsCaRel(topology: Topology): string {
  return tlsCaRel(ordererOrgRel(topology), topology.ordererOrg.domain);
}
function peerTlsCaRel(org: PeerOrg): string {
  return tlsCaRel(peerOrgRel(org), org.domain);
}
/** The TLS certificates peers and orderers accept clients from: the orderer org's and every peer org's. */
function clientRootRels(topology: Topology): string[] {
  return [ordererTlsCaRel(topology), ...topology.peerOrgs.map(peerTlsCaRel)];
}

/** The service's place on the network: its host name as an alias, so TLS names and DNS agree. */
function onNetwork(host: string): Record<string, unknown> {
  return { hostname: host, networks: { [NETWORK]: { aliases: [host] } } };
}

/** Ports the host's tools use, published on the host's loopback only. */
function hostOnly(ports: readonly number[]): string[] {
  return ports.map((p) => `127.0.0.1:${String(p)}:${String(p)}`);
}

function ordererService(topology: Topology, node: OrdererNode, tuning: Tuning): unknown {
  const nodeRel = `${ordererOrgRel(topology)}/orderers/${node.name}`;
  const dir = `${CRYPTO}/${nodeRel}`;
  const clientRoots = clientRootRels(topology).map((rel) => `${CRYPTO}/${rel}`);
  const listen = topology.ordererOrg.listenHost;
  return {
    image: `hyperledger/fabric-orderer:${FABRIC_VERSION}`,
    container_name: node.name,
    ...onNetwork(node.host),
    restart: 'unless-stopped',
    environment: {
      FABRIC_LOGGING_SPEC: fabricLogging(tuning),
      ORDERER_GENERAL_LISTENADDRESS: listen,
      ORDERER_GENERAL_LISTENPORT: String(node.port),
      ORDERER_GENERAL_BOOTSTRAPMETHOD: 'none',
      ORDERER_GENERAL_LOCALMSPID: topology.ordererOrg.mspId,
      ORDERER_GENERAL_LOCALMSPDIR: `${dir}/msp`,
      ORDERER_GENERAL_TLS_ENABLED: 'true',
      ORDERER_GENERAL_TLS_PRIVATEKEY: `${dir}/tls/server.key`,
      ORDERER_GENERAL_TLS_CERTIFICATE: `${dir}/tls/server.crt`,
      ORDERER_GENERAL_TLS_ROOTCAS: `[${dir}/tls/ca.crt]`,
      ORDERER_GENERAL_TLS_CLIENTAUTHREQUIRED: 'true',
      ORDERER_GENERAL_TLS_CLIENTROOTCAS: `[${clientRoots.join(',')}]`,
      ORDERER_GENERAL_CLUSTER_CLIENTCERTIFICATE: `${dir}/tls/server.crt`,
      ORDERER_GENERAL_CLUSTER_CLIENTPRIVATEKEY: `${dir}/tls/server.key`,
      ORDERER_GENERAL_CLUSTER_ROOTCAS: `[${dir}/tls/ca.crt]`,
      ORDERER_CHANNELPARTICIPATION_ENABLED: 'true',
      ORDERER_ADMIN_LISTENADDRESS: `${listen}:${String(node.adminPort)}`,
      ORDERER_ADMIN_TLS_ENABLED: 'true',
      ORDERER_ADMIN_TLS_CERTIFICATE: `${dir}/tls/server.crt`,
      ORDERER_ADMIN_TLS_PRIVATEKEY: `${dir}/tls/server.key`,
      ORDERER_ADMIN_TLS_ROOTCAS: `[${dir}/tls/ca.crt]`,
      ORDERER_ADMIN_TLS_CLIENTAUTHREQUIRED: 'true',
      ORDERER_ADMIN_TLS_CLIENTROOTCAS: `[${dir}/tls/ca.crt]`,
      ORDERER_OPERATIONS_LISTENADDRESS: `${listen}:${String(node.operationsPort)}`,
      ORDERER_METRICS_PROVIDER: 'prometheus',
      ORDERER_FILELEDGER_LOCATION: '/var/hyperledger/production/orderer',
      ...(topology.ordererType === 'BFT'
        ? {
            ORDERER_CONSENSUS_WALDIR: '/var/hyperledger/production/orderer/smartbft/wal',
            ORDERER_GENERAL_CLUSTER_REPLICATIONPOLICY: BFT_REPLICATION.policy,
            ORDERER_GENERAL_CLUSTER_REPLICATIONPULLTIMEOUT: BFT_REPLICATION.pullTimeout,
            ORDERER_GENERAL_CLUSTER_REPLICATIONRETRYTIMEOUT: BFT_REPLICATION.retryTimeout,
          }
        : {}),
      ...ordererTuningEnv(tuning, node, listen),
    },
    // Its own MSP and TLS material, and the TLS CA certificates it accepts clients from. Channels are
    // joined through the admin port (channel participation), so no genesis block is mounted.
    volumes: [
      cryptoMount(nodeRel),
      ...clientRootRels(topology).map((rel) => cryptoMount(rel)),
      `${node.shortName}-data:/var/hyperledger/production`,
    ],
    ports: hostOnly([node.port, node.adminPort, ...(tuning.profiling ? [node.profilePort] : [])]),
    healthcheck: tcpHealthcheck(node.port),
  };
}

function caService(org: PeerOrg): unknown {
  const orgDir = `${CRYPTO}/${peerOrgRel(org)}`;
  const tlsRel = `${peerOrgRel(org)}/peers/${org.ca.host}/tls`;
  const tls = `${CRYPTO}/${tlsRel}`;
  return {
    image: `hyperledger/fabric-ca:${FABRIC_CA_VERSION}`,
    container_name: `ca.${org.domain}`,
    ...onNetwork(org.ca.host),
    restart: 'unless-stopped',
    environment: {
      FABRIC_CA_SERVER_HOME: '/etc/hyperledger/fabric-ca-server',
      FABRIC_CA_SERVER_OPERATIONS_LISTENADDRESS: `${org.listenHost}:${String(org.caOperationsPort)}`,
    },
    // The bootstrap secret is read from the CA's state folder into the environment of the server
    // (FABRIC_CA_SERVER_BOOT), never written into this file nor onto a command line.
    command: [
      'sh',
      '-c',
      [
        `export FABRIC_CA_SERVER_BOOT=registrar:$$(sed -n 's/.*"secret":"\\([^"]*\\)".*/\\1/p' /etc/hyperledger/fabric-ca-server/registrar.json) &&`,
        `exec fabric-ca-server start --address ${org.listenHost}`,
        `--port ${String(org.caPort)} --ca.name ca-${org.slug}`,
        `--ca.certfile ${orgDir}/ca/ca.${org.domain}-cert.pem --ca.keyfile ${orgDir}/ca/priv_sk`,
        `--tls.enabled --tls.certfile ${tls}/server.crt --tls.keyfile ${tls}/server.key`,
        `--tls.clientauth.type RequireAndVerifyClientCert --tls.clientauth.certfiles ${CRYPTO}/${peerTlsCaRel(org)}`,
      ].join(' '),
    ],
    // The org's CA key and certificate, the CA's own TLS server identity and its TLS CA's certificate
    // (clients must present one of the org's TLS certificates); its home, where the server keeps its
    // database, is the one writable mount.
    volumes: [
      cryptoMount(`${peerOrgRel(org)}/ca`),
      cryptoMount(tlsRel),
      cryptoMount(peerTlsCaRel(org)),
      `${STATE}/cas/${org.slug}:/etc/hyperledger/fabric-ca-server`,
    ],
    ports: hostOnly([org.caPort]),
    healthcheck: tcpHealthcheck(org.caPort),
  };
}

function peerService(topology: Topology, peer: PeerNode, tuning: Tuning): unknown {
  const org = peer.org;
  const nodeRel = `${peerOrgRel(org)}/peers/${peer.name}`;
  const dir = `${CRYPTO}/${nodeRel}`;
  const clientRoots = clientRootRels(topology).map((rel) => `${CRYPTO}/${rel}`);
  const others = org.peerNodes.filter((p) => p !== peer);
  const listen = org.listenHost;
  return {
    image: `hyperledger/fabric-peer:${FABRIC_VERSION}`,
    container_name: peer.name,
    ...onNetwork(peer.host),
    restart: 'unless-stopped',
    environment: {
      FABRIC_LOGGING_SPEC: fabricLogging(tuning),
      CORE_PEER_ID: peer.name,
      CORE_PEER_NETWORKID: `medledger-${String(topology.basePort)}`,
      CORE_PEER_ADDRESS: peer.endpoint,
      CORE_PEER_LISTENADDRESS: `${listen}:${String(peer.port)}`,
      CORE_PEER_CHAINCODEADDRESS: `${peer.dialHost}:${String(peer.chaincodePort)}`,
      CORE_PEER_CHAINCODELISTENADDRESS: `${listen}:${String(peer.chaincodePort)}`,
      CORE_PEER_GOSSIP_BOOTSTRAP: others[0]?.endpoint ?? peer.endpoint,
      CORE_PEER_GOSSIP_EXTERNALENDPOINT: peer.endpoint,
      CORE_PEER_GOSSIP_USELEADERELECTION: String(EVERY_PEER_PULLS_BLOCKS.useLeaderElection),
      CORE_PEER_GOSSIP_ORGLEADER: String(EVERY_PEER_PULLS_BLOCKS.orgLeader),
      CORE_PEER_GOSSIP_PVTDATA_PULLRETRYTHRESHOLD: PRIVATE_DATA_PULL_THRESHOLD,
      CORE_PEER_GOSSIP_PVTDATA_SKIPPULLINGINVALIDTRANSACTIONSDURINGCOMMIT: String(SKIP_PULLING_INVALID),
      CORE_PEER_LOCALMSPID: org.mspId,
      CORE_PEER_MSPCONFIGPATH: `${dir}/msp`,
      CORE_PEER_TLS_ENABLED: 'true',
      CORE_PEER_TLS_CLIENTAUTHREQUIRED: 'true',
      CORE_PEER_TLS_CERT_FILE: `${dir}/tls/server.crt`,
      CORE_PEER_TLS_KEY_FILE: `${dir}/tls/server.key`,
      CORE_PEER_TLS_ROOTCERT_FILE: `${dir}/tls/ca.crt`,
      CORE_PEER_TLS_CLIENTCERT_FILE: `${dir}/tls/server.crt`,
      CORE_PEER_TLS_CLIENTKEY_FILE: `${dir}/tls/server.key`,
      CORE_PEER_TLS_CLIENTROOTCAS_FILES: clientRoots.join(' '),
      // As in the native core.yaml: see `proposalTimeWindowSeconds` in the topology.
      CORE_PEER_AUTHENTICATION_TIMEWINDOW: `${String(topology.proposalTimeWindowSeconds)}s`,
      CORE_LEDGER_STATE_STATEDATABASE: 'goleveldb',
      ...peerRuntimeEnv(topology),
      // The image's core.yaml already registers Fabric's ccaas_builder, which accepts our packages.
      CORE_VM_ENDPOINT: '',
      CORE_OPERATIONS_LISTENADDRESS: `${listen}:${String(peer.operationsPort)}`,
      CORE_METRICS_PROVIDER: 'prometheus',
      ...(topology.ordererType === 'BFT'
        ? {
            CORE_PEER_DELIVERYCLIENT_BLOCKCENSORSHIPTIMEOUTKEY: topology.ordering.bft.peerCensorshipTimeout,
          }
        : {}),
      ...peerTuningEnv(tuning, peer, listen),
    },
    // Its own MSP and TLS material and the TLS CA certificates it accepts clients from; the chaincode
    // server's address and TLS material come inside the installed package (connection.json).
    volumes: [
      cryptoMount(nodeRel),
      ...clientRootRels(topology).map((rel) => cryptoMount(rel)),
      `${peer.shortName}-data:/var/hyperledger/production`,
    ],
    ports: hostOnly([peer.port, ...(tuning.profiling ? [peer.profilePort] : [])]),
    depends_on: topology.ordererOrg.nodes.map((n) => n.shortName),
    healthcheck: tcpHealthcheck(peer.port),
  };
}

function chaincodeService(org: PeerOrg, tuning: Tuning): unknown {
  const tlsRel = `${peerOrgRel(org)}/peers/${org.chaincodeServer.host}/tls`;
  const tls = `${CRYPTO}/${tlsRel}`;
  return {
    build: { context: '.', target: 'runtime' },
    image: 'medledger:local',
    container_name: `chaincode.${org.domain}`,
    ...onNetwork(org.chaincodeServer.host),
    restart: 'unless-stopped',
    user: STATE_OWNER,
    working_dir: '/app/chaincode',
    environment: {
      // fabric-shim's getMspID() reads it (a peer would set it for chaincode it launches).
      CORE_PEER_LOCALMSPID: org.mspId,
      // The path of the org's keyring (never the keys): only this org's chaincode server mounts it.
      [KEYRING_FILE_ENV]: `${KEYRING_DIR}/keyring.json`,
      CORE_CHAINCODE_LOGGING_LEVEL: chaincodeLoggingLevel(tuning),
    },
    // The package id names the org's package; `npm run network:generate` writes it.
    command: [
      'sh',
      '-c',
      [
        'exec node /app/node_modules/fabric-shim/cli server',
        `--chaincode-address ${org.listenHost}:${String(org.chaincodeServerPort)}`,
        `--chaincode-id "$$(cat /var/hyperledger/chaincode/package-id)"`,
        `--chaincode-tls-cert-file ${tls}/server.crt --chaincode-tls-key-file ${tls}/server.key`,
        `--chaincode-tls-client-cacert-file ${tls}/ca.crt --module-path /app/chaincode`,
      ].join(' '),
    ],
    volumes: [
      cryptoMount(tlsRel),
      `${STATE}/chaincode/${org.slug}:/var/hyperledger/chaincode:ro`,
      // The folder, not the file: rotate-key replaces the file by a rename, which a file mount would miss.
      `${STATE}/keyrings/${org.slug}:${KEYRING_DIR}:ro`,
    ],
    healthcheck: tcpHealthcheck(org.chaincodeServerPort),
  };
}

/**
 * What an org's gateway opens (the paths its config names): its own folder (config, wallet, keys,
 * databases: the one writable mount), its own TLS client identity, its org's TLS CA certificate (to
 * dial its CA) and the TLS CA certificate of every peer it may dial, one file each. Never a keyring,
 * a CA's folder or key, or another org's wallet: a gateway sees content in transit, never at rest.
 */
function gatewayMounts(topology: Topology, org: PeerOrg): string[] {
  const file = (rel: string) => cryptoMount(rel, `${GATEWAY_STATE}/crypto`);
  return [
    `${STATE}/gateways/${org.slug}:${GATEWAY_STATE}/gateways/${org.slug}`,
    file(`${peerOrgRel(org)}/peers/${org.gateway.host}/tls`),
    file(peerTlsCaRel(org)),
    ...topology.peerOrgs.flatMap((o) =>
      o.peerNodes.map((p) => file(`${peerOrgRel(o)}/peers/${p.name}/tls/ca.crt`)),
    ),
  ];
}

function gatewayService(topology: Topology, org: PeerOrg): unknown {
  return {
    image: 'medledger:local',
    container_name: `gateway.${org.domain}`,
    ...onNetwork(org.gateway.host),
    restart: 'unless-stopped',
    user: STATE_OWNER,
    working_dir: '/app',
    command: ['node', 'gateway/dist/server.js'],
    environment: { MEDLEDGER_GATEWAY_CONFIG: `${GATEWAY_STATE}/gateways/${org.slug}/config.json` },
    volumes: gatewayMounts(topology, org),
    // The REST API: the one port published on every address of the host.
    ports: [`${String(org.gatewayPort)}:${String(org.gatewayPort)}`],
    depends_on: [...org.peerNodes.map((p) => p.shortName), `ca-${org.slug}`, `chaincode-${org.slug}`],
    healthcheck: {
      test: [
        'CMD',
        'node',
        '-e',
        `fetch('http://127.0.0.1:${String(org.gatewayPort)}/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))`,
      ],
      interval: '10s',
      timeout: '3s',
      retries: 6,
    },
  };
}

/** Inside the container: every process listens on all of the container's addresses, loopback included. */
function tcpHealthcheck(port: number): unknown {
  return {
    test: ['CMD-SHELL', `bash -c '</dev/tcp/127.0.0.1/${String(port)}' || nc -z 127.0.0.1 ${String(port)}`],
    interval: '10s',
    timeout: '3s',
    retries: 6,
  };
}

/** The Docker Compose version used to validate docker-compose.yaml when no `docker compose` is installed. */
export const COMPOSE_VERSION = 'v2.40.3';

/**
 * A Docker Compose CLI to validate the file with: the installed `docker compose` plugin if there is
 * one, else Compose built once from the Go module proxy into the per-user cache. `config` needs no
 * Docker engine.
 */
export function ensureComposeCli(): string {
  const plugin = spawnSync('docker-compose', ['version'], { encoding: 'utf8' });
  if (plugin.status === 0) return 'docker-compose';
  const binDir = join(cacheDir(), `docker-compose-${COMPOSE_VERSION}`);
  const bin = join(binDir, 'docker-compose');
  if (!existsSync(bin)) {
    console.log(`[medledger] building Docker Compose ${COMPOSE_VERSION} into ${binDir} (once per machine)`);
    buildGoModule('github.com/docker/compose/v2', COMPOSE_VERSION, { 'docker-compose': './cmd' }, binDir);
  }
  return bin;
}
