/**
 * The audit projection's public surface (`@medledger/gateway/projection`): its databases, the write
 * side (store, projector, event sources), the read side (the query service and the view schemas)
 * and the runtime that joins them in a gateway. Tools (the CLI) are run, not imported; test support
 * is under `@medledger/gateway/testing`.
 */
export { startProjection, type ProjectionRuntime, type ProjectionStatusReport } from './runtime';
export { ProjectionService, type ProjectionServiceOptions } from './read/service';
export * from './read/views';
export { owedAttestationsSchema, type OwedAttestations } from './read/owed-attestations';
export { Projector, followForever } from './write/projector';
export { ProjectionStore } from './write/store';
export { FabricEventSource } from './write/fabric-source';
export { isBlockEnd } from './write/source';
export type {
  BlockEnd,
  EventSource,
  EventStream,
  ProjectionCheckpoint,
  SourceEvent,
  StreamItem,
} from './write/source';
export type { Dialect, SqlDriver, SqlValue } from './write/sql/driver';
export { SqliteDriver, projectionFile } from './write/sql/sqlite';
export { PostgresDriver } from './write/sql/postgres';
export { openProjectionDatabase } from './write/sql/open';
