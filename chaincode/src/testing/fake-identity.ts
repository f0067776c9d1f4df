/**
 * Who signs a test transaction: an MSP, a certificate CN and the certificate's OUs. The in-memory
 * ledger issues each signer a real X.509 certificate ({@link TestCertificateAuthority}) and hands the
 * contracts fabric-shim's own `ClientIdentity` over it, as a peer would.
 */
export interface FakeSigner {
  mspId: string;
  cn: string;
  /** Subject OUs; Fabric NodeOUs put `admin` or `client` here. Default: `['client']`. */
  ous?: readonly string[];
  /** Fabric CA attributes (e.g. `hf.EnrollmentID`). */
  attrs?: Readonly<Record<string, string>>;
  /**
   * The whole certificate subject, one attribute per RDN in order (`[['O', 'x'], ['CN', 'a']]`),
   * instead of the one built from `ous` and `cn`: for certificates crafted to mislead a parser.
   */
  subject?: readonly (readonly [type: string, value: string])[];
  /**
   * The creator's id bytes made from the issued PEM certificate (another PEM block before it, a
   * second certificate after it), for id bytes crafted to mislead a parser. Default: the certificate.
   */
  creator?: (certificate: string) => string;
}
