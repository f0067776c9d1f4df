/**
 * A reader of the protobuf wire format for the few fields the projection takes out of every
 * transaction of every block (its type, id and chaincode event). Every gateway reads every block, and
 * decoding each envelope into google-protobuf objects, seven nested messages a transaction, was most of
 * what a gateway that serves no request spends per transaction; this reader walks the bytes in place
 * and copies nothing. Semantics are protobuf's: unknown fields are skipped, and of a singular field
 * sent more than once the last one counts.
 */

const VARINT = 0;
const FIXED64 = 1;
const LENGTH_DELIMITED = 2;
const FIXED32 = 5;
const EMPTY = new Uint8Array(0);

/** Thrown for bytes that are not a well-formed protobuf message. */
export class WireFormatError extends Error {
  constructor(detail: string) {
    super(`malformed protobuf: ${detail}`);
    this.name = 'WireFormatError';
  }
}

/** The varint at `offset` and the offset after it (values up to 2^53, as numbers). */
function readVarint(bytes: Uint8Array, offset: number): [value: number, next: number] {
  let value = 0;
  let scale = 1;
  for (let i = offset; i < bytes.length && i < offset + 10; i++) {
    const b = bytes[i] ?? 0;
    value += (b & 0x7f) * scale;
    if ((b & 0x80) === 0) return [value, i + 1];
    scale *= 128;
  }
  throw new WireFormatError('truncated varint');
}

/**
 * Visits the top-level fields of a message in the order sent: `onVarint` with a varint's value,
 * `onBytes` with a view of a length-delimited one; fixed-width fields are skipped. A plain loop with
 * no object per field: it runs for every transaction of every block.
 */
function visitFields(
  message: Uint8Array,
  field: number,
  onVarint: ((value: number) => void) | undefined,
  onBytes: ((value: Uint8Array) => void) | undefined,
): void {
  let offset = 0;
  while (offset < message.length) {
    const [tag, afterTag] = readVarint(message, offset);
    const number = Math.floor(tag / 8);
    const wireType = tag % 8;
    if (number === 0) throw new WireFormatError('field number 0');
    if (wireType === VARINT) {
      const [value, next] = readVarint(message, afterTag);
      if (number === field) onVarint?.(value);
      offset = next;
    } else if (wireType === LENGTH_DELIMITED) {
      const [length, start] = readVarint(message, afterTag);
      const end = start + length;
      if (end > message.length) throw new WireFormatError('length past the end');
      if (number === field) onBytes?.(message.subarray(start, end));
      offset = end;
    } else if (wireType === FIXED64 || wireType === FIXED32) {
      offset = afterTag + (wireType === FIXED64 ? 8 : 4);
      if (offset > message.length) throw new WireFormatError('fixed field past the end');
    } else {
      throw new WireFormatError(`wire type ${String(wireType)}`);
    }
  }
}

/** Every value of length-delimited field `field` (a repeated message or bytes field), as views. */
export function repeatedBytes(message: Uint8Array, field: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  visitFields(message, field, undefined, (v) => out.push(v));
  return out;
}

/** Length-delimited field `field` (a message, bytes or string field); empty when absent, as protobuf reads it. */
export function bytesField(message: Uint8Array, field: number): Uint8Array {
  let value: Uint8Array = EMPTY;
  visitFields(message, field, undefined, (v) => (value = v));
  return value;
}

/** Varint field `field` (an int32, enum or bool); 0 when absent. */
export function varintField(message: Uint8Array, field: number): number {
  let value = 0;
  visitFields(message, field, (v) => (value = v), undefined);
  return value;
}

/** String field `field`, UTF-8; empty when absent. */
export function stringField(message: Uint8Array, field: number): string {
  const view = bytesField(message, field);
  return Buffer.from(view.buffer, view.byteOffset, view.byteLength).toString('utf8');
}
