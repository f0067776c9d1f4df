import assert from 'node:assert/strict';

import { canonicalJson, MAX_TRACE_ROWS, sha256Hex } from '@medledger/domain';

import { AppError } from '../errors';
import { describe, it } from '../testing/node-test';
import { leakMarks } from './leak-document';

const P1 = '0123456789abcdef0123456789abcdef';
const P2 = 'fedcba9876543210fedcba9876543210';
const row = (p: string, n: number) => ({
  resourceType: 'Condition',
  subject: { reference: `Patient/${p}` },
  n,
});

describe('leak document marks', () => {
  it('when a dataset answer leaks, then every row is read in order with its pseudonym and hash, and its receipts are kept', () => {
    const receipt = { accessId: 'a'.repeat(64), mac: 'b'.repeat(64) };
    const marks = leakMarks({
      studyId: 'study-1',
      items: [
        { recordId: 'r1', resource: row(P2, 1), receipt },
        { recordId: 'r2', resource: row(P1, 2), receipt: null },
      ],
    });
    assert.deepEqual(
      marks.rows.map((r) => r.pseudonym),
      [P2, P1],
    );
    assert.equal(marks.rows[0]?.resourceHash, sha256Hex(canonicalJson(row(P2, 1))));
    assert.deepEqual(marks.receipts, [receipt]);
  });

  it('when a content answer leaks re-formatted, then its content hash is the canonical one the receipt holds', () => {
    const content = {
      recordId: 'r1',
      version: 1,
      contentHash: 'c'.repeat(64),
      resource: { resourceType: 'Condition', code: { text: 'x' } },
      salt: 's',
      deidentified: false,
    };
    const reformatted = JSON.parse(JSON.stringify({ ...content, receipt: null }, null, 2)) as unknown;
    const marks = leakMarks({ deidentified: false, ...(reformatted as object) });
    assert.ok(marks.hashes.includes(sha256Hex(canonicalJson(content))));
    assert.deepEqual(
      marks.rows.map((r) => r.pseudonym),
      [null],
    );
  });

  it('when a leak comes as text (a CSV export), then each line with a pseudonym is a row', () => {
    const marks = leakMarks(`subject,code\nPatient/${P1},BA00\n${P2},BA01\nno pseudonym here\n`);
    assert.deepEqual(
      marks.rows.map((r) => r.pseudonym),
      [P1, P2],
    );
  });

  it('when a leak has more rows than a trace reads, then VALIDATION_FAILED', () => {
    const rows = Array.from({ length: MAX_TRACE_ROWS + 1 }, (_, i) => row(P1, i));
    assert.throws(
      () => leakMarks(rows),
      (e: unknown) => e instanceof AppError && e.code === 'VALIDATION_FAILED',
    );
  });
});
