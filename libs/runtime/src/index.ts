export * from './runtime';
export * from './evidence/evidence-exporter';
export * from './retention/ledger-retention';
