/**
 * Test support of the gateway (`@medledger/gateway/testing`): a whole gateway on a fake ledger, the
 * fake ledger itself (Fabric's semantics, in memory), and the projection's test helpers. Never
 * imported by production code (ESLint refuses it outside tests and test support).
 */
export * from './fake-ledger';
export * from './harness';
export { checkR4AuditBundle, checkR4AuditEvent } from '../projection/testing/fhir-check';
export { MemoryEventSource } from '../projection/testing/memory-source';
export { LedgerBuilder, txIdOf, accessScript, ownTreatmentAccess } from '../projection/testing/fixtures';
