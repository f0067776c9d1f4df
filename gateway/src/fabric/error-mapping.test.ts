import assert from 'node:assert/strict';
import { describe, it } from '../testing/node-test';

import { Metadata, status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import {
  CommitError,
  CommitStatusError,
  EndorseError,
  GatewayError,
  StatusCode,
} from '@hyperledger/fabric-gateway';

import { ErrorCode } from '@medledger/domain';

import { AppError } from '../errors';
import {
  conflictBackoffMs,
  extractChaincodeError,
  isRetryableConflict,
  mapLedgerError,
  retryLostRaces,
} from './error-mapping';

function serviceError(code: GrpcStatus, message: string): ServiceError {
  return Object.assign(new Error(message), { code, details: message, metadata: new Metadata() });
}

function endorseError(code: GrpcStatus, detailMessages: string[], message = `${code} failed to endorse`) {
  return new EndorseError({
    code,
    message,
    transactionId: 'tx-endorse',
    cause: serviceError(code, message),
    details: detailMessages.map((m) => ({ address: 'peer0:7051', mspId: 'Hospital1MSP', message: m })),
  });
}

/** A SubmitError as the Gateway reports an orderer's unsuccessful broadcast status. */
function ordererRefusal(): Error {
  const message =
    '10 ABORTED: received unsuccessful response from orderer: status=FORBIDDEN, info=implicit policy evaluation failed';
  const err = new GatewayError({
    code: GrpcStatus.ABORTED,
    details: [],
    cause: serviceError(GrpcStatus.ABORTED, message),
    message,
  });
  return Object.assign(err, { name: 'SubmitError', transactionId: 'tx-submit' });
}

function submitError(code: GrpcStatus): Error {
  // SubmitError is exported as a type only; build one with the same shape and name.
  const err = new GatewayError({ code, details: [], cause: serviceError(code, 'submit'), message: 'submit' });
  Object.assign(err, { name: 'SubmitError', transactionId: 'tx-submit' });
  return err;
}

/** Ledger failures and the answer each must map to. */
const table: [name: string, err: unknown, status: number, code: string][] = [
  [
    'chaincode NOT_FOUND in endorsement details',
    endorseError(GrpcStatus.ABORTED, ['chaincode response 500, [NOT_FOUND] rec-1']),
    404,
    'NOT_FOUND',
  ],
  [
    'chaincode ACCESS_NOT_GRANTED',
    endorseError(GrpcStatus.ABORTED, ['chaincode response 500, [ACCESS_NOT_GRANTED] actor did:x']),
    403,
    'ACCESS_NOT_GRANTED',
  ],
  ['chaincode VALIDATION_FAILED', new Error('[VALIDATION_FAILED] input.recordId'), 400, 'VALIDATION_FAILED'],
  [
    'chaincode ALREADY_EXISTS',
    endorseError(GrpcStatus.UNKNOWN, ['[ALREADY_EXISTS] staff s1']),
    409,
    'ALREADY_EXISTS',
  ],
  ['chaincode CONFLICT', endorseError(GrpcStatus.UNKNOWN, ['[CONFLICT] c1']), 409, 'CONFLICT'],
  [
    'chaincode QUALITY_REJECTED',
    endorseError(GrpcStatus.UNKNOWN, ['[QUALITY_REJECTED] r1']),
    422,
    'QUALITY_REJECTED',
  ],
  [
    'chaincode CONTENT_MISMATCH',
    endorseError(GrpcStatus.UNKNOWN, ['[CONTENT_MISMATCH] r1']),
    422,
    'CONTENT_MISMATCH',
  ],
  [
    'chaincode INVALID_SIGNATURE',
    endorseError(GrpcStatus.UNKNOWN, ['[INVALID_SIGNATURE] c1']),
    403,
    'INVALID_SIGNATURE',
  ],
  [
    'chaincode REPLAYED_NONCE',
    endorseError(GrpcStatus.UNKNOWN, ['[REPLAYED_NONCE] c1']),
    409,
    'REPLAYED_NONCE',
  ],
  [
    'peer unavailable',
    endorseError(GrpcStatus.UNAVAILABLE, [], '14 UNAVAILABLE: no connection'),
    503,
    'LEDGER_UNAVAILABLE',
  ],
  ['endorse deadline', endorseError(GrpcStatus.DEADLINE_EXCEEDED, [], '4 deadline'), 504, 'LEDGER_TIMEOUT'],
  ['orderer unavailable on submit', submitError(GrpcStatus.UNAVAILABLE), 503, 'LEDGER_UNAVAILABLE'],
  ['submit deadline', submitError(GrpcStatus.DEADLINE_EXCEEDED), 504, 'LEDGER_TIMEOUT'],
  [
    'commit status unavailable',
    new CommitStatusError({
      code: GrpcStatus.UNAVAILABLE,
      details: [],
      cause: serviceError(GrpcStatus.UNAVAILABLE, 'x'),
      transactionId: 'tx-cs',
    }),
    503,
    'LEDGER_UNAVAILABLE',
  ],
  [
    'commit status deadline',
    new CommitStatusError({
      code: GrpcStatus.DEADLINE_EXCEEDED,
      details: [],
      cause: serviceError(GrpcStatus.DEADLINE_EXCEEDED, 'x'),
      transactionId: 'tx-cs',
    }),
    504,
    'LEDGER_TIMEOUT',
  ],
  [
    'MVCC read conflict after retries',
    new CommitError({ code: StatusCode.MVCC_READ_CONFLICT, transactionId: 'tx-m' }),
    409,
    'LEDGER_CONFLICT',
  ],
  [
    'phantom read conflict',
    new CommitError({ code: StatusCode.PHANTOM_READ_CONFLICT, transactionId: 'tx-p' }),
    409,
    'LEDGER_CONFLICT',
  ],
  [
    'endorsement policy failure',
    new CommitError({ code: StatusCode.ENDORSEMENT_POLICY_FAILURE, transactionId: 'tx-e' }),
    502,
    'TRANSACTION_INVALID',
  ],
  [
    'endorsement mismatch',
    endorseError(GrpcStatus.ABORTED, ['ProposalResponsePayloads do not match']),
    502,
    'ENDORSEMENT_FAILED',
  ],
  [
    'the chaincode server stopped mid-endorsement',
    endorseError(
      GrpcStatus.ABORTED,
      ['error in simulation: failed to execute transaction abc: error sending: chaincode stream terminated'],
      '10 ABORTED: failed to collect enough transaction endorsements',
    ),
    503,
    'LEDGER_UNAVAILABLE',
  ],
  [
    'a peer sheds load past its gateway concurrency limit',
    endorseError(
      GrpcStatus.UNKNOWN,
      [],
      '2 UNKNOWN: endorse call rejected: exceeding concurrency limit (500)',
    ),
    503,
    'LEDGER_UNAVAILABLE',
  ],
  ['identity rejected', endorseError(GrpcStatus.PERMISSION_DENIED, []), 403, 'FORBIDDEN'],
  [
    // Issue 16: a certificate revoked by its org's CRL in the channel config, as Fabric 3.1.5's Gateway
    // reports the endorser's refusal (FAILED_PRECONDITION, which is unavailability otherwise).
    'the peer refuses a revoked certificate',
    endorseError(
      GrpcStatus.FAILED_PRECONDITION,
      ['access denied: channel [medchannel] creator org [Hospital1MSP]'],
      '9 FAILED_PRECONDITION: evaluate call to endorser returned error: access denied: channel [medchannel] creator org [Hospital1MSP]',
    ),
    403,
    'IDENTITY_REJECTED',
  ],
  [
    // A certificate revoked after the peers endorsed: the orderers' Writers policy refuses the signer.
    'the orderers refuse a revoked certificate',
    ordererRefusal(),
    403,
    'IDENTITY_REJECTED',
  ],
  [
    'no endorser of the gateway org can take the transient data',
    endorseError(GrpcStatus.FAILED_PRECONDITION, [], '9 FAILED_PRECONDITION: no endorsers found'),
    503,
    'LEDGER_UNAVAILABLE',
  ],
  ['resource exhausted', endorseError(GrpcStatus.RESOURCE_EXHAUSTED, []), 503, 'LEDGER_UNAVAILABLE'],
  [
    'connection refused',
    Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }),
    503,
    'LEDGER_UNAVAILABLE',
  ],
  ['unknown error', new Error('boom'), 500, 'INTERNAL'],
];

describe('ledger error mapping: the table', () => {
  for (const [name, err, status, code] of table) {
    it(`when ${name}, then ${status} ${code}`, () => {
      const mapped = mapLedgerError(err);
      assert.equal(mapped.status, status);
      assert.equal(mapped.code, code);
      if (status === 503) assert.ok((mapped.retryAfterSeconds ?? 0) > 0, 'Retry-After');
    });
  }
});

describe('ledger error mapping', () => {
  it('when a fabric error carries a transaction id, then the AppError keeps it', () => {
    const mapped = mapLedgerError(
      new CommitError({ code: StatusCode.MVCC_READ_CONFLICT, transactionId: 'tx-9' }),
    );
    assert.equal(mapped.txId, 'tx-9');
  });

  it('when an AppError is mapped, then it passes through unchanged', () => {
    const e = new AppError('RATE_LIMITED', 'x');
    assert.equal(mapLedgerError(e), e);
  });

  it('when a commit lost a race (MVCC, or the endorsement policy a write-once key got meanwhile), then isRetryableConflict is true; other errors are not', () => {
    assert.ok(
      isRetryableConflict(new CommitError({ code: StatusCode.MVCC_READ_CONFLICT, transactionId: 't' })),
    );
    assert.ok(
      isRetryableConflict(
        new CommitError({ code: StatusCode.ENDORSEMENT_POLICY_FAILURE, transactionId: 't' }),
      ),
    );
    assert.ok(!isRetryableConflict(new CommitError({ code: StatusCode.BAD_PAYLOAD, transactionId: 't' })));
    assert.ok(!isRetryableConflict(new Error('x')));
  });

  it('when two endorsers answered differently (one had committed a racing write), then a fresh endorsement is retried; another endorsement failure is not', () => {
    assert.ok(
      isRetryableConflict(endorseError(GrpcStatus.ABORTED, ['ProposalResponsePayloads do not match'])),
    );
    assert.ok(
      !isRetryableConflict(endorseError(GrpcStatus.ABORTED, ['chaincode response 500, [FORBIDDEN] x'])),
    );
    assert.ok(!isRetryableConflict(endorseError(GrpcStatus.UNAVAILABLE, ['connection refused'])));
  });

  it('when a chaincode message has control characters, then the detail drops them', () => {
    assert.deepEqual(extractChaincodeError('error: [NOT_FOUND] rec\u0000-1'), {
      code: 'NOT_FOUND',
      detail: 'rec -1',
    });
    assert.equal(extractChaincodeError('no code here'), undefined);
  });

  it('when any domain error code is mapped, then it is a 4xx (STATE_INVALID a 502, a lagging endorser, an unfinished deployment or a missing key-encryption key a retryable 503), never 500', () => {
    const expected: Record<string, number> = {
      VALIDATION_FAILED: 400,
      NOT_FOUND: 404,
      ALREADY_EXISTS: 409,
      FORBIDDEN: 403,
      NOT_REGISTERED: 403,
      INACTIVE: 403,
      FROZEN: 403,
      CONSENT_REQUIRED: 403,
      INVALID_SIGNATURE: 403,
      REPLAYED_NONCE: 409,
      EXPIRED: 422,
      STALE_PAYLOAD: 409,
      APPROVAL_REQUIRED: 403,
      CO_SIGNER_NOT_PERMITTED: 403,
      ACCESS_NOT_GRANTED: 403,
      CONTENT_MISMATCH: 422,
      RECEIPT_INVALID: 422,
      CONTENT_UNAVAILABLE: 404,
      CONTENT_NOT_STAGED: 503,
      QUALITY_REJECTED: 422,
      CONFLICT: 409,
      PRESENTED_MISMATCH: 409,
      BENCH_LOADER_DISABLED: 403,
      STATE_INVALID: 502,
      PROPOSAL_TIME_SKEW: 403,
      NOT_INITIALIZED: 503,
      KEY_UNAVAILABLE: 503,
      SCAN_LIMIT: 409,
    };
    for (const code of Object.values(ErrorCode)) {
      const mapped = mapLedgerError(new Error(`transaction returned with failure: [${code}] x-1`));
      assert.equal(mapped.code, code);
      assert.equal(mapped.status, expected[code], code);
      if (mapped.status === 503) assert.ok(mapped.retryAfterSeconds !== undefined, `${code} Retry-After`);
    }
  });

  it('when the chaincode answers a code the domain does not know, then 502 CHAINCODE_ERROR_UNKNOWN, not a guess', () => {
    for (const code of ['PATIENT_NOT_FOUND', 'CONSENT_REVOKED', 'SOMETHING_NEW']) {
      const mapped = mapLedgerError(
        endorseError(GrpcStatus.ABORTED, [`chaincode response 500, [${code}] x-1`]),
      );
      assert.equal(mapped.status, 502, code);
      assert.equal(mapped.code, 'CHAINCODE_ERROR_UNKNOWN', code);
      assert.equal(mapped.detail, `the chaincode answered ${code}`);
    }
  });
});

describe('retry after a conflict', () => {
  it('when endorsers answered differently, then the retry waits for a block commit (100 ms and up, growing); after a commit conflict only a short jitter', () => {
    const range = (err: unknown, attempt: number): [number, number] => {
      let bounds: [number, number] = [0, 0];
      conflictBackoffMs(err, attempt, (min, max) => {
        bounds = [min, max];
        return min;
      });
      return bounds;
    };
    const mismatch = endorseError(GrpcStatus.ABORTED, ['ProposalResponsePayloads do not match']);
    const mvcc = new CommitError({ code: StatusCode.MVCC_READ_CONFLICT, transactionId: 't' });
    assert.deepEqual(
      [0, 1, 2].map((a) => range(mismatch, a)),
      [
        [100, 250],
        [200, 500],
        [300, 750],
      ],
    );
    assert.deepEqual(
      [0, 2].map((a) => range(mvcc, a)),
      [
        [5, 25],
        [5, 75],
      ],
    );
  });

  /** Runs retryLostRaces over `outcomes` (an Error is thrown, anything else answered); records the waits. */
  async function raced(outcomes: unknown[], retries = 3) {
    const waits: number[] = [];
    let attempts = 0;
    const run = retryLostRaces(
      () => {
        const next = outcomes[Math.min(attempts, outcomes.length - 1)];
        attempts += 1;
        return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
      },
      retries,
      (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
      (min) => min,
    );
    const result: { value?: unknown; err?: unknown } = await run.then(
      (value) => ({ value }),
      (err: unknown) => ({ err }),
    );
    return { ...result, attempts, waits };
  }

  it('when endorsers answered differently, as the ledger client reports it (mapped where it tries the next peer), then the submit endorses again after the lagging-peer wait and answers once one commits', async () => {
    // The ledger client maps an endorsement failure before its retry loop sees it.
    const mismatch = mapLedgerError(
      endorseError(GrpcStatus.ABORTED, ['ProposalResponsePayloads do not match']),
    );
    assert.equal(mismatch.code, 'ENDORSEMENT_FAILED');
    const mvcc = new CommitError({ code: StatusCode.MVCC_READ_CONFLICT, transactionId: 't' });
    const run = await raced([mismatch, mvcc, mismatch, 'committed']);
    assert.deepEqual(run, { value: 'committed', attempts: 4, waits: [100, 5, 300] });
  });

  it('when the retries run out on endorsers that disagree after the request lost a commit race, then it is a 409 LEDGER_CONFLICT; endorsers that only ever disagreed stay ENDORSEMENT_FAILED', async () => {
    const mismatch = mapLedgerError(
      endorseError(GrpcStatus.ABORTED, ['ProposalResponsePayloads do not match']),
    );
    const mvcc = new CommitError({ code: StatusCode.MVCC_READ_CONFLICT, transactionId: 't' });
    const lost = await raced([mvcc, mvcc, mvcc, mismatch]);
    assert.ok(lost.err instanceof AppError);
    assert.deepEqual([lost.err.status, lost.err.code, lost.attempts], [409, 'LEDGER_CONFLICT', 4]);
    assert.equal(lost.err.retryAfterSeconds, 1);
    const disagreeing = await raced([mismatch]);
    assert.equal(disagreeing.err, mismatch);
    assert.equal(disagreeing.attempts, 4);
  });

  it('when every retry loses the race, then the last loss is answered; a refusal is answered at once', async () => {
    const mvcc = new CommitError({ code: StatusCode.MVCC_READ_CONFLICT, transactionId: 't' });
    const lost = await raced([mvcc]);
    assert.equal(lost.err, mvcc);
    assert.equal(lost.attempts, 4);
    const forbidden = mapLedgerError(
      endorseError(GrpcStatus.ABORTED, ['chaincode response 500, [FORBIDDEN] x']),
    );
    const refused = await raced([forbidden, 'committed']);
    assert.equal(refused.err, forbidden);
    assert.deepEqual([refused.attempts, refused.waits], [1, []]);
  });
});

describe('ledger error mapping: whose outage a 503 names', () => {
  it("when no peer of an org can endorse (down, or not back in gossip yet), then 503 names the org, and a peer's malformed text names none", () => {
    const down = mapLedgerError(
      endorseError(
        GrpcStatus.UNAVAILABLE,
        [],
        '14 UNAVAILABLE: failed to find any endorsing peers for org(s): RegulatorMSP, Hospital2MSP',
      ),
      'endorse',
    );
    assert.equal(down.status, 503);
    assert.equal(down.code, 'LEDGER_UNAVAILABLE');
    assert.equal(down.detail, 'ledger unavailable during endorse: no answer from Hospital2MSP, RegulatorMSP');
    assert.ok((down.retryAfterSeconds ?? 0) > 0, 'Retry-After');
    assert.equal(down.txId, 'tx-endorse');
    for (const orgs of ['<script>alert(1)</script>', 'Regulator MSP', 'did:medledger:patient:p-1', '']) {
      const odd = mapLedgerError(
        endorseError(
          GrpcStatus.UNAVAILABLE,
          [],
          `14 UNAVAILABLE: failed to find any endorsing peers for org(s): ${orgs}`,
        ),
        'endorse',
      );
      assert.equal(odd.code, 'LEDGER_UNAVAILABLE');
      assert.equal(odd.detail, 'ledger unavailable during endorse', orgs);
    }
  });

  it('when the endorsers of an org did not answer (its peer refused the connection), then 503 names that org and no other', () => {
    const refused = new EndorseError({
      code: GrpcStatus.ABORTED,
      message:
        '10 ABORTED: failed to collect enough transaction endorsements, see attached details for more info',
      transactionId: 'tx-endorse',
      cause: serviceError(GrpcStatus.ABORTED, 'failed to collect enough transaction endorsements'),
      details: [
        {
          address: '127.0.0.1:17410',
          mspId: 'RegulatorMSP',
          message:
            'rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial tcp 127.0.0.1:17410: connect: connection refused"',
        },
      ],
    });
    const mapped = mapLedgerError(refused, 'endorse');
    assert.equal(mapped.status, 503);
    assert.equal(mapped.detail, 'ledger unavailable during endorse: no answer from RegulatorMSP');
  });
});
