/**
 * The answer of a pure rule that says no: a stable error code and an ids-only detail. Pure rules return
 * it rather than throw, so their tests read it as data; a contract turns it into a `ChaincodeError`.
 */
import { ChaincodeError, type ErrorCode } from '@medledger/domain';

/** Why a pure rule refused. */
export interface Refusal {
  readonly refused: ErrorCode;
  readonly detail: string;
}

/** A refusal with `code` and `detail`. */
export function refuse(code: ErrorCode, detail: string): Refusal {
  return { refused: code, detail };
}

/** True when a rule's answer is a refusal. */
export function isRefusal(value: unknown): value is Refusal {
  return typeof value === 'object' && value !== null && 'refused' in value;
}

/** The value of a rule's answer, or the refusal thrown as a `ChaincodeError`. */
export function orThrow<T>(value: T | Refusal): T {
  if (isRefusal(value)) throw new ChaincodeError(value.refused, value.detail);
  return value;
}
