/** The version of the shared model. */
export const DOMAIN_VERSION = '0.1.0';

export * from './ids';
export * from './canonical-json';
export * from './errors';
export * from './vocabulary';
export * from './jws';
export * from './keys';
export * from './events';
export * from './schemas/common';
export * from './schemas/identity';
export * from './schemas/consent';
export * from './schemas/record';
export * from './schemas/access';
export * from './schemas/study';
export * from './schemas/audit';
export * from './schemas/health';
export * from './transactions';
