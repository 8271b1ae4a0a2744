export * from './runtime';
export * from './evidence/evidence-exporter';
