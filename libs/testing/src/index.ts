export * from './test-database';
export * from './memory-event-store';
