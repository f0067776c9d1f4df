import { writeFileSync } from 'node:fs';

import type { ResultsFolder } from './drivers';

/**
 * A FHIR Condition (essential hypertension, ICD-11 BA00) as a hospital system would export it, written
 * to `name`.json in the run's downloads; `over` replaces top-level fields. Returns the file's path.
 */
export function conditionFile(
  results: ResultsFolder,
  name: string,
  over: Readonly<Record<string, unknown>> = {},
): string {
  const path = results.download(`${name}.json`);
  const resource = {
    resourceType: 'Condition',
    clinicalStatus: {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }],
    },
    code: {
      coding: [{ system: 'http://id.who.int/icd/release/11/mms', code: 'BA00' }],
      text: 'Essential hypertension',
    },
    subject: { reference: 'Patient/example' },
    recordedDate: '2026-01-15',
    ...over,
  };
  writeFileSync(path, JSON.stringify(resource, null, 2));
  return path;
}

/**
 * A FHIR AllergyIntolerance (penicillin) as a hospital system would export it, written to `name`.json
 * in the run's downloads. Returns the file's path.
 */
export function allergyFile(results: ResultsFolder, name: string): string {
  const path = results.download(`${name}.json`);
  const resource = {
    resourceType: 'AllergyIntolerance',
    clinicalStatus: {
      coding: [
        { system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active' },
      ],
    },
    code: { coding: [{ system: 'http://snomed.info/sct', code: '764146007' }], text: 'Penicillin' },
    patient: { reference: 'Patient/example' },
    recordedDate: '2025-11-02',
  };
  writeFileSync(path, JSON.stringify(resource, null, 2));
  return path;
}
