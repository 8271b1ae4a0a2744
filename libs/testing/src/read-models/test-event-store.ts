import { jetstreamManager } from '@nats-io/jetstream';
import type { SqlClient } from '@oars/db';
import { EmbeddedEventStore, type EventStore, JetStreamEventStore } from '@oars/eventstore';
import { TEST_NATS_URL, uniqueNamespace } from '../test-database';

/** The event store the read-model integration specs project from: the real embedded adapter. */
export async function openTestEventStore(sql: SqlClient): Promise<EventStore> {
  return new EmbeddedEventStore(sql);
}

export type TestStoreMode = 'embedded' | 'jetstream';

/**
 * Either adapter on the real local services: the embedded log in `sql`, or JetStream under a unique
 * stream prefix. `cleanup()` closes it and deletes the JetStream streams it made.
 */
export async function openEventStoreOf(mode: TestStoreMode, sql: SqlClient): Promise<{ store: EventStore; cleanup: () => Promise<void> }> {
  if (mode === 'embedded') {
    const store = new EmbeddedEventStore(sql);
    return { store, cleanup: () => store.close() };
  }
  const ns = uniqueNamespace('rm');
  const prefix = ns.toUpperCase();
  const store = await JetStreamEventStore.connect({ servers: TEST_NATS_URL, region: 'test', streamPrefix: prefix, subjectPrefix: ns });
  return {
    store,
    async cleanup() {
      const jsm = await jetstreamManager(store.connection);
      for await (const name of jsm.streams.names()) if (name.startsWith(`${prefix}_`)) await jsm.streams.delete(name);
      await store.close();
    },
  };
}
