export * from './config';
export * from './http-connectors.config';
export * from './alert-channels.config';
