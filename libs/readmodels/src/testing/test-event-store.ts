import type { SqlClient } from '@oars/db';
import { EmbeddedEventStore, type EventStore } from '@oars/eventstore';

/** The event store the read-model integration specs project from: the real embedded adapter. */
export async function openTestEventStore(sql: SqlClient): Promise<EventStore> {
  return new EmbeddedEventStore(sql);
}
