import assert from 'node:assert/strict';

import { generatePatientKey, signPatientPayload, SIGNED_PAYLOAD_TYPES } from '@medledger/domain';
import { z } from 'zod';

import type { Principal } from '../../auth/tokens';
import { AppError } from '../../errors';
import { describe, it } from '../../testing/node-test';
import { checkPatientSelf, validateInput, type RawInput } from './input';

const route = {
  params: z.strictObject({ id: z.string().regex(/^r-[0-9]+$/) }),
  query: z.strictObject({ n: z.coerce.number().int().optional() }),
  body: z.strictObject({ note: z.string() }),
};
const raw = (over: Partial<RawInput> = {}): RawInput => ({
  params: { id: 'r-1' },
  query: { n: '2' },
  body: { note: 'x' },
  jsonBody: true,
  ...over,
});
const did = 'did:medledger:patient:abcdefgh12';
const patient: Principal = { kind: 'patient', subject: did, org: 'Hospital1' };

function signedBy(patientDid: string): string {
  const { privateJwk } = generatePatientKey();
  return signPatientPayload(
    { typ: SIGNED_PAYLOAD_TYPES.revoke, consentId: 'a'.repeat(64) },
    { patientDid, privateJwk, kid: `${patientDid}#key-1` },
    { nowMs: Date.now() },
  );
}

describe('pipeline: input', () => {
  it('when params, query and body match, then the handler gets them parsed', () => {
    assert.deepEqual(validateInput(route, raw()), {
      params: { id: 'r-1' },
      query: { n: 2 },
      body: { note: 'x' },
    });
    assert.deepEqual(validateInput({ ...route, body: undefined }, raw({ jsonBody: false })).body, undefined);
  });

  it('when a part does not match, then 400 with the path of each issue and no value', () => {
    const cases: [Partial<RawInput>, string][] = [
      [{ params: { id: 'x\u0000' } }, '/path/id'],
      [{ query: { n: 'two' } }, '/query/n'],
      [{ body: { note: 'CANARY', extra: 1 } }, '/body/'],
    ];
    for (const [over, path] of cases) {
      assert.throws(
        () => validateInput(route, raw(over)),
        (e) =>
          e instanceof AppError &&
          e.code === 'VALIDATION_FAILED' &&
          (e.issues ?? []).some((i) => i.path.startsWith(path)) &&
          !JSON.stringify(e.issues).includes('CANARY'),
        path,
      );
    }
  });

  it('when a route with a body gets something else than JSON, then 415 before the body is looked at', () => {
    assert.throws(
      () => validateInput(route, raw({ jsonBody: false, body: undefined })),
      (e) => e instanceof AppError && e.code === 'UNSUPPORTED_MEDIA_TYPE',
    );
  });

  it("when a patient names another patient's DID in the path or relays a payload signed for another, then 403; staff pass", () => {
    const own = { params: { did }, query: {}, body: undefined };
    checkPatientSelf({ patientSelf: 'did' }, patient, own);
    const forbidden = (e: unknown) => e instanceof AppError && e.code === 'FORBIDDEN';
    const other = 'did:medledger:patient:zzzzzzzz99';
    assert.throws(() => {
      checkPatientSelf({ patientSelf: 'did' }, patient, { ...own, params: { did: other } });
    }, forbidden);
    checkPatientSelf({}, patient, { ...own, body: { jws: signedBy(did) } });
    assert.throws(() => {
      checkPatientSelf({}, patient, { ...own, body: { jws: signedBy(other) } });
    }, forbidden);
    checkPatientSelf(
      { patientSelf: 'did' },
      { kind: 'staff', subject: 'doc1', org: 'Hospital1' },
      {
        ...own,
        params: { did: other },
      },
    );
  });
});
