import assert from 'node:assert/strict';

import { AppError } from '../../errors';
import { describe, it } from '../../testing/node-test';
import { DuplicateKeyError, ForbiddenKeyError } from './json-body';
import { problemBody, toAppError } from './problem';

describe('pipeline: problems', () => {
  it("when the body parser fails, then each of its failures gets the gateway's code", () => {
    const cases: [unknown, string][] = [
      [{ type: 'entity.too.large', status: 413 }, 'PAYLOAD_TOO_LARGE'],
      [{ type: 'entity.parse.failed', status: 400 }, 'MALFORMED_JSON'],
      [{ type: 'charset.unsupported', status: 415 }, 'UNSUPPORTED_MEDIA_TYPE'],
      [{ type: 'encoding.unsupported', status: 415 }, 'UNSUPPORTED_MEDIA_TYPE'],
      [{ type: 'request.aborted', status: 400 }, 'MALFORMED_JSON'],
      [{ type: 'something.else', status: 400 }, 'VALIDATION_FAILED'],
      [new ForbiddenKeyError('x'), 'MALFORMED_JSON'],
      [{ cause: new DuplicateKeyError('x') }, 'MALFORMED_JSON'],
      [new Error('boom'), 'INTERNAL'],
    ];
    for (const [err, code] of cases) assert.equal(toAppError(err).code, code, JSON.stringify(err));
    const own = new AppError('NOT_FOUND', 'r1');
    assert.equal(toAppError(own), own);
  });

  it('when a problem is rendered, then it carries code, status, request id and issues, and no cause', () => {
    const body = problemBody(
      new AppError('VALIDATION_FAILED', 'bad', {
        issues: [{ path: '/body/x', message: 'required' }],
        cause: new Error('CANARY'),
        txId: 'tx1',
      }),
      'req-1',
    );
    assert.deepEqual(body, {
      type: 'urn:medledger:problem:validation_failed',
      title: 'Bad Request',
      status: 400,
      code: 'VALIDATION_FAILED',
      detail: 'bad',
      instance: 'urn:medledger:request:req-1',
      requestId: 'req-1',
      txId: 'tx1',
      issues: [{ path: '/body/x', message: 'required' }],
    });
  });
});
