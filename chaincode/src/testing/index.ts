/**
 * Test support of the chaincode (`@medledger/chaincode/testing`): an in-memory ledger and stub with
 * Fabric's semantics (MVCC, private data, events, endorsement), fake client identities, a harness
 * that submits transactions as a given signer, and fixtures. Never imported by the contracts.
 */
export * from './fake-identity';
export * from './fixtures';
export * from './harness';
export * from './memory-ledger';
export * from './test-keyrings';
