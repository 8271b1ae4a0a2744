export * from './alert.types';
