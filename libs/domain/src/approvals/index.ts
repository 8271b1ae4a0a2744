export * from './approval.types';
