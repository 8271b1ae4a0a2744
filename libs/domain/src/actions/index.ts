export * from './action.types';
export * from './submit-action.decide';
export * from './execution';
