import { after, before } from 'node:test';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import {
  connect,
  hash,
  signers,
  type Gateway,
  type Identity,
  type Signer,
} from '@hyperledger/fabric-gateway';
import { createPrivateKey } from 'node:crypto';
import { FabricCaClient } from '@medledger/gateway';
import { FileWallet, readWalletKey } from '@medledger/gateway/wallet';
import {
  currentTopology,
  ipCommand,
  networkContext,
  runningNetworkInfo,
  startNetwork,
  stopNetwork,
  type NetworkInfo,
} from '@medledger/network';

type OrgInfo = NetworkInfo['orgs'][number];

let startedHere = false;

/**
 * The running consortium for end-to-end tests: reuses a network whose every process runs (a developer's
 * `npm start`, or the one the test runner started), else starts one and remembers to stop it.
 */
export async function ensureNetwork(): Promise<NetworkInfo> {
  const info = runningNetworkInfo();
  if (info !== undefined) return info;
  startedHere = true;
  return startNetwork(await networkContext());
}

/** Stops the network if this process started it. */
/**
 * The consortium for one describe block: started (or reused) before its tests and released after them.
 * Returns a getter for tests and later hooks.
 */
export function useNetwork(): () => NetworkInfo {
  let info: NetworkInfo | undefined;
  before(async () => {
    info = await ensureNetwork();
  });
  after(releaseNetwork);
  return () => {
    if (info === undefined) throw new Error('the network is not up yet: use it in tests or later hooks');
    return info;
  };
}

export async function releaseNetwork(): Promise<void> {
  if (!startedHere) return;
  const { topology, paths } = currentTopology();
  await stopNetwork(topology, paths);
  startedHere = false;
}

/**
 * `command args` as run on the host of the org whose slug is `orgSlug`: unchanged on loopback, in the
 * org's network namespace on isolated hosts, where the org's own tools must run (its gateway
 * configuration names hosts that only its namespace resolves).
 */
export function onOrgHost(orgSlug: string, command: string, args: readonly string[]): [string, string[]] {
  const org = currentTopology().topology.peerOrgs.find((o) => o.slug === orgSlug);
  if (org === undefined) throw new Error(`no org ${orgSlug}`);
  return org.namespace === undefined
    ? [command, [...args]]
    : [ipCommand(), ['netns', 'exec', org.namespace, command, ...args]];
}

/** The org's REST gateway as this machine reaches it (its namespace's address on isolated hosts). */
export function gatewayUrl(org: OrgInfo): string {
  return org.gatewayUrl ?? `http://127.0.0.1:${String(org.gatewayPort)}`;
}

export function orgInfo(info: NetworkInfo, name: string): OrgInfo {
  const org = info.orgs.find((o) => o.name === name);
  if (org === undefined) throw new Error(`no org ${name}`);
  return org;
}

/** A gRPC connection to an org's first peer with mutual TLS (the org's gateway TLS identity). */
export function peerConnection(org: OrgInfo, peerIndex = 0): grpc.Client {
  const peer = org.peers[peerIndex];
  if (peer === undefined) throw new Error(`${org.name} has no peer ${peerIndex}`);
  const credentials = grpc.credentials.createSsl(
    readFileSync(peer.tlsCaCert),
    readFileSync(org.tlsClient.key),
    readFileSync(org.tlsClient.cert),
  );
  // The host name the peer's certificate carries, not the IP address dialled.
  return new grpc.Client(peer.address, credentials, { 'grpc.ssl_target_name_override': peer.name });
}

/** The MSP folder the CA enrollment of an org's person wrote. */
function userMsp(info: NetworkInfo, orgName: string, userId: string): string {
  return join(info.stateDir, 'users', orgName.toLowerCase(), userId, 'msp');
}

/** An enrolled person's identity and signer, from the files the CA enrollment wrote. */
export function userCredentials(
  info: NetworkInfo,
  org: OrgInfo,
  userId: string,
): { identity: Identity; signer: Signer } {
  return mspCredentials(org, userMsp(info, org.name, userId));
}

/** The identity and signer of an MSP folder a CA enrollment wrote (`signcerts/`, `keystore/`). */
export function mspCredentials(org: OrgInfo, msp: string): { identity: Identity; signer: Signer } {
  const first = (dir: string): string => {
    const name = readdirSync(dir)[0];
    if (name === undefined) throw new Error(`empty ${dir}`);
    return join(dir, name);
  };
  return {
    identity: { mspId: org.mspId, credentials: readFileSync(first(join(msp, 'signcerts'))) },
    signer: signers.newPrivateKeySigner(createPrivateKey(readFileSync(first(join(msp, 'keystore'))))),
  };
}

/** A Fabric Gateway connection for one enrolled person through their org's peer. */
export function gatewayFor(
  info: NetworkInfo,
  orgName: string,
  userId: string,
): { gateway: Gateway; client: grpc.Client } {
  return gatewayForMsp(info, orgName, userMsp(info, orgName, userId));
}

/** A Fabric Gateway connection through the org's peer, signing with the identity of an MSP folder. */
export function gatewayForMsp(
  info: NetworkInfo,
  orgName: string,
  msp: string,
): { gateway: Gateway; client: grpc.Client } {
  const org = orgInfo(info, orgName);
  return connectAs(org, mspCredentials(org, msp));
}

/**
 * A Fabric Gateway connection for a person in the org gateway's encrypted wallet (staff onboarded
 * through `POST /v1/staff`, and the people `npm start` enrolled), signing with their own identity.
 */
export async function gatewayForWalletIdentity(
  info: NetworkInfo,
  orgName: string,
  enrollmentId: string,
): Promise<{ gateway: Gateway; client: grpc.Client }> {
  const org = orgInfo(info, orgName);
  const dir = join(info.stateDir, 'gateways', orgName.toLowerCase());
  const stored = await new FileWallet(join(dir, 'wallet'), readWalletKey(join(dir, 'wallet.key'))).get(
    enrollmentId,
  );
  if (stored === undefined) throw new Error(`${enrollmentId} is not in the ${orgName} wallet`);
  return connectWithPem(org, stored.mspId, stored);
}

/**
 * A Fabric Gateway connection for a person the org's CA enrolls here and nobody registers on chain:
 * a member of the org's MSP without a DID document (the chaincode's `NOT_REGISTERED`). Registered
 * and enrolled with the registrar the org's REST gateway uses.
 */
export async function gatewayForUnregistered(
  info: NetworkInfo,
  orgName: string,
  enrollmentId: string,
): Promise<{ gateway: Gateway; client: grpc.Client }> {
  const org = orgInfo(info, orgName);
  const ca = new FabricCaClient({
    url: org.caUrl,
    caName: org.caName,
    tlsRoot: readFileSync(org.tlsCaCert),
    tlsClient: { cert: readFileSync(org.tlsClient.cert), key: readFileSync(org.tlsClient.key) },
  });
  const registrarFile = join(info.stateDir, 'gateways', orgName.toLowerCase(), 'registrar.json');
  const registrar = JSON.parse(readFileSync(registrarFile, 'utf8')) as {
    enrollmentId: string;
    secret: string;
  };
  const registrarIdentity = await ca.enroll(registrar.enrollmentId, registrar.secret);
  const person = await ca.enroll(enrollmentId, await ca.register(registrarIdentity, enrollmentId));
  return connectWithPem(org, org.mspId, person);
}

/** A connection signing with a PEM certificate and private key (a wallet entry, a CA enrollment). */
function connectWithPem(
  org: OrgInfo,
  mspId: string,
  pem: { readonly certificate: string; readonly privateKey: string },
): { gateway: Gateway; client: grpc.Client } {
  return connectAs(org, {
    identity: { mspId, credentials: Buffer.from(pem.certificate) },
    signer: signers.newPrivateKeySigner(createPrivateKey(pem.privateKey)),
  });
}

export function connectAs(
  org: OrgInfo,
  credentials: { identity: Identity; signer: Signer },
): { gateway: Gateway; client: grpc.Client } {
  const client = peerConnection(org);
  const gateway = connect({
    client,
    ...credentials,
    hash: hash.sha256,
    evaluateOptions: () => ({ deadline: Date.now() + 10_000 }),
    endorseOptions: () => ({ deadline: Date.now() + 20_000 }),
    submitOptions: () => ({ deadline: Date.now() + 10_000 }),
    commitStatusOptions: () => ({ deadline: Date.now() + 30_000 }),
  });
  return { gateway, client };
}
