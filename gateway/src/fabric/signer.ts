/**
 * A Fabric signer on Node's OpenSSL. fabric-gateway's default signer is pure JavaScript; OpenSSL is an
 * order of magnitude faster, but its ECDSA signatures may carry a high S, which Fabric rejects, so S is
 * normalized to the lower half of the curve order.
 *
 * Use it with `hash: hash.none` in `connect()`: the signer receives the message and hashes it itself.
 */
import { createPrivateKey, sign, type KeyObject } from 'node:crypto';

const curveOrders: Record<string, bigint> = {
  prime256v1: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
  secp384r1:
    0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
};
const digestFor: Record<string, string> = { prime256v1: 'sha256', secp384r1: 'sha384' };

/** A signer as fabric-gateway expects it. */
export type MessageSigner = (message: Uint8Array) => Promise<Uint8Array>;

function readLength(der: Uint8Array, offset: number): [length: number, next: number] {
  const first = der[offset];
  if (first === undefined) throw new Error('truncated DER');
  if (first < 0x80) return [first, offset + 1];
  const bytes = first & 0x7f;
  if (bytes < 1 || bytes > 2) throw new Error('unsupported DER length');
  let length = 0;
  for (let i = 1; i <= bytes; i++) {
    const b = der[offset + i];
    if (b === undefined) throw new Error('truncated DER');
    length = (length << 8) | b;
  }
  return [length, offset + 1 + bytes];
}

function readInteger(der: Uint8Array, offset: number): [value: bigint, next: number] {
  if (der[offset] !== 0x02) throw new Error('expected DER INTEGER');
  const [length, start] = readLength(der, offset + 1);
  const end = start + length;
  if (end > der.length) throw new Error('truncated DER');
  const hex = Buffer.from(der.subarray(start, end)).toString('hex');
  return [BigInt(`0x${hex || '0'}`), end];
}

function encodeLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  if (length < 0x100) return Buffer.from([0x81, length]);
  return Buffer.from([0x82, length >> 8, length & 0xff]);
}

function encodeInteger(value: bigint): Buffer {
  let hex = value.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  let bytes = Buffer.from(hex, 'hex');
  const top = bytes[0] ?? 0;
  if (top & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return Buffer.concat([Buffer.from([0x02]), encodeLength(bytes.length), bytes]);
}

/** Parses a DER ECDSA signature into r and s. */
export function parseDerSignature(der: Uint8Array): { r: bigint; s: bigint } {
  if (der[0] !== 0x30) throw new Error('expected DER SEQUENCE');
  const [, body] = readLength(der, 1);
  const [r, afterR] = readInteger(der, body);
  const [s] = readInteger(der, afterR);
  return { r, s };
}

/** Encodes r and s as a DER ECDSA signature. */
export function encodeDerSignature(r: bigint, s: bigint): Buffer {
  const body = Buffer.concat([encodeInteger(r), encodeInteger(s)]);
  return Buffer.concat([Buffer.from([0x30]), encodeLength(body.length), body]);
}

/** Returns the signature with S in the lower half of the curve order `n` (unchanged when it already is). */
export function toLowS(der: Uint8Array, n: bigint): Uint8Array {
  const { r, s } = parseDerSignature(der);
  if (s <= n >> 1n) return der;
  return encodeDerSignature(r, n - s);
}

/**
 * Creates a signer from a PEM (PKCS#8 or SEC1) EC private key. The returned function hashes the message
 * (SHA-256 for P-256) and returns a low-S DER signature.
 */
export function newOpenSslSigner(privateKey: string | KeyObject): MessageSigner {
  const key = typeof privateKey === 'string' ? createPrivateKey(privateKey) : privateKey;
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (key.asymmetricKeyType !== 'ec' || curve === undefined) throw new Error('expected an EC private key');
  const n = curveOrders[curve];
  const digest = digestFor[curve];
  if (n === undefined || digest === undefined) throw new Error('unsupported EC curve');
  return (message) => Promise.resolve(toLowS(sign(digest, message, { key, dsaEncoding: 'der' }), n));
}

export const P256_ORDER = curveOrders['prime256v1'] ?? 0n;
