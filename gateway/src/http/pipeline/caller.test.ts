import assert from 'node:assert/strict';

import { patientKeyOf } from '@medledger/domain';

import type { Principal } from '../../auth/tokens';
import { AppError } from '../../errors';
import { RateLimiter } from '../../rate-limit';
import { describe, it } from '../../testing/node-test';
import { authenticate, authorizeKind, principalForLog, principalScope, throttle } from './caller';

const staff: Principal = { kind: 'staff', subject: 'doc1', org: 'Hospital1' };
const patient: Principal = { kind: 'patient', subject: 'did:medledger:patient:abcdefgh12', org: 'Hospital1' };

const isCode = (code: string) => (e: unknown) => e instanceof AppError && e.code === code;

describe('pipeline: who calls', () => {
  it('when the Authorization header is missing or not a bearer token, then 401 and the verifier is not asked', async () => {
    const asked: string[] = [];
    const verify = (token: string) => {
      asked.push(token);
      return Promise.resolve(staff);
    };
    for (const header of [
      undefined,
      '',
      'Basic abc',
      'Bearer ',
      'Bearer a b',
      `Bearer ${'a'.repeat(8193)}`,
    ]) {
      await assert.rejects(authenticate(header, verify), isCode('UNAUTHENTICATED'), String(header));
    }
    assert.deepEqual(asked, []);
  });

  it('when a bearer token is sent, then the verifier decides the principal', async () => {
    assert.deepEqual(
      await authenticate('Bearer abc.def.ghi', (t) => Promise.resolve({ ...staff, subject: t })),
      {
        ...staff,
        subject: 'abc.def.ghi',
      },
    );
    const refused = () => Promise.reject(new AppError('UNAUTHENTICATED', 'expired'));
    await assert.rejects(authenticate('Bearer abc', refused), isCode('UNAUTHENTICATED'));
  });

  it('when the route does not take the principal kind, then 403; when it does, then it passes', () => {
    assert.throws(() => {
      authorizeKind({ principals: ['staff'] }, patient);
    }, isCode('FORBIDDEN'));
    authorizeKind({ principals: ['staff', 'patient'] }, patient);
    authorizeKind({ principals: ['staff'] }, staff);
  });

  it('when a principal empties its bucket, then 429 with Retry-After, and another principal of the same subject string is apart', () => {
    let now = 0;
    const limiter = new RateLimiter(1, 2, () => now);
    throttle(limiter, staff);
    throttle(limiter, staff);
    assert.throws(
      () => {
        throttle(limiter, staff);
      },
      (e) => isCode('RATE_LIMITED')(e) && (e as AppError).retryAfterSeconds === 1,
    );
    throttle(limiter, { ...patient, subject: staff.subject });
    now += 1000;
    throttle(limiter, staff);
    assert.equal(principalScope(staff), 'staff:doc1');
  });

  it('when a request is logged, then a staff caller is named by enrollment id and a patient only by a digest of the DID', () => {
    assert.equal(principalForLog(staff), 'staff:doc1');
    const logged = principalForLog(patient);
    assert.match(logged, /^patient:[0-9a-f]{16}$/);
    assert.equal(logged.includes(patient.subject), false);
    assert.equal(logged, `patient:${patientKeyOf(patient.subject).slice(0, 16)}`);
  });
});
