export * from './action-status';
export * from './lifecycle.errors';
