/**
 * The parts of the shared model that load in a browser (no Node API): canonical JSON, what a patient
 * signs up to the signature, identifiers and the vocabulary. The web console imports this entry point
 * (`@medledger/domain/browser`); everything here is also exported by the main entry.
 */
export * from './canonical-json';
export * from './signed-payload';
export * from './ids';
export * from './vocabulary';
