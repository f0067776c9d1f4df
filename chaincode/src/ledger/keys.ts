import { ErrorCode, KeyFamily, keyPartProblem } from '@medledger/domain';
import type { ChaincodeStub } from 'fabric-shim';
import { fail } from '../errors';

/** Zero-padded version number, so that versions sort numerically. */
export function versionPart(version: number): string {
  return String(version).padStart(6, '0');
}

/** Largest millisecond timestamp representable in 13 digits, for inverted timestamps. */
const MAX_MS = 9_999_999_999_999;

/** Inverted, zero-padded timestamp: ascending key order is newest first. */
export function invertedTime(ms: number): string {
  return String(MAX_MS - ms).padStart(13, '0');
}

/**
 * Builds a composite key after checking every attribute is a safe key part (no U+0000, no U+10FFFF,
 * NFC, bounded): the only place keys are built.
 */
export function compositeKey(stub: ChaincodeStub, family: KeyFamily, parts: readonly string[]): string {
  for (const part of parts) {
    const problem = keyPartProblem(part, 256);
    if (problem !== undefined) fail(ErrorCode.VALIDATION_FAILED, `key part ${problem}`);
  }
  return stub.createCompositeKey(family, [...parts]);
}
