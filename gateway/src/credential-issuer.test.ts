import assert from 'node:assert/strict';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { CredentialAnchor } from '@medledger/domain';

import { ensureEs256PrivateKey } from './auth/signing-key';
import { ConfigError } from './config';
import { credentialIssuerKeyOf, loadCredentialIssuerKey } from './credential-issuer';
import {
  newHolderKey,
  presentationAnchorKey,
  presentSdJwt,
  verifyPresentationWithAnchor,
} from './services/selective-disclosure';
import { callJson, startTestGateway, type TestGateway } from './testing/harness';
import { describe, it } from './testing/node-test';

function keyFile(): string {
  return join(mkdtempSync(join(tmpdir(), 'issuer-key-')), 'credential-issuer.pem');
}

/** Issues record `recordId` version 1 at `gw` as a credential for a new holder. */
async function issue(gw: TestGateway, recordId: string) {
  const holder = newHolderKey();
  const answer = await callJson(
    gw,
    'POST',
    `/v1/records/${recordId}/credentials`,
    await gw.token('hospital1-attending-1'),
    {
      version: 1,
      resource: { resourceType: 'Observation', id: recordId, valueString: `v-${recordId}` },
      salt: randomBytes(32).toString('hex'),
      holderJwk: holder.publicJwk,
    },
  );
  assert.equal(answer.status, 201, JSON.stringify(answer.body));
  return {
    holder,
    sdJwt: String(answer.body['sdJwt']),
    credential: answer.body['credential'] as CredentialAnchor,
  };
}

/** The issued SD-JWT's `kid` header. */
function kidOf(sdJwt: string): string {
  const header = sdJwt.split('.')[0] ?? '';
  return String((JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { kid?: string }).kid);
}

describe('the SD-JWT issuer key', () => {
  it('when the gateway restarts with its issuer key file, then it signs with the same key and a credential issued before the restart verifies after it', async () => {
    const issuerKeyPath = keyFile();
    ensureEs256PrivateKey(issuerKeyPath);
    const id = randomBytes(4).toString('hex');
    const before = await startTestGateway({ credentials: { issuerKeyPath } });
    const old = await issue(before, `rec-before-${id}`);
    await before.close();

    const after = await startTestGateway({ credentials: { issuerKeyPath } });
    try {
      const fresh = await issue(after, `rec-after-${id}`);
      assert.deepEqual(fresh.credential.issuerJwk, old.credential.issuerJwk, 'the same issuer key');
      assert.equal(kidOf(fresh.sdJwt), kidOf(old.sdJwt));

      // The verifier reads the first credential's anchor through the restarted gateway.
      after.fake.handlers['credential:GetCredentialAnchor'] = (i) => {
        assert.equal(i['sdJwtHash'], old.credential.sdJwtHash);
        return old.credential;
      };
      const nonce = randomBytes(16).toString('hex');
      const now = Math.floor(Date.now() / 1000);
      const presentation = await presentSdJwt(
        old.sdJwt,
        { valueString: true },
        { privateKey: old.holder.privateKey, nonce, audience: 'ResearchMSP', issuedAt: now },
      );
      const { custodian, sdJwtHash } = presentationAnchorKey(presentation);
      const read = await callJson(
        after,
        'GET',
        `/v1/credentials/${custodian}/${sdJwtHash}`,
        await after.token('research-researcher-1'),
      );
      assert.equal(read.status, 200);
      const verified = await verifyPresentationWithAnchor(
        presentation,
        read.body as unknown as CredentialAnchor,
        { nonce, audience: 'ResearchMSP', now },
      );
      assert.deepEqual(verified.claims, { valueString: `v-rec-before-${id}` });
    } finally {
      await after.close();
    }
  });

  it('when no issuer key file is named, then each start draws a key of its own', async () => {
    const id = randomBytes(4).toString('hex');
    const first = await startTestGateway();
    const a = await issue(first, `rec-a-${id}`);
    await first.close();
    const second = await startTestGateway();
    try {
      const b = await issue(second, `rec-b-${id}`);
      assert.notDeepEqual(b.credential.issuerJwk, a.credential.issuerJwk);
    } finally {
      await second.close();
    }
  });

  it('when the key file is written, then it is 0600 and a second ensure keeps the key', () => {
    const path = keyFile();
    const first = ensureEs256PrivateKey(path);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    const again = ensureEs256PrivateKey(path);
    assert.deepEqual(again.export({ format: 'jwk' }), first.export({ format: 'jwk' }));
    assert.equal(loadCredentialIssuerKey(path).source, 'file');
    assert.equal(credentialIssuerKeyOf({ credentials: {} }).source, 'drawn');
  });

  it('when the named file is missing or holds another kind of key, then loading refuses it without naming key material', () => {
    assert.throws(() => loadCredentialIssuerKey(join(keyFile(), 'missing.pem')), ConfigError);
    const rsa = keyFile();
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    writeFileSync(rsa, pem, { mode: 0o600 });
    assert.throws(
      () => loadCredentialIssuerKey(rsa),
      (err: unknown) => err instanceof ConfigError && !err.message.includes(pem.slice(40, 80)),
    );
    const p384 = keyFile();
    writeFileSync(
      p384,
      generateKeyPairSync('ec', { namedCurve: 'P-384' })
        .privateKey.export({ format: 'pem', type: 'pkcs8' })
        .toString(),
      { mode: 0o600 },
    );
    assert.throws(() => loadCredentialIssuerKey(p384), /P-256/);
  });
});
