/**
 * Stable error codes that cross the wire as `"[CODE] detail"`. The gateway decodes the code and maps
 * it to an HTTP status once; the detail holds ids only, never personal data.
 */
export const ErrorCode = {
  /** The input does not match the transaction's schema or a format rule. */
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  /** The entity does not exist (or is not visible to the caller). */
  NOT_FOUND: 'NOT_FOUND',
  /** The entity exists already. */
  ALREADY_EXISTS: 'ALREADY_EXISTS',
  /** The caller's org or role may not do this. */
  FORBIDDEN: 'FORBIDDEN',
  /** The caller has no on-chain staff document. */
  NOT_REGISTERED: 'NOT_REGISTERED',
  /** The caller's or the subject's document is not active. */
  INACTIVE: 'INACTIVE',
  /**
   * The caller (or their whole org) is frozen by the regulator; the detail is the freeze id, which the
   * frozen party can read (`ListFreezes`). Lifting needs the regulator and the org's admin.
   */
  FROZEN: 'FROZEN',
  /** The operation needs a patient consent that does not exist. */
  CONSENT_REQUIRED: 'CONSENT_REQUIRED',
  /** A patient signature (JWS) is malformed or does not verify. */
  INVALID_SIGNATURE: 'INVALID_SIGNATURE',
  /** A signed payload's nonce was used before. */
  REPLAYED_NONCE: 'REPLAYED_NONCE',
  /** A signed payload or a grant has expired at the transaction time. */
  EXPIRED: 'EXPIRED',
  /**
   * A patient-signed payload is not newer (`iat`) than the last one of its type the ledger accepted
   * for that patient: an older payload relayed again to roll a setting back.
   */
  STALE_PAYLOAD: 'STALE_PAYLOAD',
  /**
   * The change moves a staff member between an administrative, an oversight (ethics) and any other
   * role: one admin proposes it and a second active admin of the org approves it (two-person rule).
   */
  APPROVAL_REQUIRED: 'APPROVAL_REQUIRED',
  /** No granted, unexpired access event for this caller and record. */
  ACCESS_NOT_GRANTED: 'ACCESS_NOT_GRANTED',
  /** Content or a staged verdict does not match the hash it is anchored or claimed with. */
  CONTENT_MISMATCH: 'CONTENT_MISMATCH',
  /**
   * An anchor's staged content is not on this endorsing peer: never staged, or staged in a block this
   * peer has not committed yet (it lags the custodian's by milliseconds). Retryable.
   */
  CONTENT_NOT_STAGED: 'CONTENT_NOT_STAGED',
  /** Content is not on this peer (not the custodian's peer) or was erased. */
  CONTENT_UNAVAILABLE: 'CONTENT_UNAVAILABLE',
  /** The data-quality gate rejected the content. */
  QUALITY_REJECTED: 'QUALITY_REJECTED',
  /** The state does not allow this transition (version chain, already revoked, already reviewed). */
  CONFLICT: 'CONFLICT',
  /**
   * A value the caller presents as an org's sealed collection holds it (a coverage's usage, a claim, a
   * dispute, open settlement entries) is not what the collection holds now, on this endorser: read on a
   * peer a block ahead of or behind it, changed since, presented where nothing is stored (or none where
   * one is), or altered. Read again and retry.
   */
  PRESENTED_MISMATCH: 'PRESENTED_MISMATCH',
  /**
   * A co-signature of a break-glass request beyond the patient's emergency profile from someone who may
   * not give it: the requester themselves (any certificate of theirs), another org's staff, or anyone
   * but an active attending of a hospital.
   */
  CO_SIGNER_NOT_PERMITTED: 'CO_SIGNER_NOT_PERMITTED',
  /**
   * A benchmark-only transaction was called by a signer whose certificate lacks the bench-loader
   * attribute (`medledger.benchLoader=true`, issued only on benchmark networks): always the case in
   * production.
   */
  BENCH_LOADER_DISABLED: 'BENCH_LOADER_DISABLED',
  /**
   * A data-use receipt does not verify: its MAC is not the custodian's over its fields (forged or
   * altered), or it names another recipient than the caller who records it.
   */
  RECEIPT_INVALID: 'RECEIPT_INVALID',
  /**
   * A value in world state does not match its schema (a ledger written by another version), or a
   * public value lacks the receipt its endorsers must have written with it (forged by other orgs).
   */
  STATE_INVALID: 'STATE_INVALID',
  /**
   * An evaluate-only read whose proposal timestamp is further than `PROPOSAL_TIME_WINDOW_SECONDS` from
   * the custodian's own clock: a backdated (or post-dated) proposal, or a client clock out of step.
   */
  PROPOSAL_TIME_SKEW: 'PROPOSAL_TIME_SKEW',
  /**
   * The consortium, an org's sealed collection key or the custodians' study pseudonym secret is not on
   * the ledger yet: the deployment has not finished (`InitConsortium`, `InstallCollectionKey`,
   * `InstallStudySecret`). Retryable.
   */
  NOT_INITIALIZED: 'NOT_INITIALIZED',
  /**
   * The custodian's chaincode server holds no key-encryption key that opens a record's data key (its
   * keyring file is missing or unreadable, or the key that wrapped it was retired): an operator's fix.
   */
  KEY_UNAVAILABLE: 'KEY_UNAVAILABLE',
  /**
   * A read would cover more than one evaluation reads, and answering with part of it would be wrong: a
   * pair's balances over more than 10,000 open settlement entries (close batches first), or the claim
   * report asked for whole over more than one page of facts (ask for it by pages).
   */
  SCAN_LIMIT: 'SCAN_LIMIT',
} as const;

/** One of {@link ErrorCode}. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

const CODES = new Set<string>(Object.values(ErrorCode));

/** Formats a chaincode error message: `"[CODE] detail"`. The detail must hold ids only. */
export function formatChaincodeError(code: ErrorCode, detail: string): string {
  return detail.length > 0 ? `[${code}] ${detail}` : `[${code}]`;
}

/** An error whose message is `"[CODE] detail"`; thrown by the chaincode. */
export class ChaincodeError extends Error {
  /** The stable code. */
  readonly code: ErrorCode;
  /** The detail (ids only). */
  readonly detail: string;

  constructor(code: ErrorCode, detail = '') {
    super(formatChaincodeError(code, detail));
    this.name = 'ChaincodeError';
    this.code = code;
    this.detail = detail;
  }
}

/** True when `value` is one of the known error codes. */
export function isErrorCode(value: string): value is ErrorCode {
  return CODES.has(value);
}

/**
 * Extracts the code and detail from any message that contains `[CODE]` (Fabric wraps chaincode
 * messages, e.g. `"error in simulation: transaction returned with failure: [NOT_FOUND] rec-1"`).
 * Returns `undefined` when no known code is present.
 */
export function parseChaincodeError(message: string): { code: ErrorCode; detail: string } | undefined {
  const re = /\[([A-Z][A-Z_]*)\]/g;
  for (let m = re.exec(message); m !== null; m = re.exec(message)) {
    const code = m[1] ?? '';
    if (isErrorCode(code)) {
      const rest = message.slice(m.index + m[0].length).trim();
      return { code, detail: rest };
    }
  }
  return undefined;
}
