export * from './alert.types';
export * from './alert-grouping';
