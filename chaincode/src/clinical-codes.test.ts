import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ICD11_CHAPTERS,
  ICD11_CODES,
  isIcd11Code,
  isLoincCode,
  LOINC_LABS,
  unknownIcd11Stems,
} from './clinical-codes';

// ICD-11 numbers its chapters 1-9, then A (10) on, skipping I and O; a stem code starts with its chapter.
const CHAPTER_LETTERS = '123456789ABCDEFGHJKLMNPQRSTUVWXYZ';

void describe('clinical code lists', () => {
  void it('when the ICD-11 list is read, then every code is well formed and starts with its chapter', () => {
    for (const [code, [chapter, title]] of Object.entries(ICD11_CODES)) {
      assert.ok(isIcd11Code(code), code);
      assert.equal(CHAPTER_LETTERS.indexOf(code[0] ?? '') + 1, Number(chapter), code);
      assert.ok(chapter in ICD11_CHAPTERS && title.length > 0, code);
    }
  });

  void it('when ICD-11 codes are post-coordinated, then only stems off the list are unknown', () => {
    assert.deepEqual(unknownIcd11Stems('2C25.0&XH7SY6'), []);
    assert.deepEqual(unknownIcd11Stems('BA00/1A01'), ['1A01']);
    assert.equal(isIcd11Code('I10'), false);
    assert.equal(isIcd11Code('BA00&'), false);
  });

  void it('when the LOINC list is read, then every code passes its check digit, is listed once, and every range is ordered', () => {
    const codes = LOINC_LABS.map((l) => l.code);
    assert.equal(new Set(codes).size, codes.length);
    for (const lab of LOINC_LABS) {
      assert.ok(isLoincCode(lab.code), lab.code);
      for (const r of lab.ranges) assert.ok(r.min < r.max, `${lab.code} ${r.unit}`);
    }
  });

  void it('when a LOINC check digit or shape is wrong, then the code is not LOINC', () => {
    for (const bad of ['2823-4', '2823', '2823-33', 'LA6576-8', '-1', '12345678-9'])
      assert.equal(isLoincCode(bad), false, bad);
    for (const good of ['2093-3', '2085-9', '13457-7', '24323-8', '34133-9'])
      assert.ok(isLoincCode(good), good);
  });
});
