/** Thrown when bytes, keys or encodings handed to this package are malformed. */
export class CryptoInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CryptoInputError';
  }
}

const B64URL = /^[A-Za-z0-9_-]*$/;

/** base64url without padding (RFC 4648 §5), as JOSE uses it. */
export function toBase64Url(data: Uint8Array | string): string {
  return Buffer.from(data).toString('base64url');
}

/**
 * Decodes strict base64url: only the URL-safe alphabet, no padding, and no trailing bits, so one
 * value has one encoding (Node's decoder would otherwise ignore stray characters and bits).
 */
export function fromBase64Url(text: string, what = 'value'): Buffer {
  if (!B64URL.test(text) || text.length % 4 === 1) throw new CryptoInputError(`${what}: not base64url`);
  const bytes = Buffer.from(text, 'base64url');
  if (bytes.toString('base64url') !== text) throw new CryptoInputError(`${what}: not canonical base64url`);
  return bytes;
}

/** A big-endian unsigned integer of exactly `length` bytes. */
export function bigIntToBytes(value: bigint, length: number): Buffer {
  if (value < 0n) throw new CryptoInputError('negative integer');
  const hex = value.toString(16).padStart(length * 2, '0');
  if (hex.length > length * 2) throw new CryptoInputError('integer too large');
  return Buffer.from(hex, 'hex');
}

/** The unsigned big-endian integer a byte string denotes. */
export function bytesToBigInt(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${Buffer.from(bytes).toString('hex')}`);
}
