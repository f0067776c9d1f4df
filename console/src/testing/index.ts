/**
 * Test support of the web console (`@medledger/console/testing`): page drivers that run against any
 * gateway's address (the test ledger's or a real consortium's), the accessibility check, and a small
 * consortium behind the test gateways' fake ledgers. Never imported by the console itself.
 */
export * from './a11y';
export * from './drivers';
export * from './fake-consortium';
export * from './fhir-files';
export * from './page-checks';
export * from './patients';
