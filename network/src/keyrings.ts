import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { addKeyringKey, cryptoProfile, keyringFromJson } from '@medledger/crypto';
import type { StatePaths } from './paths';
import type { PeerOrg, Topology } from './topology';

/**
 * The id of a new key-encryption key: the org and the UTC second it was made, so ids sort by age and
 * never repeat across rotations.
 */
function newKeyId(org: PeerOrg, nowMs: number): string {
  return `${org.slug}-kek-${new Date(nowMs)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}`;
}

/** Writes `text` to `file` (0600, in a 0700 folder) through a temporary file, so a crash leaves the old one. */
function writeSecret(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  chmodSync(dirname(file), 0o700);
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, text, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}

/**
 * Makes sure the org's chaincode server has a keyring file: a first key-encryption key of the
 * topology's profile's cipher (AES-256-GCM or SM4-GCM), random, written once. An existing keyring is
 * kept as it is (its keys wrap the data keys on the ledger); its mode is tightened to 0600. Returns
 * whether it wrote one.
 */
export function ensureKeyring(topology: Topology, paths: StatePaths, org: PeerOrg, nowMs: number): boolean {
  const file = paths.keyringFile(org);
  if (existsSync(file)) {
    keyringFromJson(readFileSync(file, 'utf8'));
    chmodSync(file, 0o600);
    return false;
  }
  const algorithm = cryptoProfile(topology.cryptoProfile).aeadAlgorithm;
  writeSecret(file, addKeyringKey(undefined, newKeyId(org, nowMs), algorithm));
  return true;
}

/**
 * Key rotation, the file half: adds a new active key-encryption key to the org's keyring, keeping the
 * old ones (they still unwrap the data keys they wrapped until RewrapDataKeys moved every one).
 * The chaincode server reads the file on every use, so no restart is needed. Returns the new key id.
 */
export function rotateKeyring(topology: Topology, paths: StatePaths, org: PeerOrg, nowMs: number): string {
  const file = paths.keyringFile(org);
  const previous = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  const id = newKeyId(org, nowMs);
  writeSecret(file, addKeyringKey(previous, id, cryptoProfile(topology.cryptoProfile).aeadAlgorithm));
  return id;
}
