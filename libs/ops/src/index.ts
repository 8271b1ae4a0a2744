export * from './oars-metrics';
