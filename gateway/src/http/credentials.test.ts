import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';

import type { CredentialAnchor } from '@medledger/domain';

import {
  newHolderKey,
  presentationAnchorKey,
  presentSdJwt,
  verifyPresentationWithAnchor,
} from '../services/selective-disclosure';
import { callJson, startTestGateway, type TestGateway } from '../testing/harness';
import { after, before, describe, it } from '../testing/node-test';

let gw: TestGateway;
before(async () => {
  gw = await startTestGateway();
});
after(async () => {
  await gw.close();
});

const call = (method: string, path: string, token: string, body?: unknown) =>
  callJson(gw, method, path, token, body);

const variant = (hgvs: string) => ({
  code: { text: 'DNA change (c.HGVS)' },
  valueCodeableConcept: { text: hgvs },
});

describe('selective disclosure routes', () => {
  it('when the custodian issues a genomic report and the holder discloses one variant, then the verifier checks it against the anchor read from the ledger and sees that variant only', async () => {
    const canary = `canary-${randomBytes(4).toString('hex')}`;
    const resource = {
      resourceType: 'Observation',
      id: 'obs-1',
      status: 'final',
      note: [{ text: canary }],
      component: [variant('c.1310_1313del'), variant('c.68_69del'), variant(`c.${canary}`)],
    };
    const holder = newHolderKey();
    const token = await gw.token('hospital1-attending-1');
    const issued = await call('POST', '/v1/records/rec-genomic-1/credentials', token, {
      version: 1,
      resource,
      salt: 'ab'.repeat(32),
      holderJwk: holder.publicJwk,
    });
    assert.equal(issued.status, 201, JSON.stringify(issued.body));
    const anchored = gw.fake.callsOf('credential:AnchorCredential').at(-1);
    assert.deepEqual(anchored?.options.endorsingOrganizations, ['Hospital1MSP', 'RegulatorMSP']);
    const credential = issued.body['credential'] as CredentialAnchor;
    gw.fake.handlers['credential:GetCredentialAnchor'] = () => credential;

    const nonce = randomBytes(16).toString('hex');
    const presentation = await presentSdJwt(
      String(issued.body['sdJwt']),
      { component: { 1: true } },
      {
        privateKey: holder.privateKey,
        nonce,
        audience: 'ResearchMSP',
        issuedAt: Math.floor(Date.now() / 1000),
      },
    );
    const { custodian, sdJwtHash } = presentationAnchorKey(presentation);
    assert.equal(sdJwtHash, credential.sdJwtHash, "the anchored hash is the issuer-signed JWT's");
    const read = await call(
      'GET',
      `/v1/credentials/${custodian}/${sdJwtHash}`,
      await gw.token('research-researcher-1'),
    );
    assert.equal(read.status, 200);
    const verified = await verifyPresentationWithAnchor(
      presentation,
      read.body as unknown as CredentialAnchor,
      {
        nonce,
        audience: 'ResearchMSP',
        now: Math.floor(Date.now() / 1000),
      },
    );
    assert.deepEqual(verified.claims, { component: [variant('c.68_69del')] });
    assert.equal(JSON.stringify(verified).includes(canary), false);
    await assert.rejects(
      verifyPresentationWithAnchor(
        presentation,
        { ...credential, version: 2 },
        { nonce, audience: 'ResearchMSP', now: Math.floor(Date.now() / 1000) },
      ),
      /NOT_ANCHORED/,
    );
    const otherKey = newHolderKey().publicJwk;
    await assert.rejects(
      verifyPresentationWithAnchor(
        presentation,
        { ...credential, issuerJwk: otherKey },
        { nonce, audience: 'ResearchMSP', now: Math.floor(Date.now() / 1000) },
      ),
      /INVALID_SIGNATURE/,
    );
  });

  it('when the content does not match the anchored hash, then 422 and nothing is anchored', async () => {
    const before = gw.fake.callsOf('credential:AnchorCredential').length;
    gw.fake.handlers['record:VerifyRecord'] = (i) => ({
      recordId: i['recordId'],
      version: 1,
      matches: false,
      anchoredHash: 'aa'.repeat(32),
      computedHash: 'bb'.repeat(32),
      hashAlgorithm: 'SHA-256',
    });
    const r = await call(
      'POST',
      '/v1/records/rec-genomic-2/credentials',
      await gw.token('hospital1-attending-1'),
      {
        version: 1,
        resource: { resourceType: 'Observation', id: 'obs-2' },
        salt: 'cd'.repeat(32),
        holderJwk: newHolderKey().publicJwk,
      },
    );
    assert.equal([r.status, r.body['code']].join(' '), '422 CONTENT_MISMATCH');
    assert.equal(gw.fake.callsOf('credential:AnchorCredential').length, before);
  });
});
