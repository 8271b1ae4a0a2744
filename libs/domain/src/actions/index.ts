export * from './action.types';
export * from './action.events';
export * from './action.commands';
export * from './action.state';
export * from './action.decide';
export * from './receipt-id';
export * from './execution';
export { DENIED_BY_POLICY, QUARANTINED_BY_POLICY } from './decide/submit-action.decide';
