export * from './actions';
export * from './connectors';
