export * from './event-store.port';
export * from './errors';
export { JetStreamEventStore, type JetStreamEventStoreOptions } from './jetstream/jetstream-event-store';
export { EmbeddedEventStore, MixedDuplicateBatchError } from './embedded/embedded-event-store';
export { runEventStoreContract, type EventStoreUnderTest } from './contract/event-store.contract';
export { WakeableSleep } from './wakeable-sleep';
export { FeedReader, StreamFeeds, type StreamFeedsOptions } from './stream-feeds';
export * from './platform-stream';
