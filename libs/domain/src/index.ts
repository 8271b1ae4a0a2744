export * from './actions';
export * from './connectors';
export * from './approvals';
export * from './tenant-settings';
export * from './alerts';
export * from './policies';
export * from './lifecycle';
