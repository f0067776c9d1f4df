export * from './study-lifecycle';
export * from './credit';
export * from './merkle';
export * from './contribution-points';
export * from './study-work';
export * from './study-rounds';
export * from './credentials';
export * from './study-results';
