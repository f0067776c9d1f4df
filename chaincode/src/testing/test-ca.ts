import { webcrypto } from 'node:crypto';
// @peculiar/x509 2 resolves its ASN.1 types through tsyringe, which needs the Reflect metadata API.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import type { FakeSigner } from './fake-identity';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
/** The extension Fabric CA writes enrollment attributes into (`{"attrs":{...}}`). */
const FABRIC_ATTRS_OID = '1.2.3.4.5.6.7.8.1';

interface Issuer {
  name: string;
  keys: webcrypto.CryptoKeyPair;
}

/** The subject Fabric CA gives an enrolled person: C, ST, O, the NodeOU and any other OUs, CN. */
function defaultSubject(signer: FakeSigner): x509.JsonName {
  return [
    { C: ['US'] },
    { ST: ['North Carolina'] },
    { O: ['Hyperledger'] },
    ...(signer.ous ?? ['client']).map((ou) => ({ OU: [ou] })),
    { CN: [signer.cn] },
  ];
}

/**
 * A small certificate authority per MSP for the in-memory ledger: it issues each test signer a real
 * X.509 certificate (P-256) with the subject Fabric CA would give, or exactly the crafted subject a
 * test asks for, so the contracts read identities from the same bytes a peer hands them. Certificates
 * are issued once per distinct signer and reused.
 */
export class TestCertificateAuthority {
  readonly #issuers = new Map<string, Promise<Issuer>>();
  readonly #issued = new Map<string, Promise<string>>();

  /** The PEM certificate of `signer`, issued by the CA of its MSP. */
  certificateFor(signer: FakeSigner): Promise<string> {
    const id = JSON.stringify([
      signer.mspId,
      signer.cn,
      signer.ous ?? null,
      signer.attrs ?? null,
      signer.subject ?? null,
    ]);
    let pem = this.#issued.get(id);
    if (pem === undefined) {
      pem = this.#issue(signer);
      this.#issued.set(id, pem);
    }
    return pem;
  }

  #issuer(mspId: string): Promise<Issuer> {
    let issuer = this.#issuers.get(mspId);
    if (issuer === undefined) {
      const org = mspId.replace(/MSP$/, '').toLowerCase();
      const name = `C=US, ST=California, O=${org}.example.com, CN=ca.${org}.example.com`;
      issuer = webcrypto.subtle.generateKey(ALG, false, ['sign', 'verify']).then((keys) => ({ name, keys }));
      this.#issuers.set(mspId, issuer);
    }
    return issuer;
  }

  async #issue(signer: FakeSigner): Promise<string> {
    const issuer = await this.#issuer(signer.mspId);
    const keys = await webcrypto.subtle.generateKey(ALG, false, ['sign', 'verify']);
    const extensions: x509.Extension[] = [new x509.BasicConstraintsExtension(false, undefined, true)];
    if (signer.attrs) {
      const value = Buffer.from(JSON.stringify({ attrs: signer.attrs }));
      extensions.push(new x509.Extension(FABRIC_ATTRS_OID, false, value));
    }
    const subject: x509.JsonName = signer.subject
      ? signer.subject.map(([type, value]) => ({ [type]: [value] }))
      : defaultSubject(signer);
    const cert = await x509.X509CertificateGenerator.create({
      subject,
      issuer: issuer.name,
      publicKey: keys.publicKey,
      signingKey: issuer.keys.privateKey,
      signingAlgorithm: ALG,
      extensions,
    });
    return cert.toString('pem');
  }
}
