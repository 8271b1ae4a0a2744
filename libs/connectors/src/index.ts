export * from './http/private-network';
export * from './http/public-lookup';
export * from './http/http-connector.call';
export * from './execution/connector-requests.store';
export * from './execution/outcome-waiters';
export * from './execution/http-action.executor';
export * from './execution/execution-consumer';
