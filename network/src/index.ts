export * from './topology';
export * from './paths';
export * from './binaries';
export * from './render';
export * from './processes';
export * from './network';
export * from './identities';
export * from './compose';
