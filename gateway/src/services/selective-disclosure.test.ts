import assert from 'node:assert/strict';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  ARRAY_PAD,
  DisclosureError,
  issueRecordSdJwt,
  newHolderKey,
  presentSdJwt,
  sdJwtAnchorHash,
  verifySdJwtPresentation,
  type RecordReference,
} from './selective-disclosure';

const NOW = 1_790_000_000;

// Every part of an SD-JWT (or presentation) decoded: the JWT headers and payloads, and each disclosure.
function decodedParts(compact: string): string {
  return compact
    .split('~')
    .flatMap((part) => part.split('.'))
    .map((p) => Buffer.from(p, 'base64url').toString('utf8'))
    .join('\n');
}

async function genomicFixture() {
  const canary = `CANARY-${randomBytes(6).toString('hex')}`;
  const record: RecordReference = {
    custodian: 'Hospital1MSP',
    recordId: `gen-${randomBytes(4).toString('hex')}`,
    version: 1,
  };
  const variants = [
    { gene: 'BRCA1', hgvs: 'NM_007294.4:c.68_69del', zygosity: 'heterozygous', significance: 'pathogenic' },
    { gene: 'APOE', hgvs: 'NM_000041.4:c.388T>C', zygosity: 'homozygous', significance: 'risk-factor' },
    {
      gene: 'CFTR',
      hgvs: 'NM_000492.4:c.1521_1523del',
      zygosity: 'heterozygous',
      significance: 'pathogenic',
    },
  ];
  const issuer = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const holder = newHolderKey();
  const { sdJwt, anchorHash } = await issueRecordSdJwt({
    record,
    claims: {
      resourceType: 'DiagnosticReport',
      code: { system: 'http://loinc.org', code: '51969-6' },
      conclusion: `${canary} conclusion`,
      performer: `${canary} laboratory`,
      variants,
    },
    issuer: {
      id: 'did:medledger:hospital1:hospital1-attending-1',
      kid: 'hospital1-sd#1',
      privateKey: issuer.privateKey,
    },
    holderJwk: holder.publicJwk,
    issuedAt: NOW - 100,
  });
  const ledger = new Map([[`${record.custodian}/${record.recordId}/${String(record.version)}`, anchorHash]]);
  const anchoredHash = (r: RecordReference) =>
    Promise.resolve(ledger.get(`${r.custodian}/${r.recordId}/${String(r.version)}`));
  return { canary, record, variants, issuer, holder, sdJwt, anchorHash, anchoredHash };
}

void describe('selective disclosure (SD-JWT)', () => {
  void it('when a patient discloses one variant of a genomic report, then the researcher verifies it and learns nothing else', async () => {
    const f = await genomicFixture();
    const nonce = randomBytes(16).toString('base64url');
    const presentation = await presentSdJwt(
      f.sdJwt,
      { variants: { 1: true } },
      {
        privateKey: f.holder.privateKey,
        nonce,
        audience: 'ResearchMSP',
        issuedAt: NOW,
      },
    );
    const verified = await verifySdJwtPresentation(presentation, {
      issuerKey: f.issuer.publicKey,
      anchoredHash: f.anchoredHash,
      nonce,
      audience: 'ResearchMSP',
      now: NOW,
    });
    assert.deepEqual(verified.record, f.record);
    assert.deepEqual(verified.claims, { variants: [f.variants[1]] });
    const seen = decodedParts(presentation);
    for (const hidden of [
      f.canary,
      'BRCA1',
      'CFTR',
      '51969-6',
      'DiagnosticReport',
      'conclusion',
      'performer',
    ]) {
      assert.ok(!seen.includes(hidden), `${hidden} reached the verifier`);
    }
    assert.ok(seen.includes('APOE'));
    // The array is padded with decoys: the verifier cannot count the report's variants.
    const arrayDigests = seen.match(/\{"\.\.\.":"/g) ?? [];
    assert.equal(arrayDigests.length, ARRAY_PAD);
    assert.ok(decodedParts(f.sdJwt).includes('BRCA1'), 'the holder keeps every disclosure');
  });
});

void describe('selective disclosure (SD-JWT): refusals', () => {
  void it('when the presentation is replayed, sent elsewhere, unbound, re-signed or not anchored, then it is refused with its reason', async () => {
    const f = await genomicFixture();
    const nonce = randomBytes(16).toString('base64url');
    const holder = { privateKey: f.holder.privateKey, nonce, audience: 'ResearchMSP', issuedAt: NOW };
    const presentation = await presentSdJwt(f.sdJwt, { variants: { 0: true } }, holder);
    const expect = {
      issuerKey: f.issuer.publicKey,
      anchoredHash: f.anchoredHash,
      nonce,
      audience: 'ResearchMSP',
      now: NOW,
    };
    const reason = async (p: string, e = expect) => {
      try {
        await verifySdJwtPresentation(p, e);
        return 'verified';
      } catch (err) {
        assert.ok(err instanceof DisclosureError, String(err));
        return err.reason;
      }
    };
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const stranger = newHolderKey();
    assert.equal(await reason(presentation), 'verified');
    assert.equal(await reason(presentation, { ...expect, nonce: 'another-nonce' }), 'KEY_BINDING');
    assert.equal(await reason(presentation, { ...expect, audience: 'Hospital2MSP' }), 'KEY_BINDING');
    assert.equal(await reason(presentation, { ...expect, now: NOW + 3600 }), 'KEY_BINDING');
    assert.equal(await reason(presentation, { ...expect, issuerKey: other.publicKey }), 'INVALID_SIGNATURE');
    assert.equal(
      await reason(
        await presentSdJwt(
          f.sdJwt,
          { variants: { 0: true } },
          { ...holder, privateKey: stranger.privateKey },
        ),
      ),
      'KEY_BINDING',
    );
    assert.equal(await reason(presentation.slice(0, presentation.lastIndexOf('~') + 1)), 'KEY_BINDING');
    assert.equal(
      await reason(presentation, { ...expect, anchoredHash: () => Promise.resolve(undefined) }),
      'NOT_ANCHORED',
    );
    // A second issuance of the same record is a different credential: its hash is not the anchored one.
    const reissued = await issueRecordSdJwt({
      record: f.record,
      claims: { variants: f.variants },
      issuer: { id: 'x', kid: 'k', privateKey: f.issuer.privateKey },
      holderJwk: f.holder.publicJwk,
      issuedAt: NOW,
    });
    assert.notEqual(reissued.anchorHash, f.anchorHash);
    assert.equal(
      await reason(await presentSdJwt(reissued.sdJwt, { variants: { 0: true } }, holder)),
      'NOT_ANCHORED',
    );
    assert.equal(sdJwtAnchorHash(presentation), f.anchorHash);
  });

  void it('when a claim takes a reserved name, then issuing refuses it', async () => {
    const issuer = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    await assert.rejects(
      issueRecordSdJwt({
        record: { custodian: 'Hospital1MSP', recordId: 'r-1', version: 1 },
        claims: { recordId: 'other' },
        issuer: { id: 'x', kid: 'k', privateKey: issuer.privateKey },
        holderJwk: newHolderKey().publicJwk,
        issuedAt: NOW,
      }),
      RangeError,
    );
  });
});
