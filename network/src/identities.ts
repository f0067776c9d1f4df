import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH_LOADER_ATTRIBUTE } from '@medledger/domain';
import type { FabricInstall } from './binaries';
import { runTool } from './fabric-cli';
import type { StatePaths } from './paths';
import { inNamespace } from './hosts';
import { httpsGet, type ProcessSpec, type TlsClient } from './processes';
import { demoUsers, ORG_SERVICE_HOSTS, type PeerOrg } from './topology';

/**
 * The CA's home, readable by its owner only: it holds the bootstrap identity's secret (here and, in
 * plain text, in the `fabric-ca-server-config.yaml` the server writes on its first start).
 */
function caHomeDir(paths: StatePaths, org: PeerOrg): string {
  const home = paths.caHome(org);
  mkdirSync(home, { recursive: true, mode: 0o700 });
  chmodSync(home, 0o700);
  return home;
}

/** Credentials kept in a JSON file of mode 0600, created with a random secret on first use. */
function credentialsFile(file: string, id: string): { id: string; secret: string } {
  if (!existsSync(file)) {
    writeFileSync(file, JSON.stringify({ id, secret: randomBytes(18).toString('base64url') }), {
      mode: 0o600,
    });
  }
  return JSON.parse(readFileSync(file, 'utf8')) as { id: string; secret: string };
}

/**
 * The CA's bootstrap identity (every right: register any type and attribute, revoke, manage
 * affiliations), created once per CA and kept in the CA's home. Only network generation uses it: it
 * registers the demo people and the gateway's registrar; no running service holds it.
 */
export function registrarSecret(paths: StatePaths, org: PeerOrg): { id: string; secret: string } {
  return credentialsFile(join(caHomeDir(paths, org), 'registrar.json'), 'registrar');
}

/** The affiliation of the people an org's gateway registers, and of its registrar. */
export const GATEWAY_AFFILIATION = 'gateway';

/**
 * The attributes of the gateway's registrar: it may register `client` identities, in its own
 * affiliation only (`GATEWAY_AFFILIATION`), with no attribute of their own (no `hf.Registrar.Attributes`),
 * and may not revoke, generate CRLs, manage affiliations or act as an intermediate CA. The affiliation
 * matters as much as the role: Fabric CA lets a registrar modify (reset the secret of) any identity of
 * a type it may register within its affiliation, and the bootstrap identity is of type `client` with
 * the root affiliation, so a client registrar at the root could take it over.
 */
export const GATEWAY_REGISTRAR_ATTRS =
  'hf.Registrar.Roles=client,hf.Revoker=false,hf.GenCRL=false,hf.AffiliationMgr=false,hf.IntermediateCA=false';

/**
 * The credentials of the registrar the org's REST gateway uses (see {@link GATEWAY_REGISTRAR_ATTRS}),
 * kept in the CA's home; {@link registerGatewayRegistrar} registers it with the CA.
 */
export function gatewayRegistrarSecret(paths: StatePaths, org: PeerOrg): { id: string; secret: string } {
  return credentialsFile(join(caHomeDir(paths, org), 'gateway-registrar.json'), 'gateway-registrar');
}

/**
 * A `fabric-ca-client` call with its secrets in the environment (`FABRIC_CA_CLIENT_URL` with the
 * enrollment secret, `FABRIC_CA_CLIENT_ID_SECRET` for a registration), never in its arguments: every
 * user of the machine can read a process's arguments (`/proc/<pid>/cmdline`), only its owner its
 * environment.
 */
export function caClientCall(
  args: readonly string[],
  secrets: { readonly enroll?: { id: string; secret: string; url: string }; readonly idSecret?: string } = {},
): { args: string[]; env: Record<string, string> } {
  const env: Record<string, string> = {};
  if (secrets.enroll) {
    const { id, secret, url } = secrets.enroll;
    env['FABRIC_CA_CLIENT_URL'] = `https://${encodeURIComponent(id)}:${encodeURIComponent(secret)}@${url}`;
  }
  if (secrets.idSecret !== undefined) env['FABRIC_CA_CLIENT_ID_SECRET'] = secrets.idSecret;
  return { args: [...args], env };
}

/**
 * Runs `fabric-ca-client`. A failure throws with the tool's command and answer, the call's secrets cut
 * out of it: the client prints the enrollment URL, secret included, when it cannot use it.
 */
function runCaClient(install: FabricInstall, call: { args: string[]; env: Record<string, string> }): string {
  let failure: string;
  try {
    return runTool(install, 'fabric-ca-client', call.args, call.env);
  } catch (err) {
    failure = (err as Error).message;
  }
  // Not the caught error (nor as a cause): its message may hold a secret.
  throw new Error(withoutSecrets(failure, call.env));
}

/** `text` with each secret of a client call's environment `env`, as is and URL-encoded, made `***`. */
function withoutSecrets(text: string, env: Readonly<Record<string, string>>): string {
  const url = env['FABRIC_CA_CLIENT_URL'];
  const secrets = [
    ...(url === undefined ? [] : [decodeURIComponent(new URL(url).password)]),
    ...(env['FABRIC_CA_CLIENT_ID_SECRET'] === undefined ? [] : [env['FABRIC_CA_CLIENT_ID_SECRET']]),
  ].filter((secret) => secret !== '');
  return secrets
    .flatMap((secret) => [secret, encodeURIComponent(secret)])
    .reduce((t, secret) => t.split(secret).join('***'), text);
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
 * org's TLS CA (naming its host, `fabric-ca.<domain>`, and its address) and requires client
 * certificates from it. On isolated hosts it runs in the org's namespace.
 */
export function caProcess(install: FabricInstall, paths: StatePaths, org: PeerOrg): ProcessSpec {
  const orgDir = paths.peerOrgDir(org);
  const tlsDir = join(paths.orgNodeDir(org, ORG_SERVICE_HOSTS.ca), 'tls');
  const bootstrap = registrarSecret(paths, org);
  const name = `ca-${org.slug}`;
  const keyFile = readdirSync(join(orgDir, 'ca')).find((f) => f.endsWith('_sk'));
  if (keyFile === undefined) throw new Error(`no CA key in ${join(orgDir, 'ca')}`);
  const client = orgTlsClient(paths, org);
  return inNamespace(
    {
      name,
      command: install.bin('fabric-ca-server'),
      args: [
        'start',
        '--home',
        paths.caHome(org),
        '--address',
        org.listenHost,
        '--port',
        String(org.caPort),
        '--ca.name',
        caName(org),
        '--ca.certfile',
        paths.orgCaCert(orgDir, org.domain),
        '--ca.keyfile',
        join(orgDir, 'ca', keyFile),
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
        FABRIC_CA_SERVER_OPERATIONS_LISTENADDRESS: `${org.listenHost}:${String(org.caOperationsPort)}`,
        // The bootstrap identity (`-b` on a command line would be readable by every local user).
        FABRIC_CA_SERVER_BOOT: `${bootstrap.id}:${bootstrap.secret}`,
      },
      cwd: paths.caHome(org),
      logFile: paths.logFile(name),
      pidFile: paths.pidFile(name),
      ready: async () => (await httpsGet(`https://${org.ca.address}/cainfo`, client)).status === 200,
    },
    org.namespace,
  );
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

/** The bootstrap identity's `fabric-ca-client` home, enrolled on first use. */
function bootstrapClientHome(install: FabricInstall, paths: StatePaths, org: PeerOrg): string {
  const registrar = registrarSecret(paths, org);
  const home = join(paths.caHome(org), 'registrar-client');
  if (!existsSync(join(home, 'msp', 'signcerts'))) {
    const url = org.ca.address;
    runCaClient(
      install,
      caClientCall(['enroll', '-H', home, ...caClientFlags(paths, org)], {
        enroll: { ...registrar, url },
      }),
    );
  }
  return home;
}

/**
 * Revokes every certificate of `enrollmentId` at the org's CA (reason: key compromise; the identity
 * can enroll no more) and answers the CRL the CA generates with it (PEM, every certificate the CA has
 * revoked), as the CA's bootstrap identity: the one with `hf.Revoker` and `hf.GenCRL` (the gateways'
 * registrar has neither).
 */
export function revokeEnrollment(
  install: FabricInstall,
  paths: StatePaths,
  org: PeerOrg,
  enrollmentId: string,
): Buffer {
  const home = bootstrapClientHome(install, paths, org);
  runCaClient(
    install,
    caClientCall([
      'revoke',
      '-H',
      home,
      '-u',
      `https://${org.ca.address}`,
      '-e',
      enrollmentId,
      '-r',
      'keycompromise',
      '--gencrl',
      ...caClientFlags(paths, org),
    ]),
  );
  return readFileSync(join(home, 'msp', 'crls', 'crl.pem'));
}

/** Whether Fabric CA's answer says what was to be added is there already (registered, or existing). */
function alreadyThere(err: unknown): boolean {
  return err instanceof Error && /already/i.test(err.message);
}

/** Whether the MSP folder `msp` holds an enrollment (a signing certificate). */
function isEnrolled(msp: string): boolean {
  return existsSync(join(msp, 'signcerts')) && readdirSync(join(msp, 'signcerts')).length > 0;
}

/** The people of the org enrolled from its CA (`users/<org>/<id>/msp` holds their certificate). */
export function enrolledUsers(paths: StatePaths, org: PeerOrg): string[] {
  if (!existsSync(paths.usersDir(org))) return [];
  return readdirSync(paths.usersDir(org)).filter((id) => isEnrolled(paths.userMsp(org, id)));
}

/**
 * Registers and enrolls the org's demo people (one per role) from the org's CA into
 * `users/<org>/<id>/msp`, as the CA's bootstrap identity; returns who was enrolled now. Idempotent:
 * people already enrolled are left alone. Every person is tried; then, when any failed, it throws one
 * error naming the org's CA and each of them with the CA's answer (never a secret), and whoever was
 * enrolled stays enrolled.
 */
export function enrollDemoUsers(install: FabricInstall, paths: StatePaths, org: PeerOrg): string[] {
  const registrarHome = bootstrapClientHome(install, paths, org);
  const url = org.ca.address;
  const enrolled: string[] = [];
  const failed: string[] = [];
  for (const user of demoUsers(org)) {
    const userDir = join(paths.usersDir(org), user.id);
    if (isEnrolled(join(userDir, 'msp'))) continue;
    mkdirSync(userDir, { recursive: true });
    try {
      enrollPerson(install, paths, org, registrarHome, {
        id: user.id,
        type: user.role === 'admin' ? 'admin' : 'client',
        dir: userDir,
        url,
      });
      enrolled.push(user.id);
    } catch (err) {
      failed.push(`${user.id} (${(err as Error).message})`);
    }
  }
  if (failed.length > 0) {
    throw new Error(`${caName(org)} did not enroll ${failed.join('; ')}`);
  }
  return enrolled;
}

/**
 * Registers `person` as the bootstrap identity whose client home is `registrarHome`, with the given
 * Fabric CA attributes, and enrolls it into `<dir>/msp` with the NodeOU config of the org. Its secret
 * is made once and kept in `<dir>/secret` (mode 0600) before the registration, so a registration
 * that failed, or that the CA made before a crash, is tried again with it (the CA's "already
 * registered" is success then).
 */
function enrollPerson(
  install: FabricInstall,
  paths: StatePaths,
  org: PeerOrg,
  registrarHome: string,
  person: { id: string; type: 'admin' | 'client'; dir: string; url: string; attrs?: string },
): void {
  const secretFile = join(person.dir, 'secret');
  const msp = join(person.dir, 'msp');
  if (!existsSync(secretFile)) {
    writeFileSync(secretFile, randomBytes(18).toString('base64url'), { mode: 0o600 });
  }
  const secret = readFileSync(secretFile, 'utf8');
  try {
    runCaClient(
      install,
      caClientCall(
        [
          'register',
          '-u',
          `https://${person.url}`,
          '-H',
          registrarHome,
          '--id.name',
          person.id,
          '--id.type',
          person.type,
          ...(person.attrs === undefined ? [] : ['--id.attrs', person.attrs]),
          ...caClientFlags(paths, org),
        ],
        { idSecret: secret },
      ),
    );
  } catch (err) {
    if (!alreadyThere(err)) throw err;
  }
  runCaClient(
    install,
    caClientCall(['enroll', '-H', person.dir, '-M', msp, ...caClientFlags(paths, org)], {
      enroll: { id: person.id, secret, url: person.url },
    }),
  );
  const caCert = readdirSync(join(msp, 'cacerts'))[0];
  if (caCert !== undefined) writeFileSync(join(msp, 'config.yaml'), nodeOuConfig(caCert));
}

/**
 * Registers the org gateway's registrar with the CA, as the bootstrap identity, once (its credentials
 * file in the CA's home says it was): the `GATEWAY_AFFILIATION` affiliation first, then the identity
 * with {@link GATEWAY_REGISTRAR_ATTRS}.
 */
export function registerGatewayRegistrar(install: FabricInstall, paths: StatePaths, org: PeerOrg): void {
  const marker = join(paths.caHome(org), 'gateway-registrar.registered');
  if (existsSync(marker)) return;
  const registrarHome = bootstrapClientHome(install, paths, org);
  const url = `https://${org.ca.address}`;
  const flags = ['-u', url, '-H', registrarHome, ...caClientFlags(paths, org)];
  try {
    runCaClient(install, caClientCall(['affiliation', 'add', GATEWAY_AFFILIATION, ...flags]));
  } catch (err) {
    if (!alreadyThere(err)) throw err;
  }
  const { id, secret } = gatewayRegistrarSecret(paths, org);
  try {
    runCaClient(
      install,
      caClientCall(
        [
          'register',
          '--id.name',
          id,
          '--id.type',
          'client',
          '--id.affiliation',
          GATEWAY_AFFILIATION,
          '--id.attrs',
          GATEWAY_REGISTRAR_ATTRS,
          ...flags,
        ],
        { idSecret: secret },
      ),
    );
  } catch (err) {
    // Registered by a start that stopped before writing the marker: with the secret of the
    // credentials file, which is written before the registration.
    if (!alreadyThere(err)) throw err;
  }
  writeFileSync(marker, '');
}

/** The enrollment id of an org's bench-loader identity. */
export function benchLoaderId(org: PeerOrg): string {
  return `${org.slug}-bench-loader`;
}

/**
 * Registers and enrolls the org's bench-loader identity into `bench-loader/<org>/msp`, as the
 * bootstrap identity, once: an org admin whose certificate carries `medledger.benchLoader=true`
 * (`ecert`), the only signer the chaincode's `LoadSyntheticAuditEvents` accepts. Kept out of the
 * people's folder, so no gateway wallet ever holds it. Returns where its MSP folder is.
 */
export function enrollBenchLoader(install: FabricInstall, paths: StatePaths, org: PeerOrg): string {
  const dir = paths.benchLoaderDir(org);
  if (!isEnrolled(join(dir, 'msp'))) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    enrollPerson(install, paths, org, bootstrapClientHome(install, paths, org), {
      id: benchLoaderId(org),
      type: 'admin',
      dir,
      url: org.ca.address,
      attrs: `${BENCH_LOADER_ATTRIBUTE}=true:ecert`,
    });
  }
  return join(dir, 'msp');
}

/**
 * Removes the org's bench-loader identity from the local state (a start without the benchmark flag):
 * its key is gone, so nothing here can sign as it. Its certificate stays valid until it expires: a
 * network that ever ran as a benchmark network is not for real data.
 */
export function forgetBenchLoader(paths: StatePaths, org: PeerOrg): void {
  rmSync(paths.benchLoaderDir(org), { recursive: true, force: true });
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
