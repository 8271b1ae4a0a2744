export * from './config';
export * from './http-connectors.config';
