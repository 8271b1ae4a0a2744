export * from './oncall.types';
export * from './oncall-schedule';
export * from './oncall.decide';
