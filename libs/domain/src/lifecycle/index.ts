export * from './action-status';
export * from './lifecycle.errors';
export * from './cancel-action.decide';
export * from './report-result.decide';
export * from './connector-outcome.decide';
