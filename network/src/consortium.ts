import { createPrivateKey, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import * as grpc from '@grpc/grpc-js';
import { connect, hash, signers, type Gateway } from '@hyperledger/fabric-gateway';
import {
  canonicalJson,
  consortiumSchema,
  endorsingOrgs,
  listWrappedDataKeysOutput,
  rewrapDataKeysOutput,
  ErrorCode,
  parseChaincodeError,
  qualifiedName,
  regulatorOf,
  transactions,
  type Consortium,
} from '@medledger/domain';
import { rotateKeyring } from './keyrings';
import { submitAlreadyOrdered } from '@medledger/gateway/commits';
import { orgsWithoutEndorsers } from '@medledger/gateway/errors';
import type { StatePaths } from './paths';
import type { PeerOrg, Topology } from './topology';

/** The chaincode error code of a Fabric Gateway failure, from its message and its peers' details. */
function codeOf(err: unknown): string | undefined {
  const e = err as { message?: string; details?: { message?: string }[] };
  for (const text of [e.message ?? '', ...(e.details ?? []).map((d) => d.message ?? '')]) {
    const parsed = parseChaincodeError(text);
    if (parsed) return parsed.code;
  }
  return undefined;
}

/**
 * Whether a bootstrap write may have been ordered after all, so the step must look again: on BFT
 * ordering a submit fails when orderers had already ordered the transaction through another orderer
 * ("request already processed"), and a retry sent while that first copy was still being committed
 * loses to it at validation (a CommitError).
 */
function orderedMaybe(err: unknown): boolean {
  return submitAlreadyOrdered(err) || (err instanceof Error && err.name === 'CommitError');
}

/**
 * Whether the peer's gateway does not know yet that an org it must ask has a peer running the
 * chaincode. Peers learn what the others run from the gossip state each publishes every few seconds,
 * so right after the definition commits (the more orgs, the likelier) a write can find no endorser of
 * some org. Nothing was endorsed or ordered: the step may run again.
 */
function endorsersNotYetKnown(err: unknown): boolean {
  return err instanceof Error && orgsWithoutEndorsers(err.message) !== undefined;
}

/**
 * Runs one idempotent bootstrap step until it settles: `attempt` reads what the ledger holds and
 * writes what is missing; a write that may have been ordered after all ({@link orderedMaybe}) is
 * followed by another attempt once it had time to commit (that attempt finds the write and reports
 * it as present), and a write that found no endorser of an org yet ({@link endorsersNotYetKnown}) by
 * another once gossip had time to tell. After `attempts` tries the last error stands.
 */
export async function settle<T>(
  attempt: () => Promise<T>,
  { attempts = 30, delayMs = 1000 }: { attempts?: number; delayMs?: number } = {},
): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (err) {
      if (n >= attempts || !(orderedMaybe(err) || endorsersNotYetKnown(err))) throw err;
      await sleep(delayMs);
    }
  }
}

/**
 * A Fabric Gateway connection as the org's admin (the cryptogen admin: a NodeOU admin certificate)
 * through the org's first peer, with mutual TLS.
 */
function connectAsAdmin(paths: StatePaths, org: PeerOrg): { gateway: Gateway; close(): void } {
  const peer = org.peerNodes[0];
  if (peer === undefined) throw new Error(`${org.name} runs no peer`);
  const admin = paths.peerAdminDir(org);
  const first = (dir: string): string => join(dir, readdirSync(dir)[0] ?? '');
  const client = new grpc.Client(
    peer.address,
    grpc.credentials.createSsl(
      readFileSync(join(paths.peerNodeDir(peer), 'tls', 'ca.crt')),
      readFileSync(join(admin, 'tls', 'client.key')),
      readFileSync(join(admin, 'tls', 'client.crt')),
    ),
    // The host name the peer's certificate carries, not the IP address dialled.
    { 'grpc.ssl_target_name_override': peer.host },
  );
  const gateway = connect({
    client,
    identity: { mspId: org.mspId, credentials: readFileSync(first(join(admin, 'msp', 'signcerts'))) },
    signer: signers.newPrivateKeySigner(
      createPrivateKey(readFileSync(first(join(admin, 'msp', 'keystore')))),
    ),
    hash: hash.sha256,
    evaluateOptions: () => ({ deadline: Date.now() + 15_000 }),
    endorseOptions: () => ({ deadline: Date.now() + 30_000 }),
    submitOptions: () => ({ deadline: Date.now() + 15_000 }),
    commitStatusOptions: () => ({ deadline: Date.now() + 60_000 }),
  });
  return {
    gateway,
    close: () => {
      gateway.close();
      client.close();
    },
  };
}

/**
 * Submits a write-once secret as `org`'s admin: 256 bits from this process's random source under
 * `transientKey`, endorsed by the orgs the registry names, so the secret reaches only those peers and
 * never a file, a command line or a block. `present` when the ledger has it already.
 */
async function installSecret(
  topology: Topology,
  paths: StatePaths,
  org: PeerOrg,
  name: 'InstallCollectionKey' | 'InstallStudySecret',
  transientKey: 'collectionKey' | 'studySecret',
): Promise<'written' | 'present'> {
  const conn = connectAsAdmin(paths, org);
  try {
    const contract = conn.gateway.getNetwork(topology.channel).getContract(topology.chaincode.name);
    return await settle(async () => {
      try {
        await contract.submit(qualifiedName(name), {
          arguments: ['{}'],
          transientData: { [transientKey]: canonicalJson({ key: randomBytes(32).toString('hex') }) },
          endorsingOrganizations: endorsingOrgs(transactions[name].endorsement, {
            caller: org.mspId,
            orgs: topology.peerOrgs.map((o) => o.mspId),
          }),
        });
        return 'written';
      } catch (err) {
        if (codeOf(err) !== ErrorCode.ALREADY_EXISTS) throw err;
        return 'present';
      }
    });
  } finally {
    conn.close();
  }
}

/**
 * Each org of the topology that the ledger's consortium lacks joins it (JoinConsortium), as its own
 * admin, endorsed by every org: an org admitted to the channel by a configuration update.
 */
async function joinAdmittedOrgs(topology: Topology, paths: StatePaths): Promise<'joined'> {
  const orgs = topology.peerOrgs.map((o) => o.mspId);
  for (const org of topology.peerOrgs) {
    const conn = connectAsAdmin(paths, org);
    try {
      const contract = conn.gateway.getNetwork(topology.channel).getContract(topology.chaincode.name);
      await settle(async () => {
        const bytes = await contract.evaluate(qualifiedName('GetConsortium'), { arguments: ['{}'] });
        const current = consortiumSchema.parse(JSON.parse(Buffer.from(bytes).toString('utf8')));
        if (current.orgs.includes(org.mspId)) return;
        await contract.submit(qualifiedName('JoinConsortium'), {
          arguments: ['{}'],
          endorsingOrganizations: endorsingOrgs(transactions.JoinConsortium.endorsement, {
            caller: org.mspId,
            orgs,
          }),
        });
      });
    } finally {
      conn.close();
    }
  }
  return 'joined';
}

/**
 * Writes the consortium (every peer org, which is the regulator, and the topology's crypto profile),
 * each org's sealed collection key and, as the regulator, the custodians' study pseudonym secret onto a freshly deployed chaincode;
 * an org the topology admitted since joins the consortium as its own admin (JoinConsortium); a ledger
 * that has them is left as it is (one that lacks only the study secret, deployed before it,
 * gets it here). Each secret goes to its collection's members' peers only. A ledger of another
 * crypto profile stops the start. Returns what it did.
 */
export async function bootstrapConsortium(
  topology: Topology,
  paths: StatePaths,
): Promise<{
  consortium: 'written' | 'present' | 'joined';
  keys: Record<string, 'written' | 'present'>;
  studySecret: 'written' | 'present';
}> {
  const orgs = topology.peerOrgs.map((o) => o.mspId);
  const [firstOrg] = topology.peerOrgs;
  if (firstOrg === undefined) throw new Error('the topology has no peer org');
  let consortium: 'written' | 'present' | 'admitting' | 'joined';
  const first = connectAsAdmin(paths, firstOrg);
  try {
    const contract = first.gateway.getNetwork(topology.channel).getContract(topology.chaincode.name);
    consortium = await settle(async () => {
      let current: Consortium | undefined;
      try {
        const bytes = await contract.evaluate(qualifiedName('GetConsortium'), { arguments: ['{}'] });
        current = consortiumSchema.parse(JSON.parse(Buffer.from(bytes).toString('utf8')));
      } catch (err) {
        if (codeOf(err) !== ErrorCode.NOT_INITIALIZED) throw err;
      }
      if (current === undefined) {
        await contract.submit(qualifiedName('InitConsortium'), {
          arguments: [canonicalJson({ orgs, cryptoProfile: topology.cryptoProfile })],
          endorsingOrganizations: endorsingOrgs(transactions.InitConsortium.endorsement, {
            caller: firstOrg.mspId,
            orgs,
          }),
        });
        return 'written';
      }
      const known = current.orgs;
      if (known.some((o) => !orgs.includes(o))) {
        throw new Error(
          `the ledger's consortium (${known.join(', ')}) is not the topology's (${orgs.join(', ')})`,
        );
      }
      if ((current.crypto?.profile ?? 'international') !== topology.cryptoProfile) {
        throw new Error(
          `the ledger's crypto profile is ${current.crypto?.profile ?? 'international'}, the topology's ${topology.cryptoProfile}: run \`npm run network:clean\``,
        );
      }
      return orgs.length === known.length ? 'present' : 'admitting';
    });
  } finally {
    first.close();
  }
  if (consortium === 'admitting') consortium = await joinAdmittedOrgs(topology, paths);
  const keys: Record<string, 'written' | 'present'> = {};
  for (const org of topology.peerOrgs) {
    keys[org.mspId] = await installSecret(topology, paths, org, 'InstallCollectionKey', 'collectionKey');
  }
  const regulator = topology.peerOrgs.find((o) => o.mspId === regulatorOf(orgs));
  if (regulator === undefined) throw new Error('the topology has no regulator org');
  const studySecret = await installSecret(topology, paths, regulator, 'InstallStudySecret', 'studySecret');
  return { consortium, keys, studySecret };
}

/**
 * Key rotation of an org's content at rest: makes a new key-encryption key active in the org's
 * keyring file, then, as the org's admin, lists its data keys on its own peer and re-wraps those
 * under older keys in batches (RewrapDataKeys, endorsed by the org alone). Content is not touched.
 * The old keys stay in the file: an operator removes them once the count of keys left under them is
 * 0 (what this returns).
 */
export async function rotateContentKey(
  topology: Topology,
  paths: StatePaths,
  org: PeerOrg,
  nowMs: number,
): Promise<{ activeKeyId: string; rewrapped: number; underOldKeys: number }> {
  const activeKeyId = rotateKeyring(topology, paths, org, nowMs);
  const orgs = topology.peerOrgs.map((o) => o.mspId);
  const conn = connectAsAdmin(paths, org);
  try {
    const contract = conn.gateway.getNetwork(topology.channel).getContract(topology.chaincode.name);
    const list = async (after: unknown) => {
      const bytes = await contract.evaluate(qualifiedName('ListWrappedDataKeys'), {
        arguments: [canonicalJson(after === null ? { limit: 100 } : { after, limit: 100 })],
      });
      return listWrappedDataKeysOutput.parse(JSON.parse(Buffer.from(bytes).toString('utf8')));
    };
    let rewrapped = 0;
    let underOldKeys = 0;
    let after: unknown = null;
    do {
      const page = await list(after);
      if (page.activeKeyId !== activeKeyId)
        throw new Error(
          `the chaincode server of ${org.name} has ${page.activeKeyId} active, not ${activeKeyId}`,
        );
      const versions = page.keys
        .filter((k) => k.kid !== activeKeyId)
        .map((k) => ({ recordId: k.recordId, version: k.version }));
      if (versions.length > 0) {
        const bytes = await contract.submit(qualifiedName('RewrapDataKeys'), {
          arguments: [canonicalJson({ versions })],
          endorsingOrganizations: endorsingOrgs(transactions.RewrapDataKeys.endorsement, {
            caller: org.mspId,
            orgs,
          }),
        });
        const done = rewrapDataKeysOutput.parse(JSON.parse(Buffer.from(bytes).toString('utf8')));
        rewrapped += done.rewrapped;
        underOldKeys += versions.length - done.rewrapped - done.unchanged - done.missing;
      }
      after = page.next;
    } while (after !== null);
    return { activeKeyId, rewrapped, underOldKeys };
  } finally {
    conn.close();
  }
}
