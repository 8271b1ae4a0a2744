export * from './ledger.events';
export * from './ledger.commands';
export * from './ledger.state';
export * from './ledger.decide';
export * from './retention';
