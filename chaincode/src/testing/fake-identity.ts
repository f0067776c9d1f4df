import type { ClientIdentity } from 'fabric-shim';

/** Who signs a test transaction: an MSP, a certificate CN and the certificate's OUs. */
export interface FakeSigner {
  mspId: string;
  cn: string;
  /** Subject OUs; Fabric NodeOUs put `admin` or `client` here. Default: `['client']`. */
  ous?: readonly string[];
  /** Fabric CA attributes (e.g. `hf.EnrollmentID`). */
  attrs?: Readonly<Record<string, string>>;
}

function escapeDn(value: string): string {
  return value.replace('/', '\\/');
}

/**
 * A client identity shaped like fabric-shim's: `getID()` is `x509::<subject DN>::<issuer DN>` with the
 * DN formatted as the shim formats it (`/C=US/.../OU=client/CN=doc-1`).
 */
export class FakeClientIdentity implements Pick<
  ClientIdentity,
  'getID' | 'getMSPID' | 'getAttributeValue' | 'assertAttributeValue' | 'getIDBytes'
> {
  readonly #signer: FakeSigner;

  constructor(signer: FakeSigner) {
    this.#signer = signer;
  }

  getID(): string {
    const org = this.#signer.mspId.replace(/MSP$/, '').toLowerCase();
    const ous = (this.#signer.ous ?? ['client']).map((ou) => `/OU=${escapeDn(ou)}`).join('');
    const subject = `/C=US/ST=North Carolina/O=Hyperledger${ous}/CN=${escapeDn(this.#signer.cn)}`;
    const issuer = `/C=US/ST=North Carolina/O=${org}.example.com/CN=ca.${org}.example.com`;
    return `x509::${subject}::${issuer}`;
  }

  getMSPID(): string {
    return this.#signer.mspId;
  }

  getAttributeValue(attrName: string): string | null {
    return this.#signer.attrs?.[attrName] ?? null;
  }

  assertAttributeValue(attrName: string, attrValue: string): boolean {
    return this.getAttributeValue(attrName) === attrValue;
  }

  getIDBytes(): Uint8Array {
    return Buffer.from(this.getID());
  }
}
