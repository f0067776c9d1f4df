import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { after, describe, it } from '../testing/node-test';
import { ensureOrgSigningKey, jwksOf } from './signing-key';
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

/** JWKS files of the key-set tests (issue 12 hole 12). */
const dir = mkdtempSync(join(tmpdir(), 'medledger-jwks-'));
after(() => {
  rmSync(dir, { recursive: true, force: true });
});
const newKey = () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
/** Replaces the JWKS file the way an operator or a key rotation job does: write aside, then rename. */
const publish = (path: string, ...keys: KeyObject[]) => {
  const jwks = { keys: keys.flatMap((k) => jwksOf(createPublicKey(k)).keys) };
  writeFileSync(`${path}.tmp`, JSON.stringify(jwks));
  renameSync(`${path}.tmp`, path);
};
const options = (jwksPath: string, over: Partial<VerifierOptions> = {}): VerifierOptions => ({
  issuer: ISSUER,
  audience: AUDIENCE,
  algorithms: ['ES256'],
  jwksPath,
  orgName: 'Hospital1',
  mspId: 'Hospital1MSP',
  clockToleranceSeconds: 0,
  maxTokenAgeSeconds: 3600,
  ...over,
});
const mintWith = (key: KeyObject, subject = 'doc1', typ?: string) =>
  mintToken(key, {
    issuer: ISSUER,
    audience: AUDIENCE,
    org: 'Hospital1MSP',
    subject,
    ...(typ === undefined ? {} : { typ }),
  });

describe('token key set follows its JWKS file (issue 12 hole 12)', () => {
  it('when a key is withdrawn from the JWKS file, then a token it signed is refused at once, though it was verified and cached before', async () => {
    const path = join(dir, `withdraw-${randomUUID()}.json`);
    const [old, current] = [newKey(), newKey()];
    publish(path, old, current);
    const verify = await createTokenVerifier(options(path, { keySetRefreshSeconds: 0 }));
    const byOld = await mintWith(old);
    const byCurrent = await mintWith(current, 'doc2');
    assert.equal((await verify(byOld)).subject, 'doc1');
    assert.equal((await verify(byOld)).subject, 'doc1', 'served from the cache');
    publish(path, current);
    await assert.rejects(verify(byOld), /not valid/);
    assert.equal((await verify(byCurrent)).subject, 'doc2');
    // A key added later is trusted without a restart.
    const added = newKey();
    publish(path, current, added);
    assert.equal((await verify(await mintWith(added, 'doc3'))).subject, 'doc3');
  });

  it('when the file is checked at most every 2 s, then a withdrawn key works at most 2 s longer; a broken file trusts no key', async () => {
    const path = join(dir, `bound-${randomUUID()}.json`);
    const key = newKey();
    publish(path, key);
    let clock = Date.now();
    const verify = await createTokenVerifier(
      options(path, { keySetRefreshSeconds: 2, now: () => clock, cacheSeconds: 0 }),
    );
    const token = await mintWith(key);
    assert.equal((await verify(token)).subject, 'doc1');
    publish(path, newKey());
    clock += 1_000;
    assert.equal((await verify(token)).subject, 'doc1', 'within the bound, the last key set is used');
    clock += 1_001;
    await assert.rejects(verify(token), /not valid/);
    publish(path, key);
    clock += 2_001;
    assert.equal((await verify(token)).subject, 'doc1');
    writeFileSync(path, '{"keys": [');
    clock += 2_001;
    await assert.rejects(verify(token), /not valid/);
    rmSync(path);
    clock += 2_001;
    await assert.rejects(verify(token), /not valid/);
  });

  it('when the issuer sets typ at+jwt (RFC 9068), then a token of another type is refused, cached or not', async () => {
    const path = join(dir, `typ-${randomUUID()}.json`);
    const key = newKey();
    publish(path, key);
    const verify = await createTokenVerifier(options(path, { typ: 'at+jwt' }));
    assert.equal((await verify(await mintWith(key, 'doc1', 'at+jwt'))).subject, 'doc1');
    assert.equal((await verify(await mintWith(key, 'doc2', 'application/at+jwt'))).subject, 'doc2');
    for (const typ of ['JWT', 'id_token+jwt', '']) {
      await assert.rejects(verify(await mintWith(key, 'doc3', typ)), /not valid|claim/);
    }
    // Without the setting (an issuer that does not set typ), the header is not checked.
    const lenient = await createTokenVerifier(options(path));
    assert.equal((await lenient(await mintWith(key, 'doc4', 'JWT'))).subject, 'doc4');
  });
});

describe('token key set follows its JWKS URL (issue 12 hole 12)', () => {
  it('when the key set is served by URL and a key is withdrawn there, then a cached token of that key is refused after the refresh bound', async () => {
    const [old, current] = [newKey(), newKey()];
    let served = { keys: [old, current].flatMap((k) => jwksOf(createPublicKey(k)).keys) };
    let fetches = 0;
    const server = createServer((_req, res) => {
      fetches++;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(served));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const verify = await createTokenVerifier({
        ...options(''),
        jwksPath: undefined,
        jwksUrl: `http://127.0.0.1:${String(port)}/jwks`,
        keySetRefreshSeconds: 0.2,
      });
      const byOld = await mintWith(old);
      assert.equal((await verify(byOld)).subject, 'doc1');
      assert.equal((await verify(byOld)).subject, 'doc1');
      served = { keys: jwksOf(createPublicKey(current)).keys };
      await new Promise((r) => setTimeout(r, 300));
      await assert.rejects(verify(byOld), /not valid/);
      assert.equal((await verify(await mintWith(current, 'doc2'))).subject, 'doc2');
      assert.ok(fetches >= 2);
    } finally {
      server.close();
    }
  });
});
