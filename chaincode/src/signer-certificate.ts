/**
 * Reads the signer's certificate as the peer's MSP validated it, and from it only the subject's CN and
 * OU values, attribute by attribute.
 *
 * Rules this reader keeps:
 * - **The same bytes the MSP read.** The peer's MSP takes the first PEM block of the creator's id bytes
 *   whatever its type; OpenSSL (Node's X.509 parser) skips blocks not named CERTIFICATE and reads the
 *   next. Id bytes with a block of another type first would then be validated as one certificate and
 *   read as another, unsigned one. So the id bytes must be exactly one `CERTIFICATE` block, with
 *   nothing but whitespace around it and only base64 inside: every parser sees the same certificate.
 * - **The structure, not a printed name.** The subject is walked in DER (RFC 5280: Certificate,
 *   TBSCertificate, Name), every element bounded by its parent, definite lengths only. CN and OU values
 *   must be UTF8String, PrintableString or IA5String (what Fabric CA and OpenSSL issue); another string
 *   type there refuses the certificate rather than guess at its decoding. Other attributes are skipped
 *   unread.
 * - **Cheap.** One base64 decode and a walk over the first few hundred bytes, instead of building a
 *   full certificate object per transaction: the peer has already parsed and verified it.
 */

/** The CN and OU values of a certificate's subject, in order, repeated attributes kept. */
export interface SubjectNames {
  readonly cn: readonly string[];
  readonly ou: readonly string[];
}

// Whitespace may surround the block, but the BEGIN line starts a line (where the MSP's PEM reader looks).
const PEM_CERTIFICATE =
  /^(?:\s*\n)?-----BEGIN CERTIFICATE-----\r?\n([A-Za-z0-9+/=\r\n]+)-----END CERTIFICATE-----\s*$/;

/** The DER of id bytes that are exactly one PEM `CERTIFICATE` block, else null. */
export function certificateDer(idBytes: Uint8Array): Buffer | null {
  const match = PEM_CERTIFICATE.exec(Buffer.from(idBytes).toString('latin1'));
  const body = match?.[1];
  if (body === undefined) return null;
  const base64 = body.replace(/[\r\n]/g, '');
  // Strict base64 (padding only at the end, whole quanta), so the bytes are those any decoder gets.
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64) || base64.length % 4 !== 0) return null;
  return Buffer.from(base64, 'base64');
}

const TAG = { sequence: 0x30, set: 0x31, integer: 0x02, oid: 0x06, version: 0xa0 } as const;
const STRING_TAGS: ReadonlySet<number> = new Set([
  0x0c /* UTF8String */, 0x13 /* PrintableString */, 0x16 /* IA5String */,
]);
// The DER contents of the OIDs 2.5.4.3 (commonName) and 2.5.4.11 (organizationalUnitName).
const OID_CN = '550403';
const OID_OU = '55040b';

/** One DER element: its tag, and where its contents start and end in the buffer. */
interface Element {
  readonly tag: number;
  readonly start: number;
  readonly end: number;
}

/** The element at `at`, which must end by `limit`; throws on anything malformed. */
function elementAt(der: Buffer, at: number, limit: number): Element {
  if (at + 2 > limit) throw new Error('truncated');
  const tag = der[at] ?? 0;
  // High tag numbers (low five bits all set) never occur in the elements read here.
  if ((tag & 0x1f) === 0x1f) throw new Error('unexpected tag');
  let length = der[at + 1] ?? 0;
  let start = at + 2;
  if (length & 0x80) {
    const octets = length & 0x7f;
    // Definite lengths of 1 to 3 octets cover any certificate; 0x80 (indefinite) is not DER.
    if (octets === 0 || octets > 3 || start + octets > limit) throw new Error('bad length');
    length = 0;
    for (let i = 0; i < octets; i++) length = length * 256 + (der[start + i] ?? 0);
    start += octets;
  }
  const end = start + length;
  if (end > limit) throw new Error('overruns its parent');
  return { tag, start, end };
}

/** The element at `at` with tag `tag`; throws otherwise. */
function expect(der: Buffer, at: number, limit: number, tag: number): Element {
  const element = elementAt(der, at, limit);
  if (element.tag !== tag) throw new Error('unexpected tag');
  return element;
}

/** The subject's CN and OU values of a DER certificate; throws when it is not one. */
function subjectOfDer(der: Buffer): SubjectNames {
  const certificate = expect(der, 0, der.length, TAG.sequence);
  if (certificate.end !== der.length) throw new Error('trailing bytes');
  const tbs = expect(der, certificate.start, certificate.end, TAG.sequence);
  let at = tbs.start;
  const next = (tag: number): Element => {
    const element = expect(der, at, tbs.end, tag);
    at = element.end;
    return element;
  };
  if (elementAt(der, at, tbs.end).tag === TAG.version) next(TAG.version);
  next(TAG.integer); // serialNumber
  next(TAG.sequence); // signature algorithm
  next(TAG.sequence); // issuer
  next(TAG.sequence); // validity
  const subject = next(TAG.sequence);
  const cn: string[] = [];
  const ou: string[] = [];
  // Name: SEQUENCE OF RelativeDistinguishedName (a SET of one or more AttributeTypeAndValue).
  for (let rdnAt = subject.start; rdnAt < subject.end;) {
    const rdn = expect(der, rdnAt, subject.end, TAG.set);
    if (rdn.start === rdn.end) throw new Error('empty RDN');
    for (let attrAt = rdn.start; attrAt < rdn.end;) {
      const attribute = expect(der, attrAt, rdn.end, TAG.sequence);
      const type = expect(der, attribute.start, attribute.end, TAG.oid);
      const value = elementAt(der, type.end, attribute.end);
      if (value.end !== attribute.end) throw new Error('extra element in attribute');
      const oid = der.subarray(type.start, type.end).toString('hex');
      const into = oid === OID_CN ? cn : oid === OID_OU ? ou : undefined;
      if (into !== undefined) {
        if (!STRING_TAGS.has(value.tag)) throw new Error('unsupported string type');
        into.push(der.subarray(value.start, value.end).toString('utf8'));
      }
      attrAt = attribute.end;
    }
    rdnAt = rdn.end;
  }
  return { cn, ou };
}

/**
 * The subject's CN and OU values of the signer's id bytes, or null when they are not exactly one PEM
 * certificate or its structure is not what the rules above accept.
 */
export function signerSubject(idBytes: Uint8Array): SubjectNames | null {
  const der = certificateDer(idBytes);
  if (der === null) return null;
  try {
    return subjectOfDer(der);
  } catch {
    return null;
  }
}
