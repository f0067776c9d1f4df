export * from './model';
export * from './anchor';
export * from './protocol';
export * from './coordinator';
export * from './gateway-anchor';
