export * from './test-database';
export * from './decider.harness';
export * from './local-nats-server';
export * from './receipts/receipt-builders';
export * from './receipts/signed-receipts';
export * from './receipts/ops-receipt-builders';
export * from './read-models/read-model-dump';
export * from './read-models/test-event-store';
