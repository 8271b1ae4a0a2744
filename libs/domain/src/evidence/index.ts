export * from './evidence.events';
export * from './evidence.commands';
export * from './evidence.decide';
