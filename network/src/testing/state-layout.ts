import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeServiceState } from '../network';
import { StatePaths } from '../paths';
import { renderCryptoConfig } from '../render';
import { demoUsers, ORG_SERVICE_HOSTS, type Topology } from '../topology';

const KEY = '-----BEGIN PRIVATE KEY-----\nnot a real key\n-----END PRIVATE KEY-----\n';
const CERT = '-----BEGIN CERTIFICATE-----\nnot a real certificate\n-----END CERTIFICATE-----\n';

function put(file: string, content: string): void {
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, content);
}

/** An org as cryptogen writes it: its CA and TLS CA (certificate and key side by side), and its MSP. */
function cryptogenOrg(dir: string, domain: string): void {
  put(join(dir, 'ca', `ca.${domain}-cert.pem`), CERT);
  put(join(dir, 'ca', 'priv_sk'), KEY);
  put(join(dir, 'tlsca', `tlsca.${domain}-cert.pem`), CERT);
  put(join(dir, 'tlsca', 'priv_sk'), KEY);
  put(join(dir, 'msp', 'cacerts', `ca.${domain}-cert.pem`), CERT);
  put(join(dir, 'msp', 'tlscacerts', `tlsca.${domain}-cert.pem`), CERT);
  put(join(dir, 'msp', 'config.yaml'), 'NodeOUs:\n  Enable: true\n');
}

/** A node or user as cryptogen writes it: an MSP with its signing key, and TLS material. */
function cryptogenIdentity(dir: string, name: string, domain: string, tls: 'server' | 'client'): void {
  put(join(dir, 'msp', 'cacerts', `ca.${domain}-cert.pem`), CERT);
  put(join(dir, 'msp', 'tlscacerts', `tlsca.${domain}-cert.pem`), CERT);
  put(join(dir, 'msp', 'signcerts', `${name}-cert.pem`), CERT);
  put(join(dir, 'msp', 'keystore', 'priv_sk'), KEY);
  put(join(dir, 'msp', 'config.yaml'), 'NodeOUs:\n  Enable: true\n');
  put(join(dir, 'tls', 'ca.crt'), CERT);
  put(join(dir, 'tls', `${tls}.crt`), CERT);
  put(join(dir, 'tls', `${tls}.key`), KEY);
}

/**
 * Lays out, under `root`, cryptogen's tree as `network:generate` leaves it (the same files `cryptogen
 * generate` writes for the topology's crypto-config.yaml, with stand-in contents, as no Fabric binary
 * runs in unit tests), the genesis block and crypto-config.yaml.
 */
export function layOutCryptogen(topology: Topology, root: string): StatePaths {
  const paths = new StatePaths(root);
  const orderer = paths.ordererOrgDir(topology);
  cryptogenOrg(orderer, topology.ordererOrg.domain);
  for (const node of topology.ordererOrg.nodes)
    cryptogenIdentity(paths.ordererNodeDir(topology, node), node.name, topology.ordererOrg.domain, 'server');
  const ordererAdmin = `Admin@${topology.ordererOrg.domain}`;
  cryptogenIdentity(paths.ordererAdminDir(topology), ordererAdmin, topology.ordererOrg.domain, 'client');
  for (const org of topology.peerOrgs) {
    cryptogenOrg(paths.peerOrgDir(org), org.domain);
    for (const peer of org.peerNodes)
      cryptogenIdentity(paths.peerNodeDir(peer), peer.name, org.domain, 'server');
    for (const host of Object.values(ORG_SERVICE_HOSTS)) {
      const name = `${host}.${org.domain}`;
      cryptogenIdentity(paths.orgNodeDir(org, host), name, org.domain, 'server');
    }
    cryptogenIdentity(paths.peerAdminDir(org), `Admin@${org.domain}`, org.domain, 'client');
  }
  put(paths.genesisBlock, 'genesis block');
  const cryptoConfig = renderCryptoConfig(topology, paths);
  put(cryptoConfig.path, cryptoConfig.content);
  return paths;
}

/**
 * Lays out, under `root`, the state folder `MEDLEDGER_HOSTS=containers npm run network:generate` and a
 * running network leave: cryptogen's tree ({@link layOutCryptogen}), what `network:generate` writes
 * beside it with the network's own code (`writeServiceState`: chaincode packages, keyrings, CA
 * credentials, gateway folders), and what the running services add: each CA's database and secrets
 * its server writes, the people enrolled from it, a wallet entry and a gateway database.
 */
export function layOutState(topology: Topology, root: string): StatePaths {
  const paths = layOutCryptogen(topology, root);
  writeServiceState(topology, paths, Date.UTC(2026, 0, 1));
  for (const org of topology.peerOrgs) {
    const ca = paths.caHome(org);
    put(join(ca, 'fabric-ca-server-config.yaml'), 'registry:\n  identities:\n    - pass: secret\n');
    put(join(ca, 'fabric-ca-server.db'), 'sqlite');
    put(join(ca, 'msp', 'keystore', 'issuer_sk'), KEY);
    put(join(ca, 'registrar-client', 'msp', 'keystore', 'client_sk'), KEY);
    for (const person of demoUsers(org)) {
      put(join(paths.userMsp(org, person.id), 'keystore', 'key_sk'), KEY);
      put(join(paths.userMsp(org, person.id), 'signcerts', 'cert.pem'), CERT);
    }
    put(join(paths.gatewayDir(org), 'wallet', `${org.slug}-admin.id`), 'sealed identity');
    put(join(paths.gatewayDir(org), 'data', 'gateway.sqlite'), 'sqlite');
  }
  return paths;
}
