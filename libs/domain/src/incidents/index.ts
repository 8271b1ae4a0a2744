export * from './incident.contract';
