import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { certificateDer, signerSubject } from './signer-certificate';
import { TestCertificateAuthority } from './testing/test-ca';

const ca = new TestCertificateAuthority();

/** A certificate of Hospital1's test CA with `subject`, one attribute per RDN in order. */
const issue = (subject: readonly (readonly [string, string])[]): Promise<string> =>
  ca.certificateFor({ mspId: 'Hospital1MSP', cn: '', subject });

/** The subject's CN and OU values as OpenSSL reads them (Node's X.509 parser), in order. */
function opensslNames(pem: string): { cn: string[]; ou: string[] } {
  const subject = new X509Certificate(pem).toLegacyObject().subject as unknown as Record<string, unknown>;
  const values = (v: unknown): string[] =>
    v === undefined ? [] : Array.isArray(v) ? (v as string[]) : [v as string];
  return { cn: values(subject['CN']), ou: values(subject['OU']) };
}

/** A PEM block of `type` around the DER of `pem`'s certificate. */
const reblock = (pem: string, type: string): string => pem.replaceAll('CERTIFICATE', type);

void describe('the signer certificate reader', () => {
  void it('when subjects carry any values, repeated CNs and OUs and other attributes, then it reads the same CN and OU values as OpenSSL', async () => {
    const value = fc.string({
      unit: fc.constantFrom(...'aZ09 ./=+,;\\<>-_@\nöé漢'.split('')),
      maxLength: 12,
    });
    const attribute = fc.tuple(fc.constantFrom('CN', 'OU', 'O', 'L', 'ST'), value);
    await fc.assert(
      fc.asyncProperty(fc.array(attribute, { maxLength: 7 }), async (attrs) => {
        const pem = await issue([['C', 'US'], ...attrs]);
        assert.deepEqual(signerSubject(Buffer.from(pem)), opensslNames(pem));
      }),
      { numRuns: 150 },
    );
  });

  void it('when the id bytes are one certificate with CRLF line ends, surrounding blank lines or no final line end, then it is read', async () => {
    const pem = await issue([
      ['OU', 'client'],
      ['CN', 'dr.who'],
    ]);
    for (const bytes of [pem.replaceAll('\n', '\r\n'), `\n\n${pem}\n  \n`, pem.trimEnd()]) {
      assert.deepEqual(signerSubject(Buffer.from(bytes)), { cn: ['dr.who'], ou: ['client'] });
    }
  });

  void it('when the id bytes hold anything besides one certificate, then nothing is read from them', async () => {
    const own = await issue([
      ['OU', 'client'],
      ['CN', 'nurse'],
    ]);
    const forged = await new TestCertificateAuthority().certificateFor({
      mspId: 'Hospital1MSP',
      cn: 'boss',
      ous: ['admin'],
    });
    const body = own.split('\n').slice(1, -2).join('');
    const crafted = {
      // The peer's MSP validates the first block whatever its type; OpenSSL would read the second.
      'another block type before a certificate': `${reblock(own, 'JUNK')}\n${forged}`,
      'two certificates': `${own}\n${forged}`,
      'text before the block': `issued to nurse\n${own}`,
      'text after the block': `${own}see above\n`,
      'the BEGIN line indented': `  ${own}`,
      'PEM headers': own.replace('-----\n', '-----\nProc-Type: 4,ENCRYPTED\n\n'),
      'a padding character inside the base64': own.replace(/(-----\n.{10})./, '$1='),
      'base64 cut short of a quantum': `-----BEGIN CERTIFICATE-----\n${body.slice(0, -5)}\n-----END CERTIFICATE-----\n`,
      'a TRUSTED CERTIFICATE block': reblock(own, 'TRUSTED CERTIFICATE'),
      'the DER itself': certificateDer(Buffer.from(own))?.toString('latin1') ?? '',
    };
    for (const [what, bytes] of Object.entries(crafted)) {
      assert.equal(signerSubject(Buffer.from(bytes, 'latin1')), null, what);
    }
  });

  void it('when a CN is a BMPString, is encoded with an indefinite length, or the DER has bytes after the certificate, then nothing is read', async () => {
    const pem = await issue([
      ['OU', 'client'],
      ['CN', 'abcdefgh'],
    ]);
    const der = certificateDer(Buffer.from(pem));
    assert.ok(der);
    // The last CN of the certificate is the subject's (the issuer's comes first).
    const cnAt = der.lastIndexOf(Buffer.from('0603550403', 'hex'));
    const asPem = (bytes: Buffer) =>
      `-----BEGIN CERTIFICATE-----\n${bytes.toString('base64').replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n`;
    const bmp = Buffer.from(der);
    bmp[cnAt + 5] = 0x1e; // the CN value's tag: UTF8String or PrintableString -> BMPString
    const indefinite = Buffer.from(der);
    indefinite[1] = 0x80; // the certificate's own length
    for (const bytes of [bmp, indefinite, Buffer.concat([der, Buffer.from([0x05, 0x00])])]) {
      assert.equal(signerSubject(Buffer.from(asPem(bytes))), null);
    }
    assert.deepEqual(signerSubject(Buffer.from(asPem(der))), { cn: ['abcdefgh'], ou: ['client'] });
  });

  void it('when any bytes of a certificate are changed or cut, then the reader answers a subject or nothing and never throws', async () => {
    const der = certificateDer(
      Buffer.from(
        await issue([
          ['O', 'Hyperledger'],
          ['OU', 'client'],
          ['CN', 'fuzz'],
        ]),
      ),
    );
    assert.ok(der);
    const asPem = (bytes: Buffer) =>
      `-----BEGIN CERTIFICATE-----\n${bytes.toString('base64')}\n-----END CERTIFICATE-----\n`;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(der.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
        fc.nat(der.length),
        (changes, cutAt) => {
          const bytes = Buffer.from(der);
          for (const [at, value] of changes) bytes[at] = value;
          const out = signerSubject(Buffer.from(asPem(bytes.subarray(0, Math.max(1, cutAt)))));
          assert.ok(out === null || (Array.isArray(out.cn) && Array.isArray(out.ou)));
        },
      ),
      { numRuns: 2000 },
    );
  });
});
