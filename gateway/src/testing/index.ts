/**
 * Test support of the gateway (`@medledger/gateway/testing`): a whole gateway on a fake ledger, the
 * fake ledger itself (Fabric's semantics, in memory), the projection's test helpers, the FHIR R4
 * validator of the tests. The real browser of the page tests is `@medledger/gateway/testing/browser`
 * (on its own: it loads Playwright). Never
 * imported by production code (ESLint refuses it outside tests and test support).
 */
export * from './fake-ledger';
export * from './harness';
export * from './fhir';
export { MemoryEventSource } from '../projection/testing/memory-source';
export { LedgerBuilder, txIdOf, accessScript, ownTreatmentAccess } from '../projection/testing/fixtures';
export { summaryBundle } from '../services/summary-bundle';
