export { createR4Validator, type FhirIssue, type FhirIssueKind, type R4Validator } from './r4-validator';
export { checkSearchsetBundle, type SearchsetExpectation } from './searchset';
export { loadDefinitions, r4CodeSystemCodes, type R4Definitions } from './definitions';
