import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join, relative } from 'node:path';
import { ensureEs256PrivateKey, ensureOrgSigningKey, mintToken } from '@medledger/gateway/auth';
import { loadConfig } from '@medledger/gateway/config';
import { FileWallet, readWalletKey } from '@medledger/gateway/wallet';
import {
  caName,
  enrolledUsers,
  gatewayRegistrarSecret,
  readUserIdentity,
  registrarSecret,
} from './identities';
import { repoRoot, type StatePaths } from './paths';
import { inNamespace } from './hosts';
import { treeFingerprint, type ProcessSpec } from './processes';
import { demoUsers, ORG_SERVICE_HOSTS, type PeerOrg, type Topology } from './topology';
import { gatewaySqliteFromEnv, nodeTuningEnv, tuningFingerprint, tuningFromEnv } from './tuning';
import { setTimeout as sleep } from 'node:timers/promises';

/** Issuer and audience of the dev tokens the local network's `npm run token` mints for an org. */
export function devIssuer(org: PeerOrg): string {
  return `https://idp.${org.domain}`;
}
export const DEV_AUDIENCE = 'medledger-gateway';

/**
 * Writes the org's gateway config (the schema is `gatewayConfigSchema` in gateway/src/config.ts; its
 * `ledger.commitTracking` from `MEDLEDGER_COMMIT_TRACKING` when set), its dev token signing key and JWKS, the registrar credentials file, the wallet key, the projection's
 * cursor HMAC key and the SD-JWT issuer key, once (kept across starts: a restarted gateway signs
 * credentials with the same key). The registrar is the gateway's own, restricted one (`registerGatewayRegistrar`),
 * never the CA's bootstrap identity.
 *
 * Every path in the config is relative to the config's own folder (the gateway resolves them against
 * it), so the same file serves a gateway on this machine and one in a container that mounts the state
 * folder elsewhere (`docker-compose.yaml`: `/app/.medledger`). The wallet and data folders are made here too.
 */
export function renderGatewayConfig(topology: Topology, paths: StatePaths, org: PeerOrg): string {
  const dir = paths.gatewayDir(org);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  for (const sub of ['wallet', 'data']) mkdirSync(join(dir, sub), { recursive: true, mode: 0o700 });
  const rel = (file: string) => relative(dir, file);
  const keys = ensureOrgSigningKey(join(dir, 'auth'));
  const walletKey = join(dir, 'wallet.key');
  if (!existsSync(walletKey)) writeFileSync(walletKey, randomBytes(32).toString('hex'), { mode: 0o600 });
  const cursorKey = join(dir, 'cursor.key');
  if (!existsSync(cursorKey)) writeFileSync(cursorKey, randomBytes(32).toString('hex'), { mode: 0o600 });
  const issuerKey = join(dir, 'credential-issuer.pem');
  ensureEs256PrivateKey(issuerKey);
  const registrar = gatewayRegistrarSecret(paths, org);
  const registrarFile = join(dir, 'registrar.json');
  writeFileSync(registrarFile, JSON.stringify({ enrollmentId: registrar.id, secret: registrar.secret }), {
    mode: 0o600,
  });
  const tls = join(paths.orgNodeDir(org, ORG_SERVICE_HOSTS.gateway), 'tls');
  const sqlite = gatewaySqliteFromEnv();
  const config = {
    org: { name: org.name, mspId: org.mspId },
    listen: { host: org.listenHost, port: org.gatewayPort },
    channel: topology.channel,
    chaincode: topology.chaincode.name,
    peers: topology.peerOrgs.flatMap((o) =>
      o.peerNodes.map((p) => ({
        name: p.name,
        mspId: o.mspId,
        endpoint: p.endpoint,
        // On loopback the endpoint is an IP address; the TLS server name is then the host name the
        // peer's certificate carries (Node deprecates an IP address as a TLS server name).
        ...(p.dialHost === p.host ? {} : { hostnameOverride: p.host }),
        tlsRootCertPath: rel(join(paths.peerNodeDir(p), 'tls', 'ca.crt')),
        local: p.name === org.peerNodes[0]?.name,
      })),
    ),
    tlsClient: { certPath: rel(join(tls, 'server.crt')), keyPath: rel(join(tls, 'server.key')) },
    ca: {
      url: `https://${org.ca.endpoint}`,
      caName: caName(org),
      tlsRootCertPath: rel(paths.tlsCaCert(paths.peerOrgDir(org), org.domain)),
      registrar: { credentialsPath: rel(registrarFile) },
    },
    wallet: { dir: 'wallet', keyPath: rel(walletKey) },
    serviceEnrollmentId: `${org.slug}-admin`,
    dataDir: 'data',
    projection: {
      dataDir: 'data',
      cursorKeyPath: rel(cursorKey),
      breakGlassReviewHours: 72,
      alerts: { volumeFactor: 3, volumeMinEvents: 20, denialWindowMinutes: 10, denialThreshold: 5 },
    },
    auth: {
      issuer: devIssuer(org),
      audience: DEV_AUDIENCE,
      jwksPath: rel(keys.jwksPath),
      signingKeyPath: rel(keys.privateKeyPath),
      algorithms: ['ES256'],
      // The dev identity provider mints RFC 9068 access tokens; nothing else it signs is one.
      typ: 'at+jwt',
    },
    credentials: { issuerKeyPath: rel(issuerKey) },
    // Unset: the gateway's default (gatewayConfigSchema validates the value).
    ...(process.env.MEDLEDGER_COMMIT_TRACKING
      ? { ledger: { commitTracking: process.env.MEDLEDGER_COMMIT_TRACKING } }
      : {}),
    ...(sqlite === undefined ? {} : { sqlite }),
    logLevel: 'info',
  };
  const file = join(dir, 'config.json');
  writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  return file;
}

/**
 * Puts the people `npm start` enrolled from the org's CA into the gateway's encrypted wallet, so dev
 * tokens minted for them act with their own Fabric identity. A wallet written before the gateway had
 * its own registrar holds the CA's bootstrap identity: it is removed.
 */
export async function importDemoUsers(paths: StatePaths, org: PeerOrg): Promise<void> {
  const dir = paths.gatewayDir(org);
  const walletDir = join(dir, 'wallet');
  mkdirSync(walletDir, { recursive: true, mode: 0o700 });
  // A folder made before with wider rights (Docker makes a missing mount source 0755) is narrowed.
  chmodSync(walletDir, 0o700);
  const wallet = new FileWallet(walletDir, readWalletKey(join(dir, 'wallet.key')));
  const bootstrap = registrarSecret(paths, org).id;
  if (await wallet.get(bootstrap)) await wallet.remove(bootstrap);
  for (const userId of enrolledUsers(paths, org)) {
    if (await wallet.get(userId)) continue;
    const { cert, key } = readUserIdentity(paths, org, userId);
    await wallet.put({ enrollmentId: userId, mspId: org.mspId, certificate: cert, privateKey: key });
  }
}

/** Whether the REST gateway at `gatewayUrl` (an org's: `http://<its address>`) answers `/healthz` with 200. */
export function gatewayHealthy(gatewayUrl: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(`${gatewayUrl}/healthz`, { method: 'GET', timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => {
      resolve(false);
    });
    req.end();
  });
}

/**
 * The org's REST gateway process; ready when `/healthz` answers 200. Its fingerprint covers the code
 * and the config's content, so `npm start` restarts a gateway whose config changed.
 */
export function gatewayProcess(paths: StatePaths, org: PeerOrg, configFile: string): ProcessSpec {
  const name = `gateway-${org.slug}`;
  // The gateway stops on SIGTERM by itself, so Node writes its CPU profile then.
  const tuning = nodeTuningEnv(tuningFromEnv(), name);
  return inNamespace(
    {
      name,
      command: process.execPath,
      args: [join(repoRoot, 'gateway', 'dist', 'server.js')],
      env: {
        PATH: process.env.PATH ?? '',
        MEDLEDGER_GATEWAY_CONFIG: configFile,
        NODE_ENV: 'production',
        ...tuning,
      },
      cwd: repoRoot,
      logFile: paths.logFile(name),
      pidFile: paths.pidFile(name),
      fingerprint: `${treeFingerprint([
        join(repoRoot, 'gateway', 'dist'),
        join(repoRoot, 'chaincode', 'domain', 'dist'),
      ])}:${createHash('sha256').update(readFileSync(configFile)).digest('hex')}:${tuningFingerprint(tuning)}`,
      ready: () => gatewayHealthy(`http://${org.gateway.address}`),
    },
    org.namespace,
  );
}

/**
 * A dev token for the org's gateway, signed with the key `npm start` made for it (the local network's
 * stand-in for the org's identity provider): a staff member's enrollment id, or a patient's DID.
 */
export async function mintDevToken(
  paths: StatePaths,
  org: PeerOrg,
  subject: string,
  options: { kind?: 'staff' | 'patient'; ttlSeconds?: number } = {},
): Promise<string> {
  // Read as the gateway reads it: its paths are relative to its folder.
  const config = loadConfig({}, join(paths.gatewayDir(org), 'config.json'));
  if (config.auth.signingKeyPath === undefined)
    throw new Error(`${org.name}'s gateway config names no dev token signing key`);
  return mintToken(readFileSync(config.auth.signingKeyPath, 'utf8'), {
    issuer: config.auth.issuer,
    audience: config.auth.audience,
    org: org.mspId,
    subject,
    kind: options.kind ?? 'staff',
    ttlSeconds: options.ttlSeconds ?? 3600,
  });
}

/**
 * Registers the org's demo people (everyone `npm start` enrolled except the admin, who acts through
 * the NodeOU admin certificate the org's CA gave them) on chain, through the org's REST gateway as the
 * org's admin: `POST /v1/staff` with the role and department of `demoUsers`, which writes their DID
 * document (their identity is already in the wallet, so the gateway enrolls nobody).
 *
 * Idempotent: a person already on chain answers 409 `ALREADY_EXISTS` and is left as they are (their
 * admin may have changed their role since). A gateway still connecting answers 503; that is retried
 * for up to `timeoutMs`. `gatewayUrl` is for tests.
 */
export async function registerDemoPeople(
  paths: StatePaths,
  org: PeerOrg,
  options: { gatewayUrl?: string; timeoutMs?: number } = {},
): Promise<{ registered: string[]; already: string[] }> {
  const gatewayUrl = options.gatewayUrl ?? `http://${org.gateway.address}`;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const admin = await mintDevToken(paths, org, `${org.slug}-admin`, { ttlSeconds: 600 });
  const registered: string[] = [];
  const already: string[] = [];
  for (const person of demoUsers(org)) {
    if (person.role === 'admin') continue;
    const body = JSON.stringify({
      enrollmentId: person.id,
      role: person.role,
      department: person.department ?? null,
    });
    const deadline = performance.now() + timeoutMs;
    for (let delay = 250; ; delay = Math.min(delay * 2, 2000)) {
      const res = await fetch(`${gatewayUrl}/v1/staff`, {
        method: 'POST',
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(30_000),
      });
      const answer = (await res.json().catch(() => ({}))) as { code?: string; detail?: string };
      if (res.ok) {
        registered.push(person.id);
        break;
      }
      if (res.status === 409 && answer.code === 'ALREADY_EXISTS') {
        already.push(person.id);
        break;
      }
      if ((res.status === 503 || res.status === 504) && performance.now() + delay < deadline) {
        await sleep(delay);
        continue;
      }
      throw new Error(
        `${org.name}'s admin could not register ${person.id} on chain: HTTP ${String(res.status)} ${answer.code ?? ''} ${answer.detail ?? ''}`.trim(),
      );
    }
  }
  return { registered, already };
}
