import { createPrivateKey, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
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
  transactions,
  type Consortium,
} from '@medledger/domain';
import { rotateKeyring } from './keyrings';
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
 * Writes the consortium (every peer org, and which is the regulator) and each org's sealed collection
 * key onto a freshly deployed chaincode; a ledger that has them is left as it is. Each key is 256 bits
 * from this process's random source, sent in the transient map to the org's and the regulator's
 * peers only: never written to a file, a command line or a block. The consortium record also names
 * the topology's crypto profile; a ledger of another profile stops the start. Returns what it did.
 */
export async function bootstrapConsortium(
  topology: Topology,
  paths: StatePaths,
): Promise<{ consortium: 'written' | 'present'; keys: Record<string, 'written' | 'present'> }> {
  const orgs = topology.peerOrgs.map((o) => o.mspId);
  const [firstOrg] = topology.peerOrgs;
  if (firstOrg === undefined) throw new Error('the topology has no peer org');
  let consortium: 'written' | 'present' = 'present';
  const first = connectAsAdmin(paths, firstOrg);
  try {
    const contract = first.gateway.getNetwork(topology.channel).getContract(topology.chaincode.name);
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
      consortium = 'written';
    } else if (canonicalJson([...current.orgs].sort()) !== canonicalJson([...orgs].sort())) {
      throw new Error(
        `the ledger's consortium (${current.orgs.join(', ')}) is not the topology's (${orgs.join(', ')})`,
      );
    } else if ((current.crypto?.profile ?? 'international') !== topology.cryptoProfile) {
      throw new Error(
        `the ledger's crypto profile is ${current.crypto?.profile ?? 'international'}, the topology's ${topology.cryptoProfile}: run \`npm run network:clean\``,
      );
    }
  } finally {
    first.close();
  }
  const keys: Record<string, 'written' | 'present'> = {};
  for (const org of topology.peerOrgs) {
    const conn = connectAsAdmin(paths, org);
    try {
      const contract = conn.gateway.getNetwork(topology.channel).getContract(topology.chaincode.name);
      await contract.submit(qualifiedName('InstallCollectionKey'), {
        arguments: ['{}'],
        transientData: { collectionKey: canonicalJson({ key: randomBytes(32).toString('hex') }) },
        endorsingOrganizations: endorsingOrgs(transactions.InstallCollectionKey.endorsement, {
          caller: org.mspId,
          orgs,
        }),
      });
      keys[org.mspId] = 'written';
    } catch (err) {
      if (codeOf(err) !== ErrorCode.ALREADY_EXISTS) throw err;
      keys[org.mspId] = 'present';
    } finally {
      conn.close();
    }
  }
  return { consortium, keys };
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
