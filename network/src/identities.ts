import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FabricInstall } from './binaries';
import { runTool } from './fabric-cli';
import type { StatePaths } from './paths';
import { httpsGet, type ProcessSpec, type TlsClient } from './processes';
import { ORG_SERVICE_HOSTS } from './render';
import { demoUsers, type PeerOrg } from './topology';

/** The registrar's credentials, created once per CA and kept in the CA's home (mode 0600). */
export function registrarSecret(paths: StatePaths, org: PeerOrg): { id: string; secret: string } {
  const file = join(paths.caHome(org), 'registrar.json');
  if (!existsSync(file)) {
    mkdirSync(paths.caHome(org), { recursive: true });
    writeFileSync(file, JSON.stringify({ id: 'registrar', secret: randomBytes(18).toString('base64url') }), {
      mode: 0o600,
    });
  }
  return JSON.parse(readFileSync(file, 'utf8')) as { id: string; secret: string };
}

export function caName(org: PeerOrg): string {
  return `ca-${org.slug}`;
}

/** TLS client material an org's services present (the gateway identity from cryptogen). */
export function orgTlsClient(paths: StatePaths, org: PeerOrg): TlsClient {
  const dir = join(paths.orgNodeDir(org, ORG_SERVICE_HOSTS.gateway), 'tls');
  return {
    ca: readFileSync(paths.tlsCaCert(paths.peerOrgDir(org), org.domain)),
    cert: readFileSync(join(dir, 'server.crt')),
    key: readFileSync(join(dir, 'server.key')),
  };
}

/**
 * The org's Fabric CA. It signs with the org's CA key (the one cryptogen made and the channel's MSP
 * trusts), so people enrolled here are members of the org; it serves TLS with a certificate from the
 * org's TLS CA and requires client certificates from it.
 */
export function caProcess(install: FabricInstall, paths: StatePaths, org: PeerOrg): ProcessSpec {
  const orgDir = paths.peerOrgDir(org);
  const tlsDir = join(paths.orgNodeDir(org, ORG_SERVICE_HOSTS.ca), 'tls');
  const registrar = registrarSecret(paths, org);
  const name = `ca-${org.slug}`;
  const keyFile = readdirSync(join(orgDir, 'ca')).find((f) => f.endsWith('_sk'));
  if (keyFile === undefined) throw new Error(`no CA key in ${join(orgDir, 'ca')}`);
  const client = orgTlsClient(paths, org);
  return {
    name,
    command: install.bin('fabric-ca-server'),
    args: [
      'start',
      '--home',
      paths.caHome(org),
      '--address',
      '127.0.0.1',
      '--port',
      String(org.caPort),
      '--ca.name',
      caName(org),
      '--ca.certfile',
      paths.orgCaCert(orgDir, org.domain),
      '--ca.keyfile',
      join(orgDir, 'ca', keyFile),
      '-b',
      `${registrar.id}:${registrar.secret}`,
      '--tls.enabled',
      '--tls.certfile',
      join(tlsDir, 'server.crt'),
      '--tls.keyfile',
      join(tlsDir, 'server.key'),
      '--tls.clientauth.type',
      'RequireAndVerifyClientCert',
      '--tls.clientauth.certfiles',
      paths.tlsCaCert(orgDir, org.domain),
    ],
    env: {
      PATH: process.env.PATH ?? '',
      FABRIC_CA_SERVER_OPERATIONS_LISTENADDRESS: `127.0.0.1:${org.caOperationsPort}`,
    },
    cwd: paths.caHome(org),
    logFile: paths.logFile(name),
    pidFile: paths.pidFile(name),
    ready: async () => (await httpsGet(`https://127.0.0.1:${org.caPort}/cainfo`, client)).status === 200,
  };
}

function caClientFlags(paths: StatePaths, org: PeerOrg): string[] {
  const tls = join(paths.orgNodeDir(org, ORG_SERVICE_HOSTS.gateway), 'tls');
  return [
    '--caname',
    caName(org),
    '--tls.certfiles',
    paths.tlsCaCert(paths.peerOrgDir(org), org.domain),
    '--tls.client.certfile',
    join(tls, 'server.crt'),
    '--tls.client.keyfile',
    join(tls, 'server.key'),
  ];
}

/** NodeOU config so an enrolled MSP folder classifies its certificate as client, admin, peer... */
function nodeOuConfig(caCertFile: string): string {
  const ou = (name: string) =>
    `  ${name}OUIdentifier:\n    Certificate: cacerts/${caCertFile}\n    OrganizationalUnitIdentifier: ${name.toLowerCase()}\n`;
  return `NodeOUs:\n  Enable: true\n${['Client', 'Peer', 'Admin', 'Orderer'].map(ou).join('')}`;
}

/**
 * Registers and enrolls the org's demo people (one per role) from the org's CA into
 * `users/<org>/<id>/msp`. Idempotent: people already enrolled are left alone.
 */
export function enrollDemoUsers(install: FabricInstall, paths: StatePaths, org: PeerOrg): string[] {
  const registrar = registrarSecret(paths, org);
  const registrarHome = join(paths.caHome(org), 'registrar-client');
  const url = `127.0.0.1:${org.caPort}`;
  if (!existsSync(join(registrarHome, 'msp', 'signcerts'))) {
    runTool(install, 'fabric-ca-client', [
      'enroll',
      '-u',
      `https://${registrar.id}:${encodeURIComponent(registrar.secret)}@${url}`,
      '-H',
      registrarHome,
      ...caClientFlags(paths, org),
    ]);
  }
  const enrolled: string[] = [];
  for (const user of demoUsers(org)) {
    const userDir = join(paths.usersDir(org), user.id);
    const msp = join(userDir, 'msp');
    if (existsSync(join(msp, 'signcerts'))) continue;
    mkdirSync(userDir, { recursive: true });
    const secretFile = join(userDir, 'secret');
    if (!existsSync(secretFile)) {
      writeFileSync(secretFile, randomBytes(18).toString('base64url'), { mode: 0o600 });
      runTool(install, 'fabric-ca-client', [
        'register',
        '-u',
        `https://${url}`,
        '-H',
        registrarHome,
        '--id.name',
        user.id,
        '--id.secret',
        readFileSync(secretFile, 'utf8'),
        '--id.type',
        user.role === 'admin' ? 'admin' : 'client',
        ...caClientFlags(paths, org),
      ]);
    }
    runTool(install, 'fabric-ca-client', [
      'enroll',
      '-u',
      `https://${user.id}:${encodeURIComponent(readFileSync(secretFile, 'utf8'))}@${url}`,
      '-H',
      userDir,
      '-M',
      msp,
      ...caClientFlags(paths, org),
    ]);
    const caCert = readdirSync(join(msp, 'cacerts'))[0];
    if (caCert !== undefined) writeFileSync(join(msp, 'config.yaml'), nodeOuConfig(caCert));
    enrolled.push(user.id);
  }
  return enrolled;
}

/** The certificate and private key of an enrolled user. */
export function readUserIdentity(
  paths: StatePaths,
  org: PeerOrg,
  userId: string,
): { cert: string; key: string } {
  const msp = paths.userMsp(org, userId);
  const certFile = readdirSync(join(msp, 'signcerts'))[0];
  const keyFile = readdirSync(join(msp, 'keystore'))[0];
  if (certFile === undefined || keyFile === undefined)
    throw new Error(`${userId} of ${org.name} is not enrolled`);
  return {
    cert: readFileSync(join(msp, 'signcerts', certFile), 'utf8'),
    key: readFileSync(join(msp, 'keystore', keyFile), 'utf8'),
  };
}
