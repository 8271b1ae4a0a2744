export * from './policy.commands';
export * from './policy.events';
export * from './policy.errors';
export * from './policy.state';
export * from './policy.decide';
export * from './policy.view';
