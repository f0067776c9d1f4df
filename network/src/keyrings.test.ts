import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { keyringFromJson } from '@medledger/crypto';
import { ensureKeyring, rotateKeyring } from './keyrings';
import { StatePaths } from './paths';
import { defaultTopologySpec, resolveTopology, topologySpecFromEnv } from './topology';

function fixture(profile: 'international' | 'sm') {
  const root = mkdtempSync(join(tmpdir(), 'medledger-keyrings-'));
  const topology = resolveTopology({ ...defaultTopologySpec, cryptoProfile: profile }, 30000);
  const [org] = topology.peerOrgs;
  assert.ok(org);
  return { root, topology, paths: new StatePaths(root), org };
}

void describe('keyrings', () => {
  void it('when a network starts with the sm profile, then each org gets a 0600 keyring with an SM4-GCM key, written once', () => {
    const { root, topology, paths, org } = fixture('sm');
    try {
      assert.equal(ensureKeyring(topology, paths, org, Date.parse('2026-01-02T03:04:05Z')), true);
      const file = paths.keyringFile(org);
      assert.equal(statSync(file).mode & 0o777, 0o600);
      const keyring = keyringFromJson(readFileSync(file, 'utf8'));
      assert.deepEqual(
        [keyring.active.id, keyring.active.algorithm],
        ['hospital1-kek-20260102T030405Z', 'SM4-GCM'],
      );
      const before = readFileSync(file, 'utf8');
      assert.equal(ensureKeyring(topology, paths, org, Date.now()), false);
      assert.equal(readFileSync(file, 'utf8'), before);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  void it('when a key is rotated, then the new key is active and the old one still held', () => {
    const { root, topology, paths, org } = fixture('international');
    try {
      ensureKeyring(topology, paths, org, Date.parse('2026-01-01T00:00:00Z'));
      const id = rotateKeyring(topology, paths, org, Date.parse('2026-02-01T00:00:00Z'));
      const keyring = keyringFromJson(readFileSync(paths.keyringFile(org), 'utf8'));
      assert.equal(keyring.active.id, id);
      assert.deepEqual(keyring.ids(), ['hospital1-kek-20260101T000000Z', id]);
      assert.equal(keyring.active.algorithm, 'AES-256-GCM');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  void it('when MEDLEDGER_CRYPTO_PROFILE names a profile, then the topology takes it, and an unknown one is refused', () => {
    assert.equal(topologySpecFromEnv({}).cryptoProfile, 'international');
    assert.equal(topologySpecFromEnv({ MEDLEDGER_CRYPTO_PROFILE: 'sm' }).cryptoProfile, 'sm');
    assert.throws(() => topologySpecFromEnv({ MEDLEDGER_CRYPTO_PROFILE: 'rot13' }), /international or sm/);
  });
});
