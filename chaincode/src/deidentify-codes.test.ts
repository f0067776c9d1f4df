import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FHIR_RESOURCE_TYPES } from '@medledger/domain';
import { loadDefinitions, r4CodeSystemCodes } from '@medledger/fhir';
import { ICD11_SYSTEM, LOINC_LABS, LOINC_SYSTEM, UCUM_SYSTEM } from './clinical-codes';
import {
  CODE_ENUMERATIONS,
  HL7_CODE_SYSTEMS,
  isKnownCode,
  isSnomedConceptId,
  isUcumUnit,
  SNOMED_SYSTEM,
} from './deidentify-codes';

void describe('codes that survive de-identification', () => {
  void it('when an enumeration names an R4 required value set, then it holds exactly the codes of its R4 expansion', () => {
    const expansions = new Map(loadDefinitions(FHIR_RESOURCE_TYPES).expansions);
    for (const [name, e] of Object.entries(CODE_ENUMERATIONS)) {
      if (e.valueSet === null) continue;
      const r4 = expansions.get(e.valueSet);
      assert.ok(r4, `${name}: ${e.valueSet} is not a required value set of the record types`);
      assert.deepEqual([...e.codes].sort(), r4.map((c) => c.slice(c.indexOf('|') + 1)).sort(), name);
    }
  });

  void it('when an HL7 code system is listed, then the list is every code of its R4 CodeSystem but the abstract ones', () => {
    const r4 = r4CodeSystemCodes(Object.keys(HL7_CODE_SYSTEMS));
    for (const [url, codes] of Object.entries(HL7_CODE_SYSTEMS)) {
      const published = r4.get(url);
      assert.ok(published, `${url} is not published with R4`);
      assert.deepEqual(
        codes,
        published.filter((c) => !c.startsWith('_')),
        url,
      );
    }
  });

  void it('when SNOMED CT concept ids carry their Verhoeff check digit, then they are known; a wrong digit or a description id is not', () => {
    for (const id of ['39579001', '764146007', '24484000', '386661006', '260385009', '184099003']) {
      assert.ok(isSnomedConceptId(id), id);
    }
    for (const id of ['39579002', '764146008', '12345', '0039579001', '39579011', 'CANARY']) {
      assert.ok(!isSnomedConceptId(id), id);
    }
  });

  void it('when units are the UCUM codes of the gate table and common clinical units, then they are UCUM; text and unknown annotations are not', () => {
    const units = new Set(LOINC_LABS.flatMap((l) => l.ranges.map((r) => r.unit)));
    for (const u of [
      ...units,
      'a',
      'mo',
      'wk',
      'd',
      '/min',
      '10*3/uL',
      'mL/min/{1.73_m2}',
      'kg/m2',
      '[IU]/L',
      'mm[Hg]',
    ]) {
      assert.ok(isUcumUnit(u), u);
    }
    for (const u of [
      '',
      'CANARY',
      'mg said Jane',
      '{Jane}',
      'mg{Jane Canary}',
      'kg/',
      'mmHg',
      '2mg',
      'Jane.Doe',
    ]) {
      assert.ok(!isUcumUnit(u), u);
    }
  });

  void it('when a code comes with its system, then it is known only in the form its terminology gives its codes', () => {
    assert.ok(isKnownCode(LOINC_SYSTEM, '2823-3'));
    assert.ok(!isKnownCode(LOINC_SYSTEM, '2823-4'));
    assert.ok(isKnownCode(ICD11_SYSTEM, '2C25.0&XH7SY6'));
    assert.ok(!isKnownCode(ICD11_SYSTEM, 'Jane Canary'));
    assert.ok(isKnownCode(SNOMED_SYSTEM, '39579001'));
    assert.ok(isKnownCode('http://www.whocc.no/atc', 'C09AA02'));
    assert.ok(!isKnownCode('http://www.whocc.no/atc', 'C09AA02 Canary'));
    assert.ok(isKnownCode(UCUM_SYSTEM, 'mmol/L'));
    assert.ok(!isKnownCode('http://hospital.example/codes', 'HTN'));
    assert.ok(!isKnownCode(undefined, '2823-3'));
  });
});
