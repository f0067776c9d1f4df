import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { after, describe, it } from '../testing/node-test';
import { ensureOrgSigningKey } from './signing-key';
import { createTokenVerifier, mintToken, type VerifierOptions } from './tokens';

const ISSUER = 'https://idp.hospital1.medledger.local';
const AUDIENCE = 'medledger-gateway';

describe('token verification cache', () => {
  const dir = mkdtempSync(join(tmpdir(), 'medledger-tokens-'));
  const key = ensureOrgSigningKey(dir);
  const pem = readFileSync(key.privateKeyPath, 'utf8');
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const options = (now: () => number): VerifierOptions => ({
    issuer: ISSUER,
    audience: AUDIENCE,
    algorithms: ['ES256'],
    jwksPath: key.jwksPath,
    orgName: 'Hospital1',
    mspId: 'Hospital1MSP',
    clockToleranceSeconds: 0,
    maxTokenAgeSeconds: 3600,
    now,
  });
  const mint = (over: { issuedAt?: number; ttlSeconds?: number } = {}) =>
    mintToken(pem, { issuer: ISSUER, audience: AUDIENCE, org: 'Hospital1MSP', subject: 'doc1', ...over });

  it('when the same token is verified twice, then both give the same principal and a tampered copy is still refused', async () => {
    const verify = await createTokenVerifier(options(Date.now));
    const token = await mint();
    const first = await verify(token);
    const second = await verify(token);
    assert.deepEqual(second, first);
    assert.equal(first.subject, 'doc1');
    const [h, p, s] = token.split('.') as [string, string, string];
    const tampered = `${h}.${p}.${s.slice(0, -4)}${s.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
    await assert.rejects(verify(tampered), /not valid/);
  });

  it('when a cached token reaches its expiry, then it is refused rather than served from the cache', async () => {
    let clock = Date.now();
    const verify = await createTokenVerifier(options(() => clock));
    const issuedAt = Math.floor(clock / 1000) - 10;
    const token = await mint({ issuedAt, ttlSeconds: 12 });
    assert.equal((await verify(token)).subject, 'doc1');
    clock = (issuedAt + 12) * 1000 + 1;
    // The cache lets go at `exp`; jose then checks the real clock, so wait until it agrees.
    while (Date.now() < clock) await new Promise((r) => setTimeout(r, 50));
    await assert.rejects(verify(token), /expired/);
  });
});
